"""The route card reconciles its two sea times: where a source's documented days by sea stand beside the atlas's
estimate for the same route, the card says why they differ (the estimate counts only time under way), in English,
中文 and فارسی, at desktop and phone sizes."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from tests.browsing import close_map, DESKTOP, PHONE, open_map
from tests.conftest import LAYERS_DIR, REPO, LiveServer

pytestmark = pytest.mark.browser

CATALOGS = {lang: json.loads((REPO / "geo" / "data" / "messages" / f"{lang}.json").read_text(encoding="utf-8"))
            for lang in ("en", "zh", "fa")}
# What the estimate leaves out, in each language's words (ports; transfers between modes).
LEFT_OUT = {"en": ("port", "transfer"), "zh": ("港口", "中转"), "fa": ("بندر", "جابه‌جایی")}


@cache
def estimated_beside_documented() -> list[int]:
    """Ranks of Chongqing → Duisburg routes whose days are estimated while a source documents days by sea."""
    from geo.data.atlas import load_atlas
    from geo.corridors.route_index import RouteIndex

    routes = RouteIndex(load_atlas(LAYERS_DIR), precompute="none").compare("chongqing", "duisburg")["alternatives"]
    return [r["rank"] for r in routes if r.get("documented_comparisons") and r["transit_days"]["basis"] == "estimated"]


@pytest.mark.parametrize("lang", ["en", "zh", "fa"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_route_card_says_why_documented_and_estimated_sea_days_differ(browser: Any, live_server: LiveServer,
                                                                          lang: str, size: str) -> None:
    ranks = estimated_beside_documented()
    assert ranks, "no route shows documented sea days beside an estimate"
    watch = open_map(browser, f"{live_server.url}/#lang={lang}", "served", PHONE if size == "phone" else DESKTOP,
                     phone=size == "phone")
    page = watch.page
    try:
        page.wait_for_function("lang => document.documentElement.lang === lang", arg=lang)
        if size == "phone":
            page.locator("#cq-panel-toggle").tap()
        page.locator("#cq-routes-heading").scroll_into_view_if_needed()
        page.locator("#cq-routes-heading").click()
        page.wait_for_selector("#cq-routes[data-shown='chongqing/duisburg'][data-drawn]")
        for rank in ranks:
            days = page.locator(f'#cq-routes-table tr[data-rank="{rank}"] td[data-basis]')
            text = days.inner_text()
            assert all(word in text for word in LEFT_OUT[lang]), text
            assert days.locator(".cq-routes-why").is_visible()
            assert days.locator(".cq-routes-why").inner_text() == CATALOGS[lang]["routes.by_sea_why"]
        watch.check()
    finally:
        close_map(page)
