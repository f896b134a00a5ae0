"""Every URL the service hands out, built in one place from its public base URL.

The base is the configured public URL, or the request's own ``Host`` only when that host is one the settings
trust; any other ``Host`` gets links to the address the server is listening on. A forged ``Host`` header therefore
never ends up in a link.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.types import Scope

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


# Host = uri-host [ ":" port ] (RFC 9110 §7.2, RFC 3986 §3.2.2): an IP literal in brackets, or a reg-name of
# unreserved, percent-encoded and sub-delims characters. No userinfo ("user@"), no path, no spaces.
_HOST = re.compile(r"(?P<name>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]+)(?::[0-9]*)?")


def host_name(host: str) -> str | None:
    """The host of a ``Host`` header value (lower case, without brackets or port), or None if it is malformed."""
    match = _HOST.fullmatch(host)
    if match is None:
        return None
    return match.group("name").strip("[]").lower()


def host_problem(scope: Scope) -> str | None:
    """Why a request's Host header is unacceptable (RFC 9112 §3.2: a server must answer 400), or None."""
    hosts = [value for key, value in scope["headers"] if key == b"host"]
    if len(hosts) > 1:
        return "more than one Host header"
    if not hosts:
        return "an HTTP/1.1 request must have a Host header" if scope.get("http_version") == "1.1" else None
    if host_name(hosts[0].decode("latin-1")) is None:
        return "malformed Host header"
    return None


def public_base(request: Request, settings: Settings) -> str:
    if settings.public_url:
        return settings.public_url.rstrip("/")
    host = request.headers.get("host", "")
    if host and host_name(host) in settings.trusted_hosts:
        return f"{request.url.scheme}://{host}"
    server = request.scope.get("server")
    if server and server[1] is not None:
        address, port = server
        address = f"[{address}]" if ":" in address else address
        return f"{request.url.scheme}://{address}:{port}"
    return f"{request.url.scheme}://{settings.trusted_hosts[0]}"


def urls_for(request: Request) -> Urls:
    return Urls(public_base(request, request.app.state.settings))
