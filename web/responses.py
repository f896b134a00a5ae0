"""Serving prepared bytes: strong ETag, 304 on If-None-Match, gzip when the client accepts it."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import Request, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from geo.publish import ATLAS, Prepared, Published


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    candidates = {tag.strip() for tag in header.split(",")}
    return "*" in candidates or etag in candidates


def _accepts_gzip(header: str | None) -> bool:
    for part in (header or "").split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            quality = params.replace(" ", "").removeprefix("q=")
            return not params or quality not in ("0", "0.0", "0.00", "0.000")
    return False


def negotiate(prepared: Prepared, if_none_match: str | None, accept_encoding: str | None,
              extra_headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body for a prepared document, given the client's conditional and encoding headers."""
    headers = {"ETag": prepared.etag, "Vary": "Accept-Encoding", "Cache-Control": "no-cache", **(extra_headers or {})}
    if _etag_matches(if_none_match, prepared.etag):
        return 304, headers, b""
    headers["Content-Type"] = prepared.media_type
    if _accepts_gzip(accept_encoding):
        headers["Content-Encoding"] = "gzip"
        return 200, headers, prepared.gzip_body
    return 200, headers, prepared.body


def prepared_response(request: Request, prepared: Prepared, extra_headers: dict[str, str] | None = None) -> Response:
    status, headers, body = negotiate(prepared, request.headers.get("if-none-match"),
                                      request.headers.get("accept-encoding"), extra_headers)
    return Response(body, status_code=status, headers=headers)


def attachment(name: str, extension: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}.{extension}"'}


_DOWNLOAD_PATH = re.compile(r"^/api/(?:layers/(?P<layer>[^/]+)|(?P<atlas>atlas))\.(?P<ext>[a-z]+)$")


class PreparedDownloads:
    """Fast path for unfiltered downloads: answered from prepared bytes before routing.

    Same status, headers and bytes as the documented /api routes (which still handle every filtered or unknown
    request); it only skips per-request framework work on the hottest path.
    """

    def __init__(self, app: ASGIApp, published: Callable[[], Published]):
        self.app = app
        self.published = published

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and not scope["query_string"]:
            match = _DOWNLOAD_PATH.match(scope["path"])
            name = match and (match["layer"] or ATLAS)
            prepared = self.published().downloads.get((name, match["ext"])) if match else None
            if prepared is not None:
                request_headers = {key: value.decode("latin-1") for key, value in scope["headers"]
                                   if key in (b"if-none-match", b"accept-encoding")}
                status, headers, body = negotiate(prepared, request_headers.get(b"if-none-match"),
                                                  request_headers.get(b"accept-encoding"),
                                                  attachment(name, match["ext"]))
                headers["Content-Length"] = str(len(body))
                await send({"type": "http.response.start", "status": status,
                            "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
