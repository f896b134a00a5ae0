"""Validation rules applied to one real feature or one small file at a time, with the exact message each must give.

test_validation.py proves the same rules through whole layer folders; these run in milliseconds, so `make mutation`
can rerun them against every change to the checking code.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import shape

from geo.data.figures import as_text, check_figure, figure_columns_of, headline_number, shape_of
from geo.data.geodesy import geodesic_area_km2
from geo.data.problems import Problem
from geo.data.registry import LAYERS
from geo.data.schema import DOCUMENTED_FIGURES
from geo.data.validate import (is_editor_file, read_json, validate_feature, validate_feature_collection,
                          validate_layers)
from tests.conftest import LAYERS_DIR, read_layer
from tests.test_validation import BOWTIE, CASES

SPECS = {spec.id: spec for spec in LAYERS}


def raw_feature(layer: str, index: int = 0) -> dict[str, Any]:
    return copy.deepcopy(read_layer(LAYERS_DIR, layer)["features"][index])


def problems_of(layer: str, raw: Any, index: int = 0) -> list[tuple[str | None, str | None, str]]:
    feature, problems = validate_feature(SPECS[layer], index, raw)
    assert all(p.file == f"{layer}.geojson" for p in problems)
    return [(p.feature_id, p.field, p.message) for p in problems]


def test_every_real_feature_is_valid_as_it_stands() -> None:
    layers, problems = validate_layers(LAYERS_DIR)
    assert problems == []
    for spec in LAYERS:
        raw = read_layer(LAYERS_DIR, spec.id)["features"]
        assert [f.properties.id for f in layers[spec.id]] == [f["properties"]["id"] for f in raw]
        assert [f.geojson_geometry for f in layers[spec.id]] == [f["geometry"] for f in raw]


@pytest.mark.parametrize(("layer", "edit", "field", "message"), [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_each_rule_names_the_feature_and_field(layer: str, edit, field: str | None, message: str) -> None:
    raw = raw_feature(layer)
    feature_id = raw["properties"]["id"]
    edit(raw)
    feature, problems = validate_feature(SPECS[layer], 0, raw)
    matching = [p for p in problems if p.field == field and message in p.message]
    assert matching, problems
    assert {p.feature_id for p in matching} <= {feature_id, "Chongqing University!"}
    valid, _ = validate_feature_collection(SPECS[layer], {"type": "FeatureCollection", "features": [raw]})
    assert valid == []  # a feature with a problem is never added to its layer


def test_exact_messages() -> None:
    raw = raw_feature("bonded_zones")
    raw["properties"]["kind"] = "university"
    assert (raw["properties"]["id"], "kind", "'university' is not a kind of layer bonded_zones (allowed: "
            "bonded_logistics_center, bonded_port_area, comprehensive_bonded_zone)") in problems_of("bonded_zones", raw)
    raw = raw_feature("universities")
    raw["geometry"] = {"type": "Point", "coordinates": [106.1234567, 29.5]}
    assert (raw["properties"]["id"], "geometry.coordinates",
            "position [106.1234567, 29.5] has more than 6 decimals") in problems_of("universities", raw)
    raw["geometry"] = {"type": "Point", "coordinates": [106.123456, 29.5]}
    assert problems_of("universities", raw) == []
    raw["geometry"] = {"type": "Point", "coordinates": [106.5, 29.5, 300.1234567]}  # heights may have any precision
    assert problems_of("universities", raw) == []
    raw["geometry"] = {"type": "Point", "coordinates": [29.5, 106.5]}
    assert problems_of("universities", raw)[0][1:] == ("geometry.coordinates", "position [29.5, 106.5] out of range: "
                                                      "lon must be within ±180, lat within ±90 (swapped lat/lon?)")
    raw["geometry"] = {"type": "Point", "coordinates": [180.5, 29.5]}
    assert "out of range" in problems_of("universities", raw)[0][2]
    raw["geometry"] = {"type": "Point", "coordinates": [-180.5, 29.5]}
    assert "out of range" in problems_of("universities", raw)[0][2]
    raw["geometry"] = {"type": "Point", "coordinates": [106.5, -90.5]}
    assert "out of range" in problems_of("universities", raw)[0][2]
    raw["geometry"] = {"type": "Point", "coordinates": [116.4, 39.9]}  # Beijing
    assert problems_of("universities", raw)[0][1:] == ("geometry", "bounds (116.4000, 39.9000, 116.4000, 39.9000) fall "
                                                      "outside Chongqing municipality (105.17..110.2 E, 28.15..32.25 N); "
                                                      "swapped lat/lon?")


@pytest.mark.parametrize("position", [[106.5], [106.5, 29.5, 1, 2], [True, 29.5], [106.5, None], "106.5,29.5"])
def test_malformed_positions(position: Any) -> None:
    raw = raw_feature("universities")
    raw["geometry"] = {"type": "Point", "coordinates": position}
    found = problems_of("universities", raw)
    assert [f[1] for f in found] == ["geometry.coordinates"] and "malformed position" in found[0][2], found


def test_geometry_shape_problems() -> None:
    raw = raw_feature("universities")
    label = raw["properties"]["id"]
    raw["geometry"] = None
    assert problems_of("universities", raw) == [(label, "geometry", "missing or not an object")]
    raw["geometry"] = {"type": "LineString", "coordinates": [[106.5, 29.5], [106.6, 29.6]]}
    assert problems_of("universities", raw) == [(label, "geometry.type",
                                                 "'LineString' not allowed in layer universities (allowed: Point)")]
    raw["geometry"] = {"type": "Point", "coordinates": []}
    assert problems_of("universities", raw) == [(label, "geometry", "is empty")]
    bonded = raw_feature("bonded_zones")
    bonded["geometry"] = BOWTIE
    assert ("geometry", "invalid geometry: Self-intersection[106.55 29.55]") in [f[1:] for f in problems_of(
        "bonded_zones", bonded)]
    bonded["geometry"] = {"type": "Polygon", "coordinates": [[[106.5, 29.5], [106.6, 29.5]]]}
    assert problems_of("bonded_zones", bonded)[0][1] == "geometry"
    assert problems_of("bonded_zones", bonded)[0][2].startswith("cannot be read: ")


def test_ring_orientation_follows_rfc_7946() -> None:
    outer = [[106.5, 29.5], [106.6, 29.5], [106.6, 29.6], [106.5, 29.6], [106.5, 29.5]]  # counter-clockwise
    hole_cw = [[106.52, 29.52], [106.52, 29.58], [106.58, 29.58], [106.58, 29.52], [106.52, 29.52]]
    hole_ccw = list(reversed(hole_cw))
    bonded = raw_feature("bonded_zones")
    bonded["properties"].pop("documented_area_km2", None)
    for source in bonded["properties"]["sources"]:
        source["supports"] = [n for n in source["supports"] if n != "documented_area_km2"]
    for key in [k for k in bonded["properties"] if k in DOCUMENTED_FIGURES]:
        del bonded["properties"][key]
        for source in bonded["properties"]["sources"]:
            source["supports"] = [n for n in source["supports"] if n != key]
    bonded["properties"].pop("figures_as_of", None)

    def winding(coordinates: Any, kind: str = "Polygon") -> list[str]:
        bonded["geometry"] = {"type": kind, "coordinates": coordinates}
        return [f[2] for f in problems_of("bonded_zones", bonded) if f[1] == "geometry"]

    assert winding([outer, hole_cw]) == []
    assert winding([outer, hole_ccw]) == ["holes must be clockwise (RFC 7946 right-hand rule)"]
    assert winding([list(reversed(outer))]) == ["exterior ring must be counter-clockwise (RFC 7946 right-hand rule)"]
    shifted = [[x + 0.2, y] for x, y in outer]
    assert winding([[outer], [list(reversed(shifted))]], "MultiPolygon") == [
        "exterior ring must be counter-clockwise (RFC 7946 right-hand rule)"]
    assert winding([[outer], [shifted]], "MultiPolygon") == []


@pytest.mark.parametrize(("ratio", "refused"), [(0.69, True), (0.71, False), (1.0, False), (1.29, False), (1.31, True)])
def test_documented_area_tolerance_is_30_percent_of_the_documented_figure(ratio: float, refused: bool) -> None:
    raw = raw_feature("bonded_zones")
    measured = geodesic_area_km2(shape(raw["geometry"]))
    documented = round(measured / ratio, 2)  # |measured - documented| is (1 - ratio) / ratio of the documented
    raw["properties"]["documented_area_km2"] = documented
    found = [f[2] for f in problems_of("bonded_zones", raw) if f[1] == "documented_area_km2"]
    if refused:
        assert found == [f"documented {documented:g} km² but the polygon measures {measured:.2f} km² "
                         "(more than 30% apart)"]
    else:
        assert found == []
    raw["properties"]["documented_area_km2"] = {"value": documented, "qualifier": "about"}
    assert bool([f for f in problems_of("bonded_zones", raw) if f[1] == "documented_area_km2"]) == refused


@pytest.mark.parametrize(("length_km", "refused"), [(115, False), (125, True)])
def test_straight_segments_are_limited_per_layer(length_km: float, refused: bool) -> None:
    raw = raw_feature("rail_europe")
    start = [106.45, 29.6]
    # Along a meridian one degree is 111.13 km near 30 N (WGS 84); rail_europe allows 120 km.
    end = [106.45, round(29.6 + length_km / 111.13, 6)]
    raw["geometry"] = {"type": "LineString", "coordinates": [start, end]}
    found = [f[2] for f in problems_of("rail_europe", raw) if f[1] == "geometry"]
    assert bool(found) == refused, found
    if refused:
        assert found[0] == "straight segment of 125 km exceeds 120 km; lines must follow the real alignment"


def test_feature_level_problems() -> None:
    assert problems_of("universities", []) == [("#1", "type", "must be a GeoJSON Feature")]
    assert problems_of("universities", {"type": "Point"}, index=4) == [("#5", "type", "must be a GeoJSON Feature")]
    raw = raw_feature("universities")
    raw["properties"] = "none"
    raw["id"] = "from-feature"
    found = problems_of("universities", raw)
    assert found[0] == ("from-feature", "properties", "must be an object")
    raw = raw_feature("universities")
    raw["properties"]["id"] = ""
    raw.pop("id", None)
    assert {f[0] for f in problems_of("universities", raw, index=2)} == {"#3"}
    raw = raw_feature("universities")
    raw["id"] = "x" * 100
    message = [f[2] for f in problems_of("universities", raw) if f[1] == "id"][0]
    assert message.startswith("Feature id 'xxxxxxxxxxxxxxxxx") and len(message) < 120  # bounded echo
    raw = raw_feature("universities")
    raw["bbox"] = [1e999, 0, 0, 0]
    assert ("bbox.0", "inf is not a JSON number") in [f[1:] for f in problems_of("universities", raw)]
    raw = raw_feature("universities")
    raw["properties"]["established"] = 10**20
    found = problems_of("universities", raw)
    assert [f[1] for f in found] == ["established"]  # reported once, not again by the schema check
    raw = raw_feature("universities")
    raw["geometry"]["coordinates"] = [106.5, 1e400]
    assert [f[1:] for f in problems_of("universities", raw)] == [("geometry.coordinates.1",
                                                                  "inf is not a JSON number")]


def test_figures_date_needs_a_documented_figure() -> None:
    raw = raw_feature("universities")
    raw["properties"]["figures_as_of"] = "2020"
    for key in [k for k in raw["properties"] if k in DOCUMENTED_FIGURES]:
        del raw["properties"][key]
    for source in raw["properties"]["sources"]:
        source["supports"] = []
    assert (raw["properties"]["id"], "figures_as_of", "date given but the feature carries no documented figure") in \
        problems_of("universities", raw)


def test_collection_level_problems() -> None:
    spec = SPECS["universities"]
    assert validate_feature_collection(spec, []) == ([], [Problem("universities.geojson", None, "type",
                                                                  "top level must be a GeoJSON FeatureCollection")])
    assert validate_feature_collection(spec, {"type": "Feature"})[1][0].field == "type"
    _, problems = validate_feature_collection(spec, {"type": "FeatureCollection", "features": []})
    assert problems == [Problem("universities.geojson", None, "features", "layer has no features")]
    _, problems = validate_feature_collection(spec, {"type": "FeatureCollection", "features": {}})
    assert problems == [Problem("universities.geojson", None, "features", "must be a list of Features")]
    _, problems = validate_feature_collection(spec, {"type": "FeatureCollection", "crs": {}, "bbox": [float("nan")],
                                                     "features": [raw_feature("universities")]})
    assert [(p.field, p.message) for p in problems] == [
        ("crs", "RFC 7946 GeoJSON has no 'crs' member; coordinates must be WGS 84 lon/lat"),
        ("bbox.0", "nan is not a JSON number")]
    good, bad = raw_feature("universities", 0), raw_feature("universities", 1)
    bad["properties"]["kind"] = "airport"
    features, problems = validate_feature_collection(spec, {"type": "FeatureCollection", "features": [good, bad]})
    assert [f.properties.id for f in features] == [good["properties"]["id"]]
    assert [p.feature_id for p in problems] == [bad["properties"]["id"]]


def write(folder: Path, name: str, data: Any) -> None:
    (folder / name).write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")


def test_files_and_folders(tmp_path: Path) -> None:
    specs = (SPECS["universities"], SPECS["logistics_hubs"])
    assert validate_layers(tmp_path / "nope", specs) == ({}, [Problem(str(tmp_path / "nope"), None, None,
                                                                      "layers directory does not exist")])
    write(tmp_path, "file", "x")
    assert validate_layers(tmp_path / "file", specs)[1][0].message == "is not a folder"
    folder = tmp_path / "layers"
    folder.mkdir()
    universities = read_layer(LAYERS_DIR, "universities")
    hubs = read_layer(LAYERS_DIR, "logistics_hubs")
    taken = universities["features"][1]["properties"]["id"]
    hubs["features"][0]["properties"]["id"] = taken
    hubs["features"][0]["id"] = taken
    write(folder, "universities.geojson", universities)
    write(folder, "logistics_hubs.geojson", hubs)
    for name in ("stray.geojson", ".#universities.geojson", "universities.geojson~", ".universities.geojson.swp",
                 ".universities.geojson.tmp"):
        write(folder, name, "{}")
    layers, problems = validate_layers(folder, specs)
    assert problems == [
        Problem("stray.geojson", None, None, "not a declared layer (declare it in geo/data/registry.py or remove it)"),
        Problem("logistics_hubs.geojson", taken, "id", "duplicate id (also in universities.geojson)")]
    assert len(layers["universities"]) == len(universities["features"])
    assert len(layers["logistics_hubs"]) == len(hubs["features"])


@pytest.mark.parametrize(("name", "editor"), [(".#a.geojson", True), ("#a.geojson#", True), ("a.geojson~", True),
                                              (".a.geojson.swp", True), (".a.geojson.swx", True),
                                              (".a.geojson.swo", True), (".a.tmp", True), ("a.tmp", False),
                                              (".a.geojson", False), ("a.geojson", False), ("a#.geojson", False)])
def test_editor_files(name: str, editor: bool) -> None:
    assert is_editor_file(name) == editor


def test_unreadable_files_say_why(tmp_path: Path) -> None:
    (tmp_path / "folder.geojson").mkdir()
    assert read_json(tmp_path / "folder.geojson") == (None, [Problem("folder.geojson", None, None,
                                                                     "is not a regular file")])
    assert read_json(tmp_path / "gone.geojson")[1] == [Problem("gone.geojson", None, None, "layer file is missing")]
    (tmp_path / "latin1.geojson").write_bytes(b'{"a": "\xe9"}')
    assert read_json(tmp_path / "latin1.geojson")[1][0].message == "not UTF-8 text (invalid continuation byte at byte 7)"
    (tmp_path / "broken.geojson").write_text('{"a":\n  1,}', encoding="utf-8")
    assert read_json(tmp_path / "broken.geojson")[1][0].message == (
        "invalid JSON: Expecting property name enclosed in double quotes at line 2, column 5")
    (tmp_path / "deep.geojson").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert read_json(tmp_path / "deep.geojson")[1][0].message == "nested too deeply to be read"
    (tmp_path / "ok.geojson").write_text('{"a": [1, 2.5]}', encoding="utf-8")
    assert read_json(tmp_path / "ok.geojson") == ({"a": [1, 2.5]}, [])


# --- documented figures: a number, {"value"}, {"min", "max"} or {"series"} ---

def test_figure_shapes_and_headline_numbers() -> None:
    assert [shape_of(v) for v in (3, 2.5, True, "3", {"value": 1}, {"min": 1}, {"max": 2}, {"series": {}}, {})] == [
        "number", "number", None, None, "qualified", "range", "range", "series", None]
    assert headline_number(3) == 3.0 and isinstance(headline_number(3), float)
    assert headline_number({"value": 2, "qualifier": "about"}) == 2.0
    assert headline_number({"value": "2"}) is None
    assert headline_number({"min": 1, "max": 2}) is None and headline_number(True) is None
    assert as_text({"min": 1, "max": "两"}) == '{"min":1,"max":"两"}'


def test_figure_columns_follow_the_layer_data(atlas) -> None:
    for layer in atlas.layers:
        raw = read_layer(LAYERS_DIR, layer.spec.id)["features"]
        names = [n for n in dict.fromkeys(k for f in raw for k in f["properties"]) if n in DOCUMENTED_FIGURES]
        columns = figure_columns_of(layer.features)
        assert sorted(columns) == sorted(n for n in names if any(f["properties"].get(n) is not None for f in raw))
        for name, numeric in columns.items():
            values = [f["properties"][name] for f in raw if f["properties"].get(name) is not None]
            assert numeric == all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)


@pytest.mark.parametrize(("name", "value", "messages"), [
    ("documented_area_km2", 3.5, []),
    ("documented_area_km2", 0, []),
    ("documented_area_km2", -1, ["value must not be negative, got -1"]),
    ("documented_trade_growth_pct", -4.5, []),
    ("documented_population_change", -4, []),
    ("documented_area_km2", float("inf"), ["value must be finite, got inf"]),
    ("documented_area_km2", "3", ['must be a number, {"value": …}, {"min": …, "max": …} or {"series": {year: …}}, '
                                  "got '3'"]),
    ("documented_area_km2", {"value": 3, "qualifier": "about", "as_of": "2021-05"}, []),
    ("documented_area_km2", {"value": "3"}, ["value must be a number, got '3'"]),
    ("documented_area_km2", {"value": 3, "as_of": "May 2021"},
     ["as_of 'May 2021' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"]),
    ("documented_area_km2", {"value": 3, "as_of": 2021}, ["as_of 2021 is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"]),
    ("documented_area_km2", {"value": 3, "as_of": "2021-05-06"}, []),
    ("documented_area_km2", {"value": 3, "note": "x", "extra": 1}, ["unknown member(s) 'extra', 'note' in a qualified figure"]),
    ("documented_area_km2", {"min": 1, "max": 2, "qualifier": "about"}, []),
    ("documented_area_km2", {"min": 2, "max": 2}, []),
    ("documented_area_km2", {"min": 3, "max": 2}, ["range min 3 is greater than max 2"]),
    ("documented_area_km2", {"min": 1}, ["max must be a number, got None"]),
    ("documented_area_km2", {"min": -1, "max": "x"}, ["min must not be negative, got -1", "max must be a number, got 'x'"]),
    ("documented_area_km2", {"min": 1, "max": 2, "qualifier": "over"}, ["unknown qualifier 'over' (allowed: about)"]),
    ("documented_area_km2", {"series": {"2020": 1}}, ["a series belongs in a property whose name ends in '_by_year'"]),
    ("documented_trade_by_year", 3, ["names ending in '_by_year' hold a series {\"series\": {\"2020\": …}}, got a number"]),
    ("documented_trade_by_year", {"series": {"2020": 1, "2021": 2.5}}, []),
    ("documented_trade_by_year", {"series": {}}, ["series must be a non-empty object of year -> number"]),
    ("documented_trade_by_year", {"series": [1]}, ["series must be a non-empty object of year -> number"]),
    ("documented_trade_by_year", {"series": {"20": 1, "2021": -2}},
     ["series key '20' is not a year (four digits, e.g. \"2023\")", "series value for '2021' must not be negative, got -2"]),
    ("documented_trade_by_year", {"series": {"2020": None}}, ["series value for '2020' must be a number, got None"]),
])
def test_figure_values(name: str, value: Any, messages: list[str]) -> None:
    assert list(check_figure(name, value)) == messages


def test_qualifiers_of_a_qualified_figure() -> None:
    assert list(check_figure("documented_area_km2", {"value": 1, "qualifier": "about"})) == []
    found = list(check_figure("documented_area_km2", {"value": 1, "qualifier": "roughly"}))
    assert len(found) == 1 and found[0].startswith("unknown qualifier 'roughly' (allowed: ")
    assert "about" in found[0]
    assert math.isclose(headline_number({"value": 1.25}), 1.25)
