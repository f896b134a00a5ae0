"""Downloads of a map selection: some layers, a year with undated features kept, the visible extent."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pyogrio
import pytest
from fastapi.testclient import TestClient
from shapely.geometry import box, shape

from tests.conftest import LAYERS_DIR, REPO, read_layer


def expected_ids(layer_id: str, year: int | None = None, bbox: tuple[float, float, float, float] | None = None,
                 undated: bool = True) -> set[str]:
    """Straight from layers/*.geojson: the features a map at ``year`` and extent ``bbox`` draws."""
    ids = set()
    for feature in read_layer(LAYERS_DIR, layer_id)["features"]:
        established = feature["properties"].get("established")
        if year is not None and (established > year if established is not None else not undated):
            continue
        if bbox is not None and not shape(feature["geometry"]).intersects(box(*bbox)):
            continue
        ids.add(feature["properties"]["id"])
    return ids


def geojson_ids(response) -> set[str]:
    assert response.status_code == 200, response.text
    return {feature["properties"]["id"] for feature in response.json()["features"]}


@pytest.mark.parametrize("year", [1995, 2010, 2018])
def test_year_with_undated_features_kept(client: TestClient, year: int) -> None:
    params = {"established_to": year, "include_undated": "true"}
    got = geojson_ids(client.get("/api/layers/development_zones.geojson", params=params))
    assert got == expected_ids("development_zones", year)
    without = geojson_ids(client.get("/api/layers/development_zones.geojson", params={"established_to": year}))
    assert without == expected_ids("development_zones", year, undated=False)
    assert got - without, "some development zones have no documented year"


def test_include_undated_without_a_year_changes_nothing(client: TestClient) -> None:
    everything = geojson_ids(client.get("/api/layers/universities.geojson"))
    assert geojson_ids(client.get("/api/layers/universities.geojson?include_undated=true")) == everything


def test_atlas_geojson_limited_to_the_layers_named(client: TestClient) -> None:
    bbox = (106.2, 29.3, 106.9, 29.9)
    params = {"layers": "universities,bonded_zones", "bbox": ",".join(map(str, bbox)), "established_to": 2012,
              "include_undated": "true"}
    body = client.get("/api/atlas.geojson", params=params).json()
    assert {feature["properties"]["layer"] for feature in body["features"]} <= {"universities", "bonded_zones"}
    want = expected_ids("universities", 2012, bbox) | expected_ids("bonded_zones", 2012, bbox)
    assert {feature["properties"]["id"] for feature in body["features"]} == want


def test_atlas_geopackage_has_one_table_per_layer_named(client: TestClient) -> None:
    response = client.get("/api/atlas.gpkg", params={"layers": "logistics_hubs,rail_europe", "established_to": 2012,
                                                     "include_undated": "true"})
    assert response.status_code == 200
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "selection.gpkg"
        path.write_bytes(response.content)
        tables = sorted(name for name, _ in pyogrio.list_layers(path))
        assert tables == ["logistics_hubs", "rail_europe"]
        for table in tables:
            frame = pyogrio.read_dataframe(path, layer=table)
            assert set(frame["id"]) == expected_ids(table, 2012)


@pytest.mark.parametrize("layers", ["nope", "universities,nope", "", ","])
def test_unknown_or_no_layer_is_a_clear_400(client: TestClient, layers: str) -> None:
    response = client.get("/api/atlas.geojson", params={"layers": layers})
    assert response.status_code == 400
    assert "layer" in response.json()["error"]["message"]


def test_csv_selection_reads_back_in_gdal(client: TestClient) -> None:
    response = client.get("/api/layers/development_zones.csv", params={"established_to": 2010, "include_undated": "true"})
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "selection.csv"
        path.write_bytes(response.content)
        frame = pyogrio.read_dataframe(path)
    assert set(frame["id"]) == expected_ids("development_zones", 2010)


KINDS = {lang: json.loads((REPO / "geo" / "data" / "messages" / f"{lang}.json").read_text(encoding="utf-8")) for lang in ("en", "zh", "fa")}


def text_matches(layer_id: str, text: str, lang: str = "en") -> set[str]:
    """Straight from the layer file and the catalog: names (any script) or id containing the text, or the kind
    as ``lang`` names it — what the map's filter leaves on the map."""
    text = text.lower()
    return {f["properties"]["id"] for f in read_layer(LAYERS_DIR, layer_id)["features"]
            if any(text in str(f["properties"].get(k) or "").lower() for k in ("name_en", "name_zh", "name_fa", "id"))
            or text in KINDS[lang][f"kind.{f['properties']['kind']}"].lower()}


@pytest.mark.parametrize(("layer_id", "text", "lang"), [
    ("logistics_hubs", "Rail", None),  # English names, any case
    ("bonded_zones", "综合", "zh"),  # Chinese names and kind labels
    ("universities", "پزشکی", "fa"),  # Persian names
    ("development_zones", "پارک", "fa"),  # Persian names and kind labels
    ("bonded_zones", "bonded port", "en"),  # English kind labels
    ("development_zones", "liangjiang", "en"),  # ids
])
def test_text_filter_q_selects_what_the_maps_filter_leaves(client: TestClient, layer_id: str, text: str,
                                                           lang: str | None) -> None:
    params = {"q": text, **({"lang": lang} if lang else {})}
    got = geojson_ids(client.get(f"/api/layers/{layer_id}.geojson", params=params))
    assert got == text_matches(layer_id, text, lang or "en")
    assert got, "the case selects something"
    assert got != geojson_ids(client.get(f"/api/layers/{layer_id}.geojson")), "and leaves something out"


def test_text_filter_combines_with_year_and_extent(client: TestClient) -> None:
    bbox = (106.2, 29.3, 106.9, 29.9)
    params = {"q": "port", "established_to": 2012, "include_undated": "true", "bbox": ",".join(map(str, bbox))}
    got = geojson_ids(client.get("/api/layers/logistics_hubs.geojson", params=params))
    assert got == text_matches("logistics_hubs", "port") & expected_ids("logistics_hubs", 2012, bbox)
