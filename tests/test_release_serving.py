"""Release folders served by the app (`cqatlas serve --releases DIR`): /api/releases lists every file with its
checksum, and each file answers byte ranges, read by GDAL over HTTP."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pyogrio
import pytest
from fastapi.testclient import TestClient

from tests.conftest import LAYERS_DIR, ServerProcess, make_settings
from web.app import create_app


@pytest.fixture(scope="module")
def release_app(released: Path):
    return create_app(make_settings(releases_dir=released.parent))


@pytest.fixture(scope="module")
def release_client(release_app) -> Iterator[TestClient]:
    with TestClient(release_app) as client:
        yield client


def test_releases_list_every_file_with_its_checksum(release_client: TestClient, released: Path) -> None:
    (release,) = release_client.get("/api/releases").json()["releases"]
    assert release["name"] == released.name
    on_disk = {p.relative_to(released).as_posix() for p in released.rglob("*") if p.is_file()}
    assert {f["path"] for f in release["files"]} == on_disk
    for entry in release["files"]:
        body = release_client.get(entry["href"], headers={"Accept-Encoding": "identity"}).content
        assert len(body) == entry["bytes"]
        if entry["sha256"] is not None:
            assert hashlib.sha256(body).hexdigest() == entry["sha256"], entry["path"]


def test_release_files_answer_ranges_and_nothing_else_is_served(release_client: TestClient, released: Path) -> None:
    url = f"/releases/{released.name}/atlas.pmtiles"
    part = release_client.get(url, headers={"Range": "bytes=0-126"})
    assert part.status_code == 206 and part.content == (released / "atlas.pmtiles").read_bytes()[:127]
    assert part.headers["accept-ranges"] == "bytes"
    assert part.headers["content-type"] == "application/vnd.pmtiles"
    for bad in (f"/releases/{released.name}/../../../etc/passwd", f"/releases/{released.name}/layers/nothing.fgb",
                f"/releases/{released.name}/%2e%2e/%2e%2e/etc/passwd", "/releases/other/atlas.pmtiles"):
        assert release_client.get(bad).status_code == 404, bad


def test_gdal_reads_a_served_release_flatgeobuf_by_bbox(released: Path) -> None:
    # The real server in its own process: GDAL holds the GIL while it reads, so no in-process server would answer.
    with ServerProcess("--workers", "1", "--releases", str(released.parent)) as server:
        url = f"/vsicurl/{server.url}/releases/{released.name}/layers/districts.fgb"
        inside = pyogrio.read_dataframe(url, bbox=(106.4, 29.4, 106.7, 29.7))
    assert 0 < len(inside) < len(pyogrio.read_dataframe(LAYERS_DIR / "districts.geojson"))
