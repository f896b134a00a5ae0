"""``cqatlas release``: one folder per data version, every layer and the whole atlas in every release format.

    chongqing-trade-atlas-<version>/
      layers/<id>.parquet .fgb .gpkg .geojson .csv     one layer
      atlas.parquet .fgb .gpkg .geojson .csv           every layer (tables carry ``layer``; the GeoPackage has one
                                                       table per layer)
      atlas.pmtiles                                    vector tiles of every layer, one MVT layer each
      datapackage.json                                 Frictionless Data Package v2 (schemas, licences, hashes)
      stac/collection.json  stac/<id>/<id>.json        STAC Collection, one Item per layer
      changes/since-<previous>.json .html              what changed since the previous data version
      CITATION.cff  .zenodo.json  SHA256SUMS

The folder is written like the build (``geo.publish.output``): staged beside OUT and swapped in whole, so a failed
release leaves the previous one as it was. The same layers give the same bytes: the date is the CHANGELOG's, and
GeoPackage timestamps are pinned to it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyogrio

from geo.data.atlas import Atlas, load_atlas
from geo.data.figures import figure_columns_of
from geo.data.registry import DATA_VERSION
from geo.map.sources import PROJECT_ROOT, locked
from geo.publish.datapackage import datapackage, datapackage_json
from geo.publish.diff import compare, diff_html, diff_json, load_side
from geo.publish.history import previous_version
from geo.publish.formats import FORMATS, GEOPACKAGE_DATE, dump_geojson, encode, encode_frame, encode_geopackage
from geo.publish.metadata import CHECKSUMS, ReleaseRefused, citation, citation_cff, release_date, sha256sums, zenodo_json
from geo.publish.output import check_output, new_staging, recover, swap_in
from geo.publish.parquet import encode_geoparquet, layer_frame
from geo.publish.stac import write_stac
from geo.publish.tiles import encode_pmtiles

RELEASE_PREFIX = "chongqing-trade-atlas"
# Table formats every layer and the atlas are written in (GeoJSON is the atlas's own serialisation).
TABLE_FORMATS = ("fgb", "csv")
ATLAS = "atlas"
TILES_FILE = f"{ATLAS}.pmtiles"  # every layer's vector tiles, one archive


def release_name(version: str = DATA_VERSION) -> str:
    return f"{RELEASE_PREFIX}-{version}"


@dataclass(frozen=True)
class ReleaseInfo:
    version: str
    date: str
    folder: Path


@contextmanager
def pinned_gdal_date(date: str) -> Iterator[None]:
    """GeoPackages record when they were written (``gpkg_contents.last_change``): the release date instead (and
    afterwards the data's, as ``geo.publish.formats`` pins it)."""
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": f"{date}T00:00:00Z"})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": GEOPACKAGE_DATE})


def odbl_layers(atlas: Atlas) -> list[str]:
    """Layers whose geometry is derived from OpenStreetMap (a geometry dataset under the ODbL)."""
    return [layer.spec.id for layer in atlas.layers
            if any("odbl" in dataset.get("license", "").lower()
                   for feature in layer.features for dataset in feature.properties.get("geometry_datasets") or [])]


def write_layer_files(atlas: Atlas, folder: Path) -> None:
    layers_dir = folder / "layers"
    layers_dir.mkdir(parents=True, exist_ok=True)
    for layer in atlas.layers:
        layer_id, features, figures = layer.spec.id, layer.features, layer.figure_columns
        (layers_dir / f"{layer_id}.geojson").write_bytes(dump_geojson(layer.feature_collection()))
        (layers_dir / f"{layer_id}.parquet").write_bytes(encode_geoparquet(layer_frame(features, figures)))
        (layers_dir / f"{layer_id}.gpkg").write_bytes(encode(features, FORMATS["gpkg"], layer_id, figures))
        for extension in TABLE_FORMATS:
            (layers_dir / f"{layer_id}.{extension}").write_bytes(encode(features, FORMATS[extension], layer_id, figures))


def write_atlas_files(atlas: Atlas, folder: Path) -> None:
    features = atlas.features()
    frame = layer_frame(features, figure_columns_of(features), with_layer=True)
    (folder / f"{ATLAS}.geojson").write_bytes(dump_geojson(atlas.feature_collection()))
    (folder / f"{ATLAS}.parquet").write_bytes(encode_geoparquet(frame))
    (folder / f"{ATLAS}.gpkg").write_bytes(
        encode_geopackage({layer.spec.id: (layer.features, layer.figure_columns) for layer in atlas.layers}))
    for extension in TABLE_FORMATS:
        (folder / f"{ATLAS}.{extension}").write_bytes(encode_frame(frame, FORMATS[extension], ATLAS))
    (folder / TILES_FILE).write_bytes(encode_pmtiles(atlas))


def write_changes(layers_dir: Path, folder: Path, project_root: Path) -> None:
    """``changes/since-<previous>.json|html``: the layers against the previous data version in the repository's
    history (left out where there is no history to read, e.g. outside a git checkout)."""
    previous = previous_version(DATA_VERSION)
    if previous is None:
        return
    try:
        old = load_side(previous, project_root)
    except ReleaseRefused:
        return
    changes = compare(old, load_side(str(layers_dir), project_root, label=DATA_VERSION))
    (folder / "changes").mkdir(exist_ok=True)
    (folder / "changes" / f"since-{previous}.json").write_bytes(diff_json(changes))
    (folder / "changes" / f"since-{previous}.html").write_bytes(diff_html(changes))


def write_release(atlas: Atlas, folder: Path, project_root: Path = PROJECT_ROOT,
                  layers_dir: Path | None = None) -> ReleaseInfo:
    """Every release file of ``atlas`` into ``folder``; SHA256SUMS last, over everything else."""
    date = release_date((project_root / "CHANGELOG.md").read_text(encoding="utf-8"), DATA_VERSION)
    cff = citation((project_root / "CITATION.cff").read_text(encoding="utf-8"), DATA_VERSION, date)
    with pinned_gdal_date(date):
        write_layer_files(atlas, folder)
        write_atlas_files(atlas, folder)
    description = " ".join(str(cff.get("abstract", "")).split())
    write_stac(atlas, folder, date, description)
    (folder / "datapackage.json").write_bytes(datapackage_json(datapackage(atlas, folder, cff, date)))
    if layers_dir is not None:
        write_changes(layers_dir, folder, project_root)
    (folder / "CITATION.cff").write_bytes(citation_cff(cff))
    (folder / ".zenodo.json").write_bytes(zenodo_json(cff, odbl_layers(atlas)))
    (folder / CHECKSUMS).write_bytes(sha256sums(folder))
    return ReleaseInfo(DATA_VERSION, date, folder)


def release(layers_dir: Path, out_dir: Path, project_root: Path = PROJECT_ROOT) -> ReleaseInfo:
    """Validate, then write ``out_dir/chongqing-trade-atlas-<version>/`` atomically; raises before touching it
    if anything is wrong (invalid layers, an undated version, a folder a release may not replace)."""
    target = Path(os.path.abspath(out_dir)) / release_name()
    check_output(target, layers_dir, project_root)
    atlas = load_atlas(layers_dir)
    release_date((project_root / "CHANGELOG.md").read_text(encoding="utf-8"), DATA_VERSION)  # refuse early
    target.parent.mkdir(parents=True, exist_ok=True)
    with locked(target.parent):
        recover(target)
        check_output(target, layers_dir, project_root)
        staging = new_staging(target)
        try:
            info = write_release(atlas, staging, project_root, layers_dir)
            swap_in(staging, target)
        finally:
            if staging.exists():
                recover(target)
    return ReleaseInfo(info.version, info.date, target)
