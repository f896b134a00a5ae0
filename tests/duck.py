"""DuckDB with extensions from their PyPI packages (duckdb-extension-*), loaded by path: tests never download."""

from __future__ import annotations

import importlib
from pathlib import Path

import duckdb


def extension_file(name: str) -> Path:
    package = importlib.import_module(f"duckdb_extension_{name}")
    return next(Path(package.__file__).parent.rglob(f"{name}.duckdb_extension"))


def duckdb_with(*extensions: str) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(config={"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"})
    for name in extensions:
        connection.execute(f"LOAD '{extension_file(name)}'")
    return connection
