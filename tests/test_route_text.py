"""A route comparison written in the reader's language: labels from the catalogs, names from the data, English names
marked as such. Read in-process on a comparison written out here (its names as the layers give them), so it is fast:
these run against every mutant of geo/corridors/route_text.py. The panel's own wording is checked in Chromium by
tests/test_routes_in_languages.py."""

from __future__ import annotations

import copy
from typing import Any

from geo.corridors.route_text import localise, localised_label

CHONGQING = {"id": "chongqing", "name_en": "Chongqing", "name_zh": "重庆", "name_fa": "چونگ\u200cچینگ"}
QINZHOU = {"id": "qinzhou-port", "name_en": "Qinzhou Port", "name_zh": "钦州港", "name_fa": None}
SINGAPORE = {"id": "singapore", "name_en": "Singapore", "name_zh": "新加坡", "name_fa": "سنگاپور"}
XINJIANG_EUROPE = {"name_en": "Chongqing–Xinjiang–Europe Railway (China–Europe Railway Express)",
                   "name_zh": "中欧班列（渝新欧）", "name_fa": "راه‌آهن چونگ‌چینگ-شین‌جیانگ-اروپا"}
REFERENCE_SEA_ROUTE = {"name_en": "Reference sea route", "name_zh": None, "name_fa": None}  # English only
VIA_SINGAPORE = {"modes": ["rail", "sea"], "stops": [QINZHOU, SINGAPORE], "distinguished_by": None}
TWIN = {"modes": ["rail"], "stops": [], "distinguished_by": XINJIANG_EUROPE}
# Catalog texts (geo/data/messages/*.json): "{modes} via {stops}", "{modes}，经{stops}", "{modes} از راه {stops}";
# "{label} ({corridor})", "{label}（{corridor}）", "{label}، {corridor}"; a name only in English: "{name} (نام انگلیسی)".
FA_ENGLISH = " (نام انگلیسی)"


def test_a_route_label_joins_its_modes_and_stops_in_the_language() -> None:
    assert localised_label(VIA_SINGAPORE, "en") == "rail + sea via Qinzhou Port, Singapore"
    assert localised_label(VIA_SINGAPORE, "zh") == "铁路 + 海运，经钦州港、新加坡"
    assert localised_label(VIA_SINGAPORE, "fa") == f"ریلی + دریایی از راه Qinzhou Port{FA_ENGLISH}، سنگاپور"
    assert localised_label({"modes": ["river"], "stops": [], "distinguished_by": None}, "zh") == "内河"
    assert localised_label({"modes": ["rail_road"], "stops": []}, "en") == "rail/road"


def test_a_route_told_apart_from_its_twin_names_its_corridor() -> None:
    assert localised_label(TWIN, "en") == "rail (Chongqing–Xinjiang–Europe Railway (China–Europe Railway Express))"
    assert localised_label(TWIN, "zh") == "铁路（中欧班列（渝新欧））"
    assert localised_label(TWIN, "fa") == "ریلی، راه‌آهن چونگ‌چینگ-شین‌جیانگ-اروپا"
    both = {**VIA_SINGAPORE, "distinguished_by": XINJIANG_EUROPE}
    assert localised_label(both, "zh") == "铁路 + 海运，经钦州港、新加坡（中欧班列（渝新欧））"


def _leg(start: dict[str, Any], end: dict[str, Any], corridor: dict[str, Any]) -> dict[str, Any]:
    return {"corridor_name": corridor["name_en"], "corridor_name_zh": corridor["name_zh"],
            "corridor_name_fa": corridor["name_fa"], "from": dict(start), "to": dict(end)}


def test_a_comparison_is_copied_with_every_label_and_name_in_the_language() -> None:
    comparison = {
        "from": dict(CHONGQING), "to": dict(SINGAPORE), "ranking": "shortest total distance first",
        "alternatives": [
            {"label": "rail + sea via Qinzhou Port, Singapore", "label_parts": VIA_SINGAPORE,
             "legs": [_leg(CHONGQING, QINZHOU, XINJIANG_EUROPE), _leg(QINZHOU, SINGAPORE, XINJIANG_EUROPE)]},
            {"label": "rail (…)", "label_parts": TWIN, "legs": [_leg(CHONGQING, SINGAPORE, REFERENCE_SEA_ROUTE)]},
        ],
    }
    kept = copy.deepcopy(comparison)
    chinese = localise(comparison, "zh")
    assert comparison == kept  # the comparison itself is left as it was
    assert (chinese["lang"], chinese["from"]["name"], chinese["to"]["name"], chinese["ranking"]) == (
        "zh", "重庆", "新加坡", "按总距离由短到长排列")
    assert [route["label"] for route in chinese["alternatives"]] == ["铁路 + 海运，经钦州港、新加坡", "铁路（中欧班列（渝新欧））"]
    first = chinese["alternatives"][0]["legs"]
    assert [(leg["corridor_name"], leg["from"]["name"], leg["to"]["name"]) for leg in first] == [
        ("中欧班列（渝新欧）", "重庆", "钦州港"), ("中欧班列（渝新欧）", "钦州港", "新加坡")]
    assert (chinese["alternatives"][1]["legs"][0]["corridor_name"], chinese["alternatives"][1]["legs"][0]["to"]["name"]) == (
        "Reference sea route（英文名称）", "新加坡")
    persian = localise(comparison, "fa")
    assert (persian["lang"], persian["from"]["name"], persian["ranking"]) == (
        "fa", "چونگ\u200cچینگ", "به ترتیب کوتاه‌ترین مسافت کل")
    leg = persian["alternatives"][0]["legs"][0]
    assert leg["corridor_name"] == "راه‌آهن چونگ‌چینگ-شین‌جیانگ-اروپا"
    assert leg["to"]["name"] == "Qinzhou Port" + FA_ENGLISH
