"""What the map page loads before its first drawing: its script (and the deferred one with the parts the drawing
does without, see test_map_deferred.py) and its styles, and nothing for the parts of the panel nobody has opened yet (Chart.js, the route comparisons, the city card's figures); each arrives when its part is
first shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browsing import close_map, PHONE, open_map, page_url
from tests.conftest import ARTIFACTS, LiveServer

pytestmark = pytest.mark.browser

CHART_JS = "/chart.js/dist/chart.umd.min.js"


def scripts(urls: list[str]) -> list[str]:
    return [url for url in urls if url.split("?")[0].endswith(".js")]


@pytest.mark.parametrize("mode", ["served", "static"])
def test_closed_panel_loads_the_bundles_only_and_charts_come_with_the_routes(mode: str, browser: Any,
                                                                       live_server: LiveServer,
                                                                       built_site: Path) -> None:
    # On a phone the panel starts closed: none of its sections is shown, so none may cost the first drawing.
    watch = open_map(browser, page_url(mode, live_server, built_site), mode, viewport=PHONE, phone=True)
    page = watch.page
    page.wait_for_selector(".leaflet-overlay-pane path.cq-feature")
    page.wait_for_timeout(500)  # anything started by the first drawing has asked by now
    loaded = list(watch.requested)
    assert len(scripts(loaded)) == 2 and "/cqatlas/atlas." in scripts(loaded)[0], scripts(loaded)
    assert "/cqatlas/atlas-deferred." in scripts(loaded)[1], scripts(loaded)
    # A stylesheet for paper only (media="print") is fetched without holding up the drawing: not counted here.
    print_only = page.eval_on_selector_all('link[rel="stylesheet"][media="print"]', "links => links.map(l => l.href)")
    assert [url.rsplit("/", 1)[1].split(".")[0] for url in print_only] == ["export"], print_only
    styles = [url for url in loaded if url.endswith(".css") and "/cqatlas/fonts." not in url  # fonts: after drawing
              and url not in print_only]
    assert len(styles) == 2 and "/leaflet/dist/leaflet.css" in styles[0] and "/cqatlas/atlas." in styles[1], styles
    # The fonts: the atlas's own small cut, never a font package's stylesheet of a hundred faces.
    assert not [url for url in loaded if "/@fontsource/" in url], loaded
    # No section data and no other language's messages before they are asked for.
    assert not [url for url in loaded if "/data/" in url], loaded
    assert page.evaluate("typeof Chart") == "undefined"

    page.click("#cq-panel-toggle")
    page.locator("#cq-routes-heading").click()  # scrolls the section into view and uses it
    page.wait_for_selector("#cq-routes[data-shown][data-drawn]")
    assert [url for url in watch.requested if url.endswith(CHART_JS)], "Chart.js is loaded once the routes are shown"
    assert page.evaluate("Chart.getChart(document.getElementById('cq-routes-chart')) !== undefined")
    assert page.locator("#cq-routes-table tbody tr").count() > 0
    page.locator("#cq-routes-table").scroll_into_view_if_needed()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"routes-phone-{mode}.png"))  # the comparison as cards on a phone
    watch.check()
    close_map(page)
