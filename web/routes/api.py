"""Downloads: the catalog, each layer and the whole atlas in GeoJSON, GeoPackage, CSV, KML, FlatGeobuf and
GeoParquet, with filters."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from geo.publish.prepared import ATLAS, ATLAS_FORMATS, MEDIA_TYPES, download, parse_layer_ids
from geo.data.query import (BBOX_DESCRIPTION, BBOX_EXAMPLES, BBOX_PATTERN, MAX_TEXT_LENGTH, STATUS_DESCRIPTION,
                            STATUS_PATTERN, FeatureFilter, make_filter)
from geo.data.i18n import layer_text
from web.deps import LanguageDep, PublishedDep
from web.errors import ErrorResponse
from web.models import Catalog
from web.responses import attachment, prepared_response
from web.urls import layer_download_path

router = APIRouter(prefix="/api", tags=["downloads"])

ERRORS = {400: {"model": ErrorResponse, "description": "Malformed filter"},
          404: {"model": ErrorResponse, "description": "Unknown layer or format"}}
DOWNLOAD_CONTENT = {media_type.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
                    for media_type in MEDIA_TYPES.values()}


# The pattern is stated for clients (and fuzzers) but checked by geo.data.query, whose messages say what is wrong.
BBOX_QUERY = Query(description=BBOX_DESCRIPTION, max_length=200, examples=BBOX_EXAMPLES,
                   json_schema_extra={"pattern": BBOX_PATTERN})


async def feature_filter(
    bbox: Annotated[str | None, BBOX_QUERY] = None,
    kind: Annotated[str | None, Query(description="Feature kind(s), comma-separated", max_length=500)] = None,
    established_from: Annotated[int | None, Query(ge=1800, le=2100, description="Earliest year established (without "
                                                  "an established year: the first year of the feature's own "
                                                  "by-year figures, as on the map's year slider)")] = None,
    established_to: Annotated[int | None, Query(ge=1800, le=2100, description="Latest year established, as "
                                                "established_from (earlier than established_from: no feature "
                                                "matches)")] = None,
    include_undated: Annotated[bool, Query(description="With a year range: also features whose year is not "
                                                       "documented (the map's year slider keeps them)")] = False,
    q: Annotated[str | None, Query(max_length=MAX_TEXT_LENGTH, description="Text the feature's English, Chinese or "
                                   "Persian name, its id or its kind's label (in lang) contains, any case: the map's "
                                   "filter")] = None,
    lang: Annotated[str | None, Query(max_length=64, description="Language of the kind labels q is matched against: "
                                      "en, zh or fa (default en)")] = None,
    ids: Annotated[str | None, Query(max_length=2000, description="Feature ids, comma-separated: only these "
                                     "features (a feature page's downloads)")] = None,
    status: Annotated[str | None, Query(description=STATUS_DESCRIPTION, max_length=200,
                                        json_schema_extra={"pattern": STATUS_PATTERN})] = None,
) -> FeatureFilter:
    return make_filter(bbox, kind, established_from, established_to, include_undated, q, lang, status, ids)


FilterDep = Annotated[FeatureFilter, Depends(feature_filter)]


@router.get("/layers", response_model=Catalog, summary="Catalog of layers with download links")
async def catalog(published: PublishedDep, language: LanguageDep) -> dict:
    layers = []
    for layer in published.atlas.layers:
        entry = layer.catalog_entry()
        entry["title"] = layer_text(layer.spec, "title", language)
        entry["description"] = layer_text(layer.spec, "description", language)
        entry["links"] = {ext: layer_download_path(layer.spec.id, ext) for ext in MEDIA_TYPES}
        layers.append(entry)
    catalog = published.atlas.catalog()
    return {"data_version": catalog["data_version"], "figures": catalog["figures"], "layers": layers,
            "atlas": {ext: layer_download_path(ATLAS, ext) for ext in ATLAS_FORMATS}}


async def _download(request: Request, published: PublishedDep, name: str, extension: str,
                    selection: FeatureFilter, layer_ids: tuple[str, ...] | None = None) -> Response:
    # Unfiltered downloads are prepared bytes (a lookup); filtered ones are encoded off the event loop.
    if selection.is_empty and layer_ids is None:
        prepared = download(published, name, extension, selection)
    else:
        prepared = await run_in_threadpool(download, published, name, extension, selection, layer_ids)
    return prepared_response(request, prepared, attachment(name, extension))


@router.get("/layers/{filename}", response_class=Response, responses={200: {"content": DOWNLOAD_CONTENT}, **ERRORS},
            summary="One layer: {id}.geojson, .gpkg, .csv (WKT geometry), .kml, .fgb or .parquet")
async def layer_download(filename: str, request: Request, published: PublishedDep, selection: FilterDep) -> Response:
    # The id is looked up in the catalog (inside download()), never used as a file path.
    name, _, extension = filename.rpartition(".")
    return await _download(request, published, name, extension, selection)


@router.get("/atlas.{extension}", response_class=Response, responses={200: {"content": DOWNLOAD_CONTENT}, **ERRORS},
            summary="All layers: atlas.geojson (features carry 'layer'), atlas.gpkg (one table per layer), "
            "atlas.parquet or atlas.fgb (one table, column 'layer')")
async def atlas_download(extension: str, request: Request, published: PublishedDep, selection: FilterDep,
                         layers: Annotated[str | None, Query(max_length=500, description="Layer ids, comma-separated "
                                                             "(default: every layer)")] = None) -> Response:
    return await _download(request, published, ATLAS, extension, selection, parse_layer_ids(published, layers))
