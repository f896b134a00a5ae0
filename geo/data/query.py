"""Feature selection shared by every output format: bbox (spatially indexed), kind, status, established range, text."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

from shapely.geometry import box

from geo.data.atlas import AtlasFeature, AtlasLayer
from geo.data.errors import BadRequest
from geo.data.i18n import DEFAULT_LANGUAGE, LANGUAGES, catalog
from geo.data.schema import STATUSES
from geo.data.text_search import fold, query_words
from geo.data.text_search import matches as matches_words
from geo.data.year_rule import placed_year

#: The status filter's word for features that state no lifecycle status.
UNSTATED = "unstated"
# The longest text search (q) the downloads and the OGC API items take.
MAX_TEXT_LENGTH = 200
STATUS_DESCRIPTION = ("Lifecycle status(es), comma-separated: " + ", ".join(STATUSES) +
                      f"; {UNSTATED} for features that state none")
# The status parameter as parse_statuses accepts it (stated for clients and fuzzers): words from the list, commas,
# spaces around them, empty items ignored.
_STATUS_WORD = "(?:" + "|".join((*STATUSES, UNSTATED)) + ")"
STATUS_PATTERN = rf"^ *(?:{_STATUS_WORD} *)?(?:, *(?:{_STATUS_WORD} *)?)*$"


# The bbox parameter, described exactly as it is accepted (so API descriptions and fuzzers agree with the server):
# plain decimal degrees, longitudes within ±180, latitudes within ±90.
_LON = r"-?(?:180(?:\.0+)?|(?:1[0-7][0-9]|[1-9]?[0-9])(?:\.[0-9]+)?)"
_LAT = r"-?(?:90(?:\.0+)?|[1-8]?[0-9](?:\.[0-9]+)?)"
BBOX_PATTERN = rf"^{_LON},{_LAT},{_LON},{_LAT}$"
BBOX_DESCRIPTION = (
    "minx,miny,maxx,maxy in WGS 84 decimal degrees (no exponent): features intersecting the box. "
    "minx greater than maxx is a box crossing the antimeridian (OGC API – Features, 7.15.3). "
    "miny must not exceed maxy (the south edge is not north of the north edge): a box with them swapped, usually "
    "latitude written before longitude, is refused with 400 (a rule the pattern cannot state).")
BBOX_EXAMPLES = ["106.2,29.4,106.8,29.8", "-180,-90,180,90", "170,-10,-170,10"]


@dataclass(frozen=True)
class FeatureFilter:
    bbox: tuple[float, float, float, float] | None = None
    kinds: frozenset[str] | None = None
    # Lifecycle statuses (geo.data.schema.STATUSES); "unstated" selects features that state none (as the map's filter).
    statuses: frozenset[str] | None = None
    established_from: int | None = None
    established_to: int | None = None
    # Features without a documented year: left out by a year range unless asked for (as the map's year slider keeps them).
    include_undated: bool = False
    # The map's filter: the query's folded words (geo.data.text_search) and the language of the kind labels they match.
    text_words: tuple[str, ...] = ()
    text_language: str = DEFAULT_LANGUAGE
    # Features by id (a feature page's downloads of its one feature).
    ids: frozenset[str] | None = None

    @property
    def is_empty(self) -> bool:
        return self == FeatureFilter()

    def matches_attributes(self, feature: AtlasFeature) -> bool:
        props = feature.properties
        if self.ids is not None and props["id"] not in self.ids:
            return False
        if self.kinds is not None and props["kind"] not in self.kinds:
            return False
        if self.statuses is not None and (props.get("status") or UNSTATED) not in self.statuses:
            return False
        if self.text_words and not text_matches(self.text_words, self.text_language, feature):
            return False
        if self.established_from is None and self.established_to is None:
            return True
        year = placed_year(props).year  # the year the map's slider places the feature at
        if year is None:
            return self.include_undated
        return (self.established_from is None or year >= self.established_from) and (
            self.established_to is None or year <= self.established_to)


@cache
def _folded_kind_label(language: str, kind: str) -> str:
    return fold(catalog(language).get(f"kind.{kind}") or kind)


def text_matches(words: tuple[str, ...], language: str, feature: AtlasFeature) -> bool:
    """As the map's filter matches (table.js): every word of the query, in any order, in the names in three
    scripts, the id and the kind's label in ``language``, all folded alike (geo.data.text_search)."""
    return matches_words(words, feature.search_text + " " + _folded_kind_label(language, feature.properties["kind"]))


def text_language_of(words: tuple[str, ...], language: str | None) -> str:
    """The language kind labels are matched in: ``language`` where it is one of the atlas's, else English."""
    return language if words and language in LANGUAGES else DEFAULT_LANGUAGE


def bbox_numbers(parts: list[str]) -> list[float]:
    """The comma-separated parts of a ``bbox`` as numbers; a 400 for text, NaN or infinity."""
    try:
        values = [float(part) for part in parts]
    except ValueError:
        raise BadRequest("bbox values must be numbers") from None
    if not all(math.isfinite(v) for v in values):
        raise BadRequest("bbox values must be finite numbers (no NaN or infinity)")
    return values


def require_south_below_north(miny: float, maxy: float) -> None:
    """A 400 for a box whose south edge lies north of its north edge: users mostly mean lat/lon order, and such a box
    would silently select nothing (OGC API – Features, 7.15.3, asks for the lower corner first)."""
    if miny > maxy:
        raise BadRequest(f"bbox south edge miny={miny:g} is north of its north edge maxy={maxy:g}: the order is "
                         "minx,miny,maxx,maxy (longitude first); were latitude and longitude swapped?")


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """``minx,miny,maxx,maxy`` in WGS 84 degrees; a clear 400 for anything else."""
    if text is None:
        return None
    parts = text.split(",")
    if len(parts) != 4:
        raise BadRequest(f"bbox must be four comma-separated numbers minx,miny,maxx,maxy; got {len(parts)} value(s)")
    minx, miny, maxx, maxy = bbox_numbers(parts)
    if not (-180 <= minx <= 180 and -180 <= maxx <= 180):
        raise BadRequest("bbox longitudes must be within -180..180")
    if not (-90 <= miny <= 90 and -90 <= maxy <= 90):
        raise BadRequest("bbox latitudes must be within -90..90")
    if not re.fullmatch(BBOX_PATTERN, text):
        raise BadRequest("bbox values must be plain decimal numbers such as 106.2 (no exponent, no spaces)")
    require_south_below_north(miny, maxy)
    return minx, miny, maxx, maxy


def make_filter(bbox: str | None = None, kind: str | None = None, established_from: int | None = None,
                established_to: int | None = None, include_undated: bool = False, text: str | None = None,
                text_language: str | None = None, status: str | None = None, ids: str | None = None) -> FeatureFilter:
    # established_from later than established_to is an empty range: each bound is a condition, and no year
    # meets both.
    kinds = frozenset(k.strip() for k in kind.split(",") if k.strip()) if kind else None
    statuses = parse_statuses(status)
    wanted = frozenset(i.strip() for i in ids.split(",") if i.strip()) if ids else None
    year_range = established_from is not None or established_to is not None
    words = query_words(text or "")
    return FeatureFilter(parse_bbox(bbox), kinds, statuses, established_from, established_to,
                         include_undated and year_range, words, text_language_of(words, text_language), wanted)


def parse_statuses(text: str | None) -> frozenset[str] | None:
    """``status=pilot,planned``: a clear 400 naming any word that is no status."""
    if not text:
        return None
    statuses = frozenset(s.strip() for s in text.split(",") if s.strip())
    unknown = sorted(statuses - {*STATUSES, UNSTATED})
    if unknown:
        raise BadRequest(f"status must be among {', '.join((*STATUSES, UNSTATED))}; got {', '.join(unknown)[:120]}")
    return statuses


def features_in_bbox(layer: AtlasLayer, bbox: tuple[float, float, float, float]) -> tuple[AtlasFeature, ...]:
    """Features intersecting a lon/lat box, in layer order (parsing refuses a south edge north of the north edge)."""
    minx, miny, maxx, maxy = bbox
    if miny > maxy:
        return ()
    # West edge east of the east edge: the box crosses the antimeridian, i.e. two boxes either side of it.
    boxes = [box(minx, miny, maxx, maxy)] if minx <= maxx else [box(minx, miny, 180, maxy), box(-180, miny, maxx, maxy)]
    hits = {int(i) for part in boxes for i in layer.spatial_index.query(part, predicate="intersects")}
    return tuple(layer.features[i] for i in sorted(hits))


def select(layer: AtlasLayer, feature_filter: FeatureFilter) -> list[AtlasFeature]:
    """Features of ``layer`` matching the filter, in layer order."""
    if feature_filter.is_empty:
        return list(layer.features)
    if feature_filter.bbox is None:
        candidates = layer.features
    else:
        candidates = features_in_bbox(layer, feature_filter.bbox)
    return [feature for feature in candidates if feature_filter.matches_attributes(feature)]
