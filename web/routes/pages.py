"""A page per feature and per layer, the index of layers and the sitemap, in the request's language (``?lang=``,
then Accept-Language). Rendered by ``geo.pages`` with the served site's addresses; this router only looks up."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool

from geo.data.errors import NotFound
from geo.pages.layer_table import layer_table_csv
from geo.pages.links import ServedLinks
from geo.pages.render import Site, feature_page, layer_page, layers_index_page, sitemap
from geo.publish.prepared import prepare
from web.deps import LanguageDep, PublishedDep
from web.responses import prepared_response
from web.urls import public_base

router = APIRouter(tags=["pages"])
HTML = "text/html; charset=utf-8"
HTML_RESPONSE = {200: {"content": {"text/html": {}}, "description": "The page"},
                 404: {"description": "No such feature or layer"}}


def site_for(request: Request, published: PublishedDep) -> Site:
    base = public_base(request, request.app.state.settings)
    return Site.of(published.atlas, ServedLinks(base), published.pages)


def _html(request: Request, text: str, language: str) -> Response:
    response = prepared_response(request, prepare(text.encode("utf-8"), HTML))
    # As the API answers (web.deps.get_language): which language, and that it depends on the request's.
    response.headers["Content-Language"] = language
    response.headers["Vary"] = ", ".join(filter(None, (response.headers.get("Vary"), "Accept-Language")))
    return response


@router.get("/features/{feature_id}", response_class=Response, responses=HTML_RESPONSE,
            summary="A feature's page: names, figures with sources, geometry, districts, downloads, citation")
async def feature(feature_id: str, request: Request, published: PublishedDep, language: LanguageDep) -> Response:
    found = next((f for f in published.atlas.features() if f.id == feature_id), None)
    if found is None:
        raise NotFound(f"no feature {feature_id!r}")
    return _html(request, await run_in_threadpool(feature_page, site_for(request, published), found, language), language)


@router.get("/layers", response_class=Response, responses=HTML_RESPONSE, summary="Every layer, with a page each")
async def layers(request: Request, published: PublishedDep, language: LanguageDep) -> Response:
    return _html(request, layers_index_page(site_for(request, published), language), language)


@router.get("/layers/{layer_id}.table.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}, 404: {"description": "No such layer"}},
            summary="A layer page's table: its features' main figures side by side, as CSV")
async def layer_csv(layer_id: str, request: Request, published: PublishedDep) -> Response:
    layer = published.atlas.layer(layer_id)
    if layer is None:
        raise NotFound(f"no layer {layer_id!r}")
    return prepared_response(request, prepare(layer_table_csv(published.atlas, layer), "text/csv; charset=utf-8"),
                             {"Content-Disposition": f'attachment; filename="{layer_id}.table.csv"'})


@router.get("/layers/{layer_id}", response_class=Response, responses=HTML_RESPONSE,
            summary="A layer's page: a sortable table of its features and their main figures")
async def layer(layer_id: str, request: Request, published: PublishedDep, language: LanguageDep) -> Response:
    found = published.atlas.layer(layer_id)
    if found is None:
        raise NotFound(f"no layer {layer_id!r}")
    return _html(request, await run_in_threadpool(layer_page, site_for(request, published), found, language), language)


@router.get("/sitemap.xml", response_class=Response, responses={200: {"content": {"application/xml": {}}}},
            summary="Every page in every language, for search engines")
async def sitemap_xml(request: Request, published: PublishedDep) -> Response:
    return prepared_response(request, prepare((sitemap(site_for(request, published)) or "").encode("utf-8"),
                                              "application/xml; charset=utf-8"))
