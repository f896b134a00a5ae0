"""The feature and layer pages in a real Chromium, served and opened from disk: the series chart and the small
map are drawn, the layer table sorts by a figure, and nothing breaks the policy or leaves the machine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browsing import WATCH_CSP, is_local
from tests.conftest import LiveServer
from tests.pages_reading import features_in_files, layer_files

pytestmark = pytest.mark.browser


def _open(browser: Any, url: str) -> tuple[Any, list[str]]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("request", lambda request: None if is_local(request.url) else problems.append(request.url))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.add_init_script(WATCH_CSP)
    page.goto(url)
    page.wait_for_load_state("load")
    return page, problems


def _number(value: Any) -> float | None:
    """A documented area as the layer file gives it: plain, or the value of a qualified figure."""
    return value.get("value") if isinstance(value, dict) else value


def _feature_with_series() -> tuple[dict[str, Any], str, dict[str, float]]:
    for _, props in features_in_files():
        for name, value in props.items():
            if isinstance(value, dict) and "series" in value:
                return props, name, value["series"]
    raise AssertionError("no feature carries a series")


@pytest.mark.parametrize("mode", ["served", "static"])
def test_feature_page_draws_its_chart_and_small_map(browser: Any, live_server: LiveServer, built_site: Path,
                                                     mode: str) -> None:
    props, name, series = _feature_with_series()
    url = (f"{live_server.url}/features/{props['id']}?lang=fa" if mode == "served"
           else (built_site / "features" / f"{props['id']}.fa.html").as_uri())
    page, problems = _open(browser, url)
    canvas = page.locator(f'canvas[data-chart-for="cq-table-{name}"]')
    canvas.wait_for(state="visible")
    assert canvas.get_attribute("data-chart-drawn") == str(len(series))
    assert page.evaluate(f"""Array.from(document.querySelector('canvas[data-chart-for="cq-table-{name}"]').chart
                             .data.datasets[0].data)""") == [series[year] for year in sorted(series)]
    # The small map: the feature drawn over the offline outlines, framed to it.
    page.locator("#cq-page-map.cq-page-map-ready").wait_for()
    assert page.locator("#cq-page-map path.leaflet-interactive").count() >= 1
    assert page.locator("#cq-page-map path").count() > 10  # country outlines came with the site
    assert page.evaluate("window.__cspViolations") == [] and problems == []
    page.context.close()


def test_layer_table_sorts_by_a_figure(browser: Any, live_server: LiveServer) -> None:
    data = layer_files()["development_zones"]
    page, problems = _open(browser, f"{live_server.url}/layers/development_zones")
    page.locator('th[data-key="documented_area_km2"] button').click()
    ids = page.locator("#cq-layer-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.feature)")
    areas = {f["properties"]["id"]: _number(f["properties"].get("documented_area_km2")) for f in data["features"]}
    with_area = sorted((a, i) for i, a in areas.items() if a is not None)
    assert [areas[i] for i in ids] == [a for a, _ in with_area] + [None] * (len(ids) - len(with_area))
    page.locator('th[data-key="documented_area_km2"] button').click()
    ids = page.locator("#cq-layer-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.feature)")
    assert [areas[i] for i in ids[:len(with_area)]] == sorted((a for a, _ in with_area), reverse=True)
    assert page.locator('th[data-key="documented_area_km2"]').get_attribute("aria-sort") == "descending"
    assert page.evaluate("window.__cspViolations") == [] and problems == []
    page.context.close()


def test_numbers_are_written_as_the_browser_writes_them(browser: Any) -> None:
    """The pages' numbers (Python, CLDR through Babel) read as the map's (Intl.NumberFormat in Chromium)."""
    from geo.pages.figure_text import format_number, format_year

    values = [0, 7, 8.73, 66.29, 1234.5, 31.914, 16000, 1300000, 119.98, 0.125, 2024]
    page = browser.new_page()
    for lang in ("en", "zh", "fa"):
        expected = page.evaluate("([lang, values]) => values.map(v => new Intl.NumberFormat(lang, "
                                 "{maximumFractionDigits: 3}).format(v))", [lang, values])
        assert [format_number(v, lang) for v in values] == expected, lang
        assert format_year(2024, lang) == page.evaluate(
            "lang => new Intl.NumberFormat(lang, {useGrouping: false}).format(2024)", lang)
    page.close()
