"""Dependencies injected into routes: the settings and the published atlas.

All async: they only read app state, and sync dependencies would each cost a thread-pool hop per request.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from geo.publish import Published
from web.settings import Settings


async def get_published(request: Request) -> Published:
    return request.app.state.published


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


PublishedDep = Annotated[Published, Depends(get_published)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
