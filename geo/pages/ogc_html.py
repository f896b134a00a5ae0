"""OGC API – Features documents as HTML pages (the standard's HTML conformance class), in one language.

Each page is drawn from the very JSON document the API answers with (``geo.ogc.documents``), so the two encodings
never disagree; links between the pages carry ``f=html`` and the page's language. Templates under
``templates/ogc`` (autoescaped: attribute text is data), styled by the pages' stylesheet; no script or style inline.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from geo.data.atlas import AtlasLayer
from geo.data.i18n import LANGUAGES, display_name, layer_text, translate
from geo.ogc.documents import GEOJSON, JSON, with_params
from geo.pages.render import Site, _base_page, _render

PAGES = ("landing", "conformance", "collections", "collection", "items", "item")


def html_href(href: str, language: str) -> str:
    return with_params(href, f="html", lang=language)


def _links(document: dict[str, Any], language: str) -> list[dict[str, str]]:
    """Every link of the document (the HTML class asks for all of them), each as it is in JSON; one to another of
    the API's own JSON resources leads to its HTML page in this language (what a reader following it wants)."""
    shown = []
    for entry in document.get("links", []):
        to_page = entry["type"] in (JSON, GEOJSON) and entry["rel"] not in ("enclosure", "self")
        shown.append({**entry, "href": html_href(entry["href"], language) if to_page else entry["href"]})
    return shown


def _json_href(document: dict[str, Any]) -> str:
    """The document's own address in JSON: its self link, with f=json (the self link of items carries the request's
    parameters, f=html among them)."""
    return with_params(next(entry["href"] for entry in document["links"] if entry["rel"] == "self"), f="json")


def _value_text(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "" if value is None else str(value)


def ogc_page(site: Site, kind: str, document: dict[str, Any], language: str, path: str,
             layer: AtlasLayer | None = None) -> str:
    """One OGC resource as HTML; ``path`` is the request's path and query (its language versions differ in lang)."""
    heading = {
        "landing": lambda: document["title"],
        "conformance": lambda: translate("ogc.html.conformance", language),
        "collections": lambda: translate("ogc.html.collections", language),
        "collection": lambda: document["title"],
        "items": lambda: translate("ogc.html.items_of", language, title=layer_text(layer.spec, "title", language)),
        "item": lambda: display_name(document["properties"], language),
    }[kind]()
    description = document.get("description") or translate("ogc.description", language)
    page = _base_page(site, language, f"{heading} — {translate('app.title', language)}", description,
                      lambda code: html_href(path, code), None, [], [])
    page.update({"kind": kind, "heading": heading, "json_href": _json_href(document), "links": _links(document, language),
                 "ogc_root": html_href(site.links.absolute("/ogc") or "/ogc", language)})
    if kind == "collections":
        page["collections"] = [{**c, "html_href": html_href(_json_href(c), language),
                                "items_href": html_href(next(x["href"] for x in c["links"] if x["rel"] == "items"),
                                                        language)} for c in document["collections"]]
    if kind == "items":
        page["features"] = [{"id": f["id"], "name": display_name(f["properties"], language),
                             "kind": f["properties"].get("kind"),
                             "href": html_href(_feature_href(document, f), language)}
                            for f in document["features"]]
        page["pages"] = [{"rel": x["rel"], "href": html_href(x["href"], language)}
                         for x in document["links"] if x["rel"] in ("prev", "next")]
    if kind == "item":
        page["properties"] = [{"name": name, "value": _value_text(value)}
                              for name, value in document["properties"].items()]
        page["geometry_type"] = (document.get("geometry") or {}).get("type")
    return _render(f"ogc/{kind}.html", language, page, document=document, languages=LANGUAGES)


def _feature_href(document: dict[str, Any], feature: dict[str, Any]) -> str:
    """A feature's own address: the items page's address, without its query, and the feature's id."""
    return f"{_json_href(document).partition('?')[0]}/{quote(str(feature['id']), safe='')}"
