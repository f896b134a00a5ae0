"""The map's script in two bundles: the first holds what the first drawing needs; search, route comparison, city
card, feature table, downloads and embed come in a second one, loaded after the features are drawn — and still
work, served and opened from disk, a shared link's filter included."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browsing import close_map, PHONE, choose_language, open_map, page_url
from tests.conftest import LAYERS_DIR, REPO, LiveServer

SCRIPT = re.compile(r"/cqatlas/(atlas(?:-deferred)?)\.[0-9a-f]{12}\.js$")
# Words only the deferred parts use (element ids of their sections' templates, message keys), which minifying keeps.
DEFERRED_MARKS = {"search": "cq-search-results", "routes": "cq-routes-from", "glance": "cq-glance-figures",
                  "table": "table.count", "download": "cq-download-links", "embed": "cq-embed-code"}
# And what the first drawing needs: the features (popup), the layer list, the year slider, the language menu.
FIRST_MARKS = {"popup": "cq-popup-title", "time": "cq-year", "language": "cq-lang"}


def _named(text: str, layers: tuple[str, ...]) -> list[str]:
    """Ids of the layers' features whose id or a name contains ``text`` (the layer files read directly)."""
    found = []
    for layer in layers:
        for feature in json.loads((LAYERS_DIR / f"{layer}.geojson").read_text(encoding="utf-8"))["features"]:
            p = feature["properties"]
            if any(text in str(p.get(key) or "").lower() for key in ("id", "name_en", "name_zh", "name_fa")):
                found.append(p["id"])
    return sorted(found)


def _bundles(built_site: Path) -> dict[str, str]:
    """The map page's bundles by kind (atlas, atlas-deferred), as the static build holds them."""
    found = {}
    for path in (built_site / "assets" / "cqatlas").glob("*.js"):
        match = SCRIPT.search("/cqatlas/" + path.name)
        if match:
            found[match.group(1)] = path.read_text(encoding="utf-8")
    return found


def test_first_bundle_leaves_the_deferred_parts_out(built_site: Path) -> None:
    bundles = _bundles(built_site)
    assert set(bundles) == {"atlas", "atlas-deferred"}, sorted(bundles)
    first, deferred = bundles["atlas"], bundles["atlas-deferred"]
    for part, mark in DEFERRED_MARKS.items():
        assert mark not in first, f"{part} is in the first bundle"
        assert mark in deferred, f"{part} is missing from the deferred bundle"
    for part, mark in FIRST_MARKS.items():
        assert mark in first, f"{part} is not in the first bundle"
    # Leaflet ships once, in the first bundle (its version string and attribution link are in its source).
    leaflet = json.loads((REPO / "node_modules" / "leaflet" / "package.json").read_text())["version"]
    assert '"' + leaflet + '"' in first and "leafletjs.com" in first
    assert "leafletjs.com" not in deferred and '"' + leaflet + '"' not in deferred
    assert len(deferred) < len(first) / 3  # the helpers both use are small


@pytest.mark.browser
@pytest.mark.parametrize("mode", ["served", "static"])
def test_deferred_bundle_comes_second_and_its_parts_work(mode: str, browser: Any, live_server: LiveServer,
                                                                   built_site: Path) -> None:
    # The first bundle asks for the deferred one (before drawing, so it arrives meanwhile); its parts start after.
    watch = open_map(browser, page_url(mode, live_server, built_site) + "#layers=universities,development_zones&q=liangjiang",
                     mode, viewport=PHONE, phone=True)
    page = watch.page
    bundles = [SCRIPT.search(url.split("?")[0]).group(1) for url in watch.requested if SCRIPT.search(url.split("?")[0])]
    assert bundles == ["atlas", "atlas-deferred"], watch.requested
    # Deferred parts started before the shared link was applied: its filter is in the table's box and on the map.
    assert page.locator("#cq-table-filter").input_value() == "liangjiang"
    shown = page.evaluate("cqAtlas.entries.filter(e => cqAtlas.map.hasLayer(e.layer.group) && !cqAtlas.isHidden(e))"
                         ".map(e => e.id)")
    assert sorted(shown) == _named("liangjiang", ("universities", "development_zones")), shown
    page.click("#cq-panel-toggle")
    # The route comparison (deferred) mounts when shown, and draws its table.
    page.locator("#cq-routes-heading").click()
    page.wait_for_selector("#cq-routes[data-shown]")
    assert page.locator("#cq-routes-table tbody tr").count() > 0
    # Search (deferred) finds a feature by its Chinese name and opens its popup.
    page.fill("#cq-table-filter", "")
    page.fill("#cq-search-input", "重庆两江新区")  # the name_zh of liangjiang-new-area
    page.locator("#cq-search-results button").first.click()
    page.wait_for_selector(".cq-popup-title")
    assert "Liangjiang" in page.locator(".cq-popup-title").inner_text()
    # Downloads and the embed snippet (deferred) follow the map's state.
    # (Polled from here: the page's CSP refuses the eval a string wait_for_function would need.)
    expect(page.locator("#cq-download-links a").first).to_be_attached()
    expect(page.locator("#cq-embed-code")).to_have_value(re.compile("feature=liangjiang-new-area"))
    # Both bundles take data from the same data scripts: another language's messages, loaded by the first bundle
    # once the deferred one runs, reach the first (its title) and the deferred parts (the search's status).
    if page.locator("#cq-panel").is_hidden():  # a result chosen on a phone closes the panel over the map
        page.click("#cq-panel-toggle")
    choose_language(page, "zh")
    zh = json.loads((REPO / "geo" / "data" / "messages" / "zh.json").read_text(encoding="utf-8"))
    expect(page.locator("#cq-routes-heading")).to_have_text(zh["routes.heading"])
    # (Typed by script: on a phone the language menu closes the panel, and what is typed matters here, not how.)
    page.locator("#cq-search-input").evaluate("input => { input.value = 'zzzz-nothing';"
                                              " input.dispatchEvent(new Event('input')); }")
    expect(page.locator("#cq-search-status")).to_have_text(zh["search.none"].replace("{query}", "zzzz-nothing"))
    watch.check()
    close_map(page)
