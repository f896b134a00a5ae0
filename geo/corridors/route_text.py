"""Route comparisons in the reader's language: labels, corridor and place names from the catalogs and the data.

What has a translation (mode names, place and corridor names the data gives in Chinese or Persian) is written in
the language; a name the data has only in English is shown in English and marked as such, as the map does.
Methods and source titles stay as their sources write them (English).
"""

from __future__ import annotations

import copy
from typing import Any

from geo.data.i18n import display_name, translate


def _name(thing: dict[str, Any], language: str) -> str:
    return display_name({key: thing.get(key) for key in ("name_en", "name_zh", "name_fa")}, language)


def _corridor(leg: dict[str, Any], language: str) -> str:
    return display_name({"name_en": leg["corridor_name"], "name_zh": leg.get("corridor_name_zh"),
                         "name_fa": leg.get("corridor_name_fa")}, language)


def localised_label(parts: dict[str, Any], language: str) -> str:
    """A route's label written from its parts: modes, the stops it passes, the corridor telling twins apart."""
    modes = " + ".join(translate(f"routes.mode.{mode}", language) for mode in parts["modes"])
    label = modes
    if parts["stops"]:
        stops = translate("routes.stop_separator", language).join(_name(stop, language) for stop in parts["stops"])
        label = translate("routes.label_via", language, modes=modes, stops=stops)
    if parts.get("distinguished_by"):
        label = translate("routes.label_distinct", language, label=label,
                          corridor=_name(parts["distinguished_by"], language))
    return label


def localise(result: dict[str, Any], language: str) -> dict[str, Any]:
    """A copy of a comparison with labels and names in ``language``; each place also gets its ``name`` in it."""
    out = copy.deepcopy(result)
    out["lang"] = language
    for place in (out["from"], out["to"]):
        place["name"] = _name(place, language)
    out["ranking"] = translate("routes.ranking", language)
    for route in out["alternatives"]:
        route["label"] = localised_label(route["label_parts"], language)
        for leg in route["legs"]:
            leg["corridor_name"] = _corridor(leg, language)
            for end in ("from", "to"):
                leg[end]["name"] = _name(leg[end], language)
    return out
