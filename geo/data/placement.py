"""Checks that need more than one feature: zones and points inside their named districts, route lengths against
documented lengths, and every geometry's provenance stated."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from shapely.ops import unary_union

from geo.data.geodesy import geodesic_area_km2, geodesic_length_km
from geo.data.problems import Problem
from geo.data.registry import LayerSpec
from geo.data.schema import ValidFeature


DISTRICTS_LAYER = "districts"
MIN_SHARE_INSIDE = 0.97  # of a polygon's area inside its named districts (boundaries are simplified to ~40 m)


def figure_value(value: Any) -> float | None:
    """The number of a documented figure in any of its shapes: plain, {"value": …}, or a {"min", "max"} range."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, dict):
        if isinstance(value.get("value"), (int, float)):
            return float(value["value"])
        if isinstance(value.get("min"), (int, float)) and isinstance(value.get("max"), (int, float)):
            return (value["min"] + value["max"]) / 2
    return None


def placement_problems(layers: dict[str, list[ValidFeature]], specs: tuple[LayerSpec, ...]) -> list[Problem]:
    problems: list[Problem] = []
    districts = {f.properties.id: f.geometry for f in layers.get(DISTRICTS_LAYER, [])}
    for spec in specs:
        for feature in layers.get(spec.id, []):
            for field, message in _feature_checks(spec, feature, districts):
                problems.append(Problem(spec.filename, feature.properties.id, field, message))
    return problems


def _feature_checks(spec: LayerSpec, feature: ValidFeature, districts: dict[str, Any]) -> Iterator[tuple[str, str]]:
    props, geom = feature.properties, feature.geometry
    if not props.geometry_datasets:
        yield "geometry_datasets", "say which dataset(s) the geometry comes from (name, version, license)"
    documented = figure_value(getattr(props, "documented_length_km", None))
    if documented is not None and geom.geom_type in ("LineString", "MultiLineString"):
        computed = geodesic_length_km(geom)
        if abs(computed - documented) > spec.length_tolerance * documented:
            yield "documented_length_km", (f"documented {documented:g} km but the line measures {computed:.0f} km "
                                           f"(more than {spec.length_tolerance:.0%} apart)")
    if not spec.in_districts:
        return
    if not props.districts:
        yield "districts", "name the district(s) the feature lies in (ids of the districts layer)"
        return
    if not districts:
        return  # the districts layer itself is missing or invalid; reported there
    unknown = [name for name in props.districts if name not in districts]
    if unknown:
        yield "districts", f"{', '.join(unknown)} not in the districts layer"
        return
    named = unary_union([districts[name] for name in props.districts])
    listed = ", ".join(props.districts)
    if geom.geom_type == "Point":
        if not named.buffer(1e-9).contains(geom):
            inside = [name for name, shape in districts.items() if shape.contains(geom)]
            yield "districts", (f"{props.id} lies outside {listed}"
                                + (f" (it is in {', '.join(inside)})" if inside else ""))
        return
    share = geodesic_area_km2(geom.intersection(named)) / geodesic_area_km2(geom)
    if share < MIN_SHARE_INSIDE:
        yield "districts", (f"{props.id}: only {share:.0%} of its area lies inside {listed} "
                            f"(at least {MIN_SHARE_INSIDE:.0%} required)")
