"""`cqatlas diff`: what changed between two data versions, checked on layers edited so the answer is known, on the
versions recovered from the repository's history, and in the release folder."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pyproj

from tests.cli_helpers import run_cli
from tests.conftest import LAYERS_DIR, edit_feature, read_layer, write_layer


def _diff(old: str, new: str, out: Path, *extra: str) -> dict:
    result = run_cli("diff", old, new, "--out", str(out), *extra, timeout=300)
    assert result.returncode == 0, result.stderr
    (path,) = out.glob("*.json")
    return json.loads(path.read_text(encoding="utf-8"))


def test_edited_layers_give_exactly_the_known_changes(layers_copy: Path, tmp_path: Path) -> None:
    # Removed: the last university. Added: a copy of the first hub under a new id.
    universities = read_layer(layers_copy, "universities")
    removed = universities["features"].pop()["properties"]["id"]
    write_layer(layers_copy, "universities", universities)
    hubs = read_layer(layers_copy, "logistics_hubs")
    extra = copy.deepcopy(hubs["features"][0])
    extra["properties"]["id"] = "new-test-hub"
    hubs["features"].append(extra)
    write_layer(layers_copy, "logistics_hubs", hubs)
    # Moved: a hub 0.01° north; another by 1 m, within the 10 m tolerance.
    moved = edit_feature(layers_copy, "logistics_hubs",
                         lambda f: f["geometry"].update(coordinates=[f["geometry"]["coordinates"][0],
                                                                     f["geometry"]["coordinates"][1] + 0.01]))
    nudged = edit_feature(layers_copy, "logistics_hubs",
                          lambda f: f["geometry"].update(coordinates=[f["geometry"]["coordinates"][0],
                                                                      f["geometry"]["coordinates"][1] + 0.000009]),
                          index=1)
    # A figure changed: Chongqing University's national rank.
    old_rank = read_layer(LAYERS_DIR, "universities")["features"][0]["properties"]["national_rank"]
    ranked = edit_feature(layers_copy, "universities", lambda f: f["properties"].update(national_rank=old_rank + 7))

    changes = _diff(str(LAYERS_DIR), str(layers_copy), tmp_path / "out")

    assert [f["id"] for f in changes["added"]] == ["new-test-hub"]
    assert [f["id"] for f in changes["removed"]] == [removed]
    assert [f["id"] for f in changes["moved"]] == [moved]
    assert nudged not in {f["id"] for f in changes["moved"]}
    lon, lat = read_layer(LAYERS_DIR, "logistics_hubs")["features"][0]["geometry"]["coordinates"]
    _, _, metres = pyproj.Geod(ellps="WGS84").inv(lon, lat, lon, lat + 0.01)
    assert abs(changes["moved"][0]["distance_km"] - metres / 1000) < 0.01 * metres / 1000
    (figure,) = changes["figures_changed"]
    assert (figure["id"], figure["figure"], figure["old"], figure["new"]) == (ranked, "national_rank", old_rank,
                                                                              old_rank + 7)
    # Both sides name the source that backs the rank (the one whose "supports" lists it).
    backing = [s["title"] for s in read_layer(LAYERS_DIR, "universities")["features"][0]["properties"]["sources"]
               if "national_rank" in s.get("supports", [])]
    assert [s["title"] for s in figure["old_sources"]] == backing == [s["title"] for s in figure["new_sources"]]
    assert changes["properties_changed"] == []


def test_the_page_of_changes_escapes_names(layers_copy: Path, tmp_path: Path) -> None:
    edit_feature(layers_copy, "universities",
                 lambda f: f["properties"].update(name_en="<script>alert(1)</script>", national_rank=99))
    _diff(str(LAYERS_DIR), str(layers_copy), tmp_path)
    (page,) = tmp_path.glob("*.html")
    html = page.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html


def test_versions_from_the_repository_history(tmp_path: Path) -> None:
    # CHANGELOG 1.1.1: only the China–Myanmar rail–road route was re-traced (its road part on OSM highways).
    changes = _diff("1.1.0", "1.1.1", tmp_path / "a")
    assert changes["added"] == changes["removed"] == changes["figures_changed"] == []
    assert [f["id"] for f in changes["moved"]] == ["china-myanmar-rail-road-route"]
    assert {c["property"] for c in changes["properties_changed"]} == {"geometry_datasets", "geometry_note"}
    # CHANGELOG 1.1.0 added the layers districts (38 features), reference_routes and city_profile.
    changes = _diff("1.0.0", "1.1.0", tmp_path / "b")
    added_layers = {f["layer"] for f in changes["added"]}
    assert {"districts", "reference_routes", "city_profile"} <= added_layers
    assert sum(f["layer"] == "districts" for f in changes["added"]) == 38
    assert changes["removed"] == []


def test_unknown_version_is_refused(tmp_path: Path) -> None:
    result = run_cli("diff", "0.9.0", "1.1.1", "--out", str(tmp_path), timeout=120)
    assert result.returncode == 1 and "0.9.0" in result.stderr and "1.1.0" in result.stderr


XINJIANG_EUROPE = "chongqing-xinjiang-europe-railway"
# CHANGELOG 1.4.1: the Chongqing–Minsk train's length (Xinhua, Minsk, 14 July 2018), the one new figure.
MINSK_LENGTH = {"value": 8600, "as_of": "2018-07"}
XINHUA_MINSK_2018 = "http://world.workercn.cn/32832/201807/15/180715185806970.shtml"


def _only_the_minsk_length_and_the_description(changes: dict) -> None:
    assert changes["added"] == changes["removed"] == changes["moved"] == []
    (figure,) = changes["figures_changed"]
    assert (figure["id"], figure["figure"], figure["old"], figure["new"]) == (
        XINJIANG_EUROPE, "documented_length_to_minsk_km", None, MINSK_LENGTH)
    assert figure["old_sources"] == [] and [s["url"] for s in figure["new_sources"]] == [XINHUA_MINSK_2018]
    (described,) = changes["properties_changed"]
    assert (described["id"], described["property"]) == (XINJIANG_EUROPE, "description_en")
    assert "8,600 km" in described["new"] and "8,600" not in described["old"]


def test_version_1_4_1_adds_only_the_chongqing_minsk_length(tmp_path: Path) -> None:
    _only_the_minsk_length_and_the_description(_diff("1.4.0", "1.4.1", tmp_path))


def test_release_carries_its_changes_since_the_previous_version(released: Path) -> None:
    # 1.4.1 (CHANGELOG.md) added one figure to the Chongqing–Xinjiang–Europe railway and rewrote its description.
    changes = json.loads((released / "changes" / "since-1.4.0.json").read_text(encoding="utf-8"))
    assert (changes["old"], changes["new"]) == ("1.4.0", released.name.rsplit("-", 1)[1])
    _only_the_minsk_length_and_the_description(changes)
    page = (released / "changes" / "since-1.4.0.html").read_text(encoding="utf-8")
    assert "Documented length, Chongqing–Minsk train" in page and XINHUA_MINSK_2018 in page
