"""Responses prepared once per build: serialized, compressed and tagged, so serving is a lookup (the unfiltered
downloads when first asked for, then kept)."""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import brotli
import geopandas as gpd

from geo.map.assets import asset_path, check_assets, static_assets
from geo.map.bundle import map_bundles
from geo.map.sources import COUNTRY_OUTLINES
from geo.data.atlas import Atlas, load_atlas
from geo.data.errors import BadRequest, NotFound
from geo.data.atlas import AtlasFeature
from geo.data.figures import figure_columns_of
from geo.data.registry import DATA_VERSION, LAYERS, LayerSpec
from geo.publish.formats import (FORMATS, VERSION_COLUMN, dump_geojson, encode, encode_frame, encode_geopackage, feature_collection,
                                 to_frame)
from geo.publish.parquet import MEDIA_TYPE as PARQUET_MEDIA_TYPE, encode_geoparquet, layer_frame
from geo.data.query import FeatureFilter, select
from geo.map.basemap import country_outlines
from geo.map.page_data import page_data_scripts
from geo.map.render import render_map, tiled_layer_ids
from geo.corridors.route_index import RouteIndex
from geo.publish.reproducible import deterministic_ids
from geo.pages.render import OUTLINES_SCRIPT, PageAssets, pages_bundles
from geo.publish.tiles import MEDIA_TYPE as TILES_MEDIA_TYPE, encode_pmtiles
from geo.map.page_data import data_script

GEOJSON_MEDIA_TYPE = "application/geo+json"
ATLAS = "atlas"  # the download of every layer at once, beside the layers' own
SCRIPT_MEDIA_TYPE = "text/javascript; charset=utf-8"
TILES_HREF = "/tiles/atlas.pmtiles"  # where the served map reads the vector tiles of layers too large for the page


@dataclass(frozen=True)
class Prepared:
    body: bytes
    gzip_body: bytes | None  # None: not worth compressing (images, fonts: compressed already)
    etag: str  # strong validator: a hash of the exact bytes
    media_type: str
    brotli_body: bytes | None = None


# Brotli quality 9: within a few percent of 11 at a quarter of the time (11 took 12 s for Swagger UI's script).
BROTLI_QUALITY = 9
# Text the browser runs or reads; images and woff2 fonts are compressed in their own format.
_TEXT_MEDIA_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")


def prepare(body: bytes, media_type: str, with_brotli: bool = False) -> Prepared:
    digest = hashlib.sha256(body).hexdigest()[:32]
    # mtime=0 keeps the compressed bytes identical across builds of the same data.
    return Prepared(body, gzip.compress(body, compresslevel=6, mtime=0), f'"{digest}"', media_type,
                    brotli.compress(body, quality=BROTLI_QUALITY) if with_brotli else None)


def asset_media_type(name: str) -> str:
    media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return f"{media_type}; charset=utf-8" if media_type in ("text/javascript", "text/css") else media_type


def _binary(body: bytes, media_type: str) -> Prepared:
    return Prepared(body, None, f'"{hashlib.sha256(body).hexdigest()[:32]}"', media_type)


@lru_cache(maxsize=256)
def _prepared_file(path: Path, media_type: str, _stamp: tuple[int, int]) -> Prepared:
    body = path.read_bytes()
    if not media_type.startswith(_TEXT_MEDIA_TYPES):
        return _binary(body, media_type)
    return prepare(body, media_type, with_brotli=True)


def prepare_asset(node_modules: Path, name: str) -> Prepared:
    """A served asset (``geo.map.assets.asset_path``), read and compressed once per version of its file; raises
    KeyError for a name that is not an asset."""
    path = asset_path(node_modules, name)
    stat = path.stat()
    return _prepared_file(path, asset_media_type(name), (stat.st_mtime_ns, stat.st_size))


@dataclass(frozen=True)
class Published:
    atlas: Atlas
    map_page: Prepared
    # The map without its panel, for other sites to frame (the only page that may be framed).
    embed_page: Prepared
    # Unfiltered downloads, keyed by (layer id, format extension); the whole atlas under layer id "atlas".
    downloads: Mapping[tuple[str, str], Prepared]
    routes: RouteIndex  # corridor network and route comparisons of this build
    # The scripts, styles and fonts the map page loads, compressed when published, by asset name.
    assets: dict[str, Prepared]
    # What the map page loads when first needed (geo.map.page_data), by file name.
    data_scripts: dict[str, Prepared]
    # What the feature and layer pages (rendered per request, in the request's language) load.
    pages: PageAssets
    # Every layer's vector tiles (PMTiles), read by ranges by the map where a layer is too large for the page; made
    # only then.
    tiles: Prepared | None = None


PARQUET = "parquet"
ATLAS_TABLE_FORMATS = (PARQUET, "fgb")
# The whole atlas in one file: extension -> name, as the map's download panel offers them.
ATLAS_FORMATS = {"geojson": "GeoJSON", "gpkg": "GeoPackage", PARQUET: "GeoParquet", "fgb": "FlatGeobuf"}
# Every download format: GDAL's (geo.publish.formats) and GeoParquet.
MEDIA_TYPES: dict[str, str] = {**{ext: fmt.media_type for ext, fmt in FORMATS.items()}, PARQUET: PARQUET_MEDIA_TYPE}


def encode_layer(features: Sequence[AtlasFeature], extension: str, name: str,
                 figure_columns: dict[str, bool] | None) -> Prepared:
    """One layer (or a selection of it) in one download format."""
    if extension == PARQUET:
        return prepare(encode_geoparquet(layer_frame(features, figure_columns)), PARQUET_MEDIA_TYPE)
    fmt = FORMATS[extension]
    return prepare(encode(features, fmt, name, figure_columns), fmt.media_type)


# Every layer's downloads: GeoJSON, GDAL's formats, GeoParquet.
LAYER_FORMATS = ("geojson", *(extension for extension, fmt in FORMATS.items() if fmt.driver is not None), PARQUET)


def layer_download(features: Sequence[AtlasFeature], frame: gpd.GeoDataFrame, extension: str, name: str) -> Prepared:
    """A layer in one of ``LAYER_FORMATS``; ``frame``: its table (``to_frame``), shared by the formats."""
    if extension == "geojson":
        return prepare(dump_geojson(feature_collection(features)), GEOJSON_MEDIA_TYPE)
    if extension == PARQUET:
        versioned = frame.copy()
        versioned.insert(0, VERSION_COLUMN, DATA_VERSION)  # as layer_frame writes it
        return prepare(encode_geoparquet(versioned), PARQUET_MEDIA_TYPE)
    fmt = FORMATS[extension]
    return prepare(encode_frame(frame, fmt, name), fmt.media_type)


def encode_atlas_table(features: Sequence[AtlasFeature], extension: str) -> Prepared:
    """Several layers as one table with a ``layer`` column (GeoParquet, FlatGeobuf)."""
    frame = layer_frame(features, figure_columns_of(features), with_layer=True)
    if extension == PARQUET:
        return prepare(encode_geoparquet(frame), PARQUET_MEDIA_TYPE)
    return prepare(encode_frame(frame, FORMATS[extension], ATLAS), FORMATS[extension].media_type)



def data_script_href(file_name: str) -> str:
    return f"/data/{file_name}"


class Downloads(Mapping[tuple[str, str], Prepared]):
    """The unfiltered downloads of a published atlas, keyed by (layer id, format extension), the whole atlas under
    layer id "atlas": each encoded when first asked for, then kept. A server publishes (and republishes an edit)
    without encoding some seventy files before it answers; their bytes, and so their ETags, are the same whenever
    they are made. Threads asking for the same file at once make it once."""

    def __init__(self, atlas: Atlas):
        self._atlas = atlas
        self._keys = tuple((layer.spec.id, extension) for layer in atlas.layers for extension in LAYER_FORMATS) + tuple(
            (ATLAS, extension) for extension in ATLAS_FORMATS)
        self._made: dict[tuple[str, str], Prepared] = {}
        self._frames: dict[str, gpd.GeoDataFrame] = {}
        self._lock = threading.Lock()

    def __getitem__(self, key: tuple[str, str]) -> Prepared:
        made = self._made.get(key)
        if made is not None:
            return made
        if key not in self._keys:
            raise KeyError(key)
        with self._lock:
            if key not in self._made:
                self._made[key] = self._encode(*key)
            return self._made[key]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def _encode(self, name: str, extension: str) -> Prepared:
        atlas = self._atlas
        if name == ATLAS:
            if extension == "geojson":
                return prepare(dump_geojson(atlas.feature_collection()), GEOJSON_MEDIA_TYPE)
            if extension == "gpkg":
                return prepare(encode_geopackage({layer.spec.id: (layer.features, layer.figure_columns)
                                                  for layer in atlas.layers}), FORMATS["gpkg"].media_type)
            return encode_atlas_table(atlas.features(), extension)
        layer = atlas.layer(name)
        if name not in self._frames:  # the layer's table, made once for all its formats
            self._frames[name] = to_frame(layer.features, layer.figure_columns)
        return layer_download(layer.features, self._frames[name], extension, name)


def publish(layers_dir: Path, node_modules: Path, download_href: Callable[[str], str],
            specs: tuple[LayerSpec, ...] = LAYERS) -> Published:
    """Load, validate and render everything the server needs, once; ``download_href(layer_id)`` is where the map
    links each layer's GeoJSON (the server's URL layout is the caller's); ``specs``: the layers, as for the build."""
    atlas = load_atlas(layers_dir, specs)
    check_assets(node_modules)
    routes = RouteIndex(atlas, precompute="default")
    comparisons = routes.precomputed()
    scripts = page_data_scripts(atlas, comparisons)
    outlines = country_outlines(node_modules / COUNTRY_OUTLINES)
    scripts[OUTLINES_SCRIPT] = data_script(OUTLINES_SCRIPT, outlines)  # the feature pages' small maps
    bundles = pages_bundles(node_modules)
    options = dict(asset_base="/assets/", download_href=download_href, api_base="/api", outlines=outlines,
                   pages_href="/layers", feature_page_href="/features/{id}?lang={lang}", embed_href="/embed",
                   items_href="/ogc/collections/{id}/items",
                   routes=comparisons, routes_api="/api/routes", node_modules=node_modules,
                   whole_atlas=[(name, f"/api/{ATLAS}.{extension}") for extension, name in ATLAS_FORMATS.items()],
                   data_scripts={name: data_script_href(script.file_name) for name, script in scripts.items()})
    tiled = tiled_layer_ids(atlas)
    # Tiles are compressed one by one inside the archive, and ranges are of its own bytes: no gzip copy.
    tiles = None if not tiled else _binary(encode_pmtiles(atlas), TILES_MEDIA_TYPE)
    options |= dict(tiles_archive=TILES_HREF if tiled else None, tiled=tiled)
    with deterministic_ids():  # same data, same page bytes, same ETag across restarts
        page, fonts = render_map(atlas, **options)
    with deterministic_ids():
        embed, _ = render_map(atlas, **options, embed_of="/", extra_assets=tuple(bundles.files))
    page_assets = (*static_assets(node_modules), *map_bundles(node_modules).files, *fonts.files)
    return Published(atlas=atlas, map_page=prepare(page.encode("utf-8"), "text/html; charset=utf-8", with_brotli=True),
                     embed_page=prepare(embed.encode("utf-8"), "text/html; charset=utf-8", with_brotli=True),
                     downloads=Downloads(atlas), routes=routes,
                     assets={name: prepare_asset(node_modules, name) for name in page_assets},
                     pages=PageAssets(bundles, fonts.stylesheet, scripts[OUTLINES_SCRIPT].file_name), tiles=tiles,
                     data_scripts={script.file_name: prepare(script.body, SCRIPT_MEDIA_TYPE, with_brotli=True)
                                   for script in scripts.values()})



def parse_layer_ids(published: Published, text: str | None) -> tuple[str, ...] | None:
    """``a,b`` -> the atlas layers named, in atlas order; a clear 400 for a name that is not a layer."""
    if text is None:
        return None
    wanted = {part.strip() for part in text.split(",") if part.strip()}
    if not wanted:
        raise BadRequest("layers must name at least one layer")
    known = [layer.spec.id for layer in published.atlas.layers]
    unknown = sorted(wanted - set(known))
    if unknown:
        raise BadRequest(f"no layer {unknown[0]!r}; layers are {', '.join(known)}")
    return tuple(layer_id for layer_id in known if layer_id in wanted)


def download(published: Published, name: str, extension: str, feature_filter: FeatureFilter,
             layer_ids: tuple[str, ...] | None = None) -> Prepared:
    """A layer (or the whole atlas, or the atlas layers ``layer_ids``) in one format; unfiltered requests for a
    layer or the whole atlas are served from what was prepared."""
    media_type = MEDIA_TYPES.get(extension)
    if media_type is None or (name == ATLAS and extension not in ATLAS_FORMATS):
        raise NotFound(f"no format {extension!r} for {name!r}")
    atlas = published.atlas
    if name != ATLAS and atlas.layer(name) is None:
        raise NotFound(f"no layer {name!r}")
    if feature_filter.is_empty and (name != ATLAS or layer_ids is None):
        return published.downloads[name, extension]
    if name != ATLAS:
        layer = atlas.layer(name)
        return encode_layer(select(layer, feature_filter), extension, name, layer.figure_columns)
    tables = {layer.spec.id: (select(layer, feature_filter), layer.figure_columns) for layer in atlas.layers
              if layer_ids is None or layer.spec.id in layer_ids}
    if extension == "gpkg":
        return prepare(encode_geopackage(tables), media_type)
    everything = [feature for features, _ in tables.values() for feature in features]
    if extension in ATLAS_TABLE_FORMATS:
        return encode_atlas_table(everything, extension)
    return prepare(dump_geojson(feature_collection(everything, with_layer=True)), media_type)
