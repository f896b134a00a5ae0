"""One error shape for every HTTP error, the framework's own included: ``{"error": {"status", "message"}}``, and
under ``/ogc`` the OGC API exception shape ``{"code", "description"}`` (OGC API – Common, exception.yaml)."""

from __future__ import annotations

import logging
import time
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from geo.data.errors import AtlasError

log = logging.getLogger("cqatlas.errors")
MAX_MESSAGE = 500  # a message quotes the request at most this far

_OGC_CODES = {400: "InvalidParameterValue", 404: "NotFound", 405: "MethodNotAllowed", 406: "NotAcceptable",
              500: "ServerError", 503: "ServiceUnavailable"}


class ErrorBody(BaseModel):
    status: int
    message: str


class ErrorResponse(BaseModel):
    error: ErrorBody


class OgcException(BaseModel):
    code: str
    description: str


def error_body(path: str, status: int, message: str, code: str | None = None) -> dict:
    message = message if len(message) <= MAX_MESSAGE else message[:MAX_MESSAGE] + "…"
    if path == "/ogc" or path.startswith("/ogc/"):
        return {"code": code or _OGC_CODES.get(status, HTTPStatus(status).phrase.replace(" ", "")),
                "description": message}
    return {"error": {"status": status, "message": message}}


def error_response(request: Request, status: int, message: str, headers: dict[str, str] | None = None,
                   code: str | None = None) -> JSONResponse:
    return JSONResponse(error_body(request.url.path, status, message, code), status_code=status, headers=headers)


class RateLimitedLog:
    """Logs the same kind of failure at most once per ``interval`` seconds, counting what it held back, so a
    flood of identical errors cannot fill the disk."""

    def __init__(self, logger: logging.Logger, interval: float = 10.0):
        self.logger, self.interval = logger, interval
        self._last: dict[str, float] = {}
        self._suppressed: dict[str, int] = {}

    def error(self, key: str, message: str, *args: object, exc_info: BaseException | None = None) -> bool:
        now = time.monotonic()
        if now - self._last.get(key, -self.interval) < self.interval:
            self._suppressed[key] = self._suppressed.get(key, 0) + 1
            return False
        held = self._suppressed.pop(key, 0)
        self._last[key] = now
        suffix = f" ({held} similar held back)" if held else ""
        self.logger.error(message + suffix, *args, exc_info=exc_info)
        return True


unexpected_log = RateLimitedLog(log)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if message == HTTPStatus(exc.status_code).phrase:
            message = message.lower()
        # Keep the exception's headers (e.g. Allow on 405, as RFC 9110 requires).
        return error_response(request, exc.status_code, message, getattr(exc, "headers", None))

    @app.exception_handler(AtlasError)
    async def atlas_error(request: Request, exc: AtlasError) -> JSONResponse:
        return error_response(request, exc.status, exc.message, code=exc.code)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("query", "path"))
            parts.append(f"{where}: {error.get('msg')}" if where else str(error.get("msg")))
        return error_response(request, 400, "; ".join(parts) or "invalid request")


class CatchAll:
    """Last resort inside the app: an unexpected exception becomes a JSON 500 (the OGC shape under /ogc) and one
    rate-limited log line with its traceback, never a plain-text page or a log flood."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception as exc:  # noqa: BLE001 — anything a route did not handle
            unexpected_log.error(type(exc).__name__, "unexpected error on %s %s", scope["method"], scope["path"],
                                 exc_info=exc)
            if started:  # too late for a clean answer; the server closes the connection
                return
            response = JSONResponse(error_body(scope["path"], 500, "internal error"), status_code=500)
            await response(scope, receive, send)
