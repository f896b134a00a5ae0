"""Figures as text in the reader's language: the Python twin of the map's ``CQAtlas.figureText`` (popup.js).

Numbers are written as the browser's ``Intl.NumberFormat(lang, {maximumFractionDigits: 3})`` writes them (CLDR
through Babel); years without grouping. Labels, units, qualifiers and "as of" come from the message catalogs.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from babel import Locale
from babel.numbers import format_compact_decimal, format_decimal

from geo.data.i18n import catalog, translate

# CLDR digits of the numbering systems our languages default to (Babel keeps Latin digits and changes only the
# separators); Persian writes Extended Arabic-Indic digits, as the browser does.
_DIGITS = {"arabext": "۰۱۲۳۴۵۶۷۸۹", "arab": "٠١٢٣٤٥٦٧٨٩"}


@cache
def _digits(language: str) -> dict[int, str] | None:
    system = Locale.parse(language).default_numbering_system
    return str.maketrans("0123456789", _DIGITS[system]) if system in _DIGITS else None


def _native(text: str, language: str) -> str:
    table = _digits(language)
    return text.translate(table) if table else text


def format_number(value: float, language: str) -> str:
    """Grouped, at most three decimals (documented figures keep their digits: 31.914 million)."""
    return _native(format_decimal(value, format="#,##0.###", locale=language, numbering_system="default"), language)


def format_year(year: int | str, language: str) -> str:
    return _native(str(year), language)


def figure_words(name: str, language: str) -> tuple[str, str]:
    """A figure's label and unit in ``language`` (the catalogs hold one for every registered figure)."""
    return translate(f"figure.{name}.label", language), translate(f"figure.{name}.unit", language)


# Chinese counts large amounts in 万 and 亿, not in millions and billions: a unit the catalog writes "十亿元人民币"
# (billion yuan) is written 5300亿元人民币, not 530 十亿元人民币, and 1,300,000 标箱 is 130万 标箱 (as the map's
# ``amounts`` does, popup.js).
_CHINESE_SCALES = (("万亿", 1e12), ("十亿", 1e9), ("百万", 1e6))
_CHINESE_COMPACT_FROM = 1e4  # 万: below it, a number is written out


def _chinese_compact(value: float) -> str:
    # Babel writes CLDR's compact forms as the browser's Intl.NumberFormat(…, {notation: "compact"}) does.
    return format_compact_decimal(value, locale="zh", fraction_digits=6)


def amounts(unit: str, language: str) -> tuple[Callable[[float], str], str, str]:
    """How a figure's numbers are written with ``unit`` in ``language``: (number, unit, glue)."""
    if language != "zh":
        return (lambda v: format_number(v, language)), unit, " "
    scale = next((s for s in _CHINESE_SCALES if unit.startswith(s[0])), None)
    if scale is not None:
        return (lambda v: _chinese_compact(v * scale[1])), unit[len(scale[0]):], ""
    return (lambda v: _chinese_compact(v) if abs(v) >= _CHINESE_COMPACT_FROM else format_number(v, language)), unit, " "


def _with_unit(text: str, unit_key: str, unit: str, language: str) -> str:
    if unit_key == "rank":
        return translate("figure.rank", language, value=text)
    _, written, glue = amounts(unit, language)
    return f"{text}{glue}{written}"


def _qualified(text: str, qualifier: str | None, language: str) -> str:
    if not qualifier:
        return text
    key = f"figure.{qualifier}"
    return translate(key, language, value=text) if key in catalog("en") else f"{qualifier.replace('_', ' ')} {text}"


def format_date(date: str, language: str) -> str:
    """A date "2026", "2026-06" or "2026-06-30" as the map writes it (``formatDate``, status.js): in the language's
    digits; Persian joins them with "/" (right to left, "-" between Persian digits splits and reverses the date)."""
    return _native(date.replace("-", "/") if language == "fa" else date, language)


def _dated(text: str, date: str | None, language: str) -> str:
    return f"{text} ({translate('popup.as_of', language, date=format_date(date, language))})" if date else text


def series_entries(value: dict[str, Any]) -> list[tuple[str, float]]:
    return sorted(value["series"].items())


def figure_text(value: Any, unit_key: str, unit: str, as_of: str | None, language: str) -> str:
    """One figure as a line of text; a series as its latest value. ``unit_key`` is the English unit ("rank" is
    written as "#3")."""
    number = amounts(unit, language)[0]
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return _dated(_with_unit(number(value), unit_key, unit, language), as_of, language)
    if isinstance(value, dict) and "series" in value:
        entries = series_entries(value)
        if not entries:
            return ""
        year, last = entries[-1]
        return _dated(_with_unit(number(last), unit_key, unit, language), year, language)
    if isinstance(value, dict) and "min" in value:
        text = translate("figure.range", language, min=number(value["min"]), max=number(value["max"]))
        return _dated(_qualified(_with_unit(text, unit_key, unit, language), value.get("qualifier"), language),
                      value.get("as_of") or as_of, language)
    if isinstance(value, dict) and "value" in value:
        text = _with_unit(number(value["value"]), unit_key, unit, language)
        return _dated(_qualified(text, value.get("qualifier"), language), value.get("as_of") or as_of, language)
    return str(value)


def figure_number(value: Any) -> float | None:
    """The number a figure sorts by: the value, the top of a range, the latest year of a series (``figureNumber``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dict):
        if "series" in value:
            entries = series_entries(value)
            return float(entries[-1][1]) if entries else None
        if isinstance(value.get("max"), int | float):
            return float(value["max"])
        if isinstance(value.get("value"), int | float):
            return float(value["value"])
    return None
