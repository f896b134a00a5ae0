"""Release folders as a server offers them: each folder's files with their checksums (from its SHA256SUMS), and a
file's bytes prepared for serving once asked for.

Only files a release lists in its SHA256SUMS are ever served: a requested path is looked up in that list, never
joined to a folder as it comes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo.publish.datapackage import MEDIA_TYPES
from geo.publish.metadata import CHECKSUMS
from geo.publish.prepared import Prepared, prepare
from geo.publish.release import RELEASE_PREFIX

OTHER_MEDIA_TYPES = {"json": "application/json", "html": "text/html; charset=utf-8", "cff": "text/plain; charset=utf-8",
                     "": "text/plain; charset=utf-8"}


def media_type_of(path: str) -> str:
    extension = path.rsplit(".", 1)[-1] if "." in Path(path).name else ""
    return MEDIA_TYPES.get(extension) or OTHER_MEDIA_TYPES.get(extension, "application/octet-stream")


def _checksums(folder: Path) -> dict[str, str]:
    """Relative path -> SHA-256, as the release's SHA256SUMS lists them (and SHA256SUMS itself)."""
    listed = {}
    for line in (folder / CHECKSUMS).read_text(encoding="utf-8").splitlines():
        digest, _, path = line.partition("  ")
        if digest and path:
            listed[path] = digest
    return listed


@dataclass
class Releases:
    """The release folders under ``root`` (each ``chongqing-trade-atlas-<version>`` holding a SHA256SUMS)."""

    root: Path | None
    _prepared: dict[tuple[str, str], Prepared] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def folders(self) -> dict[str, Path]:
        if self.root is None or not self.root.is_dir():
            return {}
        return {path.name: path for path in sorted(self.root.iterdir())
                if path.is_dir() and path.name.startswith(f"{RELEASE_PREFIX}-") and (path / CHECKSUMS).is_file()}

    def listing(self, href: Any) -> list[dict[str, Any]]:
        """Every release with its files: path, size, SHA-256 and where to fetch it (``href(name, path)``)."""
        releases = []
        for name, folder in self.folders().items():
            files = [{"path": path, "bytes": (folder / path).stat().st_size, "sha256": digest,
                      "media_type": media_type_of(path), "href": href(name, path)}
                     for path, digest in sorted(_checksums(folder).items()) if (folder / path).is_file()]
            files.append({"path": CHECKSUMS, "bytes": (folder / CHECKSUMS).stat().st_size, "sha256": None,
                          "media_type": media_type_of(CHECKSUMS), "href": href(name, CHECKSUMS)})
            releases.append({"name": name, "version": name.removeprefix(f"{RELEASE_PREFIX}-"), "files": files})
        return releases

    def file(self, name: str, path: str) -> Prepared | None:
        """The prepared bytes of a listed file, or None."""
        folder = self.folders().get(name)
        if folder is None or (path != CHECKSUMS and path not in _checksums(folder)):
            return None
        with self._lock:
            key = (name, path)
            if key not in self._prepared:
                self._prepared[key] = prepare((folder / path).read_bytes(), media_type_of(path))
            return self._prepared[key]
