"""Typed settings, injected into the app factory (tests pass their own)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from geo.assets import default_node_modules


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    layers_dir: Path = Path("layers")
    node_modules: Path = default_node_modules()
    reload_data: bool = False  # watch layers_dir and republish good edits without restart
