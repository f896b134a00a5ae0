"""'Chongqing at a glance': the city-wide figures of the ``city_profile`` layer, each with its sources."""

from __future__ import annotations

from typing import Any

from geo.data.atlas import Atlas
from geo.data.figures_read import figure
from geo.data.schema import DOCUMENTED_FIGURES

CITY_FEATURE_ID = "chongqing-municipality"
# Shown first on the card (those the feature carries, in this order); the rest fold under "all figures".
KEY_FIGURES = ("population_mn", "gdp_bn_cny", "gdp_national_rank", "gdp_growth_pct", "foreign_trade_bn_cny",
               "vehicle_production_mn", "vehicles_exported_count", "smartphone_production_mn", "world_laptop_share_pct",
               "fortune500_count", "documented_area_km2")


def city_glance(atlas: Atlas) -> dict[str, Any] | None:
    """Every documented figure of the municipality feature (registry order, then series), or None if absent."""
    feature = next((f for f in atlas.features() if f.id == CITY_FEATURE_ID), None)
    if feature is None:
        return None
    names = [name for name in DOCUMENTED_FIGURES if feature.properties.get(name) is not None]
    names += [name for name in feature.properties if name.endswith("_by_year") and name not in names
              and feature.properties.get(name) is not None]
    figures = [fig for fig in (figure(feature, name) for name in names) if fig is not None]
    key = [name for name in KEY_FIGURES if name in names] or names[:8]
    return {"id": feature.id, "name_en": feature.properties["name_en"], "name_zh": feature.properties["name_zh"],
            "name_fa": feature.properties.get("name_fa"),
            "key_figures": key, "figures": figures}
