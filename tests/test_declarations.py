"""The dataset's declarations read directly: layer extents, language negotiation, message lookup and names.

In-process and fast (no app, no layers loaded): these run against every mutant of the modules they reach.
"""

from __future__ import annotations

import pytest

from geo.data.i18n import display_name, feature_name, group_key, resolve_language, translate
from geo.data.registry import Extent
from tests.conftest import LAYERS_DIR, read_layer

BOX = Extent(name="test box", min_lon=105.0, min_lat=28.0, max_lon=110.0, max_lat=32.0)


def test_an_extent_holds_bounds_up_to_and_on_its_edges() -> None:
    assert BOX.contains((105.0, 28.0, 110.0, 32.0))  # edges are inside
    assert BOX.contains((106.0, 29.0, 107.0, 30.0))


@pytest.mark.parametrize("bounds", [
    (104.99, 29.0, 107.0, 30.0),  # west of the box
    (106.0, 27.99, 107.0, 30.0),  # south
    (106.0, 29.0, 110.01, 30.0),  # east
    (106.0, 29.0, 107.0, 32.01),  # north
    (29.0, 106.0, 30.0, 107.0),  # longitude and latitude swapped
])
def test_an_extent_refuses_bounds_beyond_any_edge(bounds: tuple[float, float, float, float]) -> None:
    assert not BOX.contains(bounds)


@pytest.mark.parametrize(("lang", "accept_language", "expected"), [
    # An explicit lang wins over the header, even when it names a language the atlas does not have.
    ("fa", "zh", "fa"),
    ("de", "zh", "en"),
    ("zh-Hans-CN", None, "zh"),
    ("fa_IR", None, "fa"),
    ("ZH-tw", None, "zh"),
    # ISO 639-2 codes older systems send: per/fas Persian, zho/chi Chinese, eng English.
    ("per", None, "fa"), ("fas", None, "fa"), ("zho", None, "zh"), ("chi", None, "zh"), ("eng", "fa", "en"),
    # Accept-Language (RFC 9110 §12.5.4): ranked by q, then by position; q=0 means "not acceptable".
    (None, "da, en-gb;q=0.8, en;q=0.7", "en"),
    (None, "fr-CH, fr;q=0.9, zh;q=0.8, fa;q=0.7, *;q=0.5", "zh"),
    (None, "en;q=0.5, zh;q=0.9", "zh"),
    (None, "fa, zh", "fa"),
    (None, "zh;q=0, fa;q=0.1", "fa"),
    (None, "zh; Q=0.2 , fa;q=0.1", "zh"),
    (None, "zh;q=high, fa;q=0.1", "fa"),  # an unreadable q counts as 0
    (None, "zh;q==1, fa;q=0.1", "fa"),
    (None, "zh;q=0", "en"),
    (None, "zh;q=1, fa", "zh"),  # no q is q=1
    (None, "zh;level=1;q=0.1, fa;q=0.5", "fa"),  # q among other parameters
    (None, "eng, zh", "en"),
    (None, "de, *, zh", "en"),  # "*" before any supported range: the default
    (None, "de, , zh-CN", "zh"),
    (None, "", "en"),
    (None, None, "en"),
])
def test_the_answer_language_follows_lang_then_accept_language(lang: str | None, accept_language: str | None,
                                                              expected: str) -> None:
    assert resolve_language(lang, accept_language) == expected


def test_only_the_first_20_ranges_and_2000_characters_of_accept_language_are_read() -> None:
    assert resolve_language(None, "de, " * 19 + "zh") == "zh"
    assert resolve_language(None, "de, " * 20 + "zh") == "en"
    assert resolve_language(None, "x" * 1994 + ", zh") == "zh"  # 1998 characters
    assert resolve_language(None, "x" * 1997 + ", zh") == "en"  # cut after its "z"


def test_messages_fill_their_placeholders_and_fall_back_to_english() -> None:
    # Texts as written in geo/data/messages/*.json.
    assert translate("name.fallback", "en", name="Cuntan Port") == "Cuntan Port (English name)"
    assert translate("name.fallback", "zh", name="Cuntan Port") == "Cuntan Port（英文名称）"
    assert translate("name.fallback", "de", name="Cuntan Port") == "Cuntan Port (English name)"
    assert translate("lang.zh") == translate("lang.zh", "en")


def test_a_name_is_shown_in_the_language_or_marked_as_english() -> None:
    hubs = {f["properties"]["id"]: f["properties"] for f in read_layer(LAYERS_DIR, "logistics_hubs")["features"]}
    cuntan, guoyuan = hubs["cuntan-port"], hubs["guoyuan-port"]  # Cuntan has no Persian name in the layer
    assert display_name(cuntan, "zh") == "寸滩港"
    assert display_name(cuntan, "en") == "Cuntan Port"
    assert display_name(cuntan, "fa") == "Cuntan Port (نام انگلیسی)"
    assert feature_name(cuntan, "fa") == ("Cuntan Port", "en")
    assert display_name(guoyuan, "fa") == "بندر گوآیوئن‌گانگ"
    assert feature_name(guoyuan, "fa") == ("بندر گوآیوئن‌گانگ", "fa")


@pytest.mark.parametrize(("group", "key"), [
    ("Hubs and institutions", "group.hubs_and_institutions"),
    ("City and regions", "group.city_and_regions"),
    ("Zones", "group.zones"),
    (" Zones & parks! ", "group.zones_parks"),  # runs of anything else become one underscore, none at the ends
])
def test_a_layer_group_names_its_catalog_key(group: str, key: str) -> None:
    assert group_key(group) == key
