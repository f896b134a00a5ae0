"""Front-end files the map needs, taken from npm packages installed by the project's setup.

Nothing third-party is committed: ``make`` runs ``npm ci`` from package.json and the build copies the
files listed here (keeping each package's layout so relative CSS URLs keep working).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

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
)

# The atlas's own map scripts and styles (geo/static/), served and copied under assets/ beside the npm files.
STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_FILES: tuple[str, ...] = tuple(
    path.relative_to(STATIC_DIR).as_posix()
    for path in sorted(STATIC_DIR.glob("cqatlas/*")) if path.suffix in (".js", ".css")
)

# Served by the app only (the API documentation page), not copied into the static site.
SERVED_ONLY_ASSETS: tuple[str, ...] = (
    "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui-dist/swagger-ui.css",
)

# Natural Earth country outlines (public domain) from the world-atlas package: the offline base map.
COUNTRY_OUTLINES = "world-atlas/countries-110m.json"


class AssetsMissing(Exception):
    pass


def default_node_modules() -> Path:
    return Path(os.environ.get("CQATLAS_NODE_MODULES", PROJECT_ROOT / "node_modules"))


def asset_path(node_modules: Path, relative: str) -> Path:
    """Resolve a manifest entry; only names in the manifest are ever resolved."""
    if relative in STATIC_FILES:
        return STATIC_DIR / relative
    if relative not in ASSET_FILES and relative not in SERVED_ONLY_ASSETS and relative != COUNTRY_OUTLINES:
        raise KeyError(relative)
    return node_modules / relative


def check_assets(node_modules: Path) -> None:
    missing = [name for name in (*ASSET_FILES, *SERVED_ONLY_ASSETS, COUNTRY_OUTLINES)
               if not (node_modules / name).is_file()]
    if missing:
        raise AssetsMissing(
            f"front-end packages missing under {node_modules} ({', '.join(missing[:3])}…); run `make` or `npm ci`"
        )


def copy_assets(node_modules: Path, destination: Path) -> None:
    check_assets(node_modules)
    for relative in (*ASSET_FILES, *STATIC_FILES):
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(asset_path(node_modules, relative), target)
