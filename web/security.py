"""Security headers on every response (pure ASGI: no per-request overhead beyond adding headers)."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

BASE_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
]


# What CORSMiddleware sends for a simple cross-origin GET; used where a response bypasses it.
CORS_HEADERS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-expose-headers", b"ETag, Content-Disposition, Content-Range, Accept-Ranges, Content-Length"),
]

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def content_security_policy(page: str, tile_origins: list[str], inline_styles: bool = True,
                            frame_ancestors: str = "'self'") -> str:
    """A CSP for a served page: scripts only from our origin, plus the page's own inline scripts by hash if any.
    The map page has none (its data blocks are JSON, never executed) and no inline styles either: Leaflet styles
    elements through the DOM, which a policy does not restrict."""
    hashes = sorted({"'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
                     for body in _INLINE_SCRIPT.findall(page)})
    return "; ".join([
        "default-src 'self'",
        " ".join(["script-src 'self'", *hashes]),
        "style-src 'self' 'unsafe-inline'" if inline_styles else "style-src 'self'",
        f"img-src 'self' data: {' '.join(tile_origins)}",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        f"frame-ancestors {frame_ancestors}",
    ])


class JsonCORSMiddleware(CORSMiddleware):
    """Starlette's CORS, with a refused preflight answered in the service's JSON error shape, not plain text."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        message = f"{response.body.decode('utf-8', 'replace')}: cross-origin requests may only GET or HEAD"
        headers = {key: value for key, value in response.headers.items()
                   if key.lower() not in ("content-length", "content-type")}
        return JSONResponse({"error": {"status": response.status_code, "message": message}},
                            status_code=response.status_code, headers=headers)


DEFAULT_POLICY = b"default-src 'none'; frame-ancestors 'none'"
EMBED_PATH = "/embed"
# The feature and layer pages: scripts and styles from our origin only, no inline script or style (their JSON and
# JSON-LD blocks are data, which no policy runs), no tiles (the small map's base ships with the site).
PAGES_POLICY = content_security_policy("", tile_origins=[], inline_styles=False)


def is_page(path: str) -> bool:
    """The feature and layer pages, and the OGC API's HTML pages (the same stylesheet, no inline script or style)."""
    return (path.startswith("/features/") or path == "/layers" or path.startswith("/layers/")
            or path == "/ogc" or path.startswith("/ogc/"))


class SecurityHeaders:
    def __init__(self, app: ASGIApp, html_policy: Callable[[str], str | None]):
        """``html_policy(path)``: the Content-Security-Policy for an HTML path; None gets a strict default."""
        self.app = app
        self.html_policy = html_policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += BASE_HEADERS
                content_type = next((v for k, v in headers if k == b"content-type"), b"")
                if content_type.startswith(b"text/html"):
                    policy = self.html_policy(scope["path"])
                    headers.append((b"content-security-policy", policy.encode() if policy else DEFAULT_POLICY))
                    # The embed page alone may be framed by any site (its policy says so); the rest refuse.
                    if scope["path"] != EMBED_PATH:
                        headers.append((b"x-frame-options", b"SAMEORIGIN"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
