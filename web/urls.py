"""Every URL the service hands out, built in one place from its public base URL.

The base is the configured public URL, or the request's own ``Host`` only when that host is one the settings
trust; any other ``Host`` gets links to the address the server is listening on. A forged ``Host`` header therefore
never ends up in a link.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from starlette.requests import Request

from web.settings import Settings

from geo.publish.prepared import ATLAS


def layer_download_path(layer_id: str, extension: str) -> str:
    return f"/api/{ATLAS}.{extension}" if layer_id == ATLAS else f"/api/layers/{layer_id}.{extension}"


def catalog_path() -> str:
    return "/api/layers"


class Urls:
    """Absolute hrefs below ``base`` (no trailing slash); implements ``geo.ogc.documents.OgcUrls``."""

    def __init__(self, base: str):
        self.base = base.rstrip("/")

    def ogc_root(self) -> str:
        return f"{self.base}/ogc"

    def openapi(self) -> str:
        return f"{self.base}/openapi.json"

    def docs(self) -> str:
        return f"{self.base}/docs"

    def conformance(self) -> str:
        return f"{self.base}/ogc/conformance"

    def collections(self) -> str:
        return f"{self.base}/ogc/collections"

    def collection(self, collection_id: str) -> str:
        return f"{self.base}/ogc/collections/{quote(collection_id, safe='')}"

    def items(self, collection_id: str, params: list[tuple[str, str]] | None = None) -> str:
        query = f"?{urlencode(params)}" if params else ""
        return f"{self.collection(collection_id)}/items{query}"

    def item(self, collection_id: str, feature_id: str) -> str:
        return f"{self.collection(collection_id)}/items/{quote(feature_id, safe='')}"

    def queryables(self, collection_id: str) -> str:
        return f"{self.collection(collection_id)}/queryables"

    def layer_download(self, layer_id: str, extension: str) -> str:
        return f"{self.base}{layer_download_path(layer_id, extension)}"


def _host_name(host: str) -> str:
    if host.startswith("["):  # [::1]:8000
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if host.count(":") == 1 else host


def public_base(request: Request, settings: Settings) -> str:
    if settings.public_url:
        return settings.public_url.rstrip("/")
    host = request.headers.get("host", "")
    if host and _host_name(host).lower() in settings.trusted_hosts:
        return f"{request.url.scheme}://{host}"
    server = request.scope.get("server")
    if server and server[1] is not None:
        address, port = server
        address = f"[{address}]" if ":" in address else address
        return f"{request.url.scheme}://{address}:{port}"
    return f"{request.url.scheme}://{settings.trusted_hosts[0]}"


def urls_for(request: Request) -> Urls:
    return Urls(public_base(request, request.app.state.settings))
