"""Typed settings, injected into the app factory (tests pass their own)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from geo.map.sources import default_node_modules

# How ``cqatlas serve`` hands the settings to the server's worker processes (as JSON; read by ``web.asgi``).
SETTINGS_ENV = "CQATLAS_SETTINGS"


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    layers_dir: Path = Path("layers")
    node_modules: Path = default_node_modules()
    reload_data: bool = False  # watch layers_dir and republish good edits without restart
    # Base of every absolute link the service hands out (e.g. https://atlas.example.org); when unset, a request's
    # Host is used only if it names one of trusted_hosts, and the listening address otherwise.
    public_url: str | None = None
    trusted_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "::1")
    # Folder of release folders (``cqatlas release --out``) served under /releases and listed at /api/releases.
    releases_dir: Path | None = None
    ogc_page_limit: int = 1000  # most features on one OGC items page, whatever limit a client asks for
    # Per client address and worker (web.limits): requests in progress at once, and the time a response may take to
    # be read; connections idle longer than idle_timeout are closed by the server (its header timeout).
    max_requests_per_client: int = 16
    response_timeout: float = 60.0
    idle_timeout: float = 10.0
