"""How current the atlas is, as a user of ``cqatlas freshness`` and of the layer files sees it.

Every series (``…_by_year``) must reach 2024 or later, or its feature must note that no later figure was found. The
expected latest years are read straight from the layer files (each series' own years), never from the module under
test; the command must list each series with that year, oldest first, and say what the data is current to.
A status must carry its date and a source, and a figure note must be about a figure the feature carries.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from geo.data.validate import validate_layers
from tests.cli_helpers import run_cli
from tests.conftest import LAYERS_DIR, edit_feature

FIRST_CURRENT_YEAR = 2024
PLAN_WORDS = ("target", "forecast")


def _raw_features() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(LAYERS_DIR.glob("*.geojson")):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            found.append((path.stem, feature["properties"]))
    return found


FEATURES = _raw_features()
SERIES = [(layer, props["id"], name, max(value["series"]), (props.get("figure_notes") or {}).get(name))
          for layer, props in FEATURES for name, value in props.items()
          if name.endswith("_by_year") and isinstance(value, dict) and "series" in value]


def test_there_are_series_to_check() -> None:
    assert len(SERIES) >= 10


@pytest.mark.parametrize("entry", SERIES, ids=lambda e: f"{e[1]}.{e[2]}: latest {e[3]}")
def test_series_reaches_2024_or_says_no_later_figure_was_found(entry: tuple[str, str, str, str, str | None]) -> None:
    layer, feature_id, name, latest, note = entry
    if int(latest) < FIRST_CURRENT_YEAR:
        assert note and "no later figure" in note.lower(), (
            f"{layer}/{feature_id}.{name} ends in {latest} and its feature does not note that no later figure was found")


def _newest_current_date() -> str:
    """The newest date any figure of the layer files speaks for, plans aside (computed here, independently)."""
    dates = []
    for _, props in FEATURES:
        for name, value in props.items():
            if any(word in name for word in PLAN_WORDS) or not isinstance(value, dict):
                continue
            if "series" in value:
                dates.append(max(value["series"]))
            elif "as_of" in value and ("value" in value or "min" in value):
                dates.append(value["as_of"])
    return max(dates)


@pytest.fixture(scope="module")
def freshness_lines() -> list[str]:
    result = run_cli("freshness", timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_freshness_lists_each_series_with_its_latest_year(freshness_lines: list[str]) -> None:
    for layer, feature_id, name, latest, _ in SERIES:
        lines = [line for line in freshness_lines if f" {layer}/{feature_id}  {name}  " in line]
        assert len(lines) == 1, f"{layer}/{feature_id}.{name} listed {len(lines)} times"
        assert lines[0].split()[0] == latest and lines[0].split()[1] == "series", lines[0]


def test_freshness_lists_oldest_first_then_undated(freshness_lines: list[str]) -> None:
    dates = [line.split()[0] for line in freshness_lines[:-1]]
    dated = [d for d in dates if d != "undated"]
    assert dated == sorted(dated), "figures are not listed oldest first"
    assert dates == dated + ["undated"] * (len(dates) - len(dated)), "an undated figure is listed among the dated"
    assert len(dated) > 150


def test_freshness_says_what_the_data_is_current_to(freshness_lines: list[str]) -> None:
    newest = _newest_current_date()
    assert newest >= "2026"
    assert freshness_lines[-1].endswith(f"the data is current to {newest}.")


def _problems(layers_dir: Path) -> list[str]:
    return [str(problem) for problem in validate_layers(layers_dir)[1]]


def test_status_needs_its_date_and_a_source(layers_copy: Path) -> None:
    def undated_unsourced(feature: dict[str, Any]) -> None:
        feature["properties"]["status"] = "operating"
        feature["properties"].pop("status_as_of", None)
        for source in feature["properties"]["sources"]:
            source["supports"] = [name for name in source["supports"] if name != "status"]

    feature_id = edit_feature(layers_copy, "development_zones", undated_unsourced)
    problems = [p for p in _problems(layers_copy) if feature_id in p]
    assert any("status_as_of" in p for p in problems), problems
    assert any("no source" in p and "status" in p for p in problems), problems


def test_status_must_be_a_lifecycle_word(layers_copy: Path) -> None:
    feature_id = edit_feature(layers_copy, "rail_europe",
                              lambda f: f["properties"].update(status="running", status_as_of="2025"))
    assert any(feature_id in p and "status" in p for p in _problems(layers_copy))


def test_figure_note_must_be_about_a_figure_the_feature_carries(layers_copy: Path) -> None:
    feature_id = edit_feature(layers_copy, "development_zones",
                              lambda f: f["properties"].update(figure_notes={"teu_by_year": "No later figure found."}))
    assert any(feature_id in p and "figure_notes.teu_by_year" in p for p in _problems(layers_copy))
