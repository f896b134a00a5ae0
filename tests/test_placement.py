"""Zones and points inside their districts, documented lengths, stated provenance (no reference packages needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import shapely
from pyproj import Geod
from shapely.affinity import translate
from shapely.geometry import mapping, shape
from shapely.ops import unary_union

from geo.data.atlas import Atlas
from geo.data.geodesy import geodesic_area_km2
from geo.data.registry import LAYERS
from geo.data.validate import validate_layers
from tests.conftest import LAYERS_DIR, read_layer, write_layer


def edit(layers_dir: Path, layer_id: str, feature_id: str, change: Any) -> None:
    data = read_layer(layers_dir, layer_id)
    change(next(f for f in data["features"] if f["properties"]["id"] == feature_id))
    write_layer(layers_dir, layer_id, data)


def messages(layers_dir: Path, layer_id: str) -> list[str]:
    """Problems found validating the edited layer with the districts layer (the other layers play no part in the
    checks of one feature; stray-file notes about them are left out)."""
    specs = tuple(spec for spec in LAYERS if spec.id in (layer_id, "districts"))
    return [str(problem) for problem in validate_layers(layers_dir, specs)[1]
            if "not a declared layer" not in str(problem)]


def test_districts_layer_has_chongqings_38_districts_and_its_published_area(atlas: Atlas) -> None:
    features = atlas.layer("districts").features
    assert len(features) == 38
    assert sum(f.properties["kind"] == "county" for f in features) == 12  # 26 districts and 12 counties (2016 on)
    # The report gives Chongqing's area as about 82.4 thousand km².
    assert sum(geodesic_area_km2(f.geometry) for f in features) == pytest.approx(82_400, rel=0.01)
    assert {"渝中区", "两江新区"} & {f.properties["name_zh"] for f in features} == {"渝中区"}


def test_every_zone_and_point_names_its_districts(atlas: Atlas) -> None:
    district_ids = {f.id for f in atlas.layer("districts").features}
    for layer_id in ("free_trade_zone", "bonded_zones", "development_zones", "logistics_hubs", "universities"):
        for feature in atlas.layer(layer_id).features:
            assert feature.properties["districts"], feature.id
            assert set(feature.properties["districts"]) <= district_ids, feature.id


def test_each_placement_problem_names_file_feature_field_and_what_is_wrong(layers_copy: Path) -> None:
    # One edit per feature, all validated at once (the checks look at one feature at a time).
    # Cuntan lies on the Yangtze's north bank (Jiangbei); 1.5 km south is Nan'an across the river.
    edit(layers_copy, "logistics_hubs", "cuntan-port",
         lambda f: f["geometry"].update(coordinates=[f["geometry"]["coordinates"][0], f["geometry"]["coordinates"][1] - 0.015]))
    edit(layers_copy, "universities", "chongqing-university", lambda f: f["properties"].update(districts=["atlantis", "lemuria"]))
    # North-west corner of the municipality's extent: Sichuan, in no district of Chongqing.
    edit(layers_copy, "universities", "southwest-university",
         lambda f: f.update(geometry={"type": "Point", "coordinates": [105.3, 32.1]}))
    edit(layers_copy, "universities", "chongqing-medical-university", lambda f: f["properties"].update(geometry_datasets=[]))
    edit(layers_copy, "bonded_zones", "fuling-comprehensive-bonded-zone", lambda f: f["properties"].pop("districts"))

    def south(feature: dict[str, Any]) -> None:  # 8.9 km south: a quarter of it across the river
        feature["geometry"]["coordinates"] = [[[[x, round(y - 0.08, 6)] for x, y in ring] for ring in polygon]
                                              for polygon in feature["geometry"]["coordinates"]]

    edit(layers_copy, "bonded_zones", "lianglu-cuntan-bonded-port-area", south)

    def in_two_parts(feature: dict[str, Any]) -> None:  # the same line as a MultiLineString, documented far longer
        line = feature["geometry"]["coordinates"]
        feature["geometry"] = {"type": "MultiLineString", "coordinates": [line[:len(line) // 2 + 1], line[len(line) // 2:]]}
        feature["properties"]["documented_length_km"] = 15000

    edit(layers_copy, "rail_europe", "chongqing-xinjiang-europe-railway", in_two_parts)
    railway_km = _railway_km(layers_copy)
    districts = {f["properties"]["id"]: shape(f["geometry"]) for f in read_layer(layers_copy, "districts")["features"]}
    zone = next(shape(f["geometry"]) for f in read_layer(layers_copy, "bonded_zones")["features"]
                if f["properties"]["id"] == "lianglu-cuntan-bonded-port-area")
    share = _share_inside(zone, unary_union([districts["jiangbei-district"], districts["yubei-district"]]))
    specs = tuple(spec for spec in LAYERS
                  if spec.id in ("districts", "logistics_hubs", "universities", "bonded_zones", "rail_europe"))
    found = [str(problem) for problem in validate_layers(layers_copy, specs)[1]
             if "not a declared layer" not in str(problem)]
    assert sorted(found) == sorted([
        "logistics_hubs.geojson [cuntan-port] districts: cuntan-port lies outside jiangbei-district "
        "(it is in nanan-district)",
        "universities.geojson [chongqing-university] districts: atlantis, lemuria not in the districts layer",
        "universities.geojson [southwest-university] districts: southwest-university lies outside beibei-district",
        "universities.geojson [chongqing-medical-university] geometry_datasets: say which dataset(s) the geometry "
        "comes from (name, version, license)",
        "bonded_zones.geojson [fuling-comprehensive-bonded-zone] districts: name the district(s) the feature lies in "
        "(ids of the districts layer)",
        f"bonded_zones.geojson [lianglu-cuntan-bonded-port-area] districts: lianglu-cuntan-bonded-port-area: only "
        f"{share:.0%} of its area lies inside jiangbei-district, yubei-district (at least 97% required)",
        f"rail_europe.geojson [chongqing-xinjiang-europe-railway] documented_length_km: documented 15000 km but the "
        f"line measures {railway_km:.0f} km (more than 15% apart)",
    ])
    assert 0.6 < share < 0.9


def test_a_zone_spilling_out_of_its_district_is_reported(layers_copy: Path) -> None:
    def shift(feature: dict[str, Any]) -> None:
        ring = feature["geometry"]["coordinates"][0]
        feature["geometry"]["coordinates"][0] = [[round(x - 0.06, 6), y] for x, y in ring]

    edit(layers_copy, "development_zones", "shuangqiao-etdz", shift)
    found = [m for m in messages(layers_copy, "development_zones") if "shuangqiao-etdz" in m and "districts" in m]
    assert found and "of its area lies inside dazu-district" in found[0]


def test_documented_length_of_the_china_europe_route_matches_within_tolerance(atlas: Atlas) -> None:
    feature = next(f for f in atlas.layer("rail_europe").features if f.id == "chongqing-xinjiang-europe-railway")
    # China Daily (2013) gives 11,179 km for the whole route; the traced shortest paths may cut it short, not more.
    assert feature.properties["documented_length_km"] == 11179
    assert 0.85 * 11179 <= feature.properties["length_km"] <= 1.15 * 11179


# Minsk as GeoNames 625144 places it, not the waypoint the line was traced through.
MINSK_LON_LAT = (27.56667, 53.9)
XINHUA_MINSK_2018 = "http://world.workercn.cn/32832/201807/15/180715185806970.shtml"


def test_the_line_as_far_as_minsk_matches_the_documented_chongqing_minsk_length() -> None:
    # Xinhua (Minsk, 14 July 2018): Chongqing's train to Minsk, out by Alashankou across Kazakhstan and Russia, runs
    # 8,600 km. The drawn line, measured from Chongqing to its point nearest Minsk, must be within 5 % of it.
    feature = next(f for f in read_layer(LAYERS_DIR, "rail_europe")["features"]
                   if f["properties"]["id"] == "chongqing-xinjiang-europe-railway")
    props = feature["properties"]
    documented = props["documented_length_to_minsk_km"]
    assert documented == {"value": 8600, "as_of": "2018-07"}
    backing = [s for s in props["sources"] if "documented_length_to_minsk_km" in s["supports"]]
    assert [(s["url"], s["report_ref"]) for s in backing] == [(XINHUA_MINSK_2018, None)]
    assert feature["geometry"]["type"] == "LineString"
    lons, lats = zip(*((x, y) for x, y, *_ in feature["geometry"]["coordinates"]))
    geod = Geod(ellps="WGS84")
    _, _, metres_to_minsk = geod.inv(lons, lats, [MINSK_LON_LAT[0]] * len(lons), [MINSK_LON_LAT[1]] * len(lats))
    nearest = min(range(len(lons)), key=lambda index: metres_to_minsk[index])
    assert metres_to_minsk[nearest] < 10_000  # the line does pass Minsk
    drawn_km = geod.line_length(lons[: nearest + 1], lats[: nearest + 1]) / 1000
    assert abs(drawn_km - documented["value"]) <= 0.05 * documented["value"], drawn_km


def test_osm_derived_layers_carry_the_odbl_and_its_attribution(atlas: Atlas) -> None:
    for layer_id in ("rail_europe", "land_sea_corridor"):
        spec = atlas.layer(layer_id).spec
        assert "ODbL" in spec.license and "© OpenStreetMap contributors" in spec.attribution
    for feature in atlas.layer("rail_europe").features:
        osm = [d for d in feature.properties["geometry_datasets"] if d["license"] == "ODbL-1.0"]
        assert osm and osm[0]["attribution"] == "© OpenStreetMap contributors"


def _share_inside(zone: Any, district: Any) -> float:
    """Share of the zone's area inside the district, on the ellipsoid (pyproj directly, not the checked module)."""
    geod = Geod(ellps="WGS84")
    return abs(geod.geometry_area_perimeter(zone.intersection(district))[0]) / abs(geod.geometry_area_perimeter(zone)[0])


def _zone_moved_to_share(layers_dir: Path, layer_id: str, zone_id: str, wanted: float) -> float:
    """Move the zone west (bisection on the distance) until ``wanted`` of its area lies in its named districts;
    write it back and return the share reached."""
    data = read_layer(layers_dir, layer_id)
    feature = next(f for f in data["features"] if f["properties"]["id"] == zone_id)
    districts = {f["properties"]["id"]: shape(f["geometry"]) for f in read_layer(layers_dir, "districts")["features"]}
    named = unary_union([districts[name] for name in feature["properties"]["districts"]])
    zone = shape(feature["geometry"])
    near, far = 0.0, 0.5
    for _ in range(40):
        step = (near + far) / 2
        near, far = (step, far) if _share_inside(translate(zone, xoff=-step), named) > wanted else (near, step)
    # Coordinates keep the layers' six decimals.
    moved = shapely.transform(zone, lambda coords: (coords - [near, 0]).round(6))
    feature["geometry"] = mapping(moved)
    write_layer(layers_dir, layer_id, data)
    return _share_inside(moved, named)


@pytest.mark.parametrize("wanted", [0.93, 0.955])
def test_a_zone_a_few_percent_out_of_its_district_is_reported(layers_copy: Path, wanted: float) -> None:
    # Boundaries are simplified to about 40 m, so 97 % inside is required; a zone moved so that only 93 % or 95.5 %
    # of it lies in its district has left it.
    share = _zone_moved_to_share(layers_copy, "development_zones", "changshou-etdz", wanted)
    assert share == pytest.approx(wanted, abs=0.005)
    found = [m for m in messages(layers_copy, "development_zones") if "changshou-etdz" in m]
    assert found and f"only {share:.0%} of its area lies inside changshou-district" in found[0], found


def test_a_zone_almost_wholly_in_its_district_is_accepted(layers_copy: Path) -> None:
    share = _zone_moved_to_share(layers_copy, "development_zones", "changshou-etdz", 0.985)
    assert share == pytest.approx(0.985, abs=0.005)
    assert not [m for m in messages(layers_copy, "development_zones") if "changshou-etdz" in m]


def _railway_km(layers_dir: Path) -> float:
    feature = next(f for f in read_layer(layers_dir, "rail_europe")["features"]
                   if f["properties"]["id"] == "chongqing-xinjiang-europe-railway")
    return Geod(ellps="WGS84").geometry_length(shape(feature["geometry"])) / 1000


@pytest.mark.parametrize("written", [
    lambda km: round(km / 0.8),  # the line is a fifth shorter than documented
    lambda km: {"value": round(km / 0.8), "qualifier": "about"},
    lambda km: {"min": round(km / 0.8) - 200, "max": round(km / 0.8) + 200},  # a range: its middle counts
])
def test_a_documented_length_a_fifth_off_is_reported_in_any_shape(layers_copy: Path, written: Any) -> None:
    km = _railway_km(layers_copy)
    edit(layers_copy, "rail_europe", "chongqing-xinjiang-europe-railway",
         lambda f: f["properties"].update(documented_length_km=written(km)))
    found = [m for m in messages(layers_copy, "rail_europe") if "chongqing-xinjiang-europe-railway" in m]
    assert found and f"documented {round(km / 0.8)} km but the line measures {km:.0f} km" in found[0], found


@pytest.mark.parametrize("written", [
    lambda km: round(km / 0.9),  # a tenth apart: within what tracing on a network gives
    lambda km: {"min": round(km), "max": round(km / 0.8)},  # the range's middle is a tenth off
])
def test_a_documented_length_within_the_tolerance_is_accepted(layers_copy: Path, written: Any) -> None:
    km = _railway_km(layers_copy)
    edit(layers_copy, "rail_europe", "chongqing-xinjiang-europe-railway",
         lambda f: f["properties"].update(documented_length_km=written(km)))
    assert not [m for m in messages(layers_copy, "rail_europe") if "chongqing-xinjiang-europe-railway" in m]
