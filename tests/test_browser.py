"""The map in a real browser (Debian's Chromium via Playwright): served live and opened from disk."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import xyzservices.providers as basemaps

from geo.atlas import Atlas, AtlasFeature
from tests.conftest import ARTIFACTS, LiveServer

pytestmark = pytest.mark.browser

# The one kind of request allowed to leave the machine: base-map tiles (they may fail offline).
TILE_HOSTS = {urlsplit(p.build_url()).hostname for p in (basemaps.Esri.WorldGrayCanvas, basemaps.OpenStreetMap.Mapnik)}


@dataclass
class PageWatch:
    page: Any
    errors: list[str] = field(default_factory=list)
    escaped_requests: list[str] = field(default_factory=list)
    failed_local: list[str] = field(default_factory=list)


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("file", "data", "about") or parts.hostname == "127.0.0.1"


@pytest.fixture(params=["served", "static"])
def map_page(request: pytest.FixtureRequest, browser: Any, live_server: LiveServer, built_site: Path) -> Iterator[PageWatch]:
    url = live_server.url + "/" if request.param == "served" else (built_site / "index.html").as_uri()
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    watch = PageWatch(page)
    page.on("pageerror", lambda exc: watch.errors.append(str(exc)))

    def route(route: Any) -> None:
        url = route.request.url
        if _is_local(url):
            route.continue_()
        else:
            if urlsplit(url).hostname not in TILE_HOSTS:
                watch.escaped_requests.append(url)
            route.abort()  # tests run offline: even tiles are not fetched

    page.route("**/*", route)
    page.on("requestfailed", lambda req: watch.failed_local.append(req.url) if _is_local(req.url) else None)
    page.on("response", lambda resp: watch.failed_local.append(f"{resp.status} {resp.url}")
            if _is_local(resp.url) and resp.status >= 400 else None)
    page.goto(url)
    page.wait_for_function("window.cqAtlasMap !== undefined")
    watch.mode = request.param  # type: ignore[attr-defined]
    yield watch
    context.close()
    assert watch.errors == [], watch.errors
    assert watch.escaped_requests == [], watch.escaped_requests
    assert watch.failed_local == [], watch.failed_local


def css_id(feature_id: str) -> str:
    return f".cq-f-{feature_id}"


def clickable_point(atlas: Atlas, feature: AtlasFeature) -> Any:
    """A point inside the feature not covered by anything drawn above it (smaller zones, lines, markers)."""
    from shapely.ops import unary_union

    area = feature.properties.get("area_km2", 0)
    above = [f.geometry.buffer(0.004) if f.geometry.geom_type != "Polygon" and "Polygon" not in f.geometry.geom_type
             else f.geometry for f in atlas.features()
             if f.id != feature.id and f.properties.get("area_km2", 0) <= area]
    return feature.geometry.difference(unary_union(above)).buffer(-0.001).representative_point()


def frame_feature(page: Any, feature: AtlasFeature, atlas: Atlas) -> tuple[float, float]:
    """Zoom the map onto a feature and return the screen position of a point inside it."""
    minx, miny, maxx, maxy = feature.geometry.bounds
    page.evaluate(f"window.cqAtlasMap.fitBounds([[{miny}, {minx}], [{maxy}, {maxx}]], {{animate: false, maxZoom: 14}})")
    inside = clickable_point(atlas, feature)
    point = page.evaluate(f"(() => {{ const p = window.cqAtlasMap.latLngToContainerPoint([{inside.y}, {inside.x}]);"
                          "const r = document.querySelector('.folium-map').getBoundingClientRect();"
                          "return [p.x + r.left, p.y + r.top]; })()")
    return point[0], point[1]


def test_every_zone_corridor_and_hub_is_drawn(map_page: PageWatch, atlas: Atlas) -> None:
    page = map_page.page
    for feature in atlas.features():
        assert page.locator(css_id(feature.id)).count() >= 1, f"{feature.layer_id}/{feature.id} not drawn"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"map-{map_page.mode}.png"))  # type: ignore[attr-defined]


def test_clicking_a_zone_opens_its_popup_with_names_and_sources(map_page: PageWatch, atlas: Atlas) -> None:
    page = map_page.page
    for layer_id in ("bonded_zones", "free_trade_zone"):
        feature = atlas.layer(layer_id).features[0]
        x, y = frame_feature(page, feature, atlas)
        page.mouse.click(x, y)
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        props = feature.properties
        assert props["name_en"] in popup.inner_text()
        assert props["name_zh"] in popup.inner_text()
        if props["name_fa"]:
            assert page.locator(".leaflet-popup-content [dir=rtl]").inner_text() == props["name_fa"]
        links = page.locator(".leaflet-popup-content .cq-sources a")
        assert links.count() == len(props["sources"])
        assert all(links.nth(i).get_attribute("href").startswith(("http://", "https://")) for i in range(links.count()))
        assert "geometry" in popup.inner_text().lower()
        page.keyboard.press("Escape")
        page.evaluate("window.cqAtlasMap.closePopup()")


def test_toggling_a_layer_hides_and_shows_it(map_page: PageWatch, atlas: Atlas) -> None:
    page = map_page.page
    layer = atlas.layer("rail_europe")
    checkbox = page.get_by_label(layer.spec.title, exact=True)
    assert page.locator(".cq-layer-rail-europe").count() == len(layer.features)
    checkbox.uncheck()
    assert page.locator(".cq-layer-rail-europe").count() == 0
    checkbox.check()
    assert page.locator(".cq-layer-rail-europe").count() == len(layer.features)


def test_legend_explains_every_layer_and_links_downloads(map_page: PageWatch, atlas: Atlas) -> None:
    legend = map_page.page.locator(".cq-legend")
    assert legend.is_visible()
    text = legend.inner_text()
    for layer in atlas.layers:
        assert layer.spec.title in text
        for kind in {feature.properties["kind"] for feature in layer.features}:
            assert layer.spec.kinds[kind].label in text
    hrefs = [a.get_attribute("href") for a in legend.locator("a.cq-legend-download").all()]
    assert len(hrefs) == len(atlas.layers)


def test_show_corridors_frames_the_eurasian_network(map_page: PageWatch, atlas: Atlas) -> None:
    page = map_page.page
    assert page.evaluate("window.cqAtlasMap.getBounds().contains([29.56, 106.55])")
    assert not page.evaluate("window.cqAtlasMap.getBounds().contains([51.43, 6.76])")  # Duisburg not yet
    page.get_by_role("button", name="Show corridors").click()
    page.wait_for_timeout(500)
    for layer_id in ("rail_europe", "land_sea_corridor", "yangtze_waterway"):
        minx, miny, maxx, maxy = atlas.layer(layer_id).bbox
        assert page.evaluate(f"window.cqAtlasMap.getBounds().pad(0.05).contains([[{miny}, {minx}], [{maxy}, {maxx}]])"), layer_id


def test_search_finds_a_feature_and_opens_its_popup(map_page: PageWatch, atlas: Atlas) -> None:
    page = map_page.page
    feature = atlas.layer("universities").features[0]
    page.locator(".leaflet-control-search input").press_sequentially(feature.properties["name_en"][:12], delay=20)
    tip = page.locator(".search-tip", has_text=feature.properties["name_en"]).first
    tip.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert feature.properties["name_en"] in popup.inner_text()


def test_popup_fits_a_phone_screen(browser: Any, built_site: Path, atlas: Atlas) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if _is_local(route.request.url) else route.abort())
    page.goto((built_site / "index.html").as_uri())
    page.wait_for_function("window.cqAtlasMap !== undefined")
    feature = max(atlas.layer("rail_europe").features, key=lambda f: len(f.properties["description_en"]))
    page.evaluate(f"window.cqAtlasMap.eachLayer(l => {{ if (l.feature && l.feature.id === '{feature.id}') l.openPopup(); }})")
    box = page.locator(".leaflet-popup-content-wrapper").bounding_box()
    assert box["width"] <= 375, box
    assert box["height"] <= 667 * 0.75
    assert page.locator(".leaflet-popup-content").inner_text().startswith(feature.properties["name_en"])
    page.screenshot(path=str(ARTIFACTS / "map-phone-popup.png"))
    context.close()
