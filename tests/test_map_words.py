"""Words the map writes besides its own panel, in a real Chromium: Leaflet's zoom buttons and the search's count
in the page's language, with the language's plural forms and digits."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browsing import PageWatch, choose_language, map_page  # noqa: F401  (fixture)
from tests.conftest import REPO

pytestmark = pytest.mark.browser

CATALOGS = {lang: json.loads((REPO / "geo/data/messages" / f"{lang}.json").read_text(encoding="utf-8"))
            for lang in ("en", "zh", "fa")}


@pytest.mark.parametrize("lang", ["en", "zh", "fa"])
def test_zoom_buttons_are_titled_in_the_page_language(map_page: PageWatch, lang: str) -> None:
    page = map_page.page
    if lang != "en":
        choose_language(page, lang)
    for button, key in ((".leaflet-control-zoom-in", "map.zoom_in"), (".leaflet-control-zoom-out", "map.zoom_out")):
        assert page.locator(button).get_attribute("title") == CATALOGS[lang][key]
        assert page.locator(button).get_attribute("aria-label") == CATALOGS[lang][key]
    if lang == "zh":  # Leaflet's own English is gone
        assert page.locator(".leaflet-control-zoom-in").get_attribute("title") != "Zoom in"


def test_one_search_result_is_one_match(map_page: PageWatch, atlas: Any) -> None:
    page = map_page.page
    # A name that occurs once in the atlas, typed in full.
    names = [f.properties["name_en"] for f in atlas.features()]
    unique = next(name for name in names if sum(name.lower() in other.lower() for other in names) == 1)
    page.fill("#cq-search-input", unique)
    status = page.locator("#cq-search-status")
    status.wait_for()
    page.wait_for_function("() => document.getElementById('cq-search-status').textContent !== ''")
    assert status.inner_text() == "1 match"
