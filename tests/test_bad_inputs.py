"""Every bad input ends in a short message and exit 1, never a traceback, through validate, build and serve."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.cli_helpers import free_port, run_cli
from tests.conftest import LAYERS_DIR, read_layer

MAX_STDERR = 8_000  # a few dozen capped messages; a 3 MB position must not come back as 3 MB

Edit = Callable[[dict[str, Any]], Any]
MARK = "@@value@@"  # where an edit puts a value; replaced by the raw text when the file is written


def figure(name: str, raw: str) -> tuple[str, Edit]:
    return raw, lambda feature: feature["properties"].__setitem__(name, MARK)


def coordinate(raw: str) -> tuple[str, Edit]:
    return raw, lambda feature: feature["geometry"].__setitem__(
        "coordinates", [MARK, feature["geometry"]["coordinates"][1]])


# Numbers that are not JSON, or not exact in JSON readers, each in its own feature, written verbatim:
# (case id, layer, feature index, (raw text, where it goes), fragments one message line must contain)
VALUE_CASES: list[tuple[str, str, int, tuple[str, Edit], tuple[str, ...]]] = [
    ("nan-figure", "bonded_zones", 0, figure("documented_area_km2", "NaN"), ("documented_area_km2", "NaN")),
    ("infinity-figure", "bonded_zones", 1, figure("documented_area_km2", "Infinity"), ("documented_area_km2", "Infinity")),
    ("minus-infinity", "bonded_zones", 2, figure("documented_area_km2", "-Infinity"), ("documented_area_km2", "-Infinity")),
    ("overflowing-exponent", "universities", 0, coordinate("1e999"), ("geometry.coordinates.0", "finite")),
    ("nan-coordinate", "universities", 1, coordinate("NaN"), ("geometry.coordinates.0", "NaN")),
    ("figure-10^19", "universities", 2, figure("national_rank", "10000000000000000000"), ("national_rank", "2^53")),
    ("5000-digit-integer", "universities", 3, figure("national_rank", "9" * 5000), ("national_rank", "2^53")),
    ("3-mb-position", "universities", 4, coordinate(",".join(["106.5"] * 400_000)), ("geometry.coordinates", "malformed")),
    ("figure-2^53+1", "rail_europe", 0, figure("trips_total", "9007199254740993"), ("trips_total", "2^53")),
    ("nested-figure-beyond-2^53", "rail_europe", 1,
     figure("trips_total", '{"value": -9007199254740993, "qualifier": "more_than"}'), ("trips_total.value", "2^53")),
    ("deep-figure", "development_zones", 0, figure("documented_area_km2", "[" * 100 + "1" + "]" * 100),
     ("documented_area_km2", "nested more than")),
]


def folder_as_layer(path: Path) -> None:
    path.unlink()
    path.mkdir()


def fifo_as_layer(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)  # reading it would wait forever for a writer


# Whole files that cannot be read as a layer: (case id, layer, how to break it, fragment of the message)
FILE_CASES: list[tuple[str, str, Callable[[Path], Any], str]] = [
    ("200000-brackets", "universities", lambda path: path.write_text("[" * 200_000), "nested too deeply"),
    ("folder-as-layer", "bonded_zones", folder_as_layer, "not a regular file"),
    ("fifo-as-layer", "rail_europe", fifo_as_layer, "not a regular file"),
    ("unreadable-file", "logistics_hubs", lambda path: path.chmod(0), "Permission denied"),
    ("not-utf8", "land_sea_corridor", lambda path: path.write_bytes(b'{"type": "\xff"}'), "not UTF-8"),
    ("empty-file", "yangtze_waterway", lambda path: path.write_text(""), "invalid JSON"),
]


def break_values(layers: Path) -> list[tuple[str, tuple[str, ...]]]:
    """Apply every value case; returns (case id, fragments including file and feature id) to look for."""
    expected = []
    for layer in sorted({case[1] for case in VALUE_CASES}):
        data = read_layer(layers, layer)
        text_parts: dict[str, str] = {}
        for case_id, case_layer, index, (raw, edit), fragments in VALUE_CASES:
            if case_layer != layer:
                continue
            feature = data["features"][index]
            placeholder = f"@@{case_id}@@"
            edit(feature)
            _replace_placeholder(feature, MARK, placeholder)
            text_parts[placeholder] = raw
            expected.append((case_id, (f"{layer}.geojson", f"[{feature['properties']['id']}]", *fragments)))
        text = json.dumps(data, ensure_ascii=False)
        for placeholder, raw in text_parts.items():
            text = text.replace(f'"{placeholder}"', raw)
        (layers / f"{layer}.geojson").write_text(text, encoding="utf-8")
    return expected


def _replace_placeholder(value: Any, old: str, new: str) -> Any:
    if isinstance(value, dict):
        for key, child in value.items():
            value[key] = _replace_placeholder(child, old, new)
    elif isinstance(value, list):
        value[:] = [_replace_placeholder(child, old, new) for child in value]
    return new if value == old else value


def break_files(layers: Path) -> list[tuple[str, tuple[str, ...]]]:
    for _, layer, breaking, _ in FILE_CASES:
        breaking(layers / f"{layer}.geojson")
    return [(case_id, (f"{layer}.geojson: ", fragment)) for case_id, layer, _, fragment in FILE_CASES]


@pytest.fixture(params=[break_values, break_files], ids=["bad-values", "bad-files"])
def broken(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, list[tuple[str, tuple[str, ...]]]]:
    layers = tmp_path / "layers"
    shutil.copytree(LAYERS_DIR, layers)
    return layers, request.param(layers)


def check_refused(result: subprocess.CompletedProcess[str], expected: list[tuple[str, tuple[str, ...]]]) -> None:
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert len(result.stderr) < MAX_STDERR, f"{len(result.stderr)} characters of messages"
    lines = result.stderr.splitlines()
    missing = [case_id for case_id, fragments in expected
               if not any(all(fragment in line for fragment in fragments) for line in lines)]
    assert not missing, f"no message for {missing} in:\n{result.stderr[-4000:]}"


def test_validate_names_every_bad_input(broken: tuple[Path, list]) -> None:
    layers, expected = broken
    check_refused(run_cli("validate", "--layers", str(layers), ordinary_user=True), expected)


def test_build_refuses_and_writes_nothing(broken: tuple[Path, list]) -> None:
    layers, expected = broken
    out = layers.parent / "out"
    check_refused(run_cli("build", "--layers", str(layers), "--out", str(out), ordinary_user=True), expected)
    assert sorted(path.name for path in layers.parent.iterdir()) == ["layers"]


def test_serve_refuses_to_start(broken: tuple[Path, list]) -> None:
    layers, expected = broken
    # A server that started anyway would run until the timeout and fail the test.
    check_refused(run_cli("serve", "--layers", str(layers), "--port", str(free_port()), ordinary_user=True,
                          timeout=90), expected)


def test_editor_files_beside_layers_are_ignored(tmp_path: Path) -> None:
    layers = tmp_path / "layers"
    shutil.copytree(LAYERS_DIR, layers)
    (layers / ".#universities.geojson").symlink_to("root@host.1234:1700000000")  # Emacs lock: a dangling link
    (layers / "universities.geojson~").write_text("{half", encoding="utf-8")
    (layers / ".universities.geojson.swp").write_bytes(b"b0VIM 9.0\x00")
    result = run_cli("validate", "--layers", str(layers))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("command", ["validate", "build", "serve"])
def test_layers_option_naming_a_file(tmp_path: Path, command: str) -> None:
    not_a_folder = tmp_path / "layers.zip"
    not_a_folder.write_bytes(b"PK\x03\x04")
    extra = {"build": ["--out", str(tmp_path / "out")], "serve": ["--port", str(free_port())]}.get(command, [])
    result = run_cli(command, "--layers", str(not_a_folder), *extra, timeout=90)
    check_refused(result, [("layers-path-is-a-file", ("layers.zip", "is not a folder"))])
    assert sorted(path.name for path in tmp_path.iterdir()) == ["layers.zip"]


# --- derive: inputs name registered layers and existing features; every problem ends in a message ---

def _edit_inputs(layers: Path, file: str, old: str, new: str) -> None:
    path = layers / "derivation" / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


FIRST_ROUTE = 'layer = "rail_europe"\nid = "chongqing-xinjiang-europe-railway"'
DERIVE_CASES = [
    # (case, file, old text, new text, fragments of the message: file, item, field, reason)
    ("layer-outside", "routes.toml", FIRST_ROUTE, 'layer = "../outside"\nid = "chongqing-xinjiang-europe-railway"',
     ("routes.toml", "chongqing-xinjiang-europe-railway", "layer", "'../outside' is not a layer")),
    ("longitude-999", "routes.toml", "lon = 106.366", "lon = 999",
     ("routes.toml", "chongqing-xinjiang-europe-railway", "waypoints.0.lon", "less than or equal to 180")),
    ("unknown-feature", "routes.toml", 'id = "chongqing-xinjiang-europe-railway"', 'id = "no-such-route"',
     ("routes.toml", "no-such-route", "id", "no feature 'no-such-route' in rail_europe.geojson")),
    ("unknown-district", "places.toml", 'districts = ["yubei-district", "jiangbei-district"]',
     'districts = ["atlantis-district"]', ("places.toml", "ftz-liangjiang-area", "districts", "atlantis-district")),
    ("missing-field", "routes.toml", 'lat = 29.64, source = "logistics_hubs', 'source = "logistics_hubs',
     ("routes.toml", "chongqing-xinjiang-europe-railway", "waypoints.0.lat", "Field required")),
]


@pytest.mark.parametrize("case", DERIVE_CASES, ids=[case[0] for case in DERIVE_CASES])
def test_derive_names_the_bad_input_and_writes_nothing(tmp_path: Path, case: tuple) -> None:
    _, file, old, new, fragments = case
    layers = tmp_path / "layers"
    shutil.copytree(LAYERS_DIR, layers)
    outside = tmp_path / "outside.geojson"
    outside.write_text('{"mine": true}', encoding="utf-8")
    _edit_inputs(layers, file, old, new)
    before = {path.name: path.read_bytes() for path in layers.glob("*.geojson")}
    result = run_cli("derive", "--layers", str(layers))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert any(all(fragment in line for fragment in fragments) for line in result.stderr.splitlines()), result.stderr
    assert outside.read_text(encoding="utf-8") == '{"mine": true}'
    assert {path.name: path.read_bytes() for path in layers.glob("*.geojson")} == before
    assert sorted(path.name for path in layers.iterdir() if path.name.startswith(".")) == []


def test_derive_with_a_truncated_routes_file_names_it(tmp_path: Path) -> None:
    layers = tmp_path / "layers"
    shutil.copytree(LAYERS_DIR, layers)
    routes = layers / "derivation" / "routes.toml"
    routes.write_text(routes.read_text(encoding="utf-8")[:1500], encoding="utf-8")
    result = run_cli("derive", "--layers", str(layers))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "routes.toml: is not valid TOML" in result.stderr and "line" in result.stderr


def test_serve_on_a_port_in_use_fails_with_address_in_use(server_process: str) -> None:
    port = server_process.rsplit(":", 1)[1]
    result = run_cli("serve", "--port", port, "--workers", "1", timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert f"--port {port}: address in use" in result.stderr


@pytest.mark.parametrize(("host", "reason"), [("999.1.1.1", "not a valid address"),
                                              ("192.0.2.1", "not an address of this machine")])
def test_serve_on_a_bad_host_names_it(host: str, reason: str) -> None:
    result = run_cli("serve", "--host", host, "--port", str(free_port()), "--workers", "1", timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert f"--host {host}: {reason}" in result.stderr
