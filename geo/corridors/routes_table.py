"""The route comparison as a terminal table (``cqatlas routes FROM TO``)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from geo.data.figures_read import number_range


def _span(value: dict[str, Any] | None, digits: int = 0) -> str:
    if not value or value.get("min") is None:
        return "–"
    low, high = f"{value['min']:,.{digits}f}", f"{value['max']:,.{digits}f}"
    text = low if low == high else f"{low}–{high}"
    return text if value.get("complete", True) else f"≥ {text}"


QUALIFIER_WORDS = {"more_than": "more than ", "at_least": "at least ", "about": "about ", "less_than": "less than ",
                   "up_to": "up to "}


def _figure_text(value: Any) -> str:
    low, high = number_range(value) or (0, 0)
    qualifier = QUALIFIER_WORDS.get(value.get("qualifier", ""), "") if isinstance(value, dict) else ""
    return qualifier + (f"{low:,.0f}" if low == high else f"{low:,.0f}–{high:,.0f}")


def _traffic(route: dict[str, Any]) -> str:
    parts = []
    for leg in route["legs"]:
        if leg["share_of_corridor"] < 0.95:
            continue  # a corridor's totals are not this leg's traffic when only part of it is used
        for fig in leg["traffic"]:
            if fig["name"] in ("trips_total", "teu_total") and number_range(fig["value"]):
                parts.append(f"{_figure_text(fig['value'])} {fig['unit']} ({leg['corridor_id']})")
    return "; ".join(parts) or "–"


def print_comparison(result: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    table = Table(title=f"{result['from']['name_en']} → {result['to']['name_en']} ({result['ranking']})")
    for column, justify in (("#", "right"), ("route", "left"), ("km", "right"), ("days", "right"),
                            ("days basis", "left"), ("kg CO2/t (est.)", "right"), ("documented traffic", "left")):
        table.add_column(column, justify=justify)
    for route in result["alternatives"]:
        days = _span(route["transit_days"])
        for comparison in route.get("documented_comparisons", []):
            days += f"\n(by sea, as documented: {_figure_text(comparison['value'])})"
        table.add_row(str(route["rank"]), route["label"], f"{route['total_km']:,.0f}", days,
                      route["transit_days"]["basis"], _span(route["co2_kg_per_tonne"]), _traffic(route))
    console.print(table)
    if not result["alternatives"]:
        console.print("No route connects these places in the corridor network.")
    for note in result["notes"]:
        console.print(f"• {note}", style="dim")
