"""Download formats written in-process and read back with GDAL (pyogrio), compared with the layer files.

test_api.py checks the same files over HTTP; these are fast enough for `make mutation` to rerun them against every
change to the writers.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

from geo.data.atlas import Atlas
from geo.data.schema import FeatureProperties
from geo.publish.formats import (BASE_COLUMNS, FORMATS, _column_dtype, encode, encode_geopackage, feature_collection,
                                 to_frame)
from geo.data.registry import DATA_VERSION
from tests.conftest import LAYERS_DIR, read_layer


def read_back(data: bytes, tmp_path: Path, name: str, **kwargs):
    path = tmp_path / name
    path.write_bytes(data)
    return path, pyogrio.read_dataframe(path, **kwargs)


def test_media_types_are_the_registered_ones() -> None:
    # IANA: application/geo+json (RFC 7946), application/geopackage+sqlite3 (OGC 12-128), KML (OGC 07-147),
    # text/csv (RFC 4180). FlatGeobuf has no IANA registration: the vendor-tree type it is served with.
    assert {name: fmt.media_type for name, fmt in FORMATS.items()} == {
        "geojson": "application/geo+json", "gpkg": "application/geopackage+sqlite3",
        "fgb": "application/vnd.flatgeobuf",
        "csv": "text/csv; charset=utf-8", "kml": "application/vnd.google-earth.kml+xml"}


def test_geojson_is_the_layer_file_with_measures_and_version(atlas: Atlas) -> None:
    layer = atlas.layer("bonded_zones")
    document = json.loads(encode(layer.features, FORMATS["geojson"], "bonded_zones"))
    raw = read_layer(LAYERS_DIR, "bonded_zones")["features"]
    assert document["type"] == "FeatureCollection" and document["data_version"] == DATA_VERSION
    assert [f["id"] for f in document["features"]] == [f["properties"]["id"] for f in raw]
    assert [f["geometry"] for f in document["features"]] == [f["geometry"] for f in raw]
    tagged = feature_collection(layer.features[:1], with_layer=True)
    assert tagged["features"][0]["properties"]["layer"] == "bonded_zones"
    assert "layer" not in feature_collection(layer.features[:1])["features"][0]["properties"]


def test_csv_columns_and_values(atlas: Atlas, tmp_path: Path) -> None:
    layer = atlas.layer("universities")
    data = encode(layer.features, FORMATS["csv"], "universities", layer.figure_columns)
    header = data.decode("utf-8").splitlines()[0].split(",")
    assert header[:3] == ["WKT", "data_version", "id"]  # geometry as WKT, then the version column
    _, frame = read_back(data, tmp_path, "u.csv")
    raw = read_layer(LAYERS_DIR, "universities")["features"]
    assert list(frame["id"]) == [f["properties"]["id"] for f in raw]
    assert set(frame["data_version"]) == {DATA_VERSION}
    assert list(frame["name_zh"]) == [f["properties"]["name_zh"] for f in raw]
    sources = [json.loads(text) for text in frame["sources"]]
    assert [len(s) for s in sources] == [len(f["properties"]["sources"]) for f in raw]
    # Compact JSON, non-ASCII text as written.
    assert all(json.dumps(s, ensure_ascii=False, separators=(",", ":")) == text for s, text in zip(sources, frame["sources"]))


def test_geopackage_types_metadata_and_values(atlas: Atlas, tmp_path: Path) -> None:
    layer = atlas.layer("bonded_zones")
    path, frame = read_back(encode(layer.features, FORMATS["gpkg"], "bonded_zones", layer.figure_columns),
                            tmp_path, "b.gpkg")
    info = pyogrio.read_info(path)
    assert info["dataset_metadata"] == {"DATA_VERSION": DATA_VERSION}
    assert info["layer_metadata"] == {"DATA_VERSION": DATA_VERSION}
    assert "data_version" not in frame.columns  # the version lives in the metadata tables
    raw = read_layer(LAYERS_DIR, "bonded_zones")["features"]
    assert list(frame["id"]) == [f["properties"]["id"] for f in raw]
    assert list(frame["established"]) == [f["properties"]["established"] for f in raw]
    types = dict(zip(info["fields"], info["dtypes"]))
    assert types["established"] == "int64" and types["area_km2"] == "float64" and types["name_en"] == "object"
    areas = [f["properties"]["documented_area_km2"] for f in raw]
    if all(isinstance(a, (int, float)) for a in areas):
        assert types["documented_area_km2"] == "float64"
        assert list(frame["documented_area_km2"]) == pytest.approx(areas)
    assert frame.crs.to_epsg() == 4326
    assert frame.geometry.iloc[0].equals_exact(layer.features[0].geometry, 1e-9)


def test_figure_columns_mixing_shapes_are_json_text(atlas: Atlas, tmp_path: Path) -> None:
    layer = atlas.layer("city_profile")
    mixed = [name for name, numeric in layer.figure_columns.items() if not numeric]
    assert mixed  # the city profile documents ranges, series and qualified figures
    frame = to_frame(layer.features, layer.figure_columns)
    name = mixed[0]
    raw = read_layer(LAYERS_DIR, "city_profile")["features"]
    expected = [f["properties"].get(name) for f in raw]
    written = [None if pd.isna(v) else json.loads(v) for v in frame[name]]
    assert written == expected
    numeric = [name for name, is_numeric in layer.figure_columns.items() if is_numeric]
    if numeric:
        assert str(frame[numeric[0]].dtype) == "Float64"
    assert str(frame["established"].dtype) == "Int64" and str(frame["area_km2"].dtype) == "Float64"
    assert "data_version" not in to_frame(layer.features).columns
    assert list(to_frame(layer.features, version_column=True).columns)[0] == "data_version"


def test_kml_names_placemarks_and_keeps_the_id(atlas: Atlas, tmp_path: Path) -> None:
    layer = atlas.layer("logistics_hubs")
    _, frame = read_back(encode(layer.features, FORMATS["kml"], "logistics_hubs", layer.figure_columns),
                         tmp_path, "h.kml")
    raw = read_layer(LAYERS_DIR, "logistics_hubs")["features"]
    assert list(frame["Name"]) == [f["properties"]["name_en"] for f in raw]
    assert list(frame["atlas_id"]) == [f["properties"]["id"] for f in raw]
    assert set(frame["data_version"]) == {DATA_VERSION}


def test_one_geopackage_with_a_table_per_layer(atlas: Atlas, tmp_path: Path) -> None:
    chosen = ["universities", "rail_europe"]
    data = encode_geopackage({name: (atlas.layer(name).features, atlas.layer(name).figure_columns) for name in chosen})
    path = tmp_path / "atlas.gpkg"
    path.write_bytes(data)
    assert [name for name, _ in pyogrio.list_layers(path)] == chosen
    for name in chosen:
        frame = pyogrio.read_dataframe(path, layer=name)
        assert list(frame["id"]) == [f["properties"]["id"] for f in read_layer(LAYERS_DIR, name)["features"]]
        assert pyogrio.read_info(path, layer=name)["layer_metadata"] == {"DATA_VERSION": DATA_VERSION}
    assert pyogrio.read_info(path, layer=chosen[0])["dataset_metadata"] == {"DATA_VERSION": DATA_VERSION}


def test_a_selection_keeps_the_layer_columns_and_types(atlas: Atlas, tmp_path: Path) -> None:
    layer = atlas.layer("city_profile")
    raw = read_layer(LAYERS_DIR, "city_profile")["features"]
    figures = {name for f in raw for name in f["properties"] if name in layer.figure_columns}
    one = layer.features[-1:]  # a selection of one feature: its own figures are fewer than the layer's
    own = {name for name in figures if raw[-1]["properties"].get(name) is not None}
    assert own < figures
    for frame in (to_frame(one, layer.figure_columns), to_frame([], layer.figure_columns)):
        assert figures <= set(frame.columns)
    _, written = read_back(encode(one, FORMATS["gpkg"], "city_profile", layer.figure_columns), tmp_path, "one.gpkg")
    assert figures <= set(written.columns)
    data = encode_geopackage({"city_profile": (one, layer.figure_columns)})
    _, written = read_back(data, tmp_path, "sel.gpkg", layer="city_profile")
    assert figures <= set(written.columns)
    # A missing figure stays empty (not the text "null"), in text and numeric columns alike.
    frame = to_frame(layer.features, layer.figure_columns)
    for name in figures:
        for value, feature in zip(frame[name], raw):
            if feature["properties"].get(name) is None:
                assert pd.isna(value), (name, value)


def test_column_types_follow_the_feature_schema() -> None:
    # The schema's own JSON Schema says which base fields are whole numbers or numbers; GIS tools must see them as
    # such (nullable, since a field may be missing). The computed figures are measured, so always decimal.
    schema = FeatureProperties.model_json_schema()["properties"]
    for name in BASE_COLUMNS:
        types = {schema[name].get("type")} | {part.get("type") for part in schema[name].get("anyOf", [])}
        expected = "Int64" if "integer" in types else "Float64" if "number" in types else "object"
        assert _column_dtype(name) == expected, name
    assert _column_dtype("established") == "Int64"
    for name in ("area_km2", "length_km"):
        assert _column_dtype(name) == "Float64"


FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)"]


def test_csv_cells_that_a_spreadsheet_would_run_are_plain_text(atlas: Atlas) -> None:
    import csv
    import io
    from dataclasses import replace

    layer = atlas.layer("universities")
    hostile = [replace(feature, properties={**feature.properties, "description_en": text, "name_fa": text})
               for feature, text in zip(layer.features, FORMULAS)]
    data = encode(hostile, FORMATS["csv"], "universities", layer.figure_columns)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))  # what a spreadsheet reads, cell by cell
    assert [row["description_en"] for row in rows] == ["'" + text for text in FORMULAS]
    assert [row["name_fa"] for row in rows] == ["'" + text for text in FORMULAS]
    # Numbers are not text: a number column keeps its value (and a negative one its sign).
    assert [float(row["established"]) for row in rows if row["established"]] == [
        float(f.properties["established"]) for f in hostile if f.properties.get("established") is not None]
    # GeoJSON downloads carry the text exactly as written.
    assert [f["properties"]["description_en"] for f in json.loads(encode(hostile, FORMATS["geojson"],
                                                                         "universities"))["features"]] == FORMULAS


@pytest.mark.parametrize("text", FORMULAS)
def test_names_beginning_like_a_formula_are_refused(layers_copy: Path, text: str) -> None:
    from geo.data.validate import validate_layers
    from tests.conftest import edit_feature

    feature_id = edit_feature(layers_copy, "universities", lambda f: f["properties"].update(name_en=text))
    _, problems = validate_layers(layers_copy)
    assert [(p.file, p.feature_id, p.field) for p in problems if "formula" in p.message] == [
        ("universities.geojson", feature_id, "name_en")]
