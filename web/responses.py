"""Serving prepared bytes: strong ETag, 304 on If-None-Match, gzip when the client accepts it."""

from __future__ import annotations

from fastapi import Request, Response

from geo.publish import Prepared


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    candidates = {tag.strip() for tag in header.split(",")}
    return "*" in candidates or etag in candidates


def _accepts_gzip(header: str | None) -> bool:
    for part in (header or "").split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            return "q=0" not in params.replace(" ", "") or "q=0." in params.replace(" ", "")
    return False


def prepared_response(request: Request, prepared: Prepared, extra_headers: dict[str, str] | None = None) -> Response:
    headers = {"ETag": prepared.etag, "Vary": "Accept-Encoding", "Cache-Control": "no-cache", **(extra_headers or {})}
    if _etag_matches(request.headers.get("if-none-match"), prepared.etag):
        return Response(status_code=304, headers=headers)
    if _accepts_gzip(request.headers.get("accept-encoding")):
        headers["Content-Encoding"] = "gzip"
        return Response(prepared.gzip_body, media_type=prepared.media_type, headers=headers)
    return Response(prepared.body, media_type=prepared.media_type, headers=headers)
