"""A collection's enclosure links (downloads of the whole layer) resolve to files GIS readers open."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import geopandas as gpd
import pyogrio
from fastapi.testclient import TestClient

from tests.conftest import LAYERS_DIR, read_layer

LAYER = "bonded_zones"


def test_every_enclosure_resolves_to_the_whole_layer(client: TestClient) -> None:
    document = client.get(f"/ogc/collections/{LAYER}").json()
    enclosures = {entry["type"]: entry["href"] for entry in document["links"] if entry["rel"] == "enclosure"}
    # Media types as registered (IANA) and as GeoParquet / FlatGeobuf name them, written out independently.
    assert {"application/vnd.apache.parquet", "application/vnd.flatgeobuf"} <= set(enclosures)
    want = {feature["properties"]["id"] for feature in read_layer(LAYERS_DIR, LAYER)["features"]}
    for media_type, href in enclosures.items():
        response = client.get(urlsplit(href).path)
        assert response.status_code == 200, href
        assert response.headers["content-type"].split(";")[0] == media_type
        if media_type == "application/vnd.apache.parquet":
            # This GDAL build reads Parquet only through DuckDB's ADBC library, absent here: pyarrow reads it.
            frame = gpd.read_parquet(io.BytesIO(response.content))
        else:
            with tempfile.TemporaryDirectory() as scratch:
                path = Path(scratch) / Path(urlsplit(href).path).name
                path.write_bytes(response.content)
                frame = pyogrio.read_dataframe(path)
        assert set(frame["id"]) == want, media_type
