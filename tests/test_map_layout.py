"""Where the map's own controls sit, in a real Chromium at desktop and phone sizes, left to right and right to left:
nothing hides another, and the panel toggle goes with the panel."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browsing import close_map, DESKTOP, PHONE, open_map, page_url
from tests.conftest import LiveServer

pytestmark = pytest.mark.browser

RECT = "selector => { const r = document.querySelector(selector).getBoundingClientRect();" \
       " return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height}; }"


def open_in(browser: Any, map_url: str, lang: str, size: str = "desktop") -> Any:
    """The map opened by a link naming its language, as a reader's shared link does."""
    watch = open_map(browser, f"{map_url}#lang={lang}", "served", DESKTOP if size == "desktop" else PHONE,
                     phone=size == "phone")
    watch.page.wait_for_function("lang => document.documentElement.lang === lang", arg=lang)
    return watch


def rect(page: Any, selector: str) -> dict[str, float]:
    return page.evaluate(RECT, selector)


def overlap(a: dict[str, float], b: dict[str, float]) -> float:
    """Area two boxes share, in square pixels."""
    return max(0.0, min(a["right"], b["right"]) - max(a["left"], b["left"])) * \
        max(0.0, min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]))


@pytest.fixture(scope="module")
def map_url(live_server: LiveServer, built_site: Any) -> str:
    return page_url("served", live_server, built_site)


@pytest.mark.parametrize("lang", ["en", "zh", "fa"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_scale_bar_is_not_under_the_credits(browser: Any, map_url: str, lang: str, size: str) -> None:
    watch = open_in(browser, map_url, lang, size)
    page = watch.page
    try:
        scale, credits = rect(page, ".leaflet-control-scale"), rect(page, ".leaflet-control-attribution")
        assert scale["width"] > 0 and credits["width"] > 0
        assert overlap(scale, credits) == 0, (scale, credits)
        watch.check()
    finally:
        close_map(page)


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_the_panel_toggle_goes_with_the_panel(browser: Any, map_url: str, lang: str) -> None:
    watch = open_in(browser, map_url, lang)
    page = watch.page
    try:
        toggle, panel, zoom = rect(page, "#cq-panel-toggle"), rect(page, "#cq-panel"), rect(page, ".leaflet-control-zoom")
        # Beside the open panel, on the map's side of it: right of it in English, left of it in Persian.
        if lang == "fa":
            assert panel["left"] - 40 <= toggle["right"] <= panel["left"], (toggle, panel)
        else:
            assert panel["right"] <= toggle["left"] <= panel["right"] + 40, (toggle, panel)
        assert overlap(toggle, zoom) == 0
        page.click("#cq-panel-toggle")  # panel hidden: the toggle at the map's edge, still clear of the zoom
        page.wait_for_function("() => document.getElementById('cq-panel').hidden")
        toggle, zoom = rect(page, "#cq-panel-toggle"), rect(page, ".leaflet-control-zoom")
        width = page.evaluate("window.innerWidth")
        assert (toggle["right"] >= width - 40) if lang == "fa" else (toggle["left"] <= 40), toggle
        assert overlap(toggle, zoom) == 0, (toggle, zoom)
        watch.check()
    finally:
        close_map(page)


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_on_a_phone_the_zoom_does_not_cover_the_panel_toggle(browser: Any, map_url: str, lang: str) -> None:
    watch = open_in(browser, map_url, lang, "phone")
    page = watch.page
    try:
        assert page.evaluate("document.getElementById('cq-panel').hidden")  # as a phone opens it
        toggle, zoom = rect(page, "#cq-panel-toggle"), rect(page, ".leaflet-control-zoom")
        assert overlap(toggle, zoom) == 0, (toggle, zoom)
        # Its text is whole: not clipped by the screen's edge.
        assert 0 <= toggle["left"] and toggle["right"] <= PHONE["width"], toggle
        watch.check()
    finally:
        close_map(page)
