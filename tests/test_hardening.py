"""Hostile requests and protective headers: every bad input gets a clean 4xx in the one error shape."""

from __future__ import annotations

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
    assert client.post("/api/layers").status_code == 405
    assert client.delete("/api/layers/universities.geojson").status_code == 405
