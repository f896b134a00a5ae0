"""Hostile attribute text renders as inert text: in popups, tooltips and search, served and static."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from geo.assets import default_node_modules
from geo.build import build
from geo.popup import popup_html
from geo.registry import LAYERS_BY_ID
from tests.conftest import edit_feature, serve

HOSTILE_NAME = '<img src=x onerror="window.__pwned=1">Xiyong'
HOSTILE_ZH = '"><svg onload="window.__pwned=2">'
HOSTILE_DESCRIPTION = "</p><script>window.__pwned=3</script><a href=\"javascript:window.__pwned=4\">click</a> text"


def make_hostile(feature: dict[str, Any]) -> None:
    props = feature["properties"]
    props.update(name_en=HOSTILE_NAME, name_zh=HOSTILE_ZH, description_en=HOSTILE_DESCRIPTION,
                 name_fa='<b onmouseover="window.__pwned=5">نام</b>')
    props["sources"][0]["title"] = '<iframe src="javascript:window.__pwned=6"></iframe>'


def test_popup_markup_escapes_every_value() -> None:
    spec = LAYERS_BY_ID["bonded_zones"]
    props = {"id": "x", "name_en": HOSTILE_NAME, "name_zh": HOSTILE_ZH, "name_fa": "<b>x</b>", "kind": "<i>k</i>",
             "established": None, "description_en": HOSTILE_DESCRIPTION, "geometry_quality": "approximate",
             "geometry_note": "<u>note</u>", "figures_as_of": None,
             "sources": [{"title": "<script>t</script>", "url": "javascript:alert(1)", "report_ref": None},
                         {"title": "ok", "url": "https://example.org/?a=<b>&c=\"d\"", "report_ref": 5}]}
    html = popup_html(spec, props, "/api/layers/bonded_zones.geojson")
    for raw in ("<img", "<svg", "<script", "<b>", "<i>", "<u>", 'href="javascript'):
        assert raw not in html
    assert "&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;" in html
    assert 'href="https://example.org/?a=&lt;b&gt;&amp;c=&quot;d&quot;"' in html


@pytest.fixture(scope="module")
def hostile_layers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    from tests.conftest import LAYERS_DIR

    layers = tmp_path_factory.mktemp("hostile") / "layers"
    shutil.copytree(LAYERS_DIR, layers)
    edit_feature(layers, "bonded_zones", make_hostile)
    return layers


def assert_inert(page: Any) -> None:
    page.wait_for_function("window.cqAtlasMap !== undefined")
    page.evaluate("window.cqAtlasMap.eachLayer(l => { if (l.feature && l.getTooltip && l.getTooltip()"
                  " && l.feature.properties.tooltip_html.includes('pwned')) { l.openTooltip(); l.openPopup(); } })")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert HOSTILE_NAME in popup.inner_text()
    assert HOSTILE_ZH in popup.inner_text()
    assert "<script>window.__pwned=3</script>" in popup.inner_text()
    assert page.locator(".leaflet-tooltip", has_text=HOSTILE_NAME).count() == 1
    page.locator(".leaflet-control-search input").press_sequentially("<img", delay=20)
    page.locator(".search-tip").first.wait_for()
    assert HOSTILE_NAME in page.locator(".search-tip").first.inner_text()
    for selector in ("img[src=x]", ".leaflet-popup-content svg", ".leaflet-popup-content script", "iframe",
                     ".leaflet-popup-content a[href^=javascript]", ".search-tip img"):
        assert page.locator(selector).count() == 0, selector
    page.locator(".leaflet-popup-content").hover()
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
