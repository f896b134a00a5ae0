"""OGC API – Features Parts 1–3: documents, paging, CRS, CQL2 filters, and GDAL's OAPIF driver reading a live server.

Expected values come from the standards' texts (URIs written out here) and from the layer data, never from the
constants of the code under test.
"""

from __future__ import annotations

from typing import Any

import pyogrio
import pytest
from pyproj import Transformer
from shapely.geometry import box, shape

from geo.data.atlas import Atlas
from tests.conftest import LAYERS_DIR, serve

# OGC 17-069r4 (Part 1) §7.4, OGC 18-058r1 (Part 2) §6.2, OGC 19-079r2 (Part 3) §6–8, OGC 21-065r2 (CQL2) Annex A.
STANDARD_CLASSES = {
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
    "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
}
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
EPSG3857 = "http://www.opengis.net/def/crs/EPSG/0/3857"
ITEMS = "/ogc/collections/{}/items"


def items(client: Any, layer_id: str, **params: Any) -> dict[str, Any]:
    response = client.get(ITEMS.format(layer_id), params={"limit": 1000, **params})
    assert response.status_code == 200, response.text
    return response.json()


def ids(body: dict[str, Any]) -> list[str]:
    return [feature["id"] for feature in body["features"]]


def test_landing_page_answers_at_root_with_and_without_slash_and_links_resolve(client: Any) -> None:
    for path in ("/ogc", "/ogc/"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 200 and response.headers["content-type"] == "application/json"
        links = {link["rel"]: link for link in response.json()["links"]}
        assert {"self", "service-desc", "service-doc", "conformance", "data"} <= set(links)
    assert links["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    for link in links.values():
        assert client.get(link["href"]).status_code == 200, link
    assert client.get("/openapi.json").json()["openapi"].startswith("3.0.")


def test_conformance_declares_exactly_the_implemented_classes(client: Any) -> None:
    assert set(client.get("/ogc/conformance").json()["conformsTo"]) == STANDARD_CLASSES


def test_collections_have_extent_crs_list_and_queryables_link(client: Any, atlas: Atlas) -> None:
    body = client.get("/ogc/collections").json()
    assert [c["id"] for c in body["collections"]] == [layer.spec.id for layer in atlas.layers]
    for entry, layer in zip(body["collections"], atlas.layers):
        bounds = [shape(f.geojson_geometry).bounds for f in layer.features]
        expected = [min(b[0] for b in bounds), min(b[1] for b in bounds), max(b[2] for b in bounds),
                    max(b[3] for b in bounds)]
        assert entry["extent"]["spatial"]["bbox"][0] == pytest.approx(expected, abs=1e-6)
        assert entry["crs"][0] == CRS84 and {EPSG4326, EPSG3857} <= set(entry["crs"])
        assert entry["storageCrs"] == CRS84
        assert client.get(f"/ogc/collections/{layer.spec.id}").json() == entry
        rels = {link["rel"]: link["href"] for link in entry["links"]}
        queryables = client.get(rels["http://www.opengis.net/def/rel/ogc/1.0/queryables"])
        assert queryables.headers["content-type"] == "application/schema+json"


def test_unknown_query_parameter_is_400_everywhere(client: Any) -> None:
    for path in ("/ogc", "/ogc/conformance", "/ogc/collections", "/ogc/collections/universities",
                 ITEMS.format("universities"), ITEMS.format("universities") + "/chongqing-university"):
        response = client.get(path, params={"ooga": "booga"})
        assert response.status_code == 400, path
        assert response.json()["code"] and "ooga" in response.json()["description"]


def test_items_page_through_with_next_and_prev(client: Any, atlas: Atlas) -> None:
    layer = atlas.layer("development_zones")
    seen: list[str] = []
    url = "/ogc/collections/development_zones/items?limit=4"
    pages = 0
    expected_pages = -(-len(layer.features) // 4)
    while url:
        # A `next` link that never ends (or points back) fails here instead of paging forever.
        assert pages < expected_pages, f"still a next link after {pages} pages: {url}"
        response = client.get(url)
        assert response.headers["content-type"] == "application/geo+json"
        body = response.json()
        assert body["numberMatched"] == len(layer.features)
        assert body["numberReturned"] == len(body["features"]) <= 4
        seen += ids(body)
        links = {link["rel"]: link["href"] for link in body["links"]}
        if pages:
            assert "prev" in links
        url = links.get("next")
        pages += 1
    assert seen == [f.id for f in layer.features]
    assert pages == expected_pages


def test_page_size_cap_holds_with_more_features_than_the_cap(atlas: Atlas) -> None:
    import httpx

    total = len(atlas.layer("development_zones").features)
    cap = 5
    assert total > cap
    with serve(LAYERS_DIR, ogc_page_limit=cap) as server:
        body = httpx.get(f"{server.url}{ITEMS.format('development_zones')}", params={"limit": 100}).json()
    assert body["numberMatched"] == total and body["numberReturned"] == len(body["features"]) == cap
    assert any(link["rel"] == "next" for link in body["links"])


def test_bad_limit_and_offset_are_400(client: Any) -> None:
    for query in ("limit=0", "limit=99999999999", "offset=-1", "limit=unlimited"):
        assert client.get(f"{ITEMS.format('development_zones')}?{query}").status_code == 400, query


def test_items_bbox_matches_shapely(client: Any, atlas: Atlas) -> None:
    bbox = (106.2, 29.4, 106.8, 29.8)
    body = items(client, "development_zones", bbox=",".join(map(str, bbox)))
    expected = [f.id for f in atlas.layer("development_zones").features if shape(f.geojson_geometry).intersects(box(*bbox))]
    assert ids(body) == expected and body["numberMatched"] == len(expected)


def test_datetime_selects_by_year_established(client: Any, atlas: Atlas) -> None:
    layer = atlas.layer("development_zones")
    body = items(client, "development_zones", datetime="2010-01-01/2015-12-31")
    expected = [f.id for f in layer.features if f.properties["established"] is None
                or 2010 <= f.properties["established"] <= 2015]
    assert ids(body) == expected
    assert client.get(ITEMS.format("development_zones"), params={"datetime": "last week"}).status_code == 400


def test_single_item_and_unknown_item(client: Any, atlas: Atlas) -> None:
    feature = atlas.layer("universities").features[0]
    response = client.get(f"/ogc/collections/universities/items/{feature.id}")
    assert response.headers["content-crs"] == f"<{CRS84}>"
    body = response.json()
    assert body["id"] == feature.id and body["properties"]["name_en"] == feature.properties["name_en"]
    missing = client.get("/ogc/collections/universities/items/not-a-university")
    assert missing.status_code == 404 and missing.json()["code"] == "NotFound"


# --- Part 2: CRS ---------------------------------------------------------------------------------------------------

def test_crs_epsg4326_swaps_axes_and_3857_is_web_mercator(client: Any, atlas: Atlas) -> None:
    feature = atlas.layer("universities").features[0]
    lon, lat = feature.geojson_geometry["coordinates"]
    response = client.get(f"/ogc/collections/universities/items/{feature.id}", params={"crs": EPSG4326})
    assert response.headers["content-crs"] == f"<{EPSG4326}>"
    assert response.json()["geometry"]["coordinates"] == pytest.approx([lat, lon], abs=1e-6)
    # Spherical Mercator by its formula (EPSG guidance note 7-2), not by the library the server uses.
    import math
    radius = 6378137.0
    expected = [radius * math.radians(lon), radius * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))]
    mercator = client.get(f"/ogc/collections/universities/items/{feature.id}", params={"crs": EPSG3857})
    assert mercator.json()["geometry"]["coordinates"] == pytest.approx(expected, abs=0.05)
    page = client.get(ITEMS.format("universities"), params={"crs": EPSG3857})
    assert page.headers["content-crs"] == f"<{EPSG3857}>"
    assert client.get(ITEMS.format("universities"), params={"crs": "EPSG:2000"}).status_code == 400


def test_bbox_crs_selects_the_same_features_in_every_crs(client: Any) -> None:
    west, south, east, north = 106.2, 29.4, 106.8, 29.8
    plain = ids(items(client, "development_zones", bbox=f"{west},{south},{east},{north}"))
    assert plain
    lat_lon = ids(items(client, "development_zones", bbox=f"{south},{west},{north},{east}", **{"bbox-crs": EPSG4326}))
    to_mercator = Transformer.from_crs("OGC:CRS84", "EPSG:3857", always_xy=True)
    x1, y1 = to_mercator.transform(west, south)
    x2, y2 = to_mercator.transform(east, north)
    mercator = ids(items(client, "development_zones", bbox=f"{x1},{y1},{x2},{y2}", **{"bbox-crs": EPSG3857}))
    assert lat_lon == plain == mercator


# --- Part 3: queryables and CQL2 -----------------------------------------------------------------------------------

def test_queryables_are_a_json_schema_of_the_feature_properties(client: Any, atlas: Atlas) -> None:
    response = client.get("/ogc/collections/universities/queryables")
    schema = response.json()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith("/ogc/collections/universities/queryables") and schema["type"] == "object"
    properties = schema["properties"]
    assert properties["geometry"]["format"] == "geometry-point"
    assert properties["name_en"]["type"] == "string" and properties["established"]["type"] == "integer"
    assert "sources" not in properties  # nested lists are not queryable
    import jsonschema
    jsonschema.Draft202012Validator.check_schema(schema)


def test_cql2_text_and_json_give_the_layer_data_answer(client: Any, atlas: Atlas) -> None:
    layer = atlas.layer("development_zones")
    expected = [f.id for f in layer.features if (f.properties["established"] or 0) >= 2010
                and f.properties["name_en"].lower().startswith("chongqing")]
    text = ids(items(client, "development_zones",
                     filter="established >= 2010 AND CASEI(name_en) LIKE casei('chongqing%')"))
    as_json = ids(items(client, "development_zones", **{"filter-lang": "cql2-json", "filter": (
        '{"op":"and","args":[{"op":">=","args":[{"property":"established"},2010]},'
        '{"op":"like","args":[{"op":"casei","args":[{"property":"name_en"}]},{"op":"casei","args":["chongqing%"]}]}]}')}))
    assert text == as_json == expected


def test_cql2_spatial_operators_match_shapely(client: Any, atlas: Atlas) -> None:
    layer = atlas.layer("development_zones")
    area = box(106.3, 29.4, 106.7, 29.8)
    literal = "POLYGON((106.3 29.4, 106.7 29.4, 106.7 29.8, 106.3 29.8, 106.3 29.4))"
    for op, predicate in (("S_INTERSECTS", "intersects"), ("S_WITHIN", "within"), ("S_DISJOINT", "disjoint")):
        expected = [f.id for f in layer.features if getattr(shape(f.geojson_geometry), predicate)(area)]
        assert ids(items(client, "development_zones", filter=f"{op}(geometry, {literal})")) == expected, op
    by_bbox = ids(items(client, "development_zones", filter="S_INTERSECTS(geometry, BBOX(106.3,29.4,106.7,29.8))"))
    assert by_bbox == [f.id for f in layer.features if shape(f.geojson_geometry).intersects(area)]


def test_queryable_as_query_parameter_filters_by_equality(client: Any, atlas: Atlas) -> None:
    kind = atlas.layer("development_zones").features[0].properties["kind"]
    expected = [f.id for f in atlas.layer("development_zones").features if f.properties["kind"] == kind]
    assert ids(items(client, "development_zones", kind=kind)) == expected
    assert client.get(ITEMS.format("development_zones"), params={"established": "soon"}).status_code == 400


def test_q_selects_every_word_in_any_order_and_travels_in_paging_links(client: Any, atlas: Atlas) -> None:
    layer = atlas.layer("universities")
    # Two words of one name, the other way round and in capitals: every word, in any order, any case.
    expected = [f.id for f in layer.features
                if "posts" in f.properties["name_en"].lower() and "telecommunications" in f.properties["name_en"].lower()]
    assert expected
    assert ids(items(client, "universities", q="TELECOMMUNICATIONS  posts")) == expected
    assert items(client, "universities", q="Posts Nowhere-zzz")["features"] == []
    named = [f.id for f in layer.features if "chongqing" in f.properties["name_en"].lower()]
    body = items(client, "universities", q="chongqing", limit=1)
    assert body["numberMatched"] >= len(named) > 1 and body["numberReturned"] == 1
    assert any(link["rel"] == "next" and "q=chongqing" in link["href"] for link in body["links"])
    assert client.get(ITEMS.format("universities"), params={"q": "x" * 201}).status_code == 400


@pytest.mark.parametrize("params", [
    {"filter": "name_en ="},                                   # syntax
    {"filter": "this_is_not_a_queryable = 1"},                 # unknown property
    {"filter": "established = 'two thousand'"},                # type mismatch
    {"filter": "name_en = 'x'", "filter-lang": "ecql"},         # unknown language
    {"filter": "{not json", "filter-lang": "cql2-json"},
    {"filter": "name_en = 'x'", "filter-crs": "EPSG:9999"},
])
def test_bad_filters_are_400_with_a_reason(client: Any, params: dict[str, str]) -> None:
    response = client.get(ITEMS.format("universities"), params=params)
    assert response.status_code == 400
    assert response.json()["code"] == "InvalidParameterValue" and len(response.json()["description"]) > 10


def test_framework_errors_use_the_ogc_exception_shape(client: Any) -> None:
    assert client.post("/ogc/collections").json()["code"] == "MethodNotAllowed"
    assert client.get("/ogc/no/such/thing").json() == {"code": "NotFound", "description": "not found"}


def test_links_never_take_an_untrusted_host(client: Any) -> None:
    body = client.get("/ogc", headers={"Host": "evil.example"}).json()
    assert all("evil.example" not in link["href"] for link in body["links"])
    with serve(LAYERS_DIR, public_url="https://atlas.example.org/") as server:
        import httpx
        hrefs = [link["href"] for link in httpx.get(f"{server.url}/ogc", headers={"Host": "evil.example"}).json()["links"]]
    assert all(href.startswith("https://atlas.example.org/") for href in hrefs)


# --- real clients --------------------------------------------------------------------------------------------------

def test_gdal_oapif_driver_lists_reads_and_filters(server_process: str, atlas: Atlas) -> None:
    # GDAL holds the GIL while it fetches, so the server runs in its own process.
    source = f"OAPIF:{server_process}/ogc"
    listed = {name for name, _ in pyogrio.list_layers(source)}
    assert listed == {layer.spec.id for layer in atlas.layers}
    for layer in atlas.layers:
        frame = pyogrio.read_dataframe(source, layer=layer.spec.id)
        assert sorted(frame["id"]) == sorted(f.id for f in layer.features)
        by_id = {f.id: f for f in layer.features}
        for _, row in frame.iterrows():
            assert row["name_en"] == by_id[row["id"]].properties["name_en"]
    # An attribute filter, which GDAL may pass to the server as CQL2 now that Part 3 is declared.
    layer = atlas.layer("development_zones")
    frame = pyogrio.read_dataframe(source, layer="development_zones", where="established >= 2015")
    assert sorted(frame["id"]) == sorted(f.id for f in layer.features if (f.properties["established"] or 0) >= 2015)


def test_openapi_describes_every_route_with_the_standard_parameters(client: Any) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in ["/", "/health", "/api/layers", "/api/layers/{filename}", "/api/atlas.{extension}", "/ogc",
                 "/ogc/conformance", "/ogc/collections", "/ogc/collections/{collection_id}",
                 "/ogc/collections/{collection_id}/queryables",
                 "/ogc/collections/{collection_id}/items", "/ogc/collections/{collection_id}/items/{feature_id}"]:
        assert path in paths, path
    params = {p["name"]: p for p in paths["/ogc/collections/{collection_id}/items"]["get"]["parameters"]}
    # Part 1, /req/core/fc-bbox-definition
    assert params["bbox"]["schema"] == {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}
    assert params["bbox"]["style"] == "form" and params["bbox"]["explode"] is False
    assert {"limit", "datetime", "crs", "bbox-crs", "filter", "filter-lang", "filter-crs", "q"} <= set(params)
    # An empty filter is refused, and the description says so (schemathesis checks the two agree).
    assert params["filter"]["schema"]["minLength"] == 1
    assert client.get("/ogc/collections/universities/items", params={"filter": ""}).status_code == 400
    assert client.get("/docs").status_code == 200
