"""Write the atlas to a folder: per-layer GeoJSON, catalog, and a map that works opened straight from disk.

The build is atomic: everything is written to a sibling temporary folder which then replaces OUT, so a
failed build (bad layers, missing packages, a crash half-way) leaves the previous OUT untouched.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from geo.assets import COUNTRY_OUTLINES, check_assets, copy_assets
from geo.atlas import Atlas, load_atlas
from geo.basemap import country_outlines
from geo.render import render_map
from geo.route_index import RouteIndex


def dump_geojson(data: dict[str, Any]) -> bytes:
    # Compact separators: these files are downloaded; ensure_ascii=False keeps Chinese and Persian readable.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def static_download_href(layer_id: str) -> str:
    return f"layers/{layer_id}.geojson"


def write_site(atlas: Atlas, out_dir: Path, node_modules: Path) -> None:
    """Write every output of the atlas into an empty folder ``out_dir``."""
    layers_dir = out_dir / "layers"
    layers_dir.mkdir(parents=True)
    for layer in atlas.layers:
        (layers_dir / f"{layer.spec.id}.geojson").write_bytes(dump_geojson(layer.feature_collection()))
    (out_dir / "atlas.geojson").write_bytes(dump_geojson(atlas.feature_collection()))
    catalog = atlas.catalog()
    for entry in catalog["layers"]:
        entry["download"] = static_download_href(entry["id"])
    (out_dir / "catalog.json").write_text(json.dumps(catalog, ensure_ascii=False, indent=2), encoding="utf-8")
    copy_assets(node_modules, out_dir / "assets")
    page = render_map(atlas, asset_base="assets/", download_href=static_download_href,
                      outlines=country_outlines(node_modules / COUNTRY_OUTLINES),
                      routes=RouteIndex(atlas).precomputed())
    (out_dir / "index.html").write_text(page, encoding="utf-8")


def build(layers_dir: Path, out_dir: Path, node_modules: Path) -> Atlas:
    """Validate, enrich and write; raises before touching ``out_dir`` if anything is wrong."""
    atlas = load_atlas(layers_dir)
    check_assets(node_modules)
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.staging-", dir=out_dir.parent))
    try:
        write_site(atlas, staging / "site", node_modules)
        _replace_dir(staging / "site", out_dir, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return atlas


def _replace_dir(new: Path, target: Path, scratch: Path) -> None:
    """Swap ``new`` into place of ``target`` with renames (no moment where a half-written OUT is visible)."""
    if target.exists():
        retired = scratch / "previous"
        os.replace(target, retired)
        try:
            os.replace(new, target)
        except OSError:
            os.replace(retired, target)  # put the last good build back
            raise
    else:
        os.replace(new, target)
