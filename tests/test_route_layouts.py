"""A route comparison as the map draws it (leg lines simplified) and as the GeoJSON download flattens it, read
in-process on a comparison written out here (fast: these run against every mutant of the functions they reach).
The served download is checked over HTTP by tests/test_routes_api.py."""

from __future__ import annotations

import copy
from typing import Any

from geo.corridors.route_index import RouteIndex, _for_display, comparison_geojson
from geo.data.atlas import Atlas

SOURCE_A = {"title": "China Daily, 2013", "url": "https://example.org/a"}
SOURCE_B = {"title": "GLEC Framework", "url": "https://example.org/b"}
# A line with a vertex 0.002° (about 200 m) off the straight line, and coordinates with six decimals.
WIGGLY = [[106.366049, 29.640049], [110.0, 29.642], [114.0, 29.64]]


def _leg(corridor_id: str, start: str, end: str, **overrides: Any) -> dict[str, Any]:
    leg = {"corridor_id": corridor_id, "corridor_name": f"{corridor_id} line", "mode": "rail",
           "from": {"name_en": start}, "to": {"name_en": end}, "length_km": 812.4, "geometry_quality": "traced",
           "transit_days": {"min": 2.0, "max": 3.0, "basis": "estimated", "method": "812 km at 270–400 km a day",
                            "sources": [SOURCE_A]},
           "co2_kg_per_tonne": {"min": 9.2, "max": 9.2, "method": "812 km × 11.3 g per tonne-km",
                                "sources": [SOURCE_B, SOURCE_A]},
           "geometry": {"type": "LineString", "coordinates": WIGGLY}}
    return {**leg, **overrides}


COMPARISON = {
    "from": {"id": "chongqing"}, "to": {"id": "duisburg"}, "ranking": "shortest total distance first", "notes": [],
    "alternatives": [
        {"id": "route-1", "rank": 1, "label": "rail via Alashankou", "total_km": 1624.8, "legs": [
            _leg("rail-a", "Chongqing", "Alashankou"),
            _leg("rail-b", "Alashankou", "Duisburg", co2_kg_per_tonne=None,
                 **{"from": {"name_en": "Alashankou", "name": "阿拉山口"}, "to": {"name_en": "Duisburg", "name": "杜伊斯堡"}}),
        ]},
        {"id": "route-2", "rank": 2, "label": "sea", "total_km": 20000.0, "legs": [
            _leg("sea-c", "Chongqing", "Duisburg", mode="sea",
                 transit_days={"min": None, "max": None, "basis": "unknown", "method": None, "sources": []}),
        ]},
    ],
}


def test_the_download_has_one_flat_feature_per_leg() -> None:
    collection = comparison_geojson(copy.deepcopy(COMPARISON))
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 3
    first, second, sea = collection["features"]
    assert first["type"] == "Feature" and first["geometry"] == {"type": "LineString", "coordinates": WIGGLY}
    assert first["properties"] == {
        "route_id": "route-1", "route_rank": 1, "route_label": "rail via Alashankou", "route_total_km": 1624.8,
        "leg": 1, "corridor_id": "rail-a", "corridor_name": "rail-a line", "mode": "rail",
        "from": "Chongqing", "to": "Alashankou", "length_km": 812.4,
        "transit_days_min": 2.0, "transit_days_max": 3.0, "transit_days_basis": "estimated",
        "transit_days_method": "812 km at 270–400 km a day",
        "co2_kg_per_tonne_min": 9.2, "co2_kg_per_tonne_max": 9.2, "co2_method": "812 km × 11.3 g per tonne-km",
        "geometry_quality": "traced", "sources": "https://example.org/a; https://example.org/b",
    }
    # A leg without a CO2 estimate; a place named in the reader's language ("name") is written so.
    assert (second["properties"]["from"], second["properties"]["to"]) == ("阿拉山口", "杜伊斯堡")
    assert (second["properties"]["leg"], second["properties"]["to"], second["properties"]["co2_kg_per_tonne_min"],
            second["properties"]["co2_kg_per_tonne_max"], second["properties"]["co2_method"],
            second["properties"]["sources"]) == (2, "杜伊斯堡", None, None, None, "https://example.org/a")
    assert (sea["properties"]["route_id"], sea["properties"]["leg"], sea["properties"]["mode"],
            sea["properties"]["transit_days_min"], sea["properties"]["transit_days_basis"],
            sea["properties"]["sources"]) == ("route-2", 1, "sea", None, "unknown",
                                            "https://example.org/a; https://example.org/b")


def test_the_map_draws_legs_simplified_to_about_a_kilometre_and_keeps_their_figures() -> None:
    kept = copy.deepcopy(COMPARISON)
    shown = _for_display(COMPARISON)
    assert COMPARISON == kept  # the computed comparison is left as it was
    first = shown["alternatives"][0]["legs"][0]
    # 0.002° off the line is within the 0.01° (about 1 km) the map's zoom cannot show: the vertex goes; the ends are
    # kept, to four decimals.
    assert first["geometry"] == {"type": "LineString", "coordinates": [[106.366, 29.64], [114.0, 29.64]]}
    assert {key: value for key, value in first.items() if key != "geometry"} == {
        key: value for key, value in kept["alternatives"][0]["legs"][0].items() if key != "geometry"}
    assert [len(route["legs"]) for route in shown["alternatives"]] == [2, 1]
    assert {key: shown[key] for key in ("from", "to", "ranking", "notes")} == {
        key: kept[key] for key in ("from", "to", "ranking", "notes")}
    assert shown["alternatives"][1]["label"] == "sea" and shown["alternatives"][1]["total_km"] == 20000.0
    # A vertex farther off than that stays.
    farther = copy.deepcopy(COMPARISON)
    farther["alternatives"][0]["legs"][0]["geometry"]["coordinates"][1] = [110.0, 29.66]
    assert _for_display(farther)["alternatives"][0]["legs"][0]["geometry"]["coordinates"] == [
        [106.366, 29.64], [110.0, 29.66], [114.0, 29.64]]


def test_a_comparison_states_its_places_ranking_notes_and_the_cited_emission_factors(atlas: Atlas) -> None:
    # Computed up front: the pair the map opens with ("default"), or nothing ("none").
    assert RouteIndex(atlas, precompute="none").precomputed()["comparisons"] == {}
    index = RouteIndex(atlas, precompute="default")
    ready = index.precomputed()
    assert (ready["default"], list(ready["comparisons"])) == ({"from": "chongqing", "to": "duisburg"}, ["chongqing/duisburg"])
    result = index.compare("Chongqing", "Duisburg")
    assert (result["from"]["id"], result["to"]["id"], result["ranking"]) == (
        "chongqing", "duisburg", "shortest total distance first")  # the catalog's English routes.ranking
    assert len(result["notes"]) == 4 and result["alternatives"]
    # g CO2 per tonne-km as the cited sources give them (ETRR 2019 Table 9: rail 11.3, inland waterways 38.6, road
    # 90.3; ITF 2014/20: feeder ships 31.6, three times post-Panamax ships), to two decimals.
    factors = {row["mode"]: (row["min_g_co2_per_tkm"], row["max_g_co2_per_tkm"]) for row in result["emission_factors"]}
    assert factors == {"rail": (11.3, 11.3), "river": (38.6, 38.6), "road": (90.3, 90.3), "rail_road": (11.3, 90.3),
                       "sea": (10.53, 31.6)}
    for row in result["emission_factors"]:
        assert row["method"] and row["source"]["title"] and row["source"]["detail"], row["mode"]
        assert row["source"]["url"].startswith("https://"), row["mode"]
    assert "Table 9" in next(row for row in result["emission_factors"] if row["mode"] == "rail")["method"]
