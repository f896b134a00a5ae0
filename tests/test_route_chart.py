"""The route comparison's chart in Chromium: every route a visible bar where it has a value, every route named, the
measure and its unit on the axis, and no legend that names one colour for bars coloured per route."""

from __future__ import annotations

import json
from typing import Any

import pytest

from geo.corridors.route_index import RouteIndex
from geo.data.atlas import Atlas
from tests.browsing import PageWatch, BOTH_DELIVERIES, map_page  # noqa: F401  (fixture)
from tests.conftest import REPO

pytestmark = pytest.mark.browser

CATALOG = json.loads((REPO / "geo/data/messages/en.json").read_text(encoding="utf-8"))
FIELDS = {"km": "total_km", "days": "transit_days", "co2": "co2_kg_per_tonne"}
UNITS = {"km": "km", "days": "days", "co2": "kg"}

CHART = """() => { const c = Chart.getChart(document.getElementById('cq-routes-chart'));
    const bars = c.getDatasetMeta(0).data.map(bar => Math.abs(bar.x - bar.base));
    return {bars: bars, ticks: c.scales.y.ticks.map(t => c.scales.y.getLabelForValue(t.value)),
            labels: c.data.labels, title: c.options.scales.x.title.display ? c.options.scales.x.title.text : null,
            legend: c.options.plugins.legend.display ? c.legend.legendItems.map(i => i.text) : []}; }"""


@pytest.mark.parametrize("metric", ["km", "days", "co2"])
def test_each_route_is_a_visible_named_bar_on_an_axis_with_its_unit(map_page: PageWatch, atlas: Atlas,
                                                                     metric: str) -> None:
    page = map_page.page
    page.locator("#cq-routes-heading").click()
    page.wait_for_selector("#cq-routes[data-shown='chongqing/duisburg'][data-drawn]")
    page.locator(f".cq-routes-metric[data-metric={metric}]").click()
    page.wait_for_function("m => document.querySelector(`.cq-routes-metric[data-metric=${m}]`)"
                           ".getAttribute('aria-pressed') === 'true'", arg=metric)
    routes = RouteIndex(atlas, precompute="none").compare("chongqing", "duisburg")["alternatives"]
    chart = page.evaluate(CHART)
    values = [route[FIELDS[metric]] for route in routes]
    if metric == "co2":  # the case: single-value estimates (min = max) among them
        assert any(value["min"] is not None and value["min"] == value["max"] for value in values)
    for value, bar in zip(values, chart["bars"]):
        has_value = value is not None and (not isinstance(value, dict) or value["min"] is not None)
        if has_value:
            assert bar >= 3, (metric, value, chart["bars"])
    assert chart["ticks"] == chart["labels"] and len(chart["labels"]) == len(routes)  # none skipped
    assert chart["title"] == CATALOG[f"routes.chart_{metric}"] and UNITS[metric] in chart["title"]
    assert chart["legend"] in ([], chart["labels"])  # per route, or none


VIEW = "() => { const m = window.cqAtlasMap, c = m.getCenter(); return [m.getZoom(), c.lat.toFixed(4), c.lng.toFixed(4)]; }"


def test_reaching_the_from_picker_changes_nothing_until_a_place_is_chosen(map_page: PageWatch) -> None:
    page = map_page.page
    view = page.evaluate(VIEW)
    rows = page.locator("#cq-table tbody tr").count()
    page.locator("#cq-routes-heading").scroll_into_view_if_needed()
    page.locator("#cq-routes-from").focus()  # as Tab reaches it
    page.wait_for_selector("#cq-routes[data-shown='chongqing/duisburg']", state="attached")
    page.keyboard.press("Shift")  # a key that chooses nothing
    page.wait_for_timeout(500)
    assert page.evaluate(VIEW) == view
    assert page.locator("path.cq-route-line").count() == 0
    assert page.locator("#cq-table tbody tr").count() == rows
    assert "route=" not in page.evaluate("location.hash")
    # A choice made: now the comparison is drawn, and the link holds it.
    destination = page.locator("#cq-routes-to option").nth(1).get_attribute("value")
    page.select_option("#cq-routes-to", destination)
    page.wait_for_selector(f"#cq-routes[data-shown='chongqing/{destination}'][data-drawn]")
    page.wait_for_function("d => location.hash.includes('route=chongqing/' + d)", arg=destination)
    assert page.locator("path.cq-route-line").count() > 0


@BOTH_DELIVERIES
def test_the_chosen_alternative_is_kept_in_the_link(map_page: PageWatch) -> None:
    page = map_page.page
    page.locator("#cq-routes-heading").click()
    page.wait_for_selector("#cq-routes[data-shown='chongqing/duisburg'][data-drawn]")
    page.locator("#cq-routes-table tbody tr").nth(1).click()
    page.wait_for_function("() => location.hash.includes('route=chongqing/duisburg/2')", timeout=5000)
    link = page.evaluate("location.href")
    other = page.context.new_page()
    try:
        other.goto(link)
        other.wait_for_selector("#cq-routes[data-shown='chongqing/duisburg'][data-drawn]")
        other.wait_for_function("() => document.querySelectorAll('#cq-routes-table tbody tr')[1]"
                                "?.getAttribute('aria-selected') === 'true'", timeout=5000)
        assert other.locator("path.cq-route-2").first.get_attribute("stroke-width") == "7"
        assert "route=chongqing/duisburg/2" in other.evaluate("location.hash")
    finally:
        other.close()


@pytest.mark.parametrize(("lang", "family"), [("zh", "Noto Sans SC"), ("fa", "Vazirmatn")])
def test_chart_text_is_drawn_in_the_atlas_fonts(map_page: PageWatch, lang: str, family: str) -> None:
    from tests.browsing import choose_language

    page = map_page.page
    choose_language(page, lang)
    page.locator("#cq-routes-heading").click()
    page.wait_for_selector("#cq-routes[data-shown='chongqing/duisburg'][data-drawn]")
    chart = page.evaluate("""() => { const c = Chart.getChart(document.getElementById('cq-routes-chart'));
        const ticks = c.scales.y._resolveTickFontOptions(0);
        return {font: ticks.string, labels: c.data.labels}; }""")
    # The canvas is told the atlas's face first, and that face is loaded for the words it draws.
    assert chart["font"].split("px ", 1)[1].split(",")[0].strip().strip('"') == family, chart["font"]
    page.wait_for_function("([font, text]) => document.fonts.check(font, text)",
                           arg=[chart["font"], " ".join(chart["labels"])], timeout=5000)
