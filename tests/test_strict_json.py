"""Numbers the layer files may hold are those JSON readers keep exactly (RFC 8259 section 6; I-JSON, RFC 7493
section 2.2), read by the validator's strict JSON reader, with the exact message for each kind refused."""

from __future__ import annotations

from typing import Any

from geo.data import strict_json


def test_integers_beyond_two_to_the_53_are_refused() -> None:
    limit = 9007199254740992  # 2^53
    assert strict_json.loads(str(limit)) == limit and strict_json.loads(str(-limit)) == -limit
    for text in (str(limit + 1), str(-limit - 1), "1" + "0" * 5000):
        value = strict_json.loads(text)
        assert isinstance(value, strict_json.NotANumber) and value.text == text
        assert list(strict_json.number_problems(value, "n"))[0][1].endswith(
            "integer outside ±2^53 (9007199254740992), the range JSON readers keep exact")
    assert repr(strict_json.loads("1" + "0" * 40)) == "100000000000…(41 characters)"
    assert repr(strict_json.loads("1" + "0" * 29)) == "1" + "0" * 29
    assert strict_json.loads("1234567890123456") == 1234567890123456  # 16 digits, below 2^53


def test_floats_beyond_range_and_constants() -> None:
    assert strict_json.loads("9007199254740992.0") == 2.0**53
    assert strict_json.loads("-2.5e3") == -2500.0
    big = strict_json.loads("9007199254740994.0")
    assert isinstance(big, strict_json.NotANumber)
    assert big.reason == "number beyond ±2^53 (9007199254740992), the range JSON readers keep exact"
    assert isinstance(strict_json.loads("-9007199254740994.0"), strict_json.NotANumber)
    assert strict_json.loads("1e999").reason == "number too large to be finite"
    for constant in ("NaN", "Infinity", "-Infinity"):
        value = strict_json.loads(f"[{constant}]")[0]
        assert value.reason == f"{constant} is not a JSON number (RFC 8259 allows only finite numbers)"


def test_number_problems_name_the_path() -> None:
    data = {"a": [1, {"b": float("inf")}], "c": True, "d": 2**53 + 1, "e": -(2**53) - 1, "f": 2**53, "g": 1.5}
    assert list(strict_json.number_problems(data, "props")) == [
        ("props.a.1.b", "inf is not a JSON number"),
        ("props.d", "integer outside ±2^53 (9007199254740992), the range JSON readers keep exact"),
        ("props.e", "integer outside ±2^53 (9007199254740992), the range JSON readers keep exact")]
    assert list(strict_json.number_problems([float("nan")])) == [("0", "nan is not a JSON number")]
    # Numbers refused while reading, where they sit in the layer file.
    read = strict_json.loads('{"sources": [{"year": 2024}, {"year": NaN}], "rank": 1e999}')
    assert list(strict_json.number_problems(read, "properties")) == [
        ("properties.sources.1.year", "NaN: NaN is not a JSON number (RFC 8259 allows only finite numbers)"),
        ("properties.rank", "1e999: number too large to be finite")]


def test_nesting_is_limited_to_64_levels() -> None:
    def nested(depth: int) -> Any:
        value: Any = 1
        for _ in range(depth):
            value = [value]
        return value

    assert list(strict_json.number_problems(nested(64))) == []
    problems = list(strict_json.number_problems(nested(65)))
    assert problems == [("0" + ".0" * 63, "nested more than 64 levels deep")]
    # Too deep in one place, a bad number in the next: both are reported.
    assert list(strict_json.number_problems({"deep": nested(65), "next": float("inf")})) == [
        ("deep" + ".0" * 63, "nested more than 64 levels deep"), ("next", "inf is not a JSON number")]
