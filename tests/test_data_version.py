"""The data release (CHANGELOG.md, CITATION.cff) is the version the catalog and every download carry, as GIS
tools read it back."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyogrio
import pytest
from fastapi.testclient import TestClient

from tests.conftest import REPO

# The newest release is the first "## [x.y.z]" heading of the data changelog.
RELEASE = re.search(r"^## \[(\d+\.\d+\.\d+)\]", (REPO / "CHANGELOG.md").read_text(encoding="utf-8"), re.M).group(1)


def test_citation_names_the_same_release() -> None:
    citation = (REPO / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r'^version: "?([\d.]+)"?$', citation, re.M).group(1) == RELEASE


def test_catalog_carries_the_release(client: TestClient, built_site: Path) -> None:
    assert client.get("/api/layers").json()["data_version"] == RELEASE
    assert json.loads((built_site / "catalog.json").read_text(encoding="utf-8"))["data_version"] == RELEASE


@pytest.mark.parametrize("url", ["/api/layers/city_profile.geojson", "/api/atlas.geojson",
                                 "/api/layers/universities.geojson?bbox=106,29,107,30"])
def test_geojson_downloads_carry_the_release(client: TestClient, url: str) -> None:
    assert client.get(url).json()["data_version"] == RELEASE


def test_built_geojson_files_carry_the_release(built_site: Path) -> None:
    files = [built_site / "atlas.geojson", *sorted((built_site / "layers").glob("*.geojson"))]
    assert len(files) > 5
    for path in files:
        assert json.loads(path.read_text(encoding="utf-8"))["data_version"] == RELEASE, path.name


@pytest.mark.parametrize("url", ["/api/layers/bonded_zones.gpkg", "/api/atlas.gpkg",
                                 "/api/layers/universities.gpkg?bbox=106,29,107,30"])
def test_geopackage_metadata_carries_the_release(client: TestClient, tmp_path: Path, url: str) -> None:
    path = tmp_path / "download.gpkg"
    path.write_bytes(client.get(url).content)
    for layer, _ in pyogrio.list_layers(path):
        info = pyogrio.read_info(path, layer=layer)
        assert info["dataset_metadata"]["DATA_VERSION"] == RELEASE
        assert info["layer_metadata"]["DATA_VERSION"] == RELEASE


@pytest.mark.parametrize("ext", ["csv", "kml"])
def test_csv_and_kml_carry_the_release_in_a_column(client: TestClient, tmp_path: Path, ext: str) -> None:
    path = tmp_path / f"rail_europe.{ext}"
    path.write_bytes(client.get(f"/api/layers/rail_europe.{ext}").content)
    frame = pyogrio.read_dataframe(path)
    assert len(frame) > 0 and set(frame["data_version"]) == {RELEASE}
