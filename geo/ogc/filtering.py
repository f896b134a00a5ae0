"""OGC API – Features Part 3: queryables (JSON Schema) and CQL2 filters (text and JSON), parsed and evaluated by the
``cql2`` library; this module only decides which properties may be queried and how a feature is presented to it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import cql2
from shapely.geometry import mapping

from geo.data.atlas import AtlasFeature, AtlasLayer
from geo.ogc.crs import OutputCrs, to_crs
from geo.ogc.filter_guard import MAX_FILTER_LENGTH, check_json_structure, check_text_structure, parsers
from geo.data.errors import BadRequest
from geo.data.schema import COMPUTED_FIGURES, FeatureProperties

FILTER_LANGS = ("cql2-text", "cql2-json")
GEOMETRY = "geometry"
_SCALARS = {"string", "integer", "number", "boolean"}
_GEOMETRY_FORMATS = {"Point": "geometry-point", "MultiPoint": "geometry-multipoint",
                     "LineString": "geometry-linestring", "MultiLineString": "geometry-multilinestring",
                     "Polygon": "geometry-polygon", "MultiPolygon": "geometry-multipolygon"}
# Values a CQL2 comparison may compare each JSON Schema type with.
_LITERAL_TYPES = {"string": (str,), "integer": (int, float), "number": (int, float), "boolean": (bool,)}


def _scalar_type(schema: dict[str, Any]) -> dict[str, Any] | None:
    """The one scalar JSON Schema type of a property (null allowed beside it), or None for anything else."""
    options = [option for option in schema.get("anyOf", [schema]) if option.get("type") != "null"]
    if len(options) != 1 or options[0].get("type") not in _SCALARS:
        return None
    option = options[0]
    return {key: option[key] for key in ("type", "enum") if key in option}


@cache
def property_queryables() -> dict[str, dict[str, Any]]:
    """Every scalar feature property, typed as the schema declares it; nested values (sources) are not queryable."""
    schema = FeatureProperties.model_json_schema()
    found: dict[str, dict[str, Any]] = {}
    for name, field in schema["properties"].items():
        scalar = _scalar_type(field)
        if scalar is not None:
            found[name] = {"title": field.get("title", name), **scalar}
    for name, (label, unit) in COMPUTED_FIGURES.items():
        found[name] = {"title": f"{label} ({unit})", "type": "number"}
    return found


def queryables(layer: AtlasLayer, self_href: str) -> dict[str, Any]:
    """The queryables of a collection as a JSON Schema (Part 3, /req/queryables)."""
    types = layer.geometry_types
    geometry_format = _GEOMETRY_FORMATS[types[0]] if len(types) == 1 else "geometry-any"
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": self_href,
        "type": "object",
        "title": layer.spec.title,
        "properties": {GEOMETRY: {"title": "Geometry", "format": geometry_format, "x-ogc-role": "primary-geometry"},
                       **property_queryables()},
        "additionalProperties": False,
    }


@dataclass(frozen=True)
class CqlFilter:
    expression: Any  # cql2.Expr
    crs: OutputCrs  # CRS of geometry literals (filter-crs)

    def matches(self, feature: AtlasFeature) -> bool:
        geometry = feature.geojson_geometry
        if not self.crs.is_storage:  # compare in the filter's CRS rather than converting every literal
            geometry = mapping(to_crs(feature.geometry, self.crs))
        item = {"type": "Feature", "id": feature.id, "geometry": geometry, "properties": feature.properties}
        try:
            return bool(self.expression.matches(item))
        except Exception:  # noqa: BLE001 — comparisons with a null value are unknown, and unknown does not match
            return False


def parse_filter(text: str, lang: str | None, crs: OutputCrs) -> CqlFilter:
    """Parse and check a ``filter`` in ``filter-lang`` (cql2-text by default); every fault is a 400 with its reason."""
    lang = lang or "cql2-text"
    if lang not in FILTER_LANGS:
        raise BadRequest(f"filter-lang must be one of {', '.join(FILTER_LANGS)}; got {lang!r}")
    if len(text) > MAX_FILTER_LENGTH:
        raise BadRequest(f"filter is longer than {MAX_FILTER_LENGTH} characters")
    if not text.strip():
        raise BadRequest("filter is empty; leave the parameter out to select every feature")
    if lang == "cql2-json":
        check_json_structure(text)
    else:
        check_text_structure(text)
    answer = parsers.parse(text, lang)  # in a bounded child process: see geo.ogc.filter_guard
    if "error" in answer:
        raise BadRequest(f"invalid {lang} filter: {_first_lines(answer['error'])}")
    tree = answer["tree"]
    if not isinstance(tree, dict) or "op" not in tree:
        raise BadRequest("filter must be a boolean expression")
    _check_properties(tree)
    # The tree came back shallow (bounded in the child), so reading it here is safe.
    return CqlFilter(cql2.parse_json(json.dumps(tree)), crs)


def _first_lines(message: str, limit: int = 400) -> str:
    flat = " ".join(line.strip() for line in message.splitlines() if line.strip())
    return flat[:limit]


def _nodes(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


def _check_properties(tree: dict[str, Any]) -> None:
    """Unknown properties and comparisons of a property with a literal of another type are refused."""
    known = property_queryables()
    for node in _nodes(tree):
        name = node.get("property")
        if isinstance(name, str) and name != GEOMETRY and name not in known:
            raise BadRequest(f"{name!r} is not a queryable; see the collection's queryables")
        if node.get("op") in ("=", "<>", "<", ">", "<=", ">=") and len(node.get("args", [])) == 2:
            _check_comparison(node["args"], known)


def _check_comparison(args: list[Any], known: dict[str, dict[str, Any]]) -> None:
    for this, other in (args, args[::-1]):
        if isinstance(this, dict) and isinstance(this.get("property"), str) and not isinstance(other, (dict, list)):
            expected = known.get(this["property"], {}).get("type")
            allowed = _LITERAL_TYPES.get(expected or "", ())
            if other is not None and allowed and (not isinstance(other, allowed) or
                                                 (expected != "boolean" and isinstance(other, bool))):
                raise BadRequest(f"{this['property']!r} is a {expected}; cannot compare it with {json.dumps(other)}")

