"""Route corridors on their reference networks: railways, shipping lanes, the Yangtze."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import networkx as nx
import numpy as np
import shapely
from pyproj import Geod
from shapely import STRtree
from shapely.geometry import LineString, Point

from geo import reference
from geo.derive.inputs import Route, Waypoint

GEOD = Geod(ellps="WGS84")
MAX_SNAP_KM = 15.0
# A rail or road leg longer than this multiple of the straight distance is a network detour, not the route.
MAX_DETOUR = 1.6


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2] / 1000


@dataclass
class Leg:
    start: Waypoint
    end: Waypoint
    coords: list[tuple[float, float]]
    traced_on: str | None  # dataset name, or None where drawn
    note: str = ""

    @property
    def km(self) -> float:
        return float(GEOD.line_length([c[0] for c in self.coords], [c[1] for c in self.coords]) / 1000)


@dataclass
class RouteResult:
    route: Route
    legs: list[Leg] = field(default_factory=list)

    def coords(self) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for leg in self.legs:
            out += leg.coords if not out else leg.coords[1:] if leg.coords[0] == out[-1] else leg.coords
        return out

    @property
    def km(self) -> float:
        return sum(leg.km for leg in self.legs)

    def drawn_km(self) -> float:
        return sum(leg.km for leg in self.legs if leg.traced_on is None)


def geodesic_leg(start: Waypoint, end: Waypoint, note: str) -> Leg:
    """A line along the geodesic, with a vertex every ~25 km so it stays a curve on any projection."""
    npts = max(int(km_between((start.lon, start.lat), (end.lon, end.lat)) // 25), 0)
    middle = GEOD.npts(start.lon, start.lat, end.lon, end.lat, npts) if npts else []
    return Leg(start, end, [(start.lon, start.lat), *middle, (end.lon, end.lat)], None, note)


# --- rail and road ------------------------------------------------------------------------------------------

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
    return node, km_between((point.lon, point.lat), (lon, lat))


def land_leg(start: Waypoint, end: Waypoint, via: str) -> Leg:
    """The shortest path on the railway (or road) graph; drawn, and said so, where the graph cannot carry it."""
    land = _land_network(via)
    (a, snap_a), (b, snap_b) = _snap(land, start), _snap(land, end)
    straight = km_between((start.lon, start.lat), (end.lon, end.lat))
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
    from geo.derive.river import river_legs
    from geo.derive.sea import sea_leg

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
    lengths = GEOD.line_lengths(coords[:, 0], coords[:, 1])
    points = shapely.points(mids)
    nearest = network_lines.query_nearest(points, return_distance=False, all_matches=False)
    geoms = network_lines.geometries[nearest[1]]
    near_pts = shapely.shortest_line(points, geoms)
    ends = shapely.get_coordinates(near_pts).reshape(-1, 2, 2)
    dist = GEOD.inv(ends[:, 0, 0], ends[:, 0, 1], ends[:, 1, 0], ends[:, 1, 1])[2] / 1000
    return float(np.sum(np.asarray(lengths)[dist <= tolerance_km]) / np.sum(lengths))
