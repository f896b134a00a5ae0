"""A traced route as legs: the part between two waypoints, and whether a network carried it or it was drawn.

The routing of each kind of leg (``routing`` for rail and road, ``river``, ``sea``) builds on these; none of them
imports another's routing, so they stand in a row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from geo.data.geodesy import WGS84, distance_km
from geo.derive.inputs import Route, Waypoint


@dataclass
class Leg:
    start: Waypoint
    end: Waypoint
    coords: list[tuple[float, float]]
    traced_on: str | None  # dataset name, or None where drawn
    note: str = ""

    @property
    def km(self) -> float:
        return float(WGS84.line_length([c[0] for c in self.coords], [c[1] for c in self.coords]) / 1000)


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
    npts = max(int(distance_km(start.lon, start.lat, end.lon, end.lat) // 25), 0)
    middle = WGS84.npts(start.lon, start.lat, end.lon, end.lat, npts) if npts else []
    return Leg(start, end, [(start.lon, start.lat), *middle, (end.lon, end.lat)], None, note)
