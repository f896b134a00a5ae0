"""The four shapes a documented figure's value takes, and the checks that refuse malformed ones.

1. plain number: ``66.29`` (as-of = the feature's ``figures_as_of``)
2. qualified: ``{"value": 100, "qualifier": "more_than", "as_of": "2021"}`` (``qualifier`` and ``as_of`` optional)
3. range: ``{"min": 15, "max": 20}`` (optional ``as_of``, optional ``qualifier: "about"``)
4. series, for names ending in ``_by_year``: ``{"series": {"2011": 17, "2012": 41}}`` (keys are years)
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Literal

from geo.data.figure_registry import DOCUMENTED_FIGURES

Shape = Literal["number", "qualified", "range", "series"]

QUALIFIERS: dict[str, str] = {
    "more_than": "more than",
    "at_least": "at least",
    "about": "about",
    "less_than": "less than",
    "up_to": "up to",
}
RANGE_QUALIFIERS = ("about",)
SERIES_SUFFIX = "_by_year"
AS_OF = re.compile(r"^\d{4}(-\d{2})?(-\d{2})?$")
YEAR = re.compile(r"^\d{4}$")
# Figures that describe a change may fall; every other figure counts or measures something.
MAY_BE_NEGATIVE = ("growth", "change")

_KEYS: dict[Shape, frozenset[str]] = {
    "qualified": frozenset({"value", "qualifier", "as_of"}),
    "range": frozenset({"min", "max", "qualifier", "as_of"}),
    "series": frozenset({"series"}),
}


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def shape_of(value: Any) -> Shape | None:
    """The shape of a figure value, or None if it has none of the four."""
    if is_number(value):
        return "number"
    if isinstance(value, Mapping):
        if "series" in value:
            return "series"
        if "min" in value or "max" in value:
            return "range"
        if "value" in value:
            return "qualified"
    return None


def is_scalar(value: Any) -> bool:
    return shape_of(value) == "number"


def headline_number(value: Any) -> float | None:
    """One number standing for the figure where one is needed (e.g. comparing a documented area): plain or qualified."""
    shape = shape_of(value)
    if shape == "number":
        return float(value)
    if shape == "qualified" and is_number(value.get("value")):
        return float(value["value"])
    return None


def as_text(value: Any) -> str:
    """Compact JSON text, as written to table formats (CSV, GeoPackage, KML) for non-scalar figures."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=False)


def figure_columns_of(features: Iterable[Any]) -> dict[str, bool]:
    """Documented figures the features carry (registry order) -> whether every value is a plain number.

    Table formats write a figure as a numeric column only when all its values are plain numbers, else as text.
    """
    properties = [feature.properties for feature in features]
    columns: dict[str, bool] = {}
    for name in DOCUMENTED_FIGURES:
        values = [props[name] for props in properties if props.get(name) is not None]
        if values:
            columns[name] = all(is_scalar(value) for value in values)
    return columns


def _number_problem(name: str, label: str, value: Any) -> str | None:
    if not is_number(value):
        return f"{label} must be a number, got {value!r}"
    if not math.isfinite(value):
        return f"{label} must be finite, got {value!r}"
    if value < 0 and not any(word in name for word in MAY_BE_NEGATIVE):
        return f"{label} must not be negative, got {value!r}"
    return None


def check_figure(name: str, value: Any) -> Iterator[str]:
    """Every problem with one figure's value, as messages naming what is wrong."""
    shape = shape_of(value)
    is_series_name = name.endswith(SERIES_SUFFIX)
    if shape is None:
        yield ("must be a number, {\"value\": …}, {\"min\": …, \"max\": …} or {\"series\": {year: …}}, "
               f"got {value!r}")
        return
    if is_series_name and shape != "series":
        yield f"names ending in '{SERIES_SUFFIX}' hold a series {{\"series\": {{\"2020\": …}}}}, got a {shape}"
        return
    if shape == "series" and not is_series_name:
        yield f"a series belongs in a property whose name ends in '{SERIES_SUFFIX}'"
        return
    if shape == "number":
        problem = _number_problem(name, "value", value)
        if problem:
            yield problem
        return
    unknown = sorted(set(value) - _KEYS[shape])
    if unknown:
        yield f"unknown member(s) {', '.join(map(repr, unknown))} in a {shape} figure"
    if "as_of" in value and not (isinstance(value["as_of"], str) and AS_OF.match(value["as_of"])):
        yield f"as_of {value['as_of']!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
    if "qualifier" in value:
        allowed = RANGE_QUALIFIERS if shape == "range" else tuple(QUALIFIERS)
        if value["qualifier"] not in allowed:
            yield f"unknown qualifier {value['qualifier']!r} (allowed: {', '.join(allowed)})"
    if shape == "qualified":
        problem = _number_problem(name, "value", value["value"])
        if problem:
            yield problem
    elif shape == "range":
        problems = [_number_problem(name, end, value.get(end)) for end in ("min", "max")]
        yield from (problem for problem in problems if problem)
        if not any(problems) and value["min"] > value["max"]:
            yield f"range min {value['min']!r} is greater than max {value['max']!r}"
    else:
        yield from _check_series(name, value["series"])


def _check_series(name: str, series: Any) -> Iterator[str]:
    if not isinstance(series, Mapping) or not series:
        yield "series must be a non-empty object of year -> number"
        return
    for key, number in series.items():
        if not (isinstance(key, str) and YEAR.match(key)):
            yield f"series key {key!r} is not a year (four digits, e.g. \"2023\")"
        problem = _number_problem(name, f"series value for {key!r}", number)
        if problem:
            yield problem

