"""The release's machine-readable metadata, checked by the standards' own validators, offline: frictionless for
the Data Package, stac-validator for the STAC catalog (in a network namespace of its own: nothing fetched)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import LAYERS_DIR, REPO

LAYER_IDS = sorted(path.stem for path in LAYERS_DIR.glob("*.geojson"))
FRICTIONLESS = Path(sys.executable).with_name("frictionless")


def offline(command: list[str]) -> list[str]:
    """The command in a network namespace of its own where the system allows one: a validator that tried to fetch
    a schema would fail instead of quietly downloading it."""
    if shutil.which("unshare") and subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0:
        return ["unshare", "-n", *command]
    return command


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _figure_units() -> dict[str, str]:
    """Units as the figure registry's source text states them (read independently of the code under test)."""
    from geo.data.figure_registry import DOCUMENTED_FIGURES

    return {name: unit for name, (_, unit) in DOCUMENTED_FIGURES.items()}


def test_frictionless_validates_the_data_package_offline(released: Path) -> None:
    result = subprocess.run(offline([str(FRICTIONLESS), "validate", "--json", "datapackage.json"]), cwd=released,
                            capture_output=True, text=True, timeout=600)
    report = json.loads(result.stdout)
    errors = [error["message"] for task in report["tasks"] for error in task["errors"]]
    assert report["valid"] and result.returncode == 0, errors[:5]
    assert len(report["tasks"]) == len(json.loads((released / "datapackage.json").read_text())["resources"])


def test_frictionless_finds_a_changed_byte(released: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(released, copy)
    target = copy / "layers" / "universities.csv"
    target.write_bytes(target.read_bytes().replace(b"Chongqing University", b"Chongqing Universitx", 1))
    result = subprocess.run(offline([str(FRICTIONLESS), "validate", "--json", "datapackage.json"]), cwd=copy,
                            capture_output=True, text=True, timeout=600)
    report = json.loads(result.stdout)
    assert not report["valid"]
    assert any(error["type"] == "hash-count" for task in report["tasks"] for error in task["errors"])


def test_data_package_lists_every_file_with_units_licences_and_version(released: Path) -> None:
    package = json.loads((released / "datapackage.json").read_text(encoding="utf-8"))
    assert package["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert package["version"] == released.name.rsplit("-", 1)[1]
    assert package["contributors"] and package["sources"]
    resources = {resource["path"]: resource for resource in package["resources"]}
    for layer_id in LAYER_IDS:
        for extension in ("parquet", "fgb", "gpkg", "geojson", "csv"):
            resource = resources[f"layers/{layer_id}.{extension}"]
            assert resource["hash"] == "sha256:" + _sha256(released / resource["path"])
            assert resource["bytes"] == (released / resource["path"]).stat().st_size
    # ODbL exactly where a feature's geometry comes from an OpenStreetMap dataset (read from the layer files).
    for layer_id in LAYER_IDS:
        features = json.loads((LAYERS_DIR / f"{layer_id}.geojson").read_text())["features"]
        osm = any("ODbL" in dataset["license"] for feature in features
                  for dataset in feature["properties"].get("geometry_datasets", []))
        names = [licence["name"] for licence in resources[f"layers/{layer_id}.csv"]["licenses"]]
        assert ("ODbL-1.0" in names) == osm, layer_id
        assert "CC-BY-4.0" in names
    # The CSV schema follows the CSV's own header, with the registry's units.
    csv_resource = resources["layers/city_profile.csv"]
    header = (released / "layers/city_profile.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    fields = csv_resource["schema"]["fields"]
    assert [f["name"] for f in fields] == header
    units = _figure_units()
    by_name = {f["name"]: f for f in fields}
    assert by_name["population_mn"]["unit"] == units["population_mn"] == "million people"
    assert by_name["gdp_bn_cny"]["type"] in ("number", "any") and by_name["area_km2"]["type"] == "number"
    assert all(f.get("description") for f in fields)


STAC_VALIDATOR = Path(sys.executable).with_name("stac-validator")


def _stac_schema_map() -> list[str]:
    """``-s URL PATH`` for every core STAC 1.1.0 and GeoJSON schema, pointing at the copies pystac installs, so
    stac-validator reads them from disk. (The file extension's schema is published only on the web: its fields are
    checked against the files themselves below.)"""
    import pystac.validation.local_validator as local

    shipped = Path(local.__file__).with_name("jsonschemas")
    mapping = []
    for url in local.get_local_schema_cache():
        if url.startswith("https://geojson.org/"):
            path = shipped / "geojson" / url.rsplit("/", 1)[1]
        else:
            path = shipped / "stac-spec" / "v1.1.0" / url.rsplit("/", 1)[1]
        assert path.is_file(), path
        mapping += ["-s", url, str(path)]
    return mapping


def _stac_validate(path: Path) -> tuple[int, list[dict]]:
    """stac-validator's verdict on one STAC file, in core mode, with no network."""
    result = subprocess.run(offline([str(STAC_VALIDATOR), "validate", str(path), "--core", *_stac_schema_map()]),
                            capture_output=True, text=True, timeout=120)
    report = result.stdout[result.stdout.index("["):result.stdout.rindex("]") + 1]
    return result.returncode, json.loads(report)


def test_stac_collection_and_items_are_accepted_by_stac_validator_offline(released: Path) -> None:
    paths = [released / "stac" / "collection.json", *sorted((released / "stac").glob("*/*.json"))]
    assert len(paths) == len(LAYER_IDS) + 1
    for path in paths:
        status, report = _stac_validate(path)
        assert status == 0 and [entry["valid_stac"] for entry in report] == [True], (path, report)
        expected = "COLLECTION" if path.name == "collection.json" else "ITEM"
        assert report[0]["asset_type"] == expected and report[0]["version"] == "1.1.0"


def test_stac_validator_refuses_an_item_the_spec_refuses(released: Path, tmp_path: Path) -> None:
    """The validator really reads the schemas: an item with a bbox that is no array and a datetime that is no date
    fails, naming the field."""
    item = json.loads((released / "stac" / LAYER_IDS[0] / f"{LAYER_IDS[0]}.json").read_text())
    item["bbox"] = "everywhere"
    broken = tmp_path / "item.json"
    broken.write_text(json.dumps(item))
    status, report = _stac_validate(broken)
    assert status == 1 and report[0]["valid_stac"] is False
    assert "bbox" in report[0]["error_message"]


def test_stac_items_carry_every_format_with_checksum_extent_and_licence(released: Path) -> None:
    stac = released / "stac"
    collection = json.loads((stac / "collection.json").read_text())
    assert collection["license"] == "other"  # CC BY 4.0 and, for the OSM-traced corridors, ODbL
    assert {link["href"] for link in collection["links"] if link["rel"] == "license"} >= {
        "https://creativecommons.org/licenses/by/4.0/", "https://opendatacommons.org/licenses/odbl/1-0/"}
    media = {"parquet": "application/vnd.apache.parquet", "fgb": "application/vnd.flatgeobuf",
             "gpkg": "application/geopackage+sqlite3", "geojson": "application/geo+json", "csv": "text/csv"}
    for layer_id in LAYER_IDS:
        item_path = stac / layer_id / f"{layer_id}.json"
        item = json.loads(item_path.read_text())
        source = json.loads((LAYERS_DIR / f"{layer_id}.geojson").read_text())
        assert set(item["assets"]) == set(media)
        for key, asset in item["assets"].items():
            path = (item_path.parent / asset["href"]).resolve()
            assert path == (released / "layers" / f"{layer_id}.{key}").resolve()
            assert asset["type"] == media[key]
            assert asset["file:checksum"] == "1220" + _sha256(path)
            assert asset["file:size"] == path.stat().st_size
        xs = [c[0] for f in source["features"] for c in _coordinates(f["geometry"]["coordinates"])]
        ys = [c[1] for f in source["features"] for c in _coordinates(f["geometry"]["coordinates"])]
        assert item["bbox"] == pytest.approx([min(xs), min(ys), max(xs), max(ys)], abs=1e-6)
        assert item["properties"]["providers"][0]["name"]
    for key, asset in collection["assets"].items():
        path = (stac / asset["href"]).resolve()
        assert not Path(asset["href"]).is_absolute() and path.parent == released.resolve(), key
        assert asset["file:checksum"] == "1220" + _sha256(path)
    rail = json.loads((stac / "rail_europe" / "rail_europe.json").read_text())
    assert "OpenStreetMap contributors" in [p["name"] for p in rail["properties"]["providers"]]


def _coordinates(nested: list) -> list[list[float]]:
    if nested and isinstance(nested[0], (int, float)):
        return [nested]
    return [point for part in nested for point in _coordinates(part)]


def test_release_files_are_all_described(released: Path) -> None:
    """Every data file is a Data Package resource; SHA256SUMS covers the metadata too."""
    package = json.loads((released / "datapackage.json").read_text())
    data_files = {p.relative_to(released).as_posix() for p in released.rglob("*")
                  if p.suffix in (".parquet", ".fgb", ".gpkg", ".geojson", ".csv", ".pmtiles")}
    assert {resource["path"] for resource in package["resources"]} == data_files
    sums = (released / "SHA256SUMS").read_text()
    assert "datapackage.json" in sums and "stac/collection.json" in sums
    assert REPO.exists()
