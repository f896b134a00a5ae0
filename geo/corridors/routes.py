"""Routes between two places of the corridor network: alternatives, ranked and compared.

A route is an ordered list of legs (one leg per corridor used). Each leg carries its geodesic length, transit days
(documented by a source when the leg is the whole corridor and the corridor states them, otherwise estimated from a
speed with the method stated), CO2 per tonne of cargo (an estimate from per-mode factors) and the corridor's
documented traffic figures with their sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from geo.data.figures_read import figure, number_range, sources_for, traffic_figures
from geo.corridors.network import CorridorNetwork, Node, Segment
from geo.data.geodesy import distance_km
from geo.corridors.transport_factors import EMISSION_FACTORS, FALLBACK_SPEEDS

MAX_ALTERNATIVES = 5
# Alternatives longer than this multiple of the shortest are detours, not choices (by sea to Moscow is 3.4 times
# the rail distance and still the comparison people ask for).
MAX_DETOUR = 4.0
# A stop whose way round (origin → stop → destination, great circles) is over this multiple of the direct distance
# takes the cargo away from where it is going: Shanghai by way of Singapore (4.8×) or Laem Chabang (3.4×) is not a
# choice; Duisburg by sea round Singapore (1.9×) or Moscow by way of Rotterdam (1.9×) are.
MAX_STOP_DETOUR = 3.0
# Onward links carry goods between a port and its city: first or last leg only, never in the middle of a route.
END_ONLY_KINDS = frozenset({"reference_rail_link", "reference_road_link"})
# Stops that make two routes different choices even by the same modes (a route through Manzhouli is not one
# through Alashankou); junctions are not.
MAX_SEA_LEGS_IN_A_ROW = 2
DISTINCT_STOP_KINDS = frozenset({"border_crossing", "city_terminal", "sea_port", "river_port"})
# Paths looked at before giving up on finding more distinct alternatives.
MAX_PATHS_EXAMINED = 200
WHOLE_CORRIDOR = 0.95
RANKING = "shortest total distance first"


class UnknownPlace(LookupError):
    def __init__(self, query: str, valid: list[Node]):
        self.query, self.valid = query, valid
        names = ", ".join(f"{node.id} ({node.name_en})" for node in valid)
        problem = f"unknown place {query!r}" if query.strip() else "both 'from' and 'to' places are required"
        super().__init__(f"{problem}; valid places: {names}")


def resolve(network: CorridorNetwork, query: str) -> Node:
    """A named node by id or name (English or Chinese), case-insensitively."""
    wanted = query.strip().casefold()
    named = sorted(network.named_nodes(), key=lambda node: node.name_en)
    for node in named:
        if wanted in (node.id.casefold(), node.name_en.casefold(), (node.name_zh or "").casefold()):
            return node
    # "Brest" for "Brest – Małaszewicze (border crossing)": a unique prefix is enough.
    matches = [node for node in named if node.name_en.casefold().startswith(wanted)] if wanted else []
    if len(matches) == 1:
        return matches[0]
    raise UnknownPlace(query, named)


@dataclass(frozen=True)
class Speed:
    min_km_per_day: float
    max_km_per_day: float
    method: str
    sources: list[dict[str, Any]]


def mode_speeds(network: CorridorNetwork) -> dict[str, Speed]:
    """Per mode: the speed documented transit times imply, else the cited fallback speed."""
    speeds: dict[str, Speed] = {}
    for mode in {segment.mode for segment in network.segments.values()}:
        implied = []
        for feature in network.features_of_mode(mode):
            days = number_range(feature.properties.get("transit_days"))
            length = feature.properties.get("length_km")
            if days and length and days[0] > 0:
                implied.append((length / days[1], length / days[0], feature))
        if implied:
            method = "; ".join(f"{f.properties['name_en']}: {f.properties['length_km']:,.0f} km in documented "
                               f"{_days_text(number_range(f.properties['transit_days']))} days" for *_, f in implied)
            speeds[mode] = Speed(min(s[0] for s in implied), max(s[1] for s in implied),
                                 f"speed implied by documented transit times ({method})",
                                 [src for *_, f in implied for src in sources_for(f, "transit_days")])
        elif mode in FALLBACK_SPEEDS:
            fallback = FALLBACK_SPEEDS[mode]
            speeds[mode] = Speed(fallback.min_km_per_day, fallback.max_km_per_day, fallback.method,
                                 [{"title": c.title, "url": c.url, "detail": c.detail} for c in fallback.citations])
    return speeds


def _days_text(days: tuple[float, float] | None) -> str:
    if days is None:
        return "?"
    return f"{days[0]:g}" if days[0] == days[1] else f"{days[0]:g}–{days[1]:g}"


def _leg_geometry(segments: list[tuple[Segment, bool]]) -> list[list[float]]:
    coords: list[list[float]] = []
    for segment, forward in segments:
        points = [[round(x, 6), round(y, 6)] for x, y, *_ in segment.geometry.coords]
        points = points if forward else points[::-1]
        coords += points[1:] if coords and coords[-1] == points[0] else points
    return coords


def _leg(network: CorridorNetwork, run: list[tuple[Segment, bool]], nodes: list[str],
         speeds: dict[str, Speed]) -> dict[str, Any]:
    feature, mode = run[0][0].feature, run[0][0].mode
    length = sum(segment.length_km for segment, _ in run)
    share = sum(segment.share_of_corridor for segment, _ in run)
    documented = number_range(feature.properties.get("transit_days"))
    if documented and share >= WHOLE_CORRIDOR:
        days = {"min": documented[0], "max": documented[1], "basis": "documented",
                "value_as_written": feature.properties["transit_days"],
                "method": f"transit time documented for {feature.properties['name_en']}",
                "sources": sources_for(feature, "transit_days")}
    elif mode in speeds:
        speed = speeds[mode]
        days = {"min": round(length / speed.max_km_per_day, 1), "max": round(length / speed.min_km_per_day, 1),
                "basis": "estimated", "method": f"{length:,.0f} km at {speed.min_km_per_day:,.0f}–"
                f"{speed.max_km_per_day:,.0f} km/day: {speed.method}", "sources": speed.sources,
                # The parts of the method, for readers in other languages (the speed's own method stays English).
                "speed_km_per_day": [round(speed.min_km_per_day, 1), round(speed.max_km_per_day, 1)],
                "speed_method": speed.method}
    else:
        days = {"min": None, "max": None, "basis": "unknown",
                "method": f"no documented transit time or cited speed for {mode}", "sources": []}
    factor = EMISSION_FACTORS.get(mode)
    co2 = None if factor is None else {
        "min": round(length * factor.min_g_per_tkm / 1000, 1), "max": round(length * factor.max_g_per_tkm / 1000, 1),
        "basis": "estimated", "method": f"{length:,.0f} km × {factor.min_g_per_tkm:g}"
        + ("" if factor.max_g_per_tkm == factor.min_g_per_tkm else f"–{factor.max_g_per_tkm:g}")
        + f" g CO2 per tonne-km ({factor.method})",
        "sources": [{"title": factor.citation.title, "url": factor.citation.url, "detail": factor.citation.detail}]}
    return {
        "corridor_id": feature.id, "corridor_name": feature.properties["name_en"],
        "corridor_name_zh": feature.properties.get("name_zh"), "corridor_name_fa": feature.properties.get("name_fa"),
        "layer": feature.layer_id,
        "kind": feature.properties["kind"], "mode": mode,
        "from": network.nodes[nodes[0]].to_json(), "to": network.nodes[nodes[-1]].to_json(),
        "via": [network.nodes[n].name_en for n in nodes[1:-1] if network.nodes[n].kind != "line_end"],
        "border_crossings": [network.nodes[n].to_json() for n in nodes[1:-1]
                             if network.nodes[n].kind == "border_crossing"],
        "length_km": round(length, 1), "share_of_corridor": round(min(share, 1.0), 3),
        "geometry_quality": feature.properties.get("geometry_quality"),
        "transit_days": days, "co2_kg_per_tonne": co2,
        "traffic": traffic_figures(feature),
        "comparison": [f for f in [figure(feature, "sea_transit_days_for_comparison")] if f],
        "geometry": {"type": "LineString", "coordinates": _leg_geometry(run)},
    }


def _legs(network: CorridorNetwork, path: list[str], speeds: dict[str, Speed]) -> list[dict[str, Any]]:
    """Group consecutive pieces of the same corridor into one leg."""
    legs, run, run_nodes = [], [], []
    for index in range(0, len(path) - 1, 2):
        a, segment_id, b = path[index], path[index + 1], path[index + 2]
        segment = network.segments[segment_id.removeprefix("segment:")]
        if run and run[-1][0].feature.id != segment.feature.id:
            legs.append(_leg(network, run, run_nodes, speeds))
            run, run_nodes = [], []
        run.append((segment, segment.start == a))
        run_nodes = run_nodes or [a]
        run_nodes.append(b)
    if run:
        legs.append(_leg(network, run, run_nodes, speeds))
    return legs


def _sum(legs: list[dict[str, Any]], key: str) -> dict[str, Any]:
    values = [leg[key] for leg in legs]
    known = [v for v in values if v and v["min"] is not None]
    bases = {v["basis"] for v in known}
    if not known:
        return {"min": None, "max": None, "complete": False, "basis": "unknown"}
    return {"min": round(sum(v["min"] for v in known), 1), "max": round(sum(v["max"] for v in known), 1),
            "complete": len(known) == len(values),
            "basis": bases.pop() if len(bases) == 1 else "documented and estimated" if bases else "unknown"}


BORDER_CROSSING_SUFFIX = " (border crossing)"


def _label_parts(legs: list[dict[str, Any]]) -> dict[str, Any]:
    """Modes, then the border crossings passed and the places where goods change mode or ship (as places, so the
    label can be written in any language)."""
    modes: list[str] = []
    for leg in legs:
        if not modes or modes[-1] != leg["mode"]:
            modes.append(leg["mode"])
    stops = []
    for index, leg in enumerate(legs):
        stops += leg["border_crossings"]
        if index < len(legs) - 1:
            changes_mode = legs[index + 1]["mode"] != leg["mode"]
            if changes_mode or leg["to"]["kind"] not in ("junction", "line_end"):
                stops.append(leg["to"])
    stops = [{key: stop[key] for key in ("id", "name_en", "name_zh", "name_fa")} | {
        "name_en": stop["name_en"].removesuffix(BORDER_CROSSING_SUFFIX)} for stop in stops]
    return {"modes": modes, "stops": stops, "distinguished_by": None}


def route_label(parts: dict[str, Any]) -> str:
    """The English label: "rail via Alashankou, Brest – Małaszewicze"."""
    label = " + ".join(parts["modes"]).replace("_", "/")
    if parts["stops"]:
        label += " via " + ", ".join(stop["name_en"] for stop in parts["stops"])
    corridor = parts["distinguished_by"]
    return label + (f" ({corridor['name_en']})" if corridor else "")


def _signature(network: CorridorNetwork, path: list[str]) -> tuple[str, ...]:
    return tuple(node for node in path[2:-1:2] if network.nodes[node].kind in DISTINCT_STOP_KINDS)


def _runs(network: CorridorNetwork, path: list[str]) -> list[list[Segment]]:
    """The path's corridor pieces, grouped by corridor (one group per leg)."""
    runs: list[list[Segment]] = []
    for segment_id in path[1::2]:
        segment = network.segments[segment_id.removeprefix("segment:")]
        if runs and runs[-1][0].feature.id == segment.feature.id:
            runs[-1].append(segment)
        else:
            runs.append([segment])
    return runs


def _zigzags_at_sea(runs: list[list[Segment]]) -> bool:
    """More than one transshipment at sea in a row (port to port to port) is a detour, not a service."""
    in_a_row = 0
    for run in runs:
        in_a_row = in_a_row + 1 if run[0].mode == "sea" else 0
        if in_a_row > MAX_SEA_LEGS_IN_A_ROW:
            return True
    return False


def _strays(network: CorridorNetwork, path: list[str]) -> bool:
    origin, destination = network.nodes[path[0]], network.nodes[path[-1]]
    direct = distance_km(origin.lon, origin.lat, destination.lon, destination.lat)
    return any(distance_km(origin.lon, origin.lat, stop.lon, stop.lat)
               + distance_km(stop.lon, stop.lat, destination.lon, destination.lat) > MAX_STOP_DETOUR * direct
               for stop in (network.nodes[node] for node in path[2:-1:2]) if stop.kind in DISTINCT_STOP_KINDS)


def _path_graph(network: CorridorNetwork, ends: tuple[str, str]) -> nx.Graph:
    """The network as a small graph for path search, each edge holding what a path through it passes (``inner``,
    in path order from its node ``start``): pieces and nodes. A corridor piece is an edge between its ends; pieces
    that run between the same two nodes (parallel corridors) each get a node in their middle, so that each is a
    path of its own (a graph holds one edge per pair of nodes). A node other than ``ends`` on exactly two edges is
    passed through, never turned at, by every path that reaches it: its two edges become one. The paths, their
    order and lengths stay those of the whole network; the search examines fewer nodes."""
    between: dict[frozenset[str], list[Segment]] = {}
    for segment in network.segments.values():
        between.setdefault(frozenset((segment.start, segment.end)), []).append(segment)
    graph = nx.Graph()
    for segment in network.segments.values():
        piece = f"segment:{segment.id}"
        if len(between[frozenset((segment.start, segment.end))]) == 1 and segment.start != segment.end:
            graph.add_edge(segment.start, segment.end, km=segment.length_km, inner=[piece], start=segment.start)
        else:
            graph.add_edge(segment.start, piece, km=segment.length_km / 2, inner=[], start=segment.start)
            graph.add_edge(piece, segment.end, km=segment.length_km / 2, inner=[], start=piece)
    for node in list(graph.nodes):
        if node in network.nodes and node not in ends and graph.degree(node) == 2:
            before, after = graph.neighbors(node)
            if before != after and not graph.has_edge(before, after):
                inner = [*_inner(graph, before, node), node, *_inner(graph, node, after)]
                km = graph.edges[before, node]["km"] + graph.edges[node, after]["km"]
                graph.remove_node(node)
                graph.add_edge(before, after, km=km, inner=inner, start=before)
    return graph


def _inner(graph: nx.Graph, a: str, b: str) -> list[str]:
    edge = graph.edges[a, b]
    return edge["inner"] if edge["start"] == a else edge["inner"][::-1]


def _with_pieces(graph: nx.Graph, nodes: list[str]) -> list[str]:
    """A path through the graph written as node, piece, node, piece, …, node."""
    path = [nodes[0]]
    for a, b in zip(nodes, nodes[1:]):
        path += [*_inner(graph, a, b), b]
    return path


def alternatives(network: CorridorNetwork, origin: Node, destination: Node) -> list[dict[str, Any]]:
    """Distinct routes from origin to destination, shortest first, each with legs and compared figures."""
    if origin.id == destination.id:
        return []
    graph, speeds = _path_graph(network, (origin.id, destination.id)), mode_speeds(network)
    found: list[dict[str, Any]] = []
    seen: set[tuple[tuple[str, str], ...]] = set()
    try:
        paths = nx.shortest_simple_paths(graph, origin.id, destination.id, weight="km")
        for examined, nodes in enumerate(paths):
            path = _with_pieces(graph, nodes)
            if examined >= MAX_PATHS_EXAMINED or len(found) >= MAX_ALTERNATIVES:
                break
            # Cheap checks on the corridor pieces first; legs (with geometry) only for routes kept.
            runs = _runs(network, path)
            km = sum(segment.length_km for run in runs for segment in run)
            if found and km > MAX_DETOUR * found[0]["total_km"]:
                break
            if (any(run[0].feature.properties["kind"] in END_ONLY_KINDS for run in runs[1:-1]) or _zigzags_at_sea(runs)
                    or _strays(network, path)):
                continue
            # The same stops over another parallel line is the same choice for a shipper.
            signature = _signature(network, path)
            if signature in seen:
                continue
            seen.add(signature)
            legs = _legs(network, path, speeds)
            parts = _label_parts(legs)
            found.append({"label": route_label(parts), "label_parts": parts, "legs": legs, "total_km": round(km, 1),
                          "transit_days": _sum(legs, "transit_days"), "co2_kg_per_tonne": _sum(legs, "co2_kg_per_tonne"),
                          "corridors": [leg["corridor_id"] for leg in legs]})
    except nx.NetworkXNoPath:
        pass
    _attach_comparisons(found)
    _distinguish_labels(found)
    for rank, route in enumerate(found, start=1):
        route["rank"] = rank
        route["id"] = f"{origin.id}--{destination.id}--{rank}"
    return found


def _distinguish_labels(routes: list[dict[str, Any]]) -> None:
    """Two routes with the same modes and stops (Suez and Cape) are told apart by the corridor that differs."""
    distinct = {}
    for route in routes:
        twins = [other for other in routes if other is not route and other["label"] == route["label"]]
        if twins:
            others = {corridor for twin in twins for corridor in twin["corridors"]}
            differing = [leg for leg in route["legs"] if leg["corridor_id"] not in others]
            if differing:
                leg = differing[0]
                distinct[id(route)] = {
                    "id": leg["corridor_id"], "name_en": leg["corridor_name"], "name_zh": leg["corridor_name_zh"],
                    "name_fa": leg["corridor_name_fa"]}
    for route in routes:
        corridor = distinct.get(id(route))
        if corridor:
            route["label_parts"]["distinguished_by"] = corridor
            route["label"] = route_label(route["label_parts"])


def _attach_comparisons(routes: list[dict[str, Any]]) -> None:
    """A by-sea transit time a source gives against a corridor is shown with the sea alternatives it compares to."""
    for route in routes:
        for leg in route["legs"]:
            for comparison in leg["comparison"]:
                if leg["share_of_corridor"] < WHOLE_CORRIDOR:
                    continue
                for other in routes:
                    if other is not route and any(other_leg["mode"] == "sea" for other_leg in other["legs"]):
                        other.setdefault("documented_comparisons", []).append(
                            {**comparison, "compared_with": leg["corridor_name"]})
