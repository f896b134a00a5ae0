"""Where the map page's sources are: the atlas's own scripts, styles and templates, and the npm packages it uses.

Every other module of ``geo.map`` reads its files through these names, so the modules can stand in a row
(sources -> bundle -> fonts -> elements -> assets -> render) with no circle between them.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from jinja2 import Environment, Template

from geo.data.errors import Unavailable

PACKAGE = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE.parents[1]
# The atlas's own map scripts and styles: the page loads them bundled (see geo/map/bundle.py).
STATIC_DIR = PACKAGE / "static"
TEMPLATES = PACKAGE / "templates"

# The atlas's icon (an asset name: served under /assets, copied into the static site's assets/).
FAVICON = "cqatlas/favicon.svg"

# The bundler that makes the map's script and stylesheet (a devDependency: needed to build, not to view).
ESBUILD = ".bin/esbuild"

# Natural Earth country outlines (public domain) from the world-atlas package: the offline base map.
COUNTRY_OUTLINES = "world-atlas/countries-110m.json"


class AssetsMissing(Unavailable):
    pass


def default_node_modules() -> Path:
    return Path(os.environ.get("CQATLAS_NODE_MODULES", PROJECT_ROOT / "node_modules"))


@cache
def _environment() -> Environment:
    # Made on first use: folium (and pandas under it) takes a second to import, which commands that only validate
    # or refuse their arguments need not pay. Autoescaped: attribute text and messages are data, never markup.
    from folium.template import Environment as FoliumEnvironment
    from jinja2 import FileSystemLoader

    return FoliumEnvironment(loader=FileSystemLoader(TEMPLATES), autoescape=True, keep_trailing_newline=True)


def template(name: str) -> Template:
    return _environment().get_template(name)


def write_atomically(path: Path, content: bytes) -> None:
    # Servers in several processes may bundle at once: each writes its own file, then swaps it in whole.
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
        handle.write(content)
    os.replace(handle.name, path)


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Exclusive lock on ``folder`` among processes (released by the kernel even if the process is killed); the
    folder is made if missing."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
