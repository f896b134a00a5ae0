"""Property-based fuzzing: the API against its own OpenAPI spec (no 5xx, responses match declared schemas), and
hostile CQL2 filters against the real server, which must answer every one and stay up."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from schemathesis.checks import positive_data_acceptance
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.conftest import ServerProcess


@pytest.fixture(scope="module")
def api_schema(app: Any) -> Any:
    # The session's app: every request here only reads, and a second app would publish the same layers again.
    return schemathesis.openapi.from_asgi("/openapi.json", app)


# Read from the fixture when the test runs, not while collecting: every test process collects every file, and the
# spec's generated cases would otherwise be worked out in each of them.
schema = schemathesis.pytest.from_fixture("api_schema")


CRS84_NAMES = {None, "http://www.opengis.net/def/crs/OGC/1.3/CRS84", "[OGC:CRS84]"}


def _corners_out_of_order(query: dict[str, Any] | None) -> bool:
    """A bbox whose lower corner is not below its upper corner: south above north, or (in a bbox-crs other than
    CRS84, where no box crosses the antimeridian) any minimum above its maximum. The server refuses it with 400, as
    the parameter descriptions say; JSON Schema compares no two values of one parameter, so the schema cannot."""
    bbox = (query or {}).get("bbox")
    if bbox is None:
        return False
    try:
        values = [float(v) for v in (bbox.split(",") if isinstance(bbox, str) else bbox)]
    except (TypeError, ValueError):
        return False
    if len(values) not in (4, 6):
        return False
    half = len(values) // 2
    lower, upper = values[:half], values[half:]
    bbox_crs = (query or {}).get("bbox-crs")
    in_crs84 = bbox_crs is None or (isinstance(bbox_crs, str) and bbox_crs in CRS84_NAMES)
    axes = [1] if in_crs84 else [0, 1]  # in CRS84 the y axis; minx above maxx is a box across the antimeridian
    return any(lower[axis] > upper[axis] for axis in axes)


# Parameters whose grammar no JSON Schema states: a CQL2 expression over the collection's queryables, an RFC 3339
# instant or interval (a real calendar date, start before end). Their refusals are tested case by case (test_ogc.py);
# here a request carrying one must still get a declared, schema-conforming answer and never a 5xx.
GRAMMAR_PARAMETERS = ("filter", "datetime")


@schema.parametrize()
# The same examples on every run: a failure seen anywhere reproduces here, and a run's verdict does not hang on a draw.
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_openapi_spec(case: schemathesis.Case) -> None:
    # Every check, positive data acceptance included: whatever the spec calls valid (bbox, the `layers` list of
    # served ids, both route ends) must be answered 2xx or an honest 404 — except boxes whose corners are out of
    # order, the one bbox rule a pattern or schema cannot state (described in words, refused with 400), and requests
    # carrying a parameter with a grammar of its own, which may be refused with 400 as their descriptions say.
    assume(not _corners_out_of_order(case.query))
    with_grammar = any(name in (case.query or {}) for name in GRAMMAR_PARAMETERS)
    case.call_and_validate(excluded_checks=[positive_data_acceptance] if with_grammar else None)


# --- CQL2 filters against the real server: the parser runs in a bounded child process, the worker never falls ---

ITEMS = "/ogc/collections/development_zones/items"


def _nested_json(depth: int) -> str:
    node: Any = {"op": "=", "args": [{"property": "length_km"}, 1]}
    for _ in range(depth):
        node = {"op": "not", "args": [node]}
    return json.dumps(node)


# Each of these killed a worker (stack overflow in the parser), held gigabytes, or passed every bound before.
HOSTILE_FILTERS = [
    ("length_km = " + "-" * 5000 + "1", "cql2-text"),
    ("NOT " * 150 + "length_km = 1", "cql2-text"),
    ("NOT " * 300 + "length_km = 1", "cql2-text"),
    ("length_km = " + "+".join(["1"] * 400), "cql2-text"),
    ("(" * 5000 + "length_km = 1", "cql2-text"),
    (_nested_json(62), "cql2-json"),
]


@pytest.fixture(scope="module")
def served() -> Iterator[ServerProcess]:
    with ServerProcess("--workers", "1") as server:
        yield server


def _ask(server: ServerProcess, text: str, lang: str) -> httpx.Response:
    # A crashed worker shows as a closed connection (httpx raises), a runaway as a timeout.
    return httpx.get(server.url + ITEMS, params={"filter": text, "filter-lang": lang}, timeout=15)


def _assert_worker_never_replaced(server: ServerProcess) -> None:
    assert server.log.read_text().count("Spawning worker") == 1, "a worker died and was respawned"
    normal = httpx.get(server.url + ITEMS, params={"filter": "established >= 2010"}, timeout=15)
    assert normal.status_code == 200 and normal.json()["features"]


@pytest.mark.parametrize(("text", "lang"), HOSTILE_FILTERS, ids=lambda value: str(value)[:24])
def test_filters_that_broke_the_parser_get_a_quick_400(served: ServerProcess, text: str, lang: str) -> None:
    started = time.monotonic()
    response = _ask(served, text, lang)
    assert time.monotonic() - started < 10
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"code", "description"} and body["code"] == "InvalidParameterValue"
    _assert_worker_never_replaced(served)


_CORES = st.sampled_from(["length_km = 1", "established > 2000", "name_en LIKE 'a%'", "1", "length_km", "'x'",
                          "S_INTERSECTS(geometry, POINT(-106.5 -29.5))", ")", ""])
_TEXT_FILTERS = st.recursive(_CORES, lambda inner: st.one_of(
    inner.map(lambda x: f"NOT {x}"), inner.map(lambda x: f"({x})"), inner.map(lambda x: f"-{x}"),
    st.tuples(inner, st.sampled_from([" AND ", " OR ", "+", " - ", "*", " = ", " < "]), inner).map("".join)),
    max_leaves=40)
_CHAINS = st.builds(lambda prefix, count, core: prefix * count + core,
                    st.sampled_from(["NOT ", "-", "- ", "+", "(", "NOT(", "1+", "1 +", "length_km = 1 AND "]),
                    # Up to about 50 kB once URL-encoded: httpx refuses to send a query over 64 KiB.
                    st.integers(0, 2500), _CORES)
_TOKEN_SOUP = st.lists(st.sampled_from(["NOT", "AND", "OR", "(", ")", "-", "+", "=", "1", "length_km", "'a'", ",",
                                        "IN", "BETWEEN", "LIKE", "IS", "NULL", "POINT", "CASEI", "[", "]"]),
                       max_size=600).map(" ".join)


@given(st.one_of(_TEXT_FILTERS.map(lambda t: (t, "cql2-text")), _CHAINS.map(lambda t: (t, "cql2-text")),
                 _TOKEN_SOUP.map(lambda t: (t, "cql2-text")), st.integers(0, 400).map(lambda n: (_nested_json(n),
                                                                                                 "cql2-json"))))
@settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_generated_deep_and_long_filters_are_answered(served: ServerProcess, case: tuple[str, str]) -> None:
    response = _ask(served, *case)
    # 414: the server's own limit on a request line, answered before any parsing.
    assert response.status_code in (200, 400, 414), response.text[:200]
    if response.status_code == 400:
        assert set(response.json()) == {"code", "description"}


def test_server_stayed_up_through_the_fuzzing(served: ServerProcess) -> None:
    _assert_worker_never_replaced(served)
