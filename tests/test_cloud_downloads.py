"""GeoParquet and FlatGeobuf downloads from the API, with the same filters as every other format, read by
geopandas, GDAL and DuckDB (over HTTP from the real server)."""

from __future__ import annotations

import io
import json

import geopandas as gpd
import pyarrow.parquet as pq
import pyogrio

from tests.conftest import LAYERS_DIR


def _ids(client, url: str) -> list[str]:
    return sorted(f["properties"]["id"] for f in client.get(url).json()["features"])


def test_parquet_and_flatgeobuf_follow_the_same_filters_as_geojson(client, tmp_path) -> None:
    for query in ("", "?kind=district", "?bbox=106.4,29.4,106.7,29.7", "?q=yubei"):
        expected = _ids(client, f"/api/layers/districts.geojson{query}")
        parquet = client.get(f"/api/layers/districts.parquet{query}")
        assert parquet.headers["content-type"] == "application/vnd.apache.parquet"
        assert sorted(gpd.read_parquet(io.BytesIO(parquet.content))["id"]) == expected, query
        fgb = client.get(f"/api/layers/districts.fgb{query}")
        assert fgb.headers["content-type"] == "application/vnd.flatgeobuf"
        path = tmp_path / "districts.fgb"
        path.write_bytes(fgb.content)
        assert sorted(pyogrio.read_dataframe(path)["id"]) == expected, query


def test_whole_atlas_as_one_table_with_its_layer(client) -> None:
    table = pq.read_table(io.BytesIO(client.get("/api/atlas.parquet?layers=universities,logistics_hubs").content))
    expected = {lid: {f["properties"]["id"] for f in json.loads((LAYERS_DIR / f"{lid}.geojson").read_text())["features"]}
                for lid in ("universities", "logistics_hubs")}
    rows = table.select(["layer", "id"]).to_pylist()
    assert {lid: {r["id"] for r in rows if r["layer"] == lid} for lid in expected} == expected
    assert json.loads(table.schema.metadata[b"geo"])["version"] == "1.1.0"
    catalog = client.get("/api/layers").json()
    assert set(catalog["atlas"]) == {"geojson", "gpkg", "parquet", "fgb"}
    assert {"parquet", "fgb"} <= set(catalog["layers"][0]["links"])


def test_duckdb_reads_the_served_geoparquet_over_http(server_process: str) -> None:
    from tests.duck import duckdb_with

    connection = duckdb_with("httpfs", "spatial")
    count = connection.execute("select count(*) from read_parquet(?) where layer = 'districts'",
                               [f"{server_process}/api/atlas.parquet"]).fetchone()[0]
    assert count == len(json.loads((LAYERS_DIR / "districts.geojson").read_text())["features"])
