"""What the panel says about where features stand and how current the data is, computed when the page is built.

Statuses come from the features (``status``, geo.data.schema.STATUSES); currency from geo.data.freshness: the newest
date a figure speaks for, and how many features carry a figure more than two years older than that.
"""

from __future__ import annotations

from typing import Any

from geo.data.atlas import Atlas
from geo.data.freshness import atlas_freshness, newest_date
from geo.data.schema import STATUSES

# "Older than two years": a figure whose latest year lies more than this many years before the year the data is
# current to (current to 2026: figures whose latest year is 2023 or earlier).
OLDER_THAN_YEARS = 2
# How each status is drawn: operating as every feature is drawn (no entry); the others dashed, points hollow.
STATUS_DASHES: dict[str, str] = {"pilot": "8 5", "under_construction": "12 4 3 4", "planned": "2 5",
                                 "suspended": "1 7"}


def statuses_present(atlas: Atlas) -> list[dict[str, Any]]:
    """Each status some feature states, in lifecycle order, with its count and dash pattern (legend and filter)."""
    counts: dict[str, int] = {}
    for feature in atlas.features():
        status = feature.properties.get("status")
        if status:
            counts[status] = counts.get(status, 0) + 1
    return [{"status": status, "count": counts[status], "dash": STATUS_DASHES.get(status)}
            for status in STATUSES if status in counts]


def currency(atlas: Atlas) -> dict[str, Any] | None:
    """What the data is current to and how many features carry a figure older than two years before it."""
    current_to = newest_date(atlas)
    if current_to is None:
        return None
    before = int(current_to[:4]) - OLDER_THAN_YEARS  # figures whose latest year is earlier than this are older
    older = {(entry.layer, entry.feature_id) for entry in atlas_freshness(atlas)
             if entry.year is not None and not entry.is_plan and entry.year < before}
    return {"current_to": current_to, "older_before": before, "older_count": len(older)}
