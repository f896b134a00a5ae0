"""The map on a phone (390×844, touch) and at desktop size, in a real Chromium: a popup is never trapped (its close
button is not under the zoom buttons, a tap beside it dismisses it rather than opening the district under the finger,
a route comparison does not leave it over the routes), small controls are big enough to tap, and the bottom sheet
leaves the routes compared in sight."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browsing import close_map, DESKTOP, PHONE, POPUP_SETTLED, open_map
from tests.conftest import ARTIFACTS, LAYERS_DIR, LiveServer, read_layer

pytestmark = pytest.mark.browser

# WCAG 2.2 success criterion 2.5.8 (Target Size, Minimum): at least 24 by 24 CSS pixels.
MIN_TARGET = 24
HUB = read_layer(LAYERS_DIR, "logistics_hubs")["features"][0]["properties"]["id"]
RECT = "e => { const r = e.getBoundingClientRect(); return {left: r.left, right: r.right, top: r.top, bottom: r.bottom," \
       " width: r.width, height: r.height}; }"


@pytest.fixture(scope="module")
def map_url(live_server: LiveServer) -> str:
    return live_server.url + "/"


def open_at(browser: Any, map_url: str, lang: str, size: str) -> Any:
    watch = open_map(browser, f"{map_url}#lang={lang}", "served", PHONE if size == "phone" else DESKTOP,
                     phone=size == "phone")
    watch.page.wait_for_function("lang => document.documentElement.lang === lang", arg=lang)
    return watch


def overlap(a: dict[str, float], b: dict[str, float]) -> float:
    return max(0.0, min(a["right"], b["right"]) - max(a["left"], b["left"])) * \
        max(0.0, min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]))


def popup_open(page: Any) -> bool:
    return page.locator(".leaflet-popup").count() > 0


def open_popup_near_the_zoom_buttons(page: Any, feature_id: str) -> None:
    """The feature put just left of and below the zoom buttons' corner (right to left: the mirrored corner), then
    its popup opened there, as a reader tapping it would."""
    page.evaluate("""id => { const e = cqAtlas.byId[id], m = cqAtlasMap, size = m.getSize();
        const rtl = document.documentElement.dir === 'rtl';
        const at = m.latLngToContainerPoint(e.shape.getLatLng ? e.shape.getLatLng() : e.shape.getCenter());
        m.panBy([at.x - (rtl ? 70 : size.x - 70), at.y - 140], {animate: false});
        cqAtlas.open(e); }""", feature_id)
    page.locator(".leaflet-popup-content").wait_for()
    page.wait_for_function(POPUP_SETTLED, polling=100, timeout=10_000)


@pytest.mark.parametrize("lang", ["en", "fa"])
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_popups_close_button_is_not_under_the_zoom_buttons(browser: Any, map_url: str, lang: str,
                                                               size: str) -> None:
    watch = open_at(browser, map_url, lang, size)
    page = watch.page
    try:
        open_popup_near_the_zoom_buttons(page, HUB)
        close = page.locator(".leaflet-popup-close-button").evaluate(RECT)
        controls = page.locator(".leaflet-top .leaflet-control").evaluate_all(f"els => els.map({RECT})")
        assert controls and all(overlap(close, c) == 0 for c in controls), (close, controls)
        zoom = page.evaluate("cqAtlasMap.getZoom()")
        x, y = close["left"] + close["width"] / 2, close["top"] + close["height"] / 2
        if size == "phone":
            page.touchscreen.tap(x, y)
        else:
            page.mouse.click(x, y)
        page.wait_for_function("() => !document.querySelector('.leaflet-popup')", timeout=5000)
        page.wait_for_timeout(400)  # a zoom-out (what the tap used to do) would have started by now
        assert page.evaluate("cqAtlasMap.getZoom()") == zoom
        watch.check()
    finally:
        close_map(page)


def district_point_beside_the_popup(page: Any) -> dict[str, float]:
    """A point of the screen where the finger lands on a district outline's area only: outside the popup, the
    controls and every other feature."""
    point = page.evaluate("""() => {
        const popup = document.querySelector('.leaflet-popup');
        const box = popup ? popup.getBoundingClientRect() : null;
        const map = document.querySelector('.cq-map').getBoundingClientRect();
        for (let y = map.bottom - 60; y > map.top + 90; y -= 17) {
          for (let x = map.left + 30; x < map.right - 30; x += 23) {
            if (box && x > box.left - 10 && x < box.right + 10 && y > box.top - 10 && y < box.bottom + 30) continue;
            const hit = document.elementFromPoint(x, y);
            if (hit && hit.classList && hit.classList.contains('cq-layer-districts')) return {x, y};
          }
        }
        return null; }""")
    assert point, "no district on screen to tap"
    return point


def test_a_tap_beside_a_popup_dismisses_it_without_opening_the_district_under_the_finger(browser: Any,
                                                                                         map_url: str) -> None:
    watch = open_at(browser, map_url, "en", "phone")
    page = watch.page
    try:
        page.evaluate("id => cqAtlas.open(id)", HUB)
        page.wait_for_function(POPUP_SETTLED, polling=100, timeout=10_000)
        point = district_point_beside_the_popup(page)
        page.touchscreen.tap(point["x"], point["y"])
        page.wait_for_timeout(500)
        assert not popup_open(page), page.locator(".leaflet-popup-content").inner_text()
        # With no popup open, the district is there to be tapped.
        page.touchscreen.tap(point["x"], point["y"])
        page.locator(".leaflet-popup-content").wait_for(timeout=5000)
        assert page.evaluate("cqAtlas.byId[cqAtlas.state.selected].spec.id") == "districts"
        watch.check()
    finally:
        close_map(page)


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_comparing_routes_on_a_phone_closes_the_popup_and_shows_the_routes_above_the_sheet(
        browser: Any, map_url: str, lang: str) -> None:
    watch = open_at(browser, map_url, lang, "phone")
    page = watch.page
    try:
        page.evaluate("id => cqAtlas.open(id)", HUB)
        page.locator(".leaflet-popup-content").wait_for()
        page.locator("#cq-panel-toggle").tap()
        page.locator("#cq-routes-heading").scroll_into_view_if_needed()
        page.locator("#cq-routes-heading").click()
        page.wait_for_selector("#cq-routes[data-shown='chongqing/duisburg'][data-drawn]")
        page.wait_for_function("() => !document.querySelector('.leaflet-popup')", timeout=5000)
        sheet = page.locator("#cq-panel").evaluate(RECT)
        assert sheet["height"] <= 0.45 * PHONE["height"], sheet
        # Every route drawn lies in the part of the map above the sheet, once the map has settled.
        page.wait_for_function("""top => Array.from(document.querySelectorAll('path.cq-route-line')).every(p => {
            const r = p.getBoundingClientRect(); return r.width + r.height > 0 && r.top >= 0 && r.bottom <= top &&
            r.left >= 0 && r.right <= window.innerWidth; })""", arg=sheet["top"], timeout=5000)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"phone-routes-{lang}.png"))
        watch.check()
    finally:
        close_map(page)


TARGETS = {
    "layer and base map boxes": ".cq-layers input[type=checkbox], .cq-layers input[type=radio]",
    "status boxes": ".cq-status-section input",
    "layers' GeoJSON links": ".cq-layer-download",
    "year slider": "#cq-year",
    "download links": "#cq-download-links a",
    "city card's source links": ".cq-glance-sources a",
    "feature table's page links": "#cq-table a.cq-table-page",
}


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_small_controls_are_big_enough_to_tap_on_a_phone(browser: Any, map_url: str, lang: str) -> None:
    watch = open_at(browser, map_url, lang, "phone")
    page = watch.page
    try:
        page.locator("#cq-panel-toggle").tap()
        page.locator("#cq-glance-heading").scroll_into_view_if_needed()
        page.wait_for_selector(".cq-glance-sources a")
        small = {}
        for name, selector in TARGETS.items():
            boxes = page.locator(selector).evaluate_all(f"els => els.map({RECT})")
            assert boxes, name
            small[name] = [b for b in boxes if b["width"] < MIN_TARGET or b["height"] < MIN_TARGET][:3]
        page.evaluate("id => cqAtlas.open(id)", HUB)
        page.wait_for_function(POPUP_SETTLED, polling=100, timeout=10_000)
        for name, selector in {"popup's links": ".cq-popup .cq-download a, .cq-popup .cq-page-link a",
                               "popup's close button": ".leaflet-popup-close-button"}.items():
            boxes = page.locator(selector).evaluate_all(f"els => els.map({RECT})")
            assert boxes, name
            small[name] = [b for b in boxes if b["width"] < MIN_TARGET or b["height"] < MIN_TARGET][:3]
        assert {name: boxes for name, boxes in small.items() if boxes} == {}
        watch.check()
    finally:
        close_map(page)
