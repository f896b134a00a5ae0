"""Servers under test and the load generator: start on free loopback ports, measure with wrk, stop afterwards."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "bench" / ".work"
PYTHON = sys.executable
LOCAL = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOCAL, 0))
        return probe.getsockname()[1]


def loadavg() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


@contextmanager
def process(args: list[str], port: int, env: dict[str, str] | None = None, cwd: Path = REPO,
            startup: float = 300) -> Iterator[str]:
    """Run a server until it accepts connections on ``port`` (within ``startup`` seconds); yields its base URL and
    stops it afterwards."""
    log = (WORK / f"server-{port}.log").open("wb")
    proc = subprocess.Popen(args, cwd=cwd, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + startup  # building the atlas first takes minutes on a loaded machine
    try:
        while True:
            try:
                with socket.create_connection((LOCAL, port), timeout=0.2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{args[0]} did not start: "
                                       f"{(WORK / f'server-{port}.log').read_text(errors='replace')[-2000:]}")
                time.sleep(0.1)
        yield f"http://{LOCAL}:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def atlas_command(port: int, *options: str) -> list[str]:
    """The atlas as users run it: ``python -m web serve`` (granian). All load comes from one address here, so the
    per-client limit is lifted to the load generator's connection count (it exists for many clients, not one)."""
    return [PYTHON, "-m", "web", "serve", "--port", str(port), "--max-per-client", "4096", *options]


NGINX_CONF = """
daemon off;
worker_processes auto;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {work}/client_body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    types {{ application/geo+json geojson; }}
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        gzip_static on;
        gzip_vary on;
    }}
}}
"""


@contextmanager
def nginx(root: Path, port: int) -> Iterator[str]:
    """nginx serving ``root`` (``X.gz`` beside ``X``: gzip_static), unprivileged, everything under bench/.work."""
    work = WORK / "nginx"
    work.mkdir(parents=True, exist_ok=True)
    conf = work / "nginx.conf"
    conf.write_text(NGINX_CONF.format(work=work, port=port, root=root))
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    with process([binary, "-p", str(work), "-c", str(conf), "-e", str(work / "error.log")], port) as url:
        yield url


def wrk(url: str, paths: list[str], seconds: float, connections: int = 32) -> dict[str, float]:
    """Requests/s, p50/p99 latency and error count from wrk, cycling through ``paths`` with gzip accepted."""
    script = WORK / "paths.lua"
    script.write_text(textwrap.dedent(f"""
        local paths = {{{", ".join(json.dumps(p) for p in paths)}}}
        local i = 0
        wrk.headers["Accept-Encoding"] = "gzip"
        request = function() i = i % #paths + 1; return wrk.format("GET", paths[i]) end
        done = function(summary, latency, requests)
            io.write(string.format("JSON{{\\"rps\\": %f, \\"p50_ms\\": %f, \\"p99_ms\\": %f, \\"errors\\": %d, \\"non2xx\\": %d, \\"requests\\": %d, \\"bytes\\": %d}}\\n",
                summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
                summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
                summary.errors.status, summary.requests, summary.bytes))
        end
    """))
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", "-s", str(script), url],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(re.search(r"JSON(\{.*\})", out).group(1))


@dataclass
class Contender:
    """One server in an interleaved comparison and the wrk results of its rounds."""

    label: str
    start: Callable[[int], object]  # port -> context manager yielding the base URL
    paths: list[str]
    rounds: list[dict[str, float]] = field(default_factory=list)

    def median(self, key: str = "rps") -> float:
        return statistics.median(r[key] for r in self.rounds)

    def spread(self, key: str = "rps") -> tuple[float, float]:
        values = [r[key] for r in self.rounds]
        return min(values), max(values)

    def failures(self) -> int:
        return int(sum(r["errors"] + r["non2xx"] for r in self.rounds))


def interleaved(contenders: list[Contender], rounds: int, seconds: float, warmup: float = 2,
                check: Callable[[str, list[str]], None] | None = None) -> list[Contender]:
    """All servers up at once; each round runs wrk against every server in turn (A, B, C, A, B, C …), the order
    rotated by one each round so that no server always follows the same neighbour. ``check(url, paths)`` runs
    against every server first (to show that they answer alike)."""
    with ExitStack() as stack:
        urls = [stack.enter_context(c.start(free_port())) for c in contenders]
        for contender, url in zip(contenders, urls):
            if check:
                check(url, contender.paths)
            wrk(url, contender.paths, warmup)
        for round_number in range(rounds):
            order = list(range(len(contenders)))
            order = order[round_number % len(order):] + order[:round_number % len(order)]
            for index in order:
                contenders[index].rounds.append(wrk(urls[index], contenders[index].paths, seconds))
    return contenders
