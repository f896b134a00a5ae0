"""'Chongqing at a glance', the map's card of city-wide figures, read in-process against the city_profile layer file
(fast: these run against every mutant of geo/map/city_glance.py). The card in the page is checked in Chromium."""

from __future__ import annotations

from geo.data.atlas import Atlas
from geo.data.schema import DOCUMENTED_FIGURES
from geo.map.city_glance import city_glance
from tests.conftest import LAYERS_DIR, read_layer


def test_the_card_holds_every_figure_of_the_municipality_and_leads_with_the_key_ones(atlas: Atlas) -> None:
    municipality = next(f["properties"] for f in read_layer(LAYERS_DIR, "city_profile")["features"]
                        if f["properties"]["id"] == "chongqing-municipality")
    card = city_glance(atlas)
    assert (card["id"], card["name_en"], card["name_zh"], card["name_fa"]) == (
        "chongqing-municipality", municipality["name_en"], municipality["name_zh"], municipality["name_fa"])
    # The card's key figures, in the card's order, as the municipality carries them all.
    assert card["key_figures"] == [
        "population_mn", "gdp_bn_cny", "gdp_national_rank", "gdp_growth_pct", "foreign_trade_bn_cny",
        "vehicle_production_mn", "vehicles_exported_count", "smartphone_production_mn", "world_laptop_share_pct",
        "fortune500_count", "documented_area_km2"]
    # Every documented figure the layer gives it, each once, in the registry's order.
    assert [fig["name"] for fig in card["figures"]] == [name for name in DOCUMENTED_FIGURES if name in municipality]
    assert any(name.endswith("_by_year") for name in municipality)
