"""Which year places a feature on the year slider — its opening year, else the first year of its own by-year figures,
else none — the same on the map (Chromium) and in the downloads, and said in the popup and the feature table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.browsing import close_map, choose_language, PageWatch, map_page, open_map  # noqa: F401  (fixture)
from tests.conftest import LAYERS_DIR, REPO, make_settings, read_layer, serve, write_layer
from web.app import create_app

CATALOGS = {lang: json.loads((REPO / "geo" / "data" / "messages" / f"{lang}.json").read_text(encoding="utf-8")) for lang in ("en", "zh", "fa")}
ZONE = "liangjiang-new-area"  # carries a by-year series of its own (digital economy firms)
RAILWAY = "chongqing-xinjiang-europe-railway"  # carries a by-year series of the whole China–Europe network only


def fill(text: str, **values: Any) -> str:
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def feature(layers_dir: Path, layer_id: str, feature_id: str) -> dict[str, Any]:
    return next(f for f in read_layer(layers_dir, layer_id)["features"] if f["properties"]["id"] == feature_id)


def without_opening_year(layers_dir: Path) -> tuple[int, int]:
    """Take the opening year off the zone and the railway; returns the first year of the zone's own series and the
    first year of the railway's network series (read from the files)."""
    firsts = []
    for layer_id, feature_id, prefix in (("development_zones", ZONE, ""), ("rail_europe", RAILWAY, "network_")):
        data = read_layer(layers_dir, layer_id)
        target = next(f for f in data["features"] if f["properties"]["id"] == feature_id)
        del target["properties"]["established"]
        for source in target["properties"]["sources"]:  # and no source claims to support it any more
            source["supports"] = [name for name in source.get("supports", []) if name != "established"]
        series = [v["series"] for k, v in target["properties"].items()
                  if isinstance(v, dict) and "series" in v and k.startswith(prefix)]
        firsts.append(min(int(year) for s in series for year in s))
        write_layer(layers_dir, layer_id, data)
    return firsts[0], firsts[1]


@pytest.fixture
def edited(layers_copy: Path) -> tuple[Path, int, int]:
    zone_first, network_first = without_opening_year(layers_copy)
    return layers_copy, zone_first, network_first


def ids(client: TestClient, layer_id: str, **params: Any) -> set[str]:
    response = client.get(f"/api/layers/{layer_id}.geojson", params=params)
    assert response.status_code == 200, response.text
    return {f["properties"]["id"] for f in response.json()["features"]}


def test_downloads_place_a_feature_without_opening_year_at_its_first_documented_year(edited: tuple[Path, int, int]) -> None:
    layers, zone_first, network_first = edited
    with TestClient(create_app(make_settings(layers))) as client:
        assert ZONE not in ids(client, "development_zones", established_to=zone_first - 1, include_undated="true")
        assert ZONE in ids(client, "development_zones", established_to=zone_first, include_undated="true")
        # A series about the whole network says nothing of this railway's start: it stays undated.
        assert RAILWAY in ids(client, "rail_europe", established_to=network_first - 1, include_undated="true")
        assert RAILWAY not in ids(client, "rail_europe", established_to=network_first - 1)


def popup_rule(page: Any, feature_id: str) -> tuple[str, str]:
    page.evaluate("id => cqAtlas.open(id, {pan: false})", feature_id)
    row = page.locator(".leaflet-popup-content [data-year-rule]")
    row.wait_for()
    return row.get_attribute("data-year-rule"), row.inner_text()


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "fa"])
def test_popups_say_which_year_rule_places_a_corridor(map_page: PageWatch, lang: str) -> None:
    page = map_page.page
    choose_language(page, lang)
    opened = feature(LAYERS_DIR, "rail_europe", RAILWAY)["properties"]["established"]
    rule, text = popup_rule(page, RAILWAY)
    year = page.evaluate("y => new Intl.NumberFormat(document.documentElement.lang, {useGrouping: false}).format(y)", opened)
    assert rule == "established"
    assert fill(CATALOGS[lang]["time.rule_established"], year=year) in text
    sea_leg = next(f["properties"] for f in read_layer(LAYERS_DIR, "land_sea_corridor")["features"]
                   if f["properties"].get("established") is None)
    rule, text = popup_rule(page, sea_leg["id"])
    assert rule == "none" and CATALOGS[lang]["time.rule_none"] in text


@pytest.mark.browser
def test_slider_and_table_use_the_first_documented_year_where_no_opening_year_is(browser: Any,
                                                                                 edited: tuple[Path, int, int]) -> None:
    layers, zone_first, network_first = edited
    with serve(layers) as server:
        watch = open_map(browser, f"{server.url}/#map=9/29.7/106.6&layers=development_zones,rail_europe", "served")
        page = watch.page
        try:
            def drawn(feature_id: str) -> bool:
                return page.locator(f".leaflet-overlay-pane .cq-f-{feature_id}").count() == 1

            for year, zone_drawn in ((zone_first - 1, False), (zone_first, True)):
                page.locator("#cq-year").evaluate("(el, y) => { el.value = String(y); el.dispatchEvent(new Event('input')); }", year)
                page.wait_for_timeout(400)
                assert drawn(ZONE) is zone_drawn, year
                assert drawn(RAILWAY), "a network-wide series does not place the railway"
            cell = page.locator(f'#cq-table tr[data-feature="{ZONE}"] td').nth(1)
            assert cell.inner_text() == fill(CATALOGS["en"]["time.rule_series_short"], year=zone_first)
            assert cell.get_attribute("data-year-rule") == "series"
            rule, text = popup_rule(page, ZONE)
            assert rule == "series" and f"in service by {zone_first}" in text
            # The download link of this state holds the zone (and the undated railway) as the map draws them.
            # The links are redrawn on the next animation frame after the slider moves: wait for this year's.
            page.wait_for_function("y => [...document.querySelectorAll('#cq-download-links a')].some("
                                   "a => a.href.includes('established_to=' + y))", arg=zone_first)
            href = page.locator("#cq-download-links a").first.get_attribute("href")
            assert f"established_to={zone_first}" in href
            body = page.request.get(server.url + href).json()
            assert {ZONE, RAILWAY} <= {f["properties"]["id"] for f in body["features"]}
            watch.check()
        finally:
            close_map(page)
