"""The release as a STAC Collection with one Item per layer (pystac): each Item's assets are the layer's files in
every format, with media type, size and checksum (file extension), its extent, licence and providers.

Items are dated with the release (the date its CHANGELOG entry gives): the layers describe things as of the years
their figures state, which ``figures_as_of`` and each figure's ``as_of`` carry.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import pystac
from pystac.extensions.file import FileExtension
from shapely.geometry import box, mapping

from geo.data.atlas import Atlas, AtlasLayer
from geo.publish.datapackage import MEDIA_TYPES, licenses_of
from geo.publish.metadata import sha256_of

STAC_DIR = "stac"
COLLECTION_ID = "chongqing-trade-atlas"
PRODUCER = pystac.Provider(name="Chongqing Trade Atlas contributors", roles=[
    pystac.ProviderRole.PRODUCER, pystac.ProviderRole.PROCESSOR, pystac.ProviderRole.LICENSOR])
OSM = pystac.Provider(name="OpenStreetMap contributors", roles=[pystac.ProviderRole.LICENSOR],
                      url="https://www.openstreetmap.org/copyright")
FORMAT_TITLES = {"parquet": "GeoParquet 1.1", "fgb": "FlatGeobuf (with spatial index)", "gpkg": "GeoPackage",
                 "geojson": "GeoJSON", "csv": "CSV (WKT geometry, figures as columns)"}


def _license(licenses: list[dict[str, str]]) -> str:
    # STAC takes one SPDX identifier; several licences are "other", each named by a "license" link.
    return licenses[0]["name"] if len(licenses) == 1 else "other"


def _providers(licenses: list[dict[str, str]]) -> list[pystac.Provider]:
    return [PRODUCER, OSM] if len(licenses) > 1 else [PRODUCER]


def _asset(path: Path, title: str, roles: list[str]) -> pystac.Asset:
    asset = pystac.Asset(href=str(path), media_type=MEDIA_TYPES[path.suffix.lstrip(".")], title=title, roles=roles)
    file_info = FileExtension.ext(asset)
    file_info.size = path.stat().st_size
    file_info.checksum = "1220" + sha256_of(path)  # multihash: sha2-256, 32 bytes
    return asset


def _item(layer: AtlasLayer, folder: Path, released: datetime) -> pystac.Item:
    licenses = licenses_of(layer.features)
    item = pystac.Item(id=layer.spec.id, geometry=mapping(box(*layer.bbox)), bbox=list(layer.bbox),
                       datetime=released, properties={
                           "title": layer.spec.title, "description": layer.spec.description,
                           "license": _license(licenses), "providers": [p.to_dict() for p in _providers(licenses)],
                           "attribution": layer.spec.attribution, "feature_count": len(layer.features)})
    FileExtension.add_to(item)
    for extension, title in FORMAT_TITLES.items():
        item.add_asset(extension, _asset(folder / "layers" / f"{layer.spec.id}.{extension}", title, ["data"]))
    for licence in licenses:
        item.add_link(pystac.Link(rel="license", target=licence["path"], title=licence["title"]))
    return item


def write_stac(atlas: Atlas, folder: Path, date: str, description: str) -> None:
    """``folder/stac/collection.json`` and ``folder/stac/<layer>/<layer>.json``, every href relative."""
    released = datetime.fromisoformat(date).replace(tzinfo=timezone.utc)
    licenses = licenses_of(atlas.features())
    boxes = [layer.bbox for layer in atlas.layers]
    bbox = [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]
    collection = pystac.Collection(
        id=COLLECTION_ID, title="Chongqing Trade Atlas", description=description,
        extent=pystac.Extent(pystac.SpatialExtent([bbox, *[list(b) for b in boxes]]),
                             pystac.TemporalExtent([[released, released]])),
        license=_license(licenses), providers=_providers(licenses), catalog_type=pystac.CatalogType.SELF_CONTAINED)
    FileExtension.add_to(collection)
    for extension in ("parquet", "fgb", "gpkg", "geojson", "csv"):
        collection.add_asset(f"atlas-{extension}", _asset(folder / f"atlas.{extension}",
                                                         f"Whole atlas, {FORMAT_TITLES[extension]}", ["data"]))
    collection.add_asset("tiles", _asset(folder / "atlas.pmtiles", "Vector tiles of every layer (PMTiles v3)",
                                         ["data", "visual"]))
    for licence in licenses:
        collection.add_link(pystac.Link(rel="license", target=licence["path"], title=licence["title"]))
    for layer in atlas.layers:
        collection.add_item(_item(layer, folder, released))
    collection.normalize_hrefs(str(folder / STAC_DIR))
    collection.make_all_asset_hrefs_relative()
    for asset in collection.assets.values():  # the collection's own assets are left absolute by pystac
        asset.href = os.path.relpath(asset.href, folder / STAC_DIR)
    collection.save(pystac.CatalogType.SELF_CONTAINED)
