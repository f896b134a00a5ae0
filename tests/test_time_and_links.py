"""The year slider, the shareable address and "download what you see", in a real Chromium (served and from disk)."""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyogrio
import pytest
from shapely.geometry import box, shape

from tests.browsing import close_map, choose_language, PageWatch, BOTH_DELIVERIES, map_page, open_map, page_url, table_rows  # noqa: F401  (fixture)
from tests.conftest import LAYERS_DIR, REPO, LiveServer

pytestmark = pytest.mark.browser


def layer_data() -> dict[str, list[dict[str, Any]]]:
    """Features exactly as written in layers/*.geojson, by layer: what the map is checked against."""
    return {path.stem: json.loads(path.read_text(encoding="utf-8"))["features"]
            for path in sorted(LAYERS_DIR.glob("*.geojson"))}


LAYERS = layer_data()
YEARS = [f["properties"]["established"] for features in LAYERS.values() for f in features
         if f["properties"].get("established") is not None]


def existing_in(year: int | None, layers: list[str]) -> set[str]:
    """Ids of the features of ``layers`` that existed in ``year``: established by then, or with no year at all."""
    return {f["properties"]["id"] for layer in layers for f in LAYERS[layer]
            if year is None or f["properties"].get("established") is None or f["properties"]["established"] <= year}


def drawn(page: Any) -> set[str]:
    """Ids of the features drawn on the map right now, read from the shapes in the page."""
    return set(page.evaluate("""() => Array.from(document.querySelectorAll('.leaflet-overlay-pane .cq-feature'))
        .map(el => Array.from(el.classList).find(c => c.startsWith('cq-f-')).slice(5))"""))


def table_ids(page: Any) -> set[str]:
    return set(page.locator("#cq-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.feature)"))


def set_year(page: Any, year: int) -> None:
    page.locator("#cq-year").evaluate("(el, y) => { el.value = String(y); el.dispatchEvent(new Event('input')); }", year)
    page.wait_for_timeout(400)  # the feature table settles a moment after the map


def go(page: Any, state: str) -> None:
    """Follow an in-page link to a state (the address's hash), as a user pasting a shared link into the tab would."""
    page.evaluate("h => { window.location.hash = h; }", state)
    page.wait_for_timeout(300)


def test_year_slider_hides_exactly_the_features_established_later(map_page: PageWatch) -> None:
    page = map_page.page
    every_layer = sorted(LAYERS)
    go(page, "#layers=" + ",".join(every_layer) + "&map=4/30/100")
    slider = page.locator("#cq-year")
    assert int(slider.get_attribute("min")) == min(YEARS)
    assert int(slider.get_attribute("max")) == max(date.today().year, max(YEARS))
    assert drawn(page) == existing_in(None, every_layer)
    for year in (min(YEARS), 1995, 2010, 2017, 2019):
        set_year(page, year)
        assert drawn(page) == existing_in(year, every_layer), year
        assert table_ids(page) <= drawn(page)
    undated = sum(1 for features in LAYERS.values() for f in features if f["properties"].get("established") is None)
    assert str(undated) in page.locator("#cq-year-status").inner_text()
    set_year(page, max(date.today().year, max(YEARS)))
    assert drawn(page) == existing_in(None, every_layer)


def test_year_slider_is_keyboard_operable_labelled_and_plays(map_page: PageWatch) -> None:
    page = map_page.page
    slider = page.locator("#cq-year")
    assert page.locator("label[for=cq-year]").inner_text().strip()
    slider.focus()
    page.keyboard.press("Home")
    first = min(YEARS)
    assert page.locator("#cq-year-output").inner_text() == str(first)
    assert drawn(page) == existing_in(first, [l for l in LAYERS if page.locator(f'input[data-layer="{l}"]').is_checked()])
    page.keyboard.press("ArrowRight")
    assert page.locator("#cq-year-output").inner_text() == str(first + 1)
    page.keyboard.press("End")
    play = page.locator("#cq-year-play")
    play.focus()
    page.keyboard.press("Enter")
    assert play.get_attribute("aria-pressed") == "true"
    page.wait_for_timeout(1600)
    played = int(page.locator("#cq-year-output").inner_text())
    assert first < played < date.today().year  # started from the beginning and moved on
    page.keyboard.press("Enter")
    assert play.get_attribute("aria-pressed") == "false"
    page.wait_for_timeout(900)
    assert int(page.locator("#cq-year-output").inner_text()) == played


def map_state(page: Any) -> dict[str, Any]:
    return page.evaluate("""() => ({
        lang: document.documentElement.lang, dir: document.documentElement.dir,
        center: [cqAtlasMap.getCenter().lat, cqAtlasMap.getCenter().lng], zoom: cqAtlasMap.getZoom(),
        layers: Array.from(document.querySelectorAll('input[data-layer]')).filter(b => b.checked).map(b => b.dataset.layer),
        year: document.getElementById('cq-year').value, filter: document.getElementById('cq-table-filter').value,
        popup: (document.querySelector('.leaflet-popup-content .cq-popup-title') || {}).textContent || null})""")


@BOTH_DELIVERIES
def test_a_shared_link_reopens_the_same_map(map_page: PageWatch, browser: Any) -> None:
    page = map_page.page
    # Set every part of the state through the page's own controls.
    choose_language(page, "fa")
    page.locator('input[data-layer="universities"]').uncheck()
    page.locator('input[data-layer="rail_europe"]').uncheck()
    set_year(page, 2012)
    page.fill("#cq-table-filter", "port")
    page.evaluate("() => { cqAtlasMap.setView([29.62, 106.49], 11, {animate: false}); }")
    page.locator("#cq-table button.cq-open").first.click()
    page.wait_for_timeout(800)
    before, drawn_before = map_state(page), drawn(page)
    link = page.url
    assert urlsplit(link).fragment, "the address holds the state"

    other = open_map(browser, link, map_page.mode)
    try:
        other.page.wait_for_timeout(500)
        after = map_state(other.page)
        assert after["lang"] == "fa" and after["dir"] == "rtl"
        assert after["layers"] == before["layers"] and "universities" not in after["layers"]
        assert after["year"] == "2012" and after["filter"] == "port"
        assert after["zoom"] == before["zoom"]
        assert after["center"] == pytest.approx(before["center"], abs=1e-4)
        assert after["popup"] and after["popup"] == before["popup"]
        assert drawn(other.page) == drawn_before
        other.check()
    finally:
        close_map(other.page)


def test_the_address_follows_each_change_without_reloading(map_page: PageWatch) -> None:
    page = map_page.page
    page.evaluate("() => { window.__sameDocument = true; }")
    choose_language(page, "zh")
    set_year(page, 2005)
    page.locator('input[data-layer="bonded_zones"]').uncheck()
    page.evaluate("() => { cqAtlasMap.setView([30.0, 107.0], 8, {animate: false}); }")
    # The address is written in a task after the change (permalink.js): under load that can take more than a frame.
    page.wait_for_function("() => window.location.hash.includes('map=8/')")
    state = parse_qs(urlsplit(page.url).fragment)
    assert state["lang"] == ["zh"] and state["year"] == ["2005"]
    assert "bonded_zones" not in state["layers"][0].split(",")
    assert state["map"] == ["8/30.00000/107.00000"]
    assert page.evaluate("() => window.__sameDocument") is True


STATES = [
    "#map=10/29.60/106.55&layers=free_trade_zone,bonded_zones,development_zones,logistics_hubs,universities",
    "#map=6/21.5/108.3&layers=land_sea_corridor,logistics_hubs&year=2019",  # the Beibu Gulf
    "#map=9/29.55/106.40&layers=development_zones,bonded_zones&year=2012",
    "#map=5/45/90&layers=rail_europe,land_sea_corridor,yangtze_waterway&year=2013",
    # With the filter: it narrows the map, the list and the downloads alike (names in any script, ids, kind labels
    # in the page's language).
    "#map=9/29.60/106.55&layers=bonded_zones,logistics_hubs,development_zones&q=port",
    "#map=8/29.60/106.50&layers=universities,development_zones,bonded_zones&year=2012&lang=zh&q=%E4%BF%9D%E7%A8%8E",
    "#map=9/29.60/106.50&layers=universities,logistics_hubs,bonded_zones&lang=fa&q=%D8%AF%D8%A7%D9%86%D8%B4%DA%AF%D8%A7%D9%87",
]
CATALOGS = {lang: json.loads((REPO / "geo" / "data" / "messages" / f"{lang}.json").read_text(encoding="utf-8"))
            for lang in ("en", "zh", "fa")}


def matching(text: str, lang: str, layers: list[str]) -> set[str]:
    """Ids whose name (any script) or id contains ``text``, or whose kind reads so in ``lang`` — from the files."""
    text = text.lower()
    return {f["properties"]["id"] for layer in layers for f in LAYERS[layer]
            if any(text in str(f["properties"].get(key) or "").lower() for key in ("name_en", "name_zh", "name_fa", "id"))
            or text in CATALOGS[lang][f"kind.{f['properties']['kind']}"].lower()}


def ids_in(content: bytes, extension: str) -> dict[str, set[str]]:
    """Feature ids by layer, read back with GDAL (GeoJSON: by the ``layer`` property or the one layer)."""
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / f"download.{extension}"
        path.write_bytes(content)
        tables = {}
        for name, _ in pyogrio.list_layers(path):
            frame = pyogrio.read_dataframe(path, layer=name)
            column = "atlas_id" if extension == "kml" else "id"
            if column not in frame.columns and frame.empty:  # no feature selected: some formats then name no fields
                tables[name] = set()
            elif "layer" in frame.columns:
                for layer, group in frame.groupby("layer"):
                    tables[layer] = set(group[column])
            else:
                tables[name] = set(frame[column])
        return tables


@pytest.mark.parametrize("state", STATES)
def test_downloads_hold_exactly_the_features_drawn_in_view(browser: Any, live_server: LiveServer, state: str) -> None:
    watch = open_map(browser, live_server.url + "/" + state, "served")
    page = watch.page
    try:
        page.wait_for_timeout(500)
        on = [box_.get_attribute("data-layer") for box_ in page.locator("input[data-layer]:checked").all()]
        bounds = page.evaluate("() => cqAtlasMap.getBounds().toBBoxString().split(',').map(Number)")
        view = box(*bounds)
        by_id = {f["properties"]["id"]: f for features in LAYERS.values() for f in features}
        shown = drawn(page)
        params = parse_qs(state[1:])
        if "q" in params:  # the map draws exactly what existed then and matches the filter
            year = int(params["year"][0]) if "year" in params else None
            assert shown == existing_in(year, on) & matching(params["q"][0], params.get("lang", ["en"])[0], on)
            assert page.locator("#cq-table-filter").input_value() == params["q"][0]
            assert set(table_rows(page)) <= shown
        expected = {layer: {i for i in shown if i in {f["properties"]["id"] for f in LAYERS[layer]}
                            and shape(by_id[i]["geometry"]).intersects(view)} for layer in on}
        assert any(expected.values()), "each state shows something"
        for extension in ("geojson", "gpkg", "csv", "kml"):
            page.select_option("#cq-download-format", extension)
            page.wait_for_timeout(100)
            hrefs = page.locator("#cq-download-links a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
            per_layer = [h for h in hrefs if h.startswith("/api/layers/")]
            assert [urlsplit(h).path for h in per_layer] == [f"/api/layers/{layer}.{extension}" for layer in on]
            for href in hrefs:
                query = parse_qs(urlsplit(href).query)
                assert [float(v) for v in query["bbox"][0].split(",")] == pytest.approx(bounds, abs=1e-4)
                response = page.request.get(live_server.url + href)
                assert response.status == 200, href
                got = ids_in(response.body(), extension)
                if "layers" in query:  # one file for several layers: a table (GeoPackage) or a property per layer
                    for layer in query["layers"][0].split(","):
                        assert got.get(layer, set()) == expected[layer], (href, layer)
                else:
                    layer = Path(urlsplit(href).path).stem
                    assert set().union(*got.values()) == expected[layer], href
        watch.check()
    finally:
        close_map(page)


def test_static_copy_offers_whole_layers_and_says_so(browser: Any, built_site: Path) -> None:
    watch = open_map(browser, (built_site / "index.html").as_uri() + "#layers=universities,bonded_zones&year=2000", "static")
    page = watch.page
    try:
        page.wait_for_timeout(300)
        assert page.locator("#cq-download-static").is_visible()
        hrefs = page.locator("#cq-download-links a").evaluate_all("links => links.map(a => a.href)")
        # Each layer on, whole, in every format of the release (tests/test_static_downloads.py reads them all).
        assert len(hrefs) == 2 * 5
        geojson = [href for href in hrefs if href.endswith(".geojson")]
        assert len(geojson) == 2
        for href in geojson:
            path = Path(urlsplit(href).path)
            layer = path.stem
            body = json.loads(path.read_text(encoding="utf-8"))
            assert {f["properties"]["id"] for f in body["features"]} == existing_in(None, [layer])
        watch.check()
    finally:
        close_map(page)


def test_a_feature_found_by_search_is_shown_even_where_the_filter_and_year_hid_it(map_page: PageWatch) -> None:
    page = map_page.page
    university = min((f["properties"] for f in LAYERS["universities"] if f["properties"].get("established")),
                     key=lambda p: -p["established"])  # the youngest dated university
    go(page, f"#layers=universities&year={university['established'] - 1}&q=zzzz-nothing")
    assert university["id"] not in drawn(page)
    page.fill("#cq-search-input", university["id"])
    page.locator("#cq-search-results button").first.click()
    popup = page.locator(".leaflet-popup-content .cq-popup-title")
    popup.wait_for()
    assert popup.inner_text() == university["name_en"] or university["name_en"] in page.locator(".leaflet-popup-content").inner_text()
    assert university["id"] in drawn(page)
    assert page.locator("#cq-table-filter").input_value() == ""
