"""Coordinate reference systems offered by OGC API – Features Part 2: output in, and bboxes/filters given in, a CRS.

Layers are stored in CRS84 (WGS 84 longitude/latitude). EPSG:4326 is the same datum with the axis order its
authority defines (latitude first); EPSG:3857 is Web Mercator in metres. pyproj does every conversion.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import box, mapping
from shapely.geometry.base import BaseGeometry

from geo.data.errors import BadRequest

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
EPSG_3857 = "http://www.opengis.net/def/crs/EPSG/0/3857"
STORAGE_CRS = CRS84

# URI -> (pyproj definition, decimals kept in output: ~0.1 m in degrees, 1 cm in metres)
_SUPPORTED: dict[str, tuple[str, int]] = {
    CRS84: ("OGC:CRS84", 6),
    EPSG_4326: ("EPSG:4326", 6),
    EPSG_3857: ("EPSG:3857", 2),
}
SUPPORTED_CRS: tuple[str, ...] = tuple(_SUPPORTED)


@dataclass(frozen=True)
class OutputCrs:
    uri: str

    @property
    def is_storage(self) -> bool:
        return self.uri == STORAGE_CRS


def parse_crs(value: str | None, parameter: str) -> OutputCrs:
    """A CRS URI from the supported list (also in its ``[EPSG:4326]`` safe-CURIE form); 400 otherwise."""
    if value is None or value == "":
        return OutputCrs(CRS84)
    uri = _from_curie(value.strip())
    if uri not in _SUPPORTED:
        raise BadRequest(f"{parameter} {value!r} is not supported; use one of: {', '.join(SUPPORTED_CRS)}")
    return OutputCrs(uri)


def _from_curie(value: str) -> str:
    if value.startswith("[") and value.endswith("]"):
        authority, _, code = value[1:-1].partition(":")
        if authority.upper() == "OGC" and code.upper() == "CRS84":
            return CRS84
        if authority.upper() == "EPSG":
            return f"http://www.opengis.net/def/crs/EPSG/0/{code}"
    return value


@cache
def _transformer(source: str, target: str) -> Transformer:
    # Authority axis order on both sides: CRS84 is lon/lat, EPSG:4326 lat/lon, EPSG:3857 easting/northing.
    return Transformer.from_crs(CRS.from_user_input(_SUPPORTED[source][0]),
                                CRS.from_user_input(_SUPPORTED[target][0]))


def _convert(geometry: BaseGeometry, source: str, target: str) -> BaseGeometry:
    if source == target:
        return geometry
    transformer = _transformer(source, target)

    def apply(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, apply)


def to_crs(geometry: BaseGeometry, crs: OutputCrs) -> BaseGeometry:
    """A stored (CRS84) geometry in ``crs``."""
    return _convert(geometry, STORAGE_CRS, crs.uri)


def from_crs(geometry: BaseGeometry, crs: OutputCrs) -> BaseGeometry:
    """A geometry given in ``crs`` (e.g. a filter literal) in CRS84."""
    return _convert(geometry, crs.uri, STORAGE_CRS)


def geojson_in(geometry: BaseGeometry, stored: dict[str, Any], crs: OutputCrs) -> dict[str, Any]:
    """The GeoJSON geometry object of a feature in ``crs``; the stored object itself for CRS84."""
    if crs.is_storage:
        return stored
    decimals = _SUPPORTED[crs.uri][1]
    return mapping(shapely.set_precision(to_crs(geometry, crs), 10 ** -decimals))


def bbox_to_storage(values: tuple[float, ...], crs: OutputCrs) -> tuple[float, float, float, float]:
    """A ``bbox`` given in ``bbox-crs`` (axis order of that CRS) as CRS84 minx, miny, maxx, maxy."""
    minx, miny, maxx, maxy = values
    if crs.is_storage:
        # minx > maxx is a box across the antimeridian (OGC API - Features 7.15.3); miny > maxy was refused.
        return minx, miny, maxx, maxy
    if minx > maxx or miny > maxy:
        raise BadRequest("bbox minimum must not exceed maximum in each axis")
    # Densified, so a box in Web Mercator maps to the lon/lat box that encloses it.
    outline = from_crs(box(minx, miny, maxx, maxy).segmentize(max(maxx - minx, maxy - miny) / 16 or 1), crs)
    return tuple(float(v) for v in outline.bounds)  # type: ignore[return-value]
