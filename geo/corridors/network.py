"""The corridor network, built from the atlas's own corridor lines every time the atlas is loaded.

Nodes are line ends and named places the lines pass (terminals, ports, border crossings, junctions); edges are the
pieces of each corridor line between consecutive nodes, with the corridor's mode and the piece's geodesic length.
Nothing here holds coordinates of its own: re-traced lines are picked up as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring

from geo.data.atlas import Atlas, AtlasFeature
from geo.data.geodesy import distance_km, geodesic_length_km
from geo.corridors.places import END_MATCH_KM, ON_LINE_KM, PLACES, Place

# Corridor kind -> transport mode. Line features of other kinds are not part of the network.
KIND_MODES: dict[str, str] = {
    "rail_route": "rail",
    "rail_channel": "rail",
    "cross_border_rail": "rail",
    "cross_border_rail_road": "rail_road",
    "rail_sea_train": "rail",  # the rail leg only: the barge leg is not drawn
    "inland_waterway": "river",
    "sea_leg": "sea",
    "reference_sea_route": "sea",
    "reference_rail_link": "rail",
    "reference_road_link": "road",
}

# Unnamed line ends closer than this are one node.
SNAP_KM = 15.0
# Pieces shorter than this at a line's very start or end are not split off.
MIN_PIECE_KM = 5.0


@dataclass(frozen=True)
class Node:
    id: str
    name_en: str
    name_zh: str | None
    kind: str  # a place kind, or "line_end" for an unnamed end
    lon: float
    lat: float
    country: str | None = None
    name_fa: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name_en": self.name_en, "name_zh": self.name_zh, "name_fa": self.name_fa,
                "kind": self.kind,
                "country": self.country, "coordinates": [round(self.lon, 6), round(self.lat, 6)]}


@dataclass(frozen=True)
class Segment:
    id: str
    feature: AtlasFeature
    mode: str
    start: str  # node id at the geometry's first coordinate
    end: str
    geometry: LineString
    length_km: float
    share_of_corridor: float  # of the corridor feature's whole geodesic length


@dataclass
class CorridorNetwork:
    nodes: dict[str, Node] = field(default_factory=dict)
    segments: dict[str, Segment] = field(default_factory=dict)
    graph: nx.MultiGraph = field(default_factory=nx.MultiGraph)

    def features_of_mode(self, mode: str) -> list[AtlasFeature]:
        seen: dict[str, AtlasFeature] = {}
        for segment in self.segments.values():
            if segment.mode == mode:
                seen.setdefault(segment.feature.id, segment.feature)
        return list(seen.values())

    def named_nodes(self) -> list[Node]:
        return [node for node in self.nodes.values() if node.kind != "line_end"]


def _parts(geom: BaseGeometry) -> list[LineString]:
    if geom.geom_type == "LineString":
        return [geom]
    if geom.geom_type == "MultiLineString":
        return list(geom.geoms)
    return []


class _NodeFinder:
    def __init__(self, places: tuple[Place, ...]):
        self.places = places
        self.nodes: dict[str, Node] = {}

    def _place_node(self, place: Place, lon: float, lat: float) -> Node:
        # The first time a place is met, its node takes the position found on the layers.
        if place.id not in self.nodes:
            self.nodes[place.id] = Node(place.id, place.name_en, place.name_zh, place.kind, lon, lat, place.country,
                                        place.name_fa)
        return self.nodes[place.id]

    def at_line_end(self, lon: float, lat: float) -> Node:
        nearest = min(self.places, key=lambda p: distance_km(lon, lat, p.lon, p.lat), default=None)
        if nearest is not None and distance_km(lon, lat, nearest.lon, nearest.lat) <= END_MATCH_KM:
            return self._place_node(nearest, lon, lat)
        for node in self.nodes.values():
            if distance_km(lon, lat, node.lon, node.lat) <= SNAP_KM:
                return node
        node_id = f"end-{lon:.2f}-{lat:.2f}".replace(".", "_").replace("--", "-m")
        label = f"{abs(lat):.2f}°{'N' if lat >= 0 else 'S'} {abs(lon):.2f}°{'E' if lon >= 0 else 'W'}"
        self.nodes[node_id] = Node(node_id, label, None, "line_end", lon, lat)
        return self.nodes[node_id]

    def stops_on(self, line: LineString, line_km: float) -> list[tuple[float, Node]]:
        """Places (and other lines' ends) the line passes, as (fraction along the line, node)."""
        stops = []
        candidates = [(p, p.lon, p.lat) for p in self.places] + [
            (n, n.lon, n.lat) for n in self.nodes.values() if n.kind == "line_end"]
        for item, lon, lat in candidates:
            point = Point(lon, lat)
            if line.distance(point) > 1.0:  # degrees: a cheap filter before the geodesic check
                continue
            fraction = line.project(point, normalized=True)
            on_line = line.interpolate(fraction, normalized=True)
            if distance_km(lon, lat, on_line.x, on_line.y) > ON_LINE_KM:
                continue
            if min(fraction, 1 - fraction) * line_km < MIN_PIECE_KM:
                continue  # that is the line's own end
            node = self._place_node(item, on_line.x, on_line.y) if isinstance(item, Place) else item
            stops.append((fraction, node))
        return stops


def build_network(atlas: Atlas, places: tuple[Place, ...] = PLACES) -> CorridorNetwork:
    """Split every corridor line at the nodes it meets and join the pieces into one graph."""
    lines = [(feature, KIND_MODES[feature.properties["kind"]], part_index, part)
             for feature in atlas.features() if feature.properties.get("kind") in KIND_MODES
             for part_index, part in enumerate(_parts(feature.geometry))]
    finder = _NodeFinder(places)
    ends = {}
    # Ends first, so that a line passing another line's end is split there.
    for feature, _mode, part_index, part in lines:
        first, last = part.coords[0], part.coords[-1]
        ends[feature.id, part_index] = (finder.at_line_end(first[0], first[1]), finder.at_line_end(last[0], last[1]))

    network = CorridorNetwork()
    for feature, mode, part_index, part in lines:
        feature_km = geodesic_length_km(feature.geometry)
        part_km = geodesic_length_km(part)
        start, end = ends[feature.id, part_index]
        stops = sorted([(0.0, start), *finder.stops_on(part, part_km), (1.0, end)], key=lambda stop: stop[0])
        # A place met twice in a row (it lies near two consecutive points) is one stop.
        deduped = [stops[0]] + [stop for prev, stop in zip(stops, stops[1:]) if stop[1].id != prev[1].id]
        for index, ((t0, a), (t1, b)) in enumerate(zip(deduped, deduped[1:])):
            piece = substring(part, t0, t1, normalized=True)
            if piece.geom_type != "LineString" or piece.length == 0:
                continue
            length = geodesic_length_km(piece)
            segment = Segment(f"{feature.id}#{part_index}.{index}", feature, mode, a.id, b.id, piece, length,
                              length / feature_km if feature_km else 0.0)
            network.segments[segment.id] = segment
            network.graph.add_edge(a.id, b.id, key=segment.id, km=length, mode=mode)
    network.nodes = {node_id: node for node_id, node in finder.nodes.items() if node_id in network.graph}
    return network
