"""The map by keyboard, on a phone, and under axe-core: every control reachable, every feature findable."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from geo.data.atlas import Atlas
from tests.browsing import close_map, DESKTOP, PHONE, axe_violations, open_map, open_popup_text, page_url
from tests.conftest import ARTIFACTS, REPO, LiveServer

pytestmark = pytest.mark.browser

DESCRIBE_FOCUS = """() => {
    const e = document.activeElement;
    const style = getComputedStyle(e);
    return {tag: e.tagName.toLowerCase(), id: e.id, cls: e.className && e.className.baseVal === undefined ? e.className : "",
            name: (e.getAttribute("aria-label") || e.innerText || e.value || "").trim().slice(0, 60),
            data: Object.assign({}, e.dataset), type: e.type || "",
            outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2};
}"""


@pytest.mark.parametrize("mode", ["served", "static"])
def test_axe_finds_no_serious_problems(mode: str, browser: Any, live_server: LiveServer, built_site: Path) -> None:
    watch = open_map(browser, page_url(mode, live_server, built_site), mode)
    page = watch.page
    assert page.locator("html").get_attribute("lang") == "en"
    assert axe_violations(page) == []
    page.locator("#cq-table .cq-open").first.click()
    open_popup_text(page)
    assert axe_violations(page) == []
    watch.check()
    close_map(page)


def test_keyboard_alone_reaches_every_control_and_a_popup(browser: Any, built_site: Path, atlas: Atlas) -> None:
    watch = open_map(browser, (built_site / "index.html").as_uri(), "static")
    page = watch.page
    visited = []
    for _ in range(160):  # the skip links are the short way; this walks every control
        page.keyboard.press("Tab")
        focus = page.evaluate(DESCRIBE_FOCUS)
        visited.append(focus)
        assert focus["outline"], f"no visible focus on {focus}"
        if "cq-open" in focus["cls"]:
            break
    reached = {(f["id"] or f["data"].get("frame") or f["data"].get("layer") or f["data"].get("base")
                or f["data"].get("sort") or f["type"]) for f in visited}
    assert [f["data"].get("skip") for f in visited[:2]] == ["map", "table"]  # the skip links come first
    assert visited[2]["id"] == "cq-panel-toggle"
    expected = {"chongqing", "corridors", "cq-search-input", "cq-table-filter", "name", "kind", "year", "figure",
                "radio", "outlines", "cities", *(layer.spec.id for layer in atlas.layers)}
    assert expected <= reached, expected - reached
    assert "cq-open" in visited[-1]["cls"], "the feature table is not reachable by keyboard"
    row_name = visited[-1]["name"]
    page.keyboard.press("Enter")
    assert open_popup_text(page).startswith(row_name)
    assert page.evaluate(DESCRIBE_FOCUS)["tag"] == "h2"  # the popup's title, announced first
    page.keyboard.press("Tab")
    inside = page.evaluate("document.activeElement.closest('.leaflet-popup') !== null && document.activeElement.tagName")
    assert inside == "A"
    page.keyboard.press("Escape")
    page.locator(".leaflet-popup").wait_for(state="detached", timeout=2000)
    assert page.evaluate(DESCRIBE_FOCUS)["name"] == row_name  # focus is back where it was
    # The map's own controls come after the panel: zoom by keyboard.
    zoom = page.evaluate("window.cqAtlasMap.getZoom()")
    page.locator(".leaflet-control-zoom-in").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => window.cqAtlasMap.getZoom() > {zoom}")
    watch.check()
    close_map(page)


@pytest.mark.parametrize("mode", ["served", "static"])
def test_phone_shows_the_map_and_the_panel_opens_and_closes(mode: str, browser: Any, live_server: LiveServer,
                                                           built_site: Path, atlas: Atlas) -> None:
    watch = open_map(browser, page_url(mode, live_server, built_site), mode, viewport=PHONE, phone=True)
    page = watch.page
    panel, toggle = page.locator("#cq-panel"), page.locator("#cq-panel-toggle")
    assert not panel.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    map_box = page.locator(".cq-map").bounding_box()
    assert map_box["width"] >= PHONE["width"] - 1 and map_box["height"] >= PHONE["height"] - 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"phone-{mode}.png"))
    toggle.click()
    assert panel.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    sheet = panel.bounding_box()
    assert sheet["y"] >= PHONE["height"] * 0.35, "the open sheet leaves the top of the map visible"
    assert toggle.is_visible() and toggle.bounding_box()["y"] + toggle.bounding_box()["height"] < sheet["y"]
    page.screenshot(path=str(ARTIFACTS / f"phone-panel-{mode}.png"))
    assert axe_violations(page) == []
    hub = atlas.layer("logistics_hubs").features[0]
    page.locator("#cq-search-input").fill(hub.properties["name_en"])
    page.locator(".cq-result").first.click()
    assert open_popup_text(page).startswith(hub.properties["name_en"])
    assert not panel.is_visible(), "the sheet steps aside for the popup"
    popup = page.locator(".leaflet-popup-content-wrapper").bounding_box()
    assert popup["x"] >= 0 and popup["x"] + popup["width"] <= PHONE["width"]
    assert popup["y"] >= 0 and popup["y"] + popup["height"] <= PHONE["height"]
    page.screenshot(path=str(ARTIFACTS / f"phone-popup-{mode}.png"))
    toggle.click()
    assert panel.is_visible()
    page.keyboard.press("Escape")
    assert not panel.is_visible()
    watch.check()
    close_map(page)


SKIP_CATALOGS = {lang: json.loads((REPO / "geo/data/messages" / f"{lang}.json").read_text(encoding="utf-8"))
                 for lang in ("en", "zh", "fa")}


@pytest.mark.parametrize("lang", ["en", "zh", "fa"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_skip_links_lead_to_the_map_and_the_feature_list(browser: Any, built_site: Path, lang: str, size: str) -> None:
    url = (built_site / "index.html").as_uri() + f"#lang={lang}&year=2012"
    watch = open_map(browser, url, "static", DESKTOP if size == "desktop" else PHONE, phone=size == "phone")
    page = watch.page
    try:
        page.wait_for_function("lang => document.documentElement.lang === lang", arg=lang)
        page.keyboard.press("Tab")
        focus = page.evaluate(DESCRIBE_FOCUS)
        assert focus["name"] == SKIP_CATALOGS[lang]["skip.map"] and focus["outline"]
        box = page.locator(":focus").bounding_box()
        assert box["y"] >= 0 and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"], box
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.classList.contains('leaflet-container')")
        assert "year=2012" in page.evaluate("location.hash")  # the shared state is kept
        page.locator("a.cq-skip").first.focus()  # back to the first skip link, then on to the second
        page.keyboard.press("Tab")
        assert page.evaluate(DESCRIBE_FOCUS)["name"] == SKIP_CATALOGS[lang]["skip.table"]
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "cq-table-heading"
        assert page.locator("#cq-table-heading").is_visible()  # the panel opened where it was closed (phones)
        assert "year=2012" in page.evaluate("location.hash")
        presses = 0
        while "cq-open" not in page.evaluate(DESCRIBE_FOCUS)["cls"]:
            page.keyboard.press("Tab")
            presses += 1
            assert presses <= 8, page.evaluate(DESCRIBE_FOCUS)
        watch.check()
    finally:
        close_map(page)
