"""A layer too large for the page is drawn from the release's vector tiles: the static site on a plain static server
(nginx, which answers byte ranges itself) leaves the layer out of the page, the browser reads the PMTiles archive
by ranges, the points are drawn in their kind's colour, and a click opens the feature's popup with its name as
text. The search and the feature table find the layer's features: served, by asking the API (anywhere); in a static
copy, among those drawn in view, as the status line says."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from geo.data.registry import LAYERS
import geo.map.render
from geo.map.sources import default_node_modules
from geo.data.atlas import load_atlas
from geo.pages.links import StaticLinks
from geo.publish.build import write_data, write_map, write_site_release
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
TILES_ABOVE = 600


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


TABLE_ROWS = "() => Array.from(document.querySelectorAll('#cq-table tbody tr'), row => row.dataset.feature)"
# The tiled layer's rows hold every point inside the view (``inside``) and none outside it (``near``: inside, or
# within a metre or so of its edges, which the tiles' precision may place either side), once the table has its answer
# for the view (until then it is busy).
TILED_ROWS_SETTLED = """([inside, near, layer]) => {
  if (document.getElementById('cq-table').hasAttribute('aria-busy')) return false;
  const rows = new Set(Array.from(document.querySelectorAll('#cq-table tbody tr'), row => row.dataset.feature));
  const nearby = new Set(near), ofLayer = new Set(layer);
  return inside.every(id => rows.has(id)) && [...rows].every(id => !ofLayer.has(id) || nearby.has(id));
}"""
EDGE = 0.00003  # degrees: the tiles' precision at the layer's deepest zoom is about 0.00001


def _points_in(layer: dict[str, Any], box: list[float], margin: float) -> set[str]:
    """Ids of the layer file's points inside ``box`` (west, south, east, north) grown by ``margin`` degrees."""
    west, south, east, north = box
    return {f["properties"]["id"] for f in layer["features"] if f["geometry"]["type"] == "Point"
            and west - margin <= f["geometry"]["coordinates"][0] <= east + margin
            and south - margin <= f["geometry"]["coordinates"][1] <= north + margin}


def _status(page: Any, selector: str, text: str) -> str:
    page.wait_for_function("([selector, text]) => document.querySelector(selector).textContent.includes(text)",
                           arg=[selector, text], timeout=15_000)
    return page.locator(selector).text_content()


def _check_search_and_table(watch: Any, layer: dict[str, Any], served: bool) -> None:
    """The table lists the tiled layer's features in view (at most 200, saying so), the search finds a feature by
    name (served: anywhere; static: only in view, as the status line says) and opens its popup, names as text."""
    page = watch.page
    page.evaluate("() => { cqAtlasMap.closePopup(); }")
    ids = [f["properties"]["id"] for f in layer["features"]]
    hostile = layer["features"][0]
    # Zoomed out over the whole crowd: more points in view than the table lists.
    _status(page, "#cq-table-status", "Showing the first 200")
    assert len(page.evaluate(TABLE_ROWS)) == 200
    # Names sort "<" first: the hostile name is listed, as text.
    row = page.locator(f'#cq-table tbody tr[data-feature="{hostile["properties"]["id"]}"] .cq-open')
    assert row.text_content() == HOSTILE_NAME and page.locator("#cq-injected").count() == 0
    lon, lat = hostile["geometry"]["coordinates"]
    # The hostile name, found by its words, is shown as text and opens its popup.
    page.fill("#cq-search-input", "cq-injected")
    found = page.locator(f'#cq-search-results .cq-result[data-feature="{hostile["properties"]["id"]}"]')
    found.wait_for()
    assert found.locator(".cq-result-name").text_content() == HOSTILE_NAME
    assert page.locator("#cq-injected").count() == 0
    found.click()
    assert HOSTILE_NAME in open_popup_text(page)
    assert page.locator("#cq-injected").count() == 0
    assert page.evaluate("([lat, lon]) => cqAtlasMap.getZoom() === 13 && cqAtlasMap.getBounds().contains([lat, lon])",
                         [lat, lon])
    page.evaluate("() => { cqAtlasMap.closePopup(); }")
    # Closer in, over the crowd's north edge: the rows are exactly the layer's points in view (counted here from the
    # file).
    page.evaluate("([lat, lon]) => { cqAtlasMap.setView([lat, lon], 19, {animate: false}); }", [lat + 0.0035, lon])
    box = page.evaluate("() => { const b = cqAtlasMap.getBounds();"
                        " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }")
    inside, near = _points_in(layer, box, -EDGE), _points_in(layer, box, EDGE)
    assert 20 < len(inside) < 180
    page.wait_for_function(TILED_ROWS_SETTLED, arg=[sorted(inside), sorted(near), ids], timeout=15_000)
    table_status = page.locator("#cq-table-status").text_content()
    assert ("only its features drawn in view are listed" in table_status) is not served
    # A point far outside the view: the API finds it; a static copy searches only what is drawn in view, and says so.
    page.evaluate("([lat, lon]) => { cqAtlasMap.setView([lat, lon], 18, {animate: false}); }", [lat, lon])
    box = page.evaluate("() => { const b = cqAtlasMap.getBounds();"
                        " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }")
    far = layer["features"][-1]
    assert far["properties"]["id"] not in _points_in(layer, box, 0.001)
    page.fill("#cq-search-input", far["properties"]["name_en"].split("(")[1].rstrip(")"))
    if served:
        page.locator(f'#cq-search-results .cq-result[data-feature="{far["properties"]["id"]}"]').wait_for()
        # A search the API cannot answer says so, and the page goes on.
        page.route("**/ogc/collections/**", lambda route: route.abort())
        page.fill("#cq-search-input", "copy 12")
        assert "could not be searched just now" in _status(page, "#cq-search-status", "could not be searched")
        page.unroute("**/ogc/collections/**")
        watch.failed_local[:] = [url for url in watch.failed_local if "/ogc/collections/" not in url]
    else:
        search_status = _status(page, "#cq-search-status", "No feature matches")
        assert "only its features in view are searched" in search_status


def _check_tiled_map(browser: Any, url: str, lat: float, lon: float,
                     layer: dict[str, Any]) -> list[tuple[int, str, str | None]]:
    """Open the map, look at the tiled layer's first point and click it, then search and list the layer (``layer``:
    its file); returns (status, url, Range header) of every read of a PMTiles archive."""
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
    _check_search_and_table(watch, layer, served=not url.endswith("index.html"))
    watch.check()
    close_map(watch.page)
    return reads


def test_a_static_site_draws_a_layer_larger_than_the_page_from_the_release_tiles_by_ranges(
        browser: Any, layers_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lat, lon = _crowded(layers_copy, monkeypatch)
    site = tmp_path / "site"
    # The site as the build writes it, its release folder (the tiles) included; a page for each of the layer's
    # hundreds of points in three languages, tested elsewhere, adds nothing here but minutes.
    atlas = load_atlas(layers_copy)
    release = write_site_release(atlas, site, layers_copy)
    write_data(atlas, site)
    write_map(atlas, site, default_node_modules(), release, StaticLinks(None))
    (archive,) = site.glob("release/*/atlas.pmtiles")
    page_bytes = (site / "index.html").read_bytes()
    # The layer is not in the page: none of its copies' names, and the page is smaller than the layer alone.
    assert b"(copy 500)" not in page_bytes and len(page_bytes) < (layers_copy / f"{LAYER}.geojson").stat().st_size
    work = tmp_path / "nginx"
    work.mkdir()
    with nginx_serving(site, work) as url:
        reads = _check_tiled_map(browser, f"{url}/index.html", lat, lon, read_layer(layers_copy, LAYER))
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
        reads = _check_tiled_map(browser, f"{server.url}/", lat, lon, read_layer(layers_copy, LAYER))
    assert reads and all(status == 206 and (requested or "").startswith("bytes=") for status, _, requested in reads)
    assert all(url == f"{server.url}/tiles/atlas.pmtiles" for _, url, _ in reads)
