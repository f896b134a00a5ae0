"""Validation refuses malformed figures, naming file, feature id and field; the CLI says so and builds nothing."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from geo.data.validate import validate_layers
from tests.conftest import REPO, edit_feature

Edit = Callable[[dict[str, Any]], None]
RAIL = "rail_europe"  # first feature: chongqing-xinjiang-europe-railway, which carries every shape


def set_figure(name: str, value: Any, *, sourced: bool = True) -> Edit:
    def edit(feature: dict[str, Any]) -> None:
        properties = feature["properties"]
        properties[name] = value
        for source in properties["sources"]:
            if name in source["supports"] and not sourced:
                source["supports"].remove(name)
        if sourced and not any(name in source["supports"] for source in properties["sources"]):
            properties["sources"][0]["supports"].append(name)
    return edit


CASES: list[tuple[str, Edit, str, str]] = [
    ("figure-without-source", set_figure("transit_days", {"min": 15, "max": 20}, sourced=False), "transit_days",
     "documented figure has no source"),
    ("series-with-non-year-key", set_figure("network_trips_by_year", {"series": {"2016": 1702, "FY23": 17000}}),
     "network_trips_by_year", "series key 'FY23' is not a year"),
    ("series-with-month-key", set_figure("network_trips_by_year", {"series": {"2016-05": 1702}}),
     "network_trips_by_year", "series key '2016-05' is not a year"),
    ("range-min-above-max", set_figure("transit_days", {"min": 20, "max": 15}), "transit_days",
     "range min 20 is greater than max 15"),
    ("unknown-qualifier", set_figure("trips_total", {"value": 16000, "qualifier": "nearly"}), "trips_total",
     "unknown qualifier 'nearly'"),
    ("range-with-non-about-qualifier", set_figure("transit_days", {"min": 15, "max": 20, "qualifier": "more_than"}),
     "transit_days", "unknown qualifier 'more_than'"),
    ("series-under-a-plain-name", set_figure("trips_total", {"series": {"2016": 1702}}), "trips_total",
     "a series belongs in a property whose name ends in '_by_year'"),
    ("plain-number-under-a-series-name", set_figure("network_trips_by_year", 17000), "network_trips_by_year",
     "hold a series"),
    ("as-of-not-a-date", set_figure("trips_total", {"value": 16000, "as_of": "mid-2024"}), "trips_total",
     "as_of 'mid-2024' is not a date"),
    ("unknown-member", set_figure("trips_total", {"value": 16000, "unit": "trips"}), "trips_total",
     "unknown member(s) 'unit'"),
    ("text-instead-of-number", set_figure("teu_total", "1.3 million"), "teu_total", "must be a number"),
    ("negative-count", set_figure("cities_reached_count", -110), "cities_reached_count", "must not be negative"),
]


@pytest.mark.parametrize(("edit", "field", "message"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_malformed_figure_is_refused_naming_file_feature_and_field(layers_copy: Path, edit: Edit, field: str,
                                                                   message: str) -> None:
    feature_id = edit_feature(layers_copy, RAIL, edit)
    _, problems = validate_layers(layers_copy)
    matching = [p for p in problems if p.file == f"{RAIL}.geojson" and p.feature_id == feature_id
                and p.field == field and message in p.message]
    assert matching, f"expected {field}: {message!r}; got {[str(p) for p in problems]}"


def test_a_falling_figure_may_be_negative(layers_copy: Path) -> None:
    # Changes (growth, cost change) can be negative: the land–sea corridor's logistics costs fell by 3.5%.
    edit_feature(layers_copy, RAIL, set_figure("cargo_volume_growth_pct", {"value": -5, "as_of": "2024"}))
    _, problems = validate_layers(layers_copy)
    assert problems == []


def test_cli_names_the_malformed_figure_and_builds_nothing(layers_copy: Path, tmp_path: Path) -> None:
    edit_feature(layers_copy, RAIL, set_figure("transit_days", {"min": 20, "max": 15}))
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "geo", "build", "--layers", str(layers_copy), "--out", str(out)],
                            capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode != 0
    assert "rail_europe.geojson" in result.stdout + result.stderr
    assert "chongqing-xinjiang-europe-railway" in result.stdout + result.stderr
    assert "transit_days" in result.stdout + result.stderr
    assert not out.exists()
