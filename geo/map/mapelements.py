"""The map page's folium elements, built the way folium's plugins are: a thin element per part, its markup in a
Jinja template under ``geo/map/templates`` and its behaviour in a static script under ``geo/map/static``.

Python hands them data and options only. Nothing here writes JavaScript, CSS or HTML, and the page has no inline
script: data and options travel in ``<script type="application/json">`` blocks, which browsers never execute.
"""

from __future__ import annotations

import json
from typing import Any

import folium
from branca.element import Figure, MacroElement
from folium.utilities import camelize
from markupsafe import Markup

from geo.data.i18n import MESSAGES_DIR as MESSAGES
from geo.map.bundle import Bundles
from geo.map.sources import FAVICON, template

def json_block(data: Any) -> Markup:
    """JSON safe inside a ``<script type="application/json">`` element: no ``</script>`` or ``<!--`` can form."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


class Messages:
    """UI strings from a message catalog (``geo/data/messages/<lang>.json``), with ``{name}`` placeholders."""

    def __init__(self, lang: str = "en"):
        self.lang = lang
        self.catalog: dict[str, str] = json.loads((MESSAGES / f"{lang}.json").read_text(encoding="utf-8"))

    def __call__(self, key: str, **values: Any) -> str:
        text = self.catalog[key]
        for name, value in values.items():
            text = text.replace("{" + name + "}", str(value))
        return text


class AtlasPage(Figure):
    """The HTML document: ``lang`` and ``dir`` set, and no inline script element at all."""

    _template = template("page.html")

    def __init__(self, title: str, lang: str, direction: str = "ltr", description: str = "",
                 json_ld: Markup | None = None):
        super().__init__(title=title)
        # The encoding is declared first thing in page.html (a static host may send no charset, and browsers look
        # only at the first 1024 bytes); folium's own declaration would come after the previews' text.
        del self.header._children["meta_http"]
        self.lang, self.direction = lang, direction
        # For previews and search engines: a summary, and schema.org data (a JSON block: data, never run).
        self.description, self.json_ld = description, json_ld

    def render(self, **kwargs: Any) -> str:
        page = super().render(**kwargs)
        if self.script.render(**kwargs).strip():
            raise ValueError("an element wrote inline script; map code belongs in geo/map/static")
        return page


class AtlasMap(folium.Map):
    """folium's Map with its options handed to ``cqatlas/core.js`` as JSON instead of inline script."""

    _template = template("map.html")

    def __init__(self, page: AtlasPage, asset_base: str, bundles: Bundles, messages: Messages,
                 config: dict[str, Any], base: dict[str, Any], data: dict[str, Any], **options: Any):
        super().__init__(tiles=None, **options)
        page.add_child(self)
        self.t = messages
        self.pages_href: str | None = None
        self.embed_of: str | None = None
        self.extra_scripts: list[str] = []
        config["map"] = {"center": self.location, **{camelize(k): v for k, v in self.options.items()}}
        self.config_json, self.base_json, self.data_json = json_block(config), json_block(base), json_block(data)
        self.sections: list[PanelSection] = []
        # One deferred script (Leaflet and every section, bundled) and two stylesheets; see map.html's header.
        self.default_js, self.default_css = [], []
        self.script = f"{asset_base}{bundles.script}"
        self.stylesheets = [f"{asset_base}leaflet/dist/leaflet.css", f"{asset_base}{bundles.stylesheet}"]
        self.favicon = f"{asset_base}{FAVICON}"

    def add_section(self, section: "PanelSection") -> None:
        self.sections.append(section)
        self.add_child(section)


class PanelSection(MacroElement):
    """One part of the side panel: ``templates/sections/<name>.html`` (macro ``section``) + ``static/cqatlas/<name>.js``.

    A new control (time, routes, languages) is one more template and ES module exporting its start function (imported
    and listed in ``static/cqatlas/bundle.js``), added with ``AtlasMap.add_section``."""

    def __init__(self, name: str, messages: Messages, **context: Any):
        super().__init__()
        self._name = f"section_{name}"
        self._template = template(f"sections/{name}.html")
        self.t = messages
        self.__dict__.update(context)

    def render_section(self) -> Markup:
        return self._template.module.section(self, {})
