"""A long slow-reader attack on ``cqatlas serve``: many connections from many addresses ask for the whole atlas and
read it a few hundred bytes at a time, for minutes; meanwhile a probe client (another address) asks for a small
layer four times a second. Measured with the server's limits lifted and as configured, rounds interleaved, each
round with its own quiet baseline first (the same server, no attack), so latencies are ratios against it.

Every connection goes to 127.0.0.1 only; attackers bind source addresses in 127.0.0.0/8 (all loopback on Linux).
Bounded: each attack runs a fixed time, then every attacker socket is closed and the server stopped.
"""

from __future__ import annotations

import asyncio
import socket
import statistics
import threading
import time
from dataclasses import dataclass, field

import httpx

from servers import LOCAL, atlas_command, free_port, process

HEADING = "## Slow readers: a probe client while many connections read the atlas very slowly"
ATTACK_PATH = "/api/atlas.geojson"  # the largest download (identity encoding: the most bytes to hold)
PROBE_PATH = "/api/layers/universities.geojson"
PROBE_EVERY = 0.25  # seconds between probe requests
PROBE_TIMEOUT = 5.0  # a probe slower than this counts as failed
READ_BYTES, READ_EVERY = 256, 2.0  # what each attacker reads, and how often
# Configurations: the limits lifted (a read may take a day, any number of requests per address), and as shipped.
CONFIGS = {
    "no limits": ("--response-timeout", "86400", "--max-per-client", "100000"),
    "limits (defaults: 60 s to read a response, 16 requests per address)": ("--response-timeout", "60",
                                                                             "--max-per-client", "16"),
    "limits with a 10 s response timeout": ("--response-timeout", "10", "--max-per-client", "16"),
}


@dataclass
class Probe:
    latencies_ms: list[float] = field(default_factory=list)
    failures: int = 0

    @property
    def sent(self) -> int:
        return len(self.latencies_ms) + self.failures

    def success_rate(self) -> float:
        return len(self.latencies_ms) / self.sent if self.sent else 0.0

    def median_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")

    def p95_ms(self) -> float:
        if len(self.latencies_ms) < 2:
            return float("nan")
        return statistics.quantiles(self.latencies_ms, n=20)[18]


def probe(url: str, seconds: float) -> Probe:
    """A fresh connection per request (as a new visitor), from 127.0.0.1, for ``seconds``."""
    result = Probe()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            response = httpx.get(url + PROBE_PATH, timeout=PROBE_TIMEOUT, headers={"Connection": "close"})
            if response.status_code == 200 and response.json()["features"]:
                result.latencies_ms.append((time.monotonic() - started) * 1000)
            else:
                result.failures += 1
        except (httpx.HTTPError, ValueError):
            result.failures += 1
        time.sleep(max(0.0, PROBE_EVERY - (time.monotonic() - started)))
    return result


@dataclass
class AttackCounts:
    opened: int = 0
    closed_seen: int = 0  # the attacker read to the end of what was sent and found the connection closed
    refused: int = 0  # connect failed or a 429 answered at once
    bytes_read: int = 0


async def _slow_reader(port: int, source: str, stop: float, counts: AttackCounts) -> None:
    loop = asyncio.get_running_loop()
    request = (f"GET {ATTACK_PATH} HTTP/1.1\r\nHost: {LOCAL}:{port}\r\nAccept-Encoding: identity\r\n\r\n").encode()
    while time.monotonic() < stop:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a small window: the server's writes stall soon
        sock.setblocking(False)
        try:
            sock.bind((source, 0))
            await asyncio.wait_for(loop.sock_connect(sock, (LOCAL, port)), 10)
            await loop.sock_sendall(sock, request)
            counts.opened += 1
            first = True
            while time.monotonic() < stop:
                chunk = await asyncio.wait_for(loop.sock_recv(sock, READ_BYTES), max(0.1, stop - time.monotonic()))
                if not chunk:
                    counts.closed_seen += 1
                    break
                if first and chunk.startswith(b"HTTP/1.1 429"):
                    counts.refused += 1
                    break
                first = False
                counts.bytes_read += len(chunk)
                await asyncio.sleep(READ_EVERY)
        except (OSError, asyncio.TimeoutError):
            if time.monotonic() < stop:
                counts.refused += 1
                await asyncio.sleep(0.5)
        finally:
            sock.close()


async def _attack(port: int, connections: int, addresses: int, seconds: float) -> AttackCounts:
    counts, stop = AttackCounts(), time.monotonic() + seconds
    sources = [f"127.0.{2 + i // 250}.{1 + i % 250}" for i in range(addresses)]
    await asyncio.gather(*(_slow_reader(port, sources[i % addresses], stop, counts) for i in range(connections)))
    return counts


def attack_while_probing(url: str, port: int, connections: int, addresses: int, seconds: float) -> tuple[Probe,
                                                                                                       AttackCounts]:
    counts: list[AttackCounts] = []
    attacker = threading.Thread(target=lambda: counts.append(asyncio.run(_attack(port, connections, addresses,
                                                                                 seconds))))
    attacker.start()
    time.sleep(2)  # let the attack take hold before the probe starts
    measured = probe(url, seconds - 4)
    attacker.join(seconds + 30)
    return measured, counts[0]


def _tcp_wmem() -> str:
    try:
        return " ".join(open("/proc/sys/net/ipv4/tcp_wmem", encoding="ascii").read().split()) + " bytes (min default max)"
    except OSError:
        return "unknown"


def bench_slow_readers(rounds: int = 2, seconds: float = 120, baseline_seconds: float = 15, connections: int = 1100,
                       addresses: int = 110) -> tuple[list[str], dict]:
    rows: dict[str, list[tuple[Probe, Probe, AttackCounts]]] = {label: [] for label in CONFIGS}
    for round_number in range(rounds):
        labels = list(CONFIGS)
        labels = labels[round_number % len(labels):] + labels[:round_number % len(labels)]  # rotated each round
        for label in labels:
            port = free_port()
            with process(atlas_command(port, "--workers", "1", *CONFIGS[label]), port) as url:
                httpx.get(url + PROBE_PATH, timeout=30)  # warm
                quiet = probe(url, baseline_seconds)
                attacked, counts = attack_while_probing(url, port, connections, addresses, seconds)
                rows[label].append((quiet, attacked, counts))
                print(f"round {round_number + 1} {label}: quiet {quiet.median_ms():.1f} ms, attacked "
                      f"{attacked.success_rate():.0%} ok {attacked.median_ms():.1f} ms, {counts}", flush=True)
    lines = [
        HEADING, "",
        f"`python -m web serve --workers 1` (granian, 512 connections per worker) with the options named below. "
        f"Attack: {connections} connections from {addresses} loopback addresses ({connections // addresses} each, "
        f"under the per-address limit), each asking `GET {ATTACK_PATH}` (identity encoding) with a 4 KiB receive "
        f"buffer and reading {READ_BYTES} bytes every {READ_EVERY:g} s, reconnecting when dropped, for "
        f"{seconds:g} s. Probe: a new connection from 127.0.0.1 every {PROBE_EVERY:g} s asking "
        f"`GET {PROBE_PATH}`; a probe counts as failed on an error, a non-200 or no answer within "
        f"{PROBE_TIMEOUT:g} s. Each round: a fresh server, {baseline_seconds:g} s of probing with no attack "
        f"(baseline), then the attack; {rounds} rounds, configurations in rotated order. Values per round "
        "(round 1; round 2 …).", "",
        "| configuration | probe success under attack | probe median ms under attack | ratio to its baseline median "
        "| probe p95 ms under attack | baseline median ms | attacker connections opened / found closed / refused "
        "| bytes read per attacker connection |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, results in rows.items():
        def each(fn) -> str:
            return "; ".join(fn(quiet, attacked, counts) for quiet, attacked, counts in results)
        lines.append(
            f"| {label} | {each(lambda q, a, c: f'{a.success_rate():.0%} of {a.sent}')} "
            f"| {each(lambda q, a, c: f'{a.median_ms():.1f}')} "
            f"| {each(lambda q, a, c: f'{a.median_ms() / q.median_ms():.1f}×')} "
            f"| {each(lambda q, a, c: f'{a.p95_ms():.1f}')} "
            f"| {each(lambda q, a, c: f'{q.median_ms():.1f}')} "
            f"| {each(lambda q, a, c: f'{c.opened} / {c.closed_seen} / {c.refused}')} "
            f"| {each(lambda q, a, c: f'{c.bytes_read // max(c.opened, 1):,}')} |")
    lines += ["", "\"Found closed\" counts attackers that read everything the server had sent and then met the closed "
              "connection; a connection the server abandons still holds what it had written in the kernel's buffers "
              f"(net.ipv4.tcp_wmem here: {_tcp_wmem()}), which an attacker reading this slowly does not drain within "
              "the attack.", ""]
    return lines, {}
