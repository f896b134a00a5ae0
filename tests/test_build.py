"""The build: RFC 7946 outputs GDAL can read, a catalog that matches them, and atomic replacement."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyogrio
import pytest

from geo.map.sources import AssetsMissing, default_node_modules
from geo.data.atlas import Atlas
from geo.publish.build import build
from geo.data.problems import AtlasInvalid
from geo.data.registry import LAYERS
from tests.conftest import LAYERS_DIR, REPO, edit_feature


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_build_writes_every_layer_readable_by_gdal(built_site: Path, atlas: Atlas) -> None:
    for layer in atlas.layers:
        path = built_site / "layers" / f"{layer.spec.id}.geojson"
        frame = pyogrio.read_dataframe(path)
        assert len(frame) == len(layer.features)
        assert frame.crs.to_epsg() == 4326
        assert set(frame["id"]) == {feature.id for feature in layer.features}
        assert {"name_en", "name_zh", "kind", "geometry_quality", "sources"} <= set(frame.columns)


def test_output_is_rfc7946(built_site: Path) -> None:
    for spec in LAYERS:
        data = json.loads((built_site / "layers" / f"{spec.id}.geojson").read_text(encoding="utf-8"))
        assert data["type"] == "FeatureCollection" and "crs" not in data
        text = json.dumps(data["features"][0]["geometry"]["coordinates"])
        decimals = [len(token.split(".")[1]) for token in text.replace("[", " ").replace("]", " ").replace(",", " ").split()
                    if "." in token]
        assert max(decimals, default=0) <= 6


def test_catalog_describes_each_layer(built_site: Path, atlas: Atlas) -> None:
    catalog = json.loads((built_site / "catalog.json").read_text(encoding="utf-8"))
    entries = {entry["id"]: entry for entry in catalog["layers"]}
    assert list(entries) == [spec.id for spec in LAYERS]
    for layer in atlas.layers:
        entry = entries[layer.spec.id]
        assert entry["feature_count"] == len(layer.features)
        assert entry["title"] == layer.spec.title and entry["attribution"]
        frame = pyogrio.read_dataframe(built_site / entry["download"])
        minx, miny, maxx, maxy = frame.total_bounds
        assert entry["bbox"] == pytest.approx([minx, miny, maxx, maxy], abs=1e-6)
        assert set(entry["geometry_types"]) == set(frame.geom_type)


def test_atlas_collection_tags_each_feature_with_its_layer(built_site: Path, atlas: Atlas) -> None:
    data = json.loads((built_site / "atlas.geojson").read_text(encoding="utf-8"))
    assert len(data["features"]) == len(atlas.features())
    assert {f["properties"]["layer"] for f in data["features"]} == {spec.id for spec in LAYERS}


def test_failed_build_leaves_previous_output_untouched(tmp_path: Path, layers_copy: Path, built_site: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(built_site, out)  # a previous build of the same layers (marked as the build's own)
    before = snapshot(out)
    edit_feature(layers_copy, "bonded_zones", lambda f: f["properties"].pop("sources"))
    with pytest.raises(AtlasInvalid):
        build(layers_copy, out, default_node_modules())
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["layers", "out"], "no staging folder left behind"


def test_build_without_front_end_packages_fails_cleanly(tmp_path: Path, built_site: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(built_site, out)  # a previous build
    before = snapshot(out)
    with pytest.raises(AssetsMissing):
        build(LAYERS_DIR, out, tmp_path / "no_node_modules")
    assert snapshot(out) == before


def test_cli_build_reports_problems_and_exits_1(tmp_path: Path, layers_copy: Path) -> None:
    edit_feature(layers_copy, "universities", lambda f: f["properties"].update(kind="castle"))
    result = subprocess.run([sys.executable, "-m", "geo", "build", "--layers", str(layers_copy), "--out", str(tmp_path / "o")],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "universities.geojson" in result.stderr and "'castle' is not a kind" in result.stderr
    assert not (tmp_path / "o").exists()
