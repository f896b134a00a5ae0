"""What makes a release citable and verifiable: its date from the CHANGELOG, CITATION.cff, .zenodo.json, SHA256SUMS.

The date is the one the CHANGELOG gives the version, never the clock: a release rebuilt later is the same release,
byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import yaml

CHECKSUMS = "SHA256SUMS"


class ReleaseRefused(Exception):
    """The release cannot be made as asked (e.g. its version has no dated CHANGELOG entry); nothing was written."""


def release_date(changelog: str, version: str) -> str:
    """``YYYY-MM-DD`` of the CHANGELOG heading ``## [version] – date``."""
    heading = re.search(rf"^## \[{re.escape(version)}\][^\n]*$", changelog, re.MULTILINE)
    if heading is None:
        raise ReleaseRefused(f"CHANGELOG.md has no entry '## [{version}]'; describe the release there first")
    date = re.search(r"\b(\d{4}-\d{2}-\d{2})\b", heading.group(0))
    if date is None:
        raise ReleaseRefused(f"CHANGELOG.md entry '## [{version}]' has no date (e.g. '## [{version}] – 2026-11-23')")
    return date.group(1)


def citation(base_cff: str, version: str, date: str) -> dict[str, Any]:
    """The project's CITATION.cff with the release's version and date."""
    data = yaml.safe_load(base_cff)
    data["version"] = version
    data["date-released"] = date
    return data


def citation_cff(data: dict[str, Any]) -> bytes:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120).encode("utf-8")


# SPDX id (CITATION.cff) -> Zenodo's licence id.
_ZENODO_LICENSES = {"CC-BY-4.0": "cc-by-4.0", "ODbL-1.0": "odbl-1.0"}


def zenodo_json(cff: dict[str, Any], odbl_layers: list[str]) -> bytes:
    """Deposit metadata Zenodo reads from a release (``.zenodo.json``)."""
    notes = "Each feature cites its sources; figures carry unit, date and source."
    if odbl_layers:
        notes += (" The geometry of the layers " + ", ".join(odbl_layers) + " is derived from OpenStreetMap and is "
                  "distributed under the ODbL 1.0 (© OpenStreetMap contributors); their facts stay CC BY 4.0.")
    deposit = {
        "upload_type": "dataset",
        "title": f"{cff['title']} {cff['version']}",
        "description": " ".join(str(cff.get("abstract", "")).split()),
        "version": cff["version"],
        "publication_date": cff["date-released"],
        "creators": [{"name": author["name"]} for author in cff.get("authors", []) if "name" in author],
        "keywords": list(cff.get("keywords", [])),
        "license": _ZENODO_LICENSES.get(str(cff.get("license")), str(cff.get("license")).lower()),
        "notes": notes,
    }
    return (json.dumps(deposit, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def files_of(folder: Path) -> list[Path]:
    """Every file under ``folder`` (relative, sorted), the checksum list itself left out."""
    return sorted(path.relative_to(folder) for path in folder.rglob("*")
                  if path.is_file() and path.relative_to(folder).as_posix() != CHECKSUMS)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256sums(folder: Path) -> bytes:
    """``sha256sum`` format ("<hex>  <path>"), so ``sha256sum -c SHA256SUMS`` verifies the folder."""
    return "".join(f"{sha256_of(folder / path)}  {path.as_posix()}\n" for path in files_of(folder)).encode("utf-8")
