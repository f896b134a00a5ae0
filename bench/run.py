"""Benchmarks, each a ratio against a baseline measured side by side in the same run, rounds interleaved.

    .venv/bin/python bench/run.py [--seconds N] [--rounds N]     (or: make bench)
    .venv/bin/python bench/run.py --only downloads,pygeoapi,load  (rewrites only those sections of RESULTS.md)

Sections: downloads (the atlas vs nginx, the machine's limit), loops (the workers on asyncio, uvloop or rloop),
pygeoapi, load, map, scaling, tiles (a large layer inlined as GeoJSON vs drawn from PMTiles), atlastiles (the
atlas's own map page with a layer crowded past what it inlines, against its page of the real layers), slowreaders (a probe
client's success and latency during a minutes-long slow-reader attack, with and without the server's limits). Writes
bench/RESULTS.md; every section names the run that measured it. Needs wrk, nginx and chromium (make bench installs
them from Debian).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import time
import traceback
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

from against_pygeoapi import HEADING as PYGEOAPI_HEADING, bench_pygeoapi  # noqa: E402
from atlas_tiles import HEADING as ATLAS_TILES_HEADING, bench_atlas_tiles  # noqa: E402
from downloads import HEADING as DOWNLOADS_HEADING, bench_downloads  # noqa: E402
from event_loops import HEADING as LOOPS_HEADING, bench_loops  # noqa: E402
from geo.map.sources import default_node_modules  # noqa: E402
from geo.data.atlas import load_atlas  # noqa: E402
from geo.publish.build import build  # noqa: E402
from geo.data.query import FeatureFilter, select  # noqa: E402
from map_page import HEADING as MAP_HEADING, bench_map, synthetic_layers  # noqa: E402
from map_tiles import HEADING as TILES_HEADING, bench_tiles  # noqa: E402
from report import stamp, write  # noqa: E402
from servers import WORK, Contender, atlas_command, interleaved, loadavg, process  # noqa: E402
from shapely.geometry import box  # noqa: E402
from slow_readers import HEADING as SLOW_READERS_HEADING, bench_slow_readers  # noqa: E402

# Sections run only when named with --only: the slow-reader attack takes about half an hour (three configurations,
# two rounds of two minutes of attack each, a fresh server per round).
ON_ITS_OWN = {"slowreaders"}
LOAD_HEADING = "## Load: 32 concurrent clients across map, catalog and downloads"
SCALING_HEADING = "## Scaling with synthetic layers"


def bench_load(seconds: float, rounds: int) -> tuple[list[str], dict]:
    """Mixed load: map, catalog, OGC items and downloads, in rounds; zero errors expected."""
    paths = ["/", "/api/layers", "/api/layers/bonded_zones.geojson", "/api/layers/rail_europe.geojson",
             "/api/atlas.geojson", "/ogc/collections/development_zones/items?limit=20", "/health"]
    (atlas,) = interleaved([Contender("atlas", lambda port: process(atlas_command(port), port), paths)],
                           rounds, seconds)
    low, high = atlas.spread()
    requests = int(sum(r["requests"] for r in atlas.rounds))
    lines = [
        LOAD_HEADING,
        "",
        f"`python -m web serve`, {rounds} rounds of {seconds:g} s, wrk, loopback, cycling through: "
        f"{', '.join(f'`{p}`' for p in paths)}. Medians across rounds.",
        "",
        "| requests (all rounds) | requests/s (median) | min–max | p50 ms | p99 ms | errors (socket + non-2xx) |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {requests} | {atlas.median():.0f} | {low:.0f}–{high:.0f} | {atlas.median('p50_ms'):.2f} | "
        f"{atlas.median('p99_ms'):.2f} | {atlas.failures()} |",
        "",
    ]
    return lines, {"load_errors": atlas.failures()}


def bench_scaling(sizes: tuple[int, ...], rounds: int = 10) -> tuple[list[str], dict]:
    rows = []
    query = (106.4, 29.5, 106.6, 29.7)
    for size in sizes:
        layers = WORK / f"layers-{size}"
        shutil.rmtree(layers, ignore_errors=True)
        synthetic_layers(layers, size)
        started = time.perf_counter()
        build(layers, WORK / f"site-{size}", default_node_modules())
        build_s = time.perf_counter() - started
        page_bytes = (WORK / f"site-{size}" / "index.html").stat().st_size
        layer = load_atlas(layers).layer("development_zones")
        layer.spatial_index  # built once per build, like the server does
        area = box(*query)
        indexed, scanned = [], []
        for _ in range(rounds):  # interleaved: index, scan, index, scan …
            indexed.append(_timed(lambda: select(layer, FeatureFilter(bbox=query))))
            scanned.append(_timed(lambda: [f for f in layer.features if f.geometry.intersects(area)]))
        rows.append((size, build_s, page_bytes, statistics.median(indexed) * 1e3, statistics.median(scanned) * 1e3))
        shutil.rmtree(WORK / f"site-{size}", ignore_errors=True)
        shutil.rmtree(layers, ignore_errors=True)
    lines = [
        SCALING_HEADING,
        "",
        "N generated points added to `development_zones` (plus the real layers). bbox query over Chongqing's core, "
        f"R-tree (`STRtree`) vs a full scan, {rounds} interleaved rounds, medians.",
        "",
        "| features | build s | page bytes | bbox query ms (index) | bbox query ms (scan) | scan / index |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for size, build_s, page_bytes, indexed_ms, scanned_ms in rows:
        lines.append(f"| {size:,} | {build_s:.1f} | {page_bytes:,} | {indexed_ms:.2f} | {scanned_ms:.2f} | "
                     f"{scanned_ms / indexed_ms:.0f}× |")
    base, last = rows[0], rows[-1]
    if len(rows) > 1:
        lines += ["", f"From {base[0]:,} to {last[0]:,} features ({last[0] / base[0]:.0f}×): build time ×"
                      f"{last[1] / base[1]:.1f}, page weight ×{last[2] / base[2]:.1f}, "
                      f"indexed query ×{last[3] / base[3]:.1f}."]
    return lines + [""], {}


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=4, help="duration of each wrk round")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds per server")
    parser.add_argument("--sizes", default="1000,10000,100000", help="synthetic layer sizes")
    parser.add_argument("--only", help="comma-separated sections to run: downloads, loops, pygeoapi, load, map, "
                        "scaling, tiles, atlastiles, slowreaders")
    parser.add_argument("--tile-sizes", default="1000,100000,1000000",
                        help="points in the crowded layer of the tiles and atlastiles sections")
    args = parser.parse_args()
    sizes = tuple(int(s) for s in args.sizes.split(","))
    tile_sizes = tuple(int(s) for s in args.tile_sizes.split(","))
    benches = {
        "downloads": (DOWNLOADS_HEADING, lambda: bench_downloads(args.seconds, args.rounds)),
        "loops": (LOOPS_HEADING, lambda: bench_loops(args.seconds, args.rounds)),
        "pygeoapi": (PYGEOAPI_HEADING, lambda: bench_pygeoapi(args.seconds, args.rounds)),
        "load": (LOAD_HEADING, lambda: bench_load(args.seconds, args.rounds)),
        "map": (MAP_HEADING, lambda: bench_map(WORK, sizes)),
        "scaling": (SCALING_HEADING, lambda: bench_scaling(sizes)),
        "tiles": (TILES_HEADING, lambda: bench_tiles(WORK, tile_sizes)),
        "atlastiles": (ATLAS_TILES_HEADING, lambda: bench_atlas_tiles(WORK, tile_sizes)),
        "slowreaders": (SLOW_READERS_HEADING, lambda: bench_slow_readers()),
    }
    chosen = args.only.split(",") if args.only else [name for name in benches if name not in ON_ITS_OWN]
    unknown = set(chosen) - set(benches)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}; choose from {', '.join(benches)}")
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    os.chdir(BENCH.parent)
    measured, failed = {}, []
    for name in chosen:
        heading, bench = benches[name]
        before, when = loadavg(), time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        try:
            lines, _ = bench()
        except Exception:  # noqa: BLE001 — one broken section must not throw away the others' measurements
            traceback.print_exc()
            failed.append(name)
            continue
        measured[heading] = stamp(lines, when, before, loadavg())
        print("\n".join(measured[heading]), flush=True)
    header = ["# Benchmark results", "",
              f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.machine()}, {os.cpu_count()} "
              f"cores, Python {platform.python_version()}, sections measured: "
              f"{', '.join(n for n in chosen if n not in failed) or 'none'}. Each section names the run "
              "that measured it. Regenerate with `make bench` (or `.venv/bin/python bench/run.py --only SECTIONS`).", ""]
    carried = write(BENCH / "RESULTS.md", header, [heading for heading, _ in benches.values()], measured)
    if carried:
        print(f"kept from the previous RESULTS.md: {', '.join(carried)}")
    shutil.rmtree(WORK, ignore_errors=True)
    if failed:
        sys.exit(f"sections that failed (their previous results, if any, were kept): {', '.join(failed)}")


if __name__ == "__main__":
    main()
