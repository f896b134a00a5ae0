"""Route comparisons between places of the corridor network: JSON with legs and sources, or GeoJSON for GIS."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from geo.corridors.route_index import comparison_geojson
from geo.corridors.route_text import localise
from geo.corridors.routes import UnknownPlace
from web.deps import LanguageDep, PublishedDep
from web.errors import ErrorResponse

router = APIRouter(prefix="/api", tags=["routes"])

ERRORS = {400: {"model": ErrorResponse, "description": "Missing or unknown place; the message lists valid places"},
          404: {"model": ErrorResponse, "description": "Unknown place; the message lists valid places"}}
PLACE = "Place id or name (English or Chinese), case-insensitive, e.g. 'chongqing' or 'Duisburg'"


class Place(BaseModel):
    id: str
    name_en: str
    name_zh: str | None
    name_fa: str | None = None
    name: str | None = Field(None, description="The name in the language asked for (the English name, marked, "
                                               "where the data has none)")
    kind: str = Field(description="city_terminal, sea_port, river_port, border_crossing, junction or line_end")
    country: str | None
    coordinates: list[float] = Field(description="lon, lat (WGS 84)")


class SourceRef(BaseModel):
    model_config = ConfigDict(extra="allow")

    title: str
    url: str


class Figure(BaseModel):
    """A documented figure as the layers state it (number, qualified value, range or series), with its sources."""

    model_config = ConfigDict(extra="allow")

    name: str
    label: str
    unit: str
    value: Any
    as_of: str | None
    sources: list[SourceRef]


class Estimate(BaseModel):
    min: float | None
    max: float | None
    basis: str = Field(description="documented, estimated or unknown")
    method: str
    sources: list[SourceRef]
    value_as_written: Any = None
    speed_km_per_day: list[float] | None = Field(None, description="Estimated: the speeds used, min and max")
    speed_method: str | None = Field(None, description="Estimated: how the speed was found, as its source says")


class Total(BaseModel):
    min: float | None
    max: float | None
    complete: bool = Field(description="false when some leg has no figure (the total is then a lower bound)")
    basis: str


class Leg(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    corridor_id: str
    corridor_name: str = Field(description="In the language asked for (the English name, marked, where the data "
                                           "has none)")
    corridor_name_zh: str | None = None
    corridor_name_fa: str | None = None
    layer: str
    kind: str
    mode: str = Field(description="rail, sea, river, road or rail_road")
    origin: Place = Field(alias="from")
    to: Place
    via: list[str]
    length_km: float
    share_of_corridor: float
    geometry_quality: str | None
    transit_days: Estimate
    co2_kg_per_tonne: Estimate | None
    traffic: list[Figure]
    comparison: list[Figure]
    geometry: dict[str, Any] = Field(description="GeoJSON LineString of the leg")


class Route(BaseModel):
    id: str
    rank: int
    label: str = Field(description="In the language asked for, written from label_parts")
    label_parts: dict[str, Any] = Field(description="modes, stops (places) and the corridor telling twin routes apart")
    total_km: float
    transit_days: Total
    co2_kg_per_tonne: Total
    corridors: list[str]
    legs: list[Leg]
    documented_comparisons: list[Figure] | None = None


class RouteComparison(BaseModel):
    """Alternatives ranked shortest first; each with legs, figures, sources and GeoJSON geometry per leg."""

    model_config = ConfigDict(populate_by_name=True)

    origin: Place = Field(alias="from")
    to: Place
    lang: str = Field(description="Language of labels and names: en, zh or fa")
    ranking: str
    alternatives: list[Route]
    notes: list[str]
    emission_factors: list[dict[str, Any]]


def _unknown(status: int, exc: UnknownPlace) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": str(exc),
                                   "valid_places": [node.id for node in exc.valid]}}, status_code=status)


async def _compare(published: PublishedDep, origin: str, destination: str, language: str) -> dict[str, Any]:
    result = await run_in_threadpool(published.routes.compare, origin, destination)
    return localise(result, language)


def _language_headers(language: str) -> dict[str, str]:
    return {"Content-Language": language, "Vary": "Accept-Language"}


@router.get("/routes", response_model=RouteComparison, responses=ERRORS,
            summary="Compare the routes between two places: distance, transit days, CO2 estimate, documented traffic")
async def compare_routes(
    published: PublishedDep,
    language: LanguageDep,
    origin: Annotated[str | None, Query(alias="from", max_length=120, description=PLACE,
                                        examples=["chongqing"])] = None,
    destination: Annotated[str | None, Query(alias="to", max_length=120, description=PLACE,
                                             examples=["duisburg"])] = None,
) -> Any:
    try:
        if origin is None or destination is None:
            raise UnknownPlace("" if origin is None else destination or "", published.routes.network.named_nodes())
        result = await _compare(published, origin, destination, language)
    except UnknownPlace as exc:
        return _unknown(400, exc)
    return JSONResponse(result, headers=_language_headers(language))


@router.get("/routes/{origin}/{destination}.geojson", response_class=JSONResponse, responses={
    200: {"content": {"application/geo+json": {"schema": {"type": "object"}}}, "description": "One feature per leg"},
    **ERRORS}, summary="The compared routes as GeoJSON, one LineString feature per leg")
async def routes_geojson(published: PublishedDep, language: LanguageDep, origin: str, destination: str) -> Any:
    try:
        result = await _compare(published, origin, destination, language)
    except UnknownPlace as exc:
        return _unknown(404, exc)
    return JSONResponse(comparison_geojson(result), media_type="application/geo+json",
                        headers={**_language_headers(language), "Content-Disposition": f'inline; filename="routes-{result["from"]["id"]}-'
                                                        f'{result["to"]["id"]}.geojson"'})
