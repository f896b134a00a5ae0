"""Download formats written by GDAL (through pyogrio), so each opens in QGIS as it is."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pyogrio

from geo.atlas import AtlasFeature
from geo.build import dump_geojson
from geo.schema import COMPUTED_FIGURES, FeatureProperties


@dataclass(frozen=True)
class Format:
    extension: str
    media_type: str
    driver: str | None  # None: serialised by the atlas itself (GeoJSON)
    layer_options: tuple[tuple[str, str], ...] = ()
    dataset_options: tuple[tuple[str, str], ...] = ()
    # Column the feature id is written to: KML reserves "id" for its own placemark ids.
    id_column: str = "id"


FORMATS: dict[str, Format] = {
    "geojson": Format("geojson", "application/geo+json", None),
    "gpkg": Format("gpkg", "application/geopackage+sqlite3", "GPKG"),
    "csv": Format("csv", "text/csv; charset=utf-8", "CSV", (("GEOMETRY", "AS_WKT"), ("CREATE_CSVT", "NO"))),
    "kml": Format("kml", "application/vnd.google-earth.kml+xml", "KML",
                  dataset_options=(("NameField", "name_en"), ("DescriptionField", "description_en")),
                  id_column="atlas_id"),
}

# Stable column order for tables: the schema's fields, then the computed figures.
COLUMNS: tuple[str, ...] = (*FeatureProperties.model_fields, *COMPUTED_FIGURES)


def _column_dtype(name: str) -> str:
    """Nullable numeric types, so GIS tools see numbers (not text) even where values are missing."""
    if name in COMPUTED_FIGURES:
        return "Float64"
    annotation = str(FeatureProperties.model_fields[name].annotation)
    if "int" in annotation:
        return "Int64"
    if "float" in annotation:
        return "Float64"
    return "object"


COLUMN_DTYPES = {name: _column_dtype(name) for name in COLUMNS}


def feature_collection(features: Iterable[AtlasFeature], *, with_layer: bool = False) -> dict:
    return {"type": "FeatureCollection", "features": [f.to_geojson(with_layer=with_layer) for f in features]}


def _flat(value: object) -> object:
    """Lists and objects (sources, geometry datasets, districts) become compact JSON text in flat tables."""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def to_frame(features: Sequence[AtlasFeature]) -> gpd.GeoDataFrame:
    """Flat table: nested values become JSON text columns; every schema column is present."""
    rows = []
    for feature in features:
        row = {column: _flat(feature.properties.get(column)) for column in COLUMNS}
        rows.append(row)
    frame = gpd.GeoDataFrame(rows, columns=list(COLUMNS), geometry=[f.geometry for f in features], crs="EPSG:4326")
    return frame.astype(COLUMN_DTYPES)


def _write(frame: gpd.GeoDataFrame, path: Path, fmt: Format, layer_name: str, append: bool = False) -> None:
    pyogrio.write_dataframe(
        frame, path, layer=layer_name, driver=fmt.driver, append=append,
        layer_options=dict(fmt.layer_options) or None, dataset_options=dict(fmt.dataset_options) or None,
    )


def encode(features: Sequence[AtlasFeature], fmt: Format, layer_name: str) -> bytes:
    if fmt.driver is None:
        return dump_geojson(feature_collection(features))
    with tempfile.TemporaryDirectory(prefix="cqatlas-") as scratch:
        path = Path(scratch) / f"{layer_name}.{fmt.extension}"
        _write(to_frame(features).rename(columns={"id": fmt.id_column}), path, fmt, layer_name)
        return path.read_bytes()


def encode_geopackage(tables: dict[str, Sequence[AtlasFeature]]) -> bytes:
    """One GeoPackage, one table per layer."""
    fmt = FORMATS["gpkg"]
    with tempfile.TemporaryDirectory(prefix="cqatlas-") as scratch:
        path = Path(scratch) / "atlas.gpkg"
        for name, features in tables.items():
            _write(to_frame(features), path, fmt, name, append=path.exists())
        return path.read_bytes()
