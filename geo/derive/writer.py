"""Write layer files the same way every time: properties indented for review, coordinates compact."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

DECIMALS = 6


def round_coordinates(coordinates: Any) -> Any:
    if coordinates and isinstance(coordinates[0], (int, float)):
        return [round(float(value), DECIMALS) + 0.0 for value in coordinates]
    return [round_coordinates(part) for part in coordinates]


def _compact_geometry(geometry: dict[str, Any]) -> str:
    """One line per part/ring, so a diff shows which part moved without listing every vertex on its own line."""
    kind, coordinates = geometry["type"], geometry["coordinates"]
    dumps = lambda value: json.dumps(value, separators=(",", ":"))  # noqa: E731
    if kind == "Point":
        body = dumps(coordinates)
    elif kind in ("LineString",):
        body = dumps(coordinates)
    elif kind in ("MultiLineString", "Polygon"):
        body = "[\n        " + ",\n        ".join(dumps(part) for part in coordinates) + "\n      ]"
    else:  # MultiPolygon
        body = "[\n        " + ",\n        ".join(dumps(part) for part in coordinates) + "\n      ]"
    return f'{{\n      "type": {json.dumps(kind)},\n      "coordinates": {body}\n    }}'


def dumps_layer(data: dict[str, Any]) -> str:
    features = []
    for feature in data["features"]:
        head = {key: value for key, value in feature.items() if key not in ("geometry", "properties")}
        parts = [f"    {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}" for key, value in head.items()]
        geometry = dict(feature["geometry"], coordinates=round_coordinates(feature["geometry"]["coordinates"]))
        parts.append(f'    "geometry": {_compact_geometry(geometry)}')
        properties = json.dumps(feature["properties"], ensure_ascii=False, indent=2).replace("\n", "\n    ")
        parts.append(f'    "properties": {properties}')
        features.append("  {\n" + ",\n".join(parts) + "\n  }")
    extra = {key: value for key, value in data.items() if key not in ("type", "features")}
    extra_lines = "".join(f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n" for key, value in extra.items())
    return '{\n"type": "FeatureCollection",\n' + extra_lines + '"features": [\n' + ",\n".join(features) + "\n]\n}\n"


def write_layer(path: Path, data: dict[str, Any]) -> None:
    """Atomic replace: a failed write never leaves a half-written layer."""
    text = dumps_layer(data)
    json.loads(text)  # never write what does not parse back
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
