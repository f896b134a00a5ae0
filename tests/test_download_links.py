"""Download links a reader clicks, in a real Chromium: the whole atlas whatever the view, and links that save the
file (or, opened from disk where a browser will not save, open it beside the map) instead of replacing the map."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.browsing import close_map, PageWatch, BOTH_DELIVERIES, map_page, open_map  # noqa: F401  (fixture)
from tests.conftest import LAYERS_DIR

pytestmark = pytest.mark.browser

WHOLE = ".cq-download-whole a"


def features_in_layer_files() -> int:
    return sum(len(json.loads(path.read_text(encoding="utf-8"))["features"]) for path in LAYERS_DIR.glob("*.geojson"))


@BOTH_DELIVERIES
def test_the_whole_atlas_is_offered_whatever_the_view(map_page: PageWatch) -> None:
    page = map_page.page
    before = page.locator(WHOLE).evaluate_all("links => links.map(a => a.href)")
    assert before, "no link to the whole atlas"
    # A static copy names each file's size after its format, and offers the release folder's files too.
    assert [name.split(" (")[0] for name in page.locator(WHOLE).all_inner_texts()] == (
        ["GeoJSON", "GeoPackage", "GeoParquet", "FlatGeobuf"] if map_page.mode == "served"
        else ["GeoJSON", "GeoPackage", "GeoParquet", "FlatGeobuf", "CSV", "PMTiles"])
    # Every layer off, the map far away: the same links.
    page.evaluate("() => { const map = window.cqAtlasMap; map.setView([-40, -120], 6, {animate: false}); }")
    for box in page.locator(".cq-layer input[type=checkbox]").all():
        if box.is_checked():
            box.uncheck()
    assert page.locator(WHOLE).evaluate_all("links => links.map(a => a.href)") == before
    if map_page.mode == "static":
        atlas = json.loads(Path(before[0].removeprefix("file://")).read_text(encoding="utf-8"))
        assert len(atlas["features"]) == features_in_layer_files()


def test_the_whole_atlas_link_saves_every_feature(browser: Any, live_server: Any) -> None:
    watch = open_map(browser, live_server.url + "/", "served")
    page = watch.page
    try:
        page.evaluate("() => { window.cqAtlasMap.setView([-40, -120], 6, {animate: false}); }")
        with page.expect_download() as download:
            page.locator(WHOLE, has_text="GeoJSON").click()
        saved = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
        assert len(saved["features"]) == features_in_layer_files()
        assert page.url.startswith(live_server.url + "/#")  # the map is still there
        watch.check()
    finally:
        close_map(page)


def test_from_disk_a_layer_link_leaves_the_map_in_place(browser: Any, built_site: Path) -> None:
    watch = open_map(browser, (built_site / "index.html").as_uri(), "static")
    page = watch.page
    try:
        link = page.locator(".cq-layer-download").first
        assert link.get_attribute("download") is not None
        with page.context.expect_page() as opened:
            link.click()
        assert opened.value.url.endswith(".geojson")
        assert page.url.startswith((built_site / "index.html").as_uri())
        assert page.evaluate("window.cqAtlasMap !== undefined")
        for link in page.locator(WHOLE).all():
            assert link.get_attribute("download") is not None and link.get_attribute("target") == "_blank"
        watch.check()
    finally:
        close_map(page)
