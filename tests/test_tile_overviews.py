"""A layer's vector tiles keep every feature at the layer's deepest zoom and thin the zooms above it, so a view of a
crowded layer from afar reads a bounded number of features however large the layer grows. Read back with GDAL."""

from __future__ import annotations

from pathlib import Path

import pyogrio
from pmtiles.reader import MmapSource, Reader

from geo.data.atlas import load_atlas
from geo.data.registry import LAYERS
from geo.publish.tiles import encode_pmtiles
from tests.conftest import read_layer
from tests.test_map_clusters import LAYER, crowd_layer

# The most features a tile above a layer's deepest zoom holds, as geo/publish/tiles.py documents it: about as many
# 4 px dots as cover the 512 px square the map draws a data tile over.
OVERVIEW_TILE_FEATURES = 5000
# 6,000 copies 0.0001° (about 10 m) apart fill a square under 0.01° wide: more than one overview tile may hold, and
# (here) all in one tile of the deepest zoom, which must keep them all.
CROWD, STEP = 6000, 0.0001


def _ids_at(archive: Path, zoom: int) -> list[str]:
    return list(pyogrio.read_dataframe(archive, layer=LAYER, read_geometry=False, columns=["id"],
                                       ZOOM_LEVEL=str(zoom))["id"])


def test_a_crowded_layer_keeps_every_point_at_its_deepest_zoom_and_thins_the_zooms_above(
        layers_copy: Path, tmp_path: Path) -> None:
    crowd_layer(layers_copy, more_than=CROWD, step=STEP)
    archive = tmp_path / "atlas.pmtiles"
    archive.write_bytes(encode_pmtiles(load_atlas(layers_copy)))
    layer_ids = {feature["properties"]["id"] for feature in read_layer(layers_copy, LAYER)["features"]}
    assert len(layer_ids) > CROWD
    shallowest, deepest = next(spec for spec in LAYERS if spec.id == LAYER).tile_zooms
    # The archive describes the layer once, in the zoom range the registry gives it.
    with archive.open("rb") as file:
        described = [entry for entry in Reader(MmapSource(file)).metadata()["vector_layers"] if entry["id"] == LAYER]
    assert [(entry["minzoom"], entry["maxzoom"]) for entry in described] == [(shallowest, deepest)]
    # Zoomed in as far as the tiles go, every point of the layer file is there, once.
    assert sorted(set(_ids_at(archive, deepest))) == sorted(layer_ids)
    # Above it the crowd (in one tile at these zooms) is thinned to what a tile holds, yet still drawn.
    for zoom in range(shallowest, deepest):
        copies = {one for one in _ids_at(archive, zoom) if "-copy-" in one}
        assert 0 < len(copies) <= OVERVIEW_TILE_FEATURES, (zoom, len(copies))
