"""OGC API – Features: documents, paging, and GDAL's OAPIF driver (the one QGIS uses) reading a live server."""

from __future__ import annotations

import pyogrio
import pytest
from fastapi.testclient import TestClient
from shapely.geometry import box

from geo import ogc
from geo.assets import default_node_modules
from geo.atlas import Atlas
from tests.conftest import LAYERS_DIR
from web.app import create_app
from web.settings import Settings


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Settings(layers_dir=LAYERS_DIR, node_modules=default_node_modules())))


def test_landing_page_links_the_required_resources(client: TestClient) -> None:
    links = {link["rel"]: link["href"] for link in client.get("/ogc").json()["links"]}
    assert {"self", "service-desc", "service-doc", "conformance", "data"} <= set(links)
    for href in links.values():
        assert client.get(href).status_code == 200, href


def test_conformance_declares_core_geojson_oas30(client: TestClient) -> None:
    assert set(client.get("/ogc/conformance").json()["conformsTo"]) == set(ogc.CONFORMANCE)


def test_collections_have_spatial_extent(client: TestClient, atlas: Atlas) -> None:
    body = client.get("/ogc/collections").json()
    assert [c["id"] for c in body["collections"]] == [layer.spec.id for layer in atlas.layers]
    for entry, layer in zip(body["collections"], atlas.layers):
        assert entry["extent"]["spatial"]["bbox"] == [list(layer.bbox)]
        single = client.get(f"/ogc/collections/{layer.spec.id}").json()
        assert single == entry


def test_items_page_through_with_next_and_prev(client: TestClient, atlas: Atlas) -> None:
    layer = atlas.layer("development_zones")
    seen: list[str] = []
    url = "/ogc/collections/development_zones/items?limit=4"
    pages = 0
    while url:
        response = client.get(url)
        assert response.headers["content-type"] == "application/geo+json"
        body = response.json()
        assert body["numberMatched"] == len(layer.features)
        assert body["numberReturned"] == len(body["features"]) <= 4
        seen += [f["id"] for f in body["features"]]
        links = {link["rel"]: link["href"] for link in body["links"]}
        if pages:
            assert "prev" in links
        url = links.get("next")
        pages += 1
    assert seen == [f.id for f in layer.features]
    assert pages == -(-len(layer.features) // 4)


def test_items_bbox_matches_shapely(client: TestClient, atlas: Atlas) -> None:
    bbox = (106.2, 29.4, 106.8, 29.8)
    body = client.get("/ogc/collections/development_zones/items", params={"bbox": ",".join(map(str, bbox)), "limit": 1000}).json()
    expected = [f.id for f in atlas.layer("development_zones").features if f.geometry.intersects(box(*bbox))]
    assert [f["id"] for f in body["features"]] == expected
    assert body["numberMatched"] == len(expected)


def test_huge_limit_is_capped_and_bad_limit_is_400(client: TestClient) -> None:
    body = client.get("/ogc/collections/development_zones/items?limit=5000").json()
    assert body["numberReturned"] == min(body["numberMatched"], ogc.MAX_LIMIT)
    assert client.get("/ogc/collections/development_zones/items?limit=0").status_code == 400
    assert client.get("/ogc/collections/development_zones/items?limit=99999999999").status_code == 400
    assert client.get("/ogc/collections/development_zones/items?offset=-1").status_code == 400


def test_single_item_and_unknown_item(client: TestClient, atlas: Atlas) -> None:
    feature = atlas.layer("universities").features[0]
    body = client.get(f"/ogc/collections/universities/items/{feature.id}").json()
    assert body["id"] == feature.id and body["properties"]["name_en"] == feature.properties["name_en"]
    missing = client.get("/ogc/collections/universities/items/not-a-university")
    assert missing.status_code == 404 and missing.json()["error"]["status"] == 404


def test_gdal_oapif_driver_lists_and_reads_every_collection(server_process: str, atlas: Atlas) -> None:
    # GDAL holds the GIL while it fetches, so the server runs in its own process.
    source = f"OAPIF:{server_process}/ogc"
    listed = {name for name, _ in pyogrio.list_layers(source)}
    assert listed == {layer.spec.id for layer in atlas.layers}
    for layer in atlas.layers:
        frame = pyogrio.read_dataframe(source, layer=layer.spec.id)
        assert sorted(frame["id"]) == sorted(f.id for f in layer.features)
        assert {"name_en", "name_zh", "kind", "geometry_quality"} <= set(frame.columns)
        by_id = {f.id: f for f in layer.features}
        for _, row in frame.iterrows():
            assert row["name_en"] == by_id[row["id"]].properties["name_en"]


def test_openapi_describes_every_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in ["/", "/health", "/api/layers", "/api/layers/{filename}", "/api/atlas.{extension}", "/ogc",
                 "/ogc/conformance", "/ogc/collections", "/ogc/collections/{collection_id}",
                 "/ogc/collections/{collection_id}/items", "/ogc/collections/{collection_id}/items/{feature_id}"]:
        assert path in paths, path
    params = {p["name"] for p in paths["/api/layers/{filename}"]["get"]["parameters"]}
    assert {"filename", "bbox", "kind", "established_from", "established_to"} <= params
    assert "application/geo+json" in paths["/ogc/collections/{collection_id}/items"]["get"]["responses"]["200"]["content"]
    assert client.get("/docs").status_code == 200
