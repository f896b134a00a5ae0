"""OGC API – Features: thin routes over geo.ogc.documents (documents) and geo.ogc.params (parameters)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from geo.ogc import documents as ogc
from geo.ogc.crs import SUPPORTED_CRS
from geo.ogc.filtering import FILTER_LANGS
from geo.data.query import MAX_TEXT_LENGTH
from geo.ogc.params import (DEFAULT_LIMIT, FORMAT_PARAMETER, FORMAT_VALUES, MAX_LIMIT, parse_format, parse_item_query,
                            parse_items_query, reject_unknown)
from geo.pages.ogc_html import ogc_page
from geo.publish.prepared import prepare
from web.deps import LanguageDep, PublishedDep
from web.errors import OgcException
from web.models import GEOJSON_SCHEMA, Collection, Collections, Conformance, LandingPage
from web.negotiation import prefers_html
from web.responses import prepared_response
from web.routes.pages import site_for
from web.urls import urls_for

router = APIRouter(prefix="/ogc", tags=["OGC API – Features"])

HTML_CONTENT = {"text/html": {"schema": {"type": "string"}}}
GEOJSON_RESPONSE = {200: {"content": {"application/geo+json": {"schema": GEOJSON_SCHEMA}, **HTML_CONTENT},
                          "description": "GeoJSON, or an HTML page (f=html, or a browser's Accept)"}}
HTML_ALTERNATIVE = {200: {"content": HTML_CONTENT, "description": "JSON, or an HTML page (f=html, or a browser's Accept)"}}
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": OgcException, "description": "Bad parameter"},
    404: {"model": OgcException, "description": "Unknown collection or feature"}}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "style": "form", "explode": False,
            "schema": schema, "description": description}


CRS_SCHEMA = {"type": "string", "format": "uri", "enum": list(SUPPORTED_CRS)}
# The parameters as OGC API – Features Parts 1–3 define them (the routes parse them; the standard fixes the form),
# and q, the atlas's text search.
ITEMS_PARAMETERS = [
    _query("limit", {"type": "integer", "minimum": 1, "maximum": 10_000, "default": DEFAULT_LIMIT},
           f"Page size; pages hold at most {MAX_LIMIT} features."),
    _query("offset", {"type": "integer", "minimum": 0, "default": 0}, "Features to skip (paging)."),
    _query("bbox", {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
           "Features intersecting minx,miny,maxx,maxy (six numbers with heights), in bbox-crs (CRS84 by default). "
           "The lower corner comes first: miny above maxy (latitudes swapped) is refused with 400, and so is any "
           "minimum above its maximum in a bbox-crs other than CRS84; in CRS84, minx above maxx crosses the "
           "antimeridian. These orderings are rules the schema cannot state."),
    _query("bbox-crs", CRS_SCHEMA, "CRS of bbox."),
    _query("datetime", {"type": "string"}, "RFC 3339 instant or interval (../2015-01-01); matched against the "
           "year a feature was established; features without one are always included."),
    _query("crs", CRS_SCHEMA, "CRS of the returned geometries."),
    _query("filter", {"type": "string", "minLength": 1},
           "CQL2 filter expression over the collection's queryables (leave it out to select every feature)."),
    _query("filter-lang", {"type": "string", "enum": list(FILTER_LANGS), "default": "cql2-text"},
           "Language of filter."),
    _query("filter-crs", CRS_SCHEMA, "CRS of geometry literals in filter."),
    _query("q", {"type": "string", "maxLength": MAX_TEXT_LENGTH},
           "Text search: features whose English, Chinese or Persian name, id or kind label (in lang, else English) "
           "holds every word of the text, in any order, any case, dashes and punctuation as spaces (as the map's "
           "search and the downloads' q)."),
]
FORMAT_QUERY = _query(FORMAT_PARAMETER, {"type": "string", "enum": list(FORMAT_VALUES)},
                      "Encoding of the response: json (JSON or GeoJSON) or html (a page); without it, the Accept "
                      "header decides (browsers get HTML, other clients JSON).")
ITEMS_PARAMETERS.append(FORMAT_QUERY)


class OgcJSON(JSONResponse):
    media_type = "application/json"


class GeoJSONResponse(JSONResponse):
    media_type = "application/geo+json"


class SchemaJSONResponse(JSONResponse):
    media_type = "application/schema+json"


LANGUAGE_PARAMETER = "lang"  # web.deps.get_language: titles and descriptions in that language


def _language(language: str) -> dict[str, str]:
    return {"Content-Language": language, "Vary": "Accept, Accept-Language"}


def _wants_html(request: Request) -> bool:
    """``f=html`` or ``f=json`` decides; without it the Accept header does (OGC API – Features 7.8)."""
    chosen = parse_format(request.query_params.get(FORMAT_PARAMETER))
    return chosen == "html" if chosen else prefers_html(request.headers.get("accept"))


def _html_or_none(request: Request) -> bool:
    reject_unknown(set(request.query_params), {LANGUAGE_PARAMETER, FORMAT_PARAMETER})
    return _wants_html(request)


async def _html(request: Request, published: PublishedDep, kind: str, document: dict[str, Any], language: str,
                layer: Any = None) -> Response:
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    text = await run_in_threadpool(ogc_page, site_for(request, published), kind, document, language, path, layer)
    response = prepared_response(request, prepare(text.encode("utf-8"), "text/html; charset=utf-8"))
    response.headers.update(_language(language))
    return response


PAGE_PARAMETERS = {"parameters": [FORMAT_QUERY]}


@router.get("", response_model=LandingPage, responses={**HTML_ALTERNATIVE, 400: ERRORS[400]}, summary="Landing page",
            openapi_extra=PAGE_PARAMETERS)
async def landing(request: Request, published: PublishedDep, language: LanguageDep) -> Response:
    document = ogc.landing_page(urls_for(request), language)
    if _html_or_none(request):
        return await _html(request, published, "landing", document, language)
    return OgcJSON(document, headers=_language(language))


# {root}/ answers with the same document: clients that join paths onto "{root}/" must not meet a redirect.
router.add_api_route("/", landing, methods=["GET"], include_in_schema=False)


@router.get("/conformance", response_model=Conformance, responses={**HTML_ALTERNATIVE, 400: ERRORS[400]},
            summary="Conformance classes", openapi_extra=PAGE_PARAMETERS)
async def conformance(request: Request, published: PublishedDep, language: LanguageDep) -> Response:
    document = ogc.conformance(urls_for(request))
    if _html_or_none(request):
        return await _html(request, published, "conformance", document, language)
    return OgcJSON(document, headers={"Vary": "Accept"})


@router.get("/collections", response_model=Collections, responses={**HTML_ALTERNATIVE, 400: ERRORS[400]},
            summary="The atlas layers as collections", openapi_extra=PAGE_PARAMETERS)
async def collections(request: Request, published: PublishedDep, language: LanguageDep) -> Response:
    document = ogc.collections(urls_for(request), published.atlas, language)
    if _html_or_none(request):
        return await _html(request, published, "collections", document, language)
    return OgcJSON(document, headers=_language(language))


@router.get("/collections/{collection_id}", response_model=Collection, responses={**HTML_ALTERNATIVE, **ERRORS},
            summary="One collection", openapi_extra=PAGE_PARAMETERS)
async def collection(collection_id: str, request: Request, published: PublishedDep, language: LanguageDep) -> Response:
    layer = ogc.require_layer(published.atlas, collection_id)
    document = ogc.collection(urls_for(request), layer, language)
    if _html_or_none(request):
        return await _html(request, published, "collection", document, language, layer)
    return OgcJSON(document, headers=_language(language))


@router.get("/collections/{collection_id}/queryables", summary="Queryable properties (JSON Schema)",
            responses={200: {"content": {"application/schema+json": {"schema": {"type": "object"}}},
                             "description": "JSON Schema"}, **ERRORS})
async def queryables(collection_id: str, request: Request, published: PublishedDep) -> SchemaJSONResponse:
    reject_unknown(set(request.query_params), {LANGUAGE_PARAMETER})
    layer = ogc.require_layer(published.atlas, collection_id)
    return SchemaJSONResponse(ogc.queryables(urls_for(request), layer))


def _link_header(links: list[tuple[str, str, str]]) -> str:
    return ", ".join(f'<{href}>; rel="{rel}"; type="{media_type}"' for href, rel, media_type in links)


@router.get("/collections/{collection_id}/items", responses={**GEOJSON_RESPONSE, **ERRORS},
            summary="Features of a collection, paged and filtered", openapi_extra={"parameters": ITEMS_PARAMETERS})
async def items(collection_id: str, request: Request, published: PublishedDep, language: LanguageDep) -> Response:
    layer = ogc.require_layer(published.atlas, collection_id)
    # Parsing a filter waits for a parser process, filters and reprojection are CPU work: all off the event loop.
    query = await run_in_threadpool(parse_items_query, request.query_params,
                                    request.app.state.settings.ogc_page_limit)
    urls = urls_for(request)
    document = await run_in_threadpool(ogc.items, urls, layer, query)
    if _wants_html(request):
        return await _html(request, published, "items", document, language, layer)
    self_href = next(link["href"] for link in document["links"] if link["rel"] == "self")
    headers = {"Content-Crs": f"<{query.crs.uri}>",
               "Link": _link_header([(self_href, "self", ogc.GEOJSON),
                                     (urls.queryables(collection_id), ogc.QUERYABLES_REL, ogc.SCHEMA_JSON)]),
               "Vary": "Accept"}
    return GeoJSONResponse(document, headers=headers)


@router.get("/collections/{collection_id}/items/{feature_id}", responses={**GEOJSON_RESPONSE, **ERRORS},
            summary="One feature", openapi_extra={"parameters": [ITEMS_PARAMETERS[5], FORMAT_QUERY]})
async def item(collection_id: str, feature_id: str, request: Request, published: PublishedDep,
               language: LanguageDep) -> Response:
    layer = ogc.require_layer(published.atlas, collection_id)
    crs = parse_item_query(request.query_params)
    document = ogc.item(urls_for(request), layer, feature_id, crs, language)
    if _wants_html(request):
        return await _html(request, published, "item", document, language, layer)
    return GeoJSONResponse(document, headers={"Content-Crs": f"<{crs.uri}>", **_language(language)})
