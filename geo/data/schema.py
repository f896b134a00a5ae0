"""The one feature schema shared by every layer, and the registry of documented figures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, create_model, field_validator
from shapely.geometry.base import BaseGeometry

# Every documented figure a feature may carry: property name -> (label, unit). The registry lives in its own module
# because the report gives well over a hundred figures; it is re-exported here as the schema's figure registry.
# Value shapes and their checks: geo.data.figures.
from geo.data.figure_registry import DOCUMENTED_FIGURES

__all__ = ["COMPUTED_FIGURES", "DOCUMENTED_FIGURES", "FeatureProperties", "QUALITY_WORDING", "Source"]

from geo.data.provenance import Dataset

GeometryQuality = Literal["surveyed", "traced", "approximate", "schematic"]
#: Where a corridor or zone stands in its life, as a cited source states it on the date in ``status_as_of``.
Status = Literal["operating", "pilot", "suspended", "under_construction", "planned"]
STATUSES: tuple[str, ...] = ("operating", "pilot", "suspended", "under_construction", "planned")

#: Human wording of each geometry quality, as shown in popups.
QUALITY_WORDING: dict[str, str] = {
    "surveyed": "position surveyed",
    "traced": "geometry traced on a cited reference dataset",
    "approximate": "geometry approximate",
    "schematic": "geometry schematic (not to scale)",
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


class _FeatureBase(BaseModel):
    """Properties of one atlas feature as written in layers/*.geojson, less the documented figures."""

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
                                             "(name, version, licence); see geo/data/provenance.py")
    districts: list[str] | None = Field(default=None, description="Ids of the districts layer's features the "
                                        "zone or point lies in")
    figures_as_of: str | None = Field(default=None, pattern=r"^\d{4}(-\d{2})?(-\d{2})?$")
    figure_notes: dict[str, str] | None = Field(default=None, description="Notes on the feature's figures, by "
                                                "figure name (e.g. that no later figure was found from a citable source)")
    status: Status | None = Field(default=None, description="Lifecycle status (operating, pilot, suspended, "
                                  "under_construction, planned) as a source supporting 'status' states it")
    status_as_of: str | None = Field(default=None, pattern=r"^\d{4}(-\d{2})?(-\d{2})?$",
                                     description="Date the cited source gives the status for")


    @field_validator("name_en", "name_zh", "name_fa")
    @classmethod
    def _not_a_formula(cls, value: str | None) -> str | None:
        # Names end up in CSV downloads, where a spreadsheet would run a cell starting with these as a formula.
        if value is not None and value.startswith(("=", "+", "-", "@")):
            raise ValueError("a name must not begin with =, +, - or @ (a spreadsheet would run it as a formula)")
        return value

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG.match(value):
            raise ValueError("id must be a lowercase kebab-case slug, e.g. 'xiyong-comprehensive-bonded-zone'")
        return value

    def documented_figures(self) -> dict[str, Any]:
        """The documented figures this feature carries, in registry order (any of the four shapes)."""
        return {name: getattr(self, name) for name in DOCUMENTED_FIGURES if getattr(self, name, None) is not None}


# One optional field per registered figure. Values are checked by shape in geo.data.figures (with messages naming the
# field), so the model only takes them as JSON values here.
FeatureProperties = create_model(
    "FeatureProperties",
    __base__=_FeatureBase,
    __doc__="Properties of one atlas feature as written in layers/*.geojson.",
    **{name: (Any, Field(default=None, description=f"{label} ({unit})"))
       for name, (label, unit) in DOCUMENTED_FIGURES.items()},
)


@dataclass(frozen=True)
class ValidFeature:
    """A feature that passed validation: its checked properties and its geometry (as shapely and as read)."""

    properties: FeatureProperties
    geometry: BaseGeometry
    geojson_geometry: dict[str, Any]
