"""The map page against a bare Leaflet page with the same GeoJSON, at the real atlas and at synthetic sizes.

    .venv/bin/python bench/run.py --only map      (rewrites only this section of bench/RESULTS.md)

Both pages are opened from disk in headless Chromium (tiles blocked), rounds interleaved, medians reported.
"""

from __future__ import annotations

import json
import shutil
import statistics
from pathlib import Path
from typing import Any

import numpy
import shapely
from shapely.geometry import shape

from geo.map.sources import default_node_modules
from geo.publish.build import build
from geo.map.render import CANVAS_ABOVE_FEATURES, CLUSTER_ABOVE_POINTS
from geo.data.schema import DOCUMENTED_FIGURES

HEADING = "## Map page vs a bare Leaflet page with the same GeoJSON"

# The baseline: Leaflet's defaults, points as circle markers (as the atlas draws them), and the same renderer
# choice as the atlas (canvas above CANVAS_ABOVE_FEATURES), so that it stays usable at every size too.
BARE_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>bare</title>
<link rel="stylesheet" href="assets/leaflet/dist/leaflet.css"><script src="assets/leaflet/dist/leaflet.js"></script>
<style>html,body,#map{height:100%;margin:0}</style></head><body><div id="map"></div><script>
var map = L.map("map", {preferCanvas: CANVAS}).setView([29.56, 106.55], 9);
var data = DATA;
Object.keys(data).forEach(function (id) {
  L.geoJSON(data[id], {pointToLayer: function (f, latlng) { return L.circleMarker(latlng); }}).addTo(map);
});
window.cqAtlasMap = map;
</script></body></html>"""

# First drawn feature: an interactive SVG shape, or the features' canvas two frames after it appears.
FIRST_FEATURE = """
window.__firstFeature = null;
new MutationObserver(function (list, observer) {
    if (document.querySelector(".leaflet-overlay-pane path.leaflet-interactive")) {
        window.__firstFeature = performance.now(); observer.disconnect();
    } else if (document.querySelector(".leaflet-overlay-pane canvas")) {
        observer.disconnect();
        requestAnimationFrame(function () { requestAnimationFrame(function () { window.__firstFeature = performance.now(); }); });
    }
}).observe(document, {childList: true, subtree: true});
"""

# Milliseconds from a pan or zoom step until the frame after it has been drawn (median of five).
INTERACTION = """async () => {
    const map = window.cqAtlasMap, frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    const times = [];
    for (let i = 0; i < 5; i++) {
        const started = performance.now();
        if (i % 2) { map.setZoom(map.getZoom() + (i % 4 === 1 ? 1 : -1), {animate: false}); }
        else { map.panBy([150, 80], {animate: false}); }
        await frames();
        times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    return times[2];
}"""


# Layers the generated points are shared among (a layer file may hold at most 64 MiB).
POINT_LAYERS = ("development_zones", "logistics_hubs", "universities")


def synthetic_feature(template: dict[str, Any], number: int, district: str, lon: float, lat: float) -> dict[str, Any]:
    """A copy of a real point feature (its text and first source) moved to (lon, lat), without figures."""
    feature = json.loads(json.dumps(template))
    properties = feature["properties"]
    for name in [name for name in properties if name in DOCUMENTED_FIGURES or name.endswith("_by_year")
                 or name == "figures_as_of"]:
        del properties[name]
    properties["sources"] = [{**source, "supports": [name for name in source["supports"] if name in properties]}
                             for source in properties["sources"][:1]]
    feature["id"] = properties["id"] = f"synthetic-{number}"
    properties["districts"] = [district]
    feature["geometry"]["coordinates"] = [lon, lat]
    return feature


def synthetic_layers(target: Path, count: int) -> None:
    """The real layers plus ``count`` generated points, shared among the point layers, each a real feature's copy.

    The points are spread over Chongqing's districts (a quasi-random sequence, keeping only points well inside a
    district) and each names its district, as validation requires of every point."""
    shutil.copytree(Path(__file__).resolve().parent.parent / "layers", target)
    districts = [(f["properties"]["id"], shape(f["geometry"]))
                 for f in json.loads((target / "districts.geojson").read_text(encoding="utf-8"))["features"]]
    steps = numpy.arange(1, 4 * count + 100)
    xs, ys = numpy.round(105.3 + (steps * 0.6180339) % 4.9, 6), numpy.round(28.2 + (steps * 0.4142135) % 4.0, 6)
    district_of = numpy.full(len(steps), "", dtype=object)
    for district_id, geometry in districts:  # at least ~100 m inside: no point on a boundary
        district_of[shapely.contains_xy(geometry.buffer(-0.001), xs, ys)] = district_id
    inside = numpy.flatnonzero(district_of != "")[:count]
    for offset, layer_id in enumerate(POINT_LAYERS):
        path = target / f"{layer_id}.geojson"
        data = json.loads(path.read_text(encoding="utf-8"))
        template = next(f for f in data["features"] if f["geometry"]["type"] == "Point")
        for number in range(offset, len(inside), len(POINT_LAYERS)):
            at = inside[number]
            data["features"].append(synthetic_feature(template, number, district_of[at], float(xs[at]), float(ys[at])))
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def build_pair(work: Path, layers: Path) -> tuple[Path, Path, int, int, str]:
    """The atlas site and a bare page beside it; returns their paths, the feature count, the offline base's bytes
    and how the atlas draws (SVG or canvas, and whether some layer's points are clustered)."""
    site = work / "site"
    atlas = build(layers, site, default_node_modules())
    count = sum(len(layer.features) for layer in atlas.layers)
    clustered = any(sum(f.geometry.geom_type == "Point" for f in layer.features) > CLUSTER_ABOVE_POINTS
                    for layer in atlas.layers)
    renderer = ("canvas" if count > CANVAS_ABOVE_FEATURES else "SVG") + (" + clusters" if clustered else "")
    data = json.dumps({layer.spec.id: layer.feature_collection() for layer in atlas.layers}, ensure_ascii=False,
                      separators=(",", ":"))  # as compact as the atlas's own data block
    bare = site / "bare.html"
    bare.write_text(BARE_PAGE.replace("CANVAS", json.dumps(count > CANVAS_ABOVE_FEATURES)).replace("DATA", data),
                    encoding="utf-8")
    page = (site / "index.html").read_text(encoding="utf-8")
    start = page.index('<script type="application/json" id="cq-atlas-base">')
    base_bytes = len(page[start:page.index("</script>", start)].encode("utf-8"))
    return site / "index.html", bare, count, base_bytes, renderer


def measure(browser: Any, path: Path, interact: bool) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.add_init_script(FIRST_FEATURE)
    sizes: list[int] = []
    page.on("requestfinished", lambda req: sizes.append(req.sizes()["responseBodySize"]))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    page.goto(path.as_uri(), timeout=300_000)
    page.wait_for_function("window.__firstFeature !== null && window.cqAtlasMap !== undefined", timeout=300_000)
    result = {"bytes": sum(sizes), "first_ms": page.evaluate("window.__firstFeature")}
    if interact:
        result["step_ms"] = page.evaluate(INTERACTION)
    context.close()
    return result


def bench_map(work: Path, sizes: tuple[int, ...] = (1_000, 10_000, 100_000)) -> tuple[list[str], dict]:
    from playwright.sync_api import sync_playwright

    rounds = {0: 5, 1_000: 3, 10_000: 3, 100_000: 1}
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for size in (0, *sizes):
            case = work / f"map-{size}"
            shutil.rmtree(case, ignore_errors=True)
            case.mkdir(parents=True)
            layers = Path(__file__).resolve().parent.parent / "layers"
            if size:
                synthetic_layers(case / "layers", size)
                layers = case / "layers"
            atlas_page, bare_page, count, base_bytes, renderer = build_pair(case, layers)
            runs: dict[str, list[dict[str, float]]] = {"atlas": [], "bare": []}
            for _ in range(rounds.get(size, 1)):  # interleaved: atlas, bare, atlas, bare …
                runs["atlas"].append(measure(browser, atlas_page, interact=True))
                runs["bare"].append(measure(browser, bare_page, interact=True))
            median = {name: {key: statistics.median(run[key] for run in result) for key in result[0]}
                      for name, result in runs.items()}
            rows.append((size, count, base_bytes, renderer, median["atlas"], median["bare"]))
            shutil.rmtree(case, ignore_errors=True)
        browser.close()
    lines = [
        HEADING, "",
        "Headless Chromium, pages opened from disk (tiles blocked), viewport 1400×900, rounds interleaved (5 at the "
        "real atlas, 3 at 1k and 10k, 1 at 100k), medians. Bare page: Leaflet with its defaults and the same "
        f"GeoJSON (points as circle markers, canvas above {CANVAS_ABOVE_FEATURES:,} features like the atlas). "
        "*Step*: one pan or zoom step until the next frame is drawn. The atlas's weight includes its offline base "
        "(Natural Earth outlines and GeoNames city labels, shipped in the page); the last ratio leaves it out. "
        f"*Clusters*: the points of a layer with more than {CLUSTER_ABOVE_POINTS:,} points are drawn as clusters "
        "(leaflet.markercluster, loaded only by such a page); the bare page draws every point. The atlas loads one "
        "bundled script; Chart.js, the route comparisons and the city card's figures load when their part of the panel "
        "is first shown, and the other languages' messages when chosen, so they are not in these bytes. The Chinese "
        "and Persian fonts (cut to the atlas's characters, see geo/map/fonts.py) load after the first drawing, and the "
        "faces the page shows are counted.",
        "",
        "| features | renderer | atlas bytes | bare bytes | weight ratio | without base | first feature ms (atlas / bare) | "
        "ratio | step ms (atlas / bare) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, count, base_bytes, renderer, atlas, bare in rows:
        lines.append(
            f"| {count:,}{'' if size else ' (real atlas)'} | {renderer} | "
            f"{atlas['bytes']:,.0f} | {bare['bytes']:,.0f} | {atlas['bytes'] / bare['bytes']:.2f}× | "
            f"{(atlas['bytes'] - base_bytes) / bare['bytes']:.2f}× | {atlas['first_ms']:.0f} / {bare['first_ms']:.0f} | "
            f"{atlas['first_ms'] / bare['first_ms']:.2f}× | {atlas['step_ms']:.0f} / {bare['step_ms']:.0f} |")
    lines += ["", f"The offline base adds {rows[0][2]:,} bytes to every page (outlines and city labels as JSON).", ""]
    return lines, {"map_weight_ratio": rows[0][4]["bytes"] / rows[0][5]["bytes"]}


def replace_section(results: Path, lines: list[str]) -> None:
    """Put this section in place of its previous version, leaving every other section as it is."""
    text = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
    section = "\n".join(lines).rstrip("\n") + "\n"
    if HEADING in text:
        start = text.index(HEADING)
        following = text.find("\n## ", start + len(HEADING))
        text = text[:start] + section + ("\n" + text[following + 1:] if following >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    results.write_text(text, encoding="utf-8")
