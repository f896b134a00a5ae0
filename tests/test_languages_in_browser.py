"""English, 中文 and فارسی in a real Chromium: every label from the catalogs, Persian mirrored, fonts from the
atlas's own files, names falling back visibly, and hostile text inert in every language."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.browsing import close_map, choose_language, PageWatch, BOTH_DELIVERIES, map_page, open_map  # noqa: F401  (fixture)
from tests.conftest import ARTIFACTS, REPO, LiveServer, edit_feature, serve

pytestmark = pytest.mark.browser

LANGUAGES = ("en", "zh", "fa")
CATALOGS = {lang: json.loads((REPO / "geo" / "data" / "messages" / f"{lang}.json").read_text(encoding="utf-8")) for lang in LANGUAGES}
PERSIAN_DIGIT = re.compile(r"[۰-۹]")
LATIN_DIGIT = re.compile(r"[0-9]")
HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'


def fill(text: str, **values: str) -> str:
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


def visible_labels(page: Any) -> dict[str, Any]:
    """What a reader sees and hears: text, plus placeholders, accessible names and titles."""
    return page.evaluate("""() => ({
        text: document.body.innerText,
        attributes: Array.from(document.querySelectorAll('[placeholder], [aria-label], [title]'))
            .flatMap(el => ['placeholder', 'aria-label', 'title'].map(a => el.getAttribute(a)).filter(Boolean)),
        marked: Array.from(document.querySelectorAll('[data-i18n]'))
            .map(el => [el.getAttribute('data-i18n'), el.textContent])})""")


def open_first_row(page: Any) -> None:
    page.locator("#cq-table button.cq-open").first.click()
    page.locator(".leaflet-popup-content .cq-popup").wait_for()


@pytest.mark.parametrize("lang", LANGUAGES)
@BOTH_DELIVERIES
def test_each_language_shows_its_catalog_and_no_raw_key(map_page: PageWatch, lang: str) -> None:
    page = map_page.page
    choose_language(page, lang)
    open_first_row(page)
    page.evaluate("() => document.fonts.ready")
    page.screenshot(path=str(ARTIFACTS / f"language-{lang}-{map_page.mode}.png"))
    seen = visible_labels(page)
    catalog = CATALOGS[lang]
    assert page.evaluate("() => document.title") == catalog["app.title"]
    for key, text in seen["marked"]:
        assert text == catalog[key], (key, text)
    assert len(seen["marked"]) > 20
    everything = seen["text"] + "\n" + "\n".join(seen["attributes"])
    leaked = [key for key in CATALOGS["en"] if re.search(r"(?<![\w.])" + re.escape(key) + r"(?![\w])", everything)]
    assert leaked == [], leaked
    if lang != "en":  # headings, table columns and popup labels are in the language, not English
        for key in ("table.heading", "table.name", "table.kind", "layers.heading", "time.heading", "popup.sources"):
            assert catalog[key] in everything, key
            assert not re.search(r"\b" + re.escape(CATALOGS["en"][key]) + r"\b", everything), key


def test_persian_mirrors_the_layout_and_writes_persian_digits(map_page: PageWatch) -> None:
    page = map_page.page
    choose_language(page, "en")
    ltr = page.evaluate("() => [document.getElementById('cq-panel').getBoundingClientRect().left,"
                        " document.querySelector('.cq-map').getBoundingClientRect().left]")
    assert ltr[0] < ltr[1], "English: panel on the left"
    choose_language(page, "fa")
    geometry = page.evaluate("""() => {
        const panel = document.getElementById('cq-panel').getBoundingClientRect();
        const map = document.querySelector('.cq-map').getBoundingClientRect();
        const zoom = document.querySelector('.leaflet-control-zoom').getBoundingClientRect();
        return {panelLeft: panel.left, mapLeft: map.left, mapRight: map.right, zoomLeft: zoom.left,
                dir: document.documentElement.dir, lang: document.documentElement.lang,
                align: getComputedStyle(document.querySelector('.cq-heading')).direction};
    }""")
    assert geometry["dir"] == "rtl" and geometry["lang"] == "fa" and geometry["align"] == "rtl"
    assert geometry["panelLeft"] > geometry["mapLeft"], "Persian: panel on the right"
    assert geometry["zoomLeft"] - geometry["mapLeft"] < 80, "map controls move to the other side"
    page.locator("#cq-year").focus()
    page.keyboard.press("Home")
    year = page.locator("#cq-year-output").inner_text()
    assert PERSIAN_DIGIT.search(year) and not LATIN_DIGIT.search(year)
    page.wait_for_timeout(400)  # the feature table settles a moment after the year changes
    years = page.locator("#cq-table tbody tr:not(.cq-undated) td:nth-child(3)").all_inner_texts()  # undated: words
    assert [y for y in years if y] and all(PERSIAN_DIGIT.search(y) and not LATIN_DIGIT.search(y) for y in years if y)
    choose_language(page, "en")
    assert page.evaluate("() => document.documentElement.dir") == "ltr"


SAMPLE_IN = """([selector, sample, id, family]) => {
    // The sample drawn on a plain white strip in the element's own font list (or in the family given).
    const span = document.createElement('span');
    span.id = id;
    span.textContent = sample;
    const style = getComputedStyle(document.querySelector(selector));
    Object.assign(span.style, {position: 'fixed', left: '0px', top: id.endsWith('own') ? '0px' : '60px',
        zIndex: 99999, background: '#fff', color: '#000', padding: '4px', fontSize: '20px', lineHeight: '28px',
        fontFamily: family || style.fontFamily});
    document.body.appendChild(span);
}"""


def test_an_english_page_draws_chinese_names_with_the_atlas_font(map_page: PageWatch) -> None:
    # The search hint, the map's credits and the popups carry Chinese whatever the language; on a system with no
    # Chinese font they must still be drawn from the atlas's own font files, not as empty boxes.
    page = map_page.page
    choose_language(page, "en")
    open_first_row(page)
    for selector in ("#cq-search-input", ".leaflet-control-attribution", ".leaflet-popup-content"):
        page.evaluate(SAMPLE_IN, [selector, "重庆天地图", "cq-sample-own", None])
        page.evaluate(SAMPLE_IN, [selector, "重庆天地图", "cq-sample-noto", '"Noto Sans SC"'])
        page.evaluate("() => document.fonts.ready")
        page.wait_for_timeout(300)
        own, noto = page.locator("#cq-sample-own").screenshot(), page.locator("#cq-sample-noto").screenshot()
        assert own == noto, f"{selector}: Chinese is not drawn in Noto Sans SC"
        page.evaluate("() => document.querySelectorAll('#cq-sample-own, #cq-sample-noto').forEach(el => el.remove())")


@pytest.mark.parametrize(("lang", "family", "sample"), [("zh", "Noto Sans SC", "重庆"), ("fa", "Vazirmatn", "چونگ‌چینگ")])
@BOTH_DELIVERIES
def test_chinese_and_persian_render_with_the_atlas_fonts(map_page: PageWatch, lang: str, family: str, sample: str) -> None:
    page = map_page.page
    fetched: list[str] = []
    page.on("requestfinished", lambda request: fetched.append(request.url) if ".woff2" in request.url else None)
    choose_language(page, lang)
    page.evaluate("() => document.fonts.ready")
    page.wait_for_timeout(300)
    assert page.evaluate("([family, sample]) => document.fonts.check(`16px '${family}'`, sample)", [family, sample])
    heading = page.evaluate("() => getComputedStyle(document.querySelector('.cq-title')).fontFamily")
    assert family in heading
    loaded = page.evaluate("f => Array.from(document.fonts).filter(x => x.family.replace(/\"/g, '') === f"
                           " && x.status === 'loaded').length", family)
    assert loaded >= 1
    assert all("/cqatlas/fonts/" in url for url in fetched), fetched  # the atlas's own cut of the fonts


def test_a_missing_name_falls_back_to_english_visibly(map_page: PageWatch) -> None:
    page = map_page.page
    hubs = json.loads((REPO / "layers" / "logistics_hubs.geojson").read_text(encoding="utf-8"))["features"]
    unnamed = next(f["properties"] for f in hubs if not f["properties"].get("name_fa"))
    choose_language(page, "fa")
    page.fill("#cq-table-filter", unnamed["id"])
    page.evaluate("id => cqAtlas.open(id, {fly: false})", unnamed["id"])
    page.wait_for_timeout(300)
    button = page.locator(f'#cq-table tr[data-feature="{unnamed["id"]}"] button.cq-open')
    assert button.inner_text() == fill(CATALOGS["fa"]["name.fallback"], name=unnamed["name_en"])
    assert button.get_attribute("lang") == "en"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_hostile_names_stay_text_in_every_language(browser: Any, layers_copy: Path, lang: str) -> None:
    def poison(feature: dict[str, Any]) -> None:
        for field in ("name_en", "name_zh", "name_fa", "description_en"):
            feature["properties"][field] = f"{field} {HOSTILE}"

    feature_id = edit_feature(layers_copy, "universities", poison)
    with serve(layers_copy) as server:
        watch = open_map(browser, f"{server.url}/#lang={lang}&feature={feature_id}", "served")
        page = watch.page
        try:
            page.fill("#cq-table-filter", "name_")
            page.fill("#cq-search-input", "name_")
            page.wait_for_timeout(500)
            assert page.evaluate("() => window.__pwned") is None
            assert page.locator('img[src="x"]').count() == 0
            popup = page.locator(".leaflet-popup-content").inner_text()
            assert HOSTILE in popup
            assert HOSTILE in page.locator("#cq-table").inner_text()
            watch.check()
        finally:
            close_map(page)


@pytest.mark.parametrize(("locale", "state", "expected"), [("fa-IR", "", "fa"), ("zh-CN", "", "zh"), ("de-DE", "", "en"),
                                                           ("fa-IR", "#lang=en", "en")])
def test_first_visit_follows_the_browser_language_unless_the_link_names_one(
        browser: Any, live_server: LiveServer, locale: str, state: str, expected: str) -> None:
    context = browser.new_context(locale=locale)
    try:
        page = context.new_page()
        page.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url else route.abort())
        page.goto(f"{live_server.url}/{state}")
        page.wait_for_function("() => window.cqAtlasMap !== undefined")
        page.wait_for_timeout(300)
        assert page.evaluate("() => document.documentElement.lang") == expected
        assert f"lang={expected}" in page.url
    finally:
        context.close()
