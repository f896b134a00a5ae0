"""The event loops granian can run the atlas's workers on (``serve --loop``): Python's asyncio, uvloop and rloop,
each serving the same prepared layer download, against nginx serving the same gzip bytes (the machine's limit).

    .venv/bin/python bench/run.py --only loops      (uvloop and rloop come with `pip install -e '.[bench]'`)

All servers up at once, rounds interleaved with the order rotated each round, medians and spread of the rounds.
"""

from __future__ import annotations

from functools import partial

from downloads import LAYER, nginx_root, same_layer
from servers import Contender, atlas_command, interleaved, nginx, process
from web.cli import default_workers
from web.serving import EVENT_LOOPS
from web.urls import layer_download_path

HEADING = "## Event loops of the atlas's workers (asyncio, uvloop, rloop) vs nginx"


def bench_loops(seconds: float, rounds: int) -> tuple[list[str], dict]:
    root, body = nginx_root()
    path = [layer_download_path(LAYER, "geojson")]
    contenders = [Contender("nginx (gzip_static, worker_processes auto)", partial(nginx, root), path)] + [
        Contender(f"atlas, `serve --loop {loop}`", lambda port, loop=loop: process(atlas_command(port, "--loop", loop),
                                                                                 port), path)
        for loop in EVENT_LOOPS]
    nginx_result, *atlas_results = interleaved(contenders, rounds, seconds, check=same_layer(body))
    reference = nginx_result.median()
    baseline = atlas_results[0].median()  # asyncio, what `serve` runs by default
    lines = [
        HEADING, "",
        f"`GET {path[0]}` with `Accept-Encoding: gzip`, 32 connections, wrk (2 threads), loopback; the atlas with "
        f"{default_workers()} workers (the default), the same prepared bytes in every server (checked before "
        f"measuring). {rounds} rounds of {seconds:g} s, every server once per round in rotated order; medians of "
        "the rounds, min–max across rounds.", "",
        "| server | requests/s (median) | min–max | × nginx | × asyncio | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for result in (nginx_result, *atlas_results):
        low, high = result.spread()
        lines.append(f"| {result.label} | {result.median():.0f} | {low:.0f}–{high:.0f} | "
                     f"{result.median() / reference:.2f} | {result.median() / baseline:.2f} | "
                     f"{result.median('p99_ms'):.2f} | {result.failures()} |")
    lines.append("")
    return lines, {}
