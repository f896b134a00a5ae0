"""Transit days and CO2 of every route leg and route total, recomputed here from the layer files and from the values
the cited sources give (typed below from the citation text), never from the module constants under test."""

from __future__ import annotations

import json
from itertools import islice
from typing import Any

import pytest
from pyproj import Geod
from shapely.geometry import shape

from geo.corridors.network import build_network
from geo.corridors.route_index import RouteIndex
from geo.corridors.routes import UnknownPlace, _sum, resolve
from geo.data.atlas import Atlas
from tests.conftest import LAYERS_DIR

DESTINATIONS = ("duisburg", "moscow", "singapore", "bangkok", "shanghai", "rotterdam")

# g CO2 per tonne-km as the cited sources give them:
# European Transport Research Review 11 (2019), Table 9 "CO2 emission factors for 2014": road 90.3, rail 11.3,
# inland waterways 38.6; ITF Discussion Paper 2014/20 (Merk): feeder container ships 31.6, three times as much as
# post-Panamax ships.
RAIL_G, RIVER_G, ROAD_G = 11.3, 38.6, 90.3
SEA_FEEDER_G = 31.6
SEA_LARGE_G = SEA_FEEDER_G / 3
# (min, max) g CO2 per tonne-km by the corridor kind written in the layer files.
FACTORS_BY_KIND = {
    "rail_route": (RAIL_G, RAIL_G), "rail_channel": (RAIL_G, RAIL_G), "cross_border_rail": (RAIL_G, RAIL_G),
    "reference_rail_link": (RAIL_G, RAIL_G), "rail_sea_train": (RAIL_G, RAIL_G),  # its rail leg only is drawn
    "cross_border_rail_road": (RAIL_G, ROAD_G),  # rail and road in shares nobody documents
    "inland_waterway": (RIVER_G, RIVER_G),
    "sea_leg": (SEA_LARGE_G, SEA_FEEDER_G), "reference_sea_route": (SEA_LARGE_G, SEA_FEEDER_G),
    "reference_road_link": (ROAD_G, ROAD_G),
}
RAIL_KINDS = {"rail_route", "rail_channel", "cross_border_rail", "reference_rail_link", "rail_sea_train"}
RIVER_KINDS = {"inland_waterway"}
SEA_KINDS = {"sea_leg", "reference_sea_route"}

# Cited speeds where no corridor of the mode documents its transit time (km per day):
# Yangtze boats Wuhan–Shanghai 1,125 km in three days downstream, four upstream (Access China Travel);
# container ships at 13.72 knots on average (Clarksons, via TradeWinds 2023) up to the 18 knots of slow steaming
# (Notteboom, Pallis, Rodrigue). One knot is 1.852 km/h.
RIVER_CITED_KM_PER_DAY = (1125 / 4, 1125 / 3)
SEA_CITED_KM_PER_DAY = (13.72 * 1.852 * 24, 18 * 1.852 * 24)
WGS84 = Geod(ellps="WGS84")


def _corridors() -> dict[str, dict[str, Any]]:
    """Every line feature of the layer files, by id: kind, transit_days as written, geodesic length in km."""
    found = {}
    for path in sorted(LAYERS_DIR.glob("*.geojson")):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            geometry = shape(feature["geometry"])
            if geometry.geom_type in ("LineString", "MultiLineString"):
                props = feature["properties"]
                found[props["id"]] = {"kind": props.get("kind"), "transit_days": props.get("transit_days"),
                                      "km": WGS84.geometry_length(geometry) / 1000, "name_en": props["name_en"],
                                      "layer": path.stem, "sources": props.get("sources") or [], "properties": props,
                                      "name_zh": props.get("name_zh"), "name_fa": props.get("name_fa")}
    return found


def _days_written(value: Any) -> tuple[float, float] | None:
    if isinstance(value, dict) and "min" in value:
        return float(value["min"]), float(value["max"])
    if isinstance(value, dict) and "value" in value:
        return float(value["value"]), float(value["value"])
    return None if value is None else (float(value), float(value))


def _speeds(corridors: dict[str, dict[str, Any]]) -> dict[frozenset[str], tuple[float, float]]:
    """(slowest, fastest) km/day per mode: implied by the documented transit times of its corridors, else cited."""
    speeds = {}
    for kinds, cited in ((RAIL_KINDS, None), (RIVER_KINDS, RIVER_CITED_KM_PER_DAY), (SEA_KINDS, SEA_CITED_KM_PER_DAY)):
        implied = [(c["km"] / days[1], c["km"] / days[0]) for c in corridors.values()
                   if c["kind"] in kinds and (days := _days_written(c["transit_days"]))]
        if implied:
            speeds[frozenset(kinds)] = (min(s for s, _ in implied), max(f for _, f in implied))
        elif cited:
            speeds[frozenset(kinds)] = cited
    return speeds


# Words of the cited sources' titles, as the citations give them.
CO2_SOURCE_BY_KIND_WORD = {"rail": "European Transport Research Review", "inland": "European Transport Research Review",
                           "road": "European Transport Research Review", "sea": "Shipping Emissions in Ports"}


def _routes(atlas: Atlas) -> list[dict[str, Any]]:
    index = RouteIndex(atlas, precompute="none")
    found = [route for destination in DESTINATIONS for route in index.compare("chongqing", destination)["alternatives"]]
    assert len(found) >= len(DESTINATIONS)
    return found


@pytest.fixture(scope="module")
def corridors() -> dict[str, dict[str, Any]]:
    return _corridors()


def _expected_leg_days(leg: dict[str, Any], corridors: dict[str, dict[str, Any]]) -> tuple[float, float] | None:
    corridor = corridors[leg["corridor_id"]]
    written = _days_written(corridor["transit_days"])
    if written and leg["share_of_corridor"] >= 0.95:
        return written
    speed = next((s for kinds, s in _speeds(corridors).items() if corridor["kind"] in kinds), None)
    if speed is None:
        return None
    return leg["length_km"] / speed[1], leg["length_km"] / speed[0]


def check_transit_day_ranges_run_from_fewest_to_most(routes: list[dict[str, Any]]) -> None:
    for route in routes:
        for days in [route["transit_days"]] + [leg["transit_days"] for leg in route["legs"]]:
            if days["min"] is not None:
                assert days["min"] <= days["max"], (route["id"], days)
        assert route["transit_days"]["min"] < route["transit_days"]["max"], route["id"]  # every route has a range


def check_leg_transit_days_are_the_documented_range_or_length_over_the_speed(
        routes: list[dict[str, Any]], corridors: dict[str, dict[str, Any]]) -> None:
    documented = 0
    for route in routes:
        for leg in route["legs"]:
            expected = _expected_leg_days(leg, corridors)
            days = leg["transit_days"]
            if expected is None:
                assert days["min"] is None and days["max"] is None and days["basis"] == "unknown", leg["corridor_id"]
                assert days["sources"] == [] and days["method"].startswith("no documented transit time"), days
                continue
            assert (days["min"], days["max"]) == pytest.approx(expected, abs=0.051), (route["id"], leg["corridor_id"])
            written = _days_written(corridors[leg["corridor_id"]]["transit_days"])
            whole = written is not None and leg["share_of_corridor"] >= 0.95
            assert days["basis"] == ("documented" if whole else "estimated"), leg["corridor_id"]
            if not whole:  # estimates to a tenth of a day, speeds to a tenth of a km/day
                assert [days["min"], days["max"]] == [round(days["min"], 1), round(days["max"], 1)]
                assert days["speed_km_per_day"] == [round(s, 1) for s in days["speed_km_per_day"]]
            if days["basis"] == "documented":
                documented += 1
                assert days["value_as_written"] == corridors[leg["corridor_id"]]["transit_days"]
    assert documented > 0  # the China–Europe railway's 15–20 days


def check_route_transit_days_add_up_the_legs_minima_and_maxima(
        routes: list[dict[str, Any]], corridors: dict[str, dict[str, Any]]) -> None:
    for route in routes:
        legs = [_expected_leg_days(leg, corridors) for leg in route["legs"]]
        known = [days for days in legs if days is not None]
        total = route["transit_days"]
        assert total["min"] == pytest.approx(sum(d[0] for d in known), abs=0.06 * len(known)), route["id"]
        assert total["max"] == pytest.approx(sum(d[1] for d in known), abs=0.06 * len(known)), route["id"]
        assert total["complete"] is (len(known) == len(legs)), route["id"]
        assert (total["min"], total["max"]) == (round(total["min"], 1), round(total["max"], 1))  # as the legs
        bases = {leg["transit_days"]["basis"] for leg in route["legs"]} - {"unknown"}
        assert total["basis"] == (bases.pop() if len(bases) == 1 else "documented and estimated"), route["id"]


def check_leg_co2_is_length_times_the_cited_factor(
        routes: list[dict[str, Any]], corridors: dict[str, dict[str, Any]]) -> None:
    kinds_seen = set()
    for route in routes:
        for leg in route["legs"]:
            kind = corridors[leg["corridor_id"]]["kind"]
            kinds_seen.add(kind)
            low, high = FACTORS_BY_KIND[kind]
            co2 = leg["co2_kg_per_tonne"]
            # g per tonne-km × km = g per tonne; the atlas shows kg.
            assert co2["min"] == pytest.approx(leg["length_km"] * low / 1000, abs=0.051), (leg["corridor_id"], co2)
            assert co2["max"] == pytest.approx(leg["length_km"] * high / 1000, abs=0.051), (leg["corridor_id"], co2)
            assert f"{leg['length_km']:,.0f} km × {low:g}{'' if low == high else f'–{high:g}'} g CO2 per tonne-km" \
                in co2["method"], co2["method"]
            assert [co2["min"], co2["max"]] == [round(co2["min"], 1), round(co2["max"], 1)]
            assert [sorted(source) for source in co2["sources"]] == [["detail", "title", "url"]]
            assert co2["sources"][0]["url"].startswith("https://") and co2["sources"][0]["detail"]
    assert {"rail_route", "inland_waterway", "sea_leg", "reference_road_link"} <= kinds_seen


def check_route_co2_adds_up_the_legs(routes: list[dict[str, Any]], corridors: dict[str, dict[str, Any]]) -> None:
    for route in routes:
        factors = [FACTORS_BY_KIND[corridors[leg["corridor_id"]]["kind"]] for leg in route["legs"]]
        low = sum(leg["length_km"] * f[0] / 1000 for leg, f in zip(route["legs"], factors))
        high = sum(leg["length_km"] * f[1] / 1000 for leg, f in zip(route["legs"], factors))
        total = route["co2_kg_per_tonne"]
        assert (total["min"], total["max"]) == pytest.approx((low, high), abs=0.06 * len(factors)), route["id"]
        assert total["complete"] is True and total["basis"] == "estimated"


def check_rail_by_xinjiang_to_duisburg_is_the_documented_15_to_20_days(routes: list[dict[str, Any]]) -> None:
    # The layer file documents 15–20 days for the Chongqing–Xinjiang–Europe railway.
    (rail,) = [r for r in routes if r["corridors"] == ["chongqing-xinjiang-europe-railway"]
               and r["id"].startswith("chongqing--duisburg--")]
    assert (rail["transit_days"]["min"], rail["transit_days"]["max"]) == (15, 20)
    assert rail["transit_days"]["basis"] == "documented"


def check_legs_follow_their_corridor_lines(routes: list[dict[str, Any]], corridors: dict[str, dict[str, Any]]) -> None:
    for route in routes:
        origin, destination = route["id"].split("--")[:2]
        legs = route["legs"]
        assert legs[0]["from"]["id"] == origin and legs[-1]["to"]["id"] == destination, route["id"]
        for leg, following in zip(legs, legs[1:]):
            assert leg["to"]["id"] == following["from"]["id"], route["id"]
            # Corridors meet at a named node: the network ties line ends within 15 km of a node to it (under 0.25°).
            assert leg["geometry"]["coordinates"][-1] == pytest.approx(following["geometry"]["coordinates"][0],
                                                                       abs=0.25), route["id"]
        for leg in legs:
            corridor = corridors[leg["corridor_id"]]
            assert (leg["kind"], leg["corridor_name"], leg["layer"]) == (corridor["kind"], corridor["name_en"],
                                                                       corridor["layer"]), leg["corridor_id"]
            assert (leg["corridor_name_zh"], leg["corridor_name_fa"]) == (corridor["name_zh"], corridor["name_fa"])
            assert leg["length_km"] == round(leg["length_km"], 1)
            assert leg["share_of_corridor"] == round(leg["share_of_corridor"], 3)
            assert leg["geometry"]["type"] == "LineString"
            assert leg["geometry_quality"] == corridor["properties"]["geometry_quality"], leg["corridor_id"]
            crossings = [c["name_en"] for c in leg["border_crossings"]]
            assert [name for name in leg["via"] if name in crossings] == crossings, leg["corridor_id"]
            assert leg["from"]["name_en"] not in leg["via"] and leg["to"]["name_en"] not in leg["via"]
            line = leg["geometry"]["coordinates"]
            assert leg["from"]["coordinates"] == pytest.approx(line[0], abs=0.25), leg["corridor_id"]
            assert leg["to"]["coordinates"] == pytest.approx(line[-1], abs=0.25), leg["corridor_id"]
            drawn_km = WGS84.line_length([x for x, _ in line], [y for _, y in line]) / 1000
            assert leg["length_km"] == pytest.approx(drawn_km, rel=1e-3, abs=0.1), leg["corridor_id"]
            share = min(drawn_km / corridor["km"], 1.0)
            assert leg["share_of_corridor"] == pytest.approx(share, abs=0.002), leg["corridor_id"]
            assert [c["id"] for c in leg["border_crossings"]] == [
                c["id"] for c in leg["border_crossings"] if c["kind"] == "border_crossing"]
            word = next(w for w in CO2_SOURCE_BY_KIND_WORD if w in leg["mode"] or w in corridor["kind"])
            assert CO2_SOURCE_BY_KIND_WORD[word] in leg["co2_kg_per_tonne"]["sources"][0]["title"], leg["corridor_id"]
            days = leg["transit_days"]
            if days["basis"] == "documented":
                cited = [s["url"] for s in corridor["sources"] if "transit_days" in (s.get("supports") or [])]
                assert [s["url"] for s in days["sources"]] == cited and cited, leg["corridor_id"]
                assert corridor["name_en"] in days["method"]
            elif days["basis"] == "estimated":
                assert days["sources"] and all(s["url"].startswith("http") for s in days["sources"])
                assert f"{leg['length_km']:,.0f} km at " in days["method"], days["method"]
                _check_speed_stated(days, corridor["kind"], corridors)


def _days_text(days: tuple[float, float]) -> str:
    return f"{days[0]:g}" if days[0] == days[1] else f"{days[0]:g}–{days[1]:g}"


# Words of the titles of the sources cited for a mode's speed where no corridor of it documents its transit time.
CITED_SPEED_SOURCES = {"inland_waterway": ["Access China Travel"], "sea_leg": ["TradeWinds", "Slow steaming"],
                       "reference_sea_route": ["TradeWinds", "Slow steaming"]}


def _check_speed_stated(days: dict[str, Any], kind: str, corridors: dict[str, dict[str, Any]]) -> None:
    """An estimate states its speed: the one the mode's documented transit times imply (naming each), else cited."""
    kinds, speed = next((k, s) for k, s in _speeds(corridors).items() if kind in k)
    assert days["speed_km_per_day"] == pytest.approx(list(speed), abs=0.051), kind
    documented = [c for c in corridors.values() if c["kind"] in kinds and _days_written(c["transit_days"])]
    for corridor in documented:
        assert (f"{corridor['name_en']}: {corridor['km']:,.0f} km in documented "
                f"{_days_text(_days_written(corridor['transit_days']))} days") in days["speed_method"], corridor
    if not documented:
        assert [next(w for w in CITED_SPEED_SOURCES[kind] if w in s["title"]) for s in days["sources"]] == \
            CITED_SPEED_SOURCES[kind]
        assert all(s["detail"] and s["url"].startswith("https://") for s in days["sources"])
        assert "knots" in days["speed_method"] or "Yangtze" in days["speed_method"]


def check_routes_are_ranked_shortest_first_and_named_by_their_modes(routes: list[dict[str, Any]]) -> None:
    by_pair: dict[str, list[dict[str, Any]]] = {}
    for route in routes:
        by_pair.setdefault(route["id"].rsplit("--", 1)[0], []).append(route)
        assert route["total_km"] == pytest.approx(sum(leg["length_km"] for leg in route["legs"]), abs=0.5)
        assert route["corridors"] == [leg["corridor_id"] for leg in route["legs"]]
        modes = [leg["mode"] for leg in route["legs"]]
        named = [m for i, m in enumerate(modes) if i == 0 or modes[i - 1] != m]
        assert route["label"].startswith(" + ".join(named).replace("_", "/")), route["label"]
        assert route["label_parts"]["modes"] == named
    for pair, found in by_pair.items():
        assert [r["rank"] for r in found] == list(range(1, len(found) + 1)), pair
        assert [r["id"] for r in found] == [f"{pair}--{rank}" for rank in range(1, len(found) + 1)]
        assert [r["total_km"] for r in found] == sorted(r["total_km"] for r in found), pair
        assert len({r["label"] for r in found}) == len(found), pair  # every choice told apart
    # The label the route comparison opens with: the railway through the two border crossings.
    assert by_pair["chongqing--duisburg"][0]["label"] == "rail via Alashankou, Brest – Małaszewicze"
    # The Xinjiang railway runs out of China at Alashankou, through Moscow, into the EU at Brest – Małaszewicze.
    (railway,) = by_pair["chongqing--duisburg"][0]["legs"]
    assert railway["via"] == ["Alashankou (border crossing)", "Moscow", "Brest – Małaszewicze (border crossing)"]


# Figures about the traffic on a corridor, shown with every route that uses it.
TRAFFIC = ("trips_total", "teu_total", "cargo_value_total_bn_cny", "trips_by_year", "teu_by_year", "ports_connected",
           "countries_regions_connected")


def _shown_as_written(shown: dict[str, Any], props: dict[str, Any]) -> None:
    """A documented figure shown as the layer writes it, with its as-of date and the sources that back it."""
    name, written = shown["name"], props[shown["name"]]
    assert shown["value"] == written, name
    as_of = written.get("as_of") if isinstance(written, dict) else None
    assert shown["as_of"] == (as_of or props.get("figures_as_of")), name
    assert shown["sources"] == [{"title": s["title"], "url": s["url"], "report_ref": s.get("report_ref")}
                                for s in props.get("sources") or [] if name in (s.get("supports") or [])], name
    assert shown["label"] and shown["label"] != name and isinstance(shown["unit"], str), shown


def check_legs_show_their_corridors_traffic_figures(routes: list[dict[str, Any]],
                                                    corridors: dict[str, dict[str, Any]]) -> None:
    shown_any = False
    for leg in (leg for route in routes for leg in route["legs"]):
        props = corridors[leg["corridor_id"]]["properties"]
        names = [n for n in props if (n in TRAFFIC or n.endswith("_by_year")) and props[n] is not None]
        assert sorted(f["name"] for f in leg["traffic"]) == sorted(names), leg["corridor_id"]
        for shown in leg["traffic"]:
            _shown_as_written(shown, props)
            shown_any = True
        comparison = props.get("sea_transit_days_for_comparison")
        assert [f["name"] for f in leg["comparison"]] == (["sea_transit_days_for_comparison"] if comparison else [])
        for shown in leg["comparison"]:
            _shown_as_written(shown, props)
    assert shown_any  # the China–Europe railway's trips and TEU


# The routes are computed once and every check runs on them inside this one test: `make mutation` credits a function
# to the tests that were running when it was called, and a shared fixture runs inside the first test that asks for
# it, so a fixture shared by separate tests would rerun only that first test against each mutant.
def test_route_days_and_co2_follow_the_layers_and_the_cited_sources(
        atlas: Atlas, corridors: dict[str, dict[str, Any]]) -> None:
    routes = _routes(atlas)
    check_transit_day_ranges_run_from_fewest_to_most(routes)
    check_leg_transit_days_are_the_documented_range_or_length_over_the_speed(routes, corridors)
    check_route_transit_days_add_up_the_legs_minima_and_maxima(routes, corridors)
    check_leg_co2_is_length_times_the_cited_factor(routes, corridors)
    check_route_co2_adds_up_the_legs(routes, corridors)
    check_rail_by_xinjiang_to_duisburg_is_the_documented_15_to_20_days(routes)
    check_legs_follow_their_corridor_lines(routes, corridors)
    check_routes_are_ranked_shortest_first_and_named_by_their_modes(routes)
    check_legs_show_their_corridors_traffic_figures(routes, corridors)


def test_places_are_found_by_id_english_or_chinese_name_or_a_unique_beginning(atlas: Atlas) -> None:
    network = RouteIndex(atlas, precompute="none").network
    # Names as the logistics_hubs and corridor layers write them.
    for query in ("duisburg", "Duisburg", " DUISBURG ", "杜伊斯堡"):
        assert resolve(network, query).id == "duisburg", query
    assert resolve(network, "Brest").id == "brest-malaszewicze"  # "Brest – Małaszewicze (border crossing)"
    for query, problem in (("Ba", "unknown place 'Ba'"),  # Baku and Bangkok
                           ("Atlantis", "unknown place 'Atlantis'"), (" ", "both 'from' and 'to' places are required")):
        with pytest.raises(UnknownPlace) as caught:
            resolve(network, query)
        assert str(caught.value).startswith(f"{problem}; valid places: aktau (Aktau (Caspian port)), "
                                            "alashankou (Alashankou (border crossing)), almaty (Almaty), "), query
        assert "duisburg (Duisburg), " in str(caught.value) and caught.value.query == query
        assert [node.id for node in caught.value.valid][:3] == ["aktau", "alashankou", "almaty"]


def test_a_total_says_what_is_known_of_its_legs() -> None:
    documented = {"min": 1.0, "max": 2.0, "basis": "documented"}
    estimated = {"min": 0.3, "max": 0.5, "basis": "estimated"}
    unknown = {"min": None, "max": None, "basis": "unknown"}
    assert _sum([{"days": documented}, {"days": estimated}, {"days": unknown}], "days") == {
        "min": 1.3, "max": 2.5, "complete": False, "basis": "documented and estimated"}
    assert _sum([{"days": estimated}, {"days": estimated}], "days") == {
        "min": 0.6, "max": 1.0, "complete": True, "basis": "estimated"}
    assert _sum([{"days": unknown}, {"days": None}], "days") == {
        "min": None, "max": None, "complete": False, "basis": "unknown"}


# Pairs whose searches cross parallel corridors, chains of stops and the sea lanes.
SEARCHED_PAIRS = [("chongqing", "duisburg"), ("moscow", "shanghai"), ("hanoi", "rotterdam"), ("bangkok", "yantian-port")]


@pytest.mark.parametrize(("origin", "destination"), SEARCHED_PAIRS, ids=[f"{a}-{b}" for a, b in SEARCHED_PAIRS])
def test_the_route_search_examines_every_path_of_the_network_in_order_of_length(
        atlas: Atlas, origin: str, destination: str) -> None:
    """The graph the search runs on is the network made small: its paths, written out piece by piece, are the
    network's own simple paths (each corridor piece a step of its own), shortest first, none missing, none added.
    Paths of equal length (parallel sea lanes share their pieces) may come in either order."""
    import networkx as nx

    from geo.corridors.routes import _path_graph, _with_pieces

    network = build_network(atlas)
    every_piece = nx.Graph()
    for segment in network.segments.values():
        every_piece.add_edge(segment.start, f"segment:{segment.id}", km=segment.length_km / 2)
        every_piece.add_edge(f"segment:{segment.id}", segment.end, km=segment.length_km / 2)
    searched = _path_graph(network, (origin, destination))
    assert searched.number_of_nodes() < every_piece.number_of_nodes()

    def with_lengths(paths: list[list[str]]) -> list[tuple[float, tuple[str, ...]]]:
        return [(round(sum(network.segments[p.removeprefix("segment:")].length_km for p in path[1::2]), 6),
                 tuple(path)) for path in paths]

    expected = with_lengths(list(islice(nx.shortest_simple_paths(every_piece, origin, destination, weight="km"), 60)))
    found = with_lengths([_with_pieces(searched, nodes) for nodes in
                          islice(nx.shortest_simple_paths(searched, origin, destination, weight="km"), 60)])
    assert [km for km, _ in found] == [km for km, _ in expected]  # shortest first, the same lengths
    longest = expected[-1][0]  # the last length's ties may be cut at different places
    assert sorted(pair for pair in found if pair[0] < longest) == sorted(pair for pair in expected if pair[0] < longest)
