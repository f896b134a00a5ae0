"""Dependencies injected into routes: the settings and the published atlas.

All async: they only read app state, and sync dependencies would each cost a thread-pool hop per request.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Query, Request, Response

from geo.data.i18n import LANGUAGES, resolve_language
from geo.publish.prepared import Published
from web.settings import Settings


async def get_published(request: Request) -> Published:
    return request.app.state.published


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


PublishedDep = Annotated[Published, Depends(get_published)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_language(
    response: Response,
    # Never an error: any other value, however long, gets English (so no 400 to document on these routes).
    lang: Annotated[str | None, Query(description=f"Language of titles and descriptions: {', '.join(LANGUAGES)} "
                                      "(default: Accept-Language, then en; anything else gets en)")] = None,
    accept_language: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> str:
    """The language to answer in; the response says which (Content-Language) and that it depends on the request."""
    language = resolve_language(lang, accept_language)
    response.headers["Content-Language"] = language
    response.headers["Vary"] = "Accept-Language"
    return language


LanguageDep = Annotated[str, Depends(get_language)]
