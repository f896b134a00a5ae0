"""Route corridors on their reference networks: railways, shipping lanes, the Yangtze."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import networkx as nx
import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry import LineString, Point

from geo.derive import reference
from geo.data.geodesy import WGS84, distance_km
from geo.derive.inputs import Route, Waypoint
from geo.derive.legs import Leg, RouteResult, geodesic_leg
from geo.derive.river import river_legs
from geo.derive.sea import sea_leg

# --- rail and road ------------------------------------------------------------------------------------------

# A waypoint farther than this from every node of the network is drawn to, not routed (the note says so).
MAX_SNAP_KM = 15.0
# A rail or road leg longer than this multiple of the straight distance is a network detour, not the route.
MAX_DETOUR = 1.6

@dataclass(frozen=True)
class LandNetwork:
    what: str  # "railway" or "road", for notes
    network: reference.Network
    index: STRtree
    dataset_name: str


@cache
def _land_network(via: str) -> LandNetwork:
    if via == "rail":
        network, dataset = reference.railways(), reference.railways_dataset()
    else:
        network, dataset = reference.highways(), reference.highways_dataset()
    return LandNetwork("railway" if via == "rail" else "road", network, STRtree(shapely.points(network.lonlat)),
                       dataset.name)


def _snap(land: LandNetwork, point: Waypoint) -> tuple[int, float]:
    node = int(land.index.nearest(Point(point.lon, point.lat)))
    lon, lat = land.network.lonlat[node]
    return node, distance_km(point.lon, point.lat, lon, lat)


def land_leg(start: Waypoint, end: Waypoint, via: str) -> Leg:
    """The shortest path on the railway (or road) graph; drawn, and said so, where the graph cannot carry it."""
    land = _land_network(via)
    (a, snap_a), (b, snap_b) = _snap(land, start), _snap(land, end)
    straight = distance_km(start.lon, start.lat, end.lon, end.lat)
    if max(snap_a, snap_b) > MAX_SNAP_KM:
        return geodesic_leg(start, end, f"{start.name}–{end.name}: no {land.what} within {MAX_SNAP_KM:g} km, drawn")
    try:
        nodes = nx.shortest_path(land.network.graph, a, b, weight="km")
    except nx.NetworkXNoPath:
        return geodesic_leg(start, end, f"{start.name}–{end.name}: not connected in the {land.what} graph, drawn")
    path_km = nx.path_weight(land.network.graph, nodes, weight="km")
    if straight > 20 and path_km > MAX_DETOUR * straight:
        return geodesic_leg(start, end, f"{start.name}–{end.name}: the {land.what} graph only connects them by a "
                                        f"{path_km:.0f} km detour, drawn")
    coords = [tuple(land.network.lonlat[n]) for n in nodes]
    return Leg(start, end, coords, land.dataset_name)


def route(spec: Route) -> RouteResult:
    result = RouteResult(spec)
    if any(w.via == "river" for w in spec.waypoints[1:]):
        result.legs = river_legs(spec.waypoints)
        return result
    for start, end in zip(spec.waypoints, spec.waypoints[1:]):
        if end.via in ("rail", "road"):
            result.legs.append(land_leg(start, end, end.via))
        elif end.via == "sea":
            result.legs.append(sea_leg(start, end))
        else:
            result.legs.append(geodesic_leg(start, end, f"{start.name}–{end.name}: {end.via}, drawn through "
                                                        "its waypoints (no network used)"))
    _pin_terminals(result)
    return result


def _pin_terminals(result: RouteResult) -> None:
    """The line starts and ends exactly at its terminals, even where the network's nearest node is a little off."""
    first, last = result.route.waypoints[0], result.route.waypoints[-1]
    if result.legs[0].coords[0] != (first.lon, first.lat):
        result.legs[0].coords.insert(0, (first.lon, first.lat))
    if result.legs[-1].coords[-1] != (last.lon, last.lat):
        result.legs[-1].coords.append((last.lon, last.lat))


def on_network_share(line: LineString, network_lines: STRtree, tolerance_km: float) -> float:
    """Share of the line's length within ``tolerance_km`` of the network (checked every ~1 km)."""
    dense = line.segmentize(0.01)
    coords = np.asarray(dense.coords)
    mids = (coords[:-1] + coords[1:]) / 2
    lengths = WGS84.line_lengths(coords[:, 0], coords[:, 1])
    points = shapely.points(mids)
    nearest = network_lines.query_nearest(points, return_distance=False, all_matches=False)
    geoms = network_lines.geometries[nearest[1]]
    near_pts = shapely.shortest_line(points, geoms)
    ends = shapely.get_coordinates(near_pts).reshape(-1, 2, 2)
    dist = WGS84.inv(ends[:, 0, 0], ends[:, 0, 1], ends[:, 1, 0], ends[:, 1, 1])[2] / 1000
    return float(np.sum(np.asarray(lengths)[dist <= tolerance_km]) / np.sum(lengths))
