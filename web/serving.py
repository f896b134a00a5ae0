"""Running the app under granian (a Rust HTTP server): worker processes, timeouts and a cap on concurrent work."""

from __future__ import annotations

import errno
import socket
from dataclasses import dataclass


@dataclass(frozen=True)
class ServerLimits:
    header_timeout: float = 10.0  # seconds to receive request headers (and to keep an idle connection)
    max_connections: int = 512  # concurrent requests per worker (granian's backpressure)


class CannotListen(Exception):
    """The address or port given to ``serve`` cannot be listened on; the message says why."""


def check_listen_address(host: str, port: int) -> None:
    """Bind the address once ourselves, as an exclusive owner would. granian binds with SO_REUSEPORT, so a second
    server on a port already in use would start and silently share it (answering with its own data)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError, ValueError) as exc:
        raise CannotListen(f"--host {host}: not a valid address or host name ({exc})") from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a port left in TIME_WAIT is free
        try:
            probe.bind(address)
            probe.listen(1)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CannotListen(f"--port {port}: address in use on {host} (another server is listening there)") \
                    from None
            if exc.errno == errno.EADDRNOTAVAIL:
                raise CannotListen(f"--host {host}: not an address of this machine") from None
            raise CannotListen(f"--host {host} --port {port}: cannot listen ({exc.strerror or exc})") from None


EVENT_LOOPS = ("asyncio", "uvloop", "rloop")  # what granian can run workers on (uvloop and rloop: separate packages)


def run_server(host: str, port: int, workers: int, limits: ServerLimits, access_log: bool = False,
               loop: str = "asyncio") -> None:
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
        # Named, never granian's "auto" (which switches to rloop or uvloop whenever either happens to be installed,
        # so the server would differ between environments): Python's own unless --loop asks for another, as
        # bench/RESULTS.md compares them.
        loop=Loops(loop),
        backlog=1024,
        backpressure=limits.max_connections,
        http1_settings=HTTP1Settings(header_read_timeout=int(limits.header_timeout * 1000)),
        log_access=access_log,
        respawn_failed_workers=True,
    ).serve()
