"""The atlas's own map page, as a static build writes it, with one layer crowded to N points: past
``TILES_ABOVE_FEATURES`` the page leaves the layer out and draws it from the release's vector tiles. Measured against
the page of the real layers (every layer inlined), built and opened in the same run, rounds interleaved.

    .venv/bin/python bench/run.py --only atlastiles [--tile-sizes 1000,100000,1000000]

The page is written by the build's own functions (``geo.publish.build.write_data`` and ``write_map``: the map page,
its data, its assets and each layer's GeoJSON; the feature pages, three per feature, are left out) and its archive by
the atlas's tile writer (``geo.publish.tiles.encode_pmtiles``, every layer). Served by nginx, opened in headless
Chromium. ``map_tiles.py`` measures the same points on bare Leaflet pages.
"""

from __future__ import annotations

import dataclasses
import shutil
import time
from pathlib import Path
from typing import Any

import numpy
from shapely.geometry import Point

import geo.map.render
from geo.data.atlas import Atlas, AtlasFeature, AtlasLayer, load_atlas
from geo.map.sources import PROJECT_ROOT, default_node_modules
from geo.pages.links import StaticLinks
from geo.publish.build import write_data, write_map
from geo.publish.release import TILES_FILE
from geo.publish.tiles import encode_pmtiles
from map_tiles import CHROMIUM, medians
from tests.static_server import nginx_serving

HEADING = "## The atlas's map page with a layer of N points drawn from vector tiles"
LAYER = "universities"  # a point layer the map shows when it opens
TIMEOUT_MS = 600_000
KINDS = ("real", "crowded")
ROUNDS = {1_000: 5, 100_000: 3, 1_000_000: 3}

# Milliseconds from navigation start until a first feature of any layer is drawn, until the page is ready (every
# part of it started), until the crowded layer's first tile is drawn on its canvas, and until every tile in view is
# (the real page has no tiles: its first feature stands for both).
FIRST_FEATURE = ("() => document.querySelector('.leaflet-overlay-pane path, .leaflet-overlay-pane canvas,"
                 " .leaflet-marker-pane .leaflet-marker-icon') && performance.now()")
READY = "() => window.cqAtlas !== undefined && performance.now()"
FIRST_TILE = "() => document.querySelector('.leaflet-overlay-pane canvas.leaflet-tile-loaded') && performance.now()"
ALL_TILES = ("() => { const tiles = document.querySelectorAll('.leaflet-overlay-pane canvas.leaflet-tile');"
             " return tiles.length > 0 && [...tiles].every(t => t.classList.contains('leaflet-tile-loaded'))"
             " && performance.now(); }")


def crowded(atlas: Atlas, count: int) -> Atlas:
    """``atlas`` with ``LAYER`` made of ``count`` points over Chongqing (seeded), each a copy of the layer's first
    feature under an id and names of its own."""
    layer = atlas.layer(LAYER)
    template = layer.features[0]
    rng = numpy.random.default_rng(24)
    lon, lat = rng.uniform(105.3, 110.2, count).round(6), rng.uniform(28.2, 32.2, count).round(6)
    features = tuple(
        AtlasFeature(LAYER, {**template.properties, "id": f"point-{n}", "name_en": f"Point {n}",
                             "name_zh": f"点 {n}", "name_fa": f"نقطه {n}"},
                     Point(x, y), {"type": "Point", "coordinates": [x, y]})
        for n, (x, y) in enumerate(zip(lon.tolist(), lat.tolist())))
    return dataclasses.replace(atlas, layers=tuple(
        AtlasLayer(other.spec, features) if other.spec.id == LAYER else other for other in atlas.layers))


def write_page(atlas: Atlas, folder: Path) -> dict[str, float]:
    """The static site's map page of ``atlas`` in ``folder``, with the release's vector tiles where a layer needs
    them; returns the seconds each part took."""
    seconds = {}
    started = time.perf_counter()
    release = folder / "release" / "bench"
    release.mkdir(parents=True)
    if geo.map.render.tiled_layer_ids(atlas):
        (release / TILES_FILE).write_bytes(encode_pmtiles(atlas))
    seconds["tiles_s"] = time.perf_counter() - started
    started = time.perf_counter()
    write_data(atlas, folder)
    write_map(atlas, folder, default_node_modules(), release, StaticLinks(None))
    seconds["page_s"] = time.perf_counter() - started
    return seconds


def measure(browser: Any, url: str) -> dict[str, Any]:
    """Bytes received and milliseconds until a first feature is drawn, the page is ready, its first tile is drawn and
    every tile in view; or the failure."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    # Base-map tiles come from the internet, which this machine has not: refused at once, as offline, rather than
    # left to time out (they are the one part of the page allowed to be missing).
    origin = url.split("/", 3)[:3]
    context.route(lambda address: address.split("/", 3)[:3] != origin, lambda route: route.abort())
    page = context.new_page()
    received: list[int] = []
    page.on("requestfinished", lambda request: received.append(request.sizes()["responseBodySize"]))
    try:
        page.goto(url, timeout=TIMEOUT_MS, wait_until="commit")  # timed from navigation start, not from the load
        feature = page.wait_for_function(FIRST_FEATURE, timeout=TIMEOUT_MS, polling="raf").json_value()
        ready = page.wait_for_function(READY, timeout=TIMEOUT_MS, polling="raf").json_value()
        tiled = page.evaluate("() => cqAtlas.config.tiledLayers !== null")
        tile = page.wait_for_function(FIRST_TILE, timeout=TIMEOUT_MS, polling="raf").json_value() if tiled else feature
        drawn = page.wait_for_function(ALL_TILES, timeout=TIMEOUT_MS, polling="raf").json_value() if tiled else feature
        page.wait_for_timeout(200)  # what the view asked for last has arrived
        return {"bytes": sum(received), "feature_ms": feature, "ready_ms": ready, "tile_ms": tile, "drawn_ms": drawn}
    except Exception as error:  # noqa: BLE001 — a page that cannot load is a result to report
        return {"failed": f"{type(error).__name__}: {str(error).splitlines()[0][:160]}"}
    finally:
        context.close()


def bench_atlas_tiles(work: Path, sizes: tuple[int, ...] = (1_000, 100_000, 1_000_000)) -> tuple[list[str], dict]:
    from playwright.sync_api import sync_playwright

    real = load_atlas(PROJECT_ROOT / "layers")
    launch = CHROMIUM
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch)
        for size in sizes:
            root = work / f"atlas-tiles-{size}"
            shutil.rmtree(root, ignore_errors=True)
            (root / "nginx").mkdir(parents=True)
            written = {}
            for kind, atlas in (("real", real), ("crowded", crowded(real, size))):
                (root / kind).mkdir()
                written[kind] = write_page(atlas, root / kind)
                written[kind]["page_bytes"] = (root / kind / "index.html").stat().st_size
            archive = root / "crowded" / "release" / "bench" / TILES_FILE
            written["crowded"]["archive_bytes"] = archive.stat().st_size if archive.exists() else 0
            runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
            with nginx_serving(root, root / "nginx") as url:
                for _ in range(ROUNDS.get(size, 1)):  # interleaved
                    for kind in KINDS:
                        runs[kind].append(measure(browser, f"{url}/{kind}/index.html"))
            rows.append((size, written, {kind: medians(result) for kind, result in runs.items()}))
            shutil.rmtree(root, ignore_errors=True)
        browser.close()
    return _report(rows), {}


def _report(rows: list[tuple[int, dict, dict]]) -> list[str]:
    lines = [
        HEADING, "",
        f"The static site's map page (`index.html`, as `cqatlas build` writes it) of the real layers (*real*: every "
        f"layer inlined) and of the same layers with `{LAYER}` replaced by N points over Chongqing (*crowded*: past "
        f"{geo.map.render.TILES_ABOVE_FEATURES:,} features the page leaves the layer out and draws it from the "
        "release's PMTiles archive, written by the atlas's tile writer over every layer). Both built in the same "
        "run, served by nginx on loopback, opened in headless Chromium (viewport 1400×900, the atlas's opening view; "
        "requests beyond the server, the base map's tiles, refused as offline), "
        f"rounds interleaved (real, crowded; {', '.join(f'{n} at {size:,}' for size, n in ROUNDS.items())}), medians. *Page*: the HTML file. *Bytes*: response bodies received "
        "until every tile in view is drawn (the page, its scripts, styles and fonts, and the tiles read by ranges). "
        "*First feature*: from navigation start until a first feature of any layer is drawn (the inlined layers are "
        "drawn together). *Ready*: until every part of the page has started. *First tile* and *view drawn*: until "
        "the crowded layer's first tile, and every tile in view, is drawn on its canvas; their ratios are to the real "
        "page's first feature (it has no tiles). Other ratios are crowded ÷ real.",
        "",
        "| points | archive written s | archive bytes | page bytes real / crowded | bytes received real / crowded "
        "| ratio | first feature ms real / crowded | ready ms real / crowded | first tile ms | ratio | view drawn ms "
        "| ratio |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    failures = []
    for size, written, median in rows:
        failed = {kind: result["failed"] for kind, result in median.items() if "failed" in result}
        failures += [f"At {size:,} points the {kind} page failed: {why}" for kind, why in failed.items()]
        if failed:
            continue
        real, crowd = median["real"], median["crowded"]
        lines.append(
            f"| {size:,} | {written['crowded']['tiles_s']:,.0f} | {written['crowded']['archive_bytes']:,} | "
            f"{written['real']['page_bytes']:,} / {written['crowded']['page_bytes']:,} | "
            f"{real['bytes']:,.0f} / {crowd['bytes']:,.0f} | {crowd['bytes'] / real['bytes']:.2f}× | "
            f"{real['feature_ms']:,.0f} / {crowd['feature_ms']:,.0f} | {real['ready_ms']:,.0f} / "
            f"{crowd['ready_ms']:,.0f} | {crowd['tile_ms']:,.0f} | {crowd['tile_ms'] / real['feature_ms']:.2f}× | "
            f"{crowd['drawn_ms']:,.0f} | {crowd['drawn_ms'] / real['feature_ms']:.2f}× |")
    inlined = [f"{size:,}" for size, written, _ in rows if not written["crowded"]["archive_bytes"]]
    if inlined:
        lines += ["", f"At {', '.join(inlined)} points the crowded layer is under the threshold and travels inside "
                  "the page: no archive is written, and its first tile and view drawn are its first feature."]
    return lines + [""] + failures + ([""] if failures else [])
