"""The served app over real HTTP (TestClient): map page, local assets, health, startup refusal."""

from __future__ import annotations

from datetime import datetime

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from geo.map.assets import ASSET_FILES
from geo.map.sources import default_node_modules
from geo.map.bundle import map_bundles
from geo.data.atlas import Atlas
from geo.data.problems import AtlasInvalid
from tests.conftest import edit_feature
from web.app import create_app
from web.settings import Settings

EXTERNAL_CODE = re.compile(r"<(?:script|link)[^>]+(?:src|href)=[\"']?(?:https?:)?//", re.IGNORECASE)



def test_map_page_uses_only_local_scripts_and_styles(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert not EXTERNAL_CODE.search(page), "scripts and styles must come from this server"
    # No inline script to trust: every <script> either loads a file or holds JSON data, which never runs.
    for attributes in re.findall(r"<script([^>]*)>", page):
        assert 'src="' in attributes or re.search(r'type="application/(ld\+)?json"', attributes), attributes
    for src in re.findall(r'<script[^>]+src="([^"]+)"', page) + re.findall(r'<link[^>]+href="([^"]+)"', page):
        assert src.startswith("/assets/"), src
        assert client.get(src).status_code == 200, src


def test_every_manifest_asset_is_served(client: TestClient) -> None:
    for relative in (*ASSET_FILES, *map_bundles(default_node_modules()).files):
        response = client.get(f"/assets/{relative}")
        assert response.status_code == 200, relative
        assert len(response.content) > 0


@pytest.mark.parametrize("path", [
    "/assets/../pyproject.toml", "/assets/%2e%2e/pyproject.toml", "/assets/..%2fpyproject.toml",
    "/assets/leaflet/../../package.json", "/assets/leaflet/package.json", "/assets//etc/passwd",
])
def test_asset_route_refuses_anything_outside_the_manifest(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "dependencies" not in response.text and "root:" not in response.text


def test_health_reports_loaded_atlas(client: TestClient, atlas: Atlas) -> None:
    body = client.get("/health").json()
    assert {key: body[key] for key in ("status", "layers", "features")} == {
        "status": "ok", "layers": len(atlas.layers), "features": len(atlas.features())}
    # The data version is the validator of the whole atlas download: it changes exactly when the data does.
    identity = {"Accept-Encoding": "identity"}
    assert f'"{body["content_hash"]}"' == client.get("/api/atlas.geojson", headers=identity).headers["etag"]
    # Named apart from the release, which /health states as the catalog does.
    assert body["data_version"] == client.get("/api/layers").json()["data_version"] != body["content_hash"]
    assert datetime.fromisoformat(body["published_at"]).tzinfo is not None
    assert body["last_rejected"] is None


def test_map_links_each_layer_download(client: TestClient, atlas: Atlas) -> None:
    page = client.get("/").text
    for layer in atlas.layers:
        href = f"/api/layers/{layer.spec.id}.geojson"
        assert href in page
        assert client.get(href).status_code == 200


def test_unknown_route_gives_json_error(client: TestClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404


def test_bad_layers_refuse_to_start_with_validation_messages(layers_copy: Path) -> None:
    edit_feature(layers_copy, "universities", lambda f: f["properties"].update(geometry_quality="exact"))
    with pytest.raises(AtlasInvalid) as raised:
        create_app(Settings(layers_dir=layers_copy, node_modules=default_node_modules()))
    assert "universities.geojson" in raised.value.report() and "geometry_quality" in raised.value.report()
