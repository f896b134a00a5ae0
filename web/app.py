"""Application factory: the atlas is validated and published once, then served from memory."""

from __future__ import annotations

from fastapi import FastAPI

from geo.publish import publish
from web.errors import install_error_handlers
from web.routes import api, ogc, site
from web.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; raises ``geo.problems.AtlasInvalid`` (with every problem) if the layers are bad."""
    settings = settings or Settings()
    published = publish(settings.layers_dir, settings.node_modules)
    app = FastAPI(
        title="Chongqing Trade Atlas",
        description="Chongqing's trade zones, corridors and hubs: interactive map and GeoJSON downloads.",
        version="0.1.0",
    )
    app.state.settings = settings
    app.state.published = published
    install_error_handlers(app)
    app.include_router(site.router)
    app.include_router(api.router)
    app.include_router(ogc.router)
    return app
