"""Write layer files the same way every time (properties indented for review, coordinates compact), and a set of
them all at once or not at all.

A set is written as hidden ``.NAME.derive-TOKEN.tmp`` files beside the layers; once every one is complete on disk,
a journal naming them is put in place with one atomic rename, and only then are they renamed over the layers. The
journal is the point of no return: a derivation killed before it leaves the layers untouched (its temporary files
are removed by the next one), killed after it, the next derivation finishes the renames first.
"""

from __future__ import annotations

import json
import os
import re
import secrets
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


JOURNAL = ".derive-journal.json"
_STAGED = re.compile(r"\.(?P<name>[\w-]+\.geojson)\.derive-[0-9a-f]+\.tmp")
_PENDING_JOURNAL = re.compile(r"\.derive-journal-[0-9a-f]+\.tmp")  # a journal killed before its rename


def _write_synced(path: Path, text: str) -> None:
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, 0o644)


def _finish(layers_dir: Path, journal: dict[str, str]) -> None:
    for name, staged in journal.items():
        # Names come from our own journal; anything that is not a plain staged file name of a layer is ignored.
        match = _STAGED.fullmatch(staged)
        if match is None or match.group("name") != name:
            continue
        if (layers_dir / staged).exists():
            os.replace(layers_dir / staged, layers_dir / name)
    (layers_dir / JOURNAL).unlink(missing_ok=True)


def recover_layer_writes(layers_dir: Path) -> None:
    """Finish a set whose journal was written, and remove temporary files of sets that never got that far."""
    journal_path = layers_dir / JOURNAL
    if journal_path.exists():
        try:
            journal = json.loads(journal_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            journal = {}
        _finish(layers_dir, journal if isinstance(journal, dict) else {})
    for path in layers_dir.iterdir():
        if (_STAGED.fullmatch(path.name) or _PENDING_JOURNAL.fullmatch(path.name)) and path.is_file():
            path.unlink()


def write_layers(layers_dir: Path, layers: dict[str, dict[str, Any]]) -> None:
    """Replace the files ``layers`` maps (file name → FeatureCollection) all together: all are written, or none."""
    recover_layer_writes(layers_dir)
    token = secrets.token_hex(6)
    journal: dict[str, str] = {}
    try:
        for name, data in layers.items():
            text = dumps_layer(data)
            json.loads(text)  # never write what does not parse back
            staged = f".{name}.derive-{token}.tmp"
            _write_synced(layers_dir / staged, text)
            journal[name] = staged
        pending = layers_dir / f".derive-journal-{token}.tmp"
        _write_synced(pending, json.dumps(journal))
        os.replace(pending, layers_dir / JOURNAL)  # the point of no return
    except BaseException:
        for staged in journal.values():
            (layers_dir / staged).unlink(missing_ok=True)
        (layers_dir / f".derive-journal-{token}.tmp").unlink(missing_ok=True)
        raise
    _finish(layers_dir, journal)
