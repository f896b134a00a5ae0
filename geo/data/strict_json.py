"""Reading layer files so that every number stays a number any JSON consumer reads back exactly.

Python's ``json`` accepts ``NaN``/``Infinity`` (not JSON), turns ``1e999`` into infinity, and parses integers of
any size (``int()`` itself refuses more than 4300 digits). A layer must hold none of those: downloads would not
be JSON, JavaScript would round integers beyond 2^53, and GeoPackage/CSV writers overflow at 2^63. Such
numbers are read as ``NotANumber`` placeholders, and ``number_problems`` names where each one sits.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

#: Beyond this magnitude integers are no longer exact in IEEE doubles (RFC 8259 §6, I-JSON RFC 7493 §2.2).
MAX_EXACT = 2**53
MAX_DEPTH = 64  # nesting beyond this is no layer's honest content, and recursion elsewhere must not fail on it
_MAX_DIGITS = len(str(MAX_EXACT))


class NotANumber:
    """A number literal the atlas refuses, kept as the text it was written with."""

    def __init__(self, text: str, reason: str):
        self.text, self.reason = text, reason

    def __repr__(self) -> str:
        shown = self.text if len(self.text) <= 30 else f"{self.text[:12]}…({len(self.text)} characters)"
        return shown


def _parse_int(text: str) -> int | NotANumber:
    if len(text.lstrip("-")) > _MAX_DIGITS or abs(int(text)) > MAX_EXACT:
        return NotANumber(text, f"integer outside ±2^53 ({MAX_EXACT}), the range JSON readers keep exact")
    return int(text)


def _parse_float(text: str) -> float | NotANumber:
    value = float(text)
    if not math.isfinite(value):
        return NotANumber(text, "number too large to be finite")
    if abs(value) > MAX_EXACT:
        return NotANumber(text, f"number beyond ±2^53 ({MAX_EXACT}), the range JSON readers keep exact")
    return value


def _parse_constant(text: str) -> NotANumber:
    return NotANumber(text, f"{text} is not a JSON number (RFC 8259 allows only finite numbers)")


def loads(text: str) -> Any:
    """``json.loads`` that keeps refused numbers as ``NotANumber``; raises RecursionError on absurd nesting."""
    return json.loads(text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant)


def number_problems(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(field path, message) for every refused number or too-deep nesting inside ``value``."""
    # Each item with its parent's path and its key there: a path is written out only for a container or a problem,
    # not for each of a layer's tens of thousands of coordinates.
    stack: list[tuple[Any, str, Any, int]] = [(value, path, None, 0)]
    while stack:
        item, parent, key, depth = stack.pop()
        if isinstance(item, (float, int)) and not isinstance(item, bool):
            if isinstance(item, float) and not math.isfinite(item):  # built in Python rather than read from text
                yield _child_path(parent, key), f"{item!r} is not a JSON number"
            elif isinstance(item, int) and abs(item) > MAX_EXACT:
                yield _child_path(parent, key), f"integer outside ±2^53 ({MAX_EXACT}), the range JSON readers keep exact"
        elif isinstance(item, NotANumber):
            yield _child_path(parent, key), f"{item!r}: {item.reason}"
        elif isinstance(item, (dict, list)):
            where = _child_path(parent, key)
            if depth >= MAX_DEPTH:
                yield where, f"nested more than {MAX_DEPTH} levels deep"
                continue
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            stack.extend(reversed([(child, where, child_key, depth + 1) for child_key, child in pairs]))


def _child_path(parent: str, key: Any) -> str:
    if key is None:
        return parent
    return f"{parent}.{key}" if parent else str(key)
