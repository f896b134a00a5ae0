"""The built site carries the release folder, the same files ``cqatlas release`` writes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyogrio

from geo.data.registry import DATA_VERSION
from tests.conftest import LAYERS_DIR, read_layer


def test_the_site_carries_a_checked_release(built_site: Path) -> None:
    folder = built_site / "release" / f"chongqing-trade-atlas-{DATA_VERSION}"
    lines = (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert lines
    for line in lines:
        digest, name = line.split(maxsplit=1)
        assert hashlib.sha256((folder / name.lstrip("*")).read_bytes()).hexdigest() == digest, name
    for path in sorted(LAYERS_DIR.glob("*.geojson")):
        want = {feature["properties"]["id"] for feature in read_layer(LAYERS_DIR, path.stem)["features"]}
        frame = pyogrio.read_dataframe(folder / "layers" / f"{path.stem}.fgb")
        assert set(frame["id"]) == want, path.stem
