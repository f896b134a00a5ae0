"""Download API over HTTP: catalog, formats, headers, filters (checked with shapely), errors, traversal."""

from __future__ import annotations

import json
from pathlib import Path

import pyogrio
import pytest
from fastapi.testclient import TestClient
from shapely.geometry import box

from geo.data.atlas import Atlas
from geo.publish.formats import FORMATS



def ids(collection: dict) -> list[str]:
    return [feature["id"] for feature in collection["features"]]


def test_catalog_lists_every_layer_with_links(client: TestClient, atlas: Atlas) -> None:
    body = client.get("/api/layers").json()
    assert [entry["id"] for entry in body["layers"]] == [layer.spec.id for layer in atlas.layers]
    for entry, layer in zip(body["layers"], atlas.layers):
        assert entry["feature_count"] == len(layer.features)
        assert entry["bbox"] == list(layer.bbox)
        assert entry["license"] and entry["attribution"] and entry["description"]
        for ext, href in entry["links"].items():
            assert href == f"/api/layers/{layer.spec.id}.{ext}"
            assert client.get(href).status_code == 200


def test_layer_geojson_headers_and_content(client: TestClient, atlas: Atlas) -> None:
    response = client.get("/api/layers/bonded_zones.geojson")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    assert response.headers["content-disposition"] == 'attachment; filename="bonded_zones.geojson"'
    assert ids(response.json()) == [f.id for f in atlas.layer("bonded_zones").features]


def test_etag_gives_304_and_changes_with_content(client: TestClient) -> None:
    first = client.get("/api/layers/universities.geojson")
    etag = first.headers["etag"]
    assert etag.startswith('"') and not etag.startswith('W/')
    again = client.get("/api/layers/universities.geojson", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    other = client.get("/api/layers/logistics_hubs.geojson", headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["etag"] != etag


def test_gzip_when_accepted(client: TestClient) -> None:
    plain = client.get("/api/layers/rail_europe.geojson", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    compressed = client.get("/api/layers/rail_europe.geojson", headers={"Accept-Encoding": "gzip"})
    assert compressed.headers["content-encoding"] == "gzip"
    assert compressed.content == plain.content  # decoded by the client: the same bytes
    assert int(compressed.headers["content-length"]) < len(plain.content)


# RFC 9110 §12.5.3: q=0 means "not acceptable"; "*" stands for codings not listed; codings are case-insensitive.
@pytest.mark.parametrize(("accept_encoding", "gzipped"), [
    ("gzip", True), ("GZIP", True), ("gzip;q=0.5", True), ("gzip; q=0.001", True), ("*", True), ("br, *", True),
    ("*;q=0, gzip", True), ("x-gzip", True),
    ("gzip;q=0", False), ("gzip; q=0.000", False), ("gzip;q=0.", False), ("identity", False), ("br", False),
    ("gzip;q=0, *", False), ("*;q=0", False), ("", False), ("deflate, br;q=1", False),
])
@pytest.mark.parametrize("query", ["", "?kind=university"])  # the prepared fast path and the routed API
def test_gzip_negotiation_follows_rfc_9110(client: TestClient, accept_encoding: str, gzipped: bool, query: str) -> None:
    response = client.get(f"/api/layers/universities.geojson{query}", headers={"Accept-Encoding": accept_encoding})
    assert response.status_code == 200
    assert (response.headers.get("content-encoding") == "gzip") is gzipped
    assert response.json()["type"] == "FeatureCollection"


def test_atlas_geojson_carries_layer_of_each_feature(client: TestClient, atlas: Atlas) -> None:
    body = client.get("/api/atlas.geojson").json()
    assert len(body["features"]) == len(atlas.features())
    assert all(f["properties"]["layer"] == f_atlas.layer_id for f, f_atlas in zip(body["features"], atlas.features()))


def filter_with_shapely(atlas: Atlas, layer_id: str, bbox: tuple[float, float, float, float]) -> list[str]:
    area = box(*bbox)
    return [f.id for f in atlas.layer(layer_id).features if f.geometry.intersects(area)]


BBOXES = [(106.2, 29.4, 106.8, 29.8), (100.0, 20.0, 110.0, 25.0), (6.0, 50.0, 8.0, 52.0), (0.0, -5.0, 1.0, -4.0)]


@pytest.mark.parametrize("bbox", BBOXES)
@pytest.mark.parametrize("layer_id", ["bonded_zones", "development_zones", "rail_europe", "land_sea_corridor", "universities"])
def test_bbox_filter_matches_shapely(client: TestClient, atlas: Atlas, layer_id: str, bbox: tuple) -> None:
    query = ",".join(str(v) for v in bbox)
    body = client.get(f"/api/layers/{layer_id}.geojson", params={"bbox": query}).json()
    assert ids(body) == filter_with_shapely(atlas, layer_id, bbox)


def test_kind_and_year_filters(client: TestClient, atlas: Atlas) -> None:
    layer = atlas.layer("development_zones")
    kind = layer.features[0].properties["kind"]
    body = client.get("/api/layers/development_zones.geojson", params={"kind": kind}).json()
    assert ids(body) == [f.id for f in layer.features if f.properties["kind"] == kind]
    body = client.get("/api/layers/development_zones.geojson", params={"established_from": 2010, "established_to": 2019}).json()
    expected = [f.id for f in layer.features if f.properties["established"] is not None
                and 2010 <= f.properties["established"] <= 2019]
    assert ids(body) == expected and expected


@pytest.mark.parametrize("ext", ["gpkg", "csv", "kml"])
def test_same_filters_give_same_features_in_every_format(client: TestClient, tmp_path: Path, ext: str) -> None:
    params = {"bbox": "106.2,29.4,106.8,29.8", "established_from": 2000}
    expected = ids(client.get("/api/layers/development_zones.geojson", params=params).json())
    response = client.get(f"/api/layers/development_zones.{ext}", params=params)
    assert response.status_code == 200
    path = tmp_path / f"development_zones.{ext}"
    path.write_bytes(response.content)
    frame = pyogrio.read_dataframe(path)
    column = FORMATS[ext].id_column
    assert sorted(frame[column]) == sorted(expected)


@pytest.mark.parametrize("layer_id", ["free_trade_zone", "bonded_zones", "development_zones", "rail_europe",
                                      "land_sea_corridor", "yangtze_waterway", "logistics_hubs", "universities"])
@pytest.mark.parametrize("ext", ["gpkg", "csv", "kml"])
def test_every_format_round_trips_features_and_attributes(client: TestClient, atlas: Atlas, tmp_path: Path,
                                                          layer_id: str, ext: str) -> None:
    path = tmp_path / f"{layer_id}.{ext}"
    path.write_bytes(client.get(f"/api/layers/{layer_id}.{ext}").content)
    frame = pyogrio.read_dataframe(path)
    layer = atlas.layer(layer_id)
    assert len(frame) == len(layer.features)
    by_id = {f.id: f for f in layer.features}
    for _, row in frame.iterrows():
        feature = by_id[row[FORMATS[ext].id_column]]
        assert row["name_zh"] == feature.properties["name_zh"]
        assert json.loads(row["sources"]) == feature.properties["sources"]
        assert row.geometry.hausdorff_distance(feature.geometry) < 1e-6


def test_atlas_geopackage_has_one_table_per_layer(client: TestClient, atlas: Atlas, tmp_path: Path) -> None:
    path = tmp_path / "atlas.gpkg"
    path.write_bytes(client.get("/api/atlas.gpkg").content)
    tables = {name for name, _ in pyogrio.list_layers(path)}
    assert tables == {layer.spec.id for layer in atlas.layers}
    for layer in atlas.layers:
        assert len(pyogrio.read_dataframe(path, layer=layer.spec.id)) == len(layer.features)


@pytest.mark.parametrize(("bbox", "message"), [
    ("1,2,3", "four comma-separated numbers"),
    ("a,b,c,d", "must be numbers"),
    ("nan,0,1,1", "finite"),
    ("0,-95,1,1", "latitudes"),
    ("0,0,200,1", "longitudes"),
    ("1e1,0,20,1", "plain decimal"),
    ("1_0,0,20,1", "plain decimal"),
])
def test_malformed_bbox_is_400_with_message(client: TestClient, bbox: str, message: str) -> None:
    response = client.get("/api/layers/bonded_zones.geojson", params={"bbox": bbox})
    assert response.status_code == 400
    assert message in response.json()["error"]["message"]


def test_year_range_errors_are_400(client: TestClient) -> None:
    response = client.get("/api/layers/bonded_zones.geojson?established_from=soon")
    assert response.status_code == 400 and "established_from" in response.json()["error"]["message"]


@pytest.mark.parametrize("path", [
    "/api/layers/nowhere.geojson", "/api/layers/bonded_zones.shp", "/api/layers/bonded_zones", "/api/atlas.csv",
    "/api/layers/..%2f..%2fpyproject.toml", "/api/layers/%2e%2e%2fpyproject.toml", "/api/layers/../../pyproject.toml",
    "/api/layers/..%2flayers%2fbonded_zones.geojson", "/api/layers/%2e%2e/%2e%2e/etc/passwd",
    "/ogc/collections/..%2f..%2fpyproject.toml", "/ogc/collections/%2e%2e/items",
    "/ogc/collections/bonded_zones/items/..%2f..%2fpyproject.toml", "/ogc/collections/nowhere/items",
])
def test_unknown_names_and_traversal_attempts_are_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    # OGC API exception shape under /ogc, the atlas's own shape elsewhere.
    assert set(response.json()) == ({"code", "description"} if path.startswith("/ogc/") else {"error"})
    assert "[project]" not in response.text and "root:" not in response.text


@pytest.mark.parametrize("path", ["/api/layers/rail_europe.geojson", "/api/layers/bonded_zones.gpkg", "/api/atlas.geojson"])
@pytest.mark.parametrize("encoding", ["gzip", "identity"])
def test_prepared_fast_path_answers_like_the_routed_api(client: TestClient, path: str, encoding: str) -> None:
    # An unrelated query parameter sends the request through the documented route instead of the fast path.
    fast = client.get(path, headers={"Accept-Encoding": encoding})
    routed = client.get(path, params={"unused": "1"}, headers={"Accept-Encoding": encoding})
    assert fast.status_code == routed.status_code == 200
    assert fast.content == routed.content
    for header in ("etag", "content-type", "content-disposition", "content-encoding", "x-content-type-options"):
        assert fast.headers.get(header) == routed.headers.get(header), header
    assert client.get(path, headers={"If-None-Match": fast.headers["etag"]}).status_code == 304


def test_head_gives_size_without_body_and_gdal_reads_by_url(client: TestClient, server_process: str, atlas: Atlas) -> None:
    head = client.head("/api/layers/universities.geojson", headers={"Accept-Encoding": "identity"})
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == len(client.get("/api/layers/universities.geojson",
                                                                headers={"Accept-Encoding": "identity"}).content)
    frame = pyogrio.read_dataframe(f"/vsicurl/{server_process}/api/layers/universities.gpkg")
    assert sorted(frame["id"]) == sorted(f.id for f in atlas.layer("universities").features)
