"""OGC API – Features: thin routes over geo.ogc."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from geo import ogc
from geo.query import make_filter
from web.deps import LanguageDep, PublishedDep
from web.errors import ErrorResponse
from web.models import GEOJSON_SCHEMA, Collection, Collections, Conformance, LandingPage

router = APIRouter(prefix="/ogc", tags=["OGC API – Features"])

GEOJSON_RESPONSE = {200: {"content": {"application/geo+json": {"schema": GEOJSON_SCHEMA}}, "description": "GeoJSON"}}
ERRORS = {400: {"model": ErrorResponse, "description": "Bad parameter"},
          404: {"model": ErrorResponse, "description": "Unknown collection or feature"}}


class GeoJSONResponse(JSONResponse):
    media_type = "application/geo+json"


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("", response_model=LandingPage, summary="Landing page")
async def landing(request: Request, language: LanguageDep) -> dict:
    return ogc.landing_page(base_url(request), language)


@router.get("/conformance", response_model=Conformance, summary="Conformance classes")
async def conformance() -> dict:
    return ogc.conformance()


@router.get("/collections", response_model=Collections, summary="The atlas layers as collections")
async def collections(request: Request, published: PublishedDep, language: LanguageDep) -> dict:
    return ogc.collections(base_url(request), published.atlas, language)


@router.get("/collections/{collection_id}", response_model=Collection, responses=ERRORS, summary="One collection")
async def collection(collection_id: str, request: Request, published: PublishedDep, language: LanguageDep) -> dict:
    return ogc.collection(base_url(request), ogc.require_layer(published.atlas, collection_id), language)


@router.get("/collections/{collection_id}/items",
            responses={**GEOJSON_RESPONSE, **ERRORS}, summary="Features of a collection, paged")
async def items(collection_id: str, request: Request, published: PublishedDep,
          bbox: Annotated[str | None, Query(max_length=200, description="minx,miny,maxx,maxy (WGS 84)")] = None,
          limit: Annotated[int, Query(ge=1, le=10_000, description=f"Page size (capped at {ogc.MAX_LIMIT})")] = ogc.DEFAULT_LIMIT,
          offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> GeoJSONResponse:
    layer = ogc.require_layer(published.atlas, collection_id)
    query = {"bbox": bbox} if bbox else {}
    return GeoJSONResponse(ogc.items(base_url(request), layer, make_filter(bbox), limit, offset, query))


@router.get("/collections/{collection_id}/items/{feature_id}",
            responses={**GEOJSON_RESPONSE, **ERRORS}, summary="One feature")
async def item(collection_id: str, feature_id: str, request: Request, published: PublishedDep,
               language: LanguageDep) -> GeoJSONResponse:
    layer = ogc.require_layer(published.atlas, collection_id)
    return GeoJSONResponse(ogc.item(base_url(request), layer, feature_id, language),
                           headers={"Content-Language": language, "Vary": "Accept-Language"})
