"""Query parameters of the download API and OGC API – Features, parsed the way the standards write them.

These call the parsers directly (no server): they are the fast checks `make mutation` runs against every change to
the parsing code. The HTTP behaviour is covered by test_api.py, test_bbox.py and test_ogc.py.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import pytest
from shapely.geometry import box

from geo.data.atlas import Atlas
from geo.ogc.crs import parse_crs
from geo.data.errors import BadRequest
from geo.ogc.params import established_overlaps, parse_datetime, parse_item_query, parse_items_query
from geo.data.query import FeatureFilter, bbox_numbers, features_in_bbox, make_filter, parse_bbox, select

UTC = timezone.utc
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
EPSG_3857 = "http://www.opengis.net/def/crs/EPSG/0/3857"
EARTH_RADIUS_M = 6378137.0  # WGS 84 semi-major axis, the sphere of Web Mercator (EPSG:3857)


def refused(call, *args, **kwargs) -> str:
    with pytest.raises(BadRequest) as caught:
        call(*args, **kwargs)
    assert caught.value.status == 400
    return str(caught.value)


# --- limit and offset (OGC API – Features Part 1, 7.15.2: limit minimum 1, maximum 10000, default 10) ---

def test_limit_default_bounds_and_server_cap() -> None:
    assert parse_items_query({}).limit == 10
    assert parse_items_query({}).offset == 0
    assert parse_items_query({"limit": "1"}).limit == 1
    assert parse_items_query({"limit": "999"}).limit == 999
    assert parse_items_query({"limit": "10000"}).limit == 1000  # the server's cap answers larger limits
    assert parse_items_query({"limit": "10000"}, max_limit=20000).limit == 10000
    assert "limit must be between 1 and 10000" in refused(parse_items_query, {"limit": "0"})
    assert "limit must be between 1 and 10000" in refused(parse_items_query, {"limit": "10001"})
    assert "limit must be an integer written in digits 0-9; got 'ten'" in refused(parse_items_query, {"limit": "ten"})


def test_offset_bounds() -> None:
    assert parse_items_query({"offset": "0"}).offset == 0
    assert parse_items_query({"offset": "10000000"}).offset == 10_000_000
    assert "offset must be between 0 and 10000000" in refused(parse_items_query, {"offset": "-1"})
    assert "offset must be between 0 and 10000000" in refused(parse_items_query, {"offset": "10000001"})
    assert "offset must be an integer" in refused(parse_items_query, {"offset": "1.5"})


def test_unknown_parameters_are_named_in_order() -> None:
    message = refused(parse_items_query, {"zeta": "1", "alpha": "2", "limit": "5"})
    assert "unknown query parameter(s): alpha, zeta" in message
    assert "unknown query parameter(s): foo" in refused(parse_item_query, {"foo": "1"})
    assert "unknown query parameter(s): limit" in refused(parse_item_query, {"limit": "1"})
    assert parse_item_query({"crs": "[EPSG:4326]", "lang": "zh"}).uri == EPSG_4326
    assert parse_item_query({}).uri == CRS84
    assert refused(parse_item_query, {"crs": "[EPSG:1]"}).startswith("crs '[EPSG:1]' is not supported")


def test_parameters_that_need_a_partner() -> None:
    assert "bbox-crs is only meaningful with bbox" in refused(parse_items_query, {"bbox-crs": CRS84})
    assert "only meaningful with filter" in refused(parse_items_query, {"filter-lang": "cql2-text"})
    assert "only meaningful with filter" in refused(parse_items_query, {"filter-crs": CRS84})


def test_paging_links_echo_every_parameter_but_limit_and_offset_in_order() -> None:
    query = parse_items_query({"kind": "university", "limit": "2", "crs": EPSG_4326, "offset": "4", "lang": "zh"})
    assert query.echo == (("kind", "university"), ("crs", EPSG_4326), ("lang", "zh"))
    assert query.crs.uri == EPSG_4326
    assert query.equals == (("kind", "university"),)


def test_queryable_parameters_are_typed_as_the_schema_declares() -> None:
    assert parse_items_query({"established": "2010"}).equals == (("established", 2010),)
    assert parse_items_query({"area_km2": "1.5"}).equals == (("area_km2", 1.5),)
    assert "established must be a integer; got 'soon'" in refused(parse_items_query, {"established": "soon"})
    assert refused(parse_items_query, {"established": "a" * 100}).endswith(f"got {'a' * 40!r}")
    assert "area_km2 must be a number; got 'big'" in refused(parse_items_query, {"area_km2": "big"})


# --- datetime (Part 1, 7.15.4; RFC 3339 dates and date-times, ".." for an open end) ---

def test_datetime_instant_and_date() -> None:
    moment = datetime(2018, 2, 12, 23, 20, 50, tzinfo=UTC)
    assert parse_datetime("2018-02-12T23:20:50Z") == (moment, moment)
    assert parse_datetime("2018-02-12t23:20:50z") == (moment, moment)  # RFC 3339 5.6 allows lower case
    assert parse_datetime("2018-02-12T23:20:50") == (moment, moment)  # no offset: read as UTC
    assert parse_datetime("2018-02-13T07:20:50+08:00") == (moment, moment)
    day_start, day_end = parse_datetime("2018-02-12")
    assert day_start == datetime(2018, 2, 12, 0, 0, 0, tzinfo=UTC)
    assert day_end == datetime(2018, 2, 12, 23, 59, 59, 999999, tzinfo=UTC)


def test_datetime_intervals() -> None:
    assert parse_datetime("2018-02-12/..") == (datetime(2018, 2, 12, tzinfo=UTC), None)
    assert parse_datetime("../2018-03-18") == (None, datetime(2018, 3, 18, 23, 59, 59, 999999, tzinfo=UTC))
    assert parse_datetime("/2018-03-18") == (None, datetime(2018, 3, 18, 23, 59, 59, 999999, tzinfo=UTC))
    start, end = parse_datetime("2018-02-12T00:00:00Z/2018-03-18T12:31:12Z")
    assert (start, end) == (datetime(2018, 2, 12, tzinfo=UTC), datetime(2018, 3, 18, 12, 31, 12, tzinfo=UTC))
    assert parse_datetime("2018-01-01/2018-01-01")[0] == datetime(2018, 1, 1, tzinfo=UTC)
    assert refused(parse_datetime, "../..") == "datetime interval must have at least one end"
    assert refused(parse_datetime, "2019-01-01/2018-12-31") == "datetime interval starts after it ends"
    same = datetime(2018, 1, 1, tzinfo=UTC)
    assert parse_datetime("2018-01-01T00:00:00Z/2018-01-01T00:00:00Z") == (same, same)  # an interval of one instant
    # The first "/" separates start and end.
    assert "'2018-02-01/2018-03-01' is not an RFC 3339" in refused(parse_datetime, "2018-01-01/2018-02-01/2018-03-01")
    assert f"datetime {'x' * 60!r} is not" in refused(parse_datetime, "x" * 100)  # bounded echo
    assert "is not an RFC 3339 date or date-time" in refused(parse_datetime, "2018-13-01")
    assert "is not an RFC 3339 date or date-time" in refused(parse_datetime, "2018-02-30T00:00:00Z")
    assert "'2018-1-1'" in refused(parse_items_query, {"datetime": "2018-1-1"})


def test_a_feature_lasts_its_whole_year_of_establishment(atlas: Atlas) -> None:
    layer = atlas.layer("free_trade_zone")
    feature = layer.features[0]
    year = feature.properties["established"]
    assert year == 2017  # the layer data: the pilot free trade zone dates from 2017
    first, last = datetime(year, 1, 1, tzinfo=UTC), datetime(year, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    tick = timedelta(microseconds=1)
    assert established_overlaps(feature, (last, None))
    assert not established_overlaps(feature, (last + tick, None))
    assert established_overlaps(feature, (None, first))
    assert not established_overlaps(feature, (None, first - tick))
    assert established_overlaps(feature, (first - tick, last + tick))
    assert not established_overlaps(feature, (last + tick, last + 2 * tick))
    undated = next(f for f in atlas.layer("yangtze_waterway").features if f.properties.get("established") is None)
    assert established_overlaps(undated, (datetime(1900, 1, 1, tzinfo=UTC), datetime(1900, 1, 2, tzinfo=UTC)))


def test_items_query_combines_datetime_and_equality(atlas: Atlas) -> None:
    layer = atlas.layer("bonded_zones")
    years = {f.id: f.properties["established"] for f in layer.features}
    query = parse_items_query({"datetime": "2010-06-01/2017-06-01"})
    assert {f.id for f in layer.features if query.matches(f)} == {i for i, y in years.items() if 2010 <= y <= 2017}
    query = parse_items_query({"established": "2008"})
    assert {f.id for f in layer.features if query.matches(f)} == {i for i, y in years.items() if y == 2008}
    query = parse_items_query({"filter": "established > 2008"})
    assert {f.id for f in layer.features if query.matches(f)} == {i for i, y in years.items() if y > 2008}
    query = parse_items_query({"established": "2008", "datetime": "2010-01-01/2010-12-31"})
    assert not [f for f in layer.features if query.matches(f)]


def test_filter_bounds_refuse_shapes_that_exhaust_the_parser_but_keep_real_filters(atlas: Atlas) -> None:
    # Real filters with signs, lists and polygon literals pass the structural bounds and parse.
    west_of = "S_INTERSECTS(geometry, POLYGON((-180 -90, 106.5 -90, 106.5 90, -180 90, -180 -90)))"
    layer = atlas.layer("development_zones")
    query = parse_items_query({"filter": west_of})
    assert {f.id for f in layer.features if query.matches(f)} == {
        f.id for f in layer.features if f.geometry.bounds[0] < 106.5}
    assert parse_items_query({"filter": "established IN (-1, -2, 2010) AND NOT established < - 5"}).cql
    for text, reason in [("NOT " * 4 + "established = 1", "operators in a row"),
                         ("established = " + "-" * 4 + "1", "operators in a row"),
                         ("established = " + "+".join(["1"] * 22), "arithmetic operators"),
                         ("(" * 11 + "established = 1" + ")" * 11, "parentheses more than 10"),
                         ("established = 1 " + "OR established = 1 " * 700, "tokens")]:
        assert reason in refused(parse_items_query, {"filter": text}), text[:40]
    assert "nests JSON" in refused(parse_items_query, {"filter": "[" * 25 + "]" * 25, "filter-lang": "cql2-json"})
    # Brackets inside JSON strings are text, not nesting.
    assert "nests JSON" not in refused(parse_items_query, {"filter": '{"op": "' + "[" * 40 + '"}',
                                                            "filter-lang": "cql2-json"})


# --- bbox (Part 1, 7.15.3; Part 2, bbox-crs) ---

def test_ogc_bbox_has_four_or_six_numbers() -> None:
    assert parse_items_query({"bbox": "106,29,107,30"}).bbox == (106, 29, 107, 30)
    assert parse_items_query({"bbox": "106,29,-10,107,30,500"}).bbox == (106, 29, 107, 30)
    assert "4 or 6 comma-separated numbers; got 5" in refused(parse_items_query, {"bbox": "1,2,3,4,5"})
    assert refused(parse_items_query, {"bbox": "-181,0,1,1"}) == (
        "bbox in CRS84 must be within longitudes -180..180 and latitudes -90..90")
    for outside in ("180.5,0,1,1", "0,0,-180.5,1", "0,90.5,1,1", "0,0,1,-90.5"):
        assert "within longitudes" in refused(parse_items_query, {"bbox": outside}), outside
    # The edges themselves are inside: 180 east to 180 west crosses the antimeridian, 90 N and 90 S are the poles.
    assert parse_items_query({"bbox": "180,-90,-180,90"}).bbox == (180, -90, -180, 90)
    # The south edge north of the north edge is refused (latitudes swapped), in four numbers or six.
    assert "swapped" in refused(parse_items_query, {"bbox": "180,90,-180,-90"})
    assert "swapped" in refused(parse_items_query, {"bbox": "106,30,0,107,29,0"})
    assert "within longitudes" in refused(parse_items_query, {"bbox": "0,0,180.5,1"})
    assert "within longitudes" in refused(parse_items_query, {"bbox": "0,-90.5,1,1"})
    assert "within longitudes" in refused(parse_items_query, {"bbox": "0,0,1,91"})
    assert parse_items_query({"bbox": "-180,-90,180,90"}).bbox == (-180, -90, 180, 90)


def test_bbox_crs_axis_order() -> None:
    # EPSG:4326 is latitude first; the same box in CRS84 is longitude first.
    assert parse_items_query({"bbox": "29,106,30,107", "bbox-crs": EPSG_4326}).bbox == pytest.approx((106, 29, 107, 30))
    x = EARTH_RADIUS_M * math.radians(106)
    y = EARTH_RADIUS_M * math.log(math.tan(math.pi / 4 + math.radians(29) / 2))
    bbox = parse_items_query({"bbox": f"{x},{y},{x + 1000},{y + 1000}", "bbox-crs": EPSG_3857}).bbox
    assert bbox[0] == pytest.approx(106, abs=1e-9) and bbox[1] == pytest.approx(29, abs=1e-9)
    assert bbox[2] == pytest.approx(106 + math.degrees(1000 / EARTH_RADIUS_M), abs=1e-9)
    assert "must not exceed maximum" in refused(parse_items_query, {"bbox": "30,106,29,107", "bbox-crs": EPSG_4326})
    assert "must not exceed maximum" in refused(parse_items_query, {"bbox": "29,107,30,106", "bbox-crs": EPSG_4326})


def test_crs_parameter_forms() -> None:
    assert parse_crs(None, "crs").uri == CRS84
    assert parse_crs("", "crs").uri == CRS84
    assert parse_crs("[EPSG:4326]", "crs").uri == EPSG_4326
    assert parse_crs("[EPSG:3857]", "crs").uri == EPSG_3857
    assert parse_crs("[epsg:3857]", "crs").uri == EPSG_3857
    assert parse_crs("[OGC:CRS84]", "crs").uri == CRS84
    assert parse_crs("[ogc:crs84]", "crs").uri == CRS84
    assert parse_crs(f" {EPSG_4326} ", "crs").uri == EPSG_4326
    assert parse_crs(CRS84, "crs").is_storage and not parse_crs(EPSG_4326, "crs").is_storage
    message = refused(parse_crs, "[EPSG:2000]", "bbox-crs")
    assert message.startswith("bbox-crs '[EPSG:2000]' is not supported; use one of: ")
    assert f"{CRS84}, {EPSG_4326}, {EPSG_3857}" in message
    assert "is not supported" in refused(parse_crs, "[OGC:CRS83]", "crs")
    assert "is not supported" in refused(parse_crs, "EPSG:4326]", "crs")


# --- the download API's bbox, kind and year filters ---

def test_download_bbox_bounds_and_form() -> None:
    assert parse_bbox(None) is None
    assert parse_bbox("-180,-90,180,90") == (-180, -90, 180, 90)
    assert parse_bbox("180.0,-90.0,-180,90.00") == (180, -90, -180, 90)
    assert "miny=90 is north of its north edge maxy=-90" in refused(parse_bbox, "180.0,90.0,-180,-90.00")
    assert parse_bbox("0,29.4,1,29.4") == (0, 29.4, 1, 29.4)  # a box one line thin is still a box
    assert parse_bbox("106.2,29.4,106.8,29.8") == (106.2, 29.4, 106.8, 29.8)
    assert "got 3 value(s)" in refused(parse_bbox, "1,2,3")
    assert "got 5 value(s)" in refused(parse_bbox, "1,2,3,4,5")
    assert "longitudes must be within -180..180" in refused(parse_bbox, "-180.5,0,1,1")
    assert "longitudes must be within -180..180" in refused(parse_bbox, "0,0,181,1")
    assert "latitudes must be within -90..90" in refused(parse_bbox, "0,-91,1,1")
    assert "latitudes must be within -90..90" in refused(parse_bbox, "0,0,1,90.5")
    assert "plain decimal numbers" in refused(parse_bbox, "1e1,0,20,1")
    assert "plain decimal numbers" in refused(parse_bbox, " 1,0,2,1")
    assert "plain decimal numbers" in refused(parse_bbox, "+1,0,2,1")
    assert bbox_numbers(["1", "-2.5"]) == [1.0, -2.5]
    assert refused(bbox_numbers, ["1", "x"]) == "bbox values must be numbers"
    assert "finite numbers" in refused(bbox_numbers, ["nan", "1"])
    assert "finite numbers" in refused(bbox_numbers, ["1", "inf"])


def test_kind_list_and_year_range_form_the_filter() -> None:
    assert make_filter().is_empty and make_filter(include_undated=True).is_empty
    assert make_filter(kind=" a, b,,").kinds == frozenset({"a", "b"})
    assert make_filter(kind="").kinds is None
    assert make_filter(established_from=2000, include_undated=True).include_undated
    assert make_filter(established_to=2000, include_undated=True).include_undated
    assert not make_filter(established_from=2000).include_undated
    assert make_filter(bbox="1,2,3,4").bbox == (1, 2, 3, 4)
    assert not FeatureFilter(established_to=1).is_empty


def test_selection_follows_the_layer_data(atlas: Atlas) -> None:
    layer = atlas.layer("development_zones")
    props = {f.id: f.properties for f in layer.features}
    kinds = sorted({p["kind"] for p in props.values()})

    def chosen(**kwargs) -> list[str]:
        return [f.id for f in select(layer, make_filter(**kwargs))]

    assert chosen() == list(props)
    assert chosen(kind=kinds[0]) == [i for i, p in props.items() if p["kind"] == kinds[0]]
    dated = {i: p["established"] for i, p in props.items() if p.get("established") is not None}
    assert chosen(established_from=2001) == [i for i, y in dated.items() if y >= 2001]
    assert chosen(established_to=2001) == [i for i, y in dated.items() if y <= 2001]
    assert chosen(established_from=1993, established_to=2002) == [i for i, y in dated.items() if 1993 <= y <= 2002]
    undated = [i for i, p in props.items() if p.get("established") is None]
    with_undated = chosen(established_from=2001, include_undated=True)
    assert with_undated == [i for i in props if i in undated or dated.get(i, 0) >= 2001]
    area = box(106.4, 29.4, 106.7, 29.7)
    inside = [f.id for f in layer.features if f.geometry.intersects(area)]
    assert 0 < len(inside) < len(props)
    assert chosen(bbox="106.4,29.4,106.7,29.7") == inside
    assert chosen(bbox="106.4,29.4,106.7,29.7", kind=kinds[0]) == [i for i in inside if props[i]["kind"] == kinds[0]]


def test_boxes_across_the_antimeridian_and_upside_down(atlas: Atlas) -> None:
    layer = atlas.layer("universities")
    everything = [f.id for f in layer.features]
    assert [f.id for f in features_in_bbox(layer, (100, 20, 110, 35))] == everything
    # West edge east of the east edge: everything outside 110..-170 east, i.e. nothing of Chongqing at 106 E.
    assert features_in_bbox(layer, (110, 20, -170, 35)) == ()
    # ... and a box from 100 E eastwards across 180 to 80 E holds Chongqing again.
    assert [f.id for f in features_in_bbox(layer, (100, 20, 80, 35))] == everything
    assert [f.id for f in features_in_bbox(layer, (170, 20, 107, 35))] == everything
    assert features_in_bbox(layer, (100, 35, 110, 20)) == ()


def test_integers_are_ascii_digits_only() -> None:
    for text in ("٥", "1_000", "+5", " 5", "５"):  # Arabic-Indic five, an underscore, a sign, a space, a full-width five
        assert "digits 0-9" in refused(parse_items_query, {"limit": text}), text
    assert parse_items_query({"limit": "5", "offset": "0010"}).limit == 5


def test_empty_filter_is_refused_as_the_api_description_says() -> None:
    assert "filter is empty" in refused(parse_items_query, {"filter": ""})
