"""A layer too large for the page is drawn from the release's vector tiles: the static site on a plain static server
(nginx, which answers byte ranges itself) leaves the layer out of the page, the browser reads the PMTiles archive
by ranges, the points are drawn in their kind's colour, and a click opens the feature's popup with its name as
text."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from geo.data.registry import LAYERS
import geo.map.render
from geo.map.sources import default_node_modules
from geo.publish.build import build
from tests.browsing import close_map, open_map, open_popup_text
from tests.conftest import read_layer, serve, write_layer
from tests.static_server import needs_nginx, nginx_serving
from tests.test_map_clusters import LAYER, crowd_layer

pytestmark = needs_nginx
# Markup in a name must reach the reader as text, never as elements.
HOSTILE_NAME = '<b id="cq-injected">Bold</b> & <img src=x> "University"'
# The colour the registry gives the layer's points, as "#rrggbb".
KIND = next(spec for spec in LAYERS if spec.id == LAYER).kinds["university"]
POINT_COLOR = KIND.fill_color or KIND.color
# Fewer features than the atlas's threshold make the same page: a site of ten thousand features, each with its own
# pages in three languages, takes minutes to build.
TILES_ABOVE = 1000


def _rgb(color: str) -> tuple[int, int, int]:
    value = color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _pixels_near(page: Any, x: float, y: float, color: tuple[int, int, int], radius: int = 4) -> int:
    """How many screen pixels around (x, y) are within 40 of ``color`` in each channel."""
    from PIL import Image
    import io

    shot = Image.open(io.BytesIO(page.screenshot(clip={"x": x - radius, "y": y - radius,
                                                       "width": 2 * radius + 1, "height": 2 * radius + 1})))
    return sum(all(abs(a - b) <= 40 for a, b in zip(pixel[:3], color)) for pixel in shot.convert("RGB").getdata())


def _crowded(layers_dir: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[float, float]:
    """The layer made larger than the page carries, its first point named with markup; returns that point."""
    monkeypatch.setattr(geo.map.render, "TILES_ABOVE_FEATURES", TILES_ABOVE)
    assert crowd_layer(layers_dir, more_than=TILES_ABOVE, step=0.0003) > TILES_ABOVE
    data = read_layer(layers_dir, LAYER)
    first = data["features"][0]
    first["properties"]["name_en"] = HOSTILE_NAME
    write_layer(layers_dir, LAYER, data)
    lon, lat = first["geometry"]["coordinates"]
    return lat, lon


def _screen_point(page: Any, lat: float, lon: float) -> tuple[float, float]:
    x, y = page.evaluate("([lat, lon]) => { const p = cqAtlasMap.latLngToContainerPoint([lat, lon]);"
                         " const r = cqAtlasMap.getContainer().getBoundingClientRect();"
                         " return [r.left + p.x, r.top + p.y]; }", [lat, lon])
    return x, y


def _check_tiled_map(browser: Any, url: str, lat: float, lon: float) -> list[tuple[int, str, str | None]]:
    """Open the map, look at the tiled layer's first point and click it; returns (status, url, Range header) of
    every read of a PMTiles archive."""
    watch = open_map(browser, url, "tiles")
    page = watch.page
    reads: list[tuple[int, str, str | None]] = []
    page.on("response", lambda response: reads.append((response.status, response.url,
                                                       response.request.headers.get("range")))
            if response.url.endswith(".pmtiles") else None)
    page.wait_for_load_state("networkidle")  # a tile read the next view cancels would count as a failed request
    page.evaluate("([lat, lon]) => { cqAtlasMap.setView([lat, lon], 16, {animate: false}); }", [lat, lon])
    page.wait_for_function("() => document.querySelectorAll('.leaflet-overlay-pane canvas.leaflet-tile').length > 0")
    page.wait_for_timeout(1500)  # tiles are drawn a few frames after they arrive
    x, y = _screen_point(page, lat, lon)
    color = _rgb(POINT_COLOR)
    assert _pixels_near(page, x, y, color) > 4  # the point is drawn in its kind's colour
    # Between the copies (0.0003° apart, about 30 m; at zoom 16 about 20 px) nothing is drawn.
    gap_x, gap_y = _screen_point(page, lat + 0.00015, lon + 0.00015)
    assert _pixels_near(page, gap_x, gap_y, color, radius=2) == 0
    page.mouse.click(x, y)
    text = open_popup_text(page)
    assert HOSTILE_NAME in text
    assert page.locator("#cq-injected").count() == 0
    assert any(url.endswith("protomaps-leaflet/dist/protomaps-leaflet.js") for url in watch.requested)
    watch.check()
    close_map(watch.page)
    return reads


def test_a_static_site_draws_a_layer_larger_than_the_page_from_the_release_tiles_by_ranges(
        browser: Any, layers_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lat, lon = _crowded(layers_copy, monkeypatch)
    site = tmp_path / "site"
    build(layers_copy, site, default_node_modules())
    (archive,) = site.glob("release/*/atlas.pmtiles")
    page_bytes = (site / "index.html").read_bytes()
    # The layer is not in the page: none of its copies' names, and the page is smaller than the layer alone.
    assert b"(copy 500)" not in page_bytes and len(page_bytes) < (layers_copy / f"{LAYER}.geojson").stat().st_size
    work = tmp_path / "nginx"
    work.mkdir()
    with nginx_serving(site, work) as url:
        reads = _check_tiled_map(browser, f"{url}/index.html", lat, lon)
    assert reads and all(status == 206 for status, _, _ in reads)
    log = (work / "access.log").read_text().splitlines()
    tiles = [line for line in log if " /release/" in line and line.split()[1].endswith("atlas.pmtiles")]
    # The server saw every read of the archive as a range, and answered each with part of it, never the whole file.
    assert tiles and all(line.startswith("206 ") and re.search(r'"bytes=\d+-\d+"', line) for line in tiles), tiles
    assert all(int(line.split()[-1]) < archive.stat().st_size for line in tiles)
    # Opened from disk no range can be read: the layer stays empty, and nothing is asked for in vain.
    watch = open_map(browser, (site / "index.html").as_uri(), "static")
    watch.page.wait_for_timeout(500)
    assert not any(url.endswith(".pmtiles") for url in watch.requested)
    watch.check()
    close_map(watch.page)


def test_the_served_map_draws_a_layer_larger_than_the_page_from_tiles_by_ranges(
        browser: Any, layers_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lat, lon = _crowded(layers_copy, monkeypatch)
    with serve(layers_copy) as server:
        with httpx.Client() as http:
            page = http.get(f"{server.url}/").text
            whole = http.get(f"{server.url}/tiles/atlas.pmtiles")
        assert "(copy 500)" not in page and whole.status_code == 200
        reads = _check_tiled_map(browser, f"{server.url}/", lat, lon)
    assert reads and all(status == 206 and (requested or "").startswith("bytes=") for status, _, requested in reads)
    assert all(url == f"{server.url}/tiles/atlas.pmtiles" for _, url, _ in reads)
