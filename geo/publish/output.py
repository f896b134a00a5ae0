"""The build's output folder is owned, not assumed.

A build marks the folder it writes (``.cqatlas-build``) and only ever replaces a folder that is new, empty or
marked: never a stranger's folder (even one holding just what a build would write), a file, the layers folder or
a folder that contains the sources.

Replacing a previous build swaps two real folders with ``renameat2(RENAME_EXCHANGE)``: at every instant OUT
is either the complete old build or the complete new one. OUT stays a plain folder rather than a symbolic
link to a versioned folder because people copy, zip and upload it (``cp -r``, ``rsync -a``, zip tools and
static-site uploaders would copy a link as a link, or refuse it) and open ``OUT/index.html`` from disk.
Where the file system cannot exchange (not Linux, or e.g. NFS), the old build is renamed aside first; a build
killed in that short gap is repaired by the next one, which puts the old build back before anything else.

Leftovers of a killed build are named after OUT (``.OUT.staging-*``, ``.OUT.retired-*``, ``.OUT.trash-*``) in
OUT's parent, and removed by the next build while it holds the parent's lock (so never those of a build
still running) — and only if they carry the mark or are empty: a folder of one's own that happens to have such a
name is left alone. A marked folder is removed marker last, so one whose removal was cut short stays marked.
"""

from __future__ import annotations

import ctypes
import errno
import os
import secrets
import shutil
from pathlib import Path

MARKER = ".cqatlas-build"
MARKER_TEXT = "Written by `cqatlas build`; the next build replaces this whole folder.\n"


class OutputRefused(Exception):
    """OUT is not a folder a build may replace; nothing was touched."""


def _contains(folder: Path, path: Path) -> bool:
    return folder == path or folder in path.parents


def check_output(out: Path, layers_dir: Path, project_root: Path | None = None) -> None:
    """Raise ``OutputRefused`` unless ``out`` is new, empty or a previous build, and holds no sources."""
    if out.is_symlink():
        raise OutputRefused(f"--out {out}: is a symbolic link; give the folder itself")
    target, sources = out.resolve(), layers_dir.resolve()
    if target == sources:
        raise OutputRefused(f"--out {out}: is the layers folder; a build would replace the sources")
    if _contains(target, sources):
        raise OutputRefused(f"--out {out}: contains the layers folder {sources}; a build would replace the sources")
    if _contains(sources, target):
        raise OutputRefused(f"--out {out}: lies inside the layers folder {sources}")
    if project_root is not None and _contains(target, project_root.resolve()):
        raise OutputRefused(f"--out {out}: is (or contains) the project folder {project_root}")
    if out.exists() and not out.is_dir():
        raise OutputRefused(f"--out {out}: is a file, not a folder; nothing was changed")
    if out.is_dir() and not _is_ours(out):
        raise OutputRefused(f"--out {out}: is a folder with files a build did not write (no {MARKER} marker); "
                            "choose a new or empty folder, nothing was changed")


def _leftovers(out: Path, kind: str) -> list[Path]:
    prefix = f".{out.name}.{kind}-"
    return sorted(path for path in out.parent.iterdir() if path.name.startswith(prefix))


def _is_ours(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink() and ((path / MARKER).is_file() or not any(path.iterdir()))


def _remove_marked(path: Path) -> None:
    """Remove a folder of ours, its mark last: cut short, it is still recognisably ours (or empty)."""
    for entry in path.iterdir():
        if entry.name == MARKER:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    if any(entry.name != MARKER for entry in path.iterdir()):
        return  # something could not be removed: the folder stays marked, the next build tries again
    (path / MARKER).unlink(missing_ok=True)
    path.rmdir()


def _discard(path: Path, out: Path) -> None:
    # Renamed first, out of OUT's way; then removed, the mark last.
    trash = out.parent / f".{out.name}.trash-{secrets.token_hex(6)}"
    os.rename(path, trash)
    _remove_marked(trash)


def recover(out: Path) -> None:
    """Repair and remove what a killed build left next to ``out`` (call with the parent locked)."""
    retired = [path for path in _leftovers(out, "retired") if _is_ours(path)]
    if retired and not os.path.lexists(out):
        os.rename(retired.pop(), out)  # killed between the two renames of the fallback swap
    for path in _leftovers(out, "staging") + retired:
        if _is_ours(path):
            _discard(path, out)
    for path in _leftovers(out, "trash"):
        if _is_ours(path):
            _remove_marked(path)


def new_staging(out: Path) -> Path:
    """An empty folder next to OUT (same file system, so it can be renamed into place), already marked."""
    staging = out.parent / f".{out.name}.staging-{secrets.token_hex(6)}"
    staging.mkdir()  # unlike mkdtemp, keeps the umask's permissions: the folder is meant to be published
    (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    return staging


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths; False if this system or file system cannot."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def swap_in(staging: Path, out: Path) -> None:
    """Make the complete ``staging`` folder OUT; the previous OUT (if any) is removed afterwards."""
    if not os.path.lexists(out):
        os.rename(staging, out)
        return
    if _exchange(staging, out):
        _discard(staging, out)  # now holds the previous build
        return
    retired = out.parent / f".{out.name}.retired-{secrets.token_hex(6)}"
    os.rename(out, retired)
    os.rename(staging, out)
    _discard(retired, out)
