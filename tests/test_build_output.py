"""The build never deletes what it did not make, replaces its output atomically, and gives the same bytes twice."""

from __future__ import annotations

import os
import shutil
import subprocess
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


def test_the_previous_build_is_replaced_and_only_marked_leftovers_removed(tmp_path: Path, built_site: Path) -> None:
    out = tmp_path / "site"
    shutil.copytree(built_site, out)  # a build of its own, marked as such (an empty folder: the byte-identical test)
    mine = {name: tmp_path / f".site.{name}-mine" for name in ("trash", "staging", "retired")}
    for folder in mine.values():
        folder.mkdir()
        (folder / "notes.txt").write_text("mine", encoding="utf-8")
    # A leftover of a build whose removal was cut short: still marked, so the next build finishes removing it.
    cut_short = tmp_path / ".site.trash-0123456789ab"
    (cut_short / "layers").mkdir(parents=True)
    (cut_short / ".cqatlas-build").write_text("Written by `cqatlas build`", encoding="utf-8")
    (cut_short / "layers" / "universities.geojson").write_text("{}", encoding="utf-8")
    result = run_cli("build", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / "index.html").is_file() and (out / ".cqatlas-build").is_file()
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
    # The previous build (the session's, marked as a build's own) fills two thirds of the disk: a second does not fit.
    size_kb = sum(len(data) for data in snapshot(built_site).values()) * 3 // 2 // 1024
    disk, kept = tmp_path / "disk", tmp_path / "kept"
    disk.mkdir()
    command = " ".join(CLI)
    script = f"""
        set -u
        mount -t tmpfs -o size={size_kb}k cqatlas-test "{disk}" || exit 90
        cp -a "{built_site}" "{disk}/site" || exit 91
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


def test_same_layers_give_byte_identical_builds_and_an_empty_folder_is_built_into(tmp_path: Path,
                                                                                   built_site: Path) -> None:
    # Separate processes with different hash seeds (the session's build was made in a test process, whose seed is
    # random unless PYTHONHASHSEED is set): neither random ids nor set order may leak into the output.
    assert os.environ.get("PYTHONHASHSEED") != "2", "the session's build would share this build's hash seed"
    (tmp_path / "two").mkdir()  # an empty folder is a place to build in, not a stranger's folder
    result = run_cli("build", "--out", str(tmp_path / "two"), env={"PYTHONHASHSEED": "2"}, timeout=280)
    assert result.returncode == 0, result.stderr
    one, two = snapshot(built_site), snapshot(tmp_path / "two")
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []
