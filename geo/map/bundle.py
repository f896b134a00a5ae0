"""The map page's scripts and stylesheet, bundled and minified by esbuild (an npm devDependency).

The readable sources stay in ``geo/map/static/cqatlas``: ES modules that import what they share (and Leaflet, from npm),
starting from ``bundle.js``, which lists the page's parts in the order they start; ``bundle.css`` lists the styles in
order. Each script is one IIFE (no ``type="module"``: a module script does not run from a page opened from disk, so
esbuild's code splitting, which needs modules, is out). What the first drawing does not need — search, route
comparison, city card, table, downloads, embed — is a second IIFE from ``bundle-deferred.js``, loaded once the
features are drawn (core.js). It uses the first bundle's Leaflet (the global ``L`` Leaflet sets itself: ``leaflet``
is aliased to ``shared-map-library.js`` there); the few small helpers both import are in both. A page loads three files
instead of one per source, and nothing it does not need before the first drawing. The bundles
are made when a page is rendered (``geo build``, or when the server publishes the atlas) and kept under
``node_modules/.cache/cqatlas``; their names carry a hash of their content, so a browser never keeps a stale copy,
and the same sources give the same bytes.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from geo.data.text_search import RULES_FILE as SEARCH_RULES  # imported by the script (textsearch.js)
from geo.map.sources import ESBUILD, STATIC_DIR, AssetsMissing, write_atomically

ENTRIES = {"js": STATIC_DIR / "cqatlas" / "bundle.js", "css": STATIC_DIR / "cqatlas" / "bundle.css",
           "deferred": STATIC_DIR / "cqatlas" / "bundle-deferred.js"}
# The deferred bundle's Leaflet: the first bundle's, never a second copy.
LEAFLET_GLOBAL = STATIC_DIR / "cqatlas" / "shared-map-library.js"
# What the bundle must still run on: browsers of the last few years (Leaflet's own floor is lower).
TARGET = "es2017,chrome80,firefox78,safari13"


@dataclass(frozen=True)
class Bundles:
    """Asset names (relative to the assets folder) of the bundles, and the files holding them."""

    script: str
    stylesheet: str
    files: dict[str, Path]
    deferred: str | None = None  # the script loaded after the first drawing (the map page's; None for others)


def _inputs(node_modules: Path, folder: Path = STATIC_DIR / "cqatlas") -> list[Path]:
    """Everything a bundle is made from: the static files of its folder, the search rules they import, Leaflet (the file ``import L from "leaflet"``
    gets), esbuild's version, and this module (the options esbuild is given)."""
    return sorted(folder.glob("*")) + [SEARCH_RULES, node_modules / "leaflet" / "dist" / "leaflet-src.js",
                                       node_modules / "esbuild" / "package.json", Path(__file__)]


def _sources_digest(inputs: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in inputs:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _esbuild(node_modules: Path, entry: Path, extension: str, deferred: bool = False) -> bytes:
    command = [str(node_modules / ESBUILD), str(entry), "--bundle", "--minify", "--charset=utf8",
               f"--target={TARGET}", "--log-level=warning"]
    if extension == "js":
        # ES modules are strict mode; the one classic script they become says so for itself (esbuild does not).
        command += ["--format=iife", '--banner:js="use strict";']
    if deferred:
        command.append(f"--alias:leaflet={LEAFLET_GLOBAL}")
    # NODE_PATH: the bundle's npm imports (Leaflet) come from this node_modules, wherever the sources are.
    result = subprocess.run(command, capture_output=True, check=False, env={**os.environ, "NODE_PATH": str(node_modules)})
    if result.returncode != 0:
        raise RuntimeError(f"esbuild could not bundle {entry.name}: {result.stderr.decode(errors='replace')}")
    return result.stdout


def map_bundles(node_modules: Path) -> Bundles:
    """Bundle (or find already bundled) the page's script and stylesheet for the current sources."""
    if not (node_modules / ESBUILD).exists() or not (node_modules / "leaflet").is_dir():
        raise AssetsMissing(f"esbuild or leaflet missing under {node_modules}; run `make` or `npm ci`")
    return named_bundles(node_modules, "atlas", ENTRIES)


def named_bundles(node_modules: Path, stem: str, entries: dict[str, Path]) -> Bundles:
    """Bundle the script and stylesheet ``entries`` (by extension) as ``cqatlas/<stem>.<hash>.<ext>``: the map's,
    or another page's whose sources sit in a folder of their own."""
    folder = entries["js"].parent
    inputs = _inputs(node_modules, folder)
    # Asked whenever a page is rendered: the files' sizes and times say cheaply whether anything changed.
    return _bundles(node_modules, stem, tuple(entries.items()),
                    tuple((path, path.stat().st_mtime_ns, path.stat().st_size) for path in inputs))


@lru_cache(maxsize=8)
def _bundles(node_modules: Path, stem: str, entries: tuple[tuple[str, Path], ...],
             stamps: tuple[tuple[Path, int, int], ...]) -> Bundles:
    cache = node_modules / ".cache" / "cqatlas" / _sources_digest([path for path, _, _ in stamps])[:16]
    names: dict[str, str] = {}  # "js", "css", "deferred" -> asset name
    for kind, entry in entries:
        extension = entry.suffix.lstrip(".")
        named = stem if kind in ("js", "css") else f"{stem}-{kind}"  # atlas.<hash>.js, atlas-deferred.<hash>.js
        done = cache / f"{named}.{extension}.name"
        if not done.is_file():
            content = _esbuild(node_modules, entry, extension, deferred=kind == "deferred")
            name = f"cqatlas/{named}.{hashlib.sha256(content).hexdigest()[:12]}.{extension}"
            cache.mkdir(parents=True, exist_ok=True)
            write_atomically(cache / name.rpartition("/")[2], content)
            write_atomically(done, name.encode())  # last: a bundle is known only once its file is complete
        names[kind] = done.read_text(encoding="utf-8")
    files = {name: cache / name.rpartition("/")[2] for name in names.values()}
    return Bundles(script=names["js"], stylesheet=names["css"], files=files, deferred=names.get("deferred"))


# The bundles, and the fonts cut for the page (see geo.map.fonts): all named by their content's hash.
# The export's bundle and fonts (geo.map.export_assets) load only when a reader asks for a PNG or PDF.
_BUNDLE_NAME = re.compile(r"cqatlas/((?:atlas(?:-deferred)?|pages|export)\.[0-9a-f]{12}\.(js|css)"
                          r"|fonts\.[0-9a-f]{12}\.css|fonts/[0-9a-f]{12}\.(?:woff2|js))")


def is_hashed_asset(name: str) -> bool:
    """Whether an asset's name carries its content's hash (so its bytes never change)."""
    return _BUNDLE_NAME.fullmatch(name) is not None


def made_bundle(node_modules: Path, name: str) -> Path | None:
    """A bundle (or font file) made from these sources or earlier ones (a page published before its scripts were edited still asks
    for its own): names carry their content's hash, so any one made is the right one."""
    if not _BUNDLE_NAME.fullmatch(name):
        return None
    return next((node_modules / ".cache" / "cqatlas").glob(f"*/{name.rpartition('/')[2]}"), None)
