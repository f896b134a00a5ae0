"""The map page, its local assets, and the health check."""

from __future__ import annotations

import mimetypes

from fastapi import APIRouter, Request, Response
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

from geo.map.assets import asset_path
from geo.data.errors import NotFound
from geo.data.registry import DATA_VERSION
from web.deps import PublishedDep, SettingsDep
from web.models import Health
from web.responses import prepared_response

router = APIRouter()


@router.get("/", response_class=Response, summary="The interactive map",
            responses={200: {"content": {"text/html": {}}, "description": "Map page"}})
async def map_page(request: Request, published: PublishedDep) -> Response:
    return prepared_response(request, published.map_page)


@router.get("/assets/{asset:path}", response_class=FileResponse, summary="Local copy of a front-end package file",
            responses={404: {"description": "Not a served asset"}})
def asset(asset: str, settings: SettingsDep) -> FileResponse:
    # Looked up in the manifest (or the map's current bundles), never joined blindly onto a directory.
    try:
        path = asset_path(settings.node_modules, asset)
    except KeyError:
        raise NotFound(f"no asset {asset!r}") from None
    media_type = mimetypes.guess_type(asset)[0] or "application/octet-stream"
    return FileResponse(path, media_type=media_type,
                        headers={"Cache-Control": "public, max-age=86400"})


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


@router.get("/docs", response_class=HTMLResponse, summary="Interactive API documentation (served locally)")
async def docs() -> HTMLResponse:
    return HTMLResponse(DOCS_PAGE)


@router.get("/data/{file_name}", response_class=Response, summary="Data the map page loads when first needed",
            responses={200: {"content": {"text/javascript": {}}, "description": "A script handing data to the map"},
                       404: {"description": "Not a data script of the atlas being served"}})
async def data_script(request: Request, file_name: str, published: PublishedDep) -> Response:
    # Names carry their content's hash: a page asks for the scripts of the build it came from.
    script = published.data_scripts.get(file_name)
    if script is None:
        raise NotFound(f"no data script {file_name!r}")
    return prepared_response(request, script)
