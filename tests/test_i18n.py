"""Message catalogs: complete in every language, known to the code, and used by the catalog and OGC API."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from geo.data.i18n import FIGURE_QUALIFIERS
from geo.corridors.network import KIND_MODES
from geo.data.registry import LAYERS
from geo.map.render import TILES
from geo.data.schema import COMPUTED_FIGURES, DOCUMENTED_FIGURES, QUALITY_WORDING, STATUSES
from tests.conftest import LAYERS_DIR, REPO, read_layer

LOCALES = REPO / "geo" / "data" / "messages"
LANGUAGES = ("en", "zh", "fa")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
CJK = re.compile(r"[\u4e00-\u9fff]")
ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")
# Where the text is the same in every language on purpose: each language's own name for itself.
SAME_IN_EVERY_LANGUAGE = {"lang.en", "lang.zh", "lang.fa", "layers.download"}  # and a format's name

# How source files name catalog keys: Python calls translate("key", ...); templates call t('key') or mark
# elements with data-i18n="key"; scripts hold keys as string literals ("section.name"), whole or as a prefix that
# the registry-derived keys complete ("kind." + kind).
KEY = r"[a-z]+(?:\.[a-z0-9_]+)+"
KEY_USES = {
    ".py": re.compile(r"""(?:translate|messages)\(\s*["'](%s)["']""" % KEY),
    ".html": re.compile(r"""(?:data-i18n=|\bt\(\s*)["'](%s)["']""" % KEY),
    ".js": re.compile(r"""["'](%s)["']""" % KEY),
}


def load(language: str) -> dict[str, str]:
    return json.loads((LOCALES / f"{language}.json").read_text(encoding="utf-8"))


def source_files() -> Iterator[Path]:
    for folder in ("geo", "web"):
        for path in sorted((REPO / folder).rglob("*")):
            if path.suffix in KEY_USES and path.is_file():
                yield path


def keys_used_in_source() -> set[str]:
    used = set()
    for path in source_files():
        used |= set(KEY_USES[path.suffix].findall(path.read_text(encoding="utf-8")))
    # Keys a template builds from a list it declares: {% for column in ("name", …) %} … t('table.' + column)
    for path in (REPO / "geo" / "map" / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for variable, names in re.findall(r"\{%\s*for (\w+) in \(([^)]*)\)\s*%\}", text):
            for prefix in re.findall(r"""t\(\s*'([a-z_.]+\.)'\s*\+\s*%s\s*\)""" % variable, text):
                used |= {prefix + name for name in re.findall(r"[\"']([a-z_]+)[\"']", names)}
    used |= {f"tiles.{tile_id}" for tile_id, _, _ in TILES}  # the layer list's base-map choices
    return used


def keys_declared_by_registry_and_schema() -> set[str]:
    keys = {f"layer.{spec.id}.{field}" for spec in LAYERS for field in ("title", "description")}
    keys |= {"group." + re.sub(r"[^a-z0-9]+", "_", spec.group.lower()).strip("_") for spec in LAYERS}
    keys |= {f"kind.{kind}" for spec in LAYERS for kind in spec.kinds}
    keys |= {f"figure.{name}.{part}" for name in (*DOCUMENTED_FIGURES, *COMPUTED_FIGURES) for part in ("label", "unit")}
    keys |= {f"quality.{quality}" for quality in QUALITY_WORDING}
    keys |= {f"status.{status}" for status in STATUSES}  # the lifecycle statuses (legend, filter, popups)
    keys |= {f"lang.{language}" for language in LANGUAGES}
    keys |= {f"figure.{qualifier}" for qualifier in FIGURE_QUALIFIERS}
    keys |= {f"routes.mode.{mode}" for mode in KIND_MODES.values()}  # every mode the corridor network knows
    return keys


def test_english_catalog_holds_exactly_the_keys_the_code_knows() -> None:
    known = keys_declared_by_registry_and_schema() | keys_used_in_source()
    english = set(load("en"))
    assert not known - english, f"keys used but missing from en.json: {sorted(known - english)}"
    assert not english - known, f"keys in en.json that no code uses: {sorted(english - known)}"


@pytest.mark.parametrize("language", ["zh", "fa"])
def test_every_language_has_every_key_with_the_same_placeholders(language: str) -> None:
    english, translated = load("en"), load(language)
    assert not set(english) - set(translated), f"missing in {language}: {sorted(set(english) - set(translated))}"
    assert not set(translated) - set(english), f"unknown in {language}: {sorted(set(translated) - set(english))}"
    for key, text in translated.items():
        assert text.strip(), f"{language}: {key} is empty"
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(english[key])), key


@pytest.mark.parametrize(("language", "script"), [("zh", CJK), ("fa", ARABIC_SCRIPT)])
def test_translations_are_written_in_the_language_not_copied(language: str, script: re.Pattern[str]) -> None:
    english, translated = load("en"), load(language)
    for key, text in translated.items():
        if key in SAME_IN_EVERY_LANGUAGE:
            continue
        assert text != english[key], f"{language}: {key} is the English text"
        if not re.search(r"[^\W\d_]", PLACEHOLDER.sub("", text)):
            continue  # placeholders and the language's own punctuation only ("、", "（…）"): no words to check
        assert script.search(text), f"{language}: {key} has no {language} script: {text!r}"


def test_english_catalog_says_what_the_registry_and_schema_say() -> None:
    english = load("en")
    for spec in LAYERS:
        assert english[f"layer.{spec.id}.title"] == spec.title
        assert english[f"layer.{spec.id}.description"] == spec.description
        for kind, style in spec.kinds.items():
            assert english[f"kind.{kind}"] == style.label
    for name, (label, unit) in {**DOCUMENTED_FIGURES, **COMPUTED_FIGURES}.items():
        assert (english[f"figure.{name}.label"], english[f"figure.{name}.unit"]) == (label, unit)
    for quality, wording in QUALITY_WORDING.items():
        assert english[f"quality.{quality}"] == wording


@pytest.mark.parametrize(("layer_id", "kind"), [
    ("bonded_zones", "comprehensive_bonded_zone"),
    ("bonded_zones", "bonded_port_area"),
    ("development_zones", "economic_technological_development_zone"),
    ("universities", "university"),
])
def test_persian_kind_labels_use_the_reports_terms(layer_id: str, kind: str) -> None:
    """The Persian names in the data are the report's; the kind label must be the term those names are built on."""
    persian = load("fa")[f"kind.{kind}"]
    names = [f["properties"].get("name_fa") for f in read_layer(LAYERS_DIR, layer_id)["features"]
             if f["properties"]["kind"] == kind and f["properties"].get("name_fa")]
    assert names
    for name in names:
        assert persian in name, f"{name!r} does not use the term {persian!r}"


def _titles(document: dict, key: str) -> dict[str, tuple[str, str]]:
    return {entry["id"]: (entry["title"], entry["description"]) for entry in document[key]}


@pytest.mark.parametrize(("query", "headers", "expected"), [
    ("?lang=zh", {}, "zh"),
    ("?lang=fa", {}, "fa"),
    ("?lang=fa-IR", {}, "fa"),
    ("", {"Accept-Language": "fa-IR,fa;q=0.9,en;q=0.8"}, "fa"),
    ("", {"Accept-Language": "de-DE, zh-Hans-CN;q=0.5, en;q=0.4"}, "zh"),
    ("", {"Accept-Language": "en;q=0, fa;q=0.2"}, "fa"),
    ("?lang=en", {"Accept-Language": "zh"}, "en"),
    ("?lang=xx", {"Accept-Language": "zh"}, "en"),
    ("?lang=" + "fa" * 200, {}, "en"),
    ("", {"Accept-Language": "de, ja"}, "en"),
    ("", {}, "en"),
])
def test_catalog_and_collections_answer_in_the_negotiated_language(client: TestClient, query: str,
                                                                   headers: dict[str, str], expected: str) -> None:
    messages = load(expected)
    want = {spec.id: (messages[f"layer.{spec.id}.title"], messages[f"layer.{spec.id}.description"]) for spec in LAYERS}
    catalog = client.get(f"/api/layers{query}", headers=headers)
    assert catalog.status_code == 200
    assert catalog.headers["content-language"] == expected
    assert "accept-language" in catalog.headers["vary"].lower()
    assert _titles(catalog.json(), "layers") == want
    collections = client.get(f"/ogc/collections{query}", headers=headers)
    assert collections.headers["content-language"] == expected
    assert _titles(collections.json(), "collections") == want
    one = client.get(f"/ogc/collections/universities{query}", headers=headers).json()
    assert (one["title"], one["description"]) == want["universities"]
    landing = client.get(f"/ogc{query}", headers=headers).json()
    assert landing["title"] == messages["app.title"]


def test_feature_link_names_the_feature_in_the_language_or_says_it_is_english(client: TestClient) -> None:
    hubs = {f["properties"]["id"]: f["properties"] for f in read_layer(LAYERS_DIR, "logistics_hubs")["features"]}
    named = next(i for i, p in hubs.items() if p.get("name_fa"))
    unnamed = next(i for i, p in hubs.items() if not p.get("name_fa"))
    for feature_id, expected in ((named, hubs[named]["name_fa"]), (unnamed, f"{hubs[unnamed]['name_en']} (نام انگلیسی)")):
        response = client.get(f"/ogc/collections/logistics_hubs/items/{feature_id}?lang=fa")
        assert response.headers["content-language"] == "fa"
        self_link = next(link for link in response.json()["links"] if link["rel"] == "self")
        assert self_link["title"] == expected
    zh = client.get(f"/ogc/collections/logistics_hubs/items/{unnamed}", headers={"Accept-Language": "zh"}).json()
    assert next(link for link in zh["links"] if link["rel"] == "self")["title"] == hubs[unnamed]["name_zh"]


def test_lang_is_documented_on_the_localised_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/layers", "/ogc", "/ogc/collections", "/ogc/collections/{collection_id}",
                 "/ogc/collections/{collection_id}/items/{feature_id}"):
        names = {parameter["name"] for parameter in paths[path]["get"].get("parameters", [])}
        assert "lang" in names, path


def test_font_files_outside_the_stylesheets_are_refused(client: TestClient) -> None:
    for path in ("@fontsource/noto-sans-sc/files/noto-sans-sc-chinese-simplified-400-normal.woff2",
                 "@fontsource/noto-sans-sc/files/noto-sans-sc-4-400-normal.woff",
                 "@fontsource/noto-sans-sc/package.json", "@fontsource/vazirmatn/files/../package.json"):
        assert client.get(f"/assets/{path}").status_code == 404, path
