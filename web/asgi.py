"""The app as the server's worker processes build it: settings arrive as JSON in the environment."""

from __future__ import annotations

import os

from fastapi import FastAPI

from web.app import create_app
from web.settings import SETTINGS_ENV, Settings


def from_environment() -> FastAPI:
    return create_app(Settings.model_validate_json(os.environ.get(SETTINGS_ENV, "{}")))
