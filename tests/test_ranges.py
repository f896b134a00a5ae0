"""Byte ranges on prepared downloads (RFC 9110 §14): single and multiple ranges, If-Range, 206/416, Accept-Ranges,
read by GDAL's /vsicurl/ from the real server, and a fuzz of malformed Range headers."""

from __future__ import annotations

import re
from email.parser import BytesParser
from email.policy import HTTP

import httpx
import pyogrio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import LAYERS_DIR

LAYER_IDS = sorted(path.stem for path in LAYERS_DIR.glob("*.geojson"))
URL = "/api/layers/districts.gpkg"


@pytest.fixture(scope="module")
def whole(client) -> bytes:
    response = client.get(URL, headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200 and response.headers["accept-ranges"] == "bytes"
    return response.content


def test_single_ranges_as_rfc_9110_writes_them(client, whole: bytes) -> None:
    size = len(whole)
    for header, first, last in [("bytes=0-499", 0, 499), ("bytes=500-999", 500, 999), ("bytes=-500", size - 500,
                                size - 1), (f"bytes={size - 500}-", size - 500, size - 1),
                                (f"bytes=100-{size + 1000}", 100, size - 1)]:
        response = client.get(URL, headers={"Range": header, "Accept-Encoding": "gzip"})
        assert response.status_code == 206, header
        assert response.headers["content-range"] == f"bytes {first}-{last}/{size}"
        assert "content-encoding" not in response.headers  # ranges of the file itself, not of a gzip stream
        assert response.content == whole[first:last + 1]
        assert int(response.headers["content-length"]) == last - first + 1


def test_multiple_ranges_are_multipart_byteranges(client, whole: bytes) -> None:
    size = len(whole)
    response = client.get(URL, headers={"Range": "bytes=0-0,-1, 1000-1099"})
    assert response.status_code == 206
    media_type = response.headers["content-type"]
    assert media_type.startswith("multipart/byteranges; boundary=")
    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + media_type.encode() + b"\r\n\r\n"
                                                  + response.content)
    parts = [(part["Content-Range"], part.get_payload(decode=True)) for part in message.iter_parts()]
    assert parts == [(f"bytes 0-0/{size}", whole[:1]), (f"bytes {size - 1}-{size - 1}/{size}", whole[-1:]),
                     (f"bytes 1000-1099/{size}", whole[1000:1100])]


def test_unsatisfiable_is_416_with_the_size(client, whole: bytes) -> None:
    response = client.get(URL, headers={"Range": f"bytes={len(whole)}-"})
    assert response.status_code == 416 and response.headers["content-range"] == f"bytes */{len(whole)}"


def test_if_range_serves_ranges_only_for_the_current_etag(client, whole: bytes) -> None:
    etag = client.head(URL).headers["etag"]
    assert client.get(URL, headers={"Range": "bytes=0-9", "If-Range": etag}).status_code == 206
    stale = client.get(URL, headers={"Range": "bytes=0-9", "If-Range": '"not-this-one"'})
    assert stale.status_code == 200 and stale.content == whole
    weak = client.get(URL, headers={"Range": "bytes=0-9", "If-Range": "W/" + etag})
    assert weak.status_code == 200  # If-Range compares strongly
    dated = client.get(URL, headers={"Range": "bytes=0-9", "If-Range": "Sat, 29 Oct 1994 19:43:31 GMT"})
    assert dated.status_code == 200


def test_head_and_filtered_and_other_units_ignore_ranges(client, whole: bytes) -> None:
    head = client.head(URL, headers={"Range": "bytes=0-9"})
    assert head.status_code == 200 and head.headers["accept-ranges"] == "bytes"
    assert client.get(URL, headers={"Range": "items=0-9"}).status_code == 200
    filtered = client.get(URL + "?kind=district", headers={"Range": "bytes=0-9"})
    assert filtered.status_code == 206 and len(filtered.content) == 10


def _expected(header: str, size: int) -> tuple[int, list[tuple[int, int]]]:
    """An independent reading of RFC 9110 §14.1.1–14.1.2 for the fuzz."""
    unit, equals, spec_text = header.partition("=")
    if not equals or unit.strip().lower() != "bytes":
        return 200, []
    specs = [s.strip() for s in spec_text.split(",") if s.strip()]
    if not specs or len(specs) > 64:
        return 200, []
    ranges = []
    for spec in specs:
        m = re.fullmatch(r"(\d+)-(\d*)|-(\d+)", spec)
        if not m:
            return 200, []
        if m.group(3) is not None:
            if int(m.group(3)) > 0:
                ranges.append((max(0, size - int(m.group(3))), size - 1))
            continue
        first, last = int(m.group(1)), m.group(2)
        if last and int(last) < first:
            return 200, []
        if first < size:
            ranges.append((first, min(size - 1, int(last)) if last else size - 1))
    return (206, ranges) if ranges else (416, [])


_RANGE_TEXT = st.one_of(
    st.text(alphabet="bytes=0123456789-, \t;x", max_size=40),
    st.lists(st.one_of(st.tuples(st.integers(0, 400000), st.one_of(st.none(), st.integers(0, 400000))).map(
        lambda t: f"{t[0]}-{'' if t[1] is None else t[1]}"), st.integers(0, 400000).map(lambda n: f"-{n}")),
        min_size=0, max_size=5).map(lambda specs: "bytes=" + ",".join(specs)),
)


@settings(max_examples=300, deadline=None)
@given(header=_RANGE_TEXT)
def test_fuzzed_range_headers_get_the_answer_rfc_9110_gives(client, whole: bytes, header: str) -> None:
    response = client.get(URL, headers={"Range": header})
    status, ranges = _expected(header, len(whole))
    assert response.status_code == status, header
    if status == 200:
        assert response.content == whole
    elif status == 416:
        assert response.headers["content-range"] == f"bytes */{len(whole)}"
    elif len(ranges) == 1:
        first, last = ranges[0]
        assert response.content == whole[first:last + 1]
    else:
        assert response.content.count(b"Content-Range: bytes ") == len(ranges)


@pytest.mark.parametrize("layer_id", LAYER_IDS)
def test_gdal_vsicurl_opens_every_geopackage_by_url(server_process: str, layer_id: str) -> None:
    """What QGIS does with a download URL: GDAL reads the GeoPackage by ranges, which the larger layers need."""
    url = f"/vsicurl/{server_process}/api/layers/{layer_id}.gpkg"
    frame = pyogrio.read_dataframe(url)
    local = pyogrio.read_dataframe(LAYERS_DIR / f"{layer_id}.geojson")
    assert sorted(frame["id"]) == sorted(local["id"])


def test_gdal_reads_flatgeobuf_by_bbox_over_http(server_process: str) -> None:
    url = f"/vsicurl/{server_process}/api/layers/districts.fgb"
    inside = pyogrio.read_dataframe(url, bbox=(106.4, 29.4, 106.7, 29.7))
    everything = pyogrio.read_dataframe(LAYERS_DIR / "districts.geojson")
    assert 0 < len(inside) < len(everything)


def test_real_server_answers_ranges(server_process: str) -> None:
    with httpx.Client(base_url=server_process) as http:
        whole = http.get(URL, headers={"Accept-Encoding": "identity"}).content
        part = http.get(URL, headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and part.content == whole[10:20]
