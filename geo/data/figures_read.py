"""Reading documented figures off corridor features, whatever shape they are written in.

A figure is a plain number, ``{"value", "qualifier", "as_of"}``, ``{"min", "max"}`` or ``{"series": {year: n}}``.
"""

from __future__ import annotations

from typing import Any

from geo.data.atlas import AtlasFeature
from geo.data.schema import DOCUMENTED_FIGURES

# Figures that describe traffic on a corridor, shown with every route using it.
TRAFFIC_FIGURES = ("trips_total", "teu_total", "cargo_value_total_bn_cny", "trips_by_year", "teu_by_year",
                   "ports_connected", "countries_regions_connected")


def number_range(value: Any) -> tuple[float, float] | None:
    """(min, max) of a number, qualified value or range; None for series or anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value), float(value)
    if isinstance(value, dict):
        if isinstance(value.get("value"), int | float):
            return float(value["value"]), float(value["value"])
        if isinstance(value.get("min"), int | float) and isinstance(value.get("max"), int | float):
            return float(value["min"]), float(value["max"])
    return None


def sources_for(feature: AtlasFeature, name: str) -> list[dict[str, Any]]:
    """The feature's sources that back property ``name``."""
    return [{"title": s["title"], "url": s["url"], "report_ref": s.get("report_ref")}
            for s in feature.properties.get("sources") or [] if name in (s.get("supports") or [])]


def figure(feature: AtlasFeature, name: str) -> dict[str, Any] | None:
    """One documented figure with its label, unit, value as written, as-of date and sources; None if absent."""
    value = feature.properties.get(name)
    if value is None:
        return None
    label, unit = DOCUMENTED_FIGURES.get(name, (name.replace("_", " ").capitalize(), ""))
    as_of = value.get("as_of") if isinstance(value, dict) else None
    return {"name": name, "label": label, "unit": unit, "value": value,
            "as_of": as_of or feature.properties.get("figures_as_of"), "sources": sources_for(feature, name)}


def traffic_figures(feature: AtlasFeature) -> list[dict[str, Any]]:
    names = list(TRAFFIC_FIGURES) + [n for n in feature.properties if n.endswith("_by_year") and n not in TRAFFIC_FIGURES]
    return [f for f in (figure(feature, name) for name in names) if f is not None]
