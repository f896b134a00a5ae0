"""The derivation's inputs: reviewable TOML files under ``layers/derivation/`` (not layers themselves)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Via = Literal["rail", "sea", "river", "road", "drawn"]


class Waypoint(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    source: str
    via: Via | None = Field(default=None, description="How the leg from the previous waypoint to this one runs")


class Route(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    layer: str
    id: str
    waypoints: list[Waypoint] = Field(min_length=2)


class Place(BaseModel):
    """A zone outline or point placed inside its districts (see places.toml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    layer: str
    id: str
    districts: list[str] = Field(min_length=1)
    how: Literal["district_disc", "riverbank", "amap_outline", "keep"]
    lon: float | None = None
    lat: float | None = None
    parts: list[list[float]] = Field(default_factory=list, description="[lon, lat, share of area] per part")
    bank: Literal["north", "south", "east", "west"] | None = None
    note: str | None = None


class DistrictName(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    adcode: int
    id: str
    name_en: str


class Inputs(BaseModel):
    routes: list[Route]
    places: list[Place]
    districts: list[DistrictName]


def load_inputs(directory: Path) -> Inputs:
    routes = tomllib.loads((directory / "routes.toml").read_text(encoding="utf-8"))
    places = tomllib.loads((directory / "places.toml").read_text(encoding="utf-8"))
    return Inputs(routes=routes.get("route", []), places=places.get("place", []),
                  districts=places.get("district", []))
