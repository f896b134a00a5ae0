"""Errors that carry the HTTP status they mean, so the web layer maps them without knowing the rules."""

from __future__ import annotations


class AtlasError(Exception):
    status = 500

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class BadRequest(AtlasError):
    status = 400


class NotFound(AtlasError):
    status = 404
