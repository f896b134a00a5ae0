"""OGC API – Features (Part 1: Core, GeoJSON, OpenAPI 3.0) documents, built without any web framework."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from geo.atlas import Atlas, AtlasLayer
from geo.errors import BadRequest, NotFound
from geo.i18n import DEFAULT_LANGUAGE, display_name, layer_text, translate
from geo.query import FeatureFilter, select

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
DEFAULT_LIMIT = 10
MAX_LIMIT = 1000
JSON = "application/json"
GEOJSON = "application/geo+json"


def _link(href: str, rel: str, media_type: str, title: str) -> dict[str, str]:
    return {"href": href, "rel": rel, "type": media_type, "title": title}


def landing_page(base: str, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    return {
        "title": translate("app.title", language),
        "description": translate("ogc.description", language),
        "links": [
            _link(f"{base}/ogc", "self", JSON, "This document"),
            _link(f"{base}/openapi.json", "service-desc", "application/vnd.oai.openapi+json;version=3.0", "API definition"),
            _link(f"{base}/docs", "service-doc", "text/html", "API documentation"),
            _link(f"{base}/ogc/conformance", "conformance", JSON, "Conformance classes"),
            _link(f"{base}/ogc/collections", "data", JSON, "Collections"),
        ],
    }


def conformance() -> dict[str, Any]:
    return {"conformsTo": CONFORMANCE}


def collection(base: str, layer: AtlasLayer, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    spec = layer.spec
    href = f"{base}/ogc/collections/{spec.id}"
    title = layer_text(spec, "title", language)
    return {
        "id": spec.id,
        "title": title,
        "description": layer_text(spec, "description", language),
        "attribution": spec.attribution,
        "license": spec.license,
        "itemType": "feature",
        "crs": [CRS84],
        "extent": {"spatial": {"bbox": [list(layer.bbox)], "crs": CRS84}},
        "links": [
            _link(href, "self", JSON, title),
            _link(f"{href}/items", "items", GEOJSON, f"{title} (features)"),
            _link(f"{base}/api/layers/{spec.id}.geojson", "enclosure", GEOJSON, "Whole layer as GeoJSON"),
            _link(f"{base}/api/layers/{spec.id}.gpkg", "enclosure", "application/geopackage+sqlite3", "GeoPackage"),
        ],
    }


def collections(base: str, atlas: Atlas, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    return {
        "links": [_link(f"{base}/ogc/collections", "self", JSON, "Collections")],
        "collections": [collection(base, layer, language) for layer in atlas.layers],
    }


def require_layer(atlas: Atlas, collection_id: str) -> AtlasLayer:
    layer = atlas.layer(collection_id)
    if layer is None:
        raise NotFound(f"no collection {collection_id!r}")
    return layer


def items(base: str, layer: AtlasLayer, feature_filter: FeatureFilter, limit: int, offset: int,
          query: dict[str, str]) -> dict[str, Any]:
    """One page of features with numberMatched/numberReturned and next/prev links carrying the same filters."""
    if limit < 1:
        raise BadRequest("limit must be at least 1")
    if offset < 0:
        raise BadRequest("offset must not be negative")
    limit = min(limit, MAX_LIMIT)  # the standard lets servers cap the page size
    matched = select(layer, feature_filter)
    page = matched[offset:offset + limit]
    href = f"{base}/ogc/collections/{layer.spec.id}/items"

    def page_link(rel: str, page_offset: int) -> dict[str, str]:
        params = {**query, "limit": str(limit), "offset": str(page_offset)}
        return _link(f"{href}?{urlencode(params)}", rel, GEOJSON, f"{rel} page")

    links = [page_link("self", offset), _link(f"{base}/ogc/collections/{layer.spec.id}", "collection", JSON, "Collection")]
    if offset + limit < len(matched):
        links.append(page_link("next", offset + limit))
    if offset > 0:
        links.append(page_link("prev", max(offset - limit, 0)))
    return {
        "type": "FeatureCollection",
        "features": [feature.to_geojson() for feature in page],
        "numberMatched": len(matched),
        "numberReturned": len(page),
        "links": links,
    }


def item(base: str, layer: AtlasLayer, feature_id: str, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    feature = next((f for f in layer.features if f.id == feature_id), None)
    if feature is None:
        raise NotFound(f"no feature {feature_id!r} in collection {layer.spec.id!r}")
    document = feature.to_geojson()
    href = f"{base}/ogc/collections/{layer.spec.id}"
    document["links"] = [
        _link(f"{href}/items/{feature.id}", "self", GEOJSON, display_name(feature.properties, language)),
        _link(href, "collection", JSON, layer_text(layer.spec, "title", language)),
    ]
    return document
