"""The Yangtze on the river: World Data Bank II centrelines, and the centreline of the water body where it is wide.

Below Wuhan World Data Bank II draws the Yangtze as a closed outline of both banks, and below Jiangyin the estuary
is open water in GSHHS. There the line follows a skeleton of the water polygon (edges of the Voronoi diagram of its
densified banks that lie inside the water). Short gaps between these pieces are bridged straight and labelled.
"""

from __future__ import annotations

from functools import cache

import networkx as nx
import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry import LineString, MultiPoint, Point, Polygon, box
from shapely.ops import unary_union

from geo.derive import reference
from geo.derive.inputs import Waypoint
from geo.data.geodesy import WGS84
from geo.derive.legs import Leg

YANGTZE_BBOX = (105.5, 28.0, 122.6, 33.0)
ESTUARY_BBOX = (119.9, 30.7, 122.4, 32.2)
BRIDGE_DEG = 0.25  # longest gap bridged between two pieces of the reference data (~25 km)
BRIDGE_PENALTY = 5.0


def _key(x: float, y: float) -> tuple[float, float]:
    return (round(float(x), 5), round(float(y), 5))


def _add_line(graph: nx.Graph, coords: np.ndarray, kind: str) -> None:
    keys = [_key(x, y) for x, y in coords]
    lengths = WGS84.line_lengths([k[0] for k in keys], [k[1] for k in keys])
    for a, b, metres in zip(keys, keys[1:], lengths):
        if a != b:
            graph.add_edge(a, b, km=metres / 1000, kind=kind)


def water_polygons() -> list[Polygon]:
    """Wide reaches: GSHHS lakes-level polygons along the lower Yangtze, and the estuary's open water."""
    shapes = reference.shorelines(YANGTZE_BBOX)
    lower = box(114.0, 28.5, 122.4, 32.8)
    wide = [poly for level, poly in shapes if level == 2 and poly.intersects(lower) and poly.area < 1.0]
    land = unary_union([shapely.clip_by_rect(poly, *ESTUARY_BBOX) for level, poly in shapes
                        if level == 1 and poly.intersects(box(*ESTUARY_BBOX))])
    estuary = box(*ESTUARY_BBOX).difference(land)
    pieces = list(getattr(estuary, "geoms", [estuary]))
    return wide + [max(pieces, key=lambda p: p.area)]


def _skeleton(polygon: Polygon, graph: nx.Graph) -> None:
    """Voronoi edges of the densified banks that lie inside the water: the water body's centre lines."""
    boundary = polygon.boundary.segmentize(0.004)
    points = MultiPoint(shapely.get_coordinates(boundary))
    edges = shapely.voronoi_polygons(points, only_edges=True)
    lines = np.array(list(getattr(edges, "geoms", [edges])), dtype=object)
    shapely.prepare(polygon)  # tens of thousands of edges tested against one polygon: ~100 times faster prepared
    lines = lines[shapely.contains_properly(polygon, lines)]
    starts = np.round(shapely.get_coordinates(shapely.get_point(lines, 0)), 5)
    ends = np.round(shapely.get_coordinates(shapely.get_point(lines, -1)), 5)
    metres = WGS84.inv(starts[:, 0], starts[:, 1], ends[:, 0], ends[:, 1])[2]
    graph.add_edges_from(
        ((float(a[0]), float(a[1])), (float(b[0]), float(b[1])), {"km": m / 1000, "kind": "water_centreline"})
        for a, b, m in zip(starts, ends, metres) if (a != b).any()
    )


@cache
def river_graph() -> nx.Graph:
    graph = nx.Graph()
    for line in reference.rivers(YANGTZE_BBOX):
        if line.coords[0] != line.coords[-1]:  # closed outlines are banks of a wide reach, handled as water
            _add_line(graph, np.asarray(line.coords), "centreline")
    for polygon in water_polygons():
        _skeleton(polygon, graph)
    _bridge(graph)
    return graph


def _bridge(graph: nx.Graph) -> None:
    """Join each dead end to the nearest node of every other piece within ``BRIDGE_DEG`` (penalised, labelled)."""
    components = [np.array(list(nodes)) for nodes in nx.connected_components(graph)]
    ends = np.array([node for node in graph.nodes if graph.degree(node) == 1])
    end_points = shapely.points(ends)
    component_of = {tuple(node): index for index, nodes in enumerate(components) for node in map(tuple, nodes)}
    own = np.array([component_of[tuple(end)] for end in ends])
    for index, nodes in enumerate(components):
        tree = STRtree(shapely.points(nodes))
        (which, nearest), _ = tree.query_nearest(end_points, max_distance=BRIDGE_DEG, return_distance=True,
                                                 all_matches=False)
        for end_index, node_index in zip(which, nearest):
            if own[end_index] == index:
                continue
            a, b = tuple(float(v) for v in ends[end_index]), tuple(float(v) for v in nodes[node_index])
            if not graph.has_edge(a, b):
                km = WGS84.inv(a[0], a[1], b[0], b[1])[2] / 1000
                graph.add_edge(a, b, km=km * BRIDGE_PENALTY, real_km=km, kind="bridge")


@cache
def _node_index() -> tuple[list[tuple[float, float]], STRtree]:
    nodes = [n for n in river_graph().nodes]
    return nodes, STRtree(shapely.points(np.array(nodes)))


def _snap(point: Waypoint) -> tuple[float, float]:
    nodes, tree = _node_index()
    return nodes[int(tree.nearest(Point(point.lon, point.lat)))]


_UNSET = "unset"


def river_legs(waypoints: list[Waypoint]) -> list[Leg]:
    graph = river_graph()
    legs = []
    for start, end in zip(waypoints, waypoints[1:]):
        path = nx.shortest_path(graph, _snap(start), _snap(end), weight="km")
        # Split the leg where it changes between traced and bridged pieces, so each piece is labelled.
        current: list[tuple[float, float]] = [path[0]]
        current_kind: str | None = _UNSET
        for a, b in zip(path, path[1:]):
            kind = graph.edges[a, b]["kind"]
            traced = None if kind == "bridge" else reference.rivers_dataset().name if kind == "centreline" \
                else reference.shorelines_dataset().name
            if current_kind is not _UNSET and traced != current_kind:
                legs.append(Leg(start, end, current, current_kind, "" if current_kind else
                                f"gap in the reference data near {start.name}–{end.name}, bridged straight"))
                current = [a]
            current_kind = traced
            current.append(b)
        legs.append(Leg(start, end, current, current_kind, "" if current_kind else
                        f"gap in the reference data near {start.name}–{end.name}, bridged straight"))
    return legs


def centreline_reference() -> list[LineString]:
    """Every line the Yangtze may follow: centrelines and water-body skeleton edges (for checks)."""
    graph = river_graph()
    return [LineString([a, b]) for a, b, kind in graph.edges(data="kind") if kind != "bridge"]
