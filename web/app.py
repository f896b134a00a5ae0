"""Application factory: the atlas is validated and published once, then served from memory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.types import Receive, Scope, Send

from geo.publish.prepared import Published
from geo.map.render import tile_origins
from web.errors import CatchAll, error_body, install_error_handlers
from web.head import HeadAsGet
from web.limits import ClientLimits
from web.openapi import openapi_30, served_names
from geo.publish.releases import Releases
from web.routes import api, corridor_routes, ogc, pages, releases, site
from web.reload import DataReloader, DataStatus, layers_fingerprint, publish_served
from web.responses import PreparedDownloads
from web.security import EMBED_PATH, PAGES_POLICY, JsonCORSMiddleware, SecurityHeaders, content_security_policy, is_page
from web.settings import Settings
from web.urls import host_problem


class AtlasApp(FastAPI):
    """FastAPI with unfiltered downloads answered before its own middleware stack: on the hottest path that stack
    (error and telemetry wrappers, body limits, each wrapping ``send``) took about half of each request's time."""

    prepared_downloads: PreparedDownloads | None = None
    client_limits: ClientLimits | None = None  # outermost: it bounds the fast path too

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.client_limits is not None:
            await self.client_limits(scope, receive, send)
        else:
            await self.answer(scope, receive, send)

    async def answer(self, scope: Scope, receive: Receive, send: Send) -> None:
        problem = host_problem(scope) if scope["type"] == "http" else None
        if problem is not None:
            await JSONResponse(error_body(scope["path"], 400, problem), status_code=400)(scope, receive, send)
            return
        if self.prepared_downloads is None or not await self.prepared_downloads.answer(scope, send):
            await super().__call__(scope, receive, send)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; raises ``geo.data.problems.AtlasInvalid`` (with every problem) if the layers are bad."""
    settings = settings or Settings()
    fingerprint = layers_fingerprint(settings.layers_dir)  # before loading: later edits must differ from it
    published = publish_served(settings)
    docs_policy = content_security_policy(site.DOCS_PAGE, tile_origins=[])

    def map_page_policy(new: Published) -> str:
        # The policy the map page works under (scripts and styles from our origin only, tiles from their hosts).
        return content_security_policy(new.map_page.body.decode("utf-8"), tile_origins(), inline_styles=False)

    def embed_page_policy(new: Published) -> str:
        return content_security_policy(new.embed_page.body.decode("utf-8"), tile_origins(), inline_styles=False,
                                       frame_ancestors="*")

    def install(new: Published) -> None:
        # One reference swap: requests in flight keep the build they started with.
        app.state.map_page_policy = map_page_policy(new)
        app.state.embed_page_policy = embed_page_policy(new)
        app.state.published = new
        app.state.data_status.published(new)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        reloader = DataReloader(settings, install, app.state.data_status, fingerprint) if settings.reload_data else None
        if reloader:
            reloader.start()
        yield
        if reloader:
            reloader.stop()

    app = AtlasApp(
        lifespan=lifespan,
        title="Chongqing Trade Atlas",
        description="Chongqing's trade zones, corridors and hubs: interactive map and GeoJSON downloads.",
        version="0.1.0",
        docs_url=None,  # served by web.routes.site from the local swagger-ui-dist package
        redoc_url=None,
    )
    app.openapi = lambda: openapi_30(app, served_names(app.state.published))  # type: ignore[method-assign]
    app.state.settings = settings
    app.state.published = published
    app.state.map_page_policy = map_page_policy(published)
    app.state.embed_page_policy = embed_page_policy(published)
    app.state.data_status = DataStatus(published)
    app.state.releases = Releases(settings.releases_dir)
    install_error_handlers(app)
    # GIS clients and other sites may read the data; nothing but GET/HEAD is open cross-origin.
    app.add_middleware(JsonCORSMiddleware, allow_origins=["*"], allow_methods=["GET", "HEAD"],
                       allow_headers=["If-None-Match", "Accept-Encoding", "Range", "If-Range"],
                       expose_headers=["ETag", "Content-Disposition", "Content-Range", "Accept-Ranges", "Content-Length"])
    # The map's inline scripts embed the data, so its policy is read from the build being served.
    app.add_middleware(SecurityHeaders, html_policy=lambda path: (
        app.state.map_page_policy if path == "/" else docs_policy if path == "/docs"
        else app.state.embed_page_policy if path == EMBED_PATH
        else PAGES_POLICY if is_page(path) else None))
    # HEAD wherever GET works: routed as GET, answered without a body.
    app.add_middleware(HeadAsGet)
    # Ahead of the whole stack (see AtlasApp); it sets the same CORS and security headers itself.
    app.prepared_downloads = PreparedDownloads(published=lambda: app.state.published)
    app.client_limits = ClientLimits(app.answer, settings.max_requests_per_client, settings.response_timeout,
                                     settings.idle_timeout)
    # Around everything: whatever fails unexpectedly is answered in the JSON error shape.
    app.add_middleware(CatchAll)
    app.include_router(site.router)
    app.include_router(api.router)
    app.include_router(ogc.router)
    app.include_router(corridor_routes.router)
    app.include_router(releases.router)
    app.include_router(pages.router)
    return app
