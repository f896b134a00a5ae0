"""Features without a documented year, in a real Chromium: on the map at every year but drawn faint, said so in the
feature table, and hidden (with the downloads following) when the reader asks; a search result newer than the
slider's year moves the slider to that year and says so."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from geo.data.year_rule import placed_year
from tests.browsing import close_map, DESKTOP, PHONE, open_map, wait_for_rows
from tests.conftest import LAYERS_DIR, REPO, LiveServer, read_layer

pytestmark = pytest.mark.browser

CATALOGS = {lang: json.loads((REPO / "geo" / "data" / "messages" / f"{lang}.json").read_text(encoding="utf-8"))
            for lang in ("en", "zh", "fa")}
ZONES = [f["properties"] for f in read_layer(LAYERS_DIR, "development_zones")["features"]]
UNDATED = [p["id"] for p in ZONES if placed_year(p).year is None]
DATED = [p for p in ZONES if placed_year(p).year is not None]
YEAR = 2012
NEWER = max(DATED, key=lambda p: placed_year(p).year)  # established well after YEAR


def fill(text: str, **values: Any) -> str:
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


@pytest.fixture(scope="module")
def map_url(live_server: LiveServer) -> str:
    return live_server.url + "/"


def stroke_opacity(page: Any, feature_id: str) -> float:
    return float(page.locator(f".leaflet-overlay-pane .cq-f-{feature_id}").first.get_attribute("stroke-opacity"))


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_undated_features_are_drawn_faint_and_said_so_in_the_table(browser: Any, map_url: str, lang: str) -> None:
    assert UNDATED and placed_year(NEWER).year > YEAR
    watch = open_map(browser, f"{map_url}#lang={lang}&layers=development_zones&year={YEAR}", "served", DESKTOP)
    page = watch.page
    try:
        page.wait_for_function("lang => document.documentElement.lang === lang", arg=lang)
        dated_then = next(p["id"] for p in DATED if placed_year(p).year <= YEAR)
        assert stroke_opacity(page, UNDATED[0]) <= 0.5 * stroke_opacity(page, dated_then)
        page.evaluate("id => cqAtlas.frame(cqAtlas.entryBounds(cqAtlas.byId[id]), {animate: false, maxZoom: 8})",
                      UNDATED[0])
        page.wait_for_selector(f'#cq-table tr[data-feature="{UNDATED[0]}"]')
        row = page.locator(f'#cq-table tr[data-feature="{UNDATED[0]}"]')
        assert row.locator("td").nth(1).inner_text() == CATALOGS[lang]["table.undated"]
        watch.check()
    finally:
        close_map(page)


def test_the_reader_can_hide_undated_features_and_the_downloads_follow(browser: Any, map_url: str,
                                                                      live_server: LiveServer) -> None:
    watch = open_map(browser, f"{map_url}#layers=development_zones&map=8/29.8/106.6", "served", DESKTOP)
    page = watch.page
    try:
        shown = {p["id"] for p in ZONES}
        in_view = wait_for_rows(page, shown)
        assert set(UNDATED) & in_view, "no undated zone in view to hide"
        page.locator("#cq-year-undated").uncheck()
        rows = wait_for_rows(page, in_view - set(UNDATED))
        assert rows == in_view - set(UNDATED)
        assert page.locator(f".leaflet-overlay-pane .cq-f-{UNDATED[0]}").count() == 0
        status = page.locator("#cq-year-status").inner_text()
        assert fill(CATALOGS["en"]["time.undated_hidden"], count=len(UNDATED)).split(" ", 1)[1] in status
        # The links are redrawn on the next animation frame: wait for the slider's last year that keeps the dated only.
        page.wait_for_function("() => { const a = document.querySelector('#cq-download-links a');"
                               " return a !== null && a.href.includes('established_to='); }")
        href = page.locator("#cq-download-links a").first.get_attribute("href")
        assert "include_undated" not in parse_qs(urlsplit(href).query)
        body = page.request.get(live_server.url + href).json()
        assert {f["properties"]["id"] for f in body["features"]} == rows
        # A shared link keeps them hidden.
        page.wait_for_function("() => window.location.hash.includes('undated=hidden')")
        shared = page.url
        page.locator("#cq-year-undated").check()
        assert wait_for_rows(page, in_view) == in_view
        page.goto("about:blank")
        page.goto(shared)
        page.wait_for_function("() => window.cqAtlasMap !== undefined")
        assert wait_for_rows(page, in_view - set(UNDATED)) == in_view - set(UNDATED)
        assert not page.locator("#cq-year-undated").is_checked()
        watch.check()
    finally:
        close_map(page)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_search_result_newer_than_the_year_moves_the_slider_to_its_year(browser: Any, map_url: str,
                                                                         size: str) -> None:
    year = placed_year(NEWER).year
    watch = open_map(browser, f"{map_url}#layers=development_zones&year={YEAR}", "served",
                     PHONE if size == "phone" else DESKTOP, phone=size == "phone")
    page = watch.page
    try:
        if size == "phone":
            page.locator("#cq-panel-toggle").tap()
        assert page.locator("#cq-year").input_value() == str(YEAR)
        page.fill("#cq-search-input", NEWER["id"])
        page.locator("#cq-search-results button").first.click()
        page.locator(".leaflet-popup-content").wait_for()
        assert page.locator("#cq-year").input_value() == str(year)
        assert page.locator(f".leaflet-overlay-pane .cq-f-{NEWER['id']}").count() == 1
        said = fill(CATALOGS["en"]["time.moved"], year=year, name=NEWER["name_en"])
        assert said in page.locator("#cq-year-status").inner_text()
        watch.check()
    finally:
        close_map(page)
