"""Write the atlas to a folder: per-layer GeoJSON, catalog, and a map that works opened straight from disk.

The build is atomic: everything is written to a sibling folder which then replaces OUT in one step, so a
failed or killed build (bad layers, missing packages, a full disk, kill -9) leaves the previous OUT as it was.
Only a folder a build made is ever replaced (see ``geo.publish.output``), and the same layers give the same bytes
(see ``geo.publish.reproducible``).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from geo.map.assets import check_assets, copy_assets
from geo.map.sources import COUNTRY_OUTLINES, PROJECT_ROOT, locked
from geo.data.atlas import Atlas, load_atlas
from geo.data.registry import LAYERS, LayerSpec
from geo.map.basemap import country_outlines
from geo.publish.output import check_output, new_staging, recover, swap_in
from geo.map.page_data import page_data_scripts
from geo.map.render import render_map, tiled_layer_ids
from geo.corridors.route_index import RouteIndex
from geo.publish.reproducible import deterministic_ids
from geo.publish.formats import dump_geojson
from geo.publish.metadata import ReleaseRefused
from geo.publish.release import TILES_FILE, release_name, write_release
from geo.publish.site_pages import write_pages
from geo.pages.links import StaticLinks
from geo.pages.render import OUTLINES_SCRIPT, Site, pages_bundles
from geo.map.page_data import data_script


# Data the page loads when first needed (see geo.map.page_data).
DATA_DIR = "assets/data"
# A layer's files in the release folder a static copy carries, as its download panel names them.
RELEASE_LAYER_FORMATS = {"gpkg": "GeoPackage", "parquet": "GeoParquet", "fgb": "FlatGeobuf", "csv": "CSV"}


def static_download_href(layer_id: str) -> str:
    return f"layers/{layer_id}.geojson"


def write_site(atlas: Atlas, out_dir: Path, node_modules: Path, site_url: str | None = None,
               release: Path | None = None) -> None:
    """Write every output of the atlas into the folder ``out_dir``; ``release``: the release folder written under it
    (its vector tiles draw the layers too large for the page)."""
    write_data(atlas, out_dir)
    write_pages(write_map(atlas, out_dir, node_modules, release, StaticLinks(site_url)), out_dir)


def write_data(atlas: Atlas, out_dir: Path) -> None:
    """Each layer's GeoJSON (what the map's download links name), the whole atlas's, and the catalog."""
    layers_dir = out_dir / "layers"
    layers_dir.mkdir(parents=True, exist_ok=True)
    for layer in atlas.layers:
        (layers_dir / f"{layer.spec.id}.geojson").write_bytes(dump_geojson(layer.feature_collection()))
    (out_dir / "atlas.geojson").write_bytes(dump_geojson(atlas.feature_collection()))
    catalog = atlas.catalog()
    for entry in catalog["layers"]:
        entry["download"] = static_download_href(entry["id"])
    (out_dir / "catalog.json").write_text(json.dumps(catalog, ensure_ascii=False, indent=2), encoding="utf-8")


def write_map(atlas: Atlas, out_dir: Path, node_modules: Path, release: Path | None, links: StaticLinks) -> Site:
    """The map page, its embed, the data they load when first needed and the assets, beside ``write_data``'s files;
    returns the site the feature and layer pages are written from."""
    routes = RouteIndex(atlas).precomputed()
    scripts = page_data_scripts(atlas, routes)
    (out_dir / DATA_DIR).mkdir(parents=True, exist_ok=True)
    for script in scripts.values():
        (out_dir / DATA_DIR / script.file_name).write_bytes(script.body)
    outlines = country_outlines(node_modules / COUNTRY_OUTLINES)
    options = dict(asset_base="assets/", download_href=static_download_href, outlines=outlines, routes=routes,
                   data_scripts={name: f"{DATA_DIR}/{script.file_name}" for name, script in scripts.items()},
                   node_modules=node_modules, pages_href="layers/index.html",
                   feature_page_href="features/{id}{suffix}.html", embed_href="embed.html",
                   whole_atlas=atlas_files(out_dir, release),
                   layer_files=layer_files(atlas, out_dir, release),
                   tiles_archive=release_href(out_dir, release, TILES_FILE), tiled=tiled_layer_ids(atlas))
    page, fonts = render_map(atlas, **options)
    bundles = pages_bundles(node_modules)
    embed, _ = render_map(atlas, **options, embed_of="index.html", extra_assets=tuple(bundles.files))
    (out_dir / "embed.html").write_text(embed, encoding="utf-8")
    # The feature and layer pages: their small maps' outlines load as one data script beside the map's.
    outlines_script = data_script(OUTLINES_SCRIPT, outlines)
    (out_dir / DATA_DIR / outlines_script.file_name).write_bytes(outlines_script.body)
    copy_assets(node_modules, out_dir / "assets", fonts.files | bundles.files)
    (out_dir / "index.html").write_text(page, encoding="utf-8")
    return Site(atlas, links, bundles, fonts.stylesheet, outlines_script.file_name)


def release_href(out_dir: Path, release: Path | None, path: str) -> str | None:
    """A release file's address relative to the site's pages (None without a release)."""
    return None if release is None else (release / path).relative_to(out_dir).as_posix()


def _file(out_dir: Path, name: str, path: Path) -> dict[str, object]:
    return {"format": name, "href": path.relative_to(out_dir).as_posix(), "bytes": path.stat().st_size}


def layer_files(atlas: Atlas, out_dir: Path, release: Path | None) -> dict[str, list[dict[str, object]]]:
    """Each layer's files a static copy offers: its GeoJSON beside the page, and the release's formats of it."""
    files = {layer.spec.id: [_file(out_dir, "GeoJSON", out_dir / static_download_href(layer.spec.id))]
             for layer in atlas.layers}
    for layer_id, entries in files.items():
        for extension, name in RELEASE_LAYER_FORMATS.items():
            if release is not None and (release / "layers" / f"{layer_id}.{extension}").is_file():
                entries.append(_file(out_dir, name, release / "layers" / f"{layer_id}.{extension}"))
    return files


def atlas_files(out_dir: Path, release: Path | None) -> list[tuple[str, str, int]]:
    """The whole atlas as a static copy offers it: its GeoJSON, and the release's formats (vector tiles included)."""
    paths = [("GeoJSON", out_dir / "atlas.geojson")]
    if release is not None:
        paths += [(name, release / f"atlas.{extension}") for extension, name in
                  {**RELEASE_LAYER_FORMATS, "pmtiles": "PMTiles"}.items()]
    return [(name, path.relative_to(out_dir).as_posix(), path.stat().st_size) for name, path in paths if path.is_file()]


def write_site_release(atlas: Atlas, out_dir: Path, layers_dir: Path) -> Path | None:
    """The release folder (``cqatlas release``'s files) under OUT/release/, so a published site offers it; none
    while the data version has no dated CHANGELOG entry (the site itself is still worth building)."""
    folder = out_dir / "release" / release_name()
    folder.mkdir(parents=True)
    try:
        write_release(atlas, folder, PROJECT_ROOT, layers_dir)
    except ReleaseRefused:
        shutil.rmtree(out_dir / "release")
        return None
    return folder


def build(layers_dir: Path, out_dir: Path, node_modules: Path, site_url: str | None = None,
          specs: tuple[LayerSpec, ...] = LAYERS) -> Atlas:
    """Validate, enrich and write; raises before touching ``out_dir`` if anything is wrong. ``specs``: the layers
    (every declared one; a few of them build a small atlas, as the in-process build tests do).

    Raises ``OutputRefused`` if ``out_dir`` is not a folder a build may replace.
    """
    out = Path(os.path.abspath(out_dir))  # absolute, but a symbolic link stays a link (and is refused)
    check_output(out, layers_dir, PROJECT_ROOT)
    atlas = load_atlas(layers_dir, specs)
    check_assets(node_modules)
    out.parent.mkdir(parents=True, exist_ok=True)
    with locked(out.parent):
        recover(out)
        check_output(out, layers_dir, PROJECT_ROOT)  # again under the lock: another build may have run meanwhile
        staging = new_staging(out)
        try:
            release = write_site_release(atlas, staging, layers_dir)
            with deterministic_ids():
                write_site(atlas, staging, node_modules, site_url, release)
            swap_in(staging, out)
        finally:
            if staging.exists():
                recover(out)
    return atlas
