"""/ogc in a browser: every OGC API – Features resource as an HTML page too (the standard's HTML conformance class),
chosen with f=html / f=json or by the Accept header, in the page's language, escaped, under the pages' policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browsing import WATCH_CSP
from tests.conftest import LAYERS_DIR, LiveServer, edit_feature, read_layer, serve
from tests.pages_reading import messages, soup

# OGC API – Features – Part 1: Core (OGC 17-069r4), Annex A.3 / 7.7: the HTML requirements class.
HTML_CLASS = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html"
# What Chromium sends when a reader types an address (and what most browsers send, give or take a type).
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
FEATURE = read_layer(LAYERS_DIR, "universities")["features"][0]["properties"]
RESOURCES = ["/ogc", "/ogc/conformance", "/ogc/collections", "/ogc/collections/universities",
             "/ogc/collections/universities/items", f"/ogc/collections/universities/items/{FEATURE['id']}"]


def get(server: LiveServer, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.get(server.url + path, timeout=60, **kwargs)


@pytest.mark.parametrize("path", RESOURCES)
def test_f_chooses_the_encoding_and_accept_decides_without_it(live_server: LiveServer, path: str) -> None:
    json_types = ("application/json", "application/geo+json")
    for params, headers, html in (({"f": "html"}, {}, True), ({"f": "json"}, {}, False), ({}, {}, False),
                                  ({}, {"Accept": "*/*"}, False), ({}, {"Accept": "application/json"}, False),
                                  ({}, {"Accept": BROWSER_ACCEPT}, True),
                                  ({"f": "json"}, {"Accept": BROWSER_ACCEPT}, False),
                                  ({"f": "html"}, {"Accept": "application/json"}, True)):
        response = get(live_server, path, params=params, headers=headers)
        assert response.status_code == 200, (params, headers, response.text[:300])
        media_type = response.headers["content-type"].split(";")[0]
        assert (media_type == "text/html") if html else (media_type in json_types), (params, headers, media_type)
        if not params:
            assert "Accept" in response.headers["vary"]  # caches keep the two encodings apart
    refused = get(live_server, path, params={"f": "xml"})
    assert refused.status_code == 400
    assert refused.json()["code"] == "InvalidParameterValue" and "f must be" in refused.json()["description"]


def test_conformance_declares_the_html_class(live_server: LiveServer) -> None:
    assert HTML_CLASS in get(live_server, "/ogc/conformance").json()["conformsTo"]


@pytest.mark.parametrize("path", RESOURCES)
def test_each_encoding_links_the_other(live_server: LiveServer, path: str) -> None:
    document = get(live_server, path).json()
    (alternate,) = [link for link in document["links"] if link["rel"] == "alternate" and link["type"] == "text/html"]
    page = get(live_server, alternate["href"].removeprefix(live_server.url))
    assert page.headers["content-type"].startswith("text/html")
    html = soup(page.text)
    (to_json,) = html.select('a[data-format="json"]')
    back = get(live_server, to_json["href"].removeprefix(live_server.url))
    assert back.headers["content-type"].split(";")[0] == to_json["type"]
    assert back.json().get("links") == document["links"] or back.json().get("id") == document.get("id")
    # Every link of the JSON document is in the page as an <a> (Part 1, /req/html/content).
    hrefs = {a.get("href") for a in html.select("a")}
    for link in document["links"]:
        shown = [a for a in html.select(".cq-ogc-links a") if a.get("data-rel") == link["rel"]]
        assert shown, (path, link["rel"])
    assert hrefs


@pytest.mark.parametrize("lang", ["en", "zh", "fa"])
def test_pages_speak_the_language_asked_for(live_server: LiveServer, lang: str) -> None:
    catalog = messages(lang)
    by_param = soup(get(live_server, "/ogc/collections", params={"f": "html", "lang": lang}).text)
    by_header = soup(get(live_server, "/ogc/collections", headers={"Accept": BROWSER_ACCEPT,
                                                                   "Accept-Language": f"{lang};q=0.9"}).text)
    for page in (by_param, by_header):
        assert page.html["lang"] == lang and page.html["dir"] == ("rtl" if lang == "fa" else "ltr")
        assert page.select_one("h1").get_text() == catalog["ogc.html.collections"]
        title = catalog["layer.universities.title"]
        assert title in [a.get_text() for a in page.select(".cq-ogc-collections th a")]
    # Links between the pages keep the language and the encoding.
    for a in by_param.select(".cq-ogc-collections a"):
        assert "f=html" in a["href"] and f"lang={lang}" in a["href"]
    item = soup(get(live_server, RESOURCES[-1], params={"f": "html", "lang": lang}).text)
    expected = FEATURE.get(f"name_{lang}") or FEATURE["name_en"]
    assert expected in item.select_one("h1").get_text()


def test_items_page_lists_the_page_of_features_and_pages_on(live_server: LiveServer) -> None:
    in_file = [f["properties"]["id"] for f in read_layer(LAYERS_DIR, "universities")["features"]]
    page = soup(get(live_server, "/ogc/collections/universities/items", params={"f": "html", "limit": "2"}).text)
    assert [tr["data-feature"] for tr in page.select(".cq-ogc-items tbody tr")] == in_file[:2]
    (following,) = page.select('.cq-ogc-paging a[rel="next"]')
    second = soup(get(live_server, following["href"].removeprefix(live_server.url)).text)
    assert [tr["data-feature"] for tr in second.select(".cq-ogc-items tbody tr")] == in_file[2:4]


def test_pages_have_the_policy_and_no_inline_script_or_style(live_server: LiveServer) -> None:
    for path in RESOURCES:
        response = get(live_server, path, params={"f": "html"})
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
        page = soup(response.text)
        assert page.select("style") == [] and page.select("[style]") == []
        assert all(s.get("src") or "json" in (s.get("type") or "") for s in page.select("script"))


def test_hostile_text_is_inert_in_the_pages(layers_copy: Path) -> None:
    from tests.test_hostile_text import HOSTILE_NAME, make_hostile

    feature_id = edit_feature(layers_copy, "bonded_zones", make_hostile)
    with serve(layers_copy) as server:
        for path in (f"/ogc/collections/bonded_zones/items/{feature_id}", "/ogc/collections/bonded_zones/items"):
            for lang in ("en", "zh", "fa"):
                text = get(server, path, params={"f": "html", "lang": lang, "limit": "100"}).text
                page = soup(text)
                for selector in ("img", "svg", "b[onmouseover]", "iframe", "a[href^=javascript]"):
                    assert page.select(selector) == [], (path, selector)
        item = soup(get(server, f"/ogc/collections/bonded_zones/items/{feature_id}", params={"f": "html"}).text)
        assert item.select_one('[data-property="name_en"] td').get_text() == HOSTILE_NAME


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "zh", "fa"])
def test_a_reader_browses_from_the_landing_page_to_a_feature(browser: Any, live_server: LiveServer, lang: str) -> None:
    context = browser.new_context(locale={"en": "en-GB", "zh": "zh-CN", "fa": "fa-IR"}[lang])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Every request the pages make succeeds (the browser's own favicon probe aside: the site has none yet).
    page.on("response", lambda response: errors.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)
    page.add_init_script(WATCH_CSP)
    page.goto(live_server.url + "/ogc")  # as typed: Chromium's own Accept and Accept-Language
    catalog = messages(lang)
    assert page.evaluate("document.documentElement.lang") == lang
    assert page.locator("h1").inner_text() == catalog["app.title"]
    page.locator('.cq-ogc-links a[data-rel="data"]').click()
    page.locator(".cq-ogc-collections").wait_for()
    page.get_by_role("link", name=catalog["layer.universities.title"], exact=True).click()
    page.locator('.cq-ogc-links a[data-rel="items"]').click()
    page.locator(f'tr[data-feature="{FEATURE["id"]}"] a').click()
    name = FEATURE.get(f"name_{lang}") or FEATURE["name_en"]
    assert name in page.locator("h1").inner_text()
    assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "fa" else "ltr")
    assert page.evaluate("window.__cspViolations") == [] and errors == []
    # The page is styled by its stylesheet (the policy let it load): the table has its rules.
    assert page.evaluate("getComputedStyle(document.querySelector('.cq-page-main')).maxWidth") != "none"
    page.screenshot(path=str(Path(__file__).parent / "artifacts" / f"ogc-item-{lang}.png"), full_page=True)
    context.close()
