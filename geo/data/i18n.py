"""Languages of the atlas: message catalogs (one JSON file per language in ``geo/data/messages``) and their lookup.

The same files are read here and shipped to the browser, so the map and the API say the same thing. Keys are
flat strings; ``{name}`` marks a value filled in at lookup. English is the fallback for anything missing.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from geo.data.registry import LayerSpec

MESSAGES_DIR = Path(__file__).resolve().parent / "messages"
LANGUAGES: tuple[str, ...] = ("en", "zh", "fa")
DEFAULT_LANGUAGE = "en"
RIGHT_TO_LEFT = frozenset({"fa"})

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
# How a documented figure's value may be qualified (the figure contract); each has its wording in the catalogs.
FIGURE_QUALIFIERS: tuple[str, ...] = ("more_than", "at_least", "about", "less_than", "up_to")


@cache
def catalog(language: str) -> dict[str, str]:
    """The message catalog of one supported language (read once)."""
    if language not in LANGUAGES:
        raise KeyError(language)
    return json.loads((MESSAGES_DIR / f"{language}.json").read_text(encoding="utf-8"))


def translate(key: str, language: str = DEFAULT_LANGUAGE, /, **values: Any) -> str:
    """The text for ``key`` in ``language`` (English where that language lacks it), placeholders filled."""
    messages = catalog(language if language in LANGUAGES else DEFAULT_LANGUAGE)
    text = messages.get(key) or catalog(DEFAULT_LANGUAGE)[key]
    return _PLACEHOLDER.sub(lambda match: str(values[match.group(1)]), text)


def _primary_subtag(tag: str) -> str:
    # "zh-Hans-CN" -> "zh", "fa_IR" -> "fa"; Persian is also tagged "per"/"fas" in older systems.
    primary = tag.strip().lower().replace("_", "-").split("-")[0]
    return {"fas": "fa", "per": "fa", "zho": "zh", "chi": "zh", "eng": "en"}.get(primary, primary)


def _accepted(header: str) -> list[str]:
    """Language ranges of an Accept-Language header (RFC 9110 §12.5.4), best first; q=0 ranges dropped."""
    ranked = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag.strip() and quality > 0:
            ranked.append((-quality, position, tag.strip()))
    return [tag for _, _, tag in sorted(ranked)]


def resolve_language(lang: str | None = None, accept_language: str | None = None) -> str:
    """The language to answer in: an explicit ``lang`` wins, then Accept-Language, then English."""
    if lang:
        primary = _primary_subtag(lang[:64])
        return primary if primary in LANGUAGES else DEFAULT_LANGUAGE
    for tag in _accepted((accept_language or "")[:2000])[:20]:
        if tag == "*":
            return DEFAULT_LANGUAGE
        primary = _primary_subtag(tag)
        if primary in LANGUAGES:
            return primary
    return DEFAULT_LANGUAGE


def group_key(group: str) -> str:
    return "group." + re.sub(r"[^a-z0-9]+", "_", group.lower()).strip("_")


def layer_text(spec: LayerSpec, field: str, language: str) -> str:
    """A layer's ``title`` or ``description`` in ``language``."""
    return translate(f"layer.{spec.id}.{field}", language)


def feature_name(properties: dict[str, Any], language: str) -> tuple[str, str]:
    """A feature's name in ``language`` and the language it is actually in (English where the data has none)."""
    name = properties.get(f"name_{language}")
    if name:
        return name, language
    return properties["name_en"], DEFAULT_LANGUAGE


def display_name(properties: dict[str, Any], language: str) -> str:
    """The name to show: in ``language``, or the English name marked as such where the data has none."""
    name, name_language = feature_name(properties, language)
    return name if name_language == language else translate("name.fallback", language, name=name)

