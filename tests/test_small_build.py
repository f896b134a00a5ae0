"""A small atlas built and published in this process: what the build writes and the server holds, checked against
the layer files, the release's own checksums and the formats' readers.

Three layers are enough for every part of a build to run (the districts place the zones; a corridor frames the
map), and the districts are drawn as tiles by lowering the threshold, so the tiled path runs too. The whole atlas
is built in other processes by the slower tests; these run in seconds, so ``make mutation`` reruns them for each
change to the build.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import brotli
import pyarrow as pa
import pyarrow.parquet as pq
import pyogrio
import pytest

import geo.map.render
import geo.publish.build
from geo.data.problems import AtlasInvalid
from geo.data.registry import LAYERS
from geo.map.sources import default_node_modules
from geo.publish.build import build
from geo.publish.history import previous_version
from geo.publish.prepared import publish
from tests.conftest import LAYERS_DIR, REPO, read_layer, write_layer

SMALL = ("bonded_zones", "districts", "yangtze_waterway")
SPECS = tuple(spec for spec in LAYERS if spec.id in SMALL)
TILED = "districts"  # the one layer above the lowered threshold
LAYER_FORMATS = ["GeoJSON", "GeoPackage", "GeoParquet", "FlatGeobuf", "CSV"]


@pytest.fixture
def small_layers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "layers"
    folder.mkdir()
    for layer_id in SMALL:
        shutil.copy(LAYERS_DIR / f"{layer_id}.geojson", folder / f"{layer_id}.geojson")
    bonded, districts = (len(read_layer(LAYERS_DIR, name)["features"]) for name in ("bonded_zones", "districts"))
    assert bonded < 12 < districts
    monkeypatch.setattr(geo.map.render, "TILES_ABOVE_FEATURES", 12)
    return folder


def layer_ids(layer_id: str) -> list[str]:
    return [feature["id"] for feature in read_layer(LAYERS_DIR, layer_id)["features"]]


def config_of(page: str) -> dict[str, Any]:
    return json.loads(re.search(r'id="cq-atlas-config">(.*?)</script>', page, re.S).group(1))


def citation_version() -> tuple[str, str]:
    text = (REPO / "CITATION.cff").read_text(encoding="utf-8")
    return (re.search(r"^version: *\"?([^\"\n]+)", text, re.M).group(1),
            re.search(r"^date-released: *\"?([^\"\n]+)", text, re.M).group(1))


class LocalRefs(HTMLParser):
    """Every src and href of a page that names a file beside it."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value and not re.match(r"^([a-z]+:|#|//)", value):
                self.refs.append(value.split("#")[0].split("?")[0])


def local_refs(page: Path) -> list[str]:
    parser = LocalRefs()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.refs


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


def test_a_build_writes_each_layer_the_catalog_and_the_map_that_links_them(small_layers: Path,
                                                                          tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(small_layers, out, default_node_modules(), specs=SPECS)
    for layer_id in SMALL:
        written = json.loads((out / "layers" / f"{layer_id}.geojson").read_text(encoding="utf-8"))
        assert [feature["id"] for feature in written["features"]] == layer_ids(layer_id)
    whole = json.loads((out / "atlas.geojson").read_text(encoding="utf-8"))
    assert [(f["properties"]["layer"], f["id"]) for f in whole["features"]] == [
        (layer_id, feature_id) for layer_id in [spec.id for spec in SPECS] for feature_id in layer_ids(layer_id)]
    catalog_text = (out / "catalog.json").read_text(encoding="utf-8")
    assert catalog_text.startswith('{\n  "data_version"') and "km²" in catalog_text  # readable as it is
    catalog = json.loads(catalog_text)
    assert [(entry["id"], entry["download"]) for entry in catalog["layers"]] == [
        (spec.id, f"layers/{spec.id}.geojson") for spec in SPECS]

    version, released = citation_version()
    config = config_of((out / "index.html").read_text(encoding="utf-8"))
    assert config["version"] == {"version": version, "released": released}
    assert config["pages"] == {"feature": "features/{id}{suffix}.html", "embed": "embed.html"}
    release = f"release/chongqing-trade-atlas-{version}"
    assert config["tiledLayers"]["archive"] == f"{release}/atlas.pmtiles"
    assert (out / config["tiledLayers"]["archive"]).read_bytes()[:8] == b"PMTiles\x03"
    for entry in config["layers"]:
        assert entry["download"] == f"layers/{entry['id']}.geojson"
        assert [file["format"] for file in entry["files"]] == LAYER_FORMATS
        extensions = ["geojson", "gpkg", "parquet", "fgb", "csv"]
        assert [file["href"] for file in entry["files"]] == [f"layers/{entry['id']}.geojson"] + [
            f"{release}/layers/{entry['id']}.{extension}" for extension in extensions[1:]]
        for file in entry["files"]:
            assert file["bytes"] == (out / file["href"]).stat().st_size
        assert ("tileZooms" in entry) == (entry["id"] == TILED)
    for path in (config["fonts"], config["scripts"]["deferred"], config["scripts"]["tiles"],
                 *config["scripts"]["catalogs"].values()):
        assert (out / path).is_file(), path
    index_refs = local_refs(out / "index.html")
    for name in ("atlas.gpkg", "atlas.parquet", "atlas.fgb", "atlas.csv", "atlas.pmtiles"):
        assert f"{release}/{name}" in index_refs
    for page in ("index.html", "embed.html"):
        for ref in local_refs(out / page):
            assert (out / ref).is_file(), f"{page} links {ref}, which the build did not write"
    embed_refs = local_refs(out / "embed.html")
    assert "index.html" in embed_refs
    # The embed page opens each feature's page in its popups, so it loads the pages' script and styles as they do.
    pages_assets = {ref.rsplit("/", 1)[1] for ref in local_refs(out / "layers" / "index.html")
                    if re.search(r"/pages\.[0-9a-f]+\.(js|css)$", ref)}
    assert len(pages_assets) == 2 and {f"assets/cqatlas/{name}" for name in pages_assets} <= set(embed_refs)
    outlines = [ref for ref in local_refs(out / "features" / f"{layer_ids('bonded_zones')[0]}.html")
                if re.fullmatch(r"\.\./assets/data/outlines\.[0-9a-f]+\.js", ref)]
    assert len(outlines) == 1 and b'"coordinates"' in (out / "features" / outlines[0]).read_bytes()
    base = json.loads(re.search(r'id="cq-atlas-base">(.*?)</script>', (out / "index.html").read_text(encoding="utf-8"),
                                re.S).group(1))
    assert base["outlines"]["features"]
    for feature_id in layer_ids("bonded_zones"):
        for suffix in ("", ".zh", ".fa"):
            page = out / "features" / f"{feature_id}{suffix}.html"
            for ref in local_refs(page):
                assert (page.parent / ref).resolve().is_file(), f"{page.name} links {ref}"
    assert (out / "layers" / "index.html").is_file()
    assert '<p class="cq-pages-link"><a href="layers/index.html"' in (out / "index.html").read_text(encoding="utf-8")

    assert sorted(path.name for path in (out / release / "changes").iterdir()) == [
        f"since-{previous_version(version)}.html", f"since-{previous_version(version)}.json"]
    sums = (out / release / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert len(sums) == sum(1 for path in (out / release).rglob("*") if path.is_file()) - 1
    for line in sums:
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((out / release / name).read_bytes()).hexdigest() == digest, name
    assert pyogrio.read_info(out / release / "layers" / "districts.gpkg")["features"] == len(layer_ids("districts"))
    assert pq.read_table(out / release / "atlas.parquet").num_rows == sum(len(layer_ids(name)) for name in SMALL)


def test_a_rebuild_gives_the_same_bytes_and_a_broken_layer_leaves_the_last_build(small_layers: Path,
                                                                                 tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(small_layers, out, default_node_modules(), specs=SPECS)
    first = snapshot(out)
    build(small_layers, out, default_node_modules(), specs=SPECS)
    assert snapshot(out) == first
    broken = read_layer(small_layers, "bonded_zones")
    del broken["features"][0]["properties"]["name_en"]
    write_layer(small_layers, "bonded_zones", broken)
    with pytest.raises(AtlasInvalid) as refused:
        build(small_layers, out, default_node_modules(), specs=SPECS)
    assert "name_en" in refused.value.report()
    assert snapshot(out) == first
    assert sorted(path.name for path in tmp_path.iterdir()) == ["layers", "site"]  # nothing left beside it


def test_a_build_for_a_site_address_gives_each_feature_page_its_canonical_address(small_layers: Path,
                                                                                  tmp_path: Path) -> None:
    out = tmp_path / "new" / "folders" / "site"  # made with the folders above it
    build(small_layers, out, default_node_modules(), site_url="https://atlas.example.org/cq/", specs=SPECS)
    feature_id = layer_ids("bonded_zones")[0]
    page = (out / "features" / f"{feature_id}.zh.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="https://atlas.example.org/cq/features/{feature_id}.zh.html"' in page


def test_a_data_version_the_changelog_has_not_dated_builds_the_site_without_a_release(
        small_layers: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(REPO / "CITATION.cff", project / "CITATION.cff")
    (project / "CHANGELOG.md").write_text("# Changelog\n\n## [Unreleased]\n", encoding="utf-8")
    monkeypatch.setattr(geo.publish.build, "PROJECT_ROOT", project)
    out = tmp_path / "site"
    build(small_layers, out, default_node_modules(), specs=SPECS)
    assert sorted(path.name for path in out.iterdir()) == [
        ".cqatlas-build", "assets", "atlas.geojson", "catalog.json", "embed.html", "features", "index.html", "layers"]
    config = config_of((out / "index.html").read_text(encoding="utf-8"))
    assert config["tiledLayers"] is None  # no release, no tiles: every layer travels inside the page
    assert [[file["format"] for file in entry["files"]] for entry in config["layers"]] == [["GeoJSON"]] * len(SMALL)
    for ref in local_refs(out / "index.html"):
        assert (out / ref).is_file(), ref


def test_publishing_prepares_every_download_the_pages_and_the_tiles(small_layers: Path) -> None:
    published = publish(small_layers, default_node_modules(), lambda layer_id: f"/api/layers/{layer_id}.geojson",
                        specs=SPECS)
    layer_formats = {"geojson", "gpkg", "csv", "kml", "parquet", "fgb"}
    assert set(published.downloads) == {(layer_id, extension) for layer_id in SMALL for extension in layer_formats} | {
        ("atlas", extension) for extension in ("geojson", "gpkg", "parquet", "fgb")}
    for layer_id in SMALL:
        body = json.loads(published.downloads[layer_id, "geojson"].body)
        assert [feature["id"] for feature in body["features"]] == layer_ids(layer_id)
    whole = json.loads(published.downloads["atlas", "geojson"].body)
    assert [(f["properties"]["layer"], f["id"]) for f in whole["features"]] == [
        (spec.id, feature_id) for spec in SPECS for feature_id in layer_ids(spec.id)]
    counts = {layer_id: len(layer_ids(layer_id)) for layer_id in SMALL}
    gpkg = published.downloads["atlas", "gpkg"].body
    assert {name: pyogrio.read_info(gpkg, layer=name)["features"]
            for name, _ in pyogrio.list_layers(gpkg)} == counts
    parquet = pq.read_table(pa.BufferReader(published.downloads["atlas", "parquet"].body))
    assert parquet.num_rows == sum(counts.values())

    assert [name for name, _ in pyogrio.list_layers(published.downloads["districts", "gpkg"].body)] == ["districts"]
    csv_header = published.downloads["bonded_zones", "csv"].body.decode("utf-8").splitlines()[0].split(",")
    assert {"documented_area_km2", "area_km2"} <= {name.strip('"') for name in csv_header}
    media_types = {"geojson": "application/geo+json", "gpkg": "application/geopackage+sqlite3",
                   "parquet": "application/vnd.apache.parquet", "fgb": "application/vnd.flatgeobuf"}
    assert {extension: published.downloads["atlas", extension].media_type for extension in media_types} == media_types

    page = published.map_page.body.decode("utf-8")
    config = config_of(page)
    assert config["api"] == "/api"
    assert config["pages"] == {"feature": "/features/{id}?lang={lang}", "embed": "/embed"}
    assert config["tiledLayers"] == {"archive": "/tiles/atlas.pmtiles", "items": "/ogc/collections/{id}/items"}
    assert 'class="cq-pages-link"><a href="/layers"' in page and 'data-api="/api/routes"' in page
    for extension in ("geojson", "gpkg", "parquet", "fgb"):
        assert f'href="/api/atlas.{extension}"' in page
    base = json.loads(re.search(r'id="cq-atlas-base">(.*?)</script>', page, re.S).group(1))
    assert base["outlines"]["features"]
    embed = published.embed_page.body.decode("utf-8")
    assert 'class="cq-embed-link" href="/"' in embed
    assert {f"/assets/{name}" for name in published.pages.bundles.files} <= set(
        re.findall(r'(?:src|href)="(/assets/[^"]+)"', embed))
    assert published.pages.fonts_stylesheet in published.assets
    assert re.fullmatch(r"outlines\.[0-9a-f]+\.js", published.pages.outlines_script)
    assert published.data_scripts[published.pages.outlines_script].body.count(b'"coordinates"') > 10
    assert [layer.spec.id for layer in published.atlas.layers] == [spec.id for spec in SPECS]
    assert published.routes.places()  # the waterway's ports
    assert published.tiles.media_type == "application/vnd.pmtiles"
    for prepared in (published.map_page, published.embed_page):
        assert prepared.media_type == "text/html; charset=utf-8"
    for prepared in published.data_scripts.values():
        assert prepared.media_type == "text/javascript; charset=utf-8"
        assert brotli.decompress(prepared.brotli_body) == prepared.body
    assert [entry["download"] for entry in config["layers"]] == [f"/api/layers/{spec.id}.geojson" for spec in SPECS]
    assert config["tiledLayers"]["archive"] == "/tiles/atlas.pmtiles"
    assert published.tiles is not None and published.tiles.body[:8] == b"PMTiles\x03"
    assert published.tiles.gzip_body is None
    assets = {ref.removeprefix("/assets/") for ref in re.findall(r'(?:src|href)="(/assets/[^"]+)"', page)}
    # Every script and style the page loads is prepared; the favicon is read when asked for (geo.map.assets).
    assert assets - {"cqatlas/favicon.svg"} and assets - {"cqatlas/favicon.svg"} <= set(published.assets)
    data = {ref.removeprefix("/data/") for ref in re.findall(r'"(/data/[^"]+)"', page)}
    assert data and data <= set(published.data_scripts)
    for prepared in (published.map_page, published.embed_page, published.downloads["districts", "geojson"]):
        assert gzip.decompress(prepared.gzip_body) == prepared.body
        assert prepared.etag == f'"{hashlib.sha256(prepared.body).hexdigest()[:32]}"'
    for prepared in (published.map_page, published.embed_page):
        assert brotli.decompress(prepared.brotli_body) == prepared.body
    assert config_of(published.embed_page.body.decode("utf-8"))["layers"] == config["layers"]

    again = publish(small_layers, default_node_modules(), lambda layer_id: f"/api/layers/{layer_id}.geojson",
                    specs=SPECS)
    assert again.map_page.etag == published.map_page.etag
    assert {key: value.etag for key, value in again.downloads.items()} == {
        key: value.etag for key, value in published.downloads.items()}


def test_publishing_layers_the_page_can_carry_makes_no_tiles(small_layers: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(geo.map.render, "TILES_ABOVE_FEATURES", len(layer_ids("districts")))
    published = publish(small_layers, default_node_modules(), lambda layer_id: f"/api/layers/{layer_id}.geojson",
                        specs=SPECS)
    assert published.tiles is None
    assert config_of(published.map_page.body.decode("utf-8"))["tiledLayers"] is None

