"""What changed between two data versions, by stable feature id: added, removed, moved (by more than a stated
tolerance) and every figure changed, old → new, each with the sources that back it.

Either side is a release folder (its ``atlas.geojson``), a layers folder, or a data version recovered from the
repository (``geo.publish.history``). Layer files are compared as written, so versions made under an older schema
compare too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import pyproj
import shapely
from shapely.geometry import shape
from shapely.ops import transform

from geo.data.figure_registry import DOCUMENTED_FIGURES
from geo.publish.history import VERSION_COMMITS, layer_collections_at
from geo.publish.metadata import ReleaseRefused

DEFAULT_TOLERANCE_KM = 0.01  # 10 m: below what any layer's geometry claims to be accurate to
TEMPLATES = Path(__file__).with_name("templates")
# Lists describing the feature's provenance: compared, but shown with the figures rather than as changes of their own.
_NOT_PROPERTIES = frozenset({"id", "sources"})


@dataclass(frozen=True)
class Side:
    label: str
    features: dict[str, tuple[str, dict[str, Any], dict[str, Any]]]  # id -> (layer, properties, geometry)


def _from_collections(label: str, collections: dict[str, dict[str, Any]]) -> Side:
    features = {}
    for layer_id, collection in sorted(collections.items()):
        for feature in collection.get("features", []):
            properties = feature.get("properties") or {}
            layer = properties.get("layer", layer_id)
            features[str(properties.get("id", feature.get("id")))] = (layer, properties, feature.get("geometry"))
    return Side(label, features)


def load_side(spec: str, repo: Path, label: str | None = None) -> Side:
    """A data version (``1.1.0``), a release folder or a layers folder (named ``label`` if given)."""
    path = Path(spec)
    if path.is_dir():
        if (path / "atlas.geojson").is_file():
            atlas = json.loads((path / "atlas.geojson").read_text(encoding="utf-8"))
            label = str(atlas.get("data_version") or path.name)
            return _from_collections(label, {"atlas": atlas})
        files = sorted(path.glob("*.geojson"))
        return _from_collections(label or path.name, {f.stem: json.loads(f.read_text(encoding="utf-8")) for f in files})
    if re.fullmatch(r"\d+\.\d+\.\d+", spec) and spec in VERSION_COMMITS:
        return _from_collections(spec, layer_collections_at(spec, repo))
    raise ReleaseRefused(f"{spec!r} is neither a folder nor a recorded data version ({', '.join(VERSION_COMMITS)})")


def moved_km(old: dict[str, Any], new: dict[str, Any]) -> float:
    """Hausdorff distance between two geometries, in km, measured in an azimuthal equidistant projection centred on
    the old geometry (true distances from that centre, close enough for the shifts a re-trace makes)."""
    before, after = shape(old), shape(new)
    centre = before.centroid
    local = pyproj.Transformer.from_crs(
        "EPSG:4326", pyproj.CRS.from_proj4(f"+proj=aeqd +lat_0={centre.y} +lon_0={centre.x} +units=m"),
        always_xy=True).transform
    return shapely.hausdorff_distance(transform(local, before), transform(local, after)) / 1000


def _sources_for(properties: dict[str, Any], figure: str) -> list[dict[str, str]]:
    """The sources that say they back ``figure``; all the feature's sources where none says which it backs."""
    sources = properties.get("sources") or []
    backing = [s for s in sources if figure in (s.get("supports") or [])]
    return [{"title": s.get("title", ""), "url": s.get("url", "")} for s in (backing or sources)]


def _brief(feature_id: str, layer: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {"id": feature_id, "layer": layer, "name_en": properties.get("name_en")}


def compare(old: Side, new: Side, tolerance_km: float = DEFAULT_TOLERANCE_KM) -> dict[str, Any]:
    added = sorted(set(new.features) - set(old.features))
    removed = sorted(set(old.features) - set(new.features))
    moved, figures, properties = [], [], []
    for feature_id in sorted(set(old.features) & set(new.features)):
        old_layer, old_props, old_geometry = old.features[feature_id]
        new_layer, new_props, new_geometry = new.features[feature_id]
        if old_geometry != new_geometry:
            distance = moved_km(old_geometry, new_geometry)
            if distance > tolerance_km:
                moved.append({**_brief(feature_id, new_layer, new_props), "distance_km": round(float(distance), 3)})
        for name in sorted(set(old_props) | set(new_props)):
            before, after = old_props.get(name), new_props.get(name)
            if before == after or name in _NOT_PROPERTIES:
                continue
            if name in DOCUMENTED_FIGURES:
                label, unit = DOCUMENTED_FIGURES[name]
                figures.append({**_brief(feature_id, new_layer, new_props), "figure": name, "label": label,
                                "unit": unit, "old": before, "new": after,
                                "old_sources": _sources_for(old_props, name) if before is not None else [],
                                "new_sources": _sources_for(new_props, name) if after is not None else []})
            elif name != "layer" or old_layer != new_layer:
                properties.append({**_brief(feature_id, new_layer, new_props), "property": name, "old": before,
                                   "new": after})
    return {
        "old": old.label, "new": new.label, "tolerance_km": tolerance_km,
        "moved_measure": "Hausdorff distance in an azimuthal equidistant projection centred on the old geometry",
        "added": [_brief(i, *new.features[i][:2]) for i in added],
        "removed": [_brief(i, *old.features[i][:2]) for i in removed],
        "moved": moved, "figures_changed": figures, "properties_changed": properties,
    }


def diff_json(changes: dict[str, Any]) -> bytes:
    return (json.dumps(changes, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _text(value: Any) -> str:
    if value is None:
        return "—"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def diff_html(changes: dict[str, Any]) -> bytes:
    """A readable page of the changes; every value is escaped by the template engine."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                     undefined=jinja2.StrictUndefined)
    environment.filters["text"] = _text
    return environment.get_template("diff.html").render(changes=changes).encode("utf-8")


def summary(changes: dict[str, Any]) -> str:
    return (f"{changes['old']} → {changes['new']}: {len(changes['added'])} added, {len(changes['removed'])} removed, "
            f"{len(changes['moved'])} moved (> {changes['tolerance_km']} km), {len(changes['figures_changed'])} "
            f"figures changed, {len(changes['properties_changed'])} other properties changed")
