"""GeoParquet 1.1: the table every other flat format carries, stored for readers that query it in place.

Columns are those of the other table formats (``geo.publish.formats.to_frame``): numbers stay numbers, and what is
not a plain number — lists (sources, geometry datasets, districts) and figures given as a qualified value, a range or
a series — is compact JSON text, so no value is lost and every reader (DuckDB, pandas, QGIS) can parse it back.
Rows are ordered along a Hilbert curve over the table's extent, so each row group covers a compact area and its
``bbox`` column statistics let a reader skip the rest.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import geopandas as gpd
import numpy as np

from geo.data.atlas import AtlasFeature
from geo.publish.formats import VERSION_COLUMN, to_frame

MEDIA_TYPE = "application/vnd.apache.parquet"
# Small row groups: a layer of thousands of features still splits into groups a reader can skip by bbox.
ROW_GROUP_SIZE = 1024


def spatially_sorted(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Rows in Hilbert order of their bbox centres; ties keep the id order, so the order never depends on chance."""
    if frame.empty:
        return frame
    distance = frame.geometry.hilbert_distance(total_bounds=frame.total_bounds, level=16).to_numpy()
    order = np.lexsort((frame["id"].to_numpy(dtype=str), distance))
    return frame.iloc[order].reset_index(drop=True)


def layer_frame(features: Sequence[AtlasFeature], figure_columns: dict[str, bool] | None,
                *, with_layer: bool = False) -> gpd.GeoDataFrame:
    """The table of ``features`` (with a ``layer`` column for the whole atlas), data version first."""
    frame = to_frame(features, figure_columns, version_column=True)
    if with_layer:
        frame.insert(1, "layer", [feature.layer_id for feature in features])
    return frame


def encode_geoparquet(frame: gpd.GeoDataFrame) -> bytes:
    """GeoParquet 1.1 bytes: zstd, a ``bbox`` covering column, geo metadata (CRS, geometry types, bbox)."""
    buffer = io.BytesIO()
    spatially_sorted(frame).to_parquet(buffer, index=False, compression="zstd", schema_version="1.1.0",
                                       write_covering_bbox=True, row_group_size=ROW_GROUP_SIZE)
    return buffer.getvalue()


__all__ = ["MEDIA_TYPE", "VERSION_COLUMN", "encode_geoparquet", "layer_frame", "spatially_sorted"]
