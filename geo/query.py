"""Feature selection shared by every output format: bbox (spatially indexed), kind, established range."""

from __future__ import annotations

import math
from dataclasses import dataclass

from shapely.geometry import box

from geo.atlas import AtlasFeature, AtlasLayer
from geo.errors import BadRequest


@dataclass(frozen=True)
class FeatureFilter:
    bbox: tuple[float, float, float, float] | None = None
    kinds: frozenset[str] | None = None
    established_from: int | None = None
    established_to: int | None = None
    # Features without a documented year: left out by a year range unless asked for (as the map's year slider keeps them).
    include_undated: bool = False

    @property
    def is_empty(self) -> bool:
        return self == FeatureFilter()

    def matches_attributes(self, feature: AtlasFeature) -> bool:
        props = feature.properties
        if self.kinds is not None and props["kind"] not in self.kinds:
            return False
        if self.established_from is None and self.established_to is None:
            return True
        year = props.get("established")
        if year is None:
            return self.include_undated
        return (self.established_from is None or year >= self.established_from) and (
            self.established_to is None or year <= self.established_to)


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """``minx,miny,maxx,maxy`` in WGS 84 degrees; a clear 400 for anything else."""
    if text is None:
        return None
    parts = text.split(",")
    if len(parts) != 4:
        raise BadRequest(f"bbox must be four comma-separated numbers minx,miny,maxx,maxy; got {len(parts)} value(s)")
    try:
        values = [float(part) for part in parts]
    except ValueError:
        raise BadRequest("bbox values must be numbers") from None
    if not all(math.isfinite(v) for v in values):
        raise BadRequest("bbox values must be finite numbers (no NaN or infinity)")
    minx, miny, maxx, maxy = values
    if not (-180 <= minx <= 180 and -180 <= maxx <= 180):
        raise BadRequest("bbox longitudes must be within -180..180")
    if not (-90 <= miny <= 90 and -90 <= maxy <= 90):
        raise BadRequest("bbox latitudes must be within -90..90")
    if minx > maxx or miny > maxy:
        raise BadRequest("bbox minimum must not exceed maximum (minx <= maxx and miny <= maxy)")
    return minx, miny, maxx, maxy


def make_filter(bbox: str | None = None, kind: str | None = None, established_from: int | None = None,
                established_to: int | None = None, include_undated: bool = False) -> FeatureFilter:
    if established_from is not None and established_to is not None and established_from > established_to:
        raise BadRequest("established_from must not be later than established_to")
    kinds = frozenset(k.strip() for k in kind.split(",") if k.strip()) if kind else None
    year_range = established_from is not None or established_to is not None
    return FeatureFilter(parse_bbox(bbox), kinds, established_from, established_to, include_undated and year_range)


def select(layer: AtlasLayer, feature_filter: FeatureFilter) -> list[AtlasFeature]:
    """Features of ``layer`` matching the filter, in layer order."""
    if feature_filter.is_empty:
        return list(layer.features)
    if feature_filter.bbox is None:
        candidates = layer.features
    else:
        hits = layer.spatial_index.query(box(*feature_filter.bbox), predicate="intersects")
        candidates = tuple(layer.features[i] for i in sorted(hits))
    return [feature for feature in candidates if feature_filter.matches_attributes(feature)]
