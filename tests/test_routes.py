"""Corridor network and route comparison: real layers, checked against independently published distances."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pyproj import Geod
from shapely.geometry import Point, shape
from shapely.ops import substring

from geo.data.atlas import Atlas, load_atlas
from geo.data.geodesy import geodesic_length_km
from geo.corridors.network import build_network
from geo.corridors.route_index import RouteIndex
from geo.data.schema import FeatureProperties
from tests.conftest import LAYERS_DIR, REPO, edit_feature, read_layer

# The six comparisons the atlas is built to answer, with the corridor each must offer.
DESTINATIONS = {
    "duisburg": "chongqing-xinjiang-europe-railway",
    "moscow": "chongqing-manzhouli-russia-railway",
    # The Qinzhou–Port Klang lane passes Singapore on the same shipping lanes, so either land–sea sea leg may carry it.
    "singapore": ("land-sea-sea-leg-singapore", "land-sea-sea-leg-port-klang"),
    "bangkok": "china-laos-thailand-freight-train",
    "shanghai": "yangtze-golden-waterway",
    "rotterdam": "yangtze-golden-waterway",
    "hanoi": "asean-express-hanoi-chongqing-railway",
    "yantian-port": "chongqing-shenzhen-hong-kong-rail-sea-train",
}

# Chongqing–Xinjiang–Europe railway, Chongqing to Duisburg: 11,179 km
# (https://en.wikipedia.org/wiki/Chongqing%E2%80%93Xinjiang%E2%80%93Europe_railway, "Statistics"; the same figure in
# https://www.ichongqing.info/2024/03/28/whitles-along-the-rhine/). Corridor lines may still be schematic, so the
# network must come within 20 %.
CHONGQING_DUISBURG_RAIL_KM = 11_179
# Shanghai–Rotterdam by sea: about 10,600 nautical miles via Suez, 13,800 via the Cape of Good Hope (Notteboom,
# Pallis, Rodrigue, Port Economics, Management and Policy, "Routing Options between Shanghai, Rotterdam and New York",
# https://porteconomicsmanagement.org/pemp/contents/part1/interoceanic-passages/routing-options-shanghai-rotterdam).
NAUTICAL_MILE_KM = 1.852
SHANGHAI_ROTTERDAM_SUEZ_KM = 10_600 * NAUTICAL_MILE_KM
SHANGHAI_ROTTERDAM_CAPE_KM = 13_800 * NAUTICAL_MILE_KM


@pytest.fixture(scope="module")
def index(atlas: Atlas) -> RouteIndex:
    return RouteIndex(atlas)


def _routes(index: RouteIndex, destination: str) -> list[dict]:
    return index.compare("chongqing", destination)["alternatives"]


@pytest.mark.parametrize("destination", sorted(DESTINATIONS))
def test_each_destination_is_reached_by_its_corridor(index: RouteIndex, destination: str) -> None:
    routes = _routes(index, destination)
    assert routes, f"no route to {destination}"
    expected = DESTINATIONS[destination]
    expected = expected if isinstance(expected, tuple) else (expected,)
    assert any(corridor in route["corridors"] for route in routes for corridor in expected)
    assert [route["rank"] for route in routes] == list(range(1, len(routes) + 1))
    assert [route["total_km"] for route in routes] == sorted(route["total_km"] for route in routes)


def test_rail_to_duisburg_is_about_the_published_distance(index: RouteIndex) -> None:
    rail = [r for r in _routes(index, "duisburg") if r["corridors"] == ["chongqing-xinjiang-europe-railway"]]
    assert len(rail) == 1
    assert rail[0]["total_km"] == pytest.approx(CHONGQING_DUISBURG_RAIL_KM, rel=0.20)
    assert "Alashankou" in rail[0]["label"]


def test_hanoi_reaches_europe_by_the_asean_express_and_the_china_europe_train(index: RouteIndex) -> None:
    # The ASEAN Express (CHANGELOG 1.3.0): trains from Hanoi re-marshalled in Chongqing onto China–Europe trains.
    # Between Nanning and Chongqing the network may take another rail channel of the corridor where it is shorter.
    routes = index.compare("hanoi", "duisburg")["alternatives"]
    through = [r for r in routes if r["corridors"][0] == "asean-express-hanoi-chongqing-railway"
               and r["corridors"][-1] == "chongqing-xinjiang-europe-railway"]
    assert through and through[0] is routes[0]
    assert {leg["mode"] for leg in through[0]["legs"]} == {"rail"}
    for place in ("Pingxiang – Đồng Đăng", "Chongqing", "Alashankou"):
        assert place in through[0]["label"]
    # Longer than Chongqing–Duisburg alone by at least the straight distance from Hanoi to Chongqing.
    _, _, hanoi_chongqing_m = Geod(ellps="WGS84").inv(105.84117, 21.0245, 106.55, 29.56)
    chongqing_duisburg = [r for r in _routes(index, "duisburg")
                          if r["corridors"] == ["chongqing-xinjiang-europe-railway"]][0]["total_km"]
    assert through[0]["total_km"] >= chongqing_duisburg + hanoi_chongqing_m / 1000


def test_yantian_is_two_days_by_the_chongqing_shenzhen_hong_kong_train(index: RouteIndex) -> None:
    # CHANGELOG 1.4.0: rail from Tuanjiecun to Yantian in two days (iChongqing 2024, 读特 2025), the barge on to
    # Kwai Tsing not drawn. The days are the ones the layer file writes, read here from the file.
    written = next(f["properties"]["transit_days"] for f in read_layer(LAYERS_DIR, "land_sea_corridor")["features"]
                   if f["properties"]["id"] == "chongqing-shenzhen-hong-kong-rail-sea-train")
    (train,) = [r for r in _routes(index, "yantian-port")
                if r["corridors"] == ["chongqing-shenzhen-hong-kong-rail-sea-train"]]
    (leg,) = train["legs"]
    assert leg["mode"] == "rail"
    assert (leg["transit_days"]["min"], leg["transit_days"]["max"], leg["transit_days"]["basis"]) == (
        written["value"], written["value"], "documented")
    # At least the straight distance from Chongqing to Yantian, and no more than 1.6 times it (the derivation's
    # limit on a rail detour).
    _, _, straight_m = Geod(ellps="WGS84").inv(106.55, 29.56, 114.27, 22.58)
    assert straight_m / 1000 <= train["total_km"] <= 1.6 * straight_m / 1000


def test_sea_reference_routes_match_published_distances(atlas: Atlas) -> None:
    sea = {f.id: geodesic_length_km(f.geometry) for f in atlas.layer("reference_routes").features}
    suez = sea["reference-sea-shanghai-rotterdam-suez"]
    assert suez == pytest.approx(SHANGHAI_ROTTERDAM_SUEZ_KM, rel=0.05)
    assert sea["reference-sea-shanghai-rotterdam-cape"] == pytest.approx(SHANGHAI_ROTTERDAM_CAPE_KM, rel=0.05)


def test_leg_lengths_add_up_to_the_corridor_lines(index: RouteIndex, atlas: Atlas) -> None:
    # Independent of the splitting: the river route to Shanghai is the Yangtze line from Chongqing to the point
    # nearest Shanghai (the line runs on to the estuary mouth), cut and measured here afresh.
    yangtze = atlas.layer("yangtze_waterway").features[0]
    (route,) = [r for r in _routes(index, "shanghai") if r["corridors"] == ["yangtze-golden-waterway"]]
    assert route["legs"][0]["mode"] == "river"
    end = Point(shape(route["legs"][-1]["geometry"]).coords[-1])
    to_shanghai = substring(yangtze.geometry, 0, yangtze.geometry.project(end))
    assert route["total_km"] == pytest.approx(geodesic_length_km(to_shanghai), rel=0.01)
    legs_km = sum(geodesic_length_km(shape(leg["geometry"])) for leg in route["legs"])
    assert legs_km == pytest.approx(route["total_km"], abs=0.5)


def test_sea_and_rail_alternatives_to_europe_are_compared(index: RouteIndex) -> None:
    routes = _routes(index, "rotterdam")
    modes = [{leg["mode"] for leg in route["legs"]} for route in routes]
    assert {"rail"} in modes, "rail alternative missing"
    assert any({"river", "sea"} <= m for m in modes), "river + sea alternative missing"
    labels = [route["label"] for route in routes]
    assert len(labels) == len(set(labels)), labels


def test_every_figure_shown_carries_a_source(index: RouteIndex) -> None:
    checked = 0
    for destination in DESTINATIONS:
        for route in _routes(index, destination):
            for leg in route["legs"]:
                days = leg["transit_days"]
                assert days["basis"] == "unknown" or days["sources"], (route["id"], leg["corridor_id"])
                assert leg["co2_kg_per_tonne"]["sources"], (route["id"], leg["corridor_id"])
                for fig in leg["traffic"] + leg["comparison"]:
                    assert fig["sources"], (leg["corridor_id"], fig["name"])
                    checked += 1
            for comparison in route.get("documented_comparisons", []):
                assert comparison["sources"]
    assert checked > 0


def test_estimates_say_so_and_state_their_method(index: RouteIndex) -> None:
    for route in _routes(index, "singapore"):
        for leg in route["legs"]:
            co2 = leg["co2_kg_per_tonne"]
            assert co2["basis"] == "estimated" and "g CO2 per tonne-km" in co2["method"]
            if leg["transit_days"]["basis"] == "estimated":
                assert "km/day" in leg["transit_days"]["method"]


def test_network_follows_the_layers(layers_copy: Path) -> None:
    # Drop the Xinjiang railway from a copy of the layers: rail via Alashankou must disappear, nothing else needed.
    def remove_line(feature: dict) -> None:
        feature["geometry"]["coordinates"] = feature["geometry"]["coordinates"][:2]
        # A stub no longer measures its documented length; drop the figure and its support with it.
        feature["properties"].pop("documented_length_km", None)
        for source in feature["properties"]["sources"]:
            source["supports"] = [name for name in source.get("supports", []) if name != "documented_length_km"]

    before = RouteIndex(load_atlas(layers_copy)).compare("chongqing", "duisburg")["alternatives"]
    edit_feature(layers_copy, "rail_europe", remove_line, index=0)
    after = RouteIndex(load_atlas(layers_copy)).compare("chongqing", "duisburg")["alternatives"]
    assert any("Alashankou" in route["label"] for route in before)
    assert not any("Alashankou" in route["label"] for route in after)


def test_report_transit_days_appear_as_given(layers_copy: Path) -> None:
    if "transit_days" not in FeatureProperties.model_fields:
        pytest.skip("layers do not carry transit_days yet")
    atlas = load_atlas(layers_copy)
    rail = atlas.layer("rail_europe").features[0]
    if rail.properties.get("transit_days") is None:
        pytest.skip("the China–Europe railway has no documented transit_days")
    routes = RouteIndex(atlas).compare("chongqing", "duisburg")["alternatives"]
    by_rail = next(r for r in routes if r["corridors"] == [rail.id])
    assert by_rail["transit_days"]["basis"] == "documented"
    assert by_rail["legs"][0]["transit_days"]["value_as_written"] == rail.properties["transit_days"]
    sea_days = rail.properties.get("sea_transit_days_for_comparison")
    if sea_days is not None:
        by_sea = [r for r in routes if any(leg["mode"] == "sea" for leg in r["legs"])]
        assert by_sea and all(c["value"] == sea_days for r in by_sea for c in r["documented_comparisons"])


def test_network_nodes_lie_on_the_layers(atlas: Atlas) -> None:
    network = build_network(atlas)
    ends = {tuple(round(c, 6) for c in f.geometry.coords[i]) for f in atlas.features()
            if f.geometry.geom_type == "LineString" for i in (0, -1)}
    for node in network.nodes.values():
        on_line = min(shape({"type": "Point", "coordinates": [node.lon, node.lat]}).distance(s.geometry)
                      for s in network.segments.values())
        assert on_line < 1e-6 or (round(node.lon, 6), round(node.lat, 6)) in ends, node


def test_cli_prints_the_comparison_table() -> None:
    result = subprocess.run([sys.executable, "-m", "geo", "routes", "Chongqing", "duisburg"], cwd=REPO,
                            capture_output=True, text=True, timeout=120, env={"COLUMNS": "200", "PATH": ""})
    assert result.returncode == 0, result.stderr
    assert "Chongqing → Duisburg" in result.stdout and "Alashankou" in result.stdout
    bad = subprocess.run([sys.executable, "-m", "geo", "routes", "Chongqing", "Atlantis"], cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "unknown place 'Atlantis'" in bad.stderr and "duisburg" in bad.stderr


def test_no_route_doubles_back(index: RouteIndex) -> None:
    # A shipper's alternative never goes through a port city's onward link mid-way, hops port to port to port at
    # sea, or passes the same place twice (e.g. Chongqing–Bangkok–Laem Chabang–Qinzhou–Singapore).
    for destination in DESTINATIONS:
        for route in _routes(index, destination):
            legs = route["legs"]
            assert not any(leg["kind"].endswith("_link") for leg in legs[1:-1]), route["label"]
            modes = "".join("S" if leg["mode"] == "sea" else "-" for leg in legs)
            assert "SSS" not in modes, route["label"]
            stops = [legs[0]["from"]["id"]] + [leg["to"]["id"] for leg in legs]
            assert len(stops) == len(set(stops)), route["label"]


def test_reference_routes_say_what_they_are_and_where_they_come_from(atlas: Atlas) -> None:
    for feature in atlas.layer("reference_routes").features:
        props = feature.properties
        assert props["name_en"].startswith(("Reference sea route", "Rotterdam", "Saint Petersburg", "Laem Chabang"))
        if props["kind"] == "reference_sea_route":
            # dataset name, version and licence of the traced geometry
            assert "searoute 1." in props["geometry_note"] and "Apache-2.0" in props["geometry_note"]
            assert any("pypi.org/project/searoute" in s["url"] for s in props["sources"])
        else:
            assert "straight" in props["geometry_note"].lower() and props["geometry_quality"] == "schematic"


def test_committed_reference_routes_are_traced_from_the_current_layers(layers_copy: Path) -> None:
    # Re-tracing from the layers as they are gives the committed file byte for byte: a corridor re-traced without
    # re-running the command (or a hand edit) shows up here.
    pytest.importorskip("searoute")
    committed = (layers_copy / "reference_routes.geojson").read_bytes()
    result = subprocess.run([sys.executable, "-m", "geo", "trace-reference-routes", "--layers", str(layers_copy)],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (layers_copy / "reference_routes.geojson").read_bytes() == committed, \
        "layers/reference_routes.geojson is out of date: run `cqatlas trace-reference-routes`"


def _great_circle_km(a: list[float], b: list[float]) -> float:
    return Geod(ellps="WGS84").inv(a[0], a[1], b[0], b[1])[2] / 1e3


@pytest.mark.parametrize("destination", sorted(DESTINATIONS))
def test_no_route_goes_the_wrong_way_round(index: RouteIndex, destination: str) -> None:
    # A stop more than three times the direct distance out of the way takes cargo away from where it is going.
    for route in _routes(index, destination):
        origin, end = route["legs"][0]["from"]["coordinates"], route["legs"][-1]["to"]["coordinates"]
        for leg in route["legs"][1:]:
            stop = leg["from"]["coordinates"]
            way_round = _great_circle_km(origin, stop) + _great_circle_km(stop, end)
            assert way_round <= 3 * _great_circle_km(origin, end), (route["label"], leg["from"]["id"])


def test_shanghai_is_not_reached_by_way_of_southeast_asia(index: RouteIndex) -> None:
    stops = {leg["from"]["id"] for route in _routes(index, "shanghai") for leg in route["legs"]}
    assert stops.isdisjoint({"singapore", "laem-chabang", "port-klang"}), stops

