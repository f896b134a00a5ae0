"""The map in a real browser (Debian's Chromium via Playwright): served live and opened from disk."""

from __future__ import annotations

import json
from typing import Any

import pytest
from shapely.geometry import box

from geo.data.atlas import Atlas, AtlasFeature
from geo.data.schema import DOCUMENTED_FIGURES
from tests.browsing import PageWatch, BOTH_DELIVERIES, map_page, open_popup_text, table_rows, wait_for_rows  # noqa: F401  (fixture)
from tests.conftest import ARTIFACTS, LAYERS_DIR

pytestmark = pytest.mark.browser


def raw_features() -> dict[str, dict[str, Any]]:
    """Feature properties exactly as written in layers/*.geojson: the reference popups are checked against."""
    features = {}
    for path in sorted(LAYERS_DIR.glob("*.geojson")):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            features[feature["properties"]["id"]] = feature["properties"]
    return features


def english_number(value: float | int) -> str:
    # The popup writes a figure with up to three decimals, as the sources give it (31.914 million).
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.3f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


def clickable_point(atlas: Atlas, feature: AtlasFeature) -> Any:
    """A point inside the feature not covered by anything drawn above it (smaller zones, lines, markers)."""
    from shapely.ops import unary_union

    area = feature.properties.get("area_km2", 0)
    above = [f.geometry.buffer(0.004) if "Polygon" not in f.geometry.geom_type else f.geometry
             for f in atlas.features() if f.id != feature.id and f.properties.get("area_km2", 0) <= area]
    return feature.geometry.difference(unary_union(above)).buffer(-0.001).representative_point()


def screen_point(page: Any, lon: float, lat: float) -> tuple[float, float]:
    point = page.evaluate(f"(() => {{ const p = window.cqAtlasMap.latLngToContainerPoint([{lat}, {lon}]);"
                          "const r = document.querySelector('.cq-map').getBoundingClientRect();"
                          "return [p.x + r.left, p.y + r.top]; })()")
    return point[0], point[1]


@BOTH_DELIVERIES
def test_every_zone_corridor_and_hub_is_drawn(map_page: PageWatch, atlas: Atlas) -> None:
    page = map_page.page
    for layer in atlas.layers:
        for feature in layer.features:
            expected = 1 if layer.spec.shown_initially else 0  # layers off at first are drawn when switched on
            assert page.locator(f".cq-f-{feature.id}").count() == expected, f"{feature.layer_id}/{feature.id}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"map-{map_page.mode}.png"))


def test_panel_lies_beside_the_map_not_over_it(map_page: PageWatch) -> None:
    page = map_page.page
    panel = page.locator("#cq-panel").bounding_box()
    map_box = page.locator(".cq-map").bounding_box()
    assert panel["x"] + panel["width"] <= map_box["x"] + 1
    toggle = page.locator("#cq-panel-toggle")
    assert toggle.get_attribute("aria-expanded") == "true"
    toggle.click()
    assert not page.locator("#cq-panel").is_visible()
    assert page.locator(".cq-map").bounding_box()["width"] == pytest.approx(1400, abs=2)
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert page.locator("#cq-panel").is_visible()


def test_clicking_a_zone_opens_its_popup_with_names_and_sources(map_page: PageWatch, atlas: Atlas) -> None:
    page = map_page.page
    raw = raw_features()
    for layer_id in ("bonded_zones", "free_trade_zone"):
        feature = atlas.layer(layer_id).features[0]
        minx, miny, maxx, maxy = feature.geometry.bounds
        page.evaluate(f"() => {{ window.cqAtlasMap.fitBounds([[{miny}, {minx}], [{maxy}, {maxx}]], {{animate: false, maxZoom: 14}}); }}")
        inside = clickable_point(atlas, feature)
        page.mouse.click(*screen_point(page, inside.x, inside.y))
        text = open_popup_text(page)
        props = raw[feature.id]
        assert props["name_en"] in text and props["name_zh"] in text
        if props.get("name_fa"):
            assert page.locator(".leaflet-popup-content [dir=rtl]").inner_text() == props["name_fa"]
        hrefs = page.locator(".leaflet-popup-content .cq-sources a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
        assert hrefs == [source["url"] for source in props["sources"]]
        page.evaluate("() => { window.cqAtlasMap.closePopup(); }")


# Opened where it is, without panning to it: what is read is the popup's content, and 115 pans would redraw the map
# and its table 115 times.
READ_POPUP = """id => {
    window.cqAtlas.open(id, {pan: false});
    const popup = document.querySelector(".leaflet-popup-content");
    const rows = {};
    popup.querySelectorAll("tr[data-figure]").forEach(row => { rows[row.dataset.figure] = row.innerText; });
    return {text: popup.innerText, rows: rows,
            sources: Array.from(popup.querySelectorAll(".cq-sources a"), a => a.getAttribute("href")),
            download: popup.querySelector(".cq-download a").getAttribute("href")};
}"""


@BOTH_DELIVERIES
def test_every_popup_shows_each_documented_figure_with_its_unit_and_its_sources(map_page: PageWatch, atlas: Atlas) -> None:
    page = map_page.page
    raw = raw_features()
    for feature in atlas.features():
        props = raw[feature.id]
        popup = page.evaluate(READ_POPUP, feature.id)
        assert popup["text"].startswith(props["name_en"])
        assert props["description_en"] in popup["text"] and props["geometry_note"] in popup["text"]
        for name, (label, unit) in DOCUMENTED_FIGURES.items():
            if props.get(name) is None:
                continue
            row, value = popup["rows"][name], props[name]
            assert label in row, (feature.id, name, row)
            if isinstance(value, dict) and "series" in value:
                # A series is a small table: every year and its value.
                assert all(year in row and english_number(n) in row for year, n in value["series"].items()), row
                continue
            if isinstance(value, dict) and "min" in value:
                assert f"{english_number(value['min'])}–{english_number(value['max'])}" in row, (feature.id, name, row)
                continue
            number = english_number(value["value"] if isinstance(value, dict) else value)
            assert (f"#{number}" if unit == "rank" else f"{number} {unit}") in row, (feature.id, name, row)
            if isinstance(value, dict) and value.get("qualifier"):
                assert value["qualifier"].replace("_", " ") in row, (feature.id, name, row)
            as_of = value.get("as_of") if isinstance(value, dict) else props.get("figures_as_of")
            if as_of and "area" not in name:
                assert as_of in row, (feature.id, name, row)
        for name, unit in (("area_km2", "km²"), ("length_km", "km")):
            if name in feature.properties:
                assert f"{english_number(feature.properties[name])} {unit}" in popup["rows"][name]
        assert popup["sources"] == [source["url"] for source in props["sources"]], feature.id
        assert popup["download"].endswith(f"{feature.layer_id}.geojson")


FIGURE_SHAPES = {
    "ports_connected": ({"value": 100, "qualifier": "more_than", "as_of": "2021"}, "more than 100 ports (as of 2021)"),
    "countries_regions_connected": ({"min": 15, "max": 20, "qualifier": "about"}, "about 15–20 countries/regions"),
    "teu_total": (1234567, "1,234,567 TEU (as of 2023-06)"),
    "trips_total": ({"value": 40000, "qualifier": "at_least"}, "at least 40,000 trips (as of 2023-06)"),
}


def test_popup_template_renders_all_four_figure_shapes(map_page: PageWatch) -> None:
    """Plain, qualified, range and series values (the figure contract), rendered from the shipped metadata."""
    page = map_page.page
    properties = {**raw_features()["xiyong-comprehensive-bonded-zone"], "figures_as_of": "2023-06",
                  **{name: value for name, (value, _) in FIGURE_SHAPES.items()},
                  "trips_by_year": {"series": {"2012": 41, "2011": 17, "2013": 1500}}}
    page.evaluate("""props => {
        const app = window.cqAtlas;
        app.config.figures.documented.trips_by_year = ["Train trips per year", "trips"];
        const entry = {feature: {properties: props}, spec: app.layers[0].spec};
        document.body.appendChild(app.renderPopup(entry)).id = "shapes";
    }""", properties)
    for name, (_, shown) in FIGURE_SHAPES.items():
        assert shown in page.locator(f"#shapes tr[data-figure={name}] td").inner_text(), name
    series = page.locator("#shapes tr[data-figure=trips_by_year] .cq-series")
    assert series.locator("thead").inner_text().split() == ["Year", "trips"]
    assert series.locator("tbody").inner_text().split() == ["2011", "17", "2012", "41", "2013", "1,500"]


def test_table_lists_what_is_in_view_sorts_filters_and_opens_popups(map_page: PageWatch, atlas: Atlas) -> None:
    page = map_page.page
    south, west, north, east = page.evaluate("(b => [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()])"
                                             "(window.cqAtlasMap.getBounds())")
    view = box(west, south, east, north)
    in_view = {f.id for layer in atlas.layers if layer.spec.shown_initially  # the table lists layers shown
               for f in layer.features if box(*f.geometry.bounds).intersects(view)}
    assert wait_for_rows(page, in_view) == in_view and len(in_view) > 10
    names = page.locator("#cq-table tbody th .cq-open").all_inner_texts()
    assert names == sorted(names, key=str.lower)
    page.get_by_role("button", name="Name").click()
    assert page.locator("#cq-table tbody th .cq-open").all_inner_texts() == sorted(names, key=str.lower, reverse=True)
    page.get_by_role("button", name="Year").click()
    assert page.locator("th[data-column=year]").get_attribute("aria-sort") == "ascending"
    # Undated rows say so in words (and sort last); the dated ones sort by year.
    years = [int(y) for y in page.locator("#cq-table tbody tr:not(.cq-undated) td:nth-of-type(2)").all_inner_texts() if y]
    assert years == sorted(years)
    page.locator("#cq-table-filter").fill("university")
    matching = {f.id for f in atlas.features() if f.id in in_view and any(
        "university" in text.lower() for text in (f.properties["name_en"], f.id, atlas.layer(f.layer_id).spec.kinds[
            f.properties["kind"]].label))}
    assert wait_for_rows(page, matching) == matching and {f.id for f in atlas.layer("universities").features} <= matching
    target = atlas.layer("universities").features[-1]
    row_button = page.locator(f"#cq-table tr[data-feature={target.id}] button")
    row_button.click()
    assert open_popup_text(page).startswith(target.properties["name_en"])
    assert page.evaluate("document.activeElement.classList.contains('cq-popup-title')")
    page.keyboard.press("Escape")
    page.locator(".leaflet-popup").wait_for(state="detached", timeout=2000)
    assert page.evaluate("document.activeElement.closest('tr').dataset.feature") == target.id


def test_toggling_a_layer_hides_it_on_the_map_and_in_the_table(map_page: PageWatch, atlas: Atlas) -> None:
    page = map_page.page
    layer = atlas.layer("universities")
    checkbox = page.get_by_label(layer.spec.title, exact=True)
    assert page.locator(".cq-layer-universities").count() == len(layer.features)
    before = set(table_rows(page))
    assert {f.id for f in layer.features} <= before
    checkbox.uncheck()
    assert page.locator(".cq-layer-universities").count() == 0
    assert wait_for_rows(page, before - {f.id for f in layer.features}) == before - {f.id for f in layer.features}
    checkbox.check()
    assert page.locator(".cq-layer-universities").count() == len(layer.features)
    assert wait_for_rows(page, before) == before


def test_search_finds_features_by_english_chinese_and_persian_names(map_page: PageWatch, atlas: Atlas) -> None:
    page = map_page.page
    search = page.locator("#cq-search-input")
    feature = atlas.layer("universities").features[0]
    rail = atlas.layer("rail_europe").features[0]
    for query, expected in ((feature.properties["name_en"][:12], feature), (feature.properties["name_zh"], feature),
                            (rail.properties["name_fa"], rail)):
        search.fill(query)
        page.locator(".cq-result", has_text=expected.properties["name_en"]).first.click()
        assert open_popup_text(page).startswith(expected.properties["name_en"])
        page.evaluate("() => { window.cqAtlasMap.closePopup(); }")
    search.fill("no such place anywhere")
    assert page.locator(".cq-result").count() == 0
    assert "No feature matches" in page.locator("#cq-search-status").inner_text()


def test_framing_buttons_frame_what_they_name(map_page: PageWatch, atlas: Atlas) -> None:
    page = map_page.page
    assert page.evaluate("window.cqAtlasMap.getBounds().contains([29.56, 106.55])")
    assert not page.evaluate("window.cqAtlasMap.getBounds().contains([51.43, 6.76])")  # Duisburg not yet
    page.get_by_role("button", name="Show corridors").click()
    page.wait_for_timeout(800)
    for layer_id in ("rail_europe", "land_sea_corridor", "yangtze_waterway"):
        minx, miny, maxx, maxy = atlas.layer(layer_id).bbox
        assert page.evaluate(f"window.cqAtlasMap.getBounds().contains([[{miny}, {minx}], [{maxy}, {maxx}]])"), layer_id
    page.get_by_role("button", name="Chongqing", exact=True).click()
    page.wait_for_timeout(800)
    for layer_id in ("free_trade_zone", "bonded_zones", "logistics_hubs"):
        minx, miny, maxx, maxy = atlas.layer(layer_id).bbox
        assert page.evaluate(f"window.cqAtlasMap.getBounds().contains([[{miny}, {minx}], [{maxy}, {maxx}]])"), layer_id
