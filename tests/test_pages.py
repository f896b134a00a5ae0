"""A page for every feature and every layer, served and static, in three languages: the facts equal the layer
files, the text is there without script, the citations parse, the downloads hold the one feature."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import bibtexparser
import jsonschema
import pyogrio
import pytest

from tests.pages_reading import (LANGS, RELEASED, VERSION, check_feature_page, english_number, features_in_files,
                                 layer_files, messages, soup)

SUFFIX = {"en": "", "zh": ".zh", "fa": ".fa"}
# CSL-JSON, as its schema (citation-style-language/schema, csl-data.json) states an item: an object with an "id"
# and one of the listed "type"s; "issued" a date whose "date-parts" is an array of one or two arrays of 1–3 numbers
# or strings; names are objects; "URL", "title", "version", "publisher" strings.
CSL_ITEM_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object", "required": ["id", "type"],
        "properties": {
            "id": {"type": ["string", "number"]},
            "type": {"enum": ["article", "book", "dataset", "document", "map", "webpage", "software"]},
            "title": {"type": "string"}, "URL": {"type": "string"}, "version": {"type": "string"},
            "publisher": {"type": "string"},
            "author": {"type": "array", "items": {"type": "object"}},
            "issued": {"type": "object", "properties": {"date-parts": {
                "type": "array", "minItems": 1, "maxItems": 2,
                "items": {"type": "array", "minItems": 1, "maxItems": 3, "items": {"type": ["string", "number"]}}}}},
        },
    },
}


@pytest.mark.parametrize("lang", LANGS)
def test_static_feature_pages_state_the_layer_files(built_site: Path, lang: str) -> None:
    for layer_id, props in features_in_files():
        page = soup((built_site / "features" / f"{props['id']}{SUFFIX[lang]}.html").read_text(encoding="utf-8"))
        check_feature_page(page, layer_id, props, lang)
        assert page.select_one(".cq-map-link")["href"] == f"../index.html#lang={lang}&feature={props['id']}"


@pytest.mark.parametrize("lang", LANGS)
def test_served_feature_pages_state_the_layer_files(client: Any, lang: str) -> None:
    for layer_id, props in features_in_files():
        response = client.get(f"/features/{props['id']}", params={"lang": lang})
        assert response.status_code == 200 and response.headers["content-language"] == lang
        check_feature_page(soup(response.text), layer_id, props, lang)


def test_language_follows_accept_language_as_the_api_does(client: Any) -> None:
    feature_id = features_in_files()[0][1]["id"]
    for header, lang in (("fa-IR,fa;q=0.9", "fa"), ("zh-CN", "zh"), ("de, en;q=0.5", "en"), ("xx", "en")):
        response = client.get(f"/features/{feature_id}", headers={"Accept-Language": header})
        assert response.headers["content-language"] == lang
        assert soup(response.text).html["lang"] == lang
        assert "Accept-Language" in response.headers["vary"]
    assert client.get(f"/features/{feature_id}?lang=zh", headers={"Accept-Language": "fa"}).headers[
        "content-language"] == "zh"
    assert client.get("/features/no-such-feature").status_code == 404
    assert client.get("/layers/no_such_layer").status_code == 404


def test_pages_keep_the_policy_and_load_nothing_from_outside(client: Any, built_site: Path) -> None:
    feature_id = features_in_files()[0][1]["id"]
    for path in (f"/features/{feature_id}", "/layers", "/layers/bonded_zones"):
        response = client.get(path)
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
        page = soup(response.text)
        # No executable inline script: every inline block is data (JSON, JSON-LD).
        assert all(s.get("src") or s.get("type") in ("application/json", "application/ld+json")
                   for s in page.find_all("script"))
        assert not page.select("[style]")
        for element in page.select("script[src], link[href]"):
            reference = element.get("src") or element.get("href")
            assert reference.startswith("/") or element.get("rel") in (["canonical"], ["alternate"]), reference
        assert client.get(page.select("script[src]")[-1]["src"]).status_code == 200


def test_hostile_text_is_inert_text(layers_copy: Path) -> None:
    from fastapi.testclient import TestClient

    from tests.conftest import edit_feature, make_settings
    from tests.test_hostile_text import HOSTILE_DESCRIPTION, HOSTILE_NAME, HOSTILE_ZH, make_hostile
    from web.app import create_app

    feature_id = edit_feature(layers_copy, "bonded_zones", make_hostile)
    with TestClient(create_app(make_settings(layers_copy))) as hostile:
        for lang in LANGS:
            for path in (f"/features/{feature_id}", "/layers/bonded_zones"):
                text = hostile.get(path, params={"lang": lang}).text
                page = soup(text)
                for selector in ("img", "svg", "b[onmouseover]", "iframe", "a[href^=javascript]"):
                    assert page.select(selector) == [], (path, selector)
                assert len(page.find_all("script", src=False)) == len(page.select('script[type*="json"]'))
                assert text.count("</script>") == len(page.find_all("script"))  # no block closed early
            page = soup(hostile.get(f"/features/{feature_id}", params={"lang": lang}).text)
            assert page.select_one(".cq-description").get_text() == HOSTILE_DESCRIPTION
            assert page.select_one('[data-name="en"]').get_text() == HOSTILE_NAME
            assert page.select_one('[data-name="zh"]').get_text() == HOSTILE_ZH
            assert json.loads(page.select_one('script[type="application/ld+json"]').string)["name"] == HOSTILE_NAME
            assert json.loads(page.select_one("#cq-page-feature").string)["properties"]["name_en"] == HOSTILE_NAME


def test_one_feature_downloads_hold_that_feature(built_site: Path, client: Any) -> None:
    for layer_id, props in features_in_files()[::9]:
        static = json.loads((built_site / "features" / f"{props['id']}.geojson").read_text(encoding="utf-8"))
        assert [f["properties"]["id"] for f in static["features"]] == [props["id"]]
        frame = pyogrio.read_dataframe(built_site / "features" / f"{props['id']}.csv")  # GDAL reads it
        assert list(frame["id"]) == [props["id"]] and list(frame["name_zh"]) == [props["name_zh"]]
        static_page = soup((built_site / "features" / f"{props['id']}.html").read_text(encoding="utf-8"))
        assert {a["href"] for a in static_page.select(".cq-downloads a")} == \
            {f"../features/{props['id']}.{ext}" for ext in ("geojson", "csv")}
        page = soup(client.get(f"/features/{props['id']}").text)
        links = {a["data-format"]: a["href"] for a in page.select(".cq-downloads a")}
        assert set(links) == {"geojson", "gpkg", "csv", "kml"}
        served = client.get(links["geojson"]).json()
        assert [f["properties"]["id"] for f in served["features"]] == [props["id"]]
        rows = list(csv.DictReader(io.StringIO(client.get(links["csv"]).text)))
        assert [row["id"] for row in rows] == [props["id"]]


def _layer_table(page: Any) -> tuple[list[str], list[str]]:
    table = page.select_one("#cq-layer-table")
    return [th["data-key"] for th in table.thead.select("th")], [tr["data-feature"] for tr in table.tbody.select("tr")]


@pytest.mark.parametrize("lang", LANGS)
def test_layer_pages_list_every_feature_with_its_figures(built_site: Path, client: Any, lang: str) -> None:
    for layer_id, data in layer_files().items():
        ids = [f["properties"]["id"] for f in data["features"]]
        static = soup((built_site / "layers" / f"{layer_id}{SUFFIX[lang]}.html").read_text(encoding="utf-8"))
        served = soup(client.get(f"/layers/{layer_id}", params={"lang": lang}).text)
        for page, feature_href in ((static, "../features/{}{}.html"), (served, "/features/{}?lang={}")):
            columns, rows = _layer_table(page)
            assert rows == ids
            links = [a["href"] for a in page.select("#cq-layer-table tbody th a")]
            expected = [feature_href.format(i, SUFFIX[lang]) if page is static else feature_href.format(i, lang)
                        for i in ids]
            assert links == expected
            for key in columns[3:]:
                if key in ("area_km2", "length_km"):
                    continue
                cells = page.select(f'#cq-layer-table tbody tr td:nth-of-type({columns.index(key)})')
                carried = [f["properties"].get(key) for f in data["features"]]
                assert any(value is not None for value in carried), key
                assert len(cells) == len(ids)
                if lang == "en":
                    for cell, value in zip(cells, carried):
                        if isinstance(value, int | float):
                            assert english_number(value) in cell.get_text(), (layer_id, key, cell.get_text())


def test_layer_table_csv_holds_the_layer_files_numbers(built_site: Path, client: Any) -> None:
    for layer_id, data in layer_files().items():
        for text in ((built_site / "layers" / f"{layer_id}.table.csv").read_text(encoding="utf-8-sig"),
                     client.get(f"/layers/{layer_id}.table.csv").content.decode("utf-8-sig")):
            rows = list(csv.DictReader(io.StringIO(text)))
            assert [row["id"] for row in rows] == [f["properties"]["id"] for f in data["features"]]
            for row, feature in zip(rows, data["features"]):
                props = feature["properties"]
                assert row["name_zh"] == props["name_zh"] and row["data_version"] == VERSION
                for key, value in row.items():
                    if key in props and isinstance(props[key], int | float) and not isinstance(props[key], bool):
                        if key != "established" and messages("en").get(f"figure.{key}.label"):
                            assert float(value) == float(props[key]), (layer_id, key)


def test_layers_index_links_every_layer(built_site: Path, client: Any) -> None:
    for lang in LANGS:
        page = soup(client.get("/layers", params={"lang": lang}).text)
        assert [li["data-layer"] for li in page.select("[data-layer]")] == \
            [li["data-layer"] for li in soup((built_site / "layers" / f"index{SUFFIX[lang]}.html")
                                             .read_text(encoding="utf-8")).select("[data-layer]")]
        assert set(li["data-layer"] for li in page.select("[data-layer]")) == set(layer_files())
        titles = {a.get_text() for a in page.select("[data-layer] a")}
        assert {messages(lang)[f"layer.{layer_id}.title"] for layer_id in layer_files()} == titles


def _citations(page: Any) -> tuple[dict[str, str], list[dict[str, Any]], dict[str, Any]]:
    bib = bibtexparser.loads(page.select_one("#cq-cite-bibtex").get_text())
    assert len(bib.entries) == 1
    csl = json.loads(page.select_one("#cq-cite-csl").get_text())
    jsonschema.validate(csl, CSL_ITEM_SCHEMA)
    ld = json.loads(page.select_one('script[type="application/ld+json"]').string)
    return bib.entries[0], csl, ld


def test_citations_parse_and_name_the_feature_version_date_and_address(client: Any, built_site: Path) -> None:
    year, month, day = (int(part) for part in RELEASED.split("-"))
    for layer_id, props in features_in_files()[::7]:
        served = soup(client.get(f"/features/{props['id']}").text)
        url = served.select_one('link[rel="canonical"]')["href"]
        assert url.endswith(f"/features/{props['id']}?lang=en")
        for page, address in ((served, url),
                              (soup((built_site / "features" / f"{props['id']}.html").read_text(encoding="utf-8")), None)):
            entry, csl, ld = _citations(page)
            assert entry["title"].replace("{", "").replace("}", "").replace("\\", "") == props["name_en"]
            assert entry["version"] == VERSION and entry["year"] == str(year) and entry.get("url") == address
            assert csl[0]["title"] == props["name_en"] and csl[0]["version"] == VERSION
            assert csl[0]["issued"]["date-parts"] == [[year, month, day]] and csl[0].get("URL") == address
            assert ld["@type"] == "Dataset" and ld["version"] == VERSION and ld["about"]["@type"] == "Place"
            assert ld["about"]["name"] == props["name_en"] and "creativecommons.org/licenses/by/4.0" in ld["license"]
            assert {c["url"] for c in ld["citation"]} == {s["url"] for s in props["sources"]}
            text = page.select_one("#cq-cite-text").get_text()
            assert props["name_en"] in text and VERSION in text and RELEASED in text
    entry, csl, ld = _citations(soup(client.get("/layers/rail_europe").text))
    assert csl[0]["type"] == "dataset" and entry["version"] == VERSION and ld["@type"] == "Dataset"


def test_previews_and_sitemap(client: Any) -> None:
    props = features_in_files()[0][1]
    page = soup(client.get(f"/features/{props['id']}", params={"lang": "zh"}).text)
    meta = {m.get("property") or m.get("name"): m["content"] for m in page.select("meta[content]")}
    assert props["name_zh"] in meta["og:title"] and meta["og:locale"] == "zh_CN"
    assert meta["twitter:card"] == "summary" and meta["og:url"].endswith(f"/features/{props['id']}?lang=zh")
    assert {link["hreflang"] for link in page.select('link[rel="alternate"]')} == set(LANGS)
    sitemap = client.get("/sitemap.xml").text
    for layer_id, feature in features_in_files():
        for lang in LANGS:
            assert f"/features/{feature['id']}?lang={lang}</loc>" in sitemap


def test_static_sitemap_lists_every_page_at_the_site_address(atlas: Any) -> None:
    from xml.etree import ElementTree

    from geo.map.sources import default_node_modules
    from geo.pages.links import StaticLinks
    from geo.pages.render import Site, pages_bundles, sitemap

    site = Site(atlas, StaticLinks("https://atlas.example.org/"), pages_bundles(default_node_modules()),
                "cqatlas/fonts.css", None)
    tree = ElementTree.fromstring(sitemap(site))
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = {loc.text for loc in tree.findall("s:url/s:loc", namespace)}
    expected = {f"https://atlas.example.org/features/{props['id']}{SUFFIX[lang]}.html"
                for _, props in features_in_files() for lang in LANGS}
    expected |= {f"https://atlas.example.org/layers/{layer_id}{SUFFIX[lang]}.html"
                 for layer_id in layer_files() for lang in LANGS}
    assert expected <= locations and "https://atlas.example.org/index.html" in locations
    # Without the site's address there is no sitemap: it may hold absolute addresses only.
    assert sitemap(Site(atlas, StaticLinks(None), site.bundles, "cqatlas/fonts.css", None)) is None


def test_map_page_has_previews_and_dataset_data(client: Any, built_site: Path) -> None:
    for text, layers_link in ((client.get("/").text, "/layers"),
                              ((built_site / "index.html").read_text(encoding="utf-8"), "layers/index.html")):
        page = soup(text)
        meta = {m.get("property") or m.get("name"): m["content"] for m in page.select("meta[content]")}
        assert meta["og:title"] == messages("en")["app.title"] and meta["twitter:card"] == "summary"
        ld = json.loads(page.select_one('script[type="application/ld+json"]').string)
        assert ld["@type"] == "Dataset" and ld["version"] == VERSION and ld["datePublished"] == RELEASED
        assert len(ld["distribution"]) == len(layer_files())
        assert page.select_one(".cq-pages-link a")["href"] == layers_link
