"""The Compare routes panel in Chromium, served and opened from disk: routes drawn, table with sources, highlight."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from geo.data.atlas import Atlas
from geo.corridors.route_index import RouteIndex
from tests.conftest import ARTIFACTS, REPO
from tests.browsing import close_map, PageWatch, choose_language, BOTH_DELIVERIES, map_page, open_map  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def expected(atlas: Atlas) -> RouteIndex:
    return RouteIndex(atlas)


def _open_panel(page: Any, shown: str = "chongqing/duisburg") -> None:
    # Routes are drawn on the map once the section is used: a click on its heading.
    page.locator("#cq-routes-heading").click()
    page.wait_for_selector(f"#cq-routes[data-shown='{shown}'][data-drawn]")


def _rows(page: Any) -> Any:
    return page.locator("#cq-routes-table tbody tr")


@BOTH_DELIVERIES
def test_default_comparison_is_drawn_with_its_table(map_page: PageWatch, expected: RouteIndex) -> None:
    page = map_page.page
    _open_panel(page)
    routes = expected.compare("chongqing", "duisburg")["alternatives"]
    rows = _rows(page)
    assert rows.count() == len(routes)
    for index, route in enumerate(routes):
        cells = rows.nth(index).locator("td, th")
        assert route["label"] in cells.nth(1).inner_text()
        assert cells.nth(2).inner_text() == f"{int(route['total_km'] + 0.5):,}"  # Intl rounds half up
    assert page.locator("path.cq-route-line").count() == sum(len(r["legs"]) for r in routes)
    for route in routes:  # each alternative in its own style
        assert page.locator(f"path.cq-route-{route['rank']}").count() == len(route["legs"])
    strokes = {page.locator(f"path.cq-route-{r['rank']}").first.get_attribute("stroke") for r in routes}
    assert len(strokes) == len(routes)
    assert page.evaluate("Chart.getChart(document.getElementById('cq-routes-chart')) !== undefined")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"routes-{map_page.mode}.png"))  # type: ignore[attr-defined]


def test_every_figure_in_the_table_carries_a_source(map_page: PageWatch) -> None:
    page = map_page.page
    _open_panel(page)
    rows = _rows(page)
    for index in range(rows.count()):
        row = rows.nth(index)
        days, co2, traffic = row.locator("td").nth(2), row.locator("td").nth(3), row.locator("td").nth(4)
        for cell in (days, co2, traffic):
            if cell.inner_text().strip() not in ("–", "– est."):
                assert int(cell.get_attribute("data-sources")) > 0, (index, cell.inner_text())
        row.click()
        links = page.locator("#cq-routes-detail .cq-routes-sources a")
        assert links.count() > 0
        assert all(links.nth(i).get_attribute("href").startswith(("https://", "http://")) for i in range(links.count()))


def test_clicking_a_row_highlights_its_route(map_page: PageWatch, expected: RouteIndex) -> None:
    page = map_page.page
    _open_panel(page)
    second = _rows(page).nth(1)
    second.click()
    assert second.get_attribute("aria-selected") == "true"
    assert page.locator("#cq-routes-table tr.cq-selected").count() == 1
    assert page.locator("path.cq-route-2").first.get_attribute("stroke-width") == "7"
    assert page.locator("path.cq-route-1").first.get_attribute("stroke-width") == "3"
    route = expected.compare("chongqing", "duisburg")["alternatives"][1]
    assert route["label"] in page.locator("#cq-routes-detail h3").inner_text()


@BOTH_DELIVERIES
def test_choosing_another_destination_redraws(map_page: PageWatch, expected: RouteIndex) -> None:
    page = map_page.page
    _open_panel(page)
    page.select_option("#cq-routes-to", "singapore")
    page.wait_for_selector("#cq-routes[data-shown='chongqing/singapore']")
    routes = expected.compare("chongqing", "singapore")["alternatives"]
    assert _rows(page).count() == len(routes)
    assert page.locator("path.cq-route-line").count() == sum(len(r["legs"]) for r in routes)


@BOTH_DELIVERIES
def test_served_page_compares_any_two_places_through_the_api(map_page: PageWatch, expected: RouteIndex) -> None:
    page = map_page.page
    _open_panel(page)
    origins = page.locator("#cq-routes-from option")
    if map_page.mode == "static":  # type: ignore[attr-defined]
        assert origins.count() == 1  # offline: the comparisons prepared at build time only
        return
    page.select_option("#cq-routes-from", "moscow")
    page.select_option("#cq-routes-to", "shanghai")
    page.wait_for_selector("#cq-routes[data-shown='moscow/shanghai']")
    assert _rows(page).count() == len(expected.compare("moscow", "shanghai")["alternatives"])
    href = page.locator("#cq-routes-downloads a").get_attribute("href")
    assert href == "/api/routes/moscow/shanghai.geojson"


def test_city_at_a_glance_shows_each_figure_with_its_source(map_page: PageWatch, atlas: Atlas) -> None:
    from geo.map.city_glance import CITY_FEATURE_ID

    city = next((f for f in atlas.features() if f.id == CITY_FEATURE_ID), None)
    if city is None:
        pytest.skip("no city_profile feature in the layers")
    page = map_page.page
    page.locator("#cq-glance").scroll_into_view_if_needed()  # the card fills in once it is shown
    page.wait_for_selector("#cq-glance[data-mounted]")
    from geo.data.schema import DOCUMENTED_FIGURES

    plain = [n for n in DOCUMENTED_FIGURES if city.properties.get(n) is not None
             and not (isinstance(city.properties[n], dict) and "series" in city.properties[n])]
    series = [n for n, v in city.properties.items() if isinstance(v, dict) and "series" in v]
    for name in plain:
        cell = page.locator(f"#cq-glance dd[data-figure='{name}']")
        assert cell.count() == 1, name
        assert int(cell.get_attribute("data-sources")) > 0, name
        assert DOCUMENTED_FIGURES[name][0] in page.locator("#cq-glance").text_content()
    key = page.locator("#cq-glance-figures").inner_text()
    for name, words in (("gdp_bn_cny", "GDP"), ("fortune500_count", "Fortune")):
        if city.properties.get(name) is not None:
            assert words in key
    for name in series:
        assert page.locator(f"#cq-glance-charts figure[data-figure='{name}'] canvas").count() == 1


def test_city_at_a_glance_speaks_the_page_language(map_page: PageWatch, atlas: Atlas) -> None:
    from geo.map.city_glance import CITY_FEATURE_ID

    city = next((f for f in atlas.features() if f.id == CITY_FEATURE_ID), None)
    if city is None:
        pytest.skip("no city_profile feature in the layers")
    page = map_page.page
    page.locator("#cq-glance").scroll_into_view_if_needed()
    page.wait_for_selector("#cq-glance[data-mounted]")
    try:
        for lang in ("zh", "fa"):
            messages = json.loads((REPO / "geo" / "data" / "messages" / f"{lang}.json").read_text(encoding="utf-8"))
            choose_language(page, lang)
            name = city.properties.get(f"name_{lang}") or city.properties["name_en"]
            assert page.locator("#cq-glance-heading").text_content() == messages["glance.heading"].replace("{name}", name)
            terms = page.locator("#cq-glance dt").all_text_contents()
            population = page.locator("#cq-glance dd[data-figure='population_mn']").text_content()
            assert messages["figure.population_mn.label"] in terms
            # Chinese counts people in 万 (3191.4万人), not in millions (百万人): the unit without its scale word.
            unit = messages["figure.population_mn.unit"]
            assert (unit.removeprefix("百万") if lang == "zh" else unit) in population and "百万" not in population
            if lang == "fa":  # Persian digits, no Latin ones, in the figure itself (its date and sources aside)
                figure_text = population.split("(")[0]
                assert re.search("[۰-۹]", figure_text) and not re.search("[0-9]", figure_text), figure_text
    finally:
        choose_language(page, "en")
    assert "at a glance" in page.locator("#cq-glance-heading").text_content()


def test_traffic_by_year_is_charted_for_a_route_whose_corridors_have_series(map_page: PageWatch,
                                                                             expected: RouteIndex) -> None:
    routes = expected.compare("chongqing", "duisburg")["alternatives"]
    with_series = [r for r in routes if any(isinstance(f["value"], dict) and "series" in f["value"]
                                            for leg in r["legs"] for f in leg["traffic"])]
    if not with_series:
        pytest.skip("no corridor on these routes carries a by-year series")
    page = map_page.page
    _open_panel(page)
    _rows(page).nth(with_series[0]["rank"] - 1).click()
    box = page.locator("#cq-routes-traffic")
    assert box.is_visible()
    assert page.evaluate("Chart.getChart(document.getElementById('cq-routes-traffic-chart')) !== undefined")
    assert box.locator("ul a").count() > 0  # the series' sources


def test_a_link_to_a_place_the_offline_copy_does_not_know_names_it(browser: Any, built_site: Any) -> None:
    """A mistyped place in a shared link (``yantian`` for ``yantian-port``) is named, not taken for an origin the
    copy did not prepare."""
    messages = json.loads((REPO / "geo" / "data" / "messages" / "en.json").read_text(encoding="utf-8"))
    for link, expected_text in (("chongqing/no-such-place", messages["routes.unknown_place"].replace("{place}",
                                                                                                     "no-such-place")),
                                ("moscow/shanghai", messages["routes.offline"])):  # both known, not prepared
        watch = open_map(browser, (built_site / "index.html").as_uri() + f"#route={link}", "static")
        try:
            watch.page.wait_for_function("text => document.getElementById('cq-routes-status').textContent === text",
                                         arg=expected_text, timeout=10_000)
            watch.check()
        finally:
            close_map(watch.page)
