"""Hostile attribute text renders as inert text: in popups, tooltips, search results and the feature table,
served and static (all of them drawn in the browser from the page's data)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from geo.map.sources import default_node_modules
from geo.publish.build import build
from tests.browsing import wait_for_rows
from tests.conftest import edit_feature, serve

HOSTILE_NAME = '<img src=x onerror="window.__pwned=1">Xiyong'
HOSTILE_ZH = '"><svg onload="window.__pwned=2">'
HOSTILE_DESCRIPTION = "</p><script>window.__pwned=3</script><a href=\"javascript:window.__pwned=4\">click</a> <!-- text"


def make_hostile(feature: dict[str, Any]) -> None:
    props = feature["properties"]
    props.update(name_en=HOSTILE_NAME, name_zh=HOSTILE_ZH, description_en=HOSTILE_DESCRIPTION,
                 name_fa='<b onmouseover="window.__pwned=5">نام</b>')
    props["sources"][0]["title"] = '<iframe src="javascript:window.__pwned=6"></iframe>'


@pytest.fixture(scope="module")
def hostile_layers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    from tests.conftest import LAYERS_DIR

    layers = tmp_path_factory.mktemp("hostile") / "layers"
    shutil.copytree(LAYERS_DIR, layers)
    edit_feature(layers, "bonded_zones", make_hostile)
    return layers


def assert_inert(page: Any) -> None:
    page.wait_for_function("() => window.cqAtlasMap !== undefined")
    feature_id = page.evaluate("window.cqAtlas.entries.find(e => e.feature.properties.name_en.includes('pwned')).id")
    page.evaluate("id => { const e = window.cqAtlas.byId[id]; window.cqAtlas.open(e);"
                  " e.shape.fire('mouseover', {latlng: e.shape.getCenter()}, true); }", feature_id)  # a hover
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert HOSTILE_NAME in text and HOSTILE_ZH in text and "<b onmouseover" in text
    assert "<script>window.__pwned=3</script>" in text and '<iframe src="javascript:window.__pwned=6"></iframe>' in text
    assert page.locator(".leaflet-tooltip", has_text=HOSTILE_NAME).count() == 1
    page.locator("#cq-search-input").fill("<img")
    page.locator(".cq-result").first.wait_for()
    assert HOSTILE_NAME in page.locator(".cq-result").first.inner_text()
    page.locator("#cq-table-filter").fill("pwned")
    assert wait_for_rows(page, {feature_id}) == {feature_id}
    assert page.locator("#cq-table tbody th .cq-open").all_inner_texts() == [HOSTILE_NAME]
    for selector in ("img[src=x]", "svg[onload]", "b[onmouseover]", ".leaflet-popup-content script", "iframe",
                     "a[href^=javascript]", ".cq-result img", "#cq-table img"):
        assert page.locator(selector).count() == 0, selector
    popup.hover()
    page.wait_for_timeout(200)
    assert page.evaluate("window.__pwned") is None


@pytest.mark.browser
def test_hostile_text_is_inert_on_the_served_map(browser: Any, hostile_layers: Path) -> None:
    with serve(hostile_layers) as server:
        page = browser.new_page()
        page.goto(server.url + "/")
        assert_inert(page)
        page.close()


@pytest.mark.browser
def test_hostile_text_is_inert_on_the_static_site(browser: Any, hostile_layers: Path, tmp_path: Path) -> None:
    build(hostile_layers, tmp_path / "site", default_node_modules())
    page = browser.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    page.goto((tmp_path / "site" / "index.html").as_uri())
    assert_inert(page)
    page.close()
