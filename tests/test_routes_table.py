"""`cqatlas routes FROM TO` as a terminal table, read in-process on a comparison written out here (fast: these run
against every mutant of geo/corridors/routes_table.py). The command itself is run by tests/test_routes.py."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console

from geo.corridors.routes_table import print_comparison

NOTES = ["Distances are geodesic lengths of the atlas's corridor lines.", "CO2 is an estimate per tonne of cargo."]


def _leg(corridor_id: str, share: float, traffic: list[dict[str, Any]]) -> dict[str, Any]:
    return {"corridor_id": corridor_id, "share_of_corridor": share, "traffic": traffic}


def _figure(name: str, value: Any, unit: str) -> dict[str, Any]:
    return {"name": name, "value": value, "unit": unit}


ROUTES = [
    {"rank": 1, "label": "rail via Alashankou, Brest – Małaszewicze", "total_km": 9863.5,
     "transit_days": {"min": 15.0, "max": 20.0, "complete": True, "basis": "documented"},
     "co2_kg_per_tonne": {"min": 111.5, "max": 111.5, "complete": True, "basis": "estimated"},
     "legs": [_leg("chongqing-xinjiang-europe-railway", 1.0, [
         _figure("trips_total", {"value": 16000, "qualifier": "about", "as_of": "2024-06"}, "trips"),
         _figure("teu_total", {"value": 1300000, "qualifier": "about"}, "TEU"),
         _figure("cargo_value_total_bn_cny", 500, "billion CNY")])]},  # not a traffic count: left out
    {"rank": 2, "label": "rail via Manzhouli, Moscow", "total_km": 12436.2,
     "transit_days": {"min": 14.0, "max": 217.0, "complete": False, "basis": "estimated"},
     "co2_kg_per_tonne": None,
     "documented_comparisons": [{"value": {"min": 40, "max": 45}}, {"value": 38}],
     "legs": [_leg("chongqing-manzhouli-russia-railway", 0.94, [_figure("trips_total", 3000, "trips")]),
              _leg("land-sea-central-channel", 0.95, [
                  _figure("trips_total", {"min": 1000, "max": 1200, "qualifier": "more_than"}, "trips"),
                  _figure("teu_total", {"series": {"2024": 5}}, "TEU")])]},  # a series: no total to show
    {"rank": 3, "label": "river + sea", "total_km": 999.4, "transit_days": {"min": None, "basis": "unknown"},
     "co2_kg_per_tonne": {"min": 20.04, "max": 30.6}, "legs": []},  # complete unless said otherwise
]


def _printed(result: dict[str, Any]) -> list[str]:
    console = Console(file=io.StringIO(), width=300, color_system=None)
    print_comparison(result, console)
    return console.file.getvalue().splitlines()


def _rows(lines: list[str]) -> list[list[str]]:
    """The table's body rows, cell by cell; a cell's second line (a row's continuation) joined with a newline."""
    rows: list[list[str]] = []
    for line in lines:
        if not line.startswith("│"):
            continue
        cells = [cell.strip() for cell in line.strip("│").split("│")]
        if cells[0]:
            rows.append(cells)
        else:
            rows[-1] = [f"{old}\n{new}" if new else old for old, new in zip(rows[-1], cells)]
    return rows


def test_each_route_is_a_row_with_distance_days_co2_and_documented_traffic() -> None:
    lines = _printed({"from": {"name_en": "Chongqing"}, "to": {"name_en": "Duisburg"},
                      "ranking": "shortest total distance first", "alternatives": ROUTES, "notes": NOTES})
    assert lines[0].strip() == "Chongqing → Duisburg (shortest total distance first)"
    header = next(line for line in lines if line.startswith("┃"))
    assert [cell.strip() for cell in header.strip("┃").split("┃")] == [
        "#", "route", "km", "days", "days basis", "kg CO2/t (est.)", "documented traffic"]
    assert _rows(lines) == [
        ["1", "rail via Alashankou, Brest – Małaszewicze", "9,864", "15–20", "documented", "112",
         "about 16,000 trips (chongqing-xinjiang-europe-railway); about 1,300,000 TEU (chongqing-xinjiang-europe-railway)"],
        # Days an estimate could not bound above: "≥"; a corridor used for less than 95 % of its length: its totals
        # are not this route's traffic.
        ["2", "rail via Manzhouli, Moscow", "12,436",
         "≥ 14–217\n(by sea, as documented: 40–45)\n(by sea, as documented: 38)", "estimated", "–",
         "more than 1,000–1,200 trips (land-sea-central-channel)"],
        ["3", "river + sea", "999", "–", "unknown", "20–31", "–"],
    ]
    # Numbers are right-aligned, text left-aligned (row 3's cells are all narrower than their columns but "#").
    cells = next(line for line in lines if line.startswith("│ 3 ")).strip("│").split("│")[1:]
    assert [("right" if cell.startswith("  ") and cell.endswith(text + " ") else
             "left" if cell.startswith(" " + text) and cell.endswith("  ") else "?")
            for cell, text in zip(cells, ["river + sea", "999", "–", "unknown", "20–31", "–"])] == [
        "left", "right", "right", "left", "right", "left"]
    assert lines[-2:] == [f"• {note}" for note in NOTES]
    assert not any("No route connects" in line for line in lines)


def test_places_no_route_connects_are_said_so() -> None:
    lines = _printed({"from": {"name_en": "Chongqing"}, "to": {"name_en": "Reykjavík"}, "ranking": "shortest first",
                      "alternatives": [], "notes": []})
    assert lines[0].strip() == "Chongqing → Reykjavík (shortest first)"
    assert lines[-1] == "No route connects these places in the corridor network."


def test_notes_are_printed_dim() -> None:
    console = Console(file=io.StringIO(), width=300, color_system="standard", force_terminal=True)
    print_comparison({"from": {"name_en": "A"}, "to": {"name_en": "B"}, "ranking": "r", "alternatives": [],
                      "notes": NOTES[:1]}, console)
    assert f"\x1b[2m• {NOTES[0]}\x1b[0m" in console.file.getvalue()  # SGR 2: faint
