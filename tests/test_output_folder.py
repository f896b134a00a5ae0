"""Which folders a build may replace, and how it swaps and cleans up, checked in-process on small folders (the CLI
runs of the same rules are in test_build_output.py)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from geo.publish.output import OutputRefused, check_output, new_staging, recover, swap_in

MARKER = ".cqatlas-build"  # the name the README and the build's own marker text give


def unmarked_build(folder: Path) -> Path:
    """A folder as builds wrote it before they marked their output: only the build's own entries."""
    (folder / "layers").mkdir(parents=True)
    (folder / "layers" / "districts.geojson").write_text("{}", encoding="utf-8")
    (folder / "index.html").write_text("<!doctype html>", encoding="utf-8")
    (folder / "catalog.json").write_text("{}", encoding="utf-8")
    return folder


def refused(out: Path, layers: Path, *fragments: str, project: Path | None = None) -> None:
    with pytest.raises(OutputRefused) as caught:
        check_output(out, layers, project)
    for fragment in fragments:
        assert fragment in str(caught.value)


@pytest.fixture
def layers(tmp_path: Path) -> Path:
    folder = tmp_path / "layers"
    folder.mkdir()
    return folder


def test_an_unmarked_folder_that_looks_like_a_build_is_refused(tmp_path: Path, layers: Path) -> None:
    # Only the build's own mark makes a folder its own: names alone (index.html, catalog.json, layers/) may be anyone's.
    out = unmarked_build(tmp_path / "site")
    with pytest.raises(OutputRefused, match=r"^--out .*site: is a folder with files a build did not write \(no "
                       r"\.cqatlas-build marker\); choose a new or empty folder, nothing was changed$"):
        check_output(out, layers)
    (out / "atlas.geojson").write_text("{}", encoding="utf-8")
    (out / "assets").mkdir()
    refused(out, layers, "did not write", MARKER, "nothing was changed")
    (out / MARKER).write_text("", encoding="utf-8")
    check_output(out, layers)


@pytest.mark.parametrize("stranger", ["thesis.docx", "notes", "layers/draft.txt", "layers/old"])
def test_an_unmarked_old_build_with_a_strangers_file_beside_it_is_refused(
        tmp_path: Path, layers: Path, stranger: str) -> None:
    out = unmarked_build(tmp_path / "site")
    if "." in stranger:
        (out / stranger).write_bytes(b"three years of work")
    else:
        (out / stranger).mkdir()
    refused(out, layers, "did not write", MARKER, "nothing was changed")


@pytest.mark.parametrize("missing", ["index.html", "catalog.json"])
def test_a_folder_without_the_builds_own_pages_is_not_taken_for_a_build(
        tmp_path: Path, layers: Path, missing: str) -> None:
    out = unmarked_build(tmp_path / "site")
    (out / missing).unlink()
    refused(out, layers, "did not write")


def test_layers_as_a_file_is_not_taken_for_a_build(tmp_path: Path, layers: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    for name in ("index.html", "catalog.json", "layers"):
        (out / name).write_text("x", encoding="utf-8")
    refused(out, layers, "did not write")


def test_new_empty_and_marked_folders_may_be_replaced(tmp_path: Path, layers: Path) -> None:
    check_output(tmp_path / "new", layers)
    (tmp_path / "empty").mkdir()
    check_output(tmp_path / "empty", layers)
    marked = tmp_path / "marked"
    marked.mkdir()
    (marked / MARKER).write_text("", encoding="utf-8")
    (marked / "anything.bin").write_bytes(b"")
    check_output(marked, layers)


def test_a_folder_with_a_marker_folder_is_not_marked(tmp_path: Path, layers: Path) -> None:
    out = tmp_path / "site"
    (out / MARKER).mkdir(parents=True)
    (out / "thesis.docx").write_bytes(b"x")
    refused(out, layers, "did not write")


def test_sources_files_links_and_the_project_are_refused(tmp_path: Path, layers: Path) -> None:
    refused(layers, layers, "is the layers folder")
    refused(tmp_path, layers, "contains the layers folder")
    refused(layers / "site", layers, "inside the layers folder")
    report = tmp_path / "report.txt"
    report.write_text("keep", encoding="utf-8")
    refused(report, layers, "is a file")
    (tmp_path / "link").symlink_to(tmp_path / "new", target_is_directory=True)
    refused(tmp_path / "link", layers, "symbolic link")
    project = tmp_path / "work" / "project"
    project.mkdir(parents=True)
    refused(project, layers, "project folder", project=project)
    refused(tmp_path / "work", layers, "project folder", project=project)
    check_output(tmp_path / "elsewhere", layers, project)


def test_staging_is_marked_and_swapped_in(tmp_path: Path) -> None:
    out = tmp_path / "site"
    first = new_staging(out)
    assert first.parent == tmp_path and first.name.startswith(".site.staging-")
    assert (first / MARKER).read_text(encoding="utf-8").startswith("Written by `cqatlas build`")
    (first / "index.html").write_text("one", encoding="utf-8")
    swap_in(first, out)
    second = new_staging(out)
    (second / "index.html").write_text("two", encoding="utf-8")
    swap_in(second, out)
    assert (out / "index.html").read_text(encoding="utf-8") == "two"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]


def test_recover_puts_back_a_retired_build_and_removes_only_its_own_leftovers(tmp_path: Path) -> None:
    out = tmp_path / "site"
    retired = tmp_path / ".site.retired-abc"
    retired.mkdir()
    (retired / MARKER).write_text("", encoding="utf-8")
    (retired / "index.html").write_text("old", encoding="utf-8")
    staging = new_staging(out)
    trash = tmp_path / ".site.trash-abc"
    (trash / "half").mkdir(parents=True)
    strangers = tmp_path / ".site.staging-not-ours"
    strangers.mkdir()
    (strangers / "thesis.docx").write_bytes(b"x")
    other = tmp_path / ".other.staging-abc"
    other.mkdir()
    recover(out)
    assert (out / "index.html").read_text(encoding="utf-8") == "old"
    assert not staging.exists() and not retired.exists()
    # An unmarked folder named like the build's trash may be someone's: it stays, with what it holds.
    assert (trash / "half").is_dir()
    assert sorted(path.name for path in tmp_path.iterdir()) == [".other.staging-abc", ".site.staging-not-ours",
                                                                ".site.trash-abc", "site"]


def test_recover_keeps_out_and_discards_a_marked_retired_copy(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("current", encoding="utf-8")
    retired = tmp_path / ".site.retired-abc"
    retired.mkdir()
    (retired / MARKER).write_text("", encoding="utf-8")
    empty_staging = tmp_path / ".site.staging-abc"
    empty_staging.mkdir()
    recover(out)
    assert (out / "index.html").read_text(encoding="utf-8") == "current"
    assert sorted(os.listdir(tmp_path)) == ["site"]


def test_the_exchange_swaps_two_folders_in_one_step_and_names_a_missing_one(tmp_path: Path) -> None:
    # On Linux (ext4, tmpfs, …) the swap is renameat2(RENAME_EXCHANGE): both folders exist before and after, their
    # contents trade places; the fallback (rename aside, then in) would leave a moment without OUT.
    from geo.publish.output import _exchange
    old, new = tmp_path / "site", tmp_path / ".site.staging-x"
    for folder, page in ((old, "old"), (new, "new")):
        folder.mkdir()
        (folder / "index.html").write_text(page, encoding="utf-8")
    assert _exchange(new, old) is True
    assert (old / "index.html").read_text(encoding="utf-8") == "new"
    assert (new / "index.html").read_text(encoding="utf-8") == "old"
    with pytest.raises(FileNotFoundError) as caught:
        _exchange(new, tmp_path / "gone")
    assert caught.value.errno == errno.ENOENT and caught.value.filename == str(tmp_path / "gone")
    assert caught.value.strerror == "No such file or directory"
    assert (new / "index.html").read_text(encoding="utf-8") == "old"  # nothing moved


def test_without_the_exchange_the_old_build_is_renamed_aside_then_removed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # File systems without RENAME_EXCHANGE (NFS, non-Linux) cannot be had here: the exchange is made to say so.
    import geo.publish.output as output
    monkeypatch.setattr(output, "_exchange", lambda a, b: False)
    out = tmp_path / "site"
    first = new_staging(out)
    (first / "index.html").write_text("one", encoding="utf-8")
    swap_in(first, out)
    second = new_staging(out)
    (second / "index.html").write_text("two", encoding="utf-8")
    swap_in(second, out)
    assert (out / "index.html").read_text(encoding="utf-8") == "two"
    assert (out / MARKER).is_file()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]  # the retired build is gone


def test_a_marked_leftover_is_removed_whole_and_a_link_in_it_is_not_followed(tmp_path: Path) -> None:
    kept = tmp_path / "elsewhere"
    (kept / "inner").mkdir(parents=True)
    (kept / "inner" / "thesis.docx").write_bytes(b"three years of work")
    out = tmp_path / "site"
    out.mkdir()
    for kind in ("trash", "staging"):
        leftover = tmp_path / f".site.{kind}-abc"
        leftover.mkdir()
        (leftover / MARKER).write_text("", encoding="utf-8")  # marked first, as a build marks its staging
        (leftover / "layers" / "deep").mkdir(parents=True)
        (leftover / "layers" / "deep" / "a.geojson").write_text("{}", encoding="utf-8")
        # Enough entries that the mark is not the last one listed (the order is the file system's).
        for page in ["index.html", "catalog.json"] + [f"tile-{index}.png" for index in range(30)]:
            (leftover / page).write_text("old", encoding="utf-8")
        (leftover / "linked").symlink_to(kept, target_is_directory=True)
    recover(out)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["elsewhere", "site"]
    assert (kept / "inner" / "thesis.docx").read_bytes() == b"three years of work"
