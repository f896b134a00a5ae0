"""A feature's facts as its page shows them, in one language: names, kind, year, every figure with unit, date and
sources, series, how the geometry was made, the districts it lies in. Plain data for the templates (which escape)."""

from __future__ import annotations

from typing import Any

from geo.data.atlas import Atlas, AtlasFeature
from geo.data.figures_read import sources_for
from geo.data.i18n import display_name, translate
from geo.data.schema import COMPUTED_FIGURES, DOCUMENTED_FIGURES
from geo.data.year_rule import placed_year
from geo.map.render import UNDATED_FIGURES
from geo.pages.figure_text import figure_number, figure_text, figure_words, format_number, format_year, series_entries

DISTRICTS_LAYER = "districts"


def year_text(properties: dict[str, Any], language: str) -> tuple[str, str]:
    """The year the map places the feature at, and the rule that gave it, in words (``CQAtlas.yearRuleText``)."""
    placed = placed_year(properties)
    figure = figure_words(placed.figure, language)[0] if placed.figure in DOCUMENTED_FIGURES else placed.figure or ""
    year = "" if placed.year is None else format_year(placed.year, language)
    return placed.rule, translate(f"time.rule_{placed.rule}", language, year=year, figure=figure)


def figure_facts(feature: AtlasFeature, name: str, language: str) -> dict[str, Any] | None:
    """One documented figure: label, unit, the value as text, its date, the sources backing it, and a series' rows."""
    value = feature.properties.get(name)
    if value is None:
        return None
    label, unit = figure_words(name, language)
    unit_key = DOCUMENTED_FIGURES[name][1]
    as_of = None if name in UNDATED_FIGURES else feature.properties.get("figures_as_of")
    series = None
    if isinstance(value, dict) and "series" in value:
        series = [{"year": format_year(year, language), "year_number": int(year), "number": number,
                   "text": format_number(number, language)} for year, number in series_entries(value)]
    date = value.get("as_of") if isinstance(value, dict) else None
    return {"name": name, "label": label, "unit": unit, "text": figure_text(value, unit_key, unit, as_of, language),
            "number": figure_number(value), "as_of": date or as_of, "series": series,
            "sources": sources_for(feature, name)}


def documented_facts(feature: AtlasFeature, language: str) -> list[dict[str, Any]]:
    """Every documented figure the feature carries, in registry order."""
    facts = (figure_facts(feature, name, language) for name in DOCUMENTED_FIGURES)
    return [fact for fact in facts if fact is not None]


def computed_facts(feature: AtlasFeature, language: str) -> list[dict[str, Any]]:
    facts = []
    for name in COMPUTED_FIGURES:
        value = feature.properties.get(name)
        if isinstance(value, int | float):
            label, unit = figure_words(name, language)
            facts.append({"name": name, "label": label, "unit": unit, "number": value,
                          "text": f"{format_number(value, language)} {unit}"})
    return facts


def district_names(atlas: Atlas, feature: AtlasFeature, language: str) -> list[dict[str, str]]:
    """The districts the feature lies in (ids from its ``districts``), named from the districts layer."""
    layer = atlas.layer(DISTRICTS_LAYER)
    by_id = {f.id: f for f in layer.features} if layer else {}
    return [{"id": district_id, "name": display_name(by_id[district_id].properties, language)
             if district_id in by_id else district_id} for district_id in feature.properties.get("districts") or []]


def status_text(properties: dict[str, Any], language: str) -> str | None:
    """Where the feature stands in its life, as its source states it, and the date that source gives it for."""
    status = properties.get("status")
    if not status:
        return None
    words = translate(f"status.{status}", language)
    as_of = properties.get("status_as_of")
    return f"{words} ({translate('popup.as_of', language, date=format_year(as_of, language))})" if as_of else words


def feature_facts(atlas: Atlas, feature: AtlasFeature, language: str) -> dict[str, Any]:
    props = feature.properties
    layer = atlas.layer(feature.layer_id)
    rule, year = year_text(props, language)
    kind_key = f"kind.{props['kind']}"
    return {
        "id": feature.id,
        "layer_id": feature.layer_id,
        "name": display_name(props, language),
        "names": [{"lang": code, "text": props.get(f"name_{code}")} for code in ("en", "zh", "fa")
                  if props.get(f"name_{code}")],
        "kind": translate(kind_key, language) if layer and props["kind"] in layer.spec.kinds else props["kind"],
        "status": props.get("status"),
        "status_text": status_text(props, language),
        "year_rule": rule,
        "year": year,
        "established": props.get("established"),
        "description_en": props["description_en"],
        "figures": documented_facts(feature, language),
        "computed": computed_facts(feature, language),
        "quality": translate(f"quality.{props['geometry_quality']}", language),
        "geometry_quality": props["geometry_quality"],
        "geometry_note": props["geometry_note"],
        "geometry_datasets": props.get("geometry_datasets") or [],
        "districts": district_names(atlas, feature, language),
        "sources": props.get("sources") or [],
    }
