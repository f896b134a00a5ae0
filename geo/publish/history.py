"""Past data versions, recovered from the repository's history.

Each version names the commit that last changed ``layers/`` while that version was in force (first-parent history
of main; ``git log --first-parent -- 'layers/*.geojson'`` and the commits that set ``DATA_VERSION``):

- 1.0.0 — the layers as first published, before ``DATA_VERSION`` existed (the last change before the 1.1.0 work);
- 1.1.0 — the last change to the layers before 1.1.1 was made;
- 1.1.1 — the commit that made 1.1.1;
- 1.2.0 — the last change to the layers of 1.2.0 (a figure note reworded after the release was cut);
- 1.3.0 — the last change to the layers of 1.3.0;
- 1.4.0 — the last change to the layers of 1.4.0;
- 1.4.1 — the last change to the layers of 1.4.1.

A version's layers are read with ``git show <commit>:layers/<file>`` when compared, so nothing is copied.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from geo.publish.metadata import ReleaseRefused

VERSION_COMMITS: dict[str, str] = {
    "1.0.0": "cafe9df422df55428d04c718ff033532c34ac4c5",
    "1.1.0": "43d856cc22106e44ee518c32c03d031dfb3d7fb7",
    "1.1.1": "e85974ee7250c40b15a86dff06b3b46444125ca3",
    "1.2.0": "056228770409349e31613cdc5b2576d8fa62c9e5",
    "1.3.0": "9f2c4bc98bf340bebc5aefd84105224f8d75d819",
    "1.4.0": "bc4ec81ec26e575a2a62f005e088a906ba16c0ed",
    "1.4.1": "cad6fe905e298c935dee498d4368268c48da27f1",
}


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def previous_version(version: str) -> str | None:
    """The latest recorded version before ``version``."""
    earlier = [known for known in VERSION_COMMITS if version_key(known) < version_key(version)]
    return max(earlier, key=version_key) if earlier else None


def _git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ReleaseRefused(f"cannot read data version from git ({' '.join(args)}): {result.stderr.strip()}")
    return result.stdout


def layer_collections_at(version: str, repo: Path) -> dict[str, dict[str, Any]]:
    """Layer id -> FeatureCollection of the layers as they were in ``version``."""
    commit = VERSION_COMMITS.get(version)
    if commit is None:
        raise ReleaseRefused(f"no data version {version!r} recorded; known: {', '.join(VERSION_COMMITS)}")
    names = [name for name in _git(repo, "ls-tree", "--name-only", commit, "layers/").split()
             if name.endswith(".geojson")]
    return {Path(name).stem: json.loads(_git(repo, "show", f"{commit}:{name}")) for name in names}
