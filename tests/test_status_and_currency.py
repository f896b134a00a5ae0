"""Lifecycle status and how current the figures are, as a reader sees them: the status filter of the downloads (API
and OGC API), and in Chromium the drawing, the panel's filter and currency sentence, and the figures' dates in
popups, in English, Chinese and Persian.

Few features state a status, so the map tests use a copy of the layers in which a corridor is a pilot and a
logistics hub is planned."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from geo.data.schema import DOCUMENTED_FIGURES
from tests.browsing import close_map, open_map
from tests.conftest import LAYERS_DIR, LiveServer, read_layer, serve, write_layer

LANGUAGES = ("en", "zh", "fa")
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
# Figures naming a plan speak for a future year, not for how current the data is.
PLAN_WORDS = ("target", "forecast")


def features(layers_dir: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    for path in sorted(layers_dir.glob("*.geojson")):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            yield path.stem, feature


def ids_with_status(layers_dir: Path, status: str) -> set[str]:
    return {f["properties"]["id"] for _, f in features(layers_dir) if f["properties"].get("status") == status}


def figure_dates(props: dict[str, Any]) -> Iterator[str]:
    """The dates a feature's figures speak for, read off the layer file: a series' latest year, a value's own
    ``as_of``, else the feature's ``figures_as_of`` for a plain number or a value without one."""
    for name in DOCUMENTED_FIGURES:  # the names of documented figures (values and dates come from the file)
        value = props.get(name)
        if value is None or any(w in name for w in PLAN_WORDS):
            continue
        if isinstance(value, dict) and isinstance(value.get("series"), dict) and value["series"]:
            yield max(value["series"])
        elif isinstance(value, dict) and ("value" in value or "min" in value):
            if value.get("as_of") or props.get("figures_as_of"):
                yield value.get("as_of") or props["figures_as_of"]
        elif isinstance(value, int | float) and not isinstance(value, bool) and props.get("figures_as_of"):
            yield props["figures_as_of"]


# --- downloads: status= ------------------------------------------------------------------------------------------

def geojson_ids(response: Any) -> set[str]:
    assert response.status_code == 200, response.text
    return {feature["properties"]["id"] for feature in response.json()["features"]}


def test_status_filter_selects_exactly_the_features_of_that_status(client: TestClient) -> None:
    layer = read_layer(LAYERS_DIR, "rail_europe")["features"]
    operating = {f["properties"]["id"] for f in layer if f["properties"].get("status") == "operating"}
    unstated = {f["properties"]["id"] for f in layer if not f["properties"].get("status")}
    assert operating, "the rail corridors state statuses"
    assert geojson_ids(client.get("/api/layers/rail_europe.geojson?status=operating")) == operating
    assert geojson_ids(client.get("/api/layers/rail_europe.geojson?status=unstated")) == unstated
    assert geojson_ids(client.get("/api/layers/rail_europe.geojson?status=pilot,unstated")) == unstated
    csv = client.get("/api/layers/rail_europe.csv?status=operating")
    assert csv.status_code == 200 and len(csv.text.strip().splitlines()) == len(operating) + 1


def test_unknown_status_is_a_clear_400(client: TestClient) -> None:
    response = client.get("/api/layers/rail_europe.geojson?status=running")
    assert response.status_code == 400
    assert "running" in response.text and "operating" in response.text


def test_ogc_items_filter_by_status(client: TestClient) -> None:
    layer = read_layer(LAYERS_DIR, "rail_europe")["features"]
    operating = {f["properties"]["id"] for f in layer if f["properties"].get("status") == "operating"}
    response = client.get("/ogc/collections/rail_europe/items?status=operating")
    assert response.status_code == 200, response.text
    assert {f["properties"]["id"] for f in response.json()["features"]} == operating
    queryables = client.get("/ogc/collections/rail_europe/queryables").json()
    assert "status" in queryables["properties"]


# --- the map -------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def status_layers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The layers with one corridor stated as a pilot and one logistics hub as planned (each with a source
    supporting it, as validation asks)."""
    target = tmp_path_factory.mktemp("status") / "layers"
    shutil.copytree(LAYERS_DIR, target)
    for layer_id, status in (("rail_europe", "pilot"), ("logistics_hubs", "planned")):
        data = read_layer(target, layer_id)
        feature = next(f for f in data["features"] if not f["properties"].get("status"))
        feature["properties"].update(status=status, status_as_of="2025-06")
        feature["properties"]["sources"][0]["supports"] = [*feature["properties"]["sources"][0].get("supports", []),
                                                          "status"]
        write_layer(target, layer_id, data)
    return target


@pytest.fixture(scope="module")
def status_server(status_layers: Path) -> Iterator[LiveServer]:
    with serve(status_layers) as server:
        yield server


@pytest.fixture
def status_page(browser: Any, status_server: LiveServer) -> Iterator[Any]:
    watch = open_map(browser, status_server.url + "/", "served")
    watch.page.wait_for_function("() => window.cqAtlas && window.cqAtlas.setStatuses !== undefined")
    # Every atlas layer on, so every feature is drawn.
    watch.page.evaluate("() => cqAtlas.layers.forEach(l => cqAtlas.setLayerVisible(l.spec.id, true))")
    yield watch
    watch.check()
    close_map(watch.page)


DRAWN = """() => Array.from(document.querySelectorAll('.cq-feature'), el => {
  const id = Array.from(el.classList).find(c => c.startsWith('cq-f-'));
  return id ? id.slice(5) : null;
}).filter(Boolean)"""

STYLE = """id => { const el = document.querySelector('.cq-f-' + CSS.escape(id)); const s = getComputedStyle(el);
  return {dash: s.strokeDasharray, fillOpacity: s.fillOpacity}; }"""


def test_pilot_and_planned_features_are_drawn_differently_from_operating_ones(status_page: Any,
                                                                              status_layers: Path) -> None:
    page = status_page.page
    (pilot,) = ids_with_status(status_layers, "pilot")
    operating = sorted(ids_with_status(status_layers, "operating") &
                       {f["properties"]["id"] for f in read_layer(status_layers, "rail_europe")["features"]})[0]
    (planned,) = ids_with_status(status_layers, "planned")
    hubs = [f["properties"]["id"] for f in read_layer(status_layers, "logistics_hubs")["features"]]
    unstated_hub = next(i for i in hubs if i != planned)
    assert page.evaluate(STYLE, operating)["dash"] == "none"
    assert page.evaluate(STYLE, pilot)["dash"] not in ("none", "")
    planned_style, hub_style = page.evaluate(STYLE, planned), page.evaluate(STYLE, unstated_hub)
    assert planned_style["dash"] not in ("none", "") and hub_style["dash"] == "none"
    assert float(planned_style["fillOpacity"]) == 0 < float(hub_style["fillOpacity"])  # hollow marker
    # The legend shows each status present, as drawn.
    legend = page.locator(".cq-statuses")
    assert legend.locator('input[data-status="pilot"]').count() == 1
    assert legend.locator('input[data-status="planned"]').count() == 1
    assert legend.locator('input[data-status="operating"]').count() == 1
    assert legend.locator('input[data-status="suspended"]').count() == 0  # no feature is suspended
    assert legend.locator('[data-status-item="pilot"] line').get_attribute("stroke-dasharray")


@pytest.mark.parametrize("status", ["pilot", "operating"])
def test_status_filter_hides_exactly_the_features_of_that_status(status_page: Any, status_layers: Path,
                                                                 status: str) -> None:
    page = status_page.page
    everything = {f["properties"]["id"] for _, f in features(status_layers)
                  if f["properties"].get("id") and _ in {l for l in page.evaluate(
                      "() => cqAtlas.layers.map(l => l.spec.id)")}}
    before = set(page.evaluate(DRAWN))
    assert before == everything
    page.locator(f'.cq-statuses input[data-status="{status}"]').uncheck()
    page.wait_for_timeout(200)
    hidden = before - set(page.evaluate(DRAWN))
    assert hidden == ids_with_status(status_layers, status)
    # The downloads hold what is drawn: every status but the unchecked one, and features stating none.
    # The links follow the filter a moment later (as the table does): wait until the last one names the statuses.
    page.wait_for_function("() => Array.from(document.querySelectorAll('#cq-download-links a')).pop()"
                           "?.getAttribute('href').includes('status=') === true")
    href = page.locator("#cq-download-links a").last.get_attribute("href")
    assert "status=" in href and status not in href.split("status=")[1].split("&")[0].split("%2C")[0].split(",")
    response = page.request.get(status_page.page.url.split("#")[0].rstrip("/") + href)
    assert response.ok
    got = {f["properties"]["id"] for f in response.json()["features"]}
    assert not got & ids_with_status(status_layers, status)
    # The table lists no feature of that status; checked again, they come back.
    page.locator("#cq-table-filter").fill("")
    page.wait_for_timeout(400)
    rows = set(page.locator("#cq-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.feature)"))
    assert not rows & ids_with_status(status_layers, status)
    page.locator(f'.cq-statuses input[data-status="{status}"]').check()
    page.wait_for_timeout(200)
    assert set(page.evaluate(DRAWN)) == before


def current_to_and_older(layers_dir: Path) -> tuple[str, int, int]:
    """Straight from the layer files: the newest date any figure speaks for, the year before which a figure is
    older than two years (its latest year more than two years before the current-to year), and how many features
    carry such a figure."""
    dated = [(f["properties"]["id"], list(figure_dates(f["properties"]))) for _, f in features(layers_dir)]
    current_to = max(date for _, dates in dated for date in dates)
    before = int(current_to[:4]) - 2
    older = sum(1 for _, dates in dated if any(int(d[:4]) < before for d in dates))
    return current_to, before, older


@pytest.mark.parametrize("lang", LANGUAGES)
def test_panel_says_what_the_data_is_current_to(browser: Any, live_server: LiveServer, lang: str) -> None:
    current_to, before, older = current_to_and_older(LAYERS_DIR)
    watch = open_map(browser, f"{live_server.url}/#lang={lang}", "served")
    page = watch.page
    try:
        page.wait_for_function("lang => document.documentElement.lang === lang", arg=lang)
        text = page.locator("#cq-currency").inner_text()
        # Persian dates in Persian digits joined by "/" (۲۰۲۶/۰۲), as Persian writes them.
        digits = (lambda s: s.replace("-", "/").translate(PERSIAN_DIGITS)) if lang == "fa" else str
        assert digits(current_to) in text, text
        assert digits(str(before)) in text and digits(str(older)) in text, text
        watch.check()
    finally:
        close_map(page)


def dated_figure(layers_dir: Path) -> tuple[str, str, str]:
    """A logistics hub's figure written with its own ``as_of``: (feature id, figure name, date)."""
    for feature in read_layer(layers_dir, "logistics_hubs")["features"]:
        for name, value in feature["properties"].items():
            if isinstance(value, dict) and value.get("as_of") and "value" in value:
                return feature["properties"]["id"], name, value["as_of"]
    raise AssertionError("no logistics hub carries a dated figure")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_popup_shows_the_date_of_each_figure(browser: Any, live_server: LiveServer, lang: str) -> None:
    feature_id, name, as_of = dated_figure(LAYERS_DIR)
    watch = open_map(browser, f"{live_server.url}/#lang={lang}&feature={feature_id}", "served")
    page = watch.page
    try:
        row = page.locator(f'.leaflet-popup-content tr[data-figure="{name}"]')
        row.wait_for()
        expected = as_of.replace("-", "/").translate(PERSIAN_DIGITS) if lang == "fa" else as_of
        assert expected in row.inner_text()
        watch.check()
    finally:
        close_map(page)
