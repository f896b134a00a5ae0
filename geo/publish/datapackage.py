"""``datapackage.json``: the release described as a Frictionless Data Package (v2).

Every file is a resource with its media type, size and SHA-256. The CSV tables are tabular resources whose schema
names each column with its type, unit and description from the figure registry; the other formats carry the same
columns (plus their geometry) and are described as files. Licences are per resource: CC BY 4.0 for the facts, and
the ODbL 1.0 as well where a feature's geometry is derived from OpenStreetMap (its ``geometry_datasets``).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from geo.data.atlas import Atlas, AtlasFeature
from geo.data.registry import DATA_VERSION
from geo.data.schema import COMPUTED_FIGURES, DOCUMENTED_FIGURES, FeatureProperties
from geo.publish.formats import BASE_DTYPES, VERSION_COLUMN
from geo.publish.metadata import sha256_of

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_PROFILE = "https://datapackage.org/profiles/2.0/dataresource.json"
CC_BY = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
         "title": "Creative Commons Attribution 4.0 (the facts, as cited per feature)"}
ODBL = {"name": "ODbL-1.0", "path": "https://opendatacommons.org/licenses/odbl/1-0/",
        "title": "Open Database License 1.0 (geometry derived from OpenStreetMap, © OpenStreetMap contributors)"}
MEDIA_TYPES = {"parquet": "application/vnd.apache.parquet", "fgb": "application/vnd.flatgeobuf",
               "gpkg": "application/geopackage+sqlite3", "geojson": "application/geo+json", "csv": "text/csv",
               "pmtiles": "application/vnd.pmtiles"}
# Columns holding lists or objects as JSON text in the tables.
JSON_COLUMNS = {"sources": "array", "geometry_datasets": "array", "districts": "array"}
OTHER_COLUMNS = {
    "WKT": ("string", "Geometry as Well-Known Text (WGS 84 longitude/latitude)"),
    VERSION_COLUMN: ("string", "Data version of the atlas this row belongs to"),
    "layer": ("string", "Id of the atlas layer the feature belongs to"),
}


def _is_odbl(features: list[AtlasFeature] | tuple[AtlasFeature, ...]) -> bool:
    return any("odbl" in str(dataset.get("license", "")).lower()
               for feature in features for dataset in feature.properties.get("geometry_datasets") or [])


def licenses_of(features: list[AtlasFeature] | tuple[AtlasFeature, ...]) -> list[dict[str, str]]:
    return [CC_BY, ODBL] if _is_odbl(features) else [CC_BY]


def field(name: str, figure_columns: dict[str, bool]) -> dict[str, Any]:
    """One column of the tables: type, description and unit."""
    if name in OTHER_COLUMNS:
        kind, description = OTHER_COLUMNS[name]
        return {"name": name, "type": kind, "description": description}
    if name in DOCUMENTED_FIGURES or name in COMPUTED_FIGURES:
        label, unit = DOCUMENTED_FIGURES.get(name) or COMPUTED_FIGURES[name]
        numeric = name in COMPUTED_FIGURES or figure_columns.get(name, False)
        description = f"{label} ({unit})" + ("" if numeric else "; every value is JSON: a plain number, a qualified "
                                             "value {value, qualifier, as_of}, a range {min, max} or a series")
        return {"name": name, "type": "number" if numeric else "any", "description": description, "unit": unit}
    if name in JSON_COLUMNS:
        description = FeatureProperties.model_fields[name].description or name.replace("_", " ")
        return {"name": name, "type": JSON_COLUMNS[name], "description": f"{description} (JSON)"}
    dtype = BASE_DTYPES.get(name, "object")
    kind = {"Int64": "integer", "Float64": "number"}.get(dtype, "string")
    model_field = FeatureProperties.model_fields.get(name)
    description = (model_field.description if model_field is not None else None) or name.replace("_", " ")
    return {"name": name, "type": kind, "description": description}


def table_schema(csv_path: Path, figure_columns: dict[str, bool]) -> dict[str, Any]:
    """The schema of a CSV table as written: its header, in order."""
    with csv_path.open(encoding="utf-8", newline="") as file:
        header = next(csv.reader(io.StringIO(file.readline())))
    return {"fields": [field(name, figure_columns) for name in header]}


def _resource(folder: Path, path: Path, title: str, licenses: list[dict[str, str]],
              sources: list[dict[str, str]]) -> dict[str, Any]:
    relative = path.relative_to(folder).as_posix()
    extension = path.suffix.lstrip(".")
    name = relative.replace("/", "-").replace(".", "-").replace("_", "-").lower()
    resource: dict[str, Any] = {
        "name": name, "path": relative, "title": title, "format": extension, "mediatype": MEDIA_TYPES[extension],
        "bytes": path.stat().st_size, "hash": f"sha256:{sha256_of(path)}", "licenses": licenses,
    }
    if sources:
        resource["sources"] = sources
    if extension == "csv":
        resource.update(type="table", encoding="utf-8", dialect={"header": True, "delimiter": ","})
    else:
        resource["type"] = "file"
    return resource


def geometry_sources(features: list[AtlasFeature] | tuple[AtlasFeature, ...]) -> list[dict[str, str]]:
    """The datasets the geometry was derived from, once each, with version and licence."""
    seen: dict[str, dict[str, str]] = {}
    for feature in features:
        for dataset in feature.properties.get("geometry_datasets") or []:
            entry = {"title": f"{dataset['name']} {dataset['version']} ({dataset['license']})"}
            if dataset.get("url"):
                entry["path"] = dataset["url"]
            seen.setdefault(entry["title"], entry)
    return [seen[title] for title in sorted(seen)]


def datapackage(atlas: Atlas, folder: Path, cff: dict[str, Any], date: str) -> dict[str, Any]:
    """The package of the release files already written in ``folder``."""
    resources = []
    everything = atlas.features()
    atlas_figures = {name: numeric for layer in atlas.layers for name, numeric in layer.figure_columns.items()}
    entries = [(layer.spec.title, f"layers/{layer.spec.id}", layer.features, layer.figure_columns)
               for layer in atlas.layers] + [("Whole atlas (every layer)", "atlas", everything, atlas_figures)]
    for title, stem, features, figures in entries:
        licenses, sources = licenses_of(features), geometry_sources(features)
        for extension in ("parquet", "fgb", "gpkg", "geojson", "csv", "pmtiles"):
            path = folder / f"{stem}.{extension}"
            if not path.exists():
                continue
            resource = _resource(folder, path, f"{title} ({extension})", licenses, sources)
            if extension == "csv":
                resource["schema"] = table_schema(path, figures)
            resources.append(resource)
    return {
        "$schema": PROFILE,
        "name": "chongqing-trade-atlas",
        "title": str(cff["title"]),
        "description": " ".join(str(cff.get("abstract", "")).split()),
        "version": DATA_VERSION,
        "created": f"{date}T00:00:00Z",
        "keywords": [str(keyword) for keyword in cff.get("keywords", [])],
        "licenses": [CC_BY, ODBL] if _is_odbl(everything) else [CC_BY],
        "contributors": [{"title": str(author["name"]), "roles": ["creator"]}
                         for author in cff.get("authors", []) if "name" in author],
        "sources": geometry_sources(everything),
        "resources": resources,
    }


def datapackage_json(package: dict[str, Any]) -> bytes:
    return (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
