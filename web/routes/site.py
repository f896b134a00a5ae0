"""The map page, its local assets, and the health check."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from geo.data.errors import NotFound
from geo.data.registry import DATA_VERSION
from geo.map.bundle import is_hashed_asset
from geo.publish.prepared import prepare_asset
from web.deps import PublishedDep, SettingsDep
from web.models import Health
from web.responses import CACHE_FOR_A_YEAR, prepared_response

router = APIRouter()


@router.get("/", response_class=Response, summary="The interactive map",
            responses={200: {"content": {"text/html": {}}, "description": "Map page"}})
async def map_page(request: Request, published: PublishedDep) -> Response:
    return prepared_response(request, published.map_page)


@router.get("/embed", response_class=Response, summary="The map without its panel, for other sites to frame",
            responses={200: {"content": {"text/html": {}}, "description": "Embeddable map page"}})
async def embed_page(request: Request, published: PublishedDep) -> Response:
    # Keeps the view, layers, year, language, filter and open feature of the address's fragment, as the map does.
    return prepared_response(request, published.embed_page)


@router.get("/assets/{asset:path}", response_class=Response, summary="Local copy of a front-end package file",
            responses={404: {"description": "Not a served asset"}}, include_in_schema=False)
def asset(asset: str, request: Request, published: PublishedDep, settings: SettingsDep) -> Response:
    # Looked up in the manifest (or the map's current bundles), never joined blindly onto a directory; what the map
    # page loads was compressed when the atlas was published, anything else when first asked for.
    prepared = published.assets.get(asset)
    if prepared is None:
        try:
            prepared = prepare_asset(settings.node_modules, asset)
        except KeyError:
            raise NotFound(f"no asset {asset!r}") from None
    # A name carrying its content's hash never changes meaning; the packages' own names may, with an upgrade.
    cache = CACHE_FOR_A_YEAR if is_hashed_asset(asset) else "public, max-age=86400"
    return prepared_response(request, prepared, {"Cache-Control": cache})


@router.get("/tiles/atlas.pmtiles", response_class=Response, include_in_schema=False,
            summary="Vector tiles of every layer (PMTiles v3, byte ranges answered), where a layer is too large for "
            "the map page")
async def tiles(request: Request, published: PublishedDep) -> Response:
    if published.tiles is None:
        raise NotFound("no layer here is drawn from tiles")
    return prepared_response(request, published.tiles)


@router.get("/health", response_model=Health, summary="Liveness, the data version served, the last refused edit")
async def health(request: Request) -> dict[str, object]:
    status = request.app.state.data_status
    served, rejected = status.served, status.last_rejected  # one snapshot: counts and version agree
    atlas = served.data.atlas
    return {"status": "ok", "layers": len(atlas.layers), "features": sum(len(layer.features) for layer in atlas.layers),
            "data_version": DATA_VERSION, "content_hash": served.content_hash, "published_at": served.published_at,
            "last_rejected": None if rejected is None else {"at": rejected.at, "reason": rejected.reason}}


DOCS_PAGE = get_swagger_ui_html(
    openapi_url="/openapi.json", title="Chongqing Trade Atlas – API",
    swagger_js_url="/assets/swagger-ui-dist/swagger-ui-bundle.js",
    swagger_css_url="/assets/swagger-ui-dist/swagger-ui.css",
    swagger_favicon_url="data:,",
).body.decode("utf-8")


@router.get("/docs", response_class=HTMLResponse, summary="Interactive API documentation (served locally)",
            include_in_schema=False)
async def docs() -> HTMLResponse:
    return HTMLResponse(DOCS_PAGE)


@router.get("/data/{file_name}", response_class=Response, summary="Data the map page loads when first needed",
            responses={200: {"content": {"text/javascript": {}}, "description": "A script handing data to the map"},
                       404: {"description": "Not a data script of the atlas being served"}}, include_in_schema=False)
async def data_script(request: Request, file_name: str, published: PublishedDep) -> Response:
    # Names carry their content's hash: a page asks for the scripts of the build it came from.
    script = published.data_scripts.get(file_name)
    if script is None:
        raise NotFound(f"no data script {file_name!r}")
    return prepared_response(request, script, {"Cache-Control": CACHE_FOR_A_YEAR})
