"""Checks on a feature's documented figures: each has a source, a registered name and a well-formed value."""

from __future__ import annotations

from collections.abc import Iterator

from geo.data.figures import check_figure
from geo.data.schema import FeatureProperties


def check_documented_figures(properties: FeatureProperties) -> Iterator[tuple[str, str]]:
    """(field, message) for every problem with the feature's documented figures; the caller adds file and id."""
    supported = {name for source in properties.sources for name in source.supports}
    for name, value in properties.documented_figures().items():
        if name not in supported:
            yield name, "documented figure has no source (list it in a source's 'supports')"
        for message in check_figure(name, value):
            yield name, message
