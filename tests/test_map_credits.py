"""The map's credits as a reader sees them: every credit a visible layer owes is on screen, each once; turning a
layer off takes away only what no other visible layer owes; on phones the credits take one line until opened.

What each layer owes is read from the layer declarations (the registry), not from the page's scripts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from geo.data.registry import DATA_ATTRIBUTION, LAYERS
from tests.browsing import close_map, choose_language, DESKTOP, PHONE, PageWatch, axe_violations, open_map, page_url
from tests.conftest import REPO, LiveServer

pytestmark = pytest.mark.browser

CREDITS = ".leaflet-control-attribution"
# Every credit some layer owes others; the atlas's own licence is the page itself, not a map credit.
OWED = {spec.id: [c for c in spec.credits if c != DATA_ATTRIBUTION] for spec in LAYERS}
# The offline base map (on at first): Natural Earth outlines and GeoNames city labels.
BASE_MAP = ["Outlines: Natural Earth", "GeoNames (CC BY 4.0)"]
EVERY_CREDIT = {credit for credits in OWED.values() for credit in credits} | set(BASE_MAP)
ENGLISH = json.loads((REPO / "geo" / "data" / "messages" / "en.json").read_text(encoding="utf-8"))


def shown_text(page: Any) -> str:
    return page.locator(CREDITS).inner_text()


def check_credits_of(page: Any, visible: set[str]) -> None:
    """Each credit of a visible layer is shown exactly once; a credit no visible layer owes is not shown."""
    text = shown_text(page)
    owed = {credit for layer in visible for credit in OWED[layer]} | set(BASE_MAP)
    for credit in sorted(EVERY_CREDIT):
        assert text.count(credit) == (1 if credit in owed else 0), (credit, sorted(visible), text)


def set_layer(page: Any, layer: str, on: bool) -> None:
    box = page.locator(f'input[type="checkbox"][data-layer="{layer}"]')
    box.set_checked(on)


@pytest.fixture(params=["served", "static"])
def desktop_map(request: pytest.FixtureRequest, browser: Any, live_server: LiveServer,
                built_site: Path) -> Iterator[PageWatch]:
    watch = open_map(browser, page_url(request.param, live_server, built_site), request.param, viewport=DESKTOP)
    yield watch
    watch.check()
    close_map(watch.page)


def test_with_every_layer_on_each_credit_is_shown_once(desktop_map: PageWatch) -> None:
    page = desktop_map.page
    for spec in LAYERS:
        set_layer(page, spec.id, True)
    check_credits_of(page, {spec.id for spec in LAYERS})
    # Some credits are owed by several layers (the reason each is shown once, not once per layer).
    assert any(sum(credit in owed for owed in OWED.values()) > 1 for credit in EVERY_CREDIT)


def test_a_shared_credit_stays_while_any_layer_owing_it_is_on(desktop_map: PageWatch) -> None:
    page = desktop_map.page
    # ODbL: lines traced on OpenStreetMap railways carry its credit wherever they are drawn.
    owners = [layer for layer, credits in OWED.items() if any("© OpenStreetMap contributors" in c for c in credits)]
    assert len(owners) == 2, owners
    visible = {spec.id for spec in LAYERS if spec.shown_initially}
    assert set(owners) <= visible
    check_credits_of(page, visible)
    for layer in owners:
        set_layer(page, layer, False)
        visible.discard(layer)
        check_credits_of(page, visible)
        assert ("OpenStreetMap" in shown_text(page)) == bool(set(owners) & visible)
    set_layer(page, owners[1], True)
    visible.add(owners[1])
    check_credits_of(page, visible)


def test_desktop_credits_stay_within_the_map_in_two_lines(desktop_map: PageWatch) -> None:
    page = desktop_map.page
    box = page.locator(CREDITS).bounding_box()
    area = page.locator(".cq-map").bounding_box()
    assert box["x"] >= area["x"] - 0.5 and box["x"] + box["width"] <= area["x"] + area["width"] + 0.5
    line = page.locator(CREDITS).evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
    assert box["height"] <= 2 * line + 2, (box, line)
    assert page.locator(".cq-credits-toggle").is_hidden()  # the full text needs no button here


@pytest.mark.parametrize("mode", ["served", "static"])
def test_phone_credits_take_one_line_until_opened_by_keyboard(mode: str, browser: Any, live_server: LiveServer,
                                                              built_site: Path) -> None:
    watch = open_map(browser, page_url(mode, live_server, built_site), mode, viewport=PHONE, phone=True)
    page = watch.page
    credits, button = page.locator(CREDITS), page.locator("button.cq-credits-toggle")
    corner = page.locator(".leaflet-bottom.leaflet-right")
    assert button.get_attribute("aria-label") == ENGLISH["credits.button"]
    assert button.get_attribute("aria-controls") == credits.get_attribute("id")
    assert button.get_attribute("aria-expanded") == "false"
    assert corner.bounding_box()["height"] <= 25, "more than one line of credits over the map"
    assert credits.evaluate("e => e.scrollWidth > e.clientWidth"), "the one line is the whole text: nothing to open"
    assert axe_violations(page) == []

    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    box = credits.bounding_box()
    assert box["height"] > 40 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5
    assert credits.evaluate("e => e.scrollWidth <= e.clientWidth && e.scrollHeight <= e.clientHeight")
    visible = {spec.id for spec in LAYERS if spec.shown_initially}
    check_credits_of(page, visible)
    assert axe_violations(page) == []

    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "false"
    assert corner.bounding_box()["height"] <= 25
    page.keyboard.press("Space")
    assert button.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    # Persian mirrors the controls: still one line, within the screen, the button named in Persian.
    page.locator("#cq-panel-toggle").click()
    choose_language(page, "fa")
    page.locator("#cq-panel-toggle").click()
    persian = json.loads((REPO / "geo" / "data" / "messages" / "fa.json").read_text(encoding="utf-8"))
    assert button.get_attribute("aria-label") == persian["credits.button"]
    line = corner.bounding_box()
    assert line["height"] <= 25 and line["x"] >= 0 and line["x"] + line["width"] <= PHONE["width"] + 0.5, line
    watch.check()
    close_map(page)
