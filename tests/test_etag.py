"""If-None-Match over real HTTP, as RFC 9110 §13.1.2 states it: weak comparison, lists of tags, and ``*``."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import LiveServer

# The prepared fast path (unfiltered download), the routed download (filtered) and the map page.
PATHS = ["/api/layers/universities.geojson", "/api/layers/universities.geojson?kind=university", "/"]


def conditions(etag: str) -> list[tuple[str, int]]:
    opaque = etag.removeprefix("W/")
    return [
        (opaque, 304),                                  # the same tag
        (f"W/{opaque}", 304),                           # weak comparison ignores the W/ prefix (§8.8.3.2)
        (f'"elsewhere", W/{opaque}', 304),              # any tag of the list
        (f'"a,b",, {opaque}', 304),                     # a comma inside a tag; an empty list element (§5.6.1)
        ("*", 304),                                     # any current representation
        ('W/"0000"', 200),
        (f"w/{opaque}", 200),                           # "W/" is case-sensitive
        (opaque[:-1], 200),                             # unterminated tag
        (f'"x{opaque[1:]}', 200),
    ]


@pytest.mark.parametrize("path", PATHS)
def test_if_none_match_uses_weak_comparison(live_server: LiveServer, path: str) -> None:
    with httpx.Client(base_url=live_server.url) as client:
        first = client.get(path)
        assert first.status_code == 200
        etag = first.headers["etag"]
        for header, status in conditions(etag):
            response = client.get(path, headers={"If-None-Match": header})
            assert response.status_code == status, f"If-None-Match: {header}"
            if status == 304:
                assert response.content == b"" and response.headers["etag"] == etag
            else:
                assert response.content == first.content


@pytest.mark.parametrize("path", PATHS)
def test_gzip_and_identity_bodies_have_different_strong_etags(live_server: LiveServer, path: str) -> None:
    with httpx.Client(base_url=live_server.url) as client:
        gzipped = client.get(path, headers={"Accept-Encoding": "gzip"})
        plain = client.get(path, headers={"Accept-Encoding": "identity"})
        assert gzipped.headers["content-encoding"] == "gzip" and "content-encoding" not in plain.headers
        tags = gzipped.headers["etag"], plain.headers["etag"]
        # RFC 9110 §8.8.3: a strong validator differs whenever the representation's bytes do.
        assert tags[0] != tags[1] and not any(tag.startswith("W/") for tag in tags)
        for tag in tags:  # a tag of either encoding still validates the cached copy
            for encoding, expected in (("gzip", tags[0]), ("identity", tags[1])):
                response = client.get(path, headers={"If-None-Match": tag, "Accept-Encoding": encoding})
                assert response.status_code == 304 and response.headers["etag"] == expected, (tag, encoding)
