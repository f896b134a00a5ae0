"""The one feature schema shared by every layer, and the registry of documented figures."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator

from geo.provenance import Dataset

GeometryQuality = Literal["surveyed", "traced", "approximate", "schematic"]

#: Human wording of each geometry quality, as shown in popups.
QUALITY_WORDING: dict[str, str] = {
    "surveyed": "position surveyed",
    "traced": "geometry traced on a cited reference dataset",
    "approximate": "geometry approximate",
    "schematic": "geometry schematic (not to scale)",
}

# Every documented figure a feature may carry: property name -> (label, unit).
# Units live in the name *and* here, so popups and downloads say the same thing.
DOCUMENTED_FIGURES: dict[str, tuple[str, str]] = {
    "documented_area_km2": ("Documented area", "km²"),
    "documented_built_area_km2": ("Documented built-up area", "km²"),
    "documented_floor_area_m2": ("Documented floor space", "m²"),
    "documented_length_km": ("Documented length", "km"),
    "trips_total": ("Train trips (cumulative)", "trips"),
    "teu_total": ("Containers carried (cumulative)", "TEU"),
    "cargo_value_total_bn_cny": ("Cargo value (cumulative)", "billion CNY"),
    "ports_connected": ("Ports reached", "ports"),
    "countries_regions_connected": ("Countries and regions reached", "countries/regions"),
    "enterprises_count": ("Enterprises", "enterprises"),
    "fortune500_count": ("Fortune Global 500 companies", "companies"),
    "national_rank": ("National university rank", "rank"),
    "city_rank": ("Rank among Chongqing universities", "rank"),
}

# Values computed at build time; never written by hand in layers/.
COMPUTED_FIGURES: dict[str, tuple[str, str]] = {
    "area_km2": ("Computed area (geodesic)", "km²"),
    "length_km": ("Computed length (geodesic)", "km"),
}

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=3)
    url: HttpUrl
    report_ref: int | None = Field(default=None, ge=1, description="Number in the report's reference list")
    supports: list[str] = Field(default_factory=list, description="Properties whose values this source backs")

    @field_validator("url")
    @classmethod
    def _http_only(cls, url: HttpUrl) -> HttpUrl:
        # Source links end up as <a href>; anything but http(s) is refused at the door.
        if url.scheme not in ("http", "https"):
            raise ValueError("source URL must be http(s)")
        return url


class FeatureProperties(BaseModel):
    """Properties of one atlas feature as written in layers/*.geojson."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(description="Stable slug, unique across the atlas")
    name_en: str = Field(min_length=2)
    name_zh: str = Field(min_length=1)
    name_fa: str | None = Field(default=None, description="Persian name as the report writes it")
    kind: str
    established: int | None = Field(default=None, ge=1800, le=2100)
    description_en: str = Field(min_length=10)
    geometry_quality: GeometryQuality
    geometry_note: str = Field(min_length=10)
    sources: list[Source] = Field(min_length=1)
    geometry_datasets: list[Dataset] = Field(default_factory=list, description="Datasets the geometry comes from "
                                             "(name, version, licence); see geo/provenance.py")
    districts: list[str] | None = Field(default=None, description="Ids of the districts layer's features the "
                                        "zone or point lies in")
    figures_as_of: str | None = Field(default=None, pattern=r"^\d{4}(-\d{2})?(-\d{2})?$")

    documented_area_km2: float | None = Field(default=None, gt=0)
    documented_built_area_km2: float | None = Field(default=None, gt=0)
    documented_floor_area_m2: float | None = Field(default=None, gt=0)
    documented_length_km: float | None = Field(default=None, gt=0)
    trips_total: int | None = Field(default=None, ge=0)
    teu_total: int | None = Field(default=None, ge=0)
    cargo_value_total_bn_cny: float | None = Field(default=None, ge=0)
    ports_connected: int | None = Field(default=None, ge=0)
    countries_regions_connected: int | None = Field(default=None, ge=0)
    enterprises_count: int | None = Field(default=None, ge=0)
    fortune500_count: int | None = Field(default=None, ge=0)
    national_rank: int | None = Field(default=None, ge=1)
    city_rank: int | None = Field(default=None, ge=1)

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG.match(value):
            raise ValueError("id must be a lowercase kebab-case slug, e.g. 'xiyong-comprehensive-bonded-zone'")
        return value

    def documented_figures(self) -> dict[str, float | int]:
        """The documented figures this feature carries, in registry order."""
        return {name: getattr(self, name) for name in DOCUMENTED_FIGURES if getattr(self, name) is not None}
