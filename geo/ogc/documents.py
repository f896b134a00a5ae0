"""OGC API – Features documents (Part 1 Core, Part 2 CRS, Part 3 Filtering), built without any web framework.

Every href comes from the ``OgcUrls`` the caller passes in, so the URL layout lives in one place (``web.urls``).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from geo.data.atlas import Atlas, AtlasFeature, AtlasLayer
from geo.ogc.crs import CRS84, STORAGE_CRS, SUPPORTED_CRS, OutputCrs, geojson_in
from geo.data.errors import NotFound
from geo.ogc.filtering import queryables as queryables_schema
from geo.data.i18n import DEFAULT_LANGUAGE, display_name, layer_text, translate
from geo.ogc.params import ItemsQuery
from geo.data.query import features_in_bbox

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
    "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
]
JSON = "application/json"
GEOJSON = "application/geo+json"
HTML = "text/html"
# The `f` parameter's values (OGC API – Features, 7.8: a server may name its encodings so in links).
FORMATS = {"json": JSON, "html": HTML}
OPENAPI_JSON = "application/vnd.oai.openapi+json;version=3.0"
SCHEMA_JSON = "application/schema+json"
QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"


class OgcUrls(Protocol):
    """Absolute hrefs of the service's resources (implemented by the web layer, from its configured public URL)."""

    def ogc_root(self) -> str: ...
    def openapi(self) -> str: ...
    def docs(self) -> str: ...
    def conformance(self) -> str: ...
    def collections(self) -> str: ...
    def collection(self, collection_id: str) -> str: ...
    def items(self, collection_id: str, params: list[tuple[str, str]] | None = None) -> str: ...
    def item(self, collection_id: str, feature_id: str) -> str: ...
    def queryables(self, collection_id: str) -> str: ...
    def layer_download(self, layer_id: str, extension: str) -> str: ...


def link(href: str, rel: str, media_type: str, title: str) -> dict[str, str]:
    return {"href": href, "rel": rel, "type": media_type, "title": title}


def with_params(href: str, **params: str) -> str:
    """``href`` with these query parameters set (replacing any of the same name), the others kept in order."""
    parts = urlsplit(href)
    kept = [(name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True) if name not in params]
    return urlunsplit(parts._replace(query=urlencode([*kept, *params.items()])))


def self_and_alternate(href: str, media_type: str, title: str) -> list[dict[str, str]]:
    """The JSON encoding's self link and its HTML alternate (/req/html/…, /req/core/…-links): same resource, f=html."""
    return [link(href, "self", media_type, title), link(with_params(href, f="html"), "alternate", HTML, f"{title} (HTML)")]


def landing_page(urls: OgcUrls, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    return {
        "title": translate("app.title", language),
        "description": translate("ogc.description", language),
        "links": [
            *self_and_alternate(urls.ogc_root(), JSON, "This document"),
            link(urls.openapi(), "service-desc", OPENAPI_JSON, "API definition"),
            link(urls.docs(), "service-doc", "text/html", "API documentation"),
            link(urls.conformance(), "conformance", JSON, "Conformance classes"),
            link(urls.collections(), "data", JSON, "Collections"),
        ],
    }


def conformance(urls: OgcUrls) -> dict[str, Any]:
    return {"links": self_and_alternate(urls.conformance(), JSON, "Conformance classes"),
            "conformsTo": list(CONFORMANCE)}


def collection(urls: OgcUrls, layer: AtlasLayer, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    spec = layer.spec
    title = layer_text(spec, "title", language)
    return {
        "id": spec.id,
        "title": title,
        "description": layer_text(spec, "description", language),
        "attribution": spec.attribution,
        "license": spec.license,
        "itemType": "feature",
        "crs": list(SUPPORTED_CRS),  # CRS84 first, as /req/crs/fc-md-crs-list asks
        "storageCrs": STORAGE_CRS,
        "extent": {"spatial": {"bbox": [list(layer.bbox)], "crs": CRS84}},
        "links": [
            *self_and_alternate(urls.collection(spec.id), JSON, title),
            link(urls.items(spec.id), "items", GEOJSON, f"{title} (features)"),
            link(urls.queryables(spec.id), QUERYABLES_REL, SCHEMA_JSON, "Queryable properties"),
            link(urls.layer_download(spec.id, "geojson"), "enclosure", GEOJSON, "Whole layer as GeoJSON"),
            link(urls.layer_download(spec.id, "gpkg"), "enclosure", "application/geopackage+sqlite3", "GeoPackage"),
            link(urls.layer_download(spec.id, "parquet"), "enclosure", "application/vnd.apache.parquet", "GeoParquet"),
            link(urls.layer_download(spec.id, "fgb"), "enclosure", "application/vnd.flatgeobuf", "FlatGeobuf"),
        ],
    }


def collections(urls: OgcUrls, atlas: Atlas, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    return {
        "links": self_and_alternate(urls.collections(), JSON, "Collections"),
        "crs": list(SUPPORTED_CRS),
        "collections": [collection(urls, layer, language) for layer in atlas.layers],
    }


def queryables(urls: OgcUrls, layer: AtlasLayer) -> dict[str, Any]:
    return queryables_schema(layer, urls.queryables(layer.spec.id))


def require_layer(atlas: Atlas, collection_id: str) -> AtlasLayer:
    layer = atlas.layer(collection_id)
    if layer is None:
        raise NotFound(f"no collection {collection_id!r}")
    return layer


def _feature(feature: AtlasFeature, crs: OutputCrs) -> dict[str, Any]:
    document = feature.to_geojson()
    document["geometry"] = geojson_in(feature.geometry, feature.geojson_geometry, crs)
    return document


def select_items(layer: AtlasLayer, query: ItemsQuery) -> list[AtlasFeature]:
    """Features of a layer matching bbox, datetime, equality and CQL2 filters, in layer order."""
    if query.bbox is None:
        candidates = layer.features
    else:
        candidates = features_in_bbox(layer, query.bbox)
    return [feature for feature in candidates if query.matches(feature)]


def items(urls: OgcUrls, layer: AtlasLayer, query: ItemsQuery, now: datetime | None = None) -> dict[str, Any]:
    """One page of features with numberMatched/numberReturned and next/prev links carrying the same parameters."""
    matched = select_items(layer, query)
    page = matched[query.offset:query.offset + query.limit]
    collection_id = layer.spec.id

    def page_href(page_offset: int) -> str:
        return urls.items(collection_id, [*query.echo, ("limit", str(query.limit)), ("offset", str(page_offset))])

    def page_link(rel: str, page_offset: int) -> dict[str, str]:
        return link(page_href(page_offset), rel, GEOJSON, f"{rel} page")

    links = [*self_and_alternate(page_href(query.offset), GEOJSON, "self page"),
             link(urls.collection(collection_id), "collection", JSON, "Collection")]
    if query.offset + query.limit < len(matched):
        links.append(page_link("next", query.offset + query.limit))
    if query.offset > 0:
        links.append(page_link("prev", max(query.offset - query.limit, 0)))
    stamp = (now or datetime.now(timezone.utc)).isoformat(timespec="seconds")
    return {
        "type": "FeatureCollection",
        "features": [_feature(feature, query.crs) for feature in page],
        "timeStamp": stamp,
        "numberMatched": len(matched),
        "numberReturned": len(page),
        "links": links,
    }


def item(urls: OgcUrls, layer: AtlasLayer, feature_id: str, crs: OutputCrs,
         language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    feature = next((f for f in layer.features if f.id == feature_id), None)
    if feature is None:
        raise NotFound(f"no feature {feature_id!r} in collection {layer.spec.id!r}")
    document = _feature(feature, crs)
    document["links"] = [
        *self_and_alternate(urls.item(layer.spec.id, feature.id), GEOJSON, display_name(feature.properties, language)),
        link(urls.collection(layer.spec.id), "collection", JSON, layer_text(layer.spec, "title", language)),
    ]
    return document
