"""The route comparison in English, 中文 and فارسی — the API with ?lang= and the map's panel in Chromium (served and
from disk) — and the comparison's two ends in the shared address."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from geo.corridors.places import PLACES_BY_ID
from tests.browsing import close_map, choose_language, PageWatch, BOTH_DELIVERIES, map_page, open_map, page_url  # noqa: F401  (fixture)
from tests.conftest import ARTIFACTS, LAYERS_DIR, REPO, LiveServer, edit_feature, read_layer, serve

LANGUAGES = ("en", "zh", "fa")
CATALOGS = {lang: json.loads((REPO / "geo" / "data" / "messages" / f"{lang}.json").read_text(encoding="utf-8")) for lang in LANGUAGES}
PERSIAN_DIGIT = re.compile(r"[۰-۹]")
LATIN_DIGIT = re.compile(r"[0-9]")
HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
CORRIDORS = {f["properties"]["id"]: f["properties"] for layer in ("rail_europe", "land_sea_corridor", "yangtze_waterway",
                                                                  "reference_routes")
             for f in read_layer(LAYERS_DIR, layer)["features"]}


def fill(text: str, **values: Any) -> str:
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def shown_name(properties: dict[str, Any], lang: str) -> str:
    """A name as a reader of ``lang`` should see it: the data's own, or the English one marked as English."""
    name = properties.get(f"name_{lang}")
    return name if name else (properties["name_en"] if lang == "en"
                              else fill(CATALOGS[lang]["name.fallback"], name=properties["name_en"]))


# --- the API ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_routes_api_writes_labels_and_names_in_the_language_asked_for(client: TestClient, lang: str) -> None:
    response = client.get("/api/routes", params={"from": "chongqing", "to": "rotterdam", "lang": lang})
    assert response.status_code == 200
    assert response.headers["content-language"] == lang
    body = response.json()
    catalog = CATALOGS[lang]
    assert body["lang"] == lang and body["ranking"] == catalog["routes.ranking"]
    # Place names as the place list writes them (the report's / PRC usage), else English marked as such.
    for end, place_id in (("from", "chongqing"), ("to", "rotterdam")):
        place = PLACES_BY_ID[place_id]
        assert body[end]["name"] == shown_name({"name_en": place.name_en, "name_zh": place.name_zh,
                                                "name_fa": place.name_fa}, lang)
    for route in body["alternatives"]:
        first_mode = route["legs"][0]["mode"]
        assert route["label"].startswith(catalog[f"routes.mode.{first_mode}"]), route["label"]
        for leg in route["legs"]:  # corridor names straight from the layers
            assert leg["corridor_name"] == shown_name(CORRIDORS[leg["corridor_id"]], lang)
        for stop in route["label_parts"]["stops"]:
            place = PLACES_BY_ID[stop["id"]]
            want = {"en": place.name_en.removesuffix(" (border crossing)"), "zh": place.name_zh,
                    "fa": place.name_fa or fill(catalog["name.fallback"], name=place.name_en.removesuffix(" (border crossing)"))}
            assert want[lang] in route["label"]
    geojson = client.get("/api/routes/chongqing/rotterdam.geojson", params={"lang": lang})
    assert geojson.headers["content-language"] == lang
    assert {f["properties"]["route_label"] for f in geojson.json()["features"]} == {r["label"] for r in body["alternatives"]}


def test_routes_api_without_lang_follows_accept_language(client: TestClient) -> None:
    response = client.get("/api/routes?from=chongqing&to=singapore", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert response.headers["content-language"] == "zh"
    assert response.json()["to"]["name"] == "新加坡"


# --- the panel in Chromium -------------------------------------------------------------------------------------------

def open_routes(page: Any, shown: str = "chongqing/duisburg") -> None:
    page.locator("#cq-routes-heading").click()
    page.wait_for_selector(f"#cq-routes[data-shown='{shown}'][data-drawn]")


@cache
def route_index() -> Any:
    """The committed layers' route index, built once per test process (tests only read it)."""
    from geo.data.atlas import load_atlas
    from geo.corridors.route_index import RouteIndex

    return RouteIndex(load_atlas(LAYERS_DIR), precompute="none")


def expected_labels(lang: str, origin: str = "chongqing", destination: str = "duisburg") -> list[str]:
    """The labels the API writes for ``lang`` (geo/corridors/route_text.py, Python): the panel (JavaScript) must agree."""
    from geo.corridors.route_text import localise

    return [route["label"] for route in localise(route_index().compare(origin, destination), lang)["alternatives"]]


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGUAGES)
def test_routes_panel_speaks_the_language_and_mirrors_in_persian(map_page: PageWatch, lang: str) -> None:
    page = map_page.page
    catalog = CATALOGS[lang]
    choose_language(page, lang)
    open_routes(page)
    rows = page.locator("#cq-routes-table tbody tr")
    assert rows.locator("th").all_inner_texts() == expected_labels(lang)
    status = page.locator("#cq-routes-status").inner_text()
    assert catalog["routes.ranking"] in status
    assert shown_name({"name_en": "Duisburg", "name_zh": PLACES_BY_ID["duisburg"].name_zh,
                       "name_fa": PLACES_BY_ID["duisburg"].name_fa}, lang) in status
    # The numbers the panel writes (a by-sea note beside them quotes its sources' titles as they are written).
    numbers = rows.locator("td.cq-num > span, td:first-child").all_inner_texts()
    if lang == "fa":  # Persian digits, as everywhere on the page
        latin = [n for n in numbers if LATIN_DIGIT.search(n) or (n.strip("–≥ ") and not PERSIAN_DIGIT.search(n))]
        assert latin == [], latin
    else:
        assert all(not PERSIAN_DIGIT.search(n) for n in numbers)
    estimated = fill(catalog["routes.estimated"], value="").strip()
    assert any(estimated in text for text in rows.locator("td.cq-num").all_inner_texts())
    chart = page.evaluate("""() => { const c = Chart.getChart(document.getElementById('cq-routes-chart'));
        return {labels: c.data.labels, title: c.options.scales.x.title.text, y: c.scales.y.left, x: c.scales.x.left,
                reverse: !!c.options.scales.x.reverse}; }""")
    assert chart["title"] == catalog["routes.chart_km"]
    assert chart["labels"][0] == fill(catalog["routes.chart_route"], rank={"fa": "۱"}.get(lang, "1"))
    detail = page.locator("#cq-routes-detail")
    assert detail.locator("strong").first.inner_text() == catalog["routes.sources_days"]
    assert detail.locator("h3").inner_text().endswith(expected_labels(lang)[0])
    assert page.locator("#cq-routes-downloads a").inner_text() == catalog["routes.download"]
    leaked = [key for key in CATALOGS["en"] if key.startswith("routes.") and key in page.locator("#cq-routes").inner_text()]
    assert leaked == []
    rank = page.locator("#cq-routes-table thead th").first.bounding_box()
    label = page.locator("#cq-routes-table thead th").nth(1).bounding_box()
    marker = page.evaluate("() => getComputedStyle(document.querySelector('#cq-routes-detail ol')).listStyleType")
    assert marker == ("persian" if lang == "fa" else "decimal")  # the legs are counted in the language's digits
    if lang == "fa":  # the table, the chart's axes and bars run right to left
        assert rank["x"] > label["x"]
        assert chart["y"] > chart["x"] and chart["reverse"]
    else:
        assert rank["x"] < label["x"]
        assert chart["y"] < chart["x"] and not chart["reverse"]
    page.evaluate("() => document.fonts.ready")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # The panel scrolls: the table, then the chart and the first route's legs beside the map.
    page.locator("#cq-routes-table").screenshot(path=str(ARTIFACTS / f"routes-table-{lang}-{map_page.mode}.png"))
    page.locator("#cq-routes-chart").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"routes-chart-{lang}-{map_page.mode}.png"))


@pytest.mark.browser
@BOTH_DELIVERIES
def test_switching_language_relabels_a_comparison_already_shown(map_page: PageWatch) -> None:
    page = map_page.page
    choose_language(page, "en")
    open_routes(page)
    page.select_option("#cq-routes-to", "singapore")
    page.wait_for_selector("#cq-routes[data-shown='chongqing/singapore']")
    page.locator("#cq-routes-table tbody tr").nth(1).click()
    for lang in ("zh", "fa"):
        choose_language(page, lang)
        assert page.locator("#cq-routes-table tbody th").all_inner_texts() == expected_labels(lang, "chongqing", "singapore")
        assert page.locator("#cq-routes-table tbody tr.cq-selected").get_attribute("data-rank") == "2"
        assert page.locator("#cq-routes-to option:checked").inner_text() == PLACES_BY_ID["singapore"].__getattribute__(f"name_{lang}")


@pytest.mark.browser
def test_hostile_corridor_names_stay_text_in_the_routes_panel(browser: Any, layers_copy: Path) -> None:
    def poison(feature: dict[str, Any]) -> None:
        for field in ("name_en", "name_zh", "name_fa"):
            feature["properties"][field] = f"{field} {HOSTILE}"

    edit_feature(layers_copy, "rail_europe", poison)
    with serve(layers_copy) as server:
        watch = open_map(browser, server.url + "/", "served")
        page = watch.page
        try:
            open_routes(page)
            for lang in LANGUAGES:
                choose_language(page, lang)
                page.locator("#cq-routes-table tbody tr").first.click()
                assert f"name_{lang} {HOSTILE}" in page.locator("#cq-routes-detail").inner_text()
                tooltips = page.evaluate("""() => { const texts = []; cqAtlasMap.eachLayer(layer => {
                    if (layer.getTooltip && layer.getTooltip() && /cq-route-1 /.test(layer.options.className || '')) {
                        layer.openTooltip(layer.getCenter()); texts.push(layer.getTooltip().getElement().textContent);
                        layer.closeTooltip(); } }); return texts; }""")
                assert any(f"name_{lang} {HOSTILE}" in text for text in tooltips)
                assert page.evaluate("() => window.__pwned") is None
                assert page.locator('img[src="x"]').count() == 0
            watch.check()
        finally:
            close_map(page)


# --- the comparison in the shared address ----------------------------------------------------------------------------

def routes_state(page: Any) -> dict[str, Any]:
    return page.evaluate("""() => ({
        shown: document.getElementById('cq-routes').dataset.shown, drawn: document.getElementById('cq-routes').dataset.drawn,
        from: document.getElementById('cq-routes-from').value, to: document.getElementById('cq-routes-to').value,
        lines: document.querySelectorAll('path.cq-route-line').length,
        center: [cqAtlasMap.getCenter().lat, cqAtlasMap.getCenter().lng], zoom: cqAtlasMap.getZoom()})""")


@pytest.mark.browser
@pytest.mark.parametrize(("mode", "origin", "destination"), [("served", "moscow", "shanghai"),
                                                             ("static", "chongqing", "singapore")])
def test_a_shared_link_reopens_the_route_comparison(browser: Any, live_server: LiveServer, built_site: Path, mode: str,
                                                    origin: str, destination: str) -> None:
    watch = open_map(browser, page_url(mode, live_server, built_site), mode)
    page = watch.page
    try:
        assert "route=" not in page.url  # nothing compared yet: the address holds no comparison
        open_routes(page)
        assert parse_qs(urlsplit(page.url).fragment)["route"] == ["chongqing/duisburg"]
        if origin != "chongqing":
            page.select_option("#cq-routes-from", origin)
        page.select_option("#cq-routes-to", destination)
        page.wait_for_selector(f"#cq-routes[data-shown='{origin}/{destination}']")
        page.wait_for_timeout(1000)  # the new comparison is framed (with an animation) first
        page.evaluate("() => { cqAtlasMap.setView([40, 80], 4, {animate: false}); }")
        page.wait_for_timeout(300)
        assert parse_qs(urlsplit(page.url).fragment)["route"] == [f"{origin}/{destination}"]
        before = routes_state(page)
        link = page.url
        watch.check()
    finally:
        close_map(page)

    other = open_map(browser, link, mode)
    try:
        other.page.wait_for_selector(f"#cq-routes[data-shown='{origin}/{destination}'][data-drawn]")
        other.page.wait_for_timeout(300)
        after = routes_state(other.page)
        routes = route_index().compare(origin, destination)["alternatives"]
        assert after["lines"] == sum(len(route["legs"]) for route in routes) == before["lines"]
        assert (after["from"], after["to"]) == (origin, destination)
        assert after["zoom"] == before["zoom"] == 4  # drawn where the link says, not re-framed
        assert after["center"] == pytest.approx(before["center"], abs=1e-4)
        assert other.page.url == link
        other.check()
    finally:
        close_map(other.page)


@pytest.mark.browser
def test_static_copy_says_when_a_shared_comparison_is_not_in_it(browser: Any, built_site: Path) -> None:
    watch = open_map(browser, (built_site / "index.html").as_uri() + "#lang=zh&route=moscow/shanghai", "static")
    page = watch.page
    try:
        page.wait_for_function("text => document.getElementById('cq-routes-status').textContent === text",
                               arg=CATALOGS["zh"]["routes.offline"], timeout=10_000)
        assert "route=" not in page.url  # the address holds what the map shows
        assert page.locator("path.cq-route-line").count() == 0
        watch.check()
    finally:
        close_map(page)
