"""OGC API – Features documents and CQL2 filters, built directly from the real layers (no server).

Expected values come from the standards' text (OGC 17-069r4 Part 1, 18-058r1 Part 2, 19-079r2 Part 3, 21-065r2
CQL2) and from the layer data. These are the fast checks `make mutation` runs; test_ogc.py covers the same documents
over HTTP.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import json
from datetime import datetime, timezone

import pytest
from shapely.geometry import box

from geo.ogc import documents as ogc
from geo.data.atlas import Atlas
from geo.ogc.crs import parse_crs
from geo.data.errors import BadRequest, NotFound
from geo.ogc.filtering import parse_filter, property_queryables, queryables
from geo.ogc.params import parse_items_query
from tests.conftest import LAYERS_DIR
from tests.test_ogc import STANDARD_CLASSES
from web.urls import Urls

BASE = "https://atlas.example"
URLS = Urls(BASE + "/")
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
EPSG_3857 = "http://www.opengis.net/def/crs/EPSG/0/3857"
STAMP = datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)


def refused(call, *args) -> str:
    with pytest.raises(BadRequest) as caught:
        call(*args)
    return str(caught.value)


def rels(document: dict) -> dict[str, dict]:
    return {entry["rel"]: entry for entry in document["links"]}


def test_landing_page_links_as_part_1_requires() -> None:
    page = ogc.landing_page(URLS)
    links = rels(page)
    # /req/core/root-success: links to the API definition, the conformance declaration and the collections.
    assert links["self"] == {"href": f"{BASE}/ogc", "rel": "self", "type": "application/json",
                             "title": "This document"}
    assert links["service-desc"]["href"] == f"{BASE}/openapi.json"
    assert links["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert links["service-doc"]["href"] == f"{BASE}/docs" and links["service-doc"]["type"] == "text/html"
    assert links["conformance"]["href"] == f"{BASE}/ogc/conformance"
    assert links["conformance"]["type"] == "application/json"
    assert links["data"]["href"] == f"{BASE}/ogc/collections" and links["data"]["type"] == "application/json"
    # /req/html/… and Part 1's link rules: the same document as HTML, an alternate of the JSON self.
    assert links["alternate"] == {"href": f"{BASE}/ogc?f=html", "rel": "alternate", "type": "text/html",
                                  "title": "This document (HTML)"}
    assert len(page["links"]) == 6
    assert page["title"] == "Chongqing Trade Atlas"
    assert page["description"]
    assert ogc.landing_page(URLS, "zh")["title"] != page["title"]


def test_conformance_lists_the_classes_of_parts_1_to_3_and_cql2() -> None:
    conforms_to = ogc.conformance(URLS)["conformsTo"]
    assert isinstance(conforms_to, list) and len(conforms_to) == len(set(conforms_to))
    assert set(conforms_to) == STANDARD_CLASSES  # written out from the standards in tests/test_ogc.py


def test_collection_metadata_follows_parts_1_2_and_3(atlas: Atlas) -> None:
    layer = atlas.layer("bonded_zones")
    document = ogc.collection(URLS, layer)
    raw = json.loads((LAYERS_DIR / "bonded_zones.geojson").read_text(encoding="utf-8"))
    assert document["id"] == "bonded_zones" and document["itemType"] == "feature"
    assert document["title"] == layer.spec.title and document["description"] == layer.spec.description
    assert document["attribution"] == layer.spec.attribution and document["license"] == layer.spec.license
    assert document["crs"] == [CRS84, EPSG_4326, EPSG_3857]  # CRS84 first (/req/crs/fc-md-crs-list)
    assert document["storageCrs"] == CRS84
    assert document["extent"]["spatial"]["crs"] == CRS84
    # The extent encloses every coordinate of the layer file.
    xs, ys = [], []

    def walk(coords):
        if isinstance(coords[0], (int, float)):
            xs.append(coords[0])
            ys.append(coords[1])
        else:
            for part in coords:
                walk(part)

    for feature in raw["features"]:
        walk(feature["geometry"]["coordinates"])
    assert document["extent"]["spatial"]["bbox"] == [[min(xs), min(ys), max(xs), max(ys)]]
    links = rels(document)
    assert links["self"]["href"] == f"{BASE}/ogc/collections/bonded_zones"
    assert links["self"]["type"] == "application/json"
    assert links["items"]["href"] == f"{BASE}/ogc/collections/bonded_zones/items"
    assert links["items"]["type"] == "application/geo+json"
    queryables_link = links["http://www.opengis.net/def/rel/ogc/1.0/queryables"]
    assert queryables_link["href"] == f"{BASE}/ogc/collections/bonded_zones/queryables"
    assert queryables_link["type"] == "application/schema+json"
    enclosures = [entry for entry in document["links"] if entry["rel"] == "enclosure"]
    assert [(e["href"], e["type"]) for e in enclosures] == [
        (f"{BASE}/api/layers/bonded_zones.geojson", "application/geo+json"),
        (f"{BASE}/api/layers/bonded_zones.gpkg", "application/geopackage+sqlite3"),
        (f"{BASE}/api/layers/bonded_zones.parquet", "application/vnd.apache.parquet"),
        (f"{BASE}/api/layers/bonded_zones.fgb", "application/vnd.flatgeobuf")]
    assert ogc.collection(URLS, layer, "zh")["title"] != document["title"]


def test_collections_lists_every_layer(atlas: Atlas) -> None:
    document = ogc.collections(URLS, atlas)
    assert [c["id"] for c in document["collections"]] == [layer.spec.id for layer in atlas.layers]
    assert document["crs"] == [CRS84, EPSG_4326, EPSG_3857]
    assert document["links"] == [{"href": f"{BASE}/ogc/collections", "rel": "self", "type": "application/json",
                                  "title": "Collections"},
                                 {"href": f"{BASE}/ogc/collections?f=html", "rel": "alternate", "type": "text/html",
                                  "title": "Collections (HTML)"}]
    assert {c["title"] for c in ogc.collections(URLS, atlas, "zh")["collections"]} != {
        c["title"] for c in document["collections"]}
    assert ogc.require_layer(atlas, "universities") is atlas.layer("universities")
    with pytest.raises(NotFound, match="no collection 'nope'"):
        ogc.require_layer(atlas, "nope")


def test_paging_numbers_and_links(atlas: Atlas) -> None:
    layer = atlas.layer("development_zones")
    total = len(layer.features)
    assert total == 27  # the layer file holds 27 development zones

    def page(**params: str) -> dict:
        return ogc.items(URLS, layer, parse_items_query(params), now=STAMP)

    first = page(limit="10", kind="national")
    national = [f.id for f in layer.features if f.properties["kind"] == "national"]
    assert first["numberMatched"] == len(national)
    assert [f["id"] for f in first["features"]] == national[:10]
    assert first["type"] == "FeatureCollection" and first["timeStamp"] == "2024-05-06T07:08:09+00:00"
    middle = page(limit="10", offset="10")
    assert middle["numberMatched"] == total and middle["numberReturned"] == 10
    assert [f["id"] for f in middle["features"]] == [f.id for f in layer.features[10:20]]
    items = f"{BASE}/ogc/collections/development_zones/items"
    links = rels(middle)
    assert links["self"]["href"] == f"{items}?limit=10&offset=10"
    assert links["next"]["href"] == f"{items}?limit=10&offset=20"
    assert links["prev"]["href"] == f"{items}?limit=10&offset=0"
    assert links["collection"]["href"] == f"{BASE}/ogc/collections/development_zones"
    assert {entry["type"] for rel, entry in links.items() if rel not in ("collection", "alternate")} == {
        "application/geo+json"}
    assert links["alternate"]["href"] == f"{items}?limit=10&offset=10&f=html"
    assert links["alternate"]["type"] == "text/html"
    last = page(limit="10", offset="20")
    assert last["numberReturned"] == total - 20 and "next" not in rels(last)
    assert rels(last)["prev"]["href"] == f"{items}?limit=10&offset=10"
    exact = page(limit=str(total))
    assert "next" not in rels(exact) and "prev" not in rels(exact) and exact["numberReturned"] == total
    near = page(limit="5", offset="3")
    assert rels(near)["prev"]["href"] == f"{items}?limit=5&offset=0"
    assert rels(page(limit=str(total - 1)))["next"]["href"] == f"{items}?limit={total - 1}&offset={total - 1}"
    beyond = page(offset="100")
    assert beyond["numberReturned"] == 0 and beyond["features"] == []


def test_items_in_another_crs_and_single_item(atlas: Atlas) -> None:
    layer = atlas.layer("universities")
    feature = layer.features[0]
    lon, lat = feature.geojson_geometry["coordinates"][:2]
    document = ogc.items(URLS, layer, parse_items_query({"crs": EPSG_4326, "limit": "1"}))
    assert document["features"][0]["geometry"]["coordinates"] == pytest.approx((lat, lon), abs=1e-6)
    stored = ogc.items(URLS, layer, parse_items_query({"limit": "1"}))
    assert stored["features"][0]["geometry"] == feature.geojson_geometry
    assert stored["features"][0]["properties"] == feature.properties
    single = ogc.item(URLS, layer, feature.id, parse_crs(None, "crs"))
    assert single["id"] == feature.id and single["geometry"] == feature.geojson_geometry
    assert rels(single)["self"]["href"] == f"{BASE}/ogc/collections/universities/items/{feature.id}"
    assert rels(single)["self"]["title"] == feature.properties["name_en"]
    assert rels(single)["collection"]["href"] == f"{BASE}/ogc/collections/universities"
    assert rels(single)["collection"]["title"] == layer.spec.title
    with pytest.raises(NotFound, match="no feature 'nope' in collection 'universities'"):
        ogc.item(URLS, layer, "nope", parse_crs(None, "crs"))


def test_items_bbox_selects_what_shapely_selects(atlas: Atlas) -> None:
    layer = atlas.layer("development_zones")
    area = box(106.4, 29.4, 106.7, 29.7)
    expected = [f.id for f in layer.features if f.geometry.intersects(area)]
    document = ogc.items(URLS, layer, parse_items_query({"bbox": "106.4,29.4,106.7,29.7", "limit": "100"}))
    assert [f["id"] for f in document["features"]] == expected


# --- Part 3: queryables and CQL2 ---

def test_queryables_schema(atlas: Atlas) -> None:
    document = queryables(atlas.layer("universities"), "https://x.example/q")
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["$id"] == "https://x.example/q" and document["type"] == "object"
    assert document["additionalProperties"] is False and document["title"] == atlas.layer("universities").spec.title
    assert document["properties"]["geometry"] == {"title": "Geometry", "format": "geometry-point",
                                                  "x-ogc-role": "primary-geometry"}
    assert queryables(atlas.layer("rail_europe"), "")["properties"]["geometry"]["format"] == "geometry-linestring"
    assert queryables(atlas.layer("districts"), "")["properties"]["geometry"]["format"] == "geometry-polygon"
    mixed = queryables(atlas.layer("development_zones"), "")  # points and polygons
    assert mixed["properties"]["geometry"]["format"] == "geometry-any"
    assert ogc.queryables(URLS, atlas.layer("universities"))["$id"] == f"{BASE}/ogc/collections/universities/queryables"


def test_queryable_properties_are_the_scalar_schema_fields() -> None:
    known = property_queryables.__wrapped__()  # derived afresh from the schema, not the cached copy
    assert known == property_queryables()
    assert known["id"] == {"title": "Id", "type": "string"}
    assert known["established"] == {"title": "Established", "type": "integer"}
    assert known["name_en"] == {"title": "Name En", "type": "string"}
    assert known["geometry_quality"]["enum"] == ["surveyed", "traced", "approximate", "schematic"]
    assert known["area_km2"] == {"title": "Computed area (geodesic) (km²)", "type": "number"}
    assert known["length_km"]["type"] == "number"
    assert "sources" not in known  # nested: not queryable


def matching(atlas: Atlas, layer_id: str, text: str, lang: str | None = None, crs: str | None = None) -> list[str]:
    cql = parse_filter(text, lang, parse_crs(crs, "filter-crs"))
    return [f.id for f in atlas.layer(layer_id).features if cql.matches(f)]


def test_cql2_text_and_json_select_by_the_layer_data(atlas: Atlas) -> None:
    layer = atlas.layer("development_zones")
    after = [f.id for f in layer.features if (f.properties.get("established") or 0) > 2000]
    assert matching(atlas, "development_zones", "established > 2000") == after
    assert matching(atlas, "development_zones", '{"op": ">", "args": [{"property": "established"}, 2000]}',
                    "cql2-json") == after
    national = [f.id for f in layer.features if f.properties["kind"] == "national"]
    assert matching(atlas, "development_zones", "kind = 'national'", "cql2-text") == national
    # Comparisons with a missing value are unknown, and unknown does not match.
    undated = [f.id for f in layer.features if f.properties.get("established") is None]
    assert undated and not set(undated) & set(matching(atlas, "development_zones", "established <> 1"))


def test_cql2_spatial_filters_in_the_filter_crs(atlas: Atlas) -> None:
    layer = atlas.layer("development_zones")
    area = box(106.4, 29.4, 106.7, 29.7)
    expected = [f.id for f in layer.features if f.geometry.intersects(area)]
    text = "S_INTERSECTS(geometry, POLYGON((106.4 29.4, 106.7 29.4, 106.7 29.7, 106.4 29.7, 106.4 29.4)))"
    assert matching(atlas, "development_zones", text) == expected
    swapped = "S_INTERSECTS(geometry, POLYGON((29.4 106.4, 29.4 106.7, 29.7 106.7, 29.7 106.4, 29.4 106.4)))"
    assert matching(atlas, "development_zones", swapped, crs=EPSG_4326) == expected
    assert matching(atlas, "development_zones", swapped) == []
    assert matching(atlas, "universities", "S_INTERSECTS(geometry, POINT(0 0))") == []


def test_filters_are_refused_with_their_reason() -> None:
    storage = parse_crs(None, "filter-crs")
    assert "filter-lang must be one of cql2-text, cql2-json; got 'cql'" in refused(parse_filter, "a = 1", "cql",
                                                                                   storage)
    assert "filter is longer than 20000 characters" in refused(parse_filter, "x" * 20001, None, storage)
    assert parse_filter("established = 1".ljust(20000), None, storage).expression is not None  # 20000 is allowed
    assert "invalid cql2-text filter: " in refused(parse_filter, "established >", None, storage)
    assert "invalid cql2-json filter: " in refused(parse_filter, "{", "cql2-json", storage)
    # The parser's message on one line, its lines joined by a space, at most 400 characters of it.
    assert "\n" not in refused(parse_filter, "established > > 1", None, storage)
    assert "--> 1:15 | 1 | established > > 1 |" in refused(parse_filter, "established > > 1", None, storage)
    assert len(refused(parse_filter, "established > > " + "1" * 600, None, storage)) == len(
        "invalid cql2-text filter: ") + 400
    assert "'colour' is not a queryable" in refused(parse_filter, "colour = 'red'", None, storage)
    assert "'colour' is not a queryable" in refused(parse_filter, "NOT (colour = 'red')", None, storage)
    assert refused(parse_filter, "TRUE", None, storage) == "filter must be a boolean expression"
    assert refused(parse_filter, "  ", None, storage) == "filter is empty; leave the parameter out to select every feature"
    # Only comparisons are checked for literal types here; LIKE with a number is left to the CQL2 schema.
    assert refused(parse_filter, "name_en LIKE 5", None, storage).startswith("invalid cql2-text filter: ")


def test_deeply_nested_filters_are_refused_at_once_and_shallow_ones_still_parse() -> None:
    # Inputs that kept cql2's parser busy for seconds (20 levels) or for ever (5,000), holding the interpreter: they
    # run in a process of their own, so a stalled parse fails the test after 60 s instead of hanging it.
    cases = {"open": "(" * 5000, "balanced": "(" * 20 + "established =" + ")" * 20,
             "shallow": "(" * 10 + "established > 2000" + ")" * 10,
             "quoted": "name_en = '" + "(" * 50 + "' AND (established > 2000)"}
    script = """
import json, sys
from geo.ogc.crs import parse_crs
from geo.data.errors import BadRequest
from geo.ogc.filtering import parse_filter
outcome = {}
for name, text in json.loads(sys.stdin.read()).items():
    try:
        parse_filter(text, None, parse_crs(None, "filter-crs"))
        outcome[name] = "parsed"
    except BadRequest as error:
        outcome[name] = str(error)
print(json.dumps(outcome))
"""
    done = subprocess.run([sys.executable, "-c", script], input=json.dumps(cases), capture_output=True, text=True,
                          timeout=60, check=True, cwd=Path(__file__).resolve().parent.parent)
    outcome = json.loads(done.stdout)
    assert outcome["balanced"] == "filter nests parentheses more than 10 levels deep"
    # 5,000 open parentheses are refused by their structure before any parse (the token bound is met first).
    assert outcome["open"] in ("filter nests parentheses more than 10 levels deep", "filter has more than 2000 tokens")
    assert outcome["shallow"] == "parsed"  # ten levels are allowed
    assert outcome["quoted"] == "parsed"  # parentheses inside a string are text, not nesting


@pytest.mark.parametrize(("text", "message"), [
    ("established = 'soon'", "'established' is a integer; cannot compare it with \"soon\""),
    ("'soon' = established", "'established' is a integer; cannot compare it with \"soon\""),
    ("established > true", "'established' is a integer; cannot compare it with true"),
    ("name_en = 5", "'name_en' is a string; cannot compare it with 5"),
    ("area_km2 <= 'big'", "'area_km2' is a number; cannot compare it with \"big\""),
    ("established >= 'x'", "cannot compare"),
    ("established < 'x'", "cannot compare"),
    ("established <> 'x'", "cannot compare"),
])
def test_comparisons_with_a_literal_of_another_type_are_refused(text: str, message: str) -> None:
    assert message in refused(parse_filter, text, None, parse_crs(None, "filter-crs"))


@pytest.mark.parametrize("text", ["established = 2010", "area_km2 > 1", "area_km2 > 1.5", "name_en = 'x'",
                                  "established = area_km2", "kind IN ('national', 'provincial')"])
def test_comparisons_of_matching_types_are_accepted(text: str) -> None:
    assert parse_filter(text, None, parse_crs(None, "filter-crs")).expression is not None
