"""The interactive map: the atlas's data and display options handed to the map page's folium elements.

The page ships every feature once, as GeoJSON, except a layer too large for it, which is drawn from the atlas's vector
tiles (``TILES_ABOVE_FEATURES``); popups, the layer list's behaviour and the feature table are drawn in
the browser by the static scripts in ``geo/map/static/cqatlas`` (see ``geo/map/mapelements.py``).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import xyzservices.providers as basemaps

from geo.data.atlas import Atlas, AtlasLayer
from geo.map.basemap import reference_cities
from geo.map.sources import default_node_modules
from geo.map.export_assets import export_assets
from geo.map.fonts import Fonts, atlas_fonts, page_code_points
from geo.map.page_data import catalog_script_name
from geo.map.bundle import map_bundles
from geo.data.i18n import LANGUAGES, catalog
from geo.data.registry import DATA_ATTRIBUTION, DATA_RELEASED, DATA_VERSION, GEONAMES_ATTRIBUTION
from geo.map.city_glance import city_glance
from geo.map.currency import currency, statuses_present
from geo.map.mapelements import AtlasMap, AtlasPage, Messages, PanelSection, json_block
from geo.data.schema import COMPUTED_FIGURES, DOCUMENTED_FIGURES, QUALITY_WORDING

# "Chongqing" frames the city's core: the free trade and bonded zones, terminals and universities (the outlying
# development zones come into view as one zooms out).
CITY_CORE_LAYERS = ("free_trade_zone", "bonded_zones", "logistics_hubs", "universities")
# Beyond this many features the map draws on one canvas: thousands of SVG nodes make panning and zooming stall.
CANVAS_ABOVE_FEATURES = 3000
# A layer with more points than this draws them in clusters (leaflet.markercluster, npm): tens of thousands of
# points, even on canvas, make every pan and zoom redraw them all.
CLUSTER_ABOVE_POINTS = 2000
CLUSTER_SCRIPT = "leaflet.markercluster/dist/leaflet.markercluster.js"
# A layer with more features than this does not travel inside the page: it is drawn from the release's vector tiles
# (PMTiles, read by byte ranges) with protomaps-leaflet (npm), loaded only when such a layer is on. Inlined, a point
# costs the page about 1.2 KB, all parsed and drawn before anything shows (bench/RESULTS.md, map page: 13 MB at
# 10,110 features, 123 MB at 100,110). Drawn from tiles, at 1,000 points a layer showed later than as GeoJSON (1.26×);
# at 100,000 it took 0.07× the bytes, 0.50× the time and 0.34× the heap (bench/RESULTS.md, large layers). Between
# the two, ten thousand is where the page passes ten megabytes; below it a layer keeps what only features at hand
# give: search, the feature table, the year filter and the complete popup.
TILES_ABOVE_FEATURES = 10_000
TILES_SCRIPT = "protomaps-leaflet/dist/protomaps-leaflet.js"
# jsPDF (npm) for the map's PDF export, loaded only then; its build is a script of its own (see static/export).
PDF_SCRIPT = "jspdf/dist/jspdf.umd.min.js"
# Areas do not date the way counts do: the feature's ``figures_as_of`` is not shown beside them.
UNDATED_FIGURES = ("documented_area_km2", "documented_built_area_km2", "documented_floor_area_m2")
TILES = (("grey", basemaps.Esri.WorldGrayCanvas, "Light grey map (Esri, online)"),
         ("osm", basemaps.OpenStreetMap.Mapnik, "OpenStreetMap (online)"))
# The offline base map's sources: credited while its outlines are shown.
BASE_CREDITS = ("Outlines: Natural Earth", GEONAMES_ATTRIBUTION)
GEOMETRY_CLASSES = {"Polygon": "area", "MultiPolygon": "area", "LineString": "line", "MultiLineString": "line",
                    "Point": "point"}


def _kinds_drawn(layer: AtlasLayer) -> list[dict[str, Any]]:
    """Each kind that occurs in the layer, with its style and the geometries it is drawn with (for the legend)."""
    drawn: dict[str, set[str]] = {}
    for feature in layer.features:
        drawn.setdefault(feature.properties["kind"], set()).add(GEOMETRY_CLASSES[feature.geometry.geom_type])
    return [{"kind": kind, "label": style.label, "style": style.model_dump(),
             "geometries": [g for g in ("area", "line", "point") if g in drawn[kind]]}
            for kind, style in layer.spec.kinds.items() if kind in drawn]


def _third_party_credits(credits: tuple[str, ...]) -> list[str]:
    """What a layer owes others (e.g. OpenStreetMap under the ODbL), one item per credit, shown on the map while the
    layer is on. The page adds each credit on its own, so a credit two visible layers owe is shown once.

    Leaflet inserts attributions as HTML, so each text is escaped here.
    """
    return [html.escape(credit) for credit in credits if credit != DATA_ATTRIBUTION]


def atlas_json_ld(atlas: Atlas, download_href: Callable[[str], str]) -> dict[str, Any]:
    """schema.org data of the whole atlas for the map page: a Dataset with its version, licence and each layer's
    GeoJSON as a download."""
    return {"@context": "https://schema.org", "@type": "Dataset", "name": "Chongqing Trade Atlas",
            "description": "Curated, sourced map layers of Chongqing's trade zones, corridors, hubs and city-wide "
                           "figures, each figure with its unit, date and source.",
            "version": DATA_VERSION, "datePublished": DATA_RELEASED,
            "license": "https://creativecommons.org/licenses/by/4.0/", "isAccessibleForFree": True,
            "creator": {"@type": "Organization", "name": "Chongqing Trade Atlas contributors"},
            "distribution": [{"@type": "DataDownload", "name": layer.spec.title, "encodingFormat": "application/geo+json",
                              "contentUrl": download_href(layer.spec.id)} for layer in atlas.layers]}


def _layer_entries(atlas: Atlas, download_href: Callable[[str], str]) -> list[dict[str, Any]]:
    return [{"id": layer.spec.id, "title": layer.spec.title, "group": layer.spec.group, "count": len(layer.features),
             "shown": layer.spec.shown_initially, "download": download_href(layer.spec.id),
             "cluster": sum(f.geometry.geom_type == "Point" for f in layer.features) > CLUSTER_ABOVE_POINTS,
             "credits": _third_party_credits(layer.spec.credits),
             "kinds": _kinds_drawn(layer)} for layer in atlas.layers]


def tiled_layer_ids(atlas: Atlas) -> tuple[str, ...]:
    """The layers too large to travel inside the page (drawn from vector tiles where an archive is at hand)."""
    return tuple(layer.spec.id for layer in atlas.layers if len(layer.features) > TILES_ABOVE_FEATURES)


def _union_bounds(layers: list[AtlasLayer]) -> list[list[float]]:
    boxes = [layer.bbox for layer in layers if layer.features]
    return [[min(b[1] for b in boxes), min(b[0] for b in boxes)], [max(b[3] for b in boxes), max(b[2] for b in boxes)]]


def map_config(atlas: Atlas, layers: list[dict[str, Any]], messages: Messages) -> dict[str, Any]:
    """Everything the page's scripts need besides the features: styles, figure metadata, frames, messages."""
    corridors = [layer for layer in atlas.layers if layer.spec.group == "Corridors"]
    core = [layer for layer in atlas.layers if layer.spec.id in CITY_CORE_LAYERS]
    return {
        "lang": messages.lang,
        # context: drawn for orientation (districts), neither catching taps over a popup nor marked undated.
        "layers": [{key: entry[key] for key in ("id", "title", "shown", "download", "credits", "cluster")}
                   | {"kinds": {k["kind"]: k["style"] | {"label": k["label"]} for k in entry["kinds"]},
                      "context": entry["group"] == "Context"}
                   for entry in layers],
        "figures": {"documented": DOCUMENTED_FIGURES, "computed": COMPUTED_FIGURES, "undated": UNDATED_FIGURES},
        "quality": QUALITY_WORDING,
        "statuses": statuses_present(atlas),
        "currency": currency(atlas),
        "frames": {"chongqing": _union_bounds(core), "corridors": _union_bounds(corridors)},
        "tiles": [{"id": tile_id, "url": provider.build_url(), "attribution": provider.html_attribution,
                   "maxZoom": provider.get("max_zoom", 19)} for tile_id, provider, _ in TILES],
    }


def render_map(
    atlas: Atlas,
    *,
    asset_base: str,
    download_href: Callable[[str], str],
    data_scripts: dict[str, str],
    outlines: dict[str, Any] | None = None,
    lang: str = "en",
    api_base: str | None = None,
    routes: dict[str, Any] | None = None,
    routes_api: str | None = None,
    node_modules: Path | None = None,
    pages_href: str | None = None,
    feature_page_href: str | None = None,
    embed_href: str | None = None,
    embed_of: str | None = None,
    extra_assets: tuple[str, ...] = (),
    whole_atlas: list[tuple[Any, ...]] | None = None,
    tiles_archive: str | None = None,
    tiled: tuple[str, ...] = (),
    layer_files: dict[str, list[dict[str, Any]]] | None = None,
    items_href: str | None = None,
) -> tuple[str, Fonts]:
    """The whole map page as HTML, and the fonts it loads. ``asset_base`` prefixes local JS/CSS; nothing is loaded
    from a CDN.

    ``data_scripts``: where each of ``geo.map.page_data.page_data_scripts`` is (name -> address): the routes' comparisons,
    the city card's figures and the other languages' messages load from there when first needed.

    ``whole_atlas``: (format name, address[, bytes]) of each download of the whole atlas, offered whatever the view.

    ``tiles_archive``: where the atlas's PMTiles archive is; the layers ``tiled`` are then drawn from it instead of
    being inlined (without an archive every layer is inlined).

    ``items_href``: where a layer's features are asked for by text or box ("{id}" filled in; OGC API – Features
    items), so the search and the feature table find the features of tiled layers; without it they read the tiles
    drawn in view.

    ``layer_files``: each layer's files as a static copy offers them (``format``, ``href``, ``bytes``), listed in the
    download panel where there is no API to make a selection."""
    node_modules = node_modules or default_node_modules()
    messages = Messages(lang)
    layers = _layer_entries(atlas, download_href)
    page = AtlasPage(title=messages("app.title"), lang=lang, description=messages("app.description"),
                     json_ld=json_block(atlas_json_ld(atlas, download_href)))
    feature_count = sum(len(layer.features) for layer in atlas.layers)
    config = map_config(atlas, layers, messages)
    # The page's own messages (and English, which fills any gap) travel with it; another language's load on switching.
    config["languages"] = list(LANGUAGES)
    config["catalogs"] = {code: catalog(code) for code in dict.fromkeys((lang, "en"))}
    config["api"] = api_base
    # Where each feature's page is ("{id}", "{lang}" and "{suffix}" filled in by the popup), and the embed page.
    config["pages"] = {"feature": feature_page_href, "embed": embed_href} if feature_page_href else None
    glance = city_glance(atlas)
    base = {"outlines": outlines, "cities": reference_cities(), "credits": _third_party_credits(BASE_CREDITS)}
    tiled = tiled if tiles_archive else ()
    for spec in config["layers"]:
        if spec["id"] in tiled:
            spec["tileZooms"] = list(next(layer.spec.tile_zooms for layer in atlas.layers if layer.spec.id == spec["id"]))
            spec["cluster"] = False
    config["tiledLayers"] = {"archive": tiles_archive, "items": items_href} if tiled else None
    for spec in config["layers"]:
        spec["files"] = (layer_files or {}).get(spec["id"], [])
    data = {layer.spec.id: layer.feature_collection() for layer in atlas.layers if layer.spec.id not in tiled}
    # Whatever the page may show in Chinese or Persian: the data, every language's messages, routes and city card.
    code_points = page_code_points(config, data, base, routes, glance, *(catalog(code) for code in LANGUAGES))
    fonts = atlas_fonts(node_modules, code_points)
    # Print and export: its script and each language's font load only when a reader asks for a PNG or PDF.
    exports = export_assets(node_modules, code_points)
    config["fonts"] = f"{asset_base}{fonts.stylesheet}"
    bundles = map_bundles(node_modules)
    # Loaded by the sections that chart (routes, the city card) when they are first shown, not with the page.
    config["scripts"] = {"chart": f"{asset_base}chart.js/dist/chart.umd.min.js",
                         "deferred": f"{asset_base}{bundles.deferred}",  # the parts the first drawing does without
                         "cluster": f"{asset_base}{CLUSTER_SCRIPT}",  # loaded only where a layer clusters
                         "tiles": f"{asset_base}{TILES_SCRIPT}",  # loaded only when a tiled layer is on
                         "catalogs": {code: data_scripts[catalog_script_name(code)] for code in LANGUAGES
                                      if code not in config["catalogs"]},
                         "export": {"script": f"{asset_base}{exports.script}", "pdf": f"{asset_base}{PDF_SCRIPT}",
                                    "stylesheet": f"{asset_base}{exports.stylesheet}",
                                    "fonts": {code: f"{asset_base}{name}" for code, name in exports.fonts.items()}}}
    config["version"] = {"version": DATA_VERSION, "released": DATA_RELEASED}
    fmap = AtlasMap(
        page, asset_base, bundles, messages, config=config, base=base, data=data,
        location=[29.56, 106.55], zoom_start=9, prefer_canvas=feature_count > CANVAS_ABOVE_FEATURES,
        zoom_control="topright", control_scale=True,
    )
    fmap.pages_href = pages_href
    # The embed page: the same map without its panel, linking to the full atlas ``embed_of``; ``extra_assets``
    # (asset names) bring the compact layout and the link that carries the view.
    fmap.embed_of = embed_of
    fmap.stylesheets += [f"{asset_base}{name}" for name in extra_assets if name.endswith(".css")]
    fmap.extra_scripts = [f"{asset_base}{name}" for name in extra_assets if name.endswith(".js")]
    groups: dict[str, list[dict[str, Any]]] = {}
    for entry in layers:
        groups.setdefault(entry["group"], []).append(entry)
    fmap.add_section(PanelSection("language", messages, languages=LANGUAGES))
    fmap.add_section(PanelSection("frame", messages, frames=[
        {"id": "chongqing", "label": messages("frame.chongqing")},
        {"id": "corridors", "label": messages("frame.corridors")}]))
    fmap.add_section(PanelSection("search", messages))
    fmap.add_section(PanelSection("layers", messages,
                                  groups=[{"name": name, "layers": entries} for name, entries in groups.items()],
                                  tiles=[{"id": tile_id, "name": name} for tile_id, _, name in TILES]))
    fmap.add_section(PanelSection("time", messages))
    if config["statuses"] or config["currency"]:
        fmap.add_section(PanelSection("status", messages, statuses=config["statuses"], currency=config["currency"]))
    # Routes and the city card before the (long) feature table.
    if routes is not None:
        fmap.add_section(PanelSection("routes", messages, routes_api=routes_api, data_src=data_scripts["routes"]))
    if glance is not None:
        fmap.add_section(PanelSection("glance", messages, glance=glance, data_src=data_scripts["glance"]))
    fmap.add_section(PanelSection("table", messages))
    fmap.add_section(PanelSection("download", messages, whole_atlas=whole_atlas or []))
    if not embed_of:
        fmap.add_section(PanelSection("export", messages))
    if embed_href and not embed_of:
        fmap.add_section(PanelSection("embed", messages))
    # Every file the page may load that was made for it: its fonts, and the export's bundle and fonts.
    return page.render(), Fonts(stylesheet=fonts.stylesheet, files=fonts.files | exports.files)


def tile_origins() -> list[str]:
    urls = [provider.build_url() for _, provider, _ in TILES]
    return sorted({f"{urlsplit(url).scheme}://{urlsplit(url).hostname}" for url in urls})
