"""One PMTiles (v3) archive of every layer, as vector tiles a map draws from a static file.

GDAL's PMTiles driver (through pyogrio) encodes each layer's tiles in its own zoom range; it writes one layer per
dataset, so the layers' archives are then joined tile by tile with the ``pmtiles`` package. Joining is exact: a
vector tile is a protobuf message whose layers are a repeated field, and protobuf defines the concatenation of two
encoded messages as their merge, so the joined tile holds each layer's MVT layer unchanged.
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
# What a map needs to draw, label, colour and filter a feature by year; everything else is in the other formats.
TILE_ATTRIBUTES: tuple[str, ...] = ("id", "name_en", "name_zh", "name_fa", "kind", "established", "geometry_quality")


def tile_frame(layer: AtlasLayer) -> gpd.GeoDataFrame:
    rows = [{name: feature.properties.get(name) for name in TILE_ATTRIBUTES} for feature in layer.features]
    frame = gpd.GeoDataFrame(rows, columns=list(TILE_ATTRIBUTES),
                             geometry=[feature.geometry for feature in layer.features], crs="EPSG:4326")
    return frame.astype({"established": "Int64"})


def _layer_archive(layer: AtlasLayer, folder: Path) -> Path:
    path = folder / f"{layer.spec.id}.pmtiles"
    min_zoom, max_zoom = layer.spec.tile_zooms
    pyogrio.write_dataframe(tile_frame(layer), path, layer=layer.spec.id, driver="PMTiles",
                            dataset_options={"MINZOOM": str(min_zoom), "MAXZOOM": str(max_zoom),
                                             "NAME": layer.spec.id},
                            layer_options={"MINZOOM": str(min_zoom), "MAXZOOM": str(max_zoom)})
    return path


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


def encode_pmtiles(atlas: Atlas) -> bytes:
    """Every layer of ``atlas`` in one archive: MVT layers named by layer id, gzip tiles, layer order of the atlas."""
    joined: dict[int, list[bytes]] = defaultdict(list)
    vector_layers: list[dict[str, Any]] = []
    bounds = [180.0, 90.0, -180.0, -90.0]
    with tempfile.TemporaryDirectory(prefix="cqatlas-tiles-") as scratch:
        for layer in atlas.layers:
            if not layer.features:
                continue
            header, metadata, tiles = _read(_layer_archive(layer, Path(scratch)))
            for tile_id, data in tiles.items():
                joined[tile_id].append(data)
            vector_layers.extend(metadata.get("vector_layers", []))
            bounds = [min(bounds[0], header["min_lon_e7"] / 1e7), min(bounds[1], header["min_lat_e7"] / 1e7),
                      max(bounds[2], header["max_lon_e7"] / 1e7), max(bounds[3], header["max_lat_e7"] / 1e7)]
    min_zoom = min(layer.spec.tile_zooms[0] for layer in atlas.layers)
    max_zoom = max(layer.spec.tile_zooms[1] for layer in atlas.layers)
    e7 = [round(value * 1e7) for value in bounds]
    header = {
        "tile_type": TileType.MVT, "tile_compression": Compression.GZIP,
        "min_lon_e7": e7[0], "min_lat_e7": e7[1], "max_lon_e7": e7[2], "max_lat_e7": e7[3],
        "center_zoom": min_zoom, "center_lon_e7": (e7[0] + e7[2]) // 2, "center_lat_e7": (e7[1] + e7[3]) // 2,
    }
    metadata = {"name": "Chongqing Trade Atlas", "version": DATA_VERSION, "type": "overlay", "format": "pbf",
                "minzoom": min_zoom, "maxzoom": max_zoom, "vector_layers": vector_layers,
                "attribution": "; ".join(dict.fromkeys(credit for layer in atlas.layers for credit in layer.spec.credits))}
    buffer = io.BytesIO()
    writer = Writer(buffer)
    for tile_id in sorted(joined):
        # mtime=0: the same tiles give the same bytes.
        writer.write_tile(tile_id, gzip.compress(b"".join(joined[tile_id]), compresslevel=9, mtime=0))
    writer.finalize(header, metadata)
    return buffer.getvalue()
