"""The embed page: the map without its panel, framed by another site, restoring the view, layers, language and open
feature of its address; only it may be framed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.conftest import LiveServer
from tests.pages_reading import features_in_files, messages, soup



def test_only_the_embed_page_may_be_framed(client: Any) -> None:
    embed = client.get("/embed")
    assert embed.status_code == 200 and "x-frame-options" not in embed.headers
    assert "frame-ancestors *" in embed.headers["content-security-policy"]
    feature_id = features_in_files()[0][1]["id"]
    for path in ("/", "/layers", f"/features/{feature_id}", "/docs"):
        response = client.get(path)
        assert response.headers["x-frame-options"] == "SAMEORIGIN", path
        assert "frame-ancestors *" not in response.headers["content-security-policy"], path
    page = soup(embed.text)
    assert page.select_one("#cq-panel").has_attr("hidden")
    assert page.select_one(".cq-embed-link")["href"] == "/"


@contextmanager
def embedding_site(html: str) -> Iterator[str]:
    """Another site on this machine (another port: another origin) whose page frames the snippet. A real server:
    Chromium keeps pages of unknown address from framing loopback ones."""
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = html.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
def test_embed_snippet_restores_its_state_in_another_sites_frame(browser: Any, live_server: LiveServer) -> None:
    layer_id, props = next((layer, p) for layer, p in features_in_files() if layer == "bonded_zones")
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    # The snippet as the map's "Embed this map" gives it, for a view a reader reached.
    page.goto(f"{live_server.url}/#map=11/29.6/106.5&layers={layer_id}&lang=zh&feature={props['id']}")
    page.wait_for_function("() => window.cqAtlasMap !== undefined")
    page.locator(".leaflet-popup-content").wait_for()
    link = page.locator(".leaflet-popup-content .cq-page-link a")
    assert link.get_attribute("href") == f"/features/{props['id']}?lang=zh"
    page.wait_for_function("() => document.getElementById('cq-embed-code').value.includes('feature=')")
    code = page.locator("#cq-embed-code").input_value()
    assert code.startswith(f'<iframe src="{live_server.url}/embed#map=11/') and f"feature={props['id']}" in code
    snippet = f"<!DOCTYPE html><title>x</title>{code}"
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1:")
               else route.abort())
    with embedding_site(snippet) as embedder:
        page.goto(embedder)
        frame = page.frame_locator("iframe")
        frame.locator(".leaflet-popup-content").wait_for()
        inner = next(f for f in page.frames if f.url.startswith(live_server.url))
        inner.wait_for_function("() => document.documentElement.lang === 'zh'")
        assert props["name_en"] in frame.locator(".leaflet-popup-content").inner_text()
        assert inner.evaluate("window.cqAtlas.layers.filter(l => window.cqAtlas.map.hasLayer(l.group))"
                              ".map(l => l.spec.id)") == [layer_id]
        assert inner.evaluate("window.cqAtlas.map.getZoom()") == 11
        assert not frame.locator("#cq-panel").is_visible()
        link = frame.locator(".cq-embed-link")
        assert link.inner_text() == messages("zh")["embed.open_full"]
        link.focus()
        href = inner.evaluate("document.querySelector('.cq-embed-link').href")
        assert href.startswith(live_server.url + "/#") and f"feature={props['id']}" in href
    assert errors == []
    context.close()
