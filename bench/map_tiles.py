"""One layer of N points drawn on a Leaflet map inlined as GeoJSON (the baseline: how the atlas carries a layer up to
``TILES_ABOVE_FEATURES``) against the same points drawn from a PMTiles archive read by byte ranges (how it draws a
larger layer: protomaps-leaflet, the archive written by the atlas's own tile writer, geo.publish.tiles, in the
atlas's default zoom range), with bare Leaflet (the map and no layer) as the floor.

    .venv/bin/python bench/run.py --only tiles [--tile-sizes 1000,100000,1000000]

The pages are served by nginx (ranges answered by the server itself) and opened in headless Chromium, rounds
interleaved (Leaflet, GeoJSON, tiles, Leaflet …), medians. Building the whole atlas site at these sizes would write
three pages per feature, so the pages here hold only what differs: the points, Leaflet, and the renderer.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy
import shapely

from geo.data.registry import LayerSpec
from geo.map.render import TILES_ABOVE_FEATURES, TILES_SCRIPT
from geo.map.sources import default_node_modules
from geo.publish.tiles import OVERVIEW_FEATURES, TILE_ATTRIBUTES, join_archives, layer_archives
from tests.static_server import nginx_serving

HEADING = "## Large layers: inlined GeoJSON vs vector tiles (PMTiles by ranges)"
ZOOMS = LayerSpec.model_fields["tile_zooms"].default  # the zoom range a layer's tiles have unless it names one
VIEW = {"center": [29.56, 106.55], "zoom": 9}  # the atlas's opening view
TIMEOUT_MS = 600_000
ARCHIVE_SECONDS = 1800
KINDS = ("leaflet", "geojson", "tiles")
CHROMIUM = {"executable_path": "/usr/bin/chromium",  # Debian's, headless
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]}

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>KIND</title>
<link rel="stylesheet" href="leaflet/dist/leaflet.css"><script src="leaflet/dist/leaflet.js"></script>
<style>html,body,#map{height:100%;margin:0}</style></head><body><div id="map"></div>
<script type="application/json" id="data">DATA</script><script src="SCRIPT"></script></body></html>"""

# After a view change: a page says when it has drawn again (window.__settled, a promise made before the change).
FRAMES = """function frames(done) { requestAnimationFrame(function () { requestAnimationFrame(done); }); }
window.__settled = function () { return new Promise(function (done) { map.once("moveend", function () {
  frames(done); }); }); };
"""

# The floor: the map with no layer at all.
LEAFLET_SCRIPT = """var map = L.map("map").setView(VIEW.center, VIEW.zoom);
FRAMES
frames(function () { window.__first = window.__drawn = performance.now(); });
"""

# The atlas's way with an inlined layer: parse the page's JSON block, draw the points on one canvas.
GEOJSON_SCRIPT = """var map = L.map("map", {preferCanvas: true}).setView(VIEW.center, VIEW.zoom);
FRAMES
var data = JSON.parse(document.getElementById("data").textContent);
L.geoJSON(data, {pointToLayer: function (f, latlng) { return L.circleMarker(latlng, {radius: 4}); }}).addTo(map);
frames(function () { window.__first = window.__drawn = performance.now(); });
"""

# The atlas's way with a tiled layer (geo/map/static/cqatlas/tiled.js): protomaps-leaflet loaded, then the archive.
TILES_SCRIPT_BODY = """var map = L.map("map").setView(VIEW.center, VIEW.zoom);
var script = document.createElement("script");
script.src = "TILES_SCRIPT";
script.onload = function () {
  var layer = protomapsL.leafletLayer({url: "points.pmtiles", maxDataZoom: MAXZOOM, labelRules: [], pane: "overlayPane",
    attribution: "", noWrap: true, paintRules: [{dataLayer: "points", symbolizer: new protomapsL.CircleSymbolizer(
      {radius: 4, fill: "#3388ff", stroke: "#fff", width: 0.5})}]});
  layer.once("tileload", function () { requestAnimationFrame(function () { window.__first = performance.now(); }); });
  layer.once("load", function () { requestAnimationFrame(function () { window.__drawn = performance.now(); }); });
  window.__settled = function () { return new Promise(function (done) { layer.once("load", function () {
    requestAnimationFrame(done); }); }); };
  layer.addTo(map);
};
document.head.appendChild(script);
"""


def points(count: int) -> gpd.GeoDataFrame:
    """``count`` points spread over Chongqing (seeded), with the attributes the atlas's tiles carry."""
    rng = numpy.random.default_rng(24)
    lon, lat = rng.uniform(105.3, 110.2, count).round(6), rng.uniform(28.2, 32.2, count).round(6)
    numbers = numpy.arange(count)
    frame = gpd.GeoDataFrame({"id": [f"point-{n}" for n in numbers], "name_en": [f"Point {n}" for n in numbers],
                              "name_zh": [f"点 {n}" for n in numbers], "name_fa": [f"نقطه {n}" for n in numbers],
                              "kind": "university", "established": 1900 + numbers % 120,
                              "geometry_quality": "approximate"},
                             geometry=shapely.points(lon, lat), crs="EPSG:4326")
    return frame[[*TILE_ATTRIBUTES, "geometry"]]


def _write_archive_here(folder: str, count: int) -> None:
    """The points as the atlas writes a layer's tiles (geo.publish.tiles), joined into ``points.pmtiles``."""
    with tempfile.TemporaryDirectory(dir=folder) as scratch:
        archives = layer_archives(points(count), "points", ZOOMS, Path(scratch))
        archive = join_archives(archives, ZOOMS, {"name": "points"})
    (Path(folder) / "points.pmtiles").write_bytes(archive)


def write_archive(folder: Path, count: int) -> float | None:
    """Seconds taken to write the points' archive, in a child process given ``ARCHIVE_SECONDS`` (on a loaded machine
    a million points can take longer, and the other pages are still worth measuring); None if it did not finish."""
    code = (f"import sys; sys.path[:0] = {[str(Path(__file__).resolve().parent.parent), str(Path(__file__).parent)]!r}; "
            f"from map_tiles import _write_archive_here; _write_archive_here({str(folder)!r}, {count})")
    started = time.perf_counter()
    try:
        subprocess.run([sys.executable, "-c", code], check=True, timeout=ARCHIVE_SECONDS, capture_output=True)
    except subprocess.TimeoutExpired:
        for leftover in folder.glob("points.pmtiles*"):
            leftover.unlink()
        return None
    return time.perf_counter() - started


def write_pages(folder: Path, count: int) -> float | None:
    """The pages and what they load (Leaflet, protomaps-leaflet, the archive) in ``folder``; returns the seconds the
    archive took to write (None: not written in time)."""
    node_modules = default_node_modules()
    for asset in ("leaflet/dist/leaflet.js", "leaflet/dist/leaflet.css", TILES_SCRIPT):
        (folder / asset).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(node_modules / asset, folder / asset)
    frame = points(count)
    written = write_archive(folder, count)
    scripts = {"leaflet": LEAFLET_SCRIPT, "geojson": GEOJSON_SCRIPT,
               "tiles": TILES_SCRIPT_BODY.replace("TILES_SCRIPT", TILES_SCRIPT).replace("MAXZOOM", str(ZOOMS[1]))}
    for kind, script in scripts.items():
        (folder / f"{kind}.js").write_text(f"var V = {json.dumps(VIEW)};\n" + script.replace("VIEW", "V")
                                           .replace("FRAMES\n", FRAMES))
    # Compact GeoJSON as the atlas writes its data block, "<" escaped as there.
    collection = frame.to_json(drop_id=True, separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c")
    for kind in KINDS:
        (folder / f"{kind}.html").write_text(PAGE.replace("KIND", kind).replace("SCRIPT", f"{kind}.js").replace(
            "DATA", collection if kind == "geojson" else "null"), encoding="utf-8")
    return written


# One step of the view (zoom in one level, then pan by half the viewport): milliseconds until the page has drawn again.
STEP = ("() => { const t = performance.now(); const drawn = window.__settled(); %s;"
        " return drawn.then(() => performance.now() - t); }")


def measure(browser: Any, url: str) -> dict[str, Any]:
    """Bytes received, milliseconds to the view drawn, JS heap after it, and byte ranges asked; or the failure."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    received: list[int] = []
    ranges: list[str] = []
    page.on("requestfinished", lambda req: received.append(req.sizes()["responseBodySize"]))
    page.on("request", lambda req: ranges.append(req.headers["range"]) if "range" in req.headers else None)
    try:
        page.goto(url, timeout=TIMEOUT_MS)
        page.wait_for_function("window.__drawn !== undefined", timeout=TIMEOUT_MS, polling=200)
        drawn = {"bytes": sum(received), "ranges": len(ranges), "first_ms": page.evaluate("window.__first"),
                 "drawn_ms": page.evaluate("window.__drawn")}
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")
        heap = next(m["value"] for m in cdp.send("Performance.getMetrics")["metrics"] if m["name"] == "JSHeapUsedSize")
        zoom_ms = page.evaluate(STEP % "map.setZoom(map.getZoom() + 1, {animate: false})")
        return {**drawn, "heap": heap, "zoom_ms": zoom_ms,
                "pan_ms": page.evaluate(STEP % "map.panBy([700, 0], {animate: false})")}
    except Exception as error:  # noqa: BLE001 — a page that cannot load is a result to report
        return {"failed": f"{type(error).__name__}: {str(error).splitlines()[0][:160]}"}
    finally:
        context.close()


def medians(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Each measure's median over the runs that did not fail (the first failure if all did)."""
    done = [run for run in runs if "failed" not in run]
    if not done:
        return runs[0]
    return {key: statistics.median(run[key] for run in done) for key in done[0]}


def bench_tiles(work: Path, sizes: tuple[int, ...] = (1_000, 100_000, 1_000_000)) -> tuple[list[str], dict]:
    from playwright.sync_api import sync_playwright

    rounds = {1_000: 5, 100_000: 3, 1_000_000: 2}
    launch = CHROMIUM
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch)
        for size in sizes:
            folder = work / f"tiles-{size}"
            shutil.rmtree(folder, ignore_errors=True)
            (folder / "nginx").mkdir(parents=True)
            written = write_pages(folder, size)
            archive = folder / "points.pmtiles"
            files = {"geojson": (folder / "geojson.html").stat().st_size,
                     "tiles": archive.stat().st_size if archive.exists() else 0, "written_s": written}
            runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
            with nginx_serving(folder, folder / "nginx") as url:
                for _ in range(rounds.get(size, 1)):  # interleaved
                    for kind in runs:
                        if kind == "tiles" and not archive.exists():
                            runs[kind].append({"failed": f"the archive was not written within {ARCHIVE_SECONDS} s"})
                            continue
                        runs[kind].append(measure(browser, f"{url}/{kind}.html"))
                        if "failed" in runs[kind][-1]:  # the browser may be gone with the page
                            browser.close()
                            browser = playwright.chromium.launch(**launch)
            rows.append((size, files, {kind: medians(result) for kind, result in runs.items()}))
            shutil.rmtree(folder, ignore_errors=True)
        browser.close()
    return _report(rows), {}


def _report(rows: list[tuple[int, dict, dict]]) -> list[str]:
    lines = [
        HEADING, "",
        "One layer of N points (the attributes the atlas's tiles carry: id, three names, kind, year, geometry "
        "quality), headless Chromium, viewport 1400×900 at the atlas's opening view (zoom 9 over Chongqing), the pages "
        "served by nginx on loopback, rounds interleaved (Leaflet, GeoJSON, tiles; 5 rounds at 1k, 3 at 100k, 2 at "
        "1M), medians. *Leaflet*: the map with no layer (the floor). *GeoJSON*: the points inlined in the page as a "
        "JSON block, parsed and drawn on one canvas (the atlas's way up to "
        f"{TILES_ABOVE_FEATURES:,} features). *Tiles*: protomaps-leaflet (loaded by the page, as the atlas loads it "
        "when a tiled layer is on) reading by byte ranges a PMTiles archive written by the atlas's tile writer "
        f"(`geo/publish/tiles.py`: GDAL, zooms {ZOOMS[0]}–{ZOOMS[1]}, every feature at zoom {ZOOMS[1]}, at most "
        f"{OVERVIEW_FEATURES:,} features a tile above it). *Written*: seconds to write that archive. *First*: from "
        "navigation start until something is drawn (Leaflet: the map; GeoJSON: two frames after the layer is added, "
        "all points at once; tiles: a frame after the first tile has loaded). *Drawn*: until the whole view is "
        "(tiles: a frame after all visible tiles have loaded). *Zoom* and *pan*: one step of the view once drawn "
        "(zoom in one level, then pan 700 px), until it is drawn again. *Heap*: JavaScript heap in use once drawn "
        "(CDP `JSHeapUsedSize`). *Bytes*: response bodies received until drawn. Values are Leaflet / GeoJSON / tiles; "
        "ratios are tiles ÷ GeoJSON, measured in the same run. Leaflet, the pages and the renderer only: the atlas's "
        "own page adds its panel, fonts and other layers to all three.",
        "",
        "| points | written s | GeoJSON page file | PMTiles archive | bytes received | ratio | first ms | ratio "
        "| drawn ms | ratio | zoom ms | ratio | pan ms | ratio | heap MB | ratio | ranges read |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    failures = []
    for size, files, median in rows:
        failed = {kind: result["failed"] for kind, result in median.items() if "failed" in result}
        if failed:
            failures.append(f"At {size:,} points: "
                            + "; ".join(f"{kind} failed ({why})" for kind, why in failed.items()))

        def triple(key: str, scale: float = 1, digits: int = 0) -> str:
            values = ["failed" if kind in failed else f"{median[kind][key] / scale:,.{digits}f}" for kind in KINDS]
            ratio = ("–" if {"geojson", "tiles"} & set(failed)
                     else f"{median['tiles'][key] / median['geojson'][key]:.2f}×")
            return f"{' / '.join(values)} | {ratio}"

        written = "not written" if files["written_s"] is None else f"{files['written_s']:,.0f}"
        ranges = "–" if "tiles" in failed else format(median["tiles"]["ranges"], ".0f")
        lines.append(f"| {size:,} | {written} | {files['geojson']:,} | {files['tiles']:,} | {triple('bytes')} | "
                     f"{triple('first_ms')} | {triple('drawn_ms')} | {triple('zoom_ms')} | {triple('pan_ms')} | "
                     f"{triple('heap', 1e6, 1)} | {ranges} |")
    lines += [""] + failures + ([""] if failures else [])
    return lines
