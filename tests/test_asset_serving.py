"""The served site as a web citizen: scripts and styles compressed, hashed files cached for good, an icon and a
description for the page, and an API description without the page's internal routes."""

from __future__ import annotations

import gzip
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import brotli
import pytest
from fastapi.testclient import TestClient

from tests.conftest import REPO

NODE_MODULES = REPO / "node_modules"
CATALOG_DESCRIPTION = re.compile(r'"app\.description":\s*"([^"]+)"')


def linked_files(page: str) -> list[str]:
    """Every script and stylesheet the map page loads itself (not icons), and the font stylesheet its script adds."""
    return (re.findall(r'<script[^>]+src="([^"]+)"', page)
            + re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
            + re.findall(r'"fonts":"([^"]+)"', page))


def test_scripts_and_styles_are_sent_compressed_as_the_browser_accepts(client: TestClient) -> None:
    page = client.get("/").text
    files = linked_files(page) + ["/assets/chart.js/dist/chart.umd.min.js"]
    assert any(href.endswith(".js") for href in files) and any(href.endswith(".css") for href in files)
    for href in files:
        plain = client.get(href, headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers, href
        # httpx would decode the body itself: read the bytes as they came over the wire.
        with client.stream("GET", href, headers={"Accept-Encoding": "gzip, deflate, br"}) as response:
            wire = b"".join(response.iter_raw())
            assert response.headers["content-encoding"] == "br", href
            assert "Accept-Encoding" in response.headers["vary"]
        assert brotli.decompress(wire) == plain.content, href
        assert len(wire) < len(plain.content) * 0.5, (href, len(wire), len(plain.content))
        with client.stream("GET", href, headers={"Accept-Encoding": "gzip"}) as response:
            wire = b"".join(response.iter_raw())
            assert response.headers["content-encoding"] == "gzip", href
        assert gzip.decompress(wire) == plain.content, href
    # The package's file as npm installed it, byte for byte once decoded.
    chart = client.get("/assets/chart.js/dist/chart.umd.min.js", headers={"Accept-Encoding": "identity"})
    assert chart.content == (NODE_MODULES / "chart.js/dist/chart.umd.min.js").read_bytes()


def test_images_and_fonts_are_not_compressed_again(client: TestClient) -> None:
    response = client.get("/assets/leaflet/dist/images/layers.png", headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200 and "content-encoding" not in response.headers
    assert response.content == (NODE_MODULES / "leaflet/dist/images/layers.png").read_bytes()


def test_hashed_files_are_cached_for_a_year_and_others_for_a_day(client: TestClient) -> None:
    page = client.get("/").text
    hashed = [href for href in linked_files(page) if re.search(r"\.[0-9a-f]{12}\.(js|css)$", href)]
    fonts_css = client.get(next(href for href in hashed if "/fonts." in href)).text
    hashed += ["/assets/cqatlas/" + name.strip("'\"") for name in re.findall(r"url\(([^)]+\.woff2)", fonts_css)][:2]
    hashed += re.findall(r'"(/data/[a-z.]+\.[0-9a-f]{12}\.js)"', page)[:2]
    assert len(hashed) >= 6, hashed
    for href in hashed:
        response = client.get(href)
        assert response.status_code == 200, href
        directives = {part.strip() for part in response.headers["cache-control"].split(",")}
        assert directives == {"public", "max-age=31536000", "immutable"}, href
    unhashed = client.get("/assets/chart.js/dist/chart.umd.min.js").headers["cache-control"]
    assert "immutable" not in unhashed and "max-age=86400" in unhashed


def _icon_href(page: str) -> str:
    match = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
    assert match, "the page names no icon"
    return match.group(1)


def test_the_page_has_an_icon_served_and_in_the_static_site(client: TestClient, built_site: Path) -> None:
    href = _icon_href(client.get("/").text)
    response = client.get(href)
    assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg+xml")
    assert ElementTree.fromstring(response.content).tag == "{http://www.w3.org/2000/svg}svg"
    static_href = _icon_href((built_site / "index.html").read_text(encoding="utf-8"))
    assert (built_site / static_href).read_bytes() == response.content


def test_the_page_describes_itself_from_the_catalog(client: TestClient) -> None:
    english = CATALOG_DESCRIPTION.search((REPO / "geo/data/messages/en.json").read_text(encoding="utf-8"))
    assert english
    match = re.search(r'<meta name="description" content="([^"]+)"', client.get("/").text)
    assert match and match.group(1).replace("&#39;", "'") == english.group(1)


@pytest.mark.parametrize("path", ["/assets/{asset}", "/data/{file_name}"])
def test_internal_routes_stay_out_of_the_api_description(client: TestClient, path: str) -> None:
    assert path not in client.get("/openapi.json").json()["paths"]


def test_route_ends_are_an_enumeration_of_places_with_their_names(client: TestClient, app: Any) -> None:
    parameters = {p["name"]: p for p in client.get("/openapi.json").json()["paths"]["/api/routes"]["get"]["parameters"]}
    nodes = [node for node in app.state.published.routes.network.named_nodes()]
    for name in ("from", "to"):
        schema = parameters[name]["schema"]
        assert "pattern" not in schema
        assert sorted(schema["enum"]) == sorted(node.id for node in nodes)
        for node in nodes:
            assert f"`{node.id}`: {node.name_en}" in parameters[name]["description"]
    # Values the description offers are places the API knows.
    for destination in [place for place in parameters["to"]["schema"]["enum"] if place != "chongqing"][:3]:
        response = client.get("/api/routes", params={"from": "chongqing", "to": destination})
        assert response.status_code == 200, (destination, response.text[:200])
