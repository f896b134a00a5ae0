"""How current each documented figure is: the latest date it speaks for, and the sources behind it.

A series speaks for its latest year; a qualified value or range for its ``as_of``; a plain number for the feature's
``figures_as_of``. Figures with none of these (a constant such as a district count, an undated target) are undated.
Where no later figure was found, the feature says so in ``figure_notes`` under the figure's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from geo.data.atlas import Atlas, AtlasFeature
from geo.data.figures import shape_of
from geo.data.schema import DOCUMENTED_FIGURES

# Targets and forecasts speak for a future year: they say what is planned, not how current the data is.
PLAN_WORDS = ("target", "forecast")


@dataclass(frozen=True)
class FigureFreshness:
    layer: str
    feature_id: str
    name: str
    latest: str | None  # YYYY, YYYY-MM or YYYY-MM-DD; None where undated
    is_series: bool
    sources: tuple[str, ...]  # source titles
    note: str | None  # the feature's note on this figure (e.g. that no later figure was found)

    @property
    def is_plan(self) -> bool:
        return any(word in self.name for word in PLAN_WORDS)

    @property
    def year(self) -> int | None:
        return int(self.latest[:4]) if self.latest else None


def latest_date(value: Any, figures_as_of: str | None) -> str | None:
    """The date a figure value speaks for (the latest year of a series)."""
    shape = shape_of(value)
    if shape == "series":
        return max(value["series"])
    if shape in ("qualified", "range"):
        return value.get("as_of") or figures_as_of
    return figures_as_of if shape == "number" else None


def feature_freshness(feature: AtlasFeature) -> list[FigureFreshness]:
    props = feature.properties
    notes = props.get("figure_notes") or {}
    found = []
    for name in DOCUMENTED_FIGURES:
        value = props.get(name)
        if value is None:
            continue
        titles = tuple(s["title"] for s in props.get("sources") or [] if name in (s.get("supports") or []))
        found.append(FigureFreshness(feature.layer_id, feature.id, name, latest_date(value, props.get("figures_as_of")),
                                     shape_of(value) == "series", titles, notes.get(name)))
    return found


def atlas_freshness(atlas: Atlas) -> list[FigureFreshness]:
    """Every documented figure of the atlas, oldest first (undated ones last), then by layer, feature and name."""
    every = [entry for feature in atlas.features() for entry in feature_freshness(feature)]
    return sorted(every, key=lambda e: (e.latest is None, e.latest or "", e.layer, e.feature_id, e.name))


def newest_date(atlas: Atlas) -> str | None:
    """What the data is current to: the newest date any figure speaks for (targets and forecasts aside)."""
    dates = [entry.latest for entry in atlas_freshness(atlas) if entry.latest and not entry.is_plan]
    return max(dates) if dates else None
