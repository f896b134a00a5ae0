"""Responses prepared once per build: serialized, compressed and tagged, so serving is a lookup."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

from geo.assets import COUNTRY_OUTLINES, check_assets
from geo.atlas import Atlas, load_atlas
from geo.build import dump_geojson
from geo.render import country_outlines, render_map

GEOJSON_MEDIA_TYPE = "application/geo+json"


@dataclass(frozen=True)
class Prepared:
    body: bytes
    gzip_body: bytes
    etag: str  # strong validator: a hash of the exact bytes
    media_type: str


def prepare(body: bytes, media_type: str) -> Prepared:
    digest = hashlib.sha256(body).hexdigest()[:32]
    # mtime=0 keeps the compressed bytes identical across builds of the same data.
    return Prepared(body, gzip.compress(body, compresslevel=6, mtime=0), f'"{digest}"', media_type)


def api_download_href(layer_id: str) -> str:
    return f"/api/layers/{layer_id}.geojson"


@dataclass(frozen=True)
class Published:
    atlas: Atlas
    map_page: Prepared
    layer_geojson: dict[str, Prepared]
    atlas_geojson: Prepared


def publish(layers_dir: Path, node_modules: Path) -> Published:
    """Load, validate and render everything the server needs, once."""
    atlas = load_atlas(layers_dir)
    check_assets(node_modules)
    page = render_map(atlas, asset_base="/assets/", download_href=api_download_href,
                      outlines=country_outlines(node_modules / COUNTRY_OUTLINES))
    return Published(
        atlas=atlas,
        map_page=prepare(page.encode("utf-8"), "text/html; charset=utf-8"),
        layer_geojson={layer.spec.id: prepare(dump_geojson(layer.feature_collection()), GEOJSON_MEDIA_TYPE)
                       for layer in atlas.layers},
        atlas_geojson=prepare(dump_geojson(atlas.feature_collection()), GEOJSON_MEDIA_TYPE),
    )
