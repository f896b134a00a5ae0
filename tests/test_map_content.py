"""What a reader of the map sees, compared with the layer files themselves (read here as plain JSON, not through
the atlas code): every popup shows the feature's documented figures and links its sources; every legend download
link fetches that layer's features."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from geo.data.schema import DOCUMENTED_FIGURES
from tests.browsing import close_map, open_map, page_url
from tests.conftest import LAYERS_DIR, LiveServer

pytestmark = pytest.mark.browser

NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def raw_layers() -> dict[str, list[dict[str, Any]]]:
    return {path.stem: json.loads(path.read_text(encoding="utf-8"))["features"] for path in sorted(LAYERS_DIR.glob("*.geojson"))}


def figure_numbers(value: Any) -> list[float]:
    """The numbers a reader must see for one figure, whatever its shape (number, qualified, range, series)."""
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, (int, float)):
        return [float(value)]
    if isinstance(value, dict):
        if "series" in value:
            return [float(v) for v in value["series"].values()]
        return [float(value[key]) for key in ("value", "min", "max") if key in value]
    return []


def shown_numbers(text: str) -> set[float]:
    # Thousands separators and thin spaces are presentation; the digits are what must match.
    compact = re.sub(r"(?<=\d)[,\u202f\u00a0\u2009 ](?=\d{3}\b)", "", text)
    return {float(n) for n in NUMBER.findall(compact)}


@pytest.fixture(params=["served", "static"])
def opened_map(request: pytest.FixtureRequest, browser: Any, live_server: LiveServer, built_site: Path) -> Iterator[Any]:
    watch = open_map(browser, page_url(request.param, live_server, built_site), request.param,
                     viewport={"width": 1280, "height": 860})
    yield watch.page
    watch.check()
    close_map(watch.page)


# Each feature's popup content rendered into the page (without panning the map to open each one): its visible text
# and its links. Works for content given as HTML, as an element, or as a function of the layer (client templates).
POPUPS_JS = """() => {
  const seen = {};
  const show = (id, content) => {
    const box = document.createElement('div');
    box.className = 'leaflet-popup-content';
    if (typeof content === 'string') box.innerHTML = content; else box.appendChild(content.cloneNode(true));
    document.body.appendChild(box);
    seen[id] = [box.innerText, Array.from(box.querySelectorAll('a')).map(a => a.getAttribute('href'))];
    box.remove();
  };
  if (window.cqAtlas && window.cqAtlas.renderPopup) {  // popups rendered in the browser
    window.cqAtlas.entries.forEach(entry => show(entry.id, window.cqAtlas.renderPopup(entry)));
    return seen;
  }
  window.cqAtlasMap.eachLayer(layer => {
    if (!layer.feature || seen[layer.feature.id] || !layer.getPopup || !layer.getPopup()) return;
    let content = layer.getPopup().getContent();
    if (typeof content === 'function') content = content(layer);
    const box = document.createElement('div');
    box.className = 'leaflet-popup-content';
    if (typeof content === 'string') box.innerHTML = content; else box.appendChild(content.cloneNode(true));
    document.body.appendChild(box);
    seen[layer.feature.id] = [box.innerText, Array.from(box.querySelectorAll('a')).map(a => a.getAttribute('href'))];
    box.remove();
  });
  return seen;
}"""


def popups(page: Any) -> dict[str, tuple[str, list[str]]]:
    return {feature_id: (text, hrefs) for feature_id, (text, hrefs) in page.evaluate(POPUPS_JS).items()}


def test_every_popup_shows_its_documented_figures_and_source_links(opened_map: Any) -> None:
    checked = 0
    shown_popups = popups(opened_map)
    for layer_id, features in raw_layers().items():
        for feature in features:
            props = feature["properties"]
            assert props["id"] in shown_popups, f"{layer_id}/{props['id']} has no popup"
            text, hrefs = shown_popups[props["id"]]
            assert props["name_en"] in text, props["id"]
            shown = shown_numbers(text)
            for name in DOCUMENTED_FIGURES:
                for number in figure_numbers(props.get(name)):
                    assert any(abs(number - seen) <= 1e-9 * max(1, abs(number)) for seen in shown), \
                        f"{layer_id}/{props['id']}: {name} = {number} not shown"
                    checked += 1
            for source in props["sources"]:
                assert source["url"] in hrefs, f"{props['id']}: source {source['url']} not linked"
    assert checked > 20  # the layers do carry figures: the loop above was not vacuous


def test_every_legend_download_link_fetches_that_layer(opened_map: Any) -> None:
    layers = raw_layers()
    legend_links = opened_map.locator("a.cq-layer-download, .cq-legend a[download]").all()
    assert len(legend_links) == len(layers)
    fetched = {}
    for link in legend_links:
        href = urljoin(opened_map.url, link.get_attribute("href"))
        if href.startswith("file:"):
            body = json.loads(Path(urlsplit(href).path).read_text(encoding="utf-8"))
        else:
            body = httpx.get(href).json()
        ids = sorted(feature["properties"]["id"] for feature in body["features"])
        fetched[tuple(ids)] = href
    assert set(fetched) == {tuple(sorted(f["properties"]["id"] for f in features)) for features in layers.values()}


def test_map_credits_openstreetmap_while_rail_lines_are_drawn(opened_map: Any) -> None:
    # ODbL: lines derived from OpenStreetMap railways must carry the credit wherever they are shown.
    credits = opened_map.locator(".leaflet-control-attribution").inner_text()
    assert "© OpenStreetMap contributors" in credits
    assert "Tianditu" in credits
