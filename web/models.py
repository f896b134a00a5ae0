"""Response models: what /openapi.json promises is what the routes return."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Link(BaseModel):
    href: str
    rel: str
    type: str
    title: str


class LayerLinks(BaseModel):
    geojson: str
    gpkg: str
    csv: str
    kml: str
    fgb: str = Field(description="FlatGeobuf with its spatial index (readers over HTTP fetch only what a bbox needs)")
    parquet: str = Field(description="GeoParquet 1.1 (zstd, bbox covering column, rows in Hilbert order)")


class CatalogLayer(BaseModel):
    id: str
    title: str
    description: str
    group: str
    geometry_types: list[str]
    feature_count: int
    bbox: list[float] = Field(min_length=4, max_length=4)
    attribution: str
    license: str
    links: LayerLinks


class FigureInfo(BaseModel):
    label: str
    unit: str


class Catalog(BaseModel):
    data_version: str = Field(description="Release of the atlas data (see CHANGELOG.md); also in every download")
    figures: dict[str, FigureInfo] = Field(description="Label and unit of each documented figure the layers carry")
    layers: list[CatalogLayer]
    atlas: dict[str, str] = Field(description="Download links for all layers together")


class LandingPage(BaseModel):
    title: str
    description: str
    links: list[Link]


class Conformance(BaseModel):
    links: list[Link] = []
    conformsTo: list[str]


class SpatialExtent(BaseModel):
    bbox: list[list[float]]
    crs: str


class Extent(BaseModel):
    spatial: SpatialExtent


class Collection(BaseModel):
    id: str
    title: str
    description: str
    attribution: str
    license: str
    itemType: str
    crs: list[str]
    storageCrs: str
    extent: Extent
    links: list[Link]


class Collections(BaseModel):
    links: list[Link]
    crs: list[str]
    collections: list[Collection]


class Rejected(BaseModel):
    at: str = Field(description="When the edit was refused (UTC, RFC 3339)")
    reason: str = Field(description="Why: the validation problems, or the failure, shortened")


class Health(BaseModel):
    status: str
    layers: int
    features: int
    data_version: str = Field(description="Release of the atlas data, as in the catalog (see CHANGELOG.md)")
    content_hash: str = Field(description="Content hash of the data served; changes exactly when the data does "
                              "(the ETag of /api/atlas.geojson)")
    published_at: str = Field(description="When this data was published (UTC, RFC 3339)")
    last_rejected: Rejected | None = Field(description="The last layer edit that was refused (still serving the "
                                                       "previous data), if any since start")


GEOJSON_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type"],
    "properties": {"type": {"type": "string", "enum": ["FeatureCollection", "Feature"]}},
}
