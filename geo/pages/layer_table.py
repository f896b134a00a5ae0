"""A layer's features side by side: the main figures as columns (chosen per layer from what its features carry),
one row per feature, as the layer page shows it and as its CSV download holds it."""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Any

from geo.data.atlas import Atlas, AtlasLayer
from geo.data.i18n import display_name, translate
from geo.data.registry import DATA_VERSION
from geo.data.schema import COMPUTED_FIGURES
from geo.data.year_rule import placed_year
from geo.pages.facts import figure_facts
from geo.pages.figure_text import figure_words, format_number, format_year

# Figures a group's table shows first where its features carry them; the rest of the columns go to the figures
# most of the layer's features carry.
PREFERRED: dict[str, tuple[str, ...]] = {
    "Zones": ("documented_area_km2", "enterprises_count", "new_firms_count", "foreign_invested_firms_count",
              "output_value_bn_cny", "industrial_output_value_bn_cny"),
    "Corridors": ("documented_length_km", "transit_days", "trips_total", "teu_total", "trips_by_year", "teu_by_year"),
}
MAX_FIGURE_COLUMNS = 5


def figure_columns(layer: AtlasLayer) -> list[str]:
    """The documented figures the layer's table shows, most telling first."""
    carried = Counter(name for feature in layer.features for name in layer.figure_columns
                      if feature.properties.get(name) is not None)
    preferred = PREFERRED.get(layer.spec.group, ())
    ranked = sorted(carried, key=lambda name: (preferred.index(name) if name in preferred else len(preferred),
                                               -carried[name]))
    return ranked[:MAX_FIGURE_COLUMNS]


def computed_column(layer: AtlasLayer) -> str | None:
    return next((name for name in COMPUTED_FIGURES if any(name in f.properties for f in layer.features)), None)


def layer_table(atlas: Atlas, layer: AtlasLayer, language: str) -> dict[str, Any]:
    """Header and rows of the layer's table in ``language``; every cell has its text and the number it sorts by."""
    names = figure_columns(layer)
    computed = computed_column(layer)
    columns = [{"key": "name", "label": translate("pages.column.name", language), "numeric": False},
               {"key": "kind", "label": translate("popup.kind", language), "numeric": False},
               {"key": "year", "label": translate("popup.year", language), "numeric": True}]
    for name in names:
        label, unit = figure_words(name, language)
        columns.append({"key": name, "label": label, "unit": unit, "numeric": True})
    if computed:
        label, unit = figure_words(computed, language)
        columns.append({"key": computed, "label": label, "unit": unit, "numeric": True})
    rows = []
    for feature in layer.features:
        props = feature.properties
        year = placed_year(props).year
        cells = [{"text": display_name(props, language), "sort": props["name_en"], "feature": feature.id},
                 {"text": translate(f"kind.{props['kind']}", language), "sort": props["kind"]},
                 {"text": "" if year is None else format_year(year, language), "sort": year}]
        for name in names:
            fact = figure_facts(feature, name, language)
            cells.append({"text": fact["text"], "sort": fact["number"]} if fact else {"text": "", "sort": None})
        if computed:
            value = props.get(computed)
            cells.append({"text": "" if value is None else format_number(value, language), "sort": value})
        rows.append({"id": feature.id, "cells": cells})
    return {"columns": columns, "rows": rows, "figures": names, "computed": computed}


def layer_table_csv(atlas: Atlas, layer: AtlasLayer) -> bytes:
    """The table as CSV (UTF-8 with BOM, so spreadsheets read Chinese and Persian): names, kind, year, and each
    figure as the number it sorts by with the date that number is as of."""
    names = figure_columns(layer)
    computed = computed_column(layer)
    header = ["id", "name_en", "name_zh", "name_fa", "kind", "year"]
    for name in names:
        header += [name, f"{name}_as_of"]
    header += [computed] if computed else []
    header.append("data_version")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for feature in layer.features:
        props = feature.properties
        row: list[Any] = [feature.id, props["name_en"], props.get("name_zh") or "", props.get("name_fa") or "",
                          props["kind"], placed_year(props).year or ""]
        for name in names:
            fact = figure_facts(feature, name, "en")
            if fact is None:
                row += ["", ""]
            else:
                as_of = fact["series"][-1]["year"] if fact["series"] else fact["as_of"]
                row += [_plain(fact["number"]), as_of or ""]
        row += [_plain(props.get(computed))] if computed else []
        row.append(DATA_VERSION)
        writer.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _plain(number: float | None) -> str:
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else repr(float(number))
