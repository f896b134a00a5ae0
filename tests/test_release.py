"""`cqatlas release`: every layer and the whole atlas in every release format, read back by real GIS readers and
compared with the layer files themselves."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyarrow.parquet as pq
import pyogrio
import pytest
import shapely
from shapely.geometry import shape

from tests.cli_helpers import run_cli
from tests.conftest import LAYERS_DIR, REPO

# Reading must not write GDAL's side files (.aux.xml) into the release folder under test.
pyogrio.set_gdal_config_options({"GDAL_PAM_ENABLED": "NO"})

LAYER_IDS = sorted(path.stem for path in LAYERS_DIR.glob("*.geojson"))
EXTENSIONS = ("parquet", "fgb", "gpkg", "geojson", "csv")


def _version() -> str:
    match = re.search(r'^DATA_VERSION = "([^"]+)"', (REPO / "geo/data/registry.py").read_text(), re.MULTILINE)
    assert match
    return match.group(1)


def _changelog_date(version: str) -> str:
    for line in (REPO / "CHANGELOG.md").read_text(encoding="utf-8").splitlines():
        if line.startswith(f"## [{version}]"):
            return line.split()[-1]
    raise AssertionError(f"no CHANGELOG entry for {version}")


def _source(layer_id: str) -> dict[str, Any]:
    return json.loads((LAYERS_DIR / f"{layer_id}.geojson").read_text(encoding="utf-8"))


def test_folder_is_named_by_version_and_holds_every_layer_in_every_format(released: Path) -> None:
    assert released.name == f"chongqing-trade-atlas-{_version()}"
    for layer_id in LAYER_IDS:
        for extension in EXTENSIONS:
            assert (released / "layers" / f"{layer_id}.{extension}").stat().st_size > 0, (layer_id, extension)
    for extension in (*EXTENSIONS, "pmtiles"):
        assert (released / f"atlas.{extension}").stat().st_size > 0


def _without_defaults(value: Any) -> Any:
    """Nested objects as the layer file writes them: the schema's defaults (null, []) left out."""
    if isinstance(value, dict):
        return {key: _without_defaults(item) for key, item in value.items() if item not in (None, [])}
    if isinstance(value, list):
        return [_without_defaults(item) for item in value]
    return value


def _parquet_value(value: Any, source_value: Any) -> Any:
    """A value that is not text in the layer file but text in the table is JSON (lists, objects, and every value
    of a figure column that holds anything but plain numbers)."""
    if isinstance(value, str) and not isinstance(source_value, str):
        return _without_defaults(json.loads(value))
    return value


@pytest.mark.parametrize("layer_id", LAYER_IDS)
def test_geoparquet_holds_every_feature_and_value_of_the_layer_file(released: Path, layer_id: str) -> None:
    rows = {row["id"]: row for row in pq.read_table(released / "layers" / f"{layer_id}.parquet").to_pylist()}
    features = _source(layer_id)["features"]
    assert sorted(rows) == sorted(f["properties"]["id"] for f in features)
    for feature in features:
        row = rows[feature["properties"]["id"]]
        for name, value in feature["properties"].items():
            assert _parquet_value(row[name], value) == _without_defaults(value), (layer_id, feature["properties"]["id"], name)
        assert shapely.from_wkb(row["geometry"]).equals(shape(feature["geometry"]))
        assert row["data_version"] == _version()


def test_geoparquet_is_1_1_with_zstd_bbox_covering_and_spatial_order(released: Path) -> None:
    path = released / "atlas.parquet"
    parquet = pq.ParquetFile(path)
    geo = json.loads(parquet.schema_arrow.metadata[b"geo"])
    assert geo["version"] == "1.1.0" and geo["primary_column"] == "geometry"
    column = geo["columns"]["geometry"]
    assert column["encoding"] == "WKB"
    assert column["covering"] == {"bbox": {key: ["bbox", key] for key in ("xmin", "ymin", "xmax", "ymax")}}
    assert set(column["geometry_types"]) >= {"Point", "LineString", "Polygon"}
    assert column["crs"]["id"] == {"authority": "EPSG", "code": 4326}
    frame = gpd.read_parquet(path)
    assert column["bbox"] == pytest.approx(list(frame.total_bounds))
    for group in range(parquet.metadata.num_row_groups):
        row_group = parquet.metadata.row_group(group)
        assert {row_group.column(i).compression for i in range(row_group.num_columns)} == {"ZSTD"}
    # Rows follow the Hilbert curve over the atlas's extent, not the layers' order.
    distance = frame.geometry.hilbert_distance(total_bounds=frame.total_bounds, level=16).tolist()
    assert distance == sorted(distance)
    assert frame["layer"].tolist() != sorted(frame["layer"].tolist(), key=LAYER_IDS.index)


def test_duckdb_spatial_reads_the_geoparquet(released: Path) -> None:
    from tests.duck import duckdb_with

    connection = duckdb_with("spatial")
    count, layers, bonded = connection.execute(
        "select count(*), count(distinct layer), "
        "count(*) filter (where layer = 'bonded_zones' and ST_GeometryType(geometry) in ('POLYGON', 'MULTIPOLYGON')) "
        "from read_parquet(?)", [str(released / "atlas.parquet")]).fetchone()
    sources = {lid: len(_source(lid)["features"]) for lid in LAYER_IDS}
    assert (count, layers, bonded) == (sum(sources.values()), len(LAYER_IDS), sources["bonded_zones"])
    # A bbox filter on the covering column, as a reader over HTTP would push down.
    (inside,) = connection.execute("select count(*) from read_parquet(?) where bbox.xmin > 105 and bbox.xmax < 111 "
                                   "and bbox.ymin > 28 and bbox.ymax < 33", [str(released / "atlas.parquet")]).fetchone()
    assert 0 < inside < count


@pytest.mark.parametrize("layer_id", LAYER_IDS)
def test_flatgeobuf_has_its_spatial_index_and_every_feature(released: Path, layer_id: str) -> None:
    path = released / "layers" / f"{layer_id}.fgb"
    info = pyogrio.read_info(path)
    assert info["capabilities"]["fast_spatial_filter"]  # the packed R-tree is there
    frame = pyogrio.read_dataframe(path)
    features = _source(layer_id)["features"]
    assert sorted(frame["id"]) == sorted(f["properties"]["id"] for f in features)
    magic = path.read_bytes()[:8]
    assert magic[:4] == b"fgb\x03" and magic[4:7] == b"fgb"  # the format's magic bytes, major version 3


def test_pmtiles_holds_every_layer_with_map_attributes_in_its_own_zoom_range(released: Path) -> None:
    from pmtiles.reader import MmapSource, Reader

    path = released / "atlas.pmtiles"
    assert sorted(name for name, _ in pyogrio.list_layers(path)) == LAYER_IDS
    hubs = pyogrio.read_dataframe(path, layer="logistics_hubs")
    assert sorted(hubs["id"]) == sorted(f["properties"]["id"] for f in _source("logistics_hubs")["features"])
    assert {"id", "name_en", "name_zh", "kind", "established"} <= set(hubs.columns)
    with path.open("rb") as file:
        reader = Reader(MmapSource(file))
        header, metadata = reader.header(), reader.metadata()
    assert header["version"] == 3 and header["tile_type"].name == "MVT"
    zooms = {layer["id"]: (layer["minzoom"], layer["maxzoom"]) for layer in metadata["vector_layers"]}
    assert sorted(zooms) == LAYER_IDS
    # Each line's status as its layer file states it (none where the file states none).
    lines = pyogrio.read_dataframe(path, layer="rail_europe", read_geometry=False,
                                   ZOOM_LEVEL=str(zooms["rail_europe"][1]))
    stated = {f["properties"]["id"]: f["properties"].get("status") for f in _source("rail_europe")["features"]}
    assert set(stated.values()) - {None}, "the layer file states no status to compare with"
    assert {row.id: (row.status if isinstance(row.status, str) else None) for row in lines.itertuples()} == stated
    # Continental corridors start zoomed out further than the city's zones.
    assert zooms["rail_europe"][0] < zooms["free_trade_zone"][0]
    assert (header["min_zoom"], header["max_zoom"]) == (min(z[0] for z in zooms.values()),
                                                        max(z[1] for z in zooms.values()))


def test_csv_and_geopackage_read_back_with_every_feature(released: Path) -> None:
    total = sum(len(_source(lid)["features"]) for lid in LAYER_IDS)
    assert len(pyogrio.read_dataframe(released / "atlas.csv")) == total
    tables = sorted(name for name, _ in pyogrio.list_layers(released / "atlas.gpkg"))
    assert tables == LAYER_IDS


def test_checksums_verify_with_sha256sum_and_cover_every_file(released: Path) -> None:
    result = subprocess.run(["sha256sum", "--check", "--strict", "SHA256SUMS"], cwd=released, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    listed = {line.split("  ", 1)[1] for line in (released / "SHA256SUMS").read_text().splitlines()}
    on_disk = {path.relative_to(released).as_posix() for path in released.rglob("*") if path.is_file()}
    assert listed == on_disk - {"SHA256SUMS"}


def test_citation_and_zenodo_carry_the_version_and_its_changelog_date(released: Path) -> None:
    import yaml

    version = _version()
    cff = yaml.safe_load((released / "CITATION.cff").read_text(encoding="utf-8"))
    zenodo = json.loads((released / ".zenodo.json").read_text(encoding="utf-8"))
    assert (str(cff["version"]), str(cff["date-released"])) == (version, _changelog_date(version))
    assert (zenodo["version"], zenodo["publication_date"]) == (version, _changelog_date(version))
    assert zenodo["upload_type"] == "dataset" and zenodo["creators"]
    # The layers traced on OpenStreetMap are named under the ODbL.
    assert "rail_europe" in zenodo["notes"] and "ODbL" in zenodo["notes"]


def test_same_layers_give_a_byte_identical_release(released: Path, tmp_path: Path) -> None:
    result = run_cli("release", "--layers", str(LAYERS_DIR), "--out", str(tmp_path), timeout=600)
    assert result.returncode == 0, result.stderr
    again = tmp_path / released.name
    files = sorted(path.relative_to(released) for path in released.rglob("*") if path.is_file())
    assert files == sorted(path.relative_to(again) for path in again.rglob("*") if path.is_file())
    different = [str(path) for path in files if (released / path).read_bytes() != (again / path).read_bytes()]
    assert different == []


def test_a_version_without_a_dated_changelog_entry_is_refused(tmp_path: Path) -> None:
    from geo.publish.metadata import ReleaseRefused, release_date

    with pytest.raises(ReleaseRefused, match="no entry"):
        release_date("# Data changelog\n\n## [1.0.0]\n", "9.9.9")
    with pytest.raises(ReleaseRefused, match="no date"):
        release_date("# Data changelog\n\n## [1.0.0]\n", "1.0.0")
    assert release_date("## [1.1.1] – 2026-11-23\n", "1.1.1") == "2026-11-23"
