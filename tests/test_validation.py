"""Every validation rule, as a table of bad inputs and the message each must give."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from shapely.affinity import scale, translate
from shapely.geometry import mapping, shape

from geo.data.problems import Problem
from geo.data.validate import validate_layers
from tests.conftest import REPO, edit_feature, read_layer, write_layer

Edit = Callable[[dict[str, Any]], None]


def set_prop(name: str, value: Any) -> Edit:
    def edit(feature: dict[str, Any]) -> None:
        feature["properties"][name] = value
    return edit


def drop_prop(name: str) -> Edit:
    def edit(feature: dict[str, Any]) -> None:
        del feature["properties"][name]
    return edit


def set_geometry(transform: Callable[[Any], Any]) -> Edit:
    def edit(feature: dict[str, Any]) -> None:
        feature["geometry"] = json.loads(json.dumps(mapping(transform(shape(feature["geometry"])))))
    return edit


def set_raw_geometry(geometry: dict[str, Any]) -> Edit:
    def edit(feature: dict[str, Any]) -> None:
        feature["geometry"] = geometry
    return edit


def swap_lon_lat(feature: dict[str, Any]) -> None:
    def swap(coords: Any) -> Any:
        if isinstance(coords[0], (int, float)):
            return [coords[1], coords[0]]
        return [swap(part) for part in coords]
    feature["geometry"]["coordinates"] = swap(feature["geometry"]["coordinates"])


def reverse_rings(feature: dict[str, Any]) -> None:
    geometry = feature["geometry"]
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    for polygon in polygons:
        polygon[0].reverse()


def add_source_support(name: str) -> Edit:
    def edit(feature: dict[str, Any]) -> None:
        feature["properties"]["sources"][0]["supports"].append(name)
    return edit


def sourceless_figure(feature: dict[str, Any]) -> None:
    for source in feature["properties"]["sources"]:
        source["supports"] = [name for name in source["supports"] if name != "documented_area_km2"]


BOWTIE = {"type": "Polygon", "coordinates": [[[106.5, 29.5], [106.6, 29.6], [106.6, 29.5], [106.5, 29.6], [106.5, 29.5]]]}

# (case id, layer, edit, field the problem names, fragment of its message)
CASES: list[tuple[str, str, Edit, str | None, str]] = [
    ("missing-name", "bonded_zones", drop_prop("name_en"), "name_en", "Field required"),
    ("bad-slug", "universities", set_prop("id", "Chongqing University!"), "id", "kebab-case slug"),
    ("unknown-field", "universities", set_prop("a2", 3), "a2", "Extra inputs are not permitted"),
    ("kind-not-in-layer", "bonded_zones", set_prop("kind", "university"), "kind", "is not a kind of layer bonded_zones"),
    ("year-out-of-range", "bonded_zones", set_prop("established", 17), "established", "greater than or equal to 1800"),
    ("quality-not-allowed", "bonded_zones", set_prop("geometry_quality", "exact"), "geometry_quality", "'surveyed', 'traced', 'approximate' or 'schematic'"),
    ("no-sources", "universities", set_prop("sources", []), "sources", "at least 1 item"),
    ("javascript-url", "universities",
     set_prop("sources", [{"title": "Hostile", "url": "javascript:alert(1)", "supports": []}]), "sources.0.url", "URL"),
    ("figure-without-source", "bonded_zones", sourceless_figure, "documented_area_km2", "documented figure has no source"),
    ("supports-unknown", "bonded_zones", add_source_support("area_a2"), "sources.0.supports", "is not a property of the schema"),
    ("supports-absent-value", "universities", add_source_support("documented_length_km"), "sources.0.supports",
     "feature has no value for it"),
    ("wrong-geometry-type", "bonded_zones", set_raw_geometry({"type": "Point", "coordinates": [106.5, 29.5]}),
     "geometry.type", "'Point' not allowed in layer bonded_zones"),
    ("self-intersection", "bonded_zones", set_raw_geometry(BOWTIE), "geometry", "Self-intersection"),
    ("clockwise-exterior", "bonded_zones", reverse_rings, "geometry", "counter-clockwise"),
    ("swapped-lat-lon", "universities", swap_lon_lat, "geometry.coordinates", "swapped lat/lon"),
    ("latitude-beyond-90", "universities", set_raw_geometry({"type": "Point", "coordinates": [29.5, 106.5]}),
     "geometry.coordinates", "lat within ±90"),
    ("too-many-decimals", "universities", set_raw_geometry({"type": "Point", "coordinates": [106.1234567, 29.5]}),
     "geometry.coordinates", "more than 6 decimals"),
    ("outside-chongqing", "bonded_zones", set_geometry(lambda g: translate(g, xoff=10.0, yoff=10.0)), "geometry",
     "outside Chongqing municipality"),
    ("area-far-from-documented", "bonded_zones", set_geometry(lambda g: scale(g, 2.0, 2.0)), "documented_area_km2",
     "more than 30% apart"),
    ("straight-shortcut", "rail_europe",
     set_raw_geometry({"type": "LineString", "coordinates": [[106.45, 29.6], [6.76, 51.43]]}), "geometry",
     "lines must follow the real alignment"),
    ("feature-id-mismatch", "universities", lambda f: f.__setitem__("id", "something-else"), "id", "differs from properties.id"),
    ("malformed-position", "universities", set_raw_geometry({"type": "Point", "coordinates": ["106.5", 29.5]}),
     "geometry.coordinates", "malformed position"),
]


@pytest.mark.parametrize(("layer", "edit", "field", "message"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_feature_is_reported_with_file_feature_and_field(layers_copy: Path, layer: str, edit: Edit,
                                                             field: str | None, message: str) -> None:
    feature_id = edit_feature(layers_copy, layer, edit)
    _, problems = validate_layers(layers_copy)
    matching = [p for p in problems if p.file == f"{layer}.geojson" and p.field == field and message in p.message]
    assert matching, f"expected {field}: {message!r}; got {[str(p) for p in problems]}"
    assert all(p.feature_id in (feature_id, "Chongqing University!") for p in matching)


def test_duplicate_ids_across_layers(layers_copy: Path) -> None:
    taken = read_layer(layers_copy, "universities")["features"][0]["properties"]["id"]

    def reuse(feature: dict[str, Any]) -> None:
        feature["id"] = feature["properties"]["id"] = taken

    edit_feature(layers_copy, "logistics_hubs", reuse)
    _, problems = validate_layers(layers_copy)
    assert any(p.field == "id" and "duplicate id" in p.message and p.feature_id == taken for p in problems), problems


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "invalid JSON"),
    ('{"type": "Feature"}', "FeatureCollection"),
    ('{"type": "FeatureCollection", "features": {}}', "must be a list of Features"),
    ('{"type": "FeatureCollection", "crs": {}, "features": []}', "no 'crs' member"),
])
def test_broken_files_are_reported(layers_copy: Path, content: str, message: str) -> None:
    (layers_copy / "universities.geojson").write_text(content, encoding="utf-8")
    _, problems = validate_layers(layers_copy)
    assert any(p.file == "universities.geojson" and message in p.message for p in problems), problems


def test_missing_and_undeclared_files(layers_copy: Path) -> None:
    (layers_copy / "universities.geojson").rename(layers_copy / "campuses.geojson")
    _, problems = validate_layers(layers_copy)
    assert Problem("universities.geojson", None, None, "layer file is missing") in problems
    assert any(p.file == "campuses.geojson" and "not a declared layer" in p.message for p in problems)


def test_all_problems_are_collected_not_just_the_first(layers_copy: Path) -> None:
    edit_feature(layers_copy, "universities", drop_prop("name_zh"))
    edit_feature(layers_copy, "universities", set_prop("kind", "airport"), index=1)
    edit_feature(layers_copy, "bonded_zones", reverse_rings)
    _, problems = validate_layers(layers_copy)
    fields = {(p.file, p.field) for p in problems}
    assert {("universities.geojson", "name_zh"), ("universities.geojson", "kind"),
            ("bonded_zones.geojson", "geometry")} <= fields


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "geo", *args], cwd=REPO, capture_output=True, text=True, timeout=300)


def test_cli_validate_clean_layers_exits_zero() -> None:
    result = run_cli("validate")
    assert result.returncode == 0, result.stderr
    assert "all layers valid" in result.stdout


# A `cqatlas` command run in its own process, and what it lists as loaded when it is done.
_RUN_AND_LIST = """
import sys
from web.cli import main
sys.argv = ["cqatlas", *sys.argv[1:]]
try:
    main()
except SystemExit as end:
    print("exit:", end.code or 0)
print("loaded:", *sorted(name for name in ("fastapi", "folium", "granian", "pandas", "web.app") if name in sys.modules))
"""


def _run_and_list(*args: str) -> list[str]:
    """What the command printed (its messages first, errors included), then its exit code and what it loaded."""
    result = subprocess.run([sys.executable, "-c", _RUN_AND_LIST, *args], cwd=REPO, capture_output=True, text=True,
                            timeout=120)
    printed = result.stdout.splitlines()
    return printed[:-2] + result.stderr.splitlines() + printed[-2:]


def test_cqatlas_validate_loads_neither_the_web_app_nor_the_map() -> None:
    """The data commands start quickly: the web server and the map page are loaded by the commands that use them."""
    lines = _run_and_list("validate")
    assert any("all layers valid" in line for line in lines), lines
    assert lines[-2:] == ["exit: 0", "loaded:"], lines


def test_a_build_into_a_folder_it_may_not_replace_is_refused_before_the_map_loads(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    lines = _run_and_list("build", "--out", str(tmp_path / "notes.txt"))
    assert any("is a file" in line for line in lines), lines
    assert lines[-2:] == ["exit: 1", "loaded:"], lines
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_cli_validate_reports_every_problem_without_traceback(layers_copy: Path) -> None:
    edit_feature(layers_copy, "universities", drop_prop("name_zh"))
    data = read_layer(layers_copy, "bonded_zones")
    data["features"][0]["properties"]["geometry_quality"] = "exact"
    write_layer(layers_copy, "bonded_zones", data)
    result = run_cli("validate", "--layers", str(layers_copy))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "universities.geojson" in result.stderr and "name_zh" in result.stderr
    assert "bonded_zones.geojson" in result.stderr and "geometry_quality" in result.stderr
    assert "2 problem(s) found" in result.stderr
