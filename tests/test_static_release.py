"""The release folder on a plain static server (Debian's nginx, which answers ranges itself): DuckDB reads the
GeoParquet, GDAL the FlatGeobuf and the PMTiles over HTTP, fetching parts of the files, not the files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pyogrio
import pytest

from tests.conftest import LAYERS_DIR
from tests.static_server import needs_nginx, nginx_serving

LAYER_IDS = sorted(path.stem for path in LAYERS_DIR.glob("*.geojson"))

pytestmark = needs_nginx


@pytest.fixture(scope="module")
def static_release(released: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with nginx_serving(released.parent, tmp_path_factory.mktemp("nginx")) as url:
        yield f"{url}/{released.name}"


def test_duckdb_reads_the_geoparquet_over_http_by_ranges(static_release: str, released: Path) -> None:
    from tests.duck import duckdb_with

    connection = duckdb_with("httpfs", "spatial")
    url = f"{static_release}/atlas.parquet"
    count, layers = connection.execute("select count(*), count(distinct layer) from read_parquet(?)", [url]).fetchone()
    local = connection.execute("select count(*) from read_parquet(?)", [str(released / "atlas.parquet")]).fetchone()
    assert (count, layers) == (local[0], len(LAYER_IDS))
    names = connection.execute("select name_en from read_parquet(?) where layer = 'universities' order by id",
                               [url]).fetchall()
    assert len(names) == 5
    area = connection.execute("select sum(ST_Area(geometry)) from read_parquet(?) where layer = 'free_trade_zone'",
                              [url]).fetchone()[0]
    assert area > 0


def test_gdal_reads_flatgeobuf_and_pmtiles_over_http(static_release: str, released: Path) -> None:
    inside = pyogrio.read_dataframe(f"/vsicurl/{static_release}/layers/districts.fgb",
                                    bbox=(106.4, 29.4, 106.7, 29.7))
    everything = pyogrio.read_dataframe(LAYERS_DIR / "districts.geojson")
    assert 0 < len(inside) < len(everything)
    layers = sorted(name for name, _ in pyogrio.list_layers(f"/vsicurl/{static_release}/atlas.pmtiles"))
    assert layers == LAYER_IDS
    hubs = pyogrio.read_dataframe(f"/vsicurl/{static_release}/atlas.pmtiles", layer="logistics_hubs")
    assert len(hubs) == len(pyogrio.read_dataframe(LAYERS_DIR / "logistics_hubs.geojson"))


def test_static_server_answers_ranges_with_the_release_content_types(static_release: str, released: Path) -> None:
    with httpx.Client() as http:
        part = http.get(f"{static_release}/atlas.pmtiles", headers={"Range": "bytes=0-126"})
        assert part.status_code == 206 and part.content == (released / "atlas.pmtiles").read_bytes()[:127]
        assert part.content[:7] == b"PMTiles" and part.content[7] == 3  # the v3 header
        for name, media_type in [("atlas.parquet", "application/vnd.apache.parquet"),
                                 ("atlas.fgb", "application/vnd.flatgeobuf"), ("datapackage.json", "application/json"),
                                 ("stac/collection.json", "application/json")]:
            head = http.head(f"{static_release}/{name}")
            assert head.status_code == 200 and head.headers["content-type"] == media_type
            assert head.headers["accept-ranges"] == "bytes"
