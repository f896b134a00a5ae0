"""Geodesic enrichment checked against independently known values."""

from __future__ import annotations

import math

import pytest
from shapely.geometry import LineString, MultiLineString, Polygon

from geo.data.atlas import Atlas
from geo.data.geodesy import distance_km, geodesic_area_km2, geodesic_length_km, segment_lengths_km

WGS84_A = 6378137.0
WGS84_F = 1 / 298.257223563


def dms(degrees: int, minutes: int, seconds: float) -> float:
    sign = -1 if degrees < 0 else 1
    return sign * (abs(degrees) + minutes / 60 + seconds / 3600)


# Vincenty (1975) worked example, Flinders Peak to Buninyong: 54,972.271 m on the WGS 84-like ellipsoid.
FLINDERS = (dms(144, 25, 29.52440), dms(-37, 57, 3.72030))
BUNINYONG = (dms(143, 55, 35.38390), dms(-37, 39, 10.15610))


def test_length_matches_vincenty_published_test_line() -> None:
    assert geodesic_length_km(LineString([FLINDERS, BUNINYONG])) == pytest.approx(54.972271, abs=0.001)
    assert distance_km(*FLINDERS, *BUNINYONG) == pytest.approx(54.972271, abs=0.001)


def test_length_of_one_degree_along_the_equator() -> None:
    # An equatorial arc is a circle of radius a: 1° = a·π/180.
    assert geodesic_length_km(LineString([(10, 0), (11, 0)])) == pytest.approx(WGS84_A * math.pi / 180 / 1000, rel=1e-9)


def test_segment_lengths_of_every_part_of_a_line() -> None:
    # Along the equator a degree of longitude is a·π/180; every segment of every part is listed, in order.
    degree = WGS84_A * math.pi / 180 / 1000
    two_parts = MultiLineString([[(10, 0), (11, 0), (13, 0)], [(20, 0), (20.5, 0)]])
    assert segment_lengths_km(two_parts) == pytest.approx([degree, 2 * degree, degree / 2], rel=1e-9)
    assert segment_lengths_km(LineString([(10, 0), (12, 0)])) == pytest.approx([2 * degree], rel=1e-9)


def band_area_km2(lat_deg: float, dlon_deg: float) -> float:
    """Closed-form ellipsoidal area between the equator and ``lat_deg`` over ``dlon_deg`` of longitude."""
    e2 = WGS84_F * (2 - WGS84_F)
    e = math.sqrt(e2)
    b = WGS84_A * (1 - WGS84_F)
    s = math.sin(math.radians(lat_deg))
    q = s / (1 - e2 * s * s) + math.log((1 + e * s) / (1 - e * s)) / (2 * e)
    return math.radians(dlon_deg) * b * b * q / 2 / 1e6


def test_area_matches_closed_form_ellipsoid_band() -> None:
    # Densified so the northern edge follows the parallel, as the closed form assumes.
    cell = Polygon([(106, 0), (107, 0), (107, 1), (106, 1), (106, 0)]).segmentize(0.001)
    assert geodesic_area_km2(cell) == pytest.approx(band_area_km2(1, 1), rel=1e-6)


def test_enriched_features_carry_geodesic_figures(atlas: Atlas) -> None:
    for feature in atlas.features():
        kind = feature.geometry.geom_type
        if kind in ("Polygon", "MultiPolygon"):
            assert feature.properties["area_km2"] == pytest.approx(geodesic_area_km2(feature.geometry), abs=0.01)
        elif kind in ("LineString", "MultiLineString"):
            assert feature.properties["length_km"] == pytest.approx(geodesic_length_km(feature.geometry), abs=0.1)
        else:
            assert "area_km2" not in feature.properties and "length_km" not in feature.properties
