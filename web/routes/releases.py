"""Release folders (``cqatlas serve --releases DIR``): their listing with checksums, and their files with ranges."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request, Response

from geo.data.errors import NotFound
from geo.publish.releases import Releases
from web.errors import ErrorResponse
from web.responses import prepared_response

router = APIRouter(tags=["releases"])


def release_file_path(name: str, path: str) -> str:
    return f"/releases/{quote(name)}/{quote(path)}"


def _releases(request: Request) -> Releases:
    return request.app.state.releases


@router.get("/api/releases", summary="Data releases served here, each with its files, sizes and SHA-256 checksums")
async def releases(request: Request) -> dict:
    return {"releases": _releases(request).listing(release_file_path)}


@router.get("/releases/{name}/{path:path}", response_class=Response,
            responses={404: {"model": ErrorResponse, "description": "No such release, or no such file in it"}},
            summary="A file of a release (byte ranges answered, for readers that fetch parts of it)")
async def release_file(name: str, path: str, request: Request) -> Response:
    prepared = _releases(request).file(name, path)
    if prepared is None:
        raise NotFound(f"no file {path!r} in release {name!r}")
    return prepared_response(request, prepared, {"Cache-Control": "public, max-age=3600"})
