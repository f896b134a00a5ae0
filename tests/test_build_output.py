"""The build never deletes what it did not make, replaces its output atomically, and gives the same bytes twice."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli_helpers import CLI, run_cli, snapshot
from tests.conftest import LAYERS_DIR, REPO, edit_feature


def leftovers(parent: Path, *expected: str) -> list[str]:
    return sorted(path.name for path in parent.iterdir() if path.name not in expected)


def assert_refused(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


def test_folder_with_a_strangers_file_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "thesis.docx").write_bytes(b"three years of work")
    assert_refused(run_cli("build", "--out", str(out)), "did not write", "nothing was changed")
    assert snapshot(out) == {"thesis.docx": b"three years of work"}
    assert leftovers(tmp_path, "site") == []


def test_project_folder_is_refused(tmp_path: Path) -> None:
    # A project of one's own (never the real repository: a regression would delete it): layers beside an
    # unrelated document, built with --out . from inside it, or its parent, or the layers themselves.
    project = tmp_path / "project"
    shutil.copytree(LAYERS_DIR, project / "layers")
    (project / "notes.md").write_text("mine", encoding="utf-8")
    before = snapshot(tmp_path)
    assert_refused(run_cli("build", "--layers", "layers", "--out", ".", cwd=project), "contains the layers folder")
    assert_refused(run_cli("build", "--layers", "layers", "--out", "..", cwd=project), "contains the layers folder")
    assert_refused(run_cli("build", "--layers", "layers", "--out", "layers", cwd=project), "is the layers folder")
    assert_refused(run_cli("build", "--layers", "layers", "--out", "layers/site", cwd=project), "inside the layers")
    assert snapshot(tmp_path) == before


def test_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("keep me", encoding="utf-8")
    assert_refused(run_cli("build", "--out", str(target)), "is a file")
    assert target.read_text(encoding="utf-8") == "keep me"
    assert leftovers(tmp_path, "report.txt") == []


def test_empty_folder_and_previous_builds_are_replaced(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    for _ in range(2):  # an empty folder, then the build just made
        result = run_cli("build", "--out", str(out))
        assert result.returncode == 0, result.stderr
    assert (out / "index.html").is_file() and (out / ".cqatlas-build").is_file()
    assert leftovers(tmp_path, "site") == []


def test_unmarked_folder_that_looks_like_a_build_is_refused(tmp_path: Path, built_site: Path) -> None:
    # Someone's own site with the names a build writes (index.html, catalog.json, layers/) and files of their own.
    out = tmp_path / "site"
    shutil.copytree(built_site, out)
    (out / ".cqatlas-build").unlink()
    (out / "assets" / "my-photo.jpg").write_bytes(b"irreplaceable")
    (out / "layers" / "my-survey.geojson").write_text("{}", encoding="utf-8")
    before = snapshot(out)
    assert_refused(run_cli("build", "--out", str(out)), "did not write", "nothing was changed")
    assert snapshot(out) == before
    assert leftovers(tmp_path, "site") == []
    # Unmarked and holding only what a build writes, with a stranger's file beside it: refused all the same.
    for path in (*(out / "assets").glob("my-photo.jpg"), *(out / "layers").glob("my-survey.geojson")):
        path.unlink()
    (out / "thesis.docx").write_bytes(b"three years of work")
    assert_refused(run_cli("build", "--out", str(out)), "did not write")
    assert (out / "thesis.docx").read_bytes() == b"three years of work"


def test_folders_named_like_leftovers_are_removed_only_if_the_build_marked_them(tmp_path: Path) -> None:
    out = tmp_path / "site"
    mine = {name: tmp_path / f".site.{name}-mine" for name in ("trash", "staging", "retired")}
    for folder in mine.values():
        folder.mkdir()
        (folder / "notes.txt").write_text("mine", encoding="utf-8")
    # A leftover of a build whose removal was cut short: still marked, so the next build finishes removing it.
    cut_short = tmp_path / ".site.trash-0123456789ab"
    (cut_short / "layers").mkdir(parents=True)
    (cut_short / ".cqatlas-build").write_text("Written by `cqatlas build`", encoding="utf-8")
    (cut_short / "layers" / "universities.geojson").write_text("{}", encoding="utf-8")
    for _ in range(2):  # a new OUT, then replacing it
        result = run_cli("build", "--out", str(out))
        assert result.returncode == 0, result.stderr
    assert not cut_short.exists()
    for folder in mine.values():
        assert snapshot(folder) == {"notes.txt": b"mine"}, folder.name
    assert leftovers(tmp_path, "site", *(folder.name for folder in mine.values())) == []


def test_unwritable_parent_ends_in_a_message(tmp_path: Path) -> None:
    parent = tmp_path / "readonly"
    parent.mkdir()
    parent.chmod(0o555)
    try:
        assert_refused(run_cli("build", "--out", str(parent / "site"), ordinary_user=True), "Permission denied")
    finally:
        parent.chmod(0o755)
    assert list(parent.iterdir()) == []


def _mount_namespace() -> list[str] | None:
    """A command prefix giving a private mount namespace where a small tmpfs can be mounted, if this system allows."""
    for prefix in (["unshare", "--user", "--map-root-user", "--mount"], ["unshare", "--mount"]):
        if shutil.which(prefix[0]) and subprocess.run([*prefix, "true"], capture_output=True).returncode == 0:
            return prefix
    return None


def test_full_disk_keeps_the_previous_build(tmp_path: Path, built_site: Path) -> None:
    prefix = _mount_namespace()
    if prefix is None:
        pytest.skip("no private mount namespace here to mount a small tmpfs in")
    size_kb = sum(len(data) for data in snapshot(built_site).values()) * 3 // 2 // 1024  # one build fits, two do not
    disk, kept = tmp_path / "disk", tmp_path / "kept"
    disk.mkdir()
    command = " ".join(CLI)
    script = f"""
        set -u
        mount -t tmpfs -o size={size_kb}k cqatlas-test "{disk}" || exit 90
        {command} build --out "{disk}/site" >/dev/null || exit 91
        cp -a "{disk}/site" "{kept}"
        {command} build --out "{disk}/site"; echo "second build exit $?" >&2
        diff -r "{disk}/site" "{kept}" >&2 && echo "previous build intact" >&2
        ls -A "{disk}" >&2
    """
    result = subprocess.run([*prefix, "sh", "-c", script], cwd=REPO, capture_output=True, text=True, timeout=180)
    if result.returncode == 90:
        pytest.skip(f"cannot mount a tmpfs: {result.stderr}")
    assert result.returncode == 0, result.stderr
    assert "No space left on device" in result.stderr and "Traceback" not in result.stderr
    assert "second build exit 1" in result.stderr
    assert "previous build intact" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == "site", "staging folder left on the full disk"


def test_same_layers_give_byte_identical_builds(tmp_path: Path) -> None:
    # Separate processes with different hash seeds: neither random ids nor set order may leak into the output.
    for name, seed in (("one", "1"), ("two", "2")):
        result = run_cli("build", "--out", str(tmp_path / name), env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
    one, two = snapshot(tmp_path / "one"), snapshot(tmp_path / "two")
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []


@pytest.mark.timeout(900)  # a dozen full builds in their own processes: minutes on a busy machine
def test_kill_9_at_random_points_leaves_old_or_new_output(tmp_path: Path) -> None:
    versions = {}
    for name in ("old", "new"):
        layers = tmp_path / f"layers-{name}"
        shutil.copytree(LAYERS_DIR, layers)
        edit_feature(layers, "universities", lambda f: f["properties"].update(name_en=f"University ({name})"))
        versions[name] = layers
    site = tmp_path / "out"
    parent = site.parent
    expected = {}
    for name in ("new", "old"):
        assert run_cli("build", "--layers", str(versions[name]), "--out", str(site)).returncode == 0
        expected[name] = snapshot(site)
    assert expected["old"] != expected["new"]

    def start(name: str) -> tuple[subprocess.Popen, float]:
        """A build, returned once it has begun writing (its staging folder appeared) — the part worth killing."""
        earlier = set(parent.iterdir())  # leftovers of the previous kill do not count
        process = subprocess.Popen([*CLI, "build", "--layers", str(versions[name]), "--out", str(site)], cwd=REPO,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while not any(path.name.startswith(".out.staging-") for path in set(parent.iterdir()) - earlier):
            if process.poll() is not None:
                break
            time.sleep(0.002)
        return process, time.monotonic()

    process, began = start("new")  # calibration: how long writing and swapping take on this machine
    process.wait()
    window = time.monotonic() - began
    assert snapshot(site) == expected["new"]

    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    outcomes = []
    state = expected["new"]
    for attempt in range(6):
        name = "old" if state == expected["new"] else "new"  # always the other one, so a finished build shows
        process, began = start(name)
        time.sleep(rng.uniform(0, 1.15 * window))
        process.kill()
        process.wait()
        state = snapshot(site)
        assert state in (expected["old"], expected["new"]), f"seed {seed}, attempt {attempt}: OUT is half-written"
        outcomes.append("replaced" if state == expected[name] else "kept")
    result = run_cli("build", "--layers", str(versions["new"]), "--out", str(site))
    assert result.returncode == 0, result.stderr
    assert snapshot(site) == expected["new"]
    stray = leftovers(parent, "out", "layers-old", "layers-new")
    assert stray == [], f"seed {seed}: leftovers of killed builds {stray}"
    print(f"seed {seed}, write window {window:.2f} s: OUT after each kill: {outcomes}")
    assert "kept" in outcomes, f"seed {seed}: no kill landed before the swap"


_WRITE_SET = """
import json, sys
from pathlib import Path
from geo.derive.writer import write_layers
folder, source = Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
print("writing", flush=True)
write_layers(folder, source)
"""


def test_derive_writes_its_layer_set_all_or_nothing_under_kill_9(tmp_path: Path) -> None:
    from geo.derive.writer import recover_layer_writes

    names = ["districts.geojson", "development_zones.geojson", "rail_europe.geojson", "yangtze_waterway.geojson"]
    layers = tmp_path / "layers"
    layers.mkdir()
    for name in names:
        shutil.copyfile(LAYERS_DIR / name, layers / name)
    old = snapshot(layers)
    new_set = {}
    for name in names:  # a new version of each, large enough that writing the set takes a while
        data = json.loads((LAYERS_DIR / name).read_text(encoding="utf-8"))
        data["features"] = data["features"] * 4
        for feature in data["features"]:
            feature["properties"]["geometry_note"] = "re-derived"
        new_set[name] = data
    source = tmp_path / "new.json"
    source.write_text(json.dumps(new_set), encoding="utf-8")

    def run() -> subprocess.Popen:
        process = subprocess.Popen([sys.executable, "-c", _WRITE_SET, str(layers), str(source)], cwd=REPO,
                                   stdout=subprocess.PIPE, text=True)
        assert process.stdout is not None and process.stdout.readline() == "writing\n"
        return process

    process = run()
    began = time.monotonic()  # from the moment it starts writing
    process.wait()
    window = time.monotonic() - began
    new = snapshot(layers)
    assert new != old and not [p for p in layers.iterdir() if p.name.startswith(".")]

    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    for attempt in range(6):
        for name in names:
            (layers / name).write_bytes(old[name])
        process = run()
        time.sleep(rng.uniform(0, 1.1 * window))
        process.kill()
        process.wait()
        committed = (layers / ".derive-journal.json").exists()
        if not committed:  # killed before the point of no return, or after the last rename: one whole set
            assert {n: (layers / n).read_bytes() for n in names} in (old, new), f"seed {seed}, attempt {attempt}"
        recover_layer_writes(layers)  # what the next derive does first
        assert snapshot(layers) in (old, new), f"seed {seed}, attempt {attempt}: a mixed layer set"
        assert not [p for p in layers.iterdir() if p.name.startswith(".")], f"seed {seed}: leftovers"
