"""Geodesic measures on the WGS 84 ellipsoid (pyproj), never planar degrees."""

from __future__ import annotations

from collections.abc import Iterator

from pyproj import Geod
from shapely.geometry.base import BaseGeometry

WGS84 = Geod(ellps="WGS84")


def distance_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """The geodesic distance between two points (the one distance helper: network, routing and checks use it)."""
    return WGS84.inv(lon1, lat1, lon2, lat2)[2] / 1e3


def geodesic_area_km2(geom: BaseGeometry) -> float:
    area_m2, _perimeter = WGS84.geometry_area_perimeter(geom)
    return abs(area_m2) / 1e6


def geodesic_length_km(geom: BaseGeometry) -> float:
    return WGS84.geometry_length(geom) / 1e3


def _lines(geom: BaseGeometry) -> Iterator[BaseGeometry]:
    if geom.geom_type == "LineString":
        yield geom
    elif geom.geom_type == "MultiLineString":
        yield from geom.geoms


def segment_lengths_km(geom: BaseGeometry) -> list[float]:
    """Length of every straight segment of a (multi)line, in km."""
    lengths: list[float] = []
    for line in _lines(geom):
        lons, lats = zip(*((x, y) for x, y, *_ in line.coords))
        lengths += [metres / 1e3 for metres in WGS84.line_lengths(lons, lats)]
    return lengths
