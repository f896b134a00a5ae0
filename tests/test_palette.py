"""The map's colours, checked with a colour-science library (coloraide) rather than by eye: every symbol stands out
from the base map (WCAG 2.1 non-text contrast), and symbols that can be confused on the map differ for viewers
with protanopia and deuteranopia too, by colour or else by dash pattern or marker shape."""

from __future__ import annotations

from itertools import combinations

import pytest
from coloraide import Color

from geo.data.atlas import Atlas
from geo.data.registry import KindStyle

# The offline base the symbols are drawn on (geo/map/static/cqatlas/base.js and atlas.css): land and sea.
BACKGROUNDS = {"land": "#f8f8f6", "sea": "#d7e3ec"}
VISIONS = (None, "protan", "deutan")  # normal vision and the two common colour-vision deficiencies
MIN_CONTRAST = 3.0  # WCAG 2.1 SC 1.4.11, graphical objects
MIN_DELTA_E = 10.0  # CIEDE2000: clearly different categories, not just a noticeable difference


def seen(color: Color, vision: str | None) -> Color:
    return color.filter(vision) if vision else color


def shown_colors(style: KindStyle, geometry: str) -> list[Color]:
    """What the eye gets: a line's stroke; an area's fill blended onto the land and its outline; a marker's fill
    and outline."""
    if geometry == "line":
        return [Color(style.color)]
    fill = Color(style.fill_color or style.color)
    if geometry == "area":
        fill = Color.mix(Color(BACKGROUNDS["land"]), fill, style.fill_opacity, space="srgb")
    return [fill, Color(style.color)]


def worst_difference(a: KindStyle, b: KindStyle, geometry: str) -> float:
    """The smallest, over normal and deficient vision, of the largest colour difference between two symbols."""
    return min(max(seen(x, vision).delta_e(seen(y, vision), method="2000")
                   for x, y in zip(shown_colors(a, geometry), shown_colors(b, geometry))) for vision in VISIONS)


def drawn_symbols(atlas: Atlas) -> list[tuple[str, str, KindStyle, str]]:
    """(layer, kind, style, geometry) for every kind as it is actually drawn."""
    classes = {"Polygon": "area", "MultiPolygon": "area", "LineString": "line", "MultiLineString": "line", "Point": "point"}
    symbols = set()
    for layer in atlas.layers:
        for feature in layer.features:
            symbols.add((layer.spec.id, feature.properties["kind"], classes[feature.geometry.geom_type]))
    return [(layer_id, kind, atlas.layer(layer_id).spec.kinds[kind], geometry) for layer_id, kind, geometry in sorted(symbols)]


def test_every_symbol_outline_contrasts_with_the_base_map(atlas: Atlas) -> None:
    low = [(layer, kind, background, round(Color(style.color).contrast(color, method="wcag21"), 2))
           for layer, kind, style, _ in drawn_symbols(atlas) for background, color in BACKGROUNDS.items()
           if Color(style.color).contrast(color, method="wcag21") < MIN_CONTRAST]
    assert low == []


def confusable_pairs(atlas: Atlas) -> list[tuple]:
    """Lines are compared across all corridors and markers across all layers (they share the map); areas across
    the layers of their group (zones lie side by side in the city)."""
    pairs = []
    group = {layer.spec.id: layer.spec.group for layer in atlas.layers}
    for a, b in combinations(drawn_symbols(atlas), 2):
        geometry = a[3]
        if geometry != b[3] or (geometry == "area" and group[a[0]] != group[b[0]]):
            continue
        if geometry in ("line", "area") and a[2].dash_array != b[2].dash_array:
            continue  # told apart by the dash pattern
        if geometry == "point" and a[2].marker_shape != b[2].marker_shape:
            continue  # told apart by the marker's shape
        pairs.append((a, b, geometry))
    return pairs


def test_symbols_that_share_the_map_differ_for_common_colour_vision_deficiencies(atlas: Atlas) -> None:
    pairs = confusable_pairs(atlas)
    assert pairs, "nothing compared"
    close = [(a[1], b[1], round(worst_difference(a[2], b[2], geometry), 1)) for a, b, geometry in pairs
             if worst_difference(a[2], b[2], geometry) < MIN_DELTA_E]
    assert close == []


@pytest.mark.parametrize("first,second", [("#b91c1c", "#c2410c"), ("#22c55e", "#f59e0b")])
def test_the_check_catches_red_green_and_red_orange_confusions(first: str, second: str) -> None:
    """Pairs known to merge for deuteranopes must fail the check (so a passing palette means something)."""
    a, b = KindStyle(label="a", color=first, weight=3), KindStyle(label="b", color=second, weight=3)
    assert worst_difference(a, b, "line") < MIN_DELTA_E
