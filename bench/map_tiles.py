"""One layer of N points drawn on a Leaflet map inlined as GeoJSON (the baseline: how the atlas carries a layer up to
``TILES_ABOVE_FEATURES``) against the same points drawn from a PMTiles archive read by byte ranges (how it draws a
larger layer: protomaps-leaflet, GDAL's PMTiles driver with the atlas's default zoom range).

    .venv/bin/python bench/run.py --only tiles [--sizes 1000,100000,1000000]

Both pages are served by nginx (ranges answered by the server itself) and opened in headless Chromium, rounds
interleaved (GeoJSON, tiles, GeoJSON, tiles …), medians. Building the whole atlas site at these sizes would write
three pages per feature, so the two pages here hold only what differs: the points, Leaflet, and the renderer.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy
import pyogrio
import shapely

from geo.data.registry import LayerSpec
from geo.map.render import TILES_ABOVE_FEATURES, TILES_SCRIPT
from geo.map.sources import default_node_modules
from geo.publish.tiles import TILE_ATTRIBUTES
from tests.static_server import nginx_serving

HEADING = "## Large layers: inlined GeoJSON vs vector tiles (PMTiles by ranges)"
ZOOMS = LayerSpec.model_fields["tile_zooms"].default  # the zoom range a layer's tiles have unless it names one
VIEW = {"center": [29.56, 106.55], "zoom": 9}  # the atlas's opening view
TIMEOUT_MS = 600_000
ARCHIVE_SECONDS = 900

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>KIND</title>
<link rel="stylesheet" href="leaflet/dist/leaflet.css"><script src="leaflet/dist/leaflet.js"></script>
<style>html,body,#map{height:100%;margin:0}</style></head><body><div id="map"></div>
<script type="application/json" id="data">DATA</script><script src="SCRIPT"></script></body></html>"""

# The atlas's way with an inlined layer: parse the page's JSON block, draw the points on one canvas.
GEOJSON_SCRIPT = """var map = L.map("map", {preferCanvas: true}).setView(VIEW.center, VIEW.zoom);
var data = JSON.parse(document.getElementById("data").textContent);
L.geoJSON(data, {pointToLayer: function (f, latlng) { return L.circleMarker(latlng, {radius: 4}); }}).addTo(map);
requestAnimationFrame(function () { requestAnimationFrame(function () { window.__drawn = performance.now(); }); });
"""

# The atlas's way with a tiled layer (geo/map/static/cqatlas/tiled.js): protomaps-leaflet loaded, then the archive.
TILES_SCRIPT_BODY = """var map = L.map("map").setView(VIEW.center, VIEW.zoom);
var script = document.createElement("script");
script.src = "TILES_SCRIPT";
script.onload = function () {
  var layer = protomapsL.leafletLayer({url: "points.pmtiles", maxDataZoom: MAXZOOM, labelRules: [], pane: "overlayPane",
    attribution: "", noWrap: true, paintRules: [{dataLayer: "points", symbolizer: new protomapsL.CircleSymbolizer(
      {radius: 4, fill: "#3388ff", stroke: "#fff", width: 0.5})}]});
  layer.on("load", function () { requestAnimationFrame(function () { window.__drawn = performance.now(); }); });
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
    pyogrio.write_dataframe(points(count), Path(folder) / "points.pmtiles", layer="points", driver="PMTiles",
                            dataset_options={"MINZOOM": str(ZOOMS[0]), "MAXZOOM": str(ZOOMS[1]), "NAME": "points"},
                            layer_options={"MINZOOM": str(ZOOMS[0]), "MAXZOOM": str(ZOOMS[1])})


def write_archive(folder: Path, count: int) -> None:
    """The points as a PMTiles archive, written by GDAL in a child process given ``ARCHIVE_SECONDS`` (on a loaded
    machine a million points can take longer, and the GeoJSON side is still worth measuring)."""
    code = (f"import sys; sys.path[:0] = {[str(Path(__file__).resolve().parent.parent), str(Path(__file__).parent)]!r}; "
            f"from map_tiles import _write_archive_here; _write_archive_here({str(folder)!r}, {count})")
    try:
        subprocess.run([sys.executable, "-c", code], check=True, timeout=ARCHIVE_SECONDS, capture_output=True)
    except subprocess.TimeoutExpired:
        for leftover in folder.glob("points.pmtiles*"):
            leftover.unlink()


def write_pages(folder: Path, count: int) -> dict[str, Path]:
    """The two pages and what they load (Leaflet, protomaps-leaflet, the archive) in ``folder``."""
    node_modules = default_node_modules()
    for asset in ("leaflet/dist/leaflet.js", "leaflet/dist/leaflet.css", TILES_SCRIPT):
        (folder / asset).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(node_modules / asset, folder / asset)
    frame = points(count)
    write_archive(folder, count)
    view = json.dumps(VIEW)
    (folder / "geojson.js").write_text(GEOJSON_SCRIPT.replace("VIEW", "V").replace("var map", f"var V = {view};\nvar map", 1))
    (folder / "tiles.js").write_text(TILES_SCRIPT_BODY.replace("VIEW", "V").replace("var map", f"var V = {view};\nvar map", 1)
                                     .replace("TILES_SCRIPT", TILES_SCRIPT).replace("MAXZOOM", str(ZOOMS[1])))
    # Compact GeoJSON as the atlas writes its data block, "<" escaped as there.
    collection = frame.to_json(drop_id=True, separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c")
    (folder / "geojson.html").write_text(PAGE.replace("KIND", "geojson").replace("SCRIPT", "geojson.js")
                                         .replace("DATA", collection), encoding="utf-8")
    (folder / "tiles.html").write_text(PAGE.replace("KIND", "tiles").replace("SCRIPT", "tiles.js").replace("DATA", "null"),
                                       encoding="utf-8")
    return {"geojson": folder / "geojson.html", "tiles": folder / "tiles.html"}


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
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")
        heap = next(m["value"] for m in cdp.send("Performance.getMetrics")["metrics"] if m["name"] == "JSHeapUsedSize")
        return {"bytes": sum(received), "drawn_ms": page.evaluate("window.__drawn"), "heap": heap,
                "ranges": len(ranges)}
    except Exception as error:  # noqa: BLE001 — a page that cannot load is a result to report
        return {"failed": f"{type(error).__name__}: {str(error).splitlines()[0][:160]}"}
    finally:
        context.close()


def _median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    done = [run for run in runs if "failed" not in run]
    if not done:
        return runs[0]
    return {key: statistics.median(run[key] for run in done) for key in done[0]}


def bench_tiles(work: Path, sizes: tuple[int, ...] = (1_000, 100_000, 1_000_000)) -> tuple[list[str], dict]:
    from playwright.sync_api import sync_playwright

    rounds = {1_000: 5, 100_000: 3}
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for size in sizes:
            folder = work / f"tiles-{size}"
            shutil.rmtree(folder, ignore_errors=True)
            (folder / "nginx").mkdir(parents=True)
            pages = write_pages(folder, size)
            archive = folder / "points.pmtiles"
            files = {"geojson": pages["geojson"].stat().st_size, "tiles": archive.stat().st_size if archive.exists() else 0}
            runs: dict[str, list[dict[str, Any]]] = {"geojson": [], "tiles": []}
            with nginx_serving(folder, folder / "nginx") as url:
                for _ in range(rounds.get(size, 1)):  # interleaved
                    for kind in runs:
                        if kind == "tiles" and not archive.exists():
                            runs[kind].append({"failed": f"GDAL did not write the archive within {ARCHIVE_SECONDS} s"})
                            continue
                        runs[kind].append(measure(browser, f"{url}/{kind}.html"))
                        if "failed" in runs[kind][-1]:  # the browser may be gone with the page
                            browser.close()
                            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
                                "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            rows.append((size, files, {kind: _median(result) for kind, result in runs.items()},
                         {kind: len(result) for kind, result in runs.items()}))
            shutil.rmtree(folder, ignore_errors=True)
        browser.close()
    return _report(rows), {}


def _report(rows: list[tuple[int, dict, dict, dict]]) -> list[str]:
    lines = [
        HEADING, "",
        "One layer of N points (the attributes the atlas's tiles carry: id, three names, kind, year, geometry quality), "
        "headless Chromium, viewport 1400×900 at the atlas's opening view (zoom 9 over Chongqing), both pages served by "
        "nginx on loopback, rounds interleaved (5 at 1k, 3 at 100k, 1 at 1M), medians. *GeoJSON*: the points inlined "
        "in the page as a JSON block, parsed and drawn on one canvas (the atlas's way up to "
        f"{TILES_ABOVE_FEATURES:,} features). *Tiles*: protomaps-leaflet (loaded by the page, as the atlas loads it when "
        f"a tiled layer is on) reading a PMTiles archive (GDAL, zooms {ZOOMS[0]}–{ZOOMS[1]}) by byte ranges. *Drawn*: "
        "from navigation start until the view's points are drawn (GeoJSON: two frames after the layer is added; tiles: "
        "a frame after the layer's visible tiles have loaded). *Heap*: JavaScript heap in use once drawn (CDP "
        "`JSHeapUsedSize`). *Bytes*: response bodies received. Ratios are tiles ÷ GeoJSON, measured in the same run. "
        "Leaflet, the pages and the renderer only: the atlas's own page adds its panel, fonts and other layers to both.",
        "",
        "| points | GeoJSON page file | PMTiles archive | bytes received (GeoJSON / tiles) | ratio | drawn ms "
        "(GeoJSON / tiles) | ratio | heap MB (GeoJSON / tiles) | ratio | ranges read |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    failures = []
    for size, files, median, count in rows:
        geo, tiles = median["geojson"], median["tiles"]
        if "failed" in geo or "failed" in tiles:
            failures.append(f"At {size:,} points: " + "; ".join(f"{kind} failed ({result['failed']})"
                                                                for kind, result in median.items() if "failed" in result))
            geo = geo if "failed" not in geo else None
            tiles = tiles if "failed" not in tiles else None

        def pair(key: str, scale: float = 1, digits: int = 0) -> str:
            left = "failed" if geo is None else f"{geo[key] / scale:,.{digits}f}"
            right = "failed" if tiles is None else f"{tiles[key] / scale:,.{digits}f}"
            ratio = "–" if geo is None or tiles is None else f"{tiles[key] / geo[key]:.2f}×"
            return f"{left} / {right} | {ratio}"

        lines.append(f"| {size:,} | {files['geojson']:,} | {files['tiles']:,} | {pair('bytes')} | {pair('drawn_ms')} | "
                     f"{pair('heap', 1e6, 1)} | {'–' if tiles is None else format(tiles['ranges'], '.0f')} |")
    lines += [""] + failures + ([""] if failures else [])
    return lines
