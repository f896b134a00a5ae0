"""Search text folding: what makes "Lianglu Cuntan" find "Lianglu–Cuntan Bonded Port Area", "china-europe" find
"China–Europe", and Persian typed without its zero-width non-joiner (or with Arabic letter forms) find the Persian name.

The rules are data (``search_folding.json`` beside this module), read here for the API's ``q=`` and bundled into the
map's script for its search and feature-table filter (``geo/map/static/cqatlas/textsearch.js``), so the three agree.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

RULES_FILE = Path(__file__).with_name("search_folding.json")


@lru_cache(maxsize=1)
def _rules() -> tuple[dict[int, str], re.Pattern[str]]:
    rules = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    table = {ord(char): value for char, value in rules["replace"].items()}
    separators = re.compile("[" + re.escape(rules["separators"]) + "]+")
    return table, separators


def fold(text: str) -> str:
    """The text as matching sees it: compatibility forms unified, lower case, letter variants and invisible marks
    replaced, and every run of separators (spaces, dashes, punctuation) one space."""
    table, separators = _rules()
    folded = unicodedata.normalize("NFKC", text).lower().translate(table)
    return separators.sub(" ", folded).strip()


def query_words(text: str) -> tuple[str, ...]:
    """The words of a query, folded; no words for a query of only spaces and punctuation."""
    return tuple(dict.fromkeys(fold(text).split()))


def matches(words: tuple[str, ...], folded_text: str) -> bool:
    """Every word of the query occurs in the folded text, in any order."""
    return all(word in folded_text for word in words)
