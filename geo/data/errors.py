"""The one exception hierarchy: each error carries the HTTP status it means, so the web layer maps any of them
without knowing the rules that raised it."""

from __future__ import annotations


class AtlasError(Exception):
    status = 500
    code = "ServerError"  # OGC API exception code (OGC API – Common, exception.yaml)

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class BadRequest(AtlasError):
    status = 400
    code = "InvalidParameterValue"


class NotFound(AtlasError):
    status = 404
    code = "NotFound"


class Unavailable(AtlasError):
    """Something the service needs is missing (e.g. front-end packages not installed)."""

    status = 503
    code = "ServiceUnavailable"
