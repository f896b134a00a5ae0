"""From the map to each feature's own page: the feature table and the popup link every feature to its page, in the
map's language, at the served site's address (``/features/<id>?lang=``) or the static site's file
(``features/<id>[.zh|.fa].html``); following a link reaches that feature's page in that language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browsing import close_map, open_map, page_url, wait_for_rows
from tests.conftest import LiveServer
from tests.pages_reading import features_in_files, messages

pytestmark = pytest.mark.browser

LAYER = "bonded_zones"
# A view holding every bonded zone of the layer file (the city's core).
VIEW = "map=9/29.6/106.55"


def expected_href(mode: str, feature_id: str, lang: str) -> str:
    """The address each site gives a feature's page (the pages' own layout, not the map's script)."""
    if mode == "served":
        return f"/features/{feature_id}?lang={lang}"
    return f"features/{feature_id}{'' if lang == 'en' else '.' + lang}.html"


def wait_for_links(page: Any, expected: dict[str, str]) -> None:
    """Until every row's page link is the one ``expected`` gives its feature (the caller's assertion shows any
    difference left)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function("expected => Array.from(document.querySelectorAll('#cq-table tbody tr')).every(r =>"
                               " { const a = r.querySelector('a.cq-table-page');"
                               " return a !== null && a.getAttribute('href') === expected[r.dataset.feature]; })",
                               arg=expected, timeout=15000)
    except PlaywrightTimeout:
        pass


@pytest.mark.parametrize("mode", ["served", "static"])
@pytest.mark.parametrize("lang", ["en", "fa"])
def test_table_rows_and_popup_link_to_each_features_page(browser: Any, live_server: LiveServer, built_site: Path,
                                                         mode: str, lang: str) -> None:
    zones = [props for layer_id, props in features_in_files() if layer_id == LAYER]
    watch = open_map(browser, f"{page_url(mode, live_server, built_site)}#{VIEW}&layers={LAYER}&lang={lang}", mode)
    page = watch.page
    page.wait_for_function("lang => document.documentElement.lang === lang", arg=lang)
    shown = wait_for_rows(page, {props["id"] for props in zones})
    assert shown == {props["id"] for props in zones}
    expected = {props["id"]: expected_href(mode, props["id"], lang) for props in zones}
    # The rows a first drawing made are drawn again, on the next frame, once the page has switched language.
    wait_for_links(page, expected)
    links = page.locator("#cq-table tbody tr").evaluate_all(
        "rows => rows.map(r => [r.dataset.feature, r.querySelector('a.cq-table-page').getAttribute('href'),"
        " r.querySelector('a.cq-table-page').textContent])")
    assert {feature_id: href for feature_id, href, _ in links} == expected
    assert {text for _, _, text in links} == {messages(lang)["table.page"]}

    watch.check()  # before leaving: requests the map had under way are cancelled by following a link

    # Following a row's link opens that feature's page, in the map's language.
    target = zones[0]
    page.locator(f'#cq-table tbody tr[data-feature="{target["id"]}"] a.cq-table-page').click()
    page.wait_for_selector("article.cq-feature")
    assert page.locator("article.cq-feature").get_attribute("data-feature") == target["id"]
    assert page.evaluate("document.documentElement.lang") == lang
    assert page.locator("#cq-feature-name").inner_text() == (target.get(f"name_{lang}") or target["name_en"])

    # The popup of the feature a link opens says the same.
    page.goto(f"{page_url(mode, live_server, built_site)}#{VIEW}&layers={LAYER}&lang={lang}&feature={target['id']}")
    page.wait_for_function("() => window.cqAtlasMap !== undefined")
    link = page.locator(".leaflet-popup-content .cq-page-link a")
    link.wait_for()
    assert link.get_attribute("href") == expected_href(mode, target["id"], lang)
    close_map(page)
