"""``cqatlas serve`` as users run it (granian, worker processes): idle connections shed under descriptor pressure,
several workers each reloading, unexpected errors answered as JSON and logged without flooding."""

from __future__ import annotations

import logging
import resource
import socket
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ServerProcess, edit_feature, make_settings, read_layer
from web.app import create_app
from web.errors import RateLimitedLog


def _low_descriptor_limit() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (128, 128))


def test_idle_sockets_under_a_low_descriptor_limit_do_not_lock_other_clients_out() -> None:
    idle_count = 300  # more than the server's 128 descriptors
    with ServerProcess("--workers", "1", "--header-timeout", "2", preexec_fn=_low_descriptor_limit) as server:
        idle = [socket.create_connection(("127.0.0.1", server.port), timeout=2) for _ in range(idle_count)]
        try:
            started = time.monotonic()
            answered = None
            while answered is None and time.monotonic() - started < 20:
                try:
                    answered = httpx.get(f"{server.url}/health", timeout=3).status_code
                except httpx.HTTPError:
                    pass
            assert answered == 200, "a client was locked out by idle connections"
            # The server hung up on the silent connections itself (header-read timeout from accept).
            deadline = time.monotonic() + 15
            closed = 0
            for sock in idle:
                sock.settimeout(max(0.1, deadline - time.monotonic()))
                try:
                    closed += sock.recv(1) == b""
                except (TimeoutError, OSError):
                    pass
            assert closed == idle_count
        finally:
            for sock in idle:
                sock.close()
        assert server.log.stat().st_size < 16_000, "descriptor exhaustion flooded the log"


def served_name(url: str) -> str:
    # A fresh connection each time, so requests spread over the workers.
    with httpx.Client(timeout=10) as client:
        return client.get(f"{url}/api/layers/universities.geojson").json()["features"][0]["properties"]["name_en"]


def test_every_worker_picks_up_a_good_edit_and_keeps_it_after_a_bad_one(layers_copy: Path) -> None:
    original = read_layer(layers_copy, "universities")["features"][0]["properties"]["name_en"]
    with ServerProcess("--workers", "2", "--reload-data", "--layers", str(layers_copy)) as server:
        assert "worker-2" in server.log.read_text()
        assert served_name(server.url) == original
        edit_feature(layers_copy, "universities", lambda f: f["properties"].update(name_en=original + " (renamed)"))
        deadline = time.monotonic() + 90  # a publish takes seconds on a loaded machine
        streak = 0
        while streak < 30 and time.monotonic() < deadline:  # 30 answers in a row from whichever worker
            streak = streak + 1 if served_name(server.url) == original + " (renamed)" else 0
        assert streak == 30, "some worker did not reload"
        assert server.log.read_text().count("layers reloaded") >= 2

        edit_feature(layers_copy, "universities", lambda f: f["properties"].update(geometry_quality="exact"))
        deadline = time.monotonic() + 90  # a publish takes seconds on a loaded machine
        while server.log.read_text().count("layer edit rejected") < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert server.log.read_text().count("layer edit rejected") >= 2, "not every worker saw the bad edit"
        assert {served_name(server.url) for _ in range(20)} == {original + " (renamed)"}


def test_unexpected_errors_are_json_500_and_logged_once_per_interval(caplog: pytest.LogCaptureFixture) -> None:
    from fastapi.testclient import TestClient

    app = create_app(make_settings())
    app.state.published = None  # every route that reads the data now fails unexpectedly
    with TestClient(app, raise_server_exceptions=False) as client, caplog.at_level(logging.ERROR):
        for _ in range(50):
            api = client.get("/api/layers")
            download = client.get("/api/layers/universities.geojson")  # the prepared-download path too
            ogc = client.get("/ogc/collections")
        assert api.status_code == 500 and api.json() == {"error": {"status": 500, "message": "internal error"}}
        assert download.status_code == 500 and download.json() == api.json()
        assert ogc.status_code == 500 and ogc.json() == {"code": "ServerError", "description": "internal error"}
    assert len([r for r in caplog.records if r.name == "cqatlas.errors"]) == 1


def test_rate_limited_log_counts_what_it_held_back(caplog: pytest.LogCaptureFixture) -> None:
    clock: list[float] = [0.0]
    limited = RateLimitedLog(logging.getLogger("cqatlas.test"), interval=10)
    import web.errors as errors
    original = errors.time.monotonic
    errors.time.monotonic = lambda: clock[0]  # type: ignore[assignment]
    try:
        with caplog.at_level(logging.ERROR, logger="cqatlas.test"):
            results = [limited.error("k", "boom") for _ in range(1000)]
            clock[0] = 10.5
            results.append(limited.error("k", "boom"))
    finally:
        errors.time.monotonic = original  # type: ignore[assignment]
    assert results.count(True) == 2
    assert [r.getMessage() for r in caplog.records] == ["boom", "boom (999 similar held back)"]


def test_head_answers_like_get_without_a_body(client: Any) -> None:
    for path in ("/", "/api/layers/universities.csv?kind=university", "/ogc/collections/universities/items",
                 "/api/layers"):
        identity = {"Accept-Encoding": "identity"}
        get, head = client.get(path, headers=identity), client.head(path, headers=identity)
        assert head.status_code == get.status_code == 200, path
        assert head.content == b"" and head.headers["content-type"] == get.headers["content-type"]
        assert head.headers["content-length"] == str(len(get.content)), path


def _attack(port: int, stop: threading.Event, opened: list[socket.socket]) -> None:
    """Connections from another local address that ask for the largest download and never read a byte."""
    request = b"GET /api/atlas.geojson HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: identity\r\n\r\n"
    while not stop.is_set() and len(opened) < 600:
        try:
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.bind(("127.0.0.2", 0))
            sock.settimeout(1)
            opened.append(sock)
            sock.connect(("127.0.0.1", port))
            sock.sendall(request)
        except OSError:
            pass
        time.sleep(0.01)


def test_slow_readers_from_one_client_do_not_lock_out_another() -> None:
    with ServerProcess("--workers", "1", "--max-connections", "32", "--response-timeout", "2",
                       "--header-timeout", "3") as server:
        stop, opened = threading.Event(), []
        attacker = threading.Thread(target=_attack, args=(server.port, stop, opened), daemon=True)
        attacker.start()
        latencies, answered = [], 0
        try:
            time.sleep(1)  # the attack is under way
            for _ in range(30):
                started = time.monotonic()
                try:
                    answered += httpx.get(f"{server.url}/api/layers", timeout=5).status_code == 200
                except httpx.HTTPError:
                    pass
                latencies.append(time.monotonic() - started)
                time.sleep(0.2)
        finally:
            stop.set()
            attacker.join(timeout=5)
            for sock in opened:
                sock.close()
        latencies.sort()
        print(f"slow-reader attack: {len(opened)} connections; probe {answered}/30 answered, "
              f"median {latencies[15]:.3f} s, slowest {latencies[-1]:.3f} s")
        assert answered >= 28 and latencies[15] < 1.0
