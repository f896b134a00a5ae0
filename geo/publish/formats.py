"""Download formats written by GDAL (through pyogrio), so each opens in QGIS as it is."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pyogrio

from geo.data.atlas import AtlasFeature
from geo.data.figures import as_text, figure_columns_of
from geo.data.registry import DATA_RELEASED, DATA_VERSION
from geo.data.schema import COMPUTED_FIGURES, DOCUMENTED_FIGURES, FeatureProperties


def dump_geojson(data: dict) -> bytes:
    # Compact separators: these files are downloaded; ensure_ascii=False keeps Chinese and Persian readable.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class Format:
    extension: str
    media_type: str
    driver: str | None  # None: serialised by the atlas itself (GeoJSON)
    layer_options: tuple[tuple[str, str], ...] = ()
    dataset_options: tuple[tuple[str, str], ...] = ()
    # Column the feature id is written to: KML reserves "id" for its own placemark ids.
    id_column: str = "id"
    # Whether the format has a metadata place for the data version (else it goes in a column).
    metadata: bool = False


FORMATS: dict[str, Format] = {
    "geojson": Format("geojson", "application/geo+json", None),
    "gpkg": Format("gpkg", "application/geopackage+sqlite3", "GPKG", metadata=True),
    # FlatGeobuf with its packed R-tree, so readers over HTTP fetch only the features a bbox needs.
    "fgb": Format("fgb", "application/vnd.flatgeobuf", "FlatGeobuf", (("SPATIAL_INDEX", "YES"),)),
    "csv": Format("csv", "text/csv; charset=utf-8", "CSV", (("GEOMETRY", "AS_WKT"), ("CREATE_CSVT", "NO"))),
    "kml": Format("kml", "application/vnd.google-earth.kml+xml", "KML",
                  dataset_options=(("NameField", "name_en"), ("DescriptionField", "description_en")),
                  id_column="atlas_id"),
}

# Table columns: the base schema fields, then the layer's documented figures, then the computed figures.
BASE_COLUMNS: tuple[str, ...] = tuple(name for name in FeatureProperties.model_fields if name not in DOCUMENTED_FIGURES)
# Formats without a metadata place of their own (CSV, KML) carry the data version as a column.
VERSION_COLUMN = "data_version"


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


BASE_DTYPES = {name: _column_dtype(name) for name in BASE_COLUMNS}


def feature_collection(features: Iterable[AtlasFeature], *, with_layer: bool = False) -> dict:
    return {"type": "FeatureCollection", "data_version": DATA_VERSION,
            "features": [f.to_geojson(with_layer=with_layer) for f in features]}


def _flat(value: object) -> object:
    """Lists and objects (sources, geometry datasets, districts) become compact JSON text in flat tables."""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def to_frame(features: Sequence[AtlasFeature], figure_columns: dict[str, bool] | None = None,
             *, version_column: bool = False) -> gpd.GeoDataFrame:
    """Flat table: lists and objects (sources, geometry datasets, districts) and non-scalar figures become compact JSON text; a figure column whose values are all
    plain numbers stays numeric."""
    figures = figure_columns_of(features) if figure_columns is None else figure_columns
    columns = [*BASE_COLUMNS, *figures, *COMPUTED_FIGURES]
    dtypes = {**BASE_DTYPES, **{name: "Float64" if numeric else "object" for name, numeric in figures.items()},
              **{name: "Float64" for name in COMPUTED_FIGURES}}
    rows = []
    for feature in features:
        row = {column: feature.properties.get(column) for column in columns}
        for column in BASE_COLUMNS:
            row[column] = _flat(row[column])
        for name, numeric in figures.items():
            if not numeric and row[name] is not None:
                row[name] = as_text(row[name])
        rows.append(row)
    frame = gpd.GeoDataFrame(rows, columns=columns, geometry=[f.geometry for f in features], crs="EPSG:4326")
    frame = frame.astype(dtypes)
    if version_column:
        frame.insert(0, VERSION_COLUMN, DATA_VERSION)
    return frame


# A spreadsheet opening a CSV runs a cell that begins with one of these as a formula (OWASP, "CSV Injection"):
# such text cells get a leading apostrophe, which spreadsheets show as text and never evaluate.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _neutralised(value: object) -> object:
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def neutralise_formulas(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Text columns with every would-be formula made plain text (numbers keep their sign: they are not text)."""
    frame = frame.copy()
    for column in frame.columns:
        if column != frame.geometry.name and frame[column].dtype == object:
            frame[column] = frame[column].map(_neutralised)
    return frame


# Every GeoPackage is written to a scratch file and read back whole: SQLite's wait for the disk after each
# transaction (about 50 ms each, most of the time a GeoPackage takes) protects nothing there.
pyogrio.set_gdal_config_options({"OGR_SQLITE_SYNCHRONOUS": "OFF"})
# A GeoPackage records when it was written (``gpkg_contents.last_change``): the data's release date instead, so the
# same data gives the same bytes, and the same ETag from every server process (range reads may hop between them).
GEOPACKAGE_DATE = f"{DATA_RELEASED}T00:00:00Z"
pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": GEOPACKAGE_DATE})


def _write(frame: gpd.GeoDataFrame, path: Path, fmt: Format, layer_name: str, append: bool = False) -> None:
    # GeoPackage keeps the data version in its metadata tables (dataset and layer), where GDAL and QGIS show it.
    metadata = {"DATA_VERSION": DATA_VERSION} if fmt.metadata else None
    pyogrio.write_dataframe(
        frame, path, layer=layer_name, driver=fmt.driver, append=append,
        layer_options=dict(fmt.layer_options) or None, dataset_options=dict(fmt.dataset_options) or None,
        dataset_metadata=None if append else metadata, layer_metadata=metadata,
    )


def encode_frame(frame: gpd.GeoDataFrame, fmt: Format, layer_name: str) -> bytes:
    """A table made by ``to_frame`` in one GDAL format (the data version as metadata where the format has a place)."""
    with tempfile.TemporaryDirectory(prefix="cqatlas-") as scratch:
        path = Path(scratch) / f"{layer_name}.{fmt.extension}"
        if not fmt.metadata and VERSION_COLUMN not in frame.columns:
            frame = frame.copy()
            frame.insert(0, VERSION_COLUMN, DATA_VERSION)
        if fmt.extension == "csv":
            frame = neutralise_formulas(frame)
        _write(frame.rename(columns={"id": fmt.id_column}), path, fmt, layer_name)
        return path.read_bytes()


def encode(features: Sequence[AtlasFeature], fmt: Format, layer_name: str,
           figure_columns: dict[str, bool] | None = None) -> bytes:
    """One layer (or a selection of it) in one format; pass the layer's ``figure_columns`` for stable columns."""
    if fmt.driver is None:
        return dump_geojson(feature_collection(features))
    return encode_frame(to_frame(features, figure_columns), fmt, layer_name)


def encode_geopackage(tables: dict[str, tuple[Sequence[AtlasFeature], dict[str, bool] | None]]) -> bytes:
    """One GeoPackage, one table per layer: name -> (features, the layer's figure columns)."""
    fmt = FORMATS["gpkg"]
    with tempfile.TemporaryDirectory(prefix="cqatlas-") as scratch:
        path = Path(scratch) / "atlas.gpkg"
        for name, (features, figure_columns) in tables.items():
            _write(to_frame(features, figure_columns), path, fmt, name, append=path.exists())
        return path.read_bytes()
