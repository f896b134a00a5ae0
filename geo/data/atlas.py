"""Load → validate → enrich: the in-memory atlas every output is made from."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from shapely import STRtree
from shapely.geometry.base import BaseGeometry

from geo.data.figures import figure_columns_of
from geo.data.geodesy import geodesic_area_km2, geodesic_length_km
from geo.data.problems import AtlasInvalid
from geo.data.registry import DATA_VERSION, LAYERS, LayerSpec
from geo.data.schema import DOCUMENTED_FIGURES
from geo.data.schema import ValidFeature
from geo.data.text_search import fold
from geo.data.validate import validate_layers


@dataclass(frozen=True)
class AtlasFeature:
    layer_id: str
    properties: dict[str, Any]  # validated properties plus computed figures, JSON-ready
    geometry: BaseGeometry
    geojson_geometry: dict[str, Any]

    @property
    def id(self) -> str:
        return self.properties["id"]

    @cached_property
    def search_text(self) -> str:
        """Its names in three scripts and its id, folded as text searches fold them (geo.data.text_search): folded
        once, not at every search of a layer of many thousand features."""
        return fold(" ".join(str(self.properties.get(key) or "") for key in ("name_en", "name_zh", "name_fa", "id")))

    def to_geojson(self, *, with_layer: bool = False) -> dict[str, Any]:
        properties = {"layer": self.layer_id, **self.properties} if with_layer else self.properties
        return {"type": "Feature", "id": self.id, "geometry": self.geojson_geometry, "properties": properties}


@dataclass(frozen=True)
class AtlasLayer:
    spec: LayerSpec
    features: tuple[AtlasFeature, ...]
    bbox: tuple[float, float, float, float] = field(init=False)

    def __post_init__(self) -> None:
        bounds = [feature.geometry.bounds for feature in self.features]
        bbox = (
            min(b[0] for b in bounds), min(b[1] for b in bounds),
            max(b[2] for b in bounds), max(b[3] for b in bounds),
        ) if bounds else (0.0, 0.0, 0.0, 0.0)
        object.__setattr__(self, "bbox", tuple(round(v, 6) for v in bbox))

    @cached_property
    def spatial_index(self) -> STRtree:
        """R-tree over the layer's geometries, so bbox queries do not scan every feature."""
        return STRtree([feature.geometry for feature in self.features])

    @cached_property
    def figure_columns(self) -> dict[str, bool]:
        """Documented figures the layer's features carry (registry order) -> whether every value is a plain number.

        Decided over the whole layer, so a table column keeps its type however the features are filtered.
        """
        return figure_columns_of(self.features)

    @property
    def geometry_types(self) -> list[str]:
        return sorted({feature.geometry.geom_type for feature in self.features})

    def feature_collection(self, features: tuple[AtlasFeature, ...] | list[AtlasFeature] | None = None) -> dict[str, Any]:
        chosen = self.features if features is None else features
        return {"type": "FeatureCollection", "data_version": DATA_VERSION,
                "features": [feature.to_geojson() for feature in chosen]}

    def catalog_entry(self) -> dict[str, Any]:
        spec = self.spec
        return {
            "id": spec.id,
            "title": spec.title,
            "description": spec.description,
            "group": spec.group,
            "geometry_types": self.geometry_types,
            "feature_count": len(self.features),
            "bbox": list(self.bbox),
            "attribution": spec.attribution,
            "license": spec.license,
        }


@dataclass(frozen=True)
class Atlas:
    layers: tuple[AtlasLayer, ...]

    def layer(self, layer_id: str) -> AtlasLayer | None:
        return next((layer for layer in self.layers if layer.spec.id == layer_id), None)

    def features(self) -> list[AtlasFeature]:
        return [feature for layer in self.layers for feature in layer.features]

    def feature_collection(self) -> dict[str, Any]:
        """All layers in one collection, each feature carrying its ``layer``."""
        return {"type": "FeatureCollection", "data_version": DATA_VERSION,
                "features": [feature.to_geojson(with_layer=True) for feature in self.features()]}

    def catalog(self) -> dict[str, Any]:
        used = {name for layer in self.layers for name in layer.figure_columns}
        # Label and unit of every documented figure the atlas carries, so API clients can read the values.
        figures = {name: {"label": label, "unit": unit} for name, (label, unit) in DOCUMENTED_FIGURES.items()
                   if name in used}
        return {"data_version": DATA_VERSION, "figures": figures,
                "layers": [layer.catalog_entry() for layer in self.layers]}


def enrich(layer_id: str, feature: ValidFeature) -> AtlasFeature:
    """Attach computed geodesic figures; documented figures stay as the sources state them."""
    # Every feature carries every base schema field (null where absent); documented figures only where documented,
    # since there are well over a hundred of them (tables take their figure columns from the layer).
    properties = {name: value for name, value in feature.properties.model_dump(mode="json").items()
                  if value is not None or name not in DOCUMENTED_FIGURES}
    geom = feature.geometry
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        properties["area_km2"] = round(geodesic_area_km2(geom), 2)
    elif geom.geom_type in ("LineString", "MultiLineString"):
        properties["length_km"] = round(geodesic_length_km(geom), 1)
    return AtlasFeature(layer_id, properties, geom, feature.geojson_geometry)


def load_atlas(layers_dir: Path, specs: tuple[LayerSpec, ...] = LAYERS) -> Atlas:
    """Validate and enrich every layer; raise ``AtlasInvalid`` with all problems if any."""
    valid, problems = validate_layers(layers_dir, specs)
    if problems:
        raise AtlasInvalid(problems)
    return Atlas(tuple(
        AtlasLayer(spec, tuple(enrich(spec.id, feature) for feature in valid[spec.id])) for spec in specs
    ))
