"""The year a feature is placed at on the map's year slider (and in downloads filtered by year), and the rule giving it.

1. ``established``: the feature's documented opening year.
2. ``series``: without one, the first year of the feature's own documented by-year figures — it was in service by
   then (figures about a whole network it belongs to, named ``network_*``, say nothing of the feature's own start).
3. ``none``: no documented year; the slider shows the feature at every year.

The map applies the same rule (``yearRule`` in ``geo/map/static/cqatlas/time.js``), so downloads hold what it draws.
"""

from __future__ import annotations

from typing import Any, NamedTuple

NETWORK_FIGURE_PREFIX = "network_"


class PlacedYear(NamedTuple):
    year: int | None
    rule: str  # "established", "series" or "none"
    figure: str | None = None  # the series a "series" year comes from


def placed_year(properties: dict[str, Any]) -> PlacedYear:
    established = properties.get("established")
    if isinstance(established, int):
        return PlacedYear(established, "established")
    first: PlacedYear | None = None
    for name, value in properties.items():
        if name.startswith(NETWORK_FIGURE_PREFIX) or not isinstance(value, dict) or "series" not in value:
            continue
        for key in value["series"]:
            if key.isdigit() and (first is None or int(key) < first.year):
                first = PlacedYear(int(key), "series", name)
    return first or PlacedYear(None, "none")
