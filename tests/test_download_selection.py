"""Downloads of a map selection: some layers, a year with undated features kept, the visible extent."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pyogrio
import pytest
from fastapi.testclient import TestClient
from shapely.geometry import box, shape

from tests.conftest import LAYERS_DIR, read_layer


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
