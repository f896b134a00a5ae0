"""Application factory: the atlas is validated and published once, then served from memory."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from geo.publish import publish
from geo.render import content_security_policy
from web.errors import install_error_handlers
from web.routes import api, ogc, site
from web.security import SecurityHeaders
from web.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; raises ``geo.problems.AtlasInvalid`` (with every problem) if the layers are bad."""
    settings = settings or Settings()
    published = publish(settings.layers_dir, settings.node_modules)
    app = FastAPI(
        title="Chongqing Trade Atlas",
        description="Chongqing's trade zones, corridors and hubs: interactive map and GeoJSON downloads.",
        version="0.1.0",
        docs_url=None,  # served by web.routes.site from the local swagger-ui-dist package
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.published = published
    install_error_handlers(app)
    # GIS clients and other sites may read the data; nothing but GET/HEAD is open cross-origin.
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "HEAD"],
                       allow_headers=["If-None-Match", "Accept-Encoding"], expose_headers=["ETag", "Content-Disposition"])
    app.add_middleware(SecurityHeaders, html_policies={
        "/": published.map_page_policy,
        "/docs": content_security_policy(site.DOCS_PAGE, tile_origins=[]),
    })
    app.include_router(site.router)
    app.include_router(api.router)
    app.include_router(ogc.router)
    return app
