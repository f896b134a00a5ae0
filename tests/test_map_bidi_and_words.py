"""What the map writes in Chinese and Persian, in a real Chromium: the panel toggle's tooltip, the popup's title in the
page's language, the scale bar's unit, Chinese amounts in 亿 and 万亿 (the feature pages alike), English runs inside a
Persian popup keeping their full stop at their end, and dates in Persian digits that read as dates."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.browsing import close_map, DESKTOP, PHONE, POPUP_SETTLED, choose_language, open_map
from tests.conftest import LAYERS_DIR, REPO, LiveServer, read_layer

pytestmark = pytest.mark.browser

CATALOGS = {lang: json.loads((REPO / "geo" / "data" / "messages" / f"{lang}.json").read_text(encoding="utf-8"))
            for lang in ("en", "zh", "fa")}
RAILWAY = next(f["properties"] for f in read_layer(LAYERS_DIR, "rail_europe")["features"]
               if f["properties"]["id"] == "chongqing-xinjiang-europe-railway")
CITY = next(f["properties"] for f in read_layer(LAYERS_DIR, "city_profile")["features"]
            if f["properties"]["id"] == "chongqing-municipality")
UNNAMED_IN_PERSIAN = next(f["properties"] for layer in ("development_zones", "logistics_hubs", "universities")
                          for f in read_layer(LAYERS_DIR, layer)["features"] if not f["properties"].get("name_fa"))
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
LATIN = re.compile(r"[A-Za-z0-9]")


@pytest.fixture(scope="module")
def map_url(live_server: LiveServer) -> str:
    return live_server.url + "/"


def open_at(browser: Any, url: str, lang: str, size: str = "desktop") -> Any:
    watch = open_map(browser, url, "served", PHONE if size == "phone" else DESKTOP, phone=size == "phone")
    watch.page.wait_for_function("lang => document.documentElement.lang === lang", arg=lang)
    return watch


def popup_of(page: Any, feature_id: str) -> Any:
    page.evaluate("id => cqAtlas.open(id)", feature_id)
    page.locator(".leaflet-popup-content").wait_for()
    page.wait_for_function(POPUP_SETTLED, polling=100, timeout=10_000)
    return page.locator(".leaflet-popup-content")


@pytest.mark.parametrize("lang", ["zh", "fa"])
def test_the_panel_toggles_tooltip_follows_the_language_before_it_is_used(browser: Any, map_url: str,
                                                                         lang: str) -> None:
    watch = open_at(browser, map_url, "en")
    page = watch.page
    try:
        assert page.locator("#cq-panel-toggle").get_attribute("title") == CATALOGS["en"]["panel.hide"]
        choose_language(page, lang)
        assert page.locator("#cq-panel-toggle").get_attribute("title") == CATALOGS[lang]["panel.hide"]
        watch.check()
    finally:
        close_map(page)


@pytest.mark.parametrize("lang", ["en", "zh", "fa"])
def test_the_popup_is_titled_in_the_pages_language(browser: Any, map_url: str, lang: str) -> None:
    watch = open_at(browser, f"{map_url}#lang={lang}", lang)
    page = watch.page
    try:
        popup = popup_of(page, RAILWAY["id"])
        title = popup.locator(".cq-popup-title")
        assert title.inner_text() == RAILWAY[f"name_{lang}"]
        assert title.get_attribute("lang") == lang
        # The names in the other scripts follow the title, each once.
        text = popup.inner_text()
        assert all(text.count(RAILWAY[f"name_{other}"]) == 1 for other in ("en", "zh", "fa"))
        if lang == "fa":  # no Persian name: titled in English, marked as English
            popup = popup_of(page, UNNAMED_IN_PERSIAN["id"])
            assert popup.locator(".cq-popup-title").inner_text() == UNNAMED_IN_PERSIAN["name_en"]
            assert popup.locator(".cq-popup-title").get_attribute("lang") == "en"
        watch.check()
    finally:
        close_map(page)


SCALE_UNITS = {"en": r"^[0-9]+ (km|m)$", "zh": r"^[0-9]+(公里|米)$", "fa": r"^[۰-۹]+ (کیلومتر|متر)$"}


@pytest.mark.parametrize(("lang", "then"), [("en", "fa"), ("zh", "en"), ("fa", "zh")])
def test_the_scale_bar_is_written_in_the_pages_language(browser: Any, map_url: str, lang: str, then: str) -> None:
    watch = open_at(browser, f"{map_url}#lang={lang}", lang, "phone")
    page = watch.page
    try:
        scale = page.locator(".leaflet-control-scale-line").first
        assert re.match(SCALE_UNITS[lang], scale.inner_text()), scale.inner_text()
        page.evaluate("() => { cqAtlasMap.setZoom(cqAtlasMap.getZoom() + 3, {animate: false}); }")  # and as the map zooms
        page.wait_for_timeout(300)
        assert re.match(SCALE_UNITS[lang], scale.inner_text()), scale.inner_text()
        page.evaluate("lang => cqAtlas.setLanguage(lang)", then)  # and in the language chosen next
        page.wait_for_function("lang => document.documentElement.lang === lang", arg=then)
        assert re.match(SCALE_UNITS[then], scale.inner_text()), scale.inner_text()
        watch.check()
    finally:
        close_map(page)


def in_yi(value: float) -> str:
    """A number of billions as Chinese writes it: in 亿 (10⁸) below 10⁴亿, else in 万亿 (10¹²)."""
    return f"{value / 1000:g}万亿" if value >= 1000 else f"{value * 10:g}亿"


def in_wan(value: float) -> str:
    """A count of 10⁴ to 10⁸ as Chinese writes it: in 万 (10⁴)."""
    assert 1e4 <= value < 1e8
    return f"{value / 1e4:g}万"


def test_chinese_amounts_are_written_in_yi_on_the_map_and_the_feature_pages(browser: Any, map_url: str,
                                                                           client: Any) -> None:
    watch = open_at(browser, f"{map_url}#lang=zh", "zh")
    page = watch.page
    try:
        for feature, name in ((RAILWAY, "cargo_value_total_bn_cny"), (CITY, "gdp_bn_cny"),
                              (CITY, "foreign_trade_bn_cny"), (RAILWAY, "teu_total")):
            value = feature[name]["value"]
            expected = (in_yi(value) + "元人民币" if name.endswith("_bn_cny")
                        else f"{in_wan(value)} {CATALOGS['zh'][f'figure.{name}.unit']}")  # a count: 130万 标箱, not 1,300,000
            row = popup_of(page, feature["id"]).locator(f'tr[data-figure="{name}"]').inner_text()
            assert expected in row and "十亿" not in row, (expected, row)
            feature_page = client.get(f"/features/{feature['id']}", params={"lang": "zh"}).text
            assert expected in feature_page, expected
        watch.check()
    finally:
        close_map(page)


# The two characters' boxes, as drawn: left edges in CSS pixels.
CHARACTER_LEFTS = """([selector, text, positions]) => {
    const root = document.querySelector(selector);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.data.indexOf(text);
      if (at < 0) continue;
      return positions.map(i => { const range = document.createRange();
        range.setStart(node, at + i); range.setEnd(node, at + i + 1); return range.getBoundingClientRect().left; });
    }
    return null; }"""


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_english_inside_a_persian_popup_keeps_its_full_stop_at_its_end(browser: Any, map_url: str, size: str) -> None:
    note = RAILWAY["geometry_note"]
    assert note.endswith(".")
    watch = open_at(browser, f"{map_url}#lang=fa", "fa", size)
    page = watch.page
    try:
        popup_of(page, RAILWAY["id"])
        tail = note[-12:]  # the note's last word and its full stop, on one line
        before_stop, stop = page.evaluate(CHARACTER_LEFTS, [".leaflet-popup-content", tail, [len(tail) - 2,
                                                                                             len(tail) - 1]])
        assert stop > before_stop, "the full stop is drawn before the English text it ends"
        watch.check()
    finally:
        close_map(page)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_persian_dates_are_written_in_persian_digits_and_read_as_dates(browser: Any, map_url: str, size: str) -> None:
    as_of = RAILWAY["cargo_value_total_bn_cny"]["as_of"]  # year and month
    year, month = as_of.split("-")
    watch = open_at(browser, f"{map_url}#lang=fa", "fa", size)
    page = watch.page
    try:
        popup = popup_of(page, RAILWAY["id"])
        row = popup.locator('tr[data-figure="cargo_value_total_bn_cny"] td').inner_text()
        date = f"{year}/{month}".translate(PERSIAN_DIGITS)  # as Persian writes a date: ۲۰۲۴/۰۶
        assert date in row and not LATIN.search(row), row
        # Drawn year first, then month, as one run (a "-" between Persian digits splits and reverses them).
        year_left, month_left = page.evaluate(CHARACTER_LEFTS, ['.leaflet-popup-content tr[data-figure='
                                                                '"cargo_value_total_bn_cny"] td', date, [0, 5]])
        assert year_left < month_left
        # The status date and the panel's "current to" date likewise.
        status = popup.locator('tr[data-status] td').inner_text()
        assert RAILWAY["status_as_of"].replace("-", "/").translate(PERSIAN_DIGITS) in status, status
        assert not LATIN.search(page.locator("#cq-currency").inner_text())
        watch.check()
    finally:
        close_map(page)
