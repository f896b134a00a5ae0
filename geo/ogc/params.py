"""Query parameters of OGC API – Features item requests, parsed and checked (Part 1 Core, Part 2 CRS, Part 3
Filtering), and ``q``, the atlas's text search. Unknown parameters are refused, as /req/core/query-param-unknown
asks."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone

from geo.data.atlas import AtlasFeature
from geo.ogc.crs import OutputCrs, bbox_to_storage, parse_crs
from geo.data.errors import BadRequest
from geo.data.i18n import DEFAULT_LANGUAGE
from geo.ogc.filtering import CqlFilter, parse_filter, property_queryables
from geo.data.query import (MAX_TEXT_LENGTH, bbox_numbers, require_south_below_north, text_language_of,
                            text_matches)
from geo.data.text_search import query_words

DEFAULT_LIMIT = 10
MAX_LIMIT = 1000  # the standard lets servers cap the page size; larger limits are answered with this many
ITEMS_PARAMETERS = frozenset({"bbox", "bbox-crs", "limit", "offset", "datetime", "crs", "filter", "filter-lang",
                              "filter-crs", "q", "lang", "f"})
ITEM_PARAMETERS = frozenset({"crs", "lang", "f"})
# The `f` parameter (OGC API – Features 7.8, encodings): the client's choice of JSON or HTML, over its Accept header.
FORMAT_PARAMETER = "f"
FORMAT_VALUES = ("json", "html")

_INTEGER = re.compile(r"-?[0-9]+")
_Instant = tuple[datetime | None, datetime | None]


def reject_unknown(names: set[str], allowed: frozenset[str] | set[str]) -> None:
    unknown = sorted(names - set(allowed))
    if unknown:
        raise BadRequest(f"unknown query parameter(s): {', '.join(unknown)[:200]}")


def parse_format(text: str | None) -> str | None:
    if text is None:
        return None
    if text not in FORMAT_VALUES:
        raise BadRequest(f"f must be one of {', '.join(FORMAT_VALUES)}; got {text[:40]!r}")
    return text


def parse_int(text: str | None, name: str, default: int, minimum: int, maximum: int) -> int:
    if text is None:
        return default
    # ASCII digits only: Python's int() would also read "١٢" (Arabic-Indic digits) and "1_000".
    if not _INTEGER.fullmatch(text):
        raise BadRequest(f"{name} must be an integer written in digits 0-9; got {text[:40]!r}")
    value = int(text)
    if not minimum <= value <= maximum:
        raise BadRequest(f"{name} must be between {minimum} and {maximum}")
    return value


def parse_bbox(text: str, crs: OutputCrs) -> tuple[float, float, float, float]:
    """Four (or six, with heights) numbers in the axis order of ``bbox-crs``; returned as a CRS84 box."""
    parts = text.split(",")
    if len(parts) not in (4, 6):
        raise BadRequest(f"bbox must have 4 or 6 comma-separated numbers; got {len(parts)}")
    values = bbox_numbers(parts)
    corners = (values[0], values[1], values[3], values[4]) if len(values) == 6 else tuple(values)
    if crs.is_storage:
        minx, miny, maxx, maxy = corners
        if not (-180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= 90 and -90 <= maxy <= 90):
            raise BadRequest("bbox in CRS84 must be within longitudes -180..180 and latitudes -90..90")
        require_south_below_north(miny, maxy)
    return bbox_to_storage(corners, crs)


def _instant(text: str, end: bool) -> datetime | None:
    if text in ("..", ""):
        return None
    try:
        if "T" in text or "t" in text:
            moment = datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00"))
            return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        day = date.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"datetime {text[:60]!r} is not an RFC 3339 date or date-time") from None
    return datetime.combine(day, time.max if end else time.min, timezone.utc)


def parse_datetime(text: str) -> _Instant:
    """An instant, or an interval ``start/end`` with ``..`` for an open end (Part 1, /req/core/fc-time-definition)."""
    if "/" in text:
        start_text, _, end_text = text.partition("/")
        start, end = _instant(start_text, False), _instant(end_text, True)
        if start is None and end is None:
            raise BadRequest("datetime interval must have at least one end")
        if start and end and start > end:
            raise BadRequest("datetime interval starts after it ends")
        return start, end
    return _instant(text, False), _instant(text, True)


def established_overlaps(feature: AtlasFeature, interval: _Instant) -> bool:
    """The feature's temporal extent is the year it was established; features without one are always included."""
    year = feature.properties.get("established")
    if year is None:
        return True
    first = datetime(year, 1, 1, tzinfo=timezone.utc)
    last = datetime.combine(date(year, 12, 31), time.max, timezone.utc)
    start, end = interval
    return (end is None or first <= end) and (start is None or last >= start)


def _equality_value(name: str, text: str) -> object:
    kind = property_queryables()[name]["type"]
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            return float(text)
    except ValueError:
        raise BadRequest(f"{name} must be a {kind}; got {text[:40]!r}") from None
    if kind == "boolean":
        if text not in ("true", "false"):
            raise BadRequest(f"{name} must be true or false")
        return text == "true"
    return text


@dataclass(frozen=True)
class ItemsQuery:
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    crs: OutputCrs = field(default_factory=lambda: parse_crs(None, "crs"))
    bbox: tuple[float, float, float, float] | None = None
    interval: _Instant | None = None
    cql: CqlFilter | None = None
    equals: tuple[tuple[str, object], ...] = ()
    # q: the folded words every one of which the feature's names, id or kind label (in text_language) holds, as the
    # map's search and the downloads' q= match (geo.data.query.text_matches).
    text_words: tuple[str, ...] = ()
    text_language: str = DEFAULT_LANGUAGE
    # Parameters echoed into paging links (everything but limit and offset), in the order given.
    echo: tuple[tuple[str, str], ...] = ()

    def matches(self, feature: AtlasFeature) -> bool:
        if self.interval is not None and not established_overlaps(feature, self.interval):
            return False
        if any(feature.properties.get(name) != value for name, value in self.equals):
            return False
        if self.text_words and not text_matches(self.text_words, self.text_language, feature):
            return False
        return self.cql is None or self.cql.matches(feature)


def parse_items_query(params: Mapping[str, str], max_limit: int = MAX_LIMIT) -> ItemsQuery:
    """Every parameter of ``/collections/{id}/items``; a queryable given as a parameter filters by equality."""
    queryables = property_queryables()
    reject_unknown(set(params), ITEMS_PARAMETERS | set(queryables))
    bbox_crs = parse_crs(params.get("bbox-crs"), "bbox-crs")
    if "bbox-crs" in params and "bbox" not in params:
        raise BadRequest("bbox-crs is only meaningful with bbox")
    cql = None
    if "filter" in params:
        cql = parse_filter(params["filter"], params.get("filter-lang"), parse_crs(params.get("filter-crs"), "filter-crs"))
    elif "filter-lang" in params or "filter-crs" in params:
        raise BadRequest("filter-lang and filter-crs are only meaningful with filter")
    words = parse_text(params.get("q"))
    return ItemsQuery(
        limit=min(parse_int(params.get("limit"), "limit", DEFAULT_LIMIT, 1, 10_000), max_limit),
        offset=parse_int(params.get("offset"), "offset", 0, 0, 10_000_000),
        crs=parse_crs(params.get("crs"), "crs"),
        bbox=parse_bbox(params["bbox"], bbox_crs) if "bbox" in params else None,
        interval=parse_datetime(params["datetime"]) if "datetime" in params else None,
        cql=cql,
        equals=tuple((name, _equality_value(name, value)) for name, value in params.items() if name in queryables),
        text_words=words,
        text_language=text_language_of(words, params.get("lang")),
        echo=tuple((name, value) for name, value in params.items() if name not in ("limit", "offset")),
    )


def parse_text(text: str | None) -> tuple[str, ...]:
    """``q``: its folded words (none for text of only spaces and punctuation)."""
    if text is None:
        return ()
    if len(text) > MAX_TEXT_LENGTH:
        raise BadRequest(f"q is longer than {MAX_TEXT_LENGTH} characters")
    return query_words(text)


def parse_item_query(params: Mapping[str, str]) -> OutputCrs:
    reject_unknown(set(params), ITEM_PARAMETERS)
    return parse_crs(params.get("crs"), "crs")
