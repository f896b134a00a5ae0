"""The parts of publishing that need no full build, read in-process: prepared responses (hash, compression, media
types), downloads chosen or encoded from a published atlas, the static copy's file lists, and the counter ids that
make two renders of the same page the same bytes.

Fast (the session's atlas, small folders): these run against every mutant of the modules they reach. The whole build
and the served app are checked by tests/test_build_output.py and the HTTP tests.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import uuid
from pathlib import Path

import branca.element
import brotli
import folium
import folium.utilities
import pandas as pd
import pyogrio
import pytest

from geo.data.atlas import Atlas
from geo.data.errors import BadRequest, NotFound
from geo.data.query import FeatureFilter
from geo.map.render import atlas_json_ld
from geo.map.sources import default_node_modules
from geo.publish.build import atlas_files, layer_files, release_href, static_download_href
from geo.publish.prepared import (Downloads, Prepared, Published, _prepared_file, asset_media_type, data_script_href,
                                  download, parse_layer_ids, prepare, prepare_asset)
from geo.publish.reproducible import deterministic_ids
from tests.conftest import LAYERS_DIR, read_layer

# FIPS 180-2, appendix B.1: SHA-256("abc").
SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
# The layers in registry order, as the catalog lists them.
LAYER_ORDER = ("districts, free_trade_zone, bonded_zones, development_zones, rail_europe, land_sea_corridor, "
               "yangtze_waterway, logistics_hubs, universities, reference_routes, city_profile")


def test_a_prepared_response_is_tagged_by_its_bytes_and_compressed_reproducibly() -> None:
    plain = prepare(b"abc", "text/plain")
    assert (plain.body, plain.etag, plain.media_type, plain.brotli_body) == (
        b"abc", f'"{SHA256_ABC[:32]}"', "text/plain", None)
    # gzip (RFC 1952): MTIME, bytes 4–7 of the header, is 0, so the same data compresses to the same bytes.
    assert plain.gzip_body[:4] == b"\x1f\x8b\x08\x00" and plain.gzip_body[4:8] == b"\0\0\0\0"
    assert plain.gzip_body == gzip.compress(b"abc", compresslevel=6, mtime=0)
    text = b"Chongqing " * 200
    rich = prepare(text, "text/html; charset=utf-8", with_brotli=True)
    assert gzip.decompress(rich.gzip_body) == text and brotli.decompress(rich.brotli_body) == text
    assert rich.brotli_body == brotli.compress(text, quality=9)


@pytest.mark.parametrize(("name", "media_type"), [
    ("leaflet/dist/leaflet.js", "text/javascript; charset=utf-8"),
    ("leaflet/dist/leaflet.css", "text/css; charset=utf-8"),
    ("leaflet/dist/images/layers.png", "image/png"),
    ("fonts/noto.woff2", "font/woff2"),
    ("data/routes.json", "application/json"),
    ("notes.cqatlas-unknown", "application/octet-stream"),
])
def test_assets_are_served_with_their_registered_media_type(name: str, media_type: str) -> None:
    assert asset_media_type(name) == media_type


def test_assets_are_compressed_when_text_and_left_as_they_are_when_images() -> None:
    node_modules = default_node_modules()
    _prepared_file.cache_clear()  # read the files now, not what an earlier test left in the cache
    script = prepare_asset(node_modules, "leaflet/dist/leaflet.js")
    body = (node_modules / "leaflet/dist/leaflet.js").read_bytes()
    assert script.body == body and script.media_type == "text/javascript; charset=utf-8"
    assert gzip.decompress(script.gzip_body) == body and brotli.decompress(script.brotli_body) == body
    assert script.etag == f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    image = prepare_asset(node_modules, "leaflet/dist/images/layers.png")
    png = (node_modules / "leaflet/dist/images/layers.png").read_bytes()
    assert (image.body, image.gzip_body, image.brotli_body, image.media_type) == (png, None, None, "image/png")
    assert image.etag == f'"{hashlib.sha256(png).hexdigest()[:32]}"'
    with pytest.raises(KeyError):
        prepare_asset(node_modules, "leaflet/package.json")
    assert data_script_href("routes.1a2b.js") == "/data/routes.1a2b.js"


def _published(atlas: Atlas) -> Published:
    """What ``download`` reads of a publication: the atlas and the unfiltered downloads (stand-ins here)."""
    ready = {("universities", "csv"): Prepared(b"ready", None, '"1"', "text/csv"),
             ("atlas", "gpkg"): Prepared(b"ready", None, '"2"', "application/geopackage+sqlite3")}
    return Published(atlas=atlas, map_page=None, embed_page=None, downloads=ready, routes=None, assets={},
                     data_scripts={}, pages=None)


def test_layers_named_in_a_request_are_read_in_atlas_order(atlas: Atlas) -> None:
    published = _published(atlas)
    assert parse_layer_ids(published, None) is None
    assert parse_layer_ids(published, " universities,districts ,, universities") == ("districts", "universities")
    every = tuple(LAYER_ORDER.split(", "))
    assert parse_layer_ids(published, ",".join(reversed(every))) == every
    for empty in ("", " , "):
        with pytest.raises(BadRequest, match="^layers must name at least one layer$"):
            parse_layer_ids(published, empty)
    with pytest.raises(BadRequest) as caught:
        parse_layer_ids(published, "universities,ports,airports")
    assert caught.value.message == f"no layer 'airports'; layers are {LAYER_ORDER}"


def test_downloads_are_refused_served_as_prepared_or_encoded_for_the_selection(atlas: Atlas, tmp_path: Path) -> None:
    published = _published(atlas)
    for name, extension, message in (("universities", "shp", "no format 'shp' for 'universities'"),
                                     ("atlas", "csv", "no format 'csv' for 'atlas'"),
                                     ("atlas", "kml", "no format 'kml' for 'atlas'"),
                                     ("ports", "csv", "no layer 'ports'")):
        with pytest.raises(NotFound) as caught:
            download(published, name, extension, FeatureFilter())
        assert caught.value.message == message
    assert download(published, "universities", "csv", FeatureFilter()) is published.downloads["universities", "csv"]
    assert download(published, "atlas", "gpkg", FeatureFilter()) is published.downloads["atlas", "gpkg"]

    two = frozenset({"chongqing-university", "southwest-university"})
    chosen = download(published, "universities", "csv", FeatureFilter(ids=two))
    assert chosen.media_type == "text/csv; charset=utf-8"
    assert set(pd.read_csv(pd.io.common.BytesIO(chosen.body))["id"]) == two
    parquet = download(published, "universities", "parquet", FeatureFilter(ids=two))
    (tmp_path / "u.parquet").write_bytes(parquet.body)
    assert parquet.media_type == "application/vnd.apache.parquet"
    assert set(pd.read_parquet(tmp_path / "u.parquet")["id"]) == two

    # A selection keeps its layer's columns: the airport's figures, though Guoyuan Port has none.
    guoyuan = FeatureFilter(ids=frozenset({"guoyuan-port"}))
    for extension in ("csv", "parquet", "gpkg"):
        prepared = download(published, "logistics_hubs", extension, guoyuan)
        (tmp_path / f"hubs.{extension}").write_bytes(prepared.body)
        frame = (pd.read_parquet if extension == "parquet" else pyogrio.read_dataframe)(tmp_path / f"hubs.{extension}")
        assert list(frame["id"]) == ["guoyuan-port"], extension
        assert {"passengers_mn", "cargo_and_mail_tonnes"} <= set(frame.columns), extension
    assert pyogrio.list_layers(tmp_path / "hubs.gpkg")[0, 0] == "logistics_hubs"
    atlas_table = download(published, "atlas", "parquet", FeatureFilter(ids=two | {"guoyuan-port"}))
    (tmp_path / "a.parquet").write_bytes(atlas_table.body)
    read = pd.read_parquet(tmp_path / "a.parquet")
    assert atlas_table.media_type == "application/vnd.apache.parquet"
    assert set(zip(read["layer"], read["id"])) == {("universities", i) for i in two} | {("logistics_hubs", "guoyuan-port")}

    hubs = {f["properties"]["id"] for f in read_layer(LAYERS_DIR, "logistics_hubs")["features"]}
    universities = {f["properties"]["id"] for f in read_layer(LAYERS_DIR, "universities")["features"]}
    both = ("logistics_hubs", "universities")
    some = download(published, "atlas", "geojson", FeatureFilter(), both)
    assert some.media_type == "application/geo+json"
    collection = json.loads(some.body)
    assert {(f["properties"]["layer"], f["id"]) for f in collection["features"]} == (
        {("logistics_hubs", i) for i in hubs} | {("universities", i) for i in universities})
    geopackage = download(published, "atlas", "gpkg", FeatureFilter(), both)
    (tmp_path / "a.gpkg").write_bytes(geopackage.body)
    assert geopackage.media_type == "application/geopackage+sqlite3"
    assert sorted(pyogrio.list_layers(tmp_path / "a.gpkg")[:, 0]) == list(both)
    table = download(published, "atlas", "fgb", FeatureFilter(ids=two))
    (tmp_path / "a.fgb").write_bytes(table.body)
    read = pyogrio.read_dataframe(tmp_path / "a.fgb")
    assert table.media_type == "application/vnd.flatgeobuf"
    assert pyogrio.list_layers(tmp_path / "a.fgb")[0, 0] == "atlas"
    assert set(zip(read["layer"], read["id"])) == {("universities", i) for i in two}
    assert set(read["data_version"]) == {collection["data_version"]}


def test_a_layer_is_prepared_in_every_format_with_the_same_features(atlas: Atlas, tmp_path: Path) -> None:
    layer = atlas.layer("universities")
    ids = {f["properties"]["id"] for f in read_layer(LAYERS_DIR, "universities")["features"]}
    every = Downloads(atlas)
    downloads = {extension: every[layer_id, extension] for layer_id, extension in every if layer_id == "universities"}
    assert {extension: prepared.media_type for extension, prepared in downloads.items()} == {
        "geojson": "application/geo+json", "gpkg": "application/geopackage+sqlite3",
        "fgb": "application/vnd.flatgeobuf", "csv": "text/csv; charset=utf-8",
        "kml": "application/vnd.google-earth.kml+xml", "parquet": "application/vnd.apache.parquet"}
    collection = json.loads(downloads["geojson"].body)
    assert {f["id"] for f in collection["features"]} == ids
    for extension, prepared in downloads.items():
        path = tmp_path / f"universities.{extension}"
        path.write_bytes(prepared.body)
        assert gzip.decompress(prepared.gzip_body) == prepared.body
        if extension == "geojson":
            continue
        if extension == "parquet":
            frame = pd.read_parquet(path)
            assert list(frame.columns[:1]) == ["data_version"]
            assert set(frame["data_version"]) == {collection["data_version"]}
        else:
            frame = pyogrio.read_dataframe(path)
        # GDAL reads KML placemarks' ids as their own "id" field (layer.N); the atlas id is checked in the other formats.
        assert len(frame) == len(ids) if extension == "kml" else set(frame["id"]) == ids, extension
    assert pyogrio.list_layers(tmp_path / "universities.gpkg")[0, 0] == "universities"


def test_each_download_is_made_once_when_first_asked_for_and_unknown_ones_are_refused(atlas: Atlas) -> None:
    from concurrent.futures import ThreadPoolExecutor

    layer_ids = [path.stem for path in LAYERS_DIR.glob("*.geojson")]
    every = Downloads(atlas)
    # Six formats a layer (the media types above), four for the whole atlas (the map's download panel).
    assert sorted(every) == sorted([(layer_id, extension) for layer_id in layer_ids
                                    for extension in ("geojson", "gpkg", "fgb", "csv", "kml", "parquet")]
                                   + [("atlas", extension) for extension in ("geojson", "gpkg", "parquet", "fgb")])
    assert len(every) == len(layer_ids) * 6 + 4
    for key in (("atlas", "csv"), ("ports", "geojson"), ("universities", "shp")):
        with pytest.raises(KeyError, match=re.escape(repr(key))):
            every[key]
    # Eight readers asking at once for a file not yet made all get the one made.
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: every["atlas", "gpkg"], range(8)))
    assert all(answer is answers[0] for answer in answers)
    assert every["universities", "csv"] is every["universities", "csv"]
    # Made later, in another order, by another publication: the same bytes (the ETag a reader may already hold).
    other = Downloads(atlas)
    for key in reversed(list(other)):
        if key[0] in ("atlas", "universities", "districts"):
            assert other[key].body == every[key].body and other[key].etag == every[key].etag, key
    assert json.loads(every["atlas", "geojson"].body)["features"] == atlas.feature_collection()["features"]


def test_a_layer_file_is_a_feature_collection_of_the_released_data_version(atlas: Atlas) -> None:
    # The version CITATION.cff gives for the data release; source links are text, as the layer files write them.
    cited = next(line.split('"')[1] for line in (LAYERS_DIR.parent / "CITATION.cff").read_text(encoding="utf-8").splitlines()
                 if line.startswith("version:"))
    collection = atlas.layer("universities").feature_collection()
    written = read_layer(LAYERS_DIR, "universities")["features"]
    assert (collection["type"], collection["data_version"]) == ("FeatureCollection", cited)
    assert [f["id"] for f in collection["features"]] == [f["properties"]["id"] for f in written]
    assert [f["properties"]["sources"][0]["url"] for f in collection["features"]] == [
        f["properties"]["sources"][0]["url"] for f in written]


def test_the_map_page_describes_the_atlas_as_a_schema_org_dataset(atlas: Atlas) -> None:
    citation = {key: value.strip().strip('"') for key, _, value in (
        line.partition(":") for line in (LAYERS_DIR.parent / "CITATION.cff").read_text(encoding="utf-8").splitlines())}
    english = json.loads((LAYERS_DIR.parent / "geo" / "data" / "messages" / "en.json").read_text(encoding="utf-8"))
    described = atlas_json_ld(atlas, lambda layer_id: f"/api/layers/{layer_id}.geojson")
    assert {key: described[key] for key in ("@context", "@type", "version", "datePublished", "license",
                                            "isAccessibleForFree", "creator")} == {
        "@context": "https://schema.org", "@type": "Dataset", "version": citation["version"],
        "datePublished": citation["date-released"], "license": "https://creativecommons.org/licenses/by/4.0/",
        "isAccessibleForFree": True, "creator": {"@type": "Organization", "name": "Chongqing Trade Atlas contributors"}}
    assert described["name"] == "Chongqing Trade Atlas" and "corridors" in described["description"]
    assert described["distribution"] == [
        {"@type": "DataDownload", "name": english[f"layer.{layer_id}.title"], "encodingFormat": "application/geo+json",
         "contentUrl": f"/api/layers/{layer_id}.geojson"} for layer_id in LAYER_ORDER.split(", ")]


def test_the_static_copy_lists_each_layers_files_and_the_whole_atlas(atlas: Atlas, tmp_path: Path) -> None:
    out = tmp_path / "site"
    (out / "layers").mkdir(parents=True)
    for number, layer in enumerate(atlas.layers):
        (out / "layers" / f"{layer.spec.id}.geojson").write_bytes(b"x" * (number + 1))
    (out / "atlas.geojson").write_bytes(b"x" * 100)
    assert static_download_href("universities") == "layers/universities.geojson"
    without = layer_files(atlas, out, None)
    assert list(without) == LAYER_ORDER.split(", ")
    assert without["universities"] == [{"format": "GeoJSON", "href": "layers/universities.geojson", "bytes": 9}]
    assert atlas_files(out, None) == [("GeoJSON", "atlas.geojson", 100)]
    assert release_href(out, None, "atlas.pmtiles") is None

    release = out / "release" / "cqatlas-1.4.0"
    (release / "layers").mkdir(parents=True)
    for name, size in (("universities.gpkg", 20), ("universities.csv", 21), ("districts.fgb", 22)):
        (release / "layers" / name).write_bytes(b"x" * size)
    for name, size in (("atlas.pmtiles", 30), ("atlas.parquet", 31), ("atlas.gpkg", 32)):
        (release / name).write_bytes(b"x" * size)
    files = layer_files(atlas, out, release)
    assert files["universities"] == [
        {"format": "GeoJSON", "href": "layers/universities.geojson", "bytes": 9},
        {"format": "GeoPackage", "href": "release/cqatlas-1.4.0/layers/universities.gpkg", "bytes": 20},
        {"format": "CSV", "href": "release/cqatlas-1.4.0/layers/universities.csv", "bytes": 21}]
    assert files["districts"][1:] == [
        {"format": "FlatGeobuf", "href": "release/cqatlas-1.4.0/layers/districts.fgb", "bytes": 22}]
    assert len(files["city_profile"]) == 1
    assert atlas_files(out, release) == [("GeoJSON", "atlas.geojson", 100),
                                         ("GeoPackage", "release/cqatlas-1.4.0/atlas.gpkg", 32),
                                         ("GeoParquet", "release/cqatlas-1.4.0/atlas.parquet", 31),
                                         ("PMTiles", "release/cqatlas-1.4.0/atlas.pmtiles", 30)]
    assert release_href(out, release, "atlas.pmtiles") == "release/cqatlas-1.4.0/atlas.pmtiles"


def _page() -> str:
    page = folium.Map(location=(29.56, 106.55), zoom_start=9, tiles=None)
    folium.Marker((29.56, 106.55), tooltip="Jiefangbei").add_to(page)
    return page.get_root().render()


def test_element_ids_come_from_a_counter_while_rendering_and_from_randomness_after() -> None:
    with deterministic_ids():
        first = _page()
        assert folium.utilities.uuid.uuid4() != folium.utilities.uuid.uuid4()
    with deterministic_ids():
        assert _page() == first
        copied = folium.utilities.deep_copy(folium.Marker((29.0, 106.0)))
    # SHA-256 of "cqatlas:0", its first 16 bytes: the first id of every render.
    assert "d48f1d9afc0435c4058b1f487ddaaa11" in first
    with deterministic_ids(seed="other"):
        other = _page()
    assert "032c4b59dc1c35a22a7d0d67bdf4343b" in other and "d48f1d9afc0435c4058b1f487ddaaa11" not in other
    assert uuid.UUID(hex=copied._id).version == 4
    # Outside the context, ids are random again: the library's own sources are back.
    assert folium.utilities.uuid is uuid
    assert branca.element.Element()._id != branca.element.Element()._id
    assert _page() != _page()
