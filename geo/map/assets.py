"""Front-end files the map needs, taken from npm packages installed by the project's setup.

Nothing third-party is committed: ``make`` runs ``npm ci`` from package.json and the build copies the
files listed here (keeping each package's layout so relative CSS URLs keep working).
"""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

from geo.map.bundle import made_bundle, map_bundles
from geo.map.fonts import FONT_SOURCES
from geo.map.sources import COUNTRY_OUTLINES, ESBUILD, FAVICON, STATIC_DIR, AssetsMissing

# Paths relative to node_modules/, served and copied under assets/.
ASSET_FILES: tuple[str, ...] = (
    "leaflet/dist/leaflet.js",
    "leaflet/dist/leaflet.css",
    "leaflet/dist/images/layers.png",
    "leaflet/dist/images/layers-2x.png",
    "leaflet/dist/images/marker-icon.png",
    "leaflet/dist/images/marker-icon-2x.png",
    "leaflet/dist/images/marker-shadow.png",
    "chart.js/dist/chart.umd.min.js",
    "jspdf/dist/jspdf.umd.min.js",
    "leaflet.markercluster/dist/leaflet.markercluster.js",
    "protomaps-leaflet/dist/protomaps-leaflet.js",
)

# Served by the app only (the API documentation page), not copied into the static site.
SERVED_ONLY_ASSETS: tuple[str, ...] = (
    "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui-dist/swagger-ui.css",
)


# The atlas's own files served as they are (asset name -> file), beside the packages' files.
OWN_ASSETS: dict[str, Path] = {FAVICON: STATIC_DIR / "favicon.svg"}


def static_assets(node_modules: Path) -> tuple[str, ...]:
    """Everything the map page loads, as copied into the static site."""
    return ASSET_FILES


@cache
def served_assets(node_modules: Path) -> frozenset[str]:
    return frozenset((*static_assets(node_modules), *SERVED_ONLY_ASSETS))


def asset_path(node_modules: Path, relative: str) -> Path:
    """Resolve a manifest entry or a bundle the map has made; nothing else is ever resolved."""
    # A bundle's name carries its content's hash, so finding it needs no look at the sources (asked per request).
    if (bundle := made_bundle(node_modules, relative)) is not None:
        return bundle
    if relative in OWN_ASSETS:
        return OWN_ASSETS[relative]
    if relative not in served_assets(node_modules):
        raise KeyError(relative)
    return node_modules / relative


def check_assets(node_modules: Path) -> None:
    missing = [name for name in (*static_assets(node_modules), *SERVED_ONLY_ASSETS, *FONT_SOURCES, COUNTRY_OUTLINES,
                                 ESBUILD)
               if not (node_modules / name).exists()]
    if missing:
        raise AssetsMissing(
            f"front-end packages missing under {node_modules} ({', '.join(missing[:3])}…); run `make` or `npm ci`"
        )


def copy_assets(node_modules: Path, destination: Path, made: dict[str, Path]) -> None:
    """The packages' files the page loads, its bundles, and ``made`` (asset name -> file: the fonts cut for it)."""
    check_assets(node_modules)
    sources = {relative: asset_path(node_modules, relative)
               for relative in (*static_assets(node_modules), *map_bundles(node_modules).files, *OWN_ASSETS)} | made
    for relative, source in sources.items():
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
