"""The feature pages, layer pages and the index of layers as HTML, in one language, for the served or static site.

Templates under ``geo/pages/templates`` (autoescaped: attribute text is data); behaviour in ``static/pages.js``,
bundled by esbuild as ``cqatlas/pages.<hash>.js`` beside the map's bundle.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from geo.data.atlas import Atlas, AtlasFeature, AtlasLayer
from geo.data.i18n import LANGUAGES, RIGHT_TO_LEFT, group_key, layer_text, translate
from geo.data.registry import DATA_LICENSE, DATA_RELEASED, DATA_VERSION
from geo.map.bundle import Bundles, named_bundles
from geo.map.mapelements import json_block
from geo.map.sources import FAVICON
from geo.pages.cite import Citable, citation_blocks, json_ld
from geo.pages.facts import feature_facts
from geo.pages.figure_text import format_number
from geo.pages.layer_table import layer_table
from geo.pages.links import Links

PACKAGE = Path(__file__).resolve().parent
STATIC = PACKAGE / "static"
ENVIRONMENT = Environment(loader=FileSystemLoader(PACKAGE / "templates"),
                          autoescape=select_autoescape(("html", "xml")), keep_trailing_newline=True)
OG_LOCALES = {"en": "en_GB", "zh": "zh_CN", "fa": "fa_IR"}
CHART_SCRIPT = "chart.js/dist/chart.umd.min.js"
LEAFLET_SCRIPT = "leaflet/dist/leaflet.js"
LEAFLET_STYLESHEET = "leaflet/dist/leaflet.css"
# The small maps' offline base (country outlines), one data script for every page (see geo.map.page_data).
OUTLINES_SCRIPT = "outlines"


def pages_bundles(node_modules: Path) -> Bundles:
    return named_bundles(node_modules, "pages", {"js": STATIC / "pages.js", "css": STATIC / "pages.css"})


@dataclass(frozen=True)
class PageAssets:
    """What the pages of one build load: their bundles, the fonts cut for the atlas, the small maps' outlines."""

    bundles: Bundles
    fonts_stylesheet: str  # asset name of the fonts cut for the atlas's text
    outlines_script: str | None  # file name of the outlines data script


@dataclass(frozen=True)
class Site:
    """What every page of one build shares: the atlas, its addresses, the page bundles, fonts and base map."""

    atlas: Atlas
    links: Links
    bundles: Bundles
    fonts_stylesheet: str
    outlines_script: str | None

    @classmethod
    def of(cls, atlas: Atlas, links: Links, assets: PageAssets) -> "Site":
        return cls(atlas, links, assets.bundles, assets.fonts_stylesheet, assets.outlines_script)


def _t(language: str):
    return lambda key, **values: translate(key, language, **values)


def _alternates(site: Site, href, language: str) -> list[dict[str, Any]]:
    return [{"lang": code, "name": translate(f"lang.{code}", code), "href": href(code),
             "absolute": site.links.absolute(href(code))} for code in LANGUAGES]


def _base_page(site: Site, language: str, title: str, description: str, href, cite: Citable | None,
               scripts: list[str], stylesheets: list[str], data_scripts: tuple[str, ...] = ()) -> dict[str, Any]:
    links = site.links
    alternates = _alternates(site, href, language)
    return {
        "lang": language, "dir": "rtl" if language in RIGHT_TO_LEFT else "ltr", "title": title,
        "description": description, "canonical": links.absolute(href(language)), "alternates": alternates,
        "og_locale": OG_LOCALES[language], "fonts": links.asset(site.fonts_stylesheet), "favicon": links.asset(FAVICON),
        "stylesheets": [*stylesheets, links.asset(site.bundles.stylesheet)],
        # Data scripts hand their data to CQAtlas.receive, which the bundle defines: they come after it.
        "scripts": [*scripts, links.asset(site.bundles.script), *data_scripts],
        "map_href": links.map(language), "layers_href": links.layers_index(language),
        "version": DATA_VERSION, "released": DATA_RELEASED, "license": DATA_LICENSE,
        "cite": citation_blocks(cite) if cite else None, "json_ld": json_block(json_ld(cite)) if cite else
        json_block({"@context": "https://schema.org", "@type": "WebPage", "name": title}),
    }


def _render(template: str, language: str, page: dict[str, Any], **extra: Any) -> str:
    return ENVIRONMENT.get_template(template).render(page=page, t=_t(language),
                                                     num=lambda n: format_number(n, language), **extra)


def feature_citable(site: Site, feature: AtlasFeature, language: str = "en") -> Citable:
    props = feature.properties
    point = feature.geometry.representative_point()
    return Citable(key=f"cqatlas-{feature.id}-{DATA_VERSION}", title=props["name_en"],
                   url=site.links.absolute(site.links.feature(feature.id, language)), kind="feature",
                   description=props["description_en"], sources=tuple(props.get("sources") or ()),
                   names=tuple((code, props[f"name_{code}"]) for code in LANGUAGES if props.get(f"name_{code}")),
                   coordinates=(round(point.x, 5), round(point.y, 5)),
                   license=site.atlas.layer(feature.layer_id).spec.license)


def feature_page(site: Site, feature: AtlasFeature, language: str) -> str:
    links, layer = site.links, site.atlas.layer(feature.layer_id)
    facts = feature_facts(site.atlas, feature, language)
    kind, layer_title = facts["kind"], layer_text(layer.spec, "title", language)
    title = f"{facts['name']} — {translate('app.title', language)}"
    description = translate("pages.feature_summary", language, kind=kind, layer=layer_title)
    has_series = any(fig["series"] for fig in facts["figures"])
    scripts = [links.asset(LEAFLET_SCRIPT)] + ([links.asset(CHART_SCRIPT)] if has_series else [])
    data = (links.data_script(site.outlines_script),) if site.outlines_script else ()
    page = _base_page(site, language, title, description, lambda code: links.feature(feature.id, code),
                      feature_citable(site, feature), scripts, [links.asset(LEAFLET_STYLESHEET)], data)
    page.update({
        "facts": facts, "layer_title": layer_title, "layer_href": links.layer(layer.spec.id, language),
        "map_feature_href": links.map(language, feature.id),
        "feature_json": json_block(feature.to_geojson()),
        "downloads": [{"format": ext, "href": links.feature_download(layer.spec.id, feature.id, ext),
                       "label": translate("pages.download_as", language, format=ext.upper())}
                      for ext in links.feature_formats],
    })
    return _render("feature.html", language, page)


def layer_citable(site: Site, layer: AtlasLayer, language: str = "en") -> Citable:
    sources = {s["url"]: s for f in layer.features for s in f.properties.get("sources") or []}
    return Citable(key=f"cqatlas-{layer.spec.id}-{DATA_VERSION}", title=layer.spec.title,
                   url=site.links.absolute(site.links.layer(layer.spec.id, language)), kind="layer",
                   description=layer.spec.description, sources=tuple(sources.values()), license=layer.spec.license)


def layer_page(site: Site, layer: AtlasLayer, language: str) -> str:
    links = site.links
    title_text = layer_text(layer.spec, "title", language)
    description = layer_text(layer.spec, "description", language)
    page = _base_page(site, language, f"{title_text} — {translate('app.title', language)}", description,
                      lambda code: links.layer(layer.spec.id, code), layer_citable(site, layer), [], [])
    page.update({
        "layer_id": layer.spec.id, "layer_title": title_text, "layer_description": description,
        "table": layer_table(site.atlas, layer, language), "table_csv": links.layer_table_csv(layer.spec.id),
        "credits": layer.spec.credits, "license": layer.spec.license,
        "downloads": [{"format": ext, "href": href, "label": translate("pages.download_layer_as", language,
                                                                       format=ext.upper())}
                      for ext, href in links.layer_downloads(layer.spec.id)],
    })
    return _render("layer.html", language, page, feature_href=lambda feature_id: links.feature(feature_id, language))


def layers_index_page(site: Site, language: str) -> str:
    links = site.links
    groups: dict[str, list[dict[str, Any]]] = {}
    for layer in site.atlas.layers:
        groups.setdefault(translate(group_key(layer.spec.group), language), []).append({
            "id": layer.spec.id, "title": layer_text(layer.spec, "title", language),
            "description": layer_text(layer.spec, "description", language), "count": len(layer.features),
            "href": links.layer(layer.spec.id, language)})
    title = f"{translate('pages.layers_title', language)} — {translate('app.title', language)}"
    page = _base_page(site, language, title, translate("app.tagline", language), links.layers_index, None, [], [])
    page["groups"] = [{"name": name, "layers": layers} for name, layers in groups.items()]
    return _render("layers.html", language, page)


def sitemap(site: Site) -> str | None:
    """Every page in every language, with its alternates; None where the site's address is unknown (a sitemap
    holds absolute addresses only)."""
    links = site.links
    if links.absolute(links.layers_index("en")) is None:
        return None
    hrefs = [links.layers_index, *(lambda code, i=layer.spec.id: links.layer(i, code) for layer in site.atlas.layers),
             *(lambda code, i=feature.id: links.feature(i, code) for feature in site.atlas.features())]
    map_href = links.absolute(links.map("en").partition("#")[0])
    entries = [{"loc": map_href, "alternates": []}]
    for href in hrefs:
        alternates = [{"lang": code, "href": links.absolute(href(code))} for code in LANGUAGES]
        entries += [{"loc": alt["href"], "alternates": alternates} for alt in alternates]
    return ENVIRONMENT.get_template("sitemap.xml").render(entries=entries)

