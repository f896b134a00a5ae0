"""The small parts validation is built from, read directly: problem texts and reports, error statuses, the geometry
datasets a feature names, and the year that places a feature on the slider.

In-process and fast (no app, no layers loaded): these run against every mutant of the modules they reach.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from geo.data.errors import AtlasError, BadRequest, NotFound, Unavailable
from geo.data.placement import figure_value, placement_problems
from geo.data.problems import AtlasInvalid, Problem, clip
from geo.data.provenance import Dataset
from geo.data.registry import LAYERS
from geo.data.year_rule import placed_year
from tests.conftest import LAYERS_DIR, read_layer


def test_long_text_is_cut_saying_how_much_was_left_out() -> None:
    assert clip("x" * 400) == "x" * 400
    assert clip("x" * 401) == "x" * 400 + "… (1 more characters)"
    assert clip("abcdef", 4) == "abcd… (2 more characters)"
    assert clip("abcd", 4) == "abcd"


def test_a_problem_names_file_feature_and_field() -> None:
    assert str(Problem("universities.geojson", "chongqing-university", "name_en", "too short")) == (
        "universities.geojson [chongqing-university] name_en: too short")
    assert str(Problem("universities.geojson", None, None, "not valid JSON")) == "universities.geojson: not valid JSON"
    assert str(Problem("universities.geojson", None, "features", "empty")) == "universities.geojson features: empty"
    assert str(Problem("universities.geojson", "a", None, "b")) == "universities.geojson [a]: b"
    # Each part is cut on its own: file and field to 200 characters, the feature id to 100, the message to 400.
    long = str(Problem("f" * 201, "i" * 101, "d" * 201, "m" * 401))
    assert long == ("f" * 200 + "… (1 more characters) [" + "i" * 100 + "… (1 more characters)] "
                    + "d" * 200 + "… (1 more characters): " + "m" * 400 + "… (1 more characters)")


def test_the_report_lists_500_problems_sorted_and_counts_them_all() -> None:
    problems = [Problem(f"layer_{n:03}.geojson", None, None, "broken") for n in reversed(range(501))]
    error = AtlasInvalid(problems)
    assert (error.status, error.code, str(error), error.message) == (
        422, "InvalidData", "501 validation problem(s)", "501 validation problem(s)")
    lines = error.report().split("\n")
    assert lines[0] == "layer_000.geojson: broken" and lines[499] == "layer_499.geojson: broken"
    assert lines[500:] == ["… and 1 more problem(s) not listed", "501 problem(s) found; nothing was built."]
    exactly = AtlasInvalid(problems[:500]).report().split("\n")
    assert len(exactly) == 501 and exactly[-1] == "500 problem(s) found; nothing was built."


def test_errors_carry_their_http_status_and_ogc_exception_code() -> None:
    # Codes of OGC API – Common's exception.yaml; statuses of RFC 9110.
    expected = {AtlasError: (500, "ServerError"), BadRequest: (400, "InvalidParameterValue"),
                NotFound: (404, "NotFound"), Unavailable: (503, "ServiceUnavailable")}
    for error_type, (status, code) in expected.items():
        error = error_type("no layer called 'x'")
        assert (error.status, error.code, error.message, str(error)) == (
            status, code, "no layer called 'x'", "no layer called 'x'")


def test_a_geometry_dataset_is_written_back_as_the_layers_state_it() -> None:
    written = [dataset for path in sorted(LAYERS_DIR.glob("*.geojson"))
               for feature in read_layer(LAYERS_DIR, path.stem)["features"]
               for dataset in feature["properties"].get("geometry_datasets", [])]
    assert any("url" in d for d in written) and any("attribution" not in d for d in written)
    for dataset in written:
        assert Dataset(**dataset).as_json() == dataset


@pytest.mark.parametrize(("written", "number"), [
    (11179, 11179.0), (8.5, 8.5), ({"value": 1200, "qualifier": "about"}, 1200.0), ({"min": 100, "max": 200}, 150.0),
    # Not a number of any shape: a one-ended range, a flag, text.
    ({"min": 100}, None), ({"max": 200}, None), (True, None), ("11179", None), ({"value": "many"}, None),
])
def test_the_number_of_a_documented_figure_in_each_of_its_shapes(written: Any, number: float | None) -> None:
    assert figure_value(written) == number


def test_cross_feature_checks_have_nothing_to_say_of_layers_that_were_not_read() -> None:
    # A layer whose file is missing or broken is left out of what was read; that problem is reported on its own.
    assert placement_problems({}, LAYERS) == []


def _properties(layer_id: str, feature_id: str, layers_dir: Path = LAYERS_DIR) -> dict[str, Any]:
    return copy.deepcopy(next(f["properties"] for f in read_layer(layers_dir, layer_id)["features"]
                              if f["properties"]["id"] == feature_id))


@pytest.mark.parametrize(("layer_id", "feature_id", "established", "first_of_series"), [
    # Opening years and series as the layer files hold them (data release 1.4.0).
    ("development_zones", "liangjiang-new-area", 2010, (2020, "series", "digital_economy_firms_by_year")),
    # Its own containers a year from 2025; the whole corridor's series (from 2024) says nothing of its start.
    ("land_sea_corridor", "land-sea-central-channel", 2019, (2025, "series", "chongqing_teu_by_year")),
    # Several series start in 2024: the first the feature lists names the year.
    ("city_profile", "chongqing-municipality", 1997, (2024, "series", "gdp_bn_cny_by_year")),
    # Only the network's series (network_trips_by_year, from 2016): no year of its own.
    ("rail_europe", "chongqing-xinjiang-europe-railway", 2010, (None, "none", None)),
])
def test_a_feature_is_placed_at_its_opening_year_else_its_first_own_series_year(
        layer_id: str, feature_id: str, established: int, first_of_series: tuple[Any, ...]) -> None:
    properties = _properties(layer_id, feature_id)
    assert tuple(placed_year(properties)) == (established, "established", None)
    del properties["established"]
    assert tuple(placed_year(properties)) == first_of_series
