"""Popups show the four figure shapes as a reader expects: qualifiers in words, ranges, series as a small table."""

from __future__ import annotations

import re
from html import unescape

from geo.atlas import Atlas
from geo.popup import popup_html


def popup_text(atlas: Atlas, layer_id: str, feature_id: str) -> tuple[str, str]:
    layer = atlas.layer(layer_id)
    feature = next(f for f in layer.features if f.id == feature_id)
    html = popup_html(layer.spec, feature.properties, f"/api/layers/{layer_id}.geojson")
    text = unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))
    return html, text


def test_rail_popup_words_ranges_qualifiers_and_series(atlas: Atlas) -> None:
    html, text = popup_text(atlas, "rail_europe", "chongqing-xinjiang-europe-railway")
    # The report: 15 to 20 days by rail against 45 by sea; nearly 16 thousand trips; more than 530 billion yuan.
    assert "Transit time by rail 15–20 days" in text
    assert "Transit time by sea, for comparison 45 days" in text
    assert "about 16,000 trips (as of 2024-06)" in text
    assert "more than 530 billion CNY" in text
    # Trips a year as a table: 1,702 in 2016 and 17,000 in 2023.
    series = re.search(r'<table class="cq-series">(.*?)</table>', html).group(1)
    assert re.findall(r"<td>(.*?)</td>", series) == ["2016", "1,702", "2023", "17,000"]


def test_city_popup_shows_city_wide_figures(atlas: Atlas) -> None:
    _, text = popup_text(atlas, "city_profile", "chongqing-municipality")
    assert "GDP about 3,015 billion CNY (as of 2023)" in text
    assert "GDP rank among Chinese cities #5 (as of 2023)" in text
    assert "Foreign trade (imports and exports) 713.74 billion CNY (as of 2023)" in text
    assert "Fortune Global 500 companies 319 companies (as of 2023-12)" in text
