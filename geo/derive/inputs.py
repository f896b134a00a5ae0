"""The derivation's inputs: reviewable TOML files under ``layers/derivation/`` (not layers themselves)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from geo.data.registry import LAYERS_BY_ID

Via = Literal["rail", "sea", "river", "road", "drawn"]


class InputsInvalid(ValueError):
    """The derivation inputs are unreadable or name something that does not exist; every problem, one a line."""


def _registered_layer(layer_id: str) -> str:
    # Layer files are found through the registry, never by building a path from this text.
    if layer_id not in LAYERS_BY_ID:
        raise ValueError(f"{layer_id!r} is not a layer of the atlas (one of {', '.join(sorted(LAYERS_BY_ID))})")
    return layer_id


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

    _layer_is_registered = field_validator("layer")(_registered_layer)


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

    _layer_is_registered = field_validator("layer")(_registered_layer)


class DistrictName(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    adcode: int
    id: str
    name_en: str


class Inputs(BaseModel):
    routes: list[Route]
    places: list[Place]
    districts: list[DistrictName]


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputsInvalid(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputsInvalid(f"{path}: is not valid TOML: {exc}") from None


def _items(path: Path, table: dict[str, Any], key: str, model: type[BaseModel], problems: list[str]) -> list[Any]:
    """Each ``[[key]]`` entry checked; a problem names the file, the entry (number and id) and the field."""
    entries = table.get(key, [])
    if not isinstance(entries, list):
        problems.append(f"{path}: {key}: must be a list of [[{key}]] tables")
        return []
    items = []
    for number, raw in enumerate(entries, start=1):
        label = f"[[{key}]] #{number}" + (f" (id {raw['id']!r})" if isinstance(raw, dict) and "id" in raw else "")
        try:
            items.append(model.model_validate(raw))
        except ValidationError as exc:
            for error in exc.errors():
                field = ".".join(str(part) for part in error["loc"]) or "(the entry)"
                problems.append(f"{path}: {label}: {field}: {error['msg']}")
    return items


def load_inputs(directory: Path) -> Inputs:
    """routes.toml and places.toml, checked; raises ``InputsInvalid`` with every problem found."""
    routes_path, places_path = directory / "routes.toml", directory / "places.toml"
    routes, places = _read_toml(routes_path), _read_toml(places_path)
    problems: list[str] = []
    inputs = Inputs(routes=_items(routes_path, routes, "route", Route, problems),
                    places=_items(places_path, places, "place", Place, problems),
                    districts=_items(places_path, places, "district", DistrictName, problems))
    known_districts = {district.id for district in inputs.districts}
    for place in inputs.places:
        for unknown in sorted(set(place.districts) - known_districts):
            problems.append(f"{places_path}: [[place]] (id {place.id!r}): districts: {unknown!r} is not a "
                            "[[district]] of places.toml")
    if problems:
        raise InputsInvalid("\n".join(problems))
    return inputs
