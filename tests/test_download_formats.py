"""Every download format the served map offers for a layer, in a real Chromium, read back with GIS readers."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import geopandas as gpd
import pyogrio
import pytest

from tests.browsing import close_map, open_map
from tests.test_download_selection import expected_ids

pytestmark = pytest.mark.browser

LAYER = "universities"
# The formats a GIS user expects, by file extension (written out here, not taken from the code under test).
WANTED = {"geojson", "gpkg", "parquet", "fgb", "csv", "kml"}


def test_each_layer_is_offered_in_every_format_gdal_reads(browser: Any, live_server: Any) -> None:
    watch = open_map(browser, live_server.url + "/", "served")
    page = watch.page
    try:
        offered = set(page.locator("#cq-download-format option").evaluate_all("os => os.map(o => o.value)"))
        assert WANTED <= offered
        for extension in ("parquet", "fgb"):
            page.select_option("#cq-download-format", extension)
            hrefs = page.locator("#cq-download-links a").evaluate_all("links => links.map(a => a.href)")
            href = next(h for h in hrefs if urlsplit(h).path == f"/api/layers/{LAYER}.{extension}")
            bbox = tuple(float(v) for v in parse_qs(urlsplit(href).query)["bbox"][0].split(","))
            response = page.request.get(href)
            assert response.status == 200, response.text()
            with tempfile.TemporaryDirectory() as scratch:
                path = Path(scratch) / f"{LAYER}.{extension}"
                path.write_bytes(response.body())
                # This GDAL build reads Parquet only through DuckDB's ADBC library, absent here: pyarrow reads it.
                frame = gpd.read_parquet(path) if extension == "parquet" else pyogrio.read_dataframe(path)
            assert set(frame["id"]) == expected_ids(LAYER, bbox=bbox)
            assert len(frame) == len(set(frame["id"])) > 0
        watch.check()
    finally:
        close_map(page)
