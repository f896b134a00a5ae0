"""What the map page loads only once it needs it: the route comparisons, the city card's figures and the messages of
the languages the page is not in. Each is a script of its own (a script loads from disk too, where fetch cannot)
that hands its data to ``CQAtlas.receive``, named by a hash of its content so a browser never keeps a stale copy.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from geo.data.atlas import Atlas
from geo.map.city_glance import city_glance
from geo.data.i18n import LANGUAGES, catalog
from geo.map.mapelements import json_block
from geo.map.sources import template


@dataclass(frozen=True)
class DataScript:
    name: str  # what the page asks loadData (static/cqatlas/loading.js) for: "routes", "glance", "catalog.zh", …
    file_name: str  # routes.<hash>.js
    body: bytes


def catalog_script_name(language: str) -> str:
    return f"catalog.{language}"


def data_script(name: str, data: Any) -> DataScript:
    body = template("data.js").render(this={"name": name, "data_json": json_block(data)}).encode("utf-8")
    return DataScript(name, f"{name}.{hashlib.sha256(body).hexdigest()[:12]}.js", body)


def page_data_scripts(atlas: Atlas, routes: dict[str, Any] | None) -> dict[str, DataScript]:
    """Every data script of the page, by name (every language's catalog: the page inlines only its own)."""
    data: dict[str, Any] = {"routes": routes, "glance": city_glance(atlas)}
    data.update({catalog_script_name(code): catalog(code) for code in LANGUAGES})
    return {name: data_script(name, value) for name, value in data.items() if value is not None}
