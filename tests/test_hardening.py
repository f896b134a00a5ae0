"""Hostile requests and protective headers: every bad input gets a clean 4xx in the one error shape."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient




@pytest.mark.parametrize(("path", "status"), [
    ("/api/layers/bonded_zones.geojson?bbox=" + "1," * 5000, 400),           # oversized parameter
    ("/api/layers/bonded_zones.geojson?kind=" + "x" * 10_000, 400),
    ("/api/layers/bonded_zones.geojson?bbox=%00,%00,%00,%00", 400),           # NUL bytes
    ("/api/layers/bonded_zones.geojson?bbox=%E4%B8%AD,1,2,3", 400),           # non-ASCII number
    ("/api/layers/bonded_zones.geojson?bbox=1e999,0,1,1", 400),               # overflow to infinity
    ("/api/layers/bonded_zones.geojson?established_from=99999999999999999999", 400),
    ("/ogc/collections/universities/items?limit=1000000000000", 400),          # huge limit
    ("/ogc/collections/universities/items?offset=abc", 400),
    ("/api/layers/%F0%9F%92%A3.geojson", 404),                                 # emoji id
    ("/api/layers/bonded_zones.geojson%00.txt", 404),
    ("/ogc/collections/universities/items/%3Cscript%3E", 404),
    ("/assets/%2e%2e%2f%2e%2e%2fetc%2fpasswd", 404),
])
def test_hostile_requests_get_clean_client_errors(client: TestClient, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    body = response.json()
    if path.startswith("/ogc/"):  # the OGC API exception shape
        assert set(body) == {"code", "description"} and body["description"]
    else:
        assert set(body) == {"error"} and body["error"]["status"] == status and body["error"]["message"]
    # Input may be echoed in the message, but only as JSON that browsers will not sniff into HTML.
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_html_responses_carry_security_headers(client: TestClient) -> None:
    response = client.get("/")
    policy = response.headers["content-security-policy"]
    # The map page has no inline script at all (its data blocks are JSON): scripts only from this server.
    assert "script-src 'self';" in policy and "style-src 'self';" in policy
    assert "object-src 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "content-security-policy" in client.get("/docs").headers


def test_cors_is_open_for_reading_data_only(client: TestClient) -> None:
    origin = {"Origin": "https://gis.example.org"}
    for path in ("/api/layers", "/api/layers/universities.geojson", "/ogc/collections"):
        assert client.get(path, headers=origin).headers["access-control-allow-origin"] == "*"
    preflight = client.options("/api/layers", headers={**origin, "Access-Control-Request-Method": "DELETE"})
    assert preflight.status_code == 400
    # Refused in the one JSON error shape, like every other error.
    assert preflight.headers["content-type"] == "application/json"
    assert preflight.json()["error"]["status"] == 400 and "method" in preflight.json()["error"]["message"]
    allowed = client.options("/api/layers", headers={**origin, "Access-Control-Request-Method": "GET"})
    assert allowed.status_code == 200 and "GET" in allowed.headers["access-control-allow-methods"]
    assert client.post("/api/layers").status_code == 405
    assert client.delete("/api/layers/universities.geojson").status_code == 405


def _raw_get(url: str, path: str, header_lines: list[str]) -> tuple[int, bytes]:
    """One request with exactly these header lines (duplicates and malformed values included), over a real socket."""
    import socket
    from urllib.parse import urlsplit

    port = urlsplit(url).port
    request = "\r\n".join([f"GET {path} HTTP/1.1", *header_lines, "Connection: close", "", ""]).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


@pytest.mark.parametrize("host_lines", [
    ["Host: localhost:1@evil.example"],            # userinfo: the link's real host would be evil.example
    ["Host: 127.0.0.1", "Host: evil.example"],     # two Host headers (RFC 9112 §3.2)
    ["Host: localhost/evil"], ["Host: local host"], ["Host: [::1"], ["Host: localhost:80:80"],
    [],                                            # HTTP/1.1 without Host
])
def test_malformed_or_duplicate_host_is_400_and_never_reaches_a_link(server_process: str,
                                                                    host_lines: list[str]) -> None:
    for path in ("/ogc/collections", "/api/layers/universities.geojson"):
        status, body = _raw_get(server_process, path, host_lines)
        assert status == 400, (host_lines, path)
        assert b"evil" not in body
        assert "Host" in json.dumps(json.loads(body))


def test_well_formed_hosts_are_served_and_only_trusted_ones_linked(server_process: str) -> None:
    status, body = _raw_get(server_process, "/ogc", ["Host: localhost:8123"])
    assert status == 200 and "http://localhost:8123/ogc" in body.decode()
    status, body = _raw_get(server_process, "/ogc", ["Host: [::1]:8123"])
    assert status == 200 and "http://[::1]:8123/ogc" in body.decode()
    status, body = _raw_get(server_process, "/ogc", ["Host: atlas.example.org"])
    assert status == 200 and "atlas.example.org" not in body.decode()
