"""Opening the map in a real Chromium, offline: what every browser test of the map shares."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import xyzservices.providers as basemaps

from tests.conftest import REPO, LiveServer

# The one kind of request allowed to leave the machine: base-map tiles (they may fail offline).
TILE_HOSTS = {urlsplit(p.build_url()).hostname for p in (basemaps.Esri.WorldGrayCanvas, basemaps.OpenStreetMap.Mapnik)}
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}

# Content-Security-Policy violations are reported to the page, not raised: collect them.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
    window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@dataclass
class PageWatch:
    page: Any
    mode: str
    errors: list[str] = field(default_factory=list)
    escaped_requests: list[str] = field(default_factory=list)
    failed_local: list[str] = field(default_factory=list)
    requested: list[str] = field(default_factory=list)  # every URL the page asked for, in order

    def check(self) -> None:
        assert self.errors == [], self.errors
        assert self.escaped_requests == [], self.escaped_requests
        assert self.failed_local == [], self.failed_local
        assert self.page.evaluate("window.__cspViolations") == []


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("file", "data", "about") or parts.hostname == "127.0.0.1"


# Opening the map in a new browser context starts a renderer process and compiles the page's scripts anew: about
# 0.7 s of CPU more than loading it again in a page that has shown it before. Pages are therefore kept, one set per
# window size and device, and handed to the next test cleaned: its routes and listeners removed, the document replaced
# by a blank one, the pointer moved off the page. Nothing of a page's state survives its document (the map keeps
# nothing in storage), and the HTTP cache is off while requests are routed, so every test still loads everything.
_IDLE_PAGES: dict[tuple[int, int, int, bool], list[Any]] = {}
_POOL_KEYS: dict[Any, tuple[int, int, int, bool]] = {}  # each page open_map made → its set
PAGE_EVENTS = ("console", "dialog", "download", "filechooser", "frameattached", "framedetached", "framenavigated",
               "load", "domcontentloaded", "pageerror", "popup", "request", "requestfailed", "requestfinished",
               "response", "websocket", "worker")


def _fresh_page(browser: Any, viewport: dict[str, int], phone: bool) -> Any:
    key = (id(browser), viewport["width"], viewport["height"], phone)
    idle = _IDLE_PAGES.setdefault(key, [])
    while idle:
        page = idle.pop()
        if not page.is_closed():
            return page
    page = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone).new_page()
    page.add_init_script(WATCH_CSP)
    _POOL_KEYS[page] = key
    return page


def close_map(page: Any) -> None:
    """Done with a page ``open_map`` gave: cleaned and kept for the next test (closed if it cannot be cleaned)."""
    key = _POOL_KEYS.get(page)
    if page.is_closed():
        return
    if key is None:  # a page of the test's own making
        page.context.close()
        return
    try:
        page.unroute_all(behavior="ignoreErrors")
        page.goto("about:blank")
        for event in PAGE_EVENTS:  # the test's own listeners too, so none of them hears the next test's page
            for listener in page._impl_obj.listeners(event):
                page._impl_obj.remove_listener(event, listener)
        page.mouse.move(-1, -1)
    except Exception:  # noqa: BLE001 - a crashed or hung page is not handed on
        page.context.close()
        return
    _IDLE_PAGES[key].append(page)


def open_map(browser: Any, url: str, mode: str, viewport: dict[str, int] = DESKTOP, phone: bool = False) -> PageWatch:
    page = _fresh_page(browser, viewport, phone)
    watch = PageWatch(page, mode)
    page.on("pageerror", lambda exc: watch.errors.append(str(exc)))
    page.on("request", lambda request: watch.requested.append(request.url))

    def route(route: Any) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            if urlsplit(url).hostname not in TILE_HOSTS:
                watch.escaped_requests.append(url)
            route.abort()  # tests run offline: even tiles are not fetched

    page.route("**/*", route)
    page.on("requestfailed", lambda req: watch.failed_local.append(req.url) if is_local(req.url) else None)
    page.on("response", lambda resp: watch.failed_local.append(f"{resp.status} {resp.url}")
            if is_local(resp.url) and resp.status >= 400 else None)
    page.goto(url)
    page.wait_for_function("() => window.cqAtlasMap !== undefined")
    return watch


def page_url(mode: str, live_server: Any, built_site: Path) -> str:
    return live_server.url + "/" if mode == "served" else (built_site / "index.html").as_uri()


# Where how the page is delivered changes what a test sees (links, downloads, what the page fetches, routes computed
# on request or ahead), the test runs in both: ``@BOTH_DELIVERIES``. What happens inside the page alone is the same
# script on the same data either way, and is tested served.
BOTH_DELIVERIES = pytest.mark.parametrize("map_page", ["served", "static"], indirect=True)


@pytest.fixture
def map_page(request: pytest.FixtureRequest, browser: Any, live_server: LiveServer, built_site: Path) -> Iterator[PageWatch]:
    """The map at 1400×900, served (or opened from disk, see ``BOTH_DELIVERIES``); after the test, no page error,
    escaped request or CSP violation. Test modules use it by importing it (``from tests.browsing import map_page``)."""
    mode = getattr(request, "param", "served")
    watch = open_map(browser, page_url(mode, live_server, built_site), mode)
    yield watch
    try:
        watch.check()
    finally:
        close_map(watch.page)


def axe_violations(page: Any, context: str = "document") -> list[dict[str, Any]]:
    """axe-core (from node_modules) run inside the page: serious and critical violations only."""
    # Evaluated through the DevTools protocol, so the page's CSP (scripts from 'self' only) does not block it.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    results = page.evaluate(f"axe.run({context}, {{resultTypes: ['violations'], preload: false}})")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in results["violations"] if v["impact"] in ("serious", "critical")]


# A popup fades in while the map pans to show it: what a user reads (and axe checks) is the popup once it is
# opaque and has stopped moving, i.e. the same box over two polls 100 ms apart.
POPUP_SETTLED = """() => {
  const popup = document.querySelector('.leaflet-popup');
  if (!popup || getComputedStyle(popup).opacity !== '1') return false;
  const r = popup.getBoundingClientRect(), key = [r.x, r.y, r.width, r.height].join();
  const same = window.__cqPopupBox === key;
  window.__cqPopupBox = key;
  return same;
}"""


def open_popup_text(page: Any) -> str:
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    page.wait_for_function(POPUP_SETTLED, polling=100, timeout=10_000)
    return popup.inner_text()


def table_rows(page: Any) -> list[str]:
    return page.locator("#cq-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.feature)")


def wait_for_rows(page: Any, expected: set[str]) -> set[str]:
    """The feature table settles a moment after the map or the filter changes: wait until it shows ``expected``."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function("ids => { const rows = Array.from(document.querySelectorAll('#cq-table tbody tr'),"
                               " r => r.dataset.feature); return rows.length === ids.length &&"
                               " ids.every(id => rows.includes(id)); }", arg=sorted(expected), timeout=15000)
    except PlaywrightTimeout:
        pass  # the caller's assertion shows the difference
    return set(table_rows(page))


def choose_language(page: Any, lang: str) -> None:
    """Pick a language in the panel as a reader does, and wait until the page speaks it (another language's messages
    load when it is first chosen)."""
    page.select_option("#cq-lang", lang)
    page.wait_for_function("lang => document.documentElement.lang === lang", arg=lang)
