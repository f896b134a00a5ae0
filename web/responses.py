"""Serving prepared bytes: strong ETag, 304 on If-None-Match, byte ranges (206/416, ``web.ranges``), brotli or gzip
when the client accepts it."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import Request, Response
from starlette.types import Scope, Send

from geo.publish.prepared import Prepared, Published
from web.ranges import ranged
from web.security import BASE_HEADERS, CORS_HEADERS
from web.urls import layer_download_path


# entity-tag = [ W/ ] DQUOTE *etagc DQUOTE, with etagc = %x21 / %x23-7E / obs-text (RFC 9110 §8.8.3):
# a comma may sit inside the quotes, so the list is read tag by tag rather than split on commas (and empty list
# elements are skipped, as RFC 9110 §5.6.1 asks).
_ENTITY_TAG = re.compile(r'[\s,]*(?:W/)?("[\x21\x23-\x7e\x80-\xff]*")\s*(?:,|$)')


def _etag_matches(header: str | None, etag: str) -> bool:
    """If-None-Match (RFC 9110 §13.1.2) uses the weak comparison (§8.8.3.2): opaque tags equal, ``W/`` or not."""
    if not header:
        return False
    if header.strip() == "*":
        return True
    position = 0
    while position < len(header):
        match = _ENTITY_TAG.match(header, position)
        if match is None:
            return False  # not a list of entity tags: no condition we can honour
        if match.group(1) == etag:
            return True
        position = match.end()
    return False


def _codings(header: str | None) -> dict[str, float]:
    """Accept-Encoding (RFC 9110 §12.5.3) as coding -> quality."""
    qualities: dict[str, float] = {}
    for part in (header or "").split(","):
        coding, _, params = part.strip().partition(";")
        coding = coding.strip().lower()
        if not coding:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
        qualities["gzip" if coding == "x-gzip" else coding] = quality
    return qualities


def _accepts(qualities: dict[str, float], coding: str) -> bool:
    """The coding with q > 0, or "*" with q > 0 when the coding is not listed itself."""
    if coding in qualities:
        return qualities[coding] > 0
    return qualities.get("*", 0.0) > 0


def _accepts_gzip(header: str | None) -> bool:
    return _accepts(_codings(header), "gzip")


CACHE_FOR_A_YEAR = "public, max-age=31536000, immutable"


def encoded_etag(etag: str, coding: str | None) -> str:
    """The strong validator of one encoding's body: different bytes, so a different tag (RFC 9110 §8.8.3)."""
    return etag if coding is None else etag[:-1] + f'-{coding}"'


def _unchanged(if_none_match: str | None, prepared: Prepared) -> bool:
    """Every encoding's tag names the same content: a client that cached one is answered 304 in any."""
    return any(_etag_matches(if_none_match, encoded_etag(prepared.etag, coding)) for coding in (None, "gzip", "br"))


def _coding(prepared: Prepared, accept_encoding: str | None) -> str | None:
    """The content coding to send: brotli where prepared and accepted (smaller for scripts and styles), else gzip."""
    if prepared.gzip_body is None:
        return None
    accepted = _codings(accept_encoding)
    if prepared.brotli_body is not None and _accepts(accepted, "br"):
        return "br"
    return "gzip" if _accepts(accepted, "gzip") else None


def negotiate(prepared: Prepared, if_none_match: str | None, accept_encoding: str | None,
              extra_headers: dict[str, str] | None = None, range_header: str | None = None,
              if_range: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body for a prepared document, given the client's conditional, range and encoding
    headers (pass ``range_header`` for GET only: RFC 9110 defines ranges for GET alone)."""
    coding = _coding(prepared, accept_encoding)
    headers = {"ETag": encoded_etag(prepared.etag, coding), "Vary": "Accept-Encoding", "Cache-Control": "no-cache",
               "Accept-Ranges": "bytes", **(extra_headers or {})}
    if _unchanged(if_none_match, prepared):
        return 304, headers, b""
    # Ranges are of the identity bytes, whatever the client accepts: readers seek in the file they will parse.
    if if_range is not None and if_range.strip() in (encoded_etag(prepared.etag, "gzip"), encoded_etag(prepared.etag, "br")):
        if_range = prepared.etag  # the tag of a compressed copy still names these bytes' content
    partial = ranged(prepared.body, prepared.media_type, prepared.etag, range_header, if_range)
    if partial is not None:
        status, range_headers, body = partial
        return status, {**headers, "ETag": prepared.etag, **range_headers}, body
    headers["Content-Type"] = prepared.media_type
    if coding == "br":
        headers["Content-Encoding"] = "br"
        return 200, headers, prepared.brotli_body
    if coding == "gzip":
        headers["Content-Encoding"] = "gzip"
        return 200, headers, prepared.gzip_body
    return 200, headers, prepared.body


def prepared_response(request: Request, prepared: Prepared, extra_headers: dict[str, str] | None = None) -> Response:
    range_header = request.headers.get("range") if request.method == "GET" else None
    status, headers, body = negotiate(prepared, request.headers.get("if-none-match"),
                                      request.headers.get("accept-encoding"), extra_headers, range_header,
                                      request.headers.get("if-range"))
    return Response(body, status_code=status, headers=headers)


def attachment(name: str, extension: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}.{extension}"'}


class _Encoded:
    """One prepared download with its response headers encoded once, for each way it can be answered."""

    def __init__(self, name: str, extension: str, prepared: Prepared):
        self.prepared = prepared
        extra = BASE_HEADERS + CORS_HEADERS

        def encode(if_none_match: str | None, accept_encoding: str | None, range_header: str | None = None,
                   if_range: str | None = None) -> tuple[int, list, bytes]:
            status, headers, body = negotiate(prepared, if_none_match, accept_encoding, attachment(name, extension),
                                              range_header, if_range)
            headers["Content-Length"] = str(len(body))
            return status, [(k.lower().encode(), v.encode()) for k, v in headers.items()] + extra, body

        self.encode = encode
        self.not_modified = encode(prepared.etag, None)
        self.not_modified_gzip = encode(prepared.etag, "gzip")
        self.gzipped = encode(None, "gzip")
        self.identity = encode(None, None)


class PreparedDownloads:
    """Fast path for unfiltered downloads: answered from prepared bytes before the framework's middleware stack.

    Same status, headers and bytes as the documented /api routes (which still handle every filtered or unknown
    request); it only skips per-request framework work on the hottest path (see ``web.app.AtlasApp``).
    """

    def __init__(self, published: Callable[[], Published]):
        self.published = published
        # The data answered, its downloads by path, and those whose headers are encoded already.
        self._cache: tuple[Published, dict[str, tuple[str, str]], dict[str, _Encoded]] | None = None

    def _encoded(self, path: str) -> _Encoded | None:
        published = self.published()
        if self._cache is None or self._cache[0] is not published:  # a reload published new data
            self._cache = (published, {layer_download_path(*key): key for key in published.downloads}, {})
        _, keys, encoded = self._cache
        if path not in encoded:
            key = keys.get(path)
            if key is None:
                return None
            encoded[path] = _Encoded(*key, published.downloads[key])  # the download is made when first asked for
        return encoded[path]

    def lookup(self, scope: Scope) -> tuple[int, list, bytes] | None:
        """Status, encoded headers and body for a prepared download, or None for every other request."""
        # HEAD too: GDAL's /vsicurl (and so QGIS opening a URL) asks for the size first.
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or scope["query_string"]:
            return None
        encoded = self._encoded(scope["path"])
        if encoded is None:
            return None
        if_none_match = accept_encoding = range_header = if_range = None
        for key, value in scope["headers"]:
            if key == b"if-none-match":
                if_none_match = value.decode("latin-1")
            elif key == b"accept-encoding":
                accept_encoding = value.decode("latin-1")
            elif key == b"range":
                range_header = value.decode("latin-1")
            elif key == b"if-range":
                if_range = value.decode("latin-1")
        gzipped = _accepts_gzip(accept_encoding)
        if _unchanged(if_none_match, encoded.prepared):
            return encoded.not_modified_gzip if gzipped else encoded.not_modified
        if range_header is not None and scope["method"] == "GET":
            return encoded.encode(if_none_match, accept_encoding, range_header, if_range)
        return encoded.gzipped if gzipped else encoded.identity

    async def answer(self, scope: Scope, send: Send) -> bool:
        """Send the prepared download ``scope`` asks for; False (nothing sent) if it asks for something else."""
        try:
            answer = self.lookup(scope)
        except Exception:  # noqa: BLE001 — the routed path answers the same request, under the catch-all
            return False
        if answer is None:
            return False
        status, headers, body = answer
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body if scope["method"] == "GET" else b""})
        return True
