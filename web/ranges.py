"""Byte ranges (RFC 9110 §14): a reader that wants part of a prepared file (GDAL's /vsicurl/, DuckDB, a PMTiles
map) gets 206 with just those bytes, several ranges as multipart/byteranges, or 416 when none can be served.

A Range header that does not parse, or names a unit other than bytes, is ignored (the whole file, 200), as §14.2
allows; so is one asking for more than ``MAX_RANGES`` ranges, which no reader of these formats needs.
"""

from __future__ import annotations

import hashlib
import re

MAX_RANGES = 64
_RANGE_SPEC = re.compile(r"^(?:(\d+)-(\d*)|-(\d+))$")


class Unsatisfiable(Exception):
    """Every range starts beyond the end of the file (or asks for no bytes): 416."""


def parse_ranges(header: str | None, size: int) -> list[tuple[int, int]] | None:
    """Inclusive (first, last) byte positions the header asks for, clipped to the file; None to ignore the header.

    Raises ``Unsatisfiable`` when the header is valid but none of its ranges overlaps the file.
    """
    if header is None:
        return None
    unit, equals, range_set = header.partition("=")
    if not equals or unit.strip().lower() != "bytes":
        return None
    specs = [spec.strip() for spec in range_set.split(",")]
    specs = [spec for spec in specs if spec]  # empty list elements are allowed and skipped (§5.6.1)
    if not specs or len(specs) > MAX_RANGES:
        return None
    ranges = []
    for spec in specs:
        match = _RANGE_SPEC.match(spec)
        if match is None:
            return None
        first, last, suffix = match.groups()
        if suffix is not None:
            if int(suffix) > 0 and size > 0:
                ranges.append((max(size - int(suffix), 0), size - 1))
            continue
        start = int(first)
        if last and int(last) < start:
            return None  # an invalid range-spec makes the whole header invalid (§14.1.1)
        if start < size:
            ranges.append((start, min(int(last), size - 1) if last else size - 1))
    if not ranges:
        raise Unsatisfiable
    return ranges


def if_range_allows(header: str | None, etag: str) -> bool:
    """If-Range (§13.1.5): ranges only while the client's validator still is ours. An entity tag must match strongly;
    a date never matches here, since these responses carry no Last-Modified."""
    if header is None:
        return True
    value = header.strip()
    return not value.startswith("W/") and value == etag


def boundary_for(etag: str, ranges: list[tuple[int, int]]) -> str:
    return "cqatlas-" + hashlib.sha256(f"{etag}{ranges}".encode()).hexdigest()[:32]


def multipart(body: bytes, ranges: list[tuple[int, int]], media_type: str, boundary: str) -> bytes:
    """multipart/byteranges (§14.6): one part per range, each with its Content-Type and Content-Range."""
    size = len(body)
    parts = [f"--{boundary}\r\nContent-Type: {media_type}\r\nContent-Range: bytes {first}-{last}/{size}\r\n\r\n"
             .encode("latin-1") + body[first:last + 1] + b"\r\n" for first, last in ranges]
    return b"".join(parts) + f"--{boundary}--\r\n".encode("latin-1")


def ranged(body: bytes, media_type: str, etag: str, range_header: str | None,
           if_range: str | None) -> tuple[int, dict[str, str], bytes] | None:
    """206 or 416 with their headers and body, or None to answer with the whole file."""
    if range_header is None or not if_range_allows(if_range, etag):
        return None
    try:
        ranges = parse_ranges(range_header, len(body))
    except Unsatisfiable:
        return 416, {"Content-Range": f"bytes */{len(body)}"}, b""
    if ranges is None:
        return None
    if len(ranges) == 1:
        first, last = ranges[0]
        return 206, {"Content-Type": media_type, "Content-Range": f"bytes {first}-{last}/{len(body)}"}, \
            body[first:last + 1]
    boundary = boundary_for(etag, ranges)
    return 206, {"Content-Type": f"multipart/byteranges; boundary={boundary}"}, \
        multipart(body, ranges, media_type, boundary)
