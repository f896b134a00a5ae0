"""The atlas's layer download against the machine's limit: nginx serving the same gzip bytes from disk.

    .venv/bin/python bench/run.py --only downloads

All servers are up at the same time; rounds are interleaved (every server once per round, the order rotated each
round) and each server's median over the rounds is reported with the spread of its rounds.
"""

from __future__ import annotations

import gzip
import importlib.util
import urllib.request
from functools import partial
from pathlib import Path

from geo.map.sources import default_node_modules
from geo.publish.prepared import publish
from servers import PYTHON, WORK, Contender, atlas_command, interleaved, nginx, process
from web.cli import default_workers
from web.urls import layer_download_path

LAYER = "land_sea_corridor"
HEADING = "## Layer download rate vs the machine's limit (nginx)"
TARGET = 0.5  # atlas / nginx on prepared layer downloads


def nginx_root(layer: str = LAYER) -> tuple[Path, bytes]:
    """The atlas's own download bytes, plain and gzip (the very bytes it serves), at the same URL path under nginx."""
    published = publish(Path("layers"), default_node_modules(),
                        download_href=lambda layer_id: layer_download_path(layer_id, "geojson"))
    prepared = published.downloads[(layer, "geojson")]
    root = WORK / "nginx-root"
    target = root / layer_download_path(layer, "geojson").lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(prepared.body)
    target.with_name(target.name + ".gz").write_bytes(prepared.gzip_body)
    return root, prepared.body


def same_layer(body: bytes):
    """A check that a server answers the download gzip-encoded, and that it unpacks to the atlas's own bytes."""

    def check(url: str, paths: list[str]) -> None:
        request = urllib.request.Request(url + paths[0], headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=10) as response:
            encoding, answered = response.headers["Content-Encoding"], response.read()
        if encoding != "gzip" or gzip.decompress(answered) != body:
            raise RuntimeError(f"{url} does not answer the layer's bytes gzip-encoded")

    return check


def _uvicorn(port: int, workers: int):
    return process([PYTHON, "-m", "uvicorn", "--factory", "web.asgi:from_environment", "--host", "127.0.0.1",
                    "--port", str(port), "--workers", str(workers), "--no-access-log", "--log-level", "warning"], port)


def _bare_asgi(port: int, workers: int, body: Path):
    # The same granian settings as web.serving (HTTP/1, asyncio loop, backlog, backpressure), no access log.
    return process([PYTHON, "-m", "granian", "--interface", "asgi", "bare_asgi:app", "--host", "127.0.0.1",
                    "--port", str(port), "--workers", str(workers), "--http", "1", "--loop", "asyncio",
                    "--backlog", "1024", "--backpressure", "512", "--no-access-log", "--log-level", "warning"],
                   port, {"BARE_ASGI_BODY": str(body)}, cwd=Path(__file__).resolve().parent)


def contenders(root: Path) -> list[Contender]:
    path = [layer_download_path(LAYER, "geojson")]
    workers = default_workers()
    gzip_file = root / (path[0].lstrip("/") + ".gz")
    return [
        Contender("nginx (gzip_static, worker_processes auto)", partial(nginx, root), path),
        Contender("atlas: `python -m web serve` (granian, default workers)", lambda port: process(atlas_command(port), port), path),
        Contender("atlas: granian, `--workers 1`", lambda port: process(atlas_command(port, "--workers", "1"), port), path),
        Contender(f"atlas: uvicorn, `--workers {workers}`", partial(_uvicorn, workers=workers), path),
        Contender(f"bare ASGI app (`bench/bare_asgi.py`), granian, {workers} workers",
                  partial(_bare_asgi, workers=workers, body=gzip_file), path),
    ]


def uvicorn_flavour() -> str:
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    return f"{http} + {loop}"


def bench_downloads(seconds: float, rounds: int) -> tuple[list[str], dict]:
    root, body = nginx_root()
    results = interleaved(contenders(root), rounds, seconds, check=same_layer(body))
    limit, atlas, one_worker, uvicorn, bare = results
    ratio = atlas.median() / limit.median()
    lines = [
        HEADING,
        "",
        f"`GET {layer_download_path(LAYER, 'geojson')}` with `Accept-Encoding: gzip`, 32 connections, wrk (2 threads), "
        f"loopback. nginx serves the atlas's own gzip bytes of that layer from disk (`gzip_static on`). All servers "
        f"up at once; {rounds} rounds of {seconds:g} s, every server once per round in rotated order; "
        f"medians of the rounds, min–max across rounds. uvicorn runs with {uvicorn_flavour()}. Before measuring, "
        f"every server answered with gzip bytes that unpack to the atlas's {len(body):,}-byte download.",
        "",
        "| server | requests/s (median) | min–max | p50 ms | p99 ms | bytes / response | errors | / nginx |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in results:
        low, high = c.spread()
        size = sum(r["bytes"] for r in c.rounds) / max(1, sum(r["requests"] for r in c.rounds))
        lines.append(f"| {c.label} | {c.median():.0f} | {low:.0f}–{high:.0f} | {c.median('p50_ms'):.2f} | "
                     f"{c.median('p99_ms'):.2f} | {size:,.0f} | {c.failures()} | {c.median() / limit.median():.2f}× |")
    fastest = max((atlas, one_worker, uvicorn), key=lambda c: c.median())
    verdict = "meets" if ratio >= TARGET else "misses"
    lines += [
        "",
        f"**Ratio atlas (`python -m web serve`) / nginx: {ratio:.2f}×** from the medians; it {verdict} the "
        f"≥ {TARGET}× target. Per-round ratios ranged "
        f"{min(a['rps'] / n['rps'] for a, n in zip(atlas.rounds, limit.rounds)):.2f}–"
        f"{max(a['rps'] / n['rps'] for a, n in zip(atlas.rounds, limit.rounds)):.2f}×.",
        f"Server choice: granian with default workers / uvicorn: {atlas.median() / uvicorn.median():.2f}×; "
        f"default workers / one worker: {atlas.median() / one_worker.median():.2f}×. The fastest way to run the "
        f"atlas in this run was {fastest.label}"
        + ("." if fastest is atlas else f", {fastest.median() / atlas.median():.2f}× the default."),
        f"The atlas reached {atlas.median() / bare.median():.2f}× the bare ASGI app under the same server "
        f"(which itself reached {bare.median() / limit.median():.2f}× nginx).",
        "",
    ]
    return lines, {"download_ratio": ratio}
