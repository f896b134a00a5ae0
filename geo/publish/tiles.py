"""One PMTiles (v3) archive of every layer, as vector tiles a map draws from a static file.

GDAL's PMTiles driver (through pyogrio) encodes each layer's tiles in its own zoom range; it writes one layer per
dataset, so the layers' archives are then joined tile by tile with the ``pmtiles`` package. Joining is exact: a
vector tile is a protobuf message whose layers are a repeated field, and protobuf defines the concatenation of two
encoded messages as their merge, so the joined tile holds each layer's MVT layer unchanged.

A layer's deepest zoom holds every feature. The zooms above it are overviews, written apart with at most
``OVERVIEW_FEATURES`` features a tile: a large point layer's overview tiles would otherwise hold hundreds of thousands
of features each, which GDAL re-encodes at lower and lower precision before it drops features to fit its 500 kB
tile limit, reading each such tile several times. bench/map_tiles.py measures the write and the map at a
million points.
"""

from __future__ import annotations

import gzip
import io
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio
from pmtiles.reader import MmapSource, Reader, all_tiles
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import Writer

from geo.data.atlas import Atlas, AtlasLayer
from geo.data.registry import DATA_VERSION

MEDIA_TYPE = "application/vnd.pmtiles"
# What a map needs to draw, label, colour and filter a feature by status and year; everything else is in the other
# formats.
TILE_ATTRIBUTES: tuple[str, ...] = ("id", "name_en", "name_zh", "name_fa", "kind", "status", "established",
                                    "geometry_quality")
# Features a tile above a layer's deepest zoom holds at most (GDAL's MAX_FEATURES; it keeps the largest areas and
# longest lines first). The map draws a data tile over 512 × 512 px (protomaps-leaflet reads zoom z - 1 for a view at
# z); about 5,000 dots of 4 px radius (50 px² each) cover that, so more add bytes and drawing time, not information.
OVERVIEW_FEATURES = 5_000


def tile_frame(layer: AtlasLayer) -> gpd.GeoDataFrame:
    rows = [{name: feature.properties.get(name) for name in TILE_ATTRIBUTES} for feature in layer.features]
    frame = gpd.GeoDataFrame(rows, columns=list(TILE_ATTRIBUTES),
                             geometry=[feature.geometry for feature in layer.features], crs="EPSG:4326")
    return frame.astype({"established": "Int64"})


def _write_zooms(frame: gpd.GeoDataFrame, path: Path, layer_id: str, zooms: tuple[int, int],
                 options: dict[str, str]) -> Path:
    zoom_range = {"MINZOOM": str(zooms[0]), "MAXZOOM": str(zooms[1])}
    pyogrio.write_dataframe(frame, path, layer=layer_id, driver="PMTiles",
                            dataset_options={**zoom_range, "NAME": layer_id, **options}, layer_options=zoom_range)
    return path


def layer_archives(frame: gpd.GeoDataFrame, layer_id: str, zooms: tuple[int, int], folder: Path) -> list[Path]:
    """One layer's tiles as GDAL writes them into ``folder``: its overview zooms (at most ``OVERVIEW_FEATURES``
    features a tile) and its deepest zoom (every feature), one archive each; a layer of no more features than that,
    all its zooms in one archive."""
    min_zoom, max_zoom = zooms
    if len(frame) <= OVERVIEW_FEATURES:  # no tile can hold more than that: one pass writes the same tiles
        return [_write_zooms(frame, folder / f"{layer_id}.pmtiles", layer_id, zooms, {})]
    archives = [_write_zooms(frame, folder / f"{layer_id}.{max_zoom}.pmtiles", layer_id, (max_zoom, max_zoom), {})]
    if min_zoom < max_zoom:
        archives.append(_write_zooms(frame, folder / f"{layer_id}.overview.pmtiles", layer_id, (min_zoom, max_zoom - 1),
                                     {"MAX_FEATURES": str(OVERVIEW_FEATURES)}))
    return archives


def _joined_vector_layers(described: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One ``vector_layers`` entry per layer from its archives' entries: the zooms they span, the fields of all."""
    joined: dict[str, dict[str, Any]] = {}
    for entry in described:
        seen = joined.setdefault(entry["id"], {**entry, "fields": {}})
        seen["minzoom"] = min(seen["minzoom"], entry["minzoom"])
        seen["maxzoom"] = max(seen["maxzoom"], entry["maxzoom"])
        seen["fields"].update(entry.get("fields", {}))
    return list(joined.values())


def _read(path: Path) -> tuple[dict[str, Any], dict[str, Any], dict[int, bytes]]:
    """Header, metadata and tiles (uncompressed MVT, by tile id) of one archive."""
    with path.open("rb") as file:
        source = MmapSource(file)
        reader = Reader(source)
        header, metadata = reader.header(), reader.metadata()
        tiles = {zxy_to_tileid(*zxy): data for zxy, data in all_tiles(source)}
    if header["tile_compression"] == Compression.GZIP:
        tiles = {tile_id: gzip.decompress(data) for tile_id, data in tiles.items()}
    return header, metadata, tiles


def join_archives(archives: list[Path], zooms: tuple[int, int], metadata: dict[str, Any]) -> bytes:
    """The tiles of ``archives`` (GDAL's, one MVT layer each) joined tile by tile into one archive of gzip tiles
    spanning ``zooms``; ``metadata`` adds to what the archives describe (their layers and bounds)."""
    joined: dict[int, list[bytes]] = defaultdict(list)
    vector_layers: list[dict[str, Any]] = []
    bounds = [180.0, 90.0, -180.0, -90.0]
    for archive in archives:
        header, described, tiles = _read(archive)
        for tile_id, data in tiles.items():
            joined[tile_id].append(data)
        vector_layers.extend(described.get("vector_layers", []))
        bounds = [min(bounds[0], header["min_lon_e7"] / 1e7), min(bounds[1], header["min_lat_e7"] / 1e7),
                  max(bounds[2], header["max_lon_e7"] / 1e7), max(bounds[3], header["max_lat_e7"] / 1e7)]
    e7 = [round(value * 1e7) for value in bounds]
    header = {
        "tile_type": TileType.MVT, "tile_compression": Compression.GZIP,
        "min_lon_e7": e7[0], "min_lat_e7": e7[1], "max_lon_e7": e7[2], "max_lat_e7": e7[3],
        "center_zoom": zooms[0], "center_lon_e7": (e7[0] + e7[2]) // 2, "center_lat_e7": (e7[1] + e7[3]) // 2,
    }
    buffer = io.BytesIO()
    writer = Writer(buffer)
    for tile_id in sorted(joined):
        # mtime=0: the same tiles give the same bytes.
        writer.write_tile(tile_id, gzip.compress(b"".join(joined[tile_id]), compresslevel=9, mtime=0))
    writer.finalize(header, {**metadata, "type": "overlay", "format": "pbf", "minzoom": zooms[0], "maxzoom": zooms[1],
                             "vector_layers": _joined_vector_layers(vector_layers)})
    return buffer.getvalue()


def encode_pmtiles(atlas: Atlas) -> bytes:
    """Every layer of ``atlas`` in one archive: MVT layers named by layer id, gzip tiles, layer order of the atlas."""
    zooms = (min(layer.spec.tile_zooms[0] for layer in atlas.layers),
             max(layer.spec.tile_zooms[1] for layer in atlas.layers))
    credits = "; ".join(dict.fromkeys(credit for layer in atlas.layers for credit in layer.spec.credits))
    with tempfile.TemporaryDirectory(prefix="cqatlas-tiles-") as scratch:
        archives = [archive for layer in atlas.layers if layer.features for archive in
                    layer_archives(tile_frame(layer), layer.spec.id, layer.spec.tile_zooms, Path(scratch))]
        return join_archives(archives, zooms, {"name": "Chongqing Trade Atlas", "version": DATA_VERSION,
                                               "attribution": credits})
