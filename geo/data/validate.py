"""Validation of layer files: collects every problem, never stops at the first."""

from __future__ import annotations

import errno
import json
import math
import os
import reprlib
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import shapely
from pydantic import ValidationError
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geo.data import strict_json
from geo.data.figure_checks import check_documented_figures
from geo.data.figures import headline_number
from geo.data.geodesy import geodesic_area_km2, segment_lengths_km
from geo.data.placement import placement_problems
from geo.data.problems import Problem
from geo.data.registry import LAYERS, LayerSpec
from geo.data.schema import DOCUMENTED_FIGURES, FeatureProperties, ValidFeature

MAX_DECIMALS = 6
_echo = reprlib.Repr()  # bounded echo of bad input: a 3 MB position must not become a 3 MB message
_echo.maxlist, _echo.maxstring, _echo.maxother, _echo.maxlevel = 4, 40, 40, 3
_short = _echo.repr


MAX_FILE_BYTES = 64 * 1024 * 1024  # far above any layer; keeps a runaway file from exhausting memory


def is_editor_file(name: str) -> bool:
    """Lock, swap and backup files editors leave beside the file being edited (``.#x``, ``.x.swp``, ``x~``)."""
    return name.startswith((".#", "#")) or name.endswith(("~", ".swp", ".swx", ".swo")) or (
        name.startswith(".") and name.endswith(".tmp"))


def read_json(path: Path) -> tuple[Any, list[Problem]]:
    name = path.name
    try:
        # Layers are regular files inside the layers folder: a symbolic link (to a file anywhere) is not followed,
        # and a FIFO is opened without blocking, then refused.
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):  # a folder, or a FIFO that would block the read forever
            os.close(fd)
            return None, [Problem(name, None, None, "is not a regular file")]
        with os.fdopen(fd, "rb") as handle:
            if info.st_size > MAX_FILE_BYTES:
                return None, [Problem(name, None, None,
                                      f"is {info.st_size} bytes, more than the {MAX_FILE_BYTES} allowed")]
            text = handle.read().decode("utf-8")
        return strict_json.loads(text), []
    except FileNotFoundError:
        return None, [Problem(name, None, None, "layer file is missing")]
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None, [Problem(name, None, None, "is a symbolic link; layers are read only from regular files "
                                  "inside the layers folder")]
        return None, [Problem(name, None, None, f"cannot be read: {exc.strerror or exc}")]
    except UnicodeDecodeError as exc:
        return None, [Problem(name, None, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except json.JSONDecodeError as exc:
        return None, [Problem(name, None, None, f"invalid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")]
    except RecursionError:
        return None, [Problem(name, None, None, "nested too deeply to be read")]


def validate_layers(layers_dir: Path, specs: tuple[LayerSpec, ...] = LAYERS) -> tuple[dict[str, list[ValidFeature]], list[Problem]]:
    """Validate every declared layer in ``layers_dir``; returns the valid features and all problems."""
    problems: list[Problem] = []
    layers: dict[str, list[ValidFeature]] = {}
    ids: list[tuple[str, str]] = []  # (file, id) of every feature that names one, valid or not
    if not layers_dir.is_dir():
        reason = "is not a folder" if layers_dir.exists() else "layers directory does not exist"
        return {}, [Problem(str(layers_dir), None, None, reason)]
    declared = {spec.filename for spec in specs}
    for stray in sorted(layers_dir.glob("*.geojson")):
        if stray.name not in declared and not is_editor_file(stray.name):
            problems.append(Problem(stray.name, None, None, "not a declared layer (declare it in geo/data/registry.py or remove it)"))
    for spec in specs:
        data, read_problems = read_json(layers_dir / spec.filename)
        problems += read_problems
        if data is None:
            continue
        features, layer_problems = validate_feature_collection(spec, data)
        layers[spec.id] = features
        problems += layer_problems
        raw_features = data.get("features") if isinstance(data, dict) else None
        for raw in raw_features if isinstance(raw_features, list) else []:
            props = raw.get("properties") if isinstance(raw, dict) else None
            if isinstance(props, dict) and isinstance(props.get("id"), str):
                ids.append((spec.filename, props["id"]))
    problems += _duplicate_ids(ids)
    problems += placement_problems(layers, specs)
    return layers, problems


def validate_feature_collection(spec: LayerSpec, data: Any) -> tuple[list[ValidFeature], list[Problem]]:
    file = spec.filename
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        return [], [Problem(file, None, "type", "top level must be a GeoJSON FeatureCollection")]
    problems: list[Problem] = []
    if "crs" in data:
        problems.append(Problem(file, None, "crs", "RFC 7946 GeoJSON has no 'crs' member; coordinates must be WGS 84 lon/lat"))
    problems += [Problem(file, None, field, message) for field, message in
                 strict_json.number_problems({k: v for k, v in data.items() if k != "features"})]
    raw_features = data.get("features")
    if not isinstance(raw_features, list):
        return [], problems + [Problem(file, None, "features", "must be a list of Features")]
    if not raw_features:
        problems.append(Problem(file, None, "features", "layer has no features"))
    features: list[ValidFeature] = []
    for index, raw in enumerate(raw_features):
        feature, feature_problems = validate_feature(spec, index, raw)
        problems += feature_problems
        if feature is not None and not feature_problems:
            features.append(feature)
    return features, problems


def _feature_label(index: int, raw: Any) -> str:
    if isinstance(raw, dict):
        props = raw.get("properties")
        if isinstance(props, dict) and isinstance(props.get("id"), str) and props["id"]:
            return props["id"]
        if isinstance(raw.get("id"), str):
            return raw["id"]
    return f"#{index + 1}"


def validate_feature(spec: LayerSpec, index: int, raw: Any) -> tuple[ValidFeature | None, list[Problem]]:
    file, label = spec.filename, _feature_label(index, raw)

    def problem(field: str | None, message: str) -> Problem:
        return Problem(file, label, field, message)

    if not isinstance(raw, dict) or raw.get("type") != "Feature":
        return None, [problem("type", "must be a GeoJSON Feature")]
    problems = [problem(field, message) for field, message in strict_json.number_problems(
        {k: v for k, v in raw.items() if k not in ("properties", "geometry")})]
    props = raw.get("properties")
    properties: FeatureProperties | None = None
    if not isinstance(props, dict):
        problems.append(problem("properties", "must be an object"))
    else:
        # A field holding a number that is not JSON is reported as such, and left out of the schema check
        # (which would only blur what is wrong); every other field is still checked.
        refused = list(strict_json.number_problems(props))
        problems += [problem(field, message) for field, message in refused]
        refused_fields = {field.split(".")[0] for field, _ in refused}
        try:
            checked = FeatureProperties.model_validate({k: v for k, v in props.items() if k not in refused_fields})
            properties = None if refused else checked
        except ValidationError as exc:
            for error in exc.errors():
                field = ".".join(str(part) for part in error["loc"]) or None
                if not error["loc"] or error["loc"][0] not in refused_fields:
                    problems.append(problem(field, error["msg"]))
        if "id" in raw and raw["id"] != props.get("id"):
            problems.append(problem("id", f"Feature id {_short(raw['id'])} differs from properties.id "
                                          f"{_short(props.get('id'))}"))
    if properties is not None:
        problems += [problem(field, message) for field, message in _check_properties(spec, properties)]

    geometry_json = raw.get("geometry")
    geometry_numbers = list(strict_json.number_problems(geometry_json, "geometry"))
    geometry, geometry_problems = (None, geometry_numbers) if geometry_numbers else _check_geometry(spec, geometry_json)
    problems += [problem(field, message) for field, message in geometry_problems]
    if properties is not None and geometry is not None:
        problems += [problem(field, message) for field, message in _check_documented_area(spec, properties, geometry)]
    if properties is None or geometry is None:
        return None, problems
    return ValidFeature(properties, geometry, geometry_json), problems


def _check_properties(spec: LayerSpec, properties: FeatureProperties) -> Iterator[tuple[str, str]]:
    if properties.kind not in spec.kinds:
        allowed = ", ".join(sorted(spec.kinds))
        yield "kind", f"{properties.kind!r} is not a kind of layer {spec.id} (allowed: {allowed})"
    yield from check_documented_figures(properties)
    for position, source in enumerate(properties.sources):
        for name in source.supports:
            if name not in FeatureProperties.model_fields:
                yield f"sources.{position}.supports", f"{name!r} is not a property of the schema"
            elif getattr(properties, name) is None:
                yield f"sources.{position}.supports", f"source supports {name!r} but the feature has no value for it"
    if properties.figures_as_of and not any(name in DOCUMENTED_FIGURES for name in properties.documented_figures()):
        yield "figures_as_of", "date given but the feature carries no documented figure"
    for name in properties.figure_notes or {}:
        if name not in DOCUMENTED_FIGURES or getattr(properties, name) is None:
            yield f"figure_notes.{name}", "note on a figure the feature does not carry"
    yield from _check_status(properties)


def _check_status(properties: FeatureProperties) -> Iterator[tuple[str, str]]:
    """A status says when it held and who says so; a date without a status says nothing."""
    if properties.status is None:
        if properties.status_as_of is not None:
            yield "status_as_of", "date given but the feature carries no status"
        return
    if properties.status_as_of is None:
        yield "status_as_of", f"status {properties.status!r} needs the date its source gives it for"
    if not any("status" in source.supports for source in properties.sources):
        yield "status", f"status {properties.status!r} has no source (no source lists 'status' in supports)"


def _positions(coordinates: Any) -> Iterator[Any]:
    """Yield every position of a GeoJSON coordinates array, however deeply nested."""
    if isinstance(coordinates, list) and coordinates and not isinstance(coordinates[0], list):
        yield coordinates
    elif isinstance(coordinates, list):
        for part in coordinates:
            yield from _positions(part)
    else:
        yield coordinates


def _check_geometry(spec: LayerSpec, geometry: Any) -> tuple[BaseGeometry | None, list[tuple[str, str]]]:
    if not isinstance(geometry, dict):
        return None, [("geometry", "missing or not an object")]
    kind = geometry.get("type")
    if kind not in spec.geometry_types:
        allowed = ", ".join(sorted(spec.geometry_types))
        return None, [("geometry.type", f"{kind!r} not allowed in layer {spec.id} (allowed: {allowed})")]
    problems: list[tuple[str, str]] = []
    for position in _positions(geometry.get("coordinates")):
        if not (isinstance(position, list) and len(position) in (2, 3)
                and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in position)):
            return None, [("geometry.coordinates", f"malformed position {_short(position)}")]
        lon, lat = position[0], position[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            return None, [("geometry.coordinates", f"position {_short(position)} out of range: lon must be within ±180, "
                                                   "lat within ±90 (swapped lat/lon?)")]
        if any(round(v, MAX_DECIMALS) != v for v in position[:2]):
            problems.append(("geometry.coordinates", f"position {position!r} has more than {MAX_DECIMALS} decimals"))
            break
    try:
        geom = shape(geometry)
    except Exception as exc:  # shapely raises several types for malformed input
        return None, [("geometry", f"cannot be read: {exc}")]
    if geom.is_empty:
        return None, [("geometry", "is empty")]
    if not geom.is_valid:
        problems.append(("geometry", f"invalid geometry: {shapely.is_valid_reason(geom)}"))
    problems += _check_winding(geom)
    if not spec.extent.contains(geom.bounds):
        bounds = ", ".join(f"{v:.4f}" for v in geom.bounds)
        problems.append(("geometry", f"bounds ({bounds}) fall outside {spec.extent.name} "
                                     f"({spec.extent.min_lon}..{spec.extent.max_lon} E, "
                                     f"{spec.extent.min_lat}..{spec.extent.max_lat} N); swapped lat/lon?"))
    if spec.max_segment_km is not None:
        longest = max(segment_lengths_km(geom), default=0.0)
        if longest > spec.max_segment_km:
            problems.append(("geometry", f"straight segment of {longest:.0f} km exceeds {spec.max_segment_km:.0f} km; "
                                         "lines must follow the real alignment"))
    return geom, problems


def _check_winding(geom: BaseGeometry) -> list[tuple[str, str]]:
    polygons = getattr(geom, "geoms", [geom]) if geom.geom_type in ("Polygon", "MultiPolygon") else []
    for polygon in polygons:
        if not polygon.exterior.is_ccw:
            return [("geometry", "exterior ring must be counter-clockwise (RFC 7946 right-hand rule)")]
        if any(ring.is_ccw for ring in polygon.interiors):
            return [("geometry", "holes must be clockwise (RFC 7946 right-hand rule)")]
    return []


def _check_documented_area(spec: LayerSpec, properties: FeatureProperties, geom: BaseGeometry) -> list[tuple[str, str]]:
    documented = headline_number(properties.documented_area_km2)
    if documented is None or geom.geom_type not in ("Polygon", "MultiPolygon"):
        return []
    computed = geodesic_area_km2(geom)
    if abs(computed - documented) > spec.area_tolerance * documented:
        return [("documented_area_km2", f"documented {documented:g} km² but the polygon measures {computed:.2f} km² "
                                        f"(more than {spec.area_tolerance:.0%} apart)")]
    return []


def _duplicate_ids(ids: list[tuple[str, str]]) -> list[Problem]:
    seen: dict[str, str] = {}
    problems = []
    for file, feature_id in ids:
        if feature_id in seen:
            problems.append(Problem(file, feature_id, "id", f"duplicate id (also in {seen[feature_id]})"))
        else:
            seen[feature_id] = file
    return problems
