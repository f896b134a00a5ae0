"""Search as readers type: dashes of any kind, extra spaces, any case, words in any order, Persian without its
zero-width non-joiner or short vowels, Arabic letter forms for Persian ones, full-width brackets. One list of queries
(tests/fixtures/search_queries.json, ids read from the layers) checked against the API's q= (real HTTP), the OGC API
items' q=, the map's search and its feature-table filter (Chromium, in English, Chinese and Persian)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from geo.data.atlas import Atlas
from geo.data.query import make_filter, select
from tests.browsing import PageWatch, choose_language, map_page  # noqa: F401  (fixture)
from tests.conftest import REPO, LiveServer

CASES = json.loads((REPO / "tests" / "fixtures" / "search_queries.json").read_text(encoding="utf-8"))["queries"]
IDS = [f"{case['lang']}:{case['query'].strip()}" for case in CASES]


def selected(atlas: Atlas, query: str, lang: str) -> set[str]:
    feature_filter = make_filter(text=query, text_language=lang)
    return {feature.id for layer in atlas.layers for feature in select(layer, feature_filter)}


def check(found: set[str], case: dict[str, Any]) -> None:
    if case.get("finds_none"):
        assert found == set(), case["query"]
    else:
        assert set(case["finds"]) <= found, (case["query"], sorted(found)[:20])


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_selection_finds_what_readers_type(atlas: Atlas, case: dict[str, Any]) -> None:
    check(selected(atlas, case["query"], case["lang"]), case)


def test_a_word_must_be_in_the_text_not_just_a_letter_variant_away(atlas: Atlas) -> None:
    # Folding unifies variants of one letter, never two letters: "xiyong" does not find "Jiangjin".
    assert "jiangjin-comprehensive-bonded-zone" not in selected(atlas, "Xiyong Bonded", "en")
    assert selected(atlas, "   ", "en") == {f.id for f in atlas.features()}  # no words: no text filter


def api_ids(server: LiveServer, query: str, lang: str) -> set[str]:
    response = httpx.get(server.url + "/api/atlas.geojson", params={"q": query, "lang": lang}, timeout=60)
    assert response.status_code == 200, response.text
    return {feature["properties"]["id"] for feature in response.json()["features"]}


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_q_finds_what_readers_type(live_server: LiveServer, case: dict[str, Any]) -> None:
    check(api_ids(live_server, case["query"], case["lang"]), case)


def ogc_ids(client: Any, atlas: Atlas, query: str, lang: str) -> set[str]:
    found = set()
    for layer in atlas.layers:
        response = client.get(f"/ogc/collections/{layer.spec.id}/items", params={"q": query, "lang": lang, "limit": 1000})
        assert response.status_code == 200, response.text
        found |= {feature["id"] for feature in response.json()["features"]}
    return found


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_ogc_items_q_finds_what_readers_type(client: Any, atlas: Atlas, case: dict[str, Any]) -> None:
    check(ogc_ids(client, atlas, case["query"], case["lang"]), case)


SEARCH_RESULTS = "Array.from(document.querySelectorAll('#cq-search-results .cq-result'), b => b.dataset.feature)"
FILTERED_IN = ("q => cqAtlas.state.filter === q.trim() ? cqAtlas.entries.filter(e => !(e.hiddenBy || {}).filter)"
               ".map(e => e.id) : null")


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "zh", "fa"])
def test_map_search_and_table_filter_find_what_readers_type(map_page: PageWatch, live_server: LiveServer,
                                                            lang: str) -> None:
    page = map_page.page
    if lang != "en":
        choose_language(page, lang)
    for case in [c for c in CASES if c["lang"] == lang]:
        page.fill("#cq-search-input", case["query"])
        found = set(page.evaluate(SEARCH_RESULTS))
        check(found, case)
        page.fill("#cq-table-filter", case["query"])
        handle = page.wait_for_function(FILTERED_IN, arg=case["query"], timeout=10_000)
        filtered = set(handle.json_value())
        check(filtered, case)
        # The table's filter and the downloads it offers select the same features.
        assert filtered == api_ids(live_server, case["query"], lang), case["query"]
    page.fill("#cq-table-filter", "")
