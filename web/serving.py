"""Running the app under granian (a Rust HTTP server): worker processes, timeouts and a cap on concurrent work."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServerLimits:
    header_timeout: float = 10.0  # seconds to receive request headers (and to keep an idle connection)
    max_connections: int = 512  # concurrent requests per worker (granian's backpressure)


def run_server(host: str, port: int, workers: int, limits: ServerLimits, access_log: bool = False) -> None:
    from granian.constants import HTTPModes, Interfaces, Loops
    from granian.http import HTTP1Settings
    from granian.server import Server

    Server(
        "web.asgi:from_environment",
        factory=True,
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        # HTTP/1.1 only: in "auto" mode the protocol sniffing waits for a first byte with no timeout, so a silent
        # connection would be held for ever; here the header-read timeout runs from the moment of accept.
        http=HTTPModes.http1,
        workers=workers,
        # Python's own event loop, named: granian's "auto" would switch to rloop or uvloop whenever either happens
        # to be installed, so the server would differ between environments (bench/RESULTS.md measures this one).
        loop=Loops.asyncio,
        backlog=1024,
        backpressure=limits.max_connections,
        http1_settings=HTTP1Settings(header_read_timeout=int(limits.header_timeout * 1000)),
        log_access=access_log,
        respawn_failed_workers=True,
    ).serve()
