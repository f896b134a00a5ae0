"""Editing layers while serving with --reload-data: good edits appear, bad edits are refused, no request fails."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import httpx
import pytest

from geo.map.sources import default_node_modules
from tests.conftest import LiveServer, edit_feature, read_layer, write_layer
from web.app import create_app
from web.settings import Settings


class Hammer:
    """Requests the map and a download in a loop; records anything that is not a 200."""

    def __init__(self, url: str):
        self.url, self.failures, self.count = url, [], 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=10) as client:
            while not self._stop.is_set():
                for path in ("/", "/api/layers/universities.geojson", "/api/layers", "/ogc/collections/universities/items"):
                    try:
                        status = client.get(path).status_code
                    except httpx.HTTPError as exc:
                        self.failures.append(f"{path}: {exc!r}")
                        continue
                    self.count += 1
                    if status != 200:
                        self.failures.append(f"{path}: {status}")
                # A pause between rounds: requests keep arriving throughout every reload (some hundreds in a run)
                # without taking the processor from the publication they are meant to overlap.
                self._stop.wait(0.05)

    def __enter__(self) -> "Hammer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


def wait_for(condition, timeout: float = 60.0) -> bool:  # a publish takes seconds on a loaded machine
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def served_name(url: str) -> str:
    return httpx.get(f"{url}/api/layers/universities.geojson").json()["features"][0]["properties"]["name_en"]


def test_good_edit_is_served_and_bad_edit_keeps_last_good(layers_copy: Path, caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(Settings(layers_dir=layers_copy, node_modules=default_node_modules(), reload_data=True))
    original = read_layer(layers_copy, "universities")["features"][0]["properties"]["name_en"]
    with LiveServer(app) as server, Hammer(server.url) as hammer:
        assert served_name(server.url) == original
        edit_feature(layers_copy, "universities", lambda f: f["properties"].update(name_en=original + " (renamed)"))
        assert wait_for(lambda: served_name(server.url) == original + " (renamed)"), "good edit not picked up"
        good = read_layer(layers_copy, "universities")
        good["features"][0]["properties"]["name_en"] = original + " (renamed again)"

        with caplog.at_level(logging.ERROR, logger="cqatlas.reload"):
            edit_feature(layers_copy, "universities", lambda f: f["properties"].update(geometry_quality="exact",
                                                                                         name_en="Broken"))
            assert wait_for(lambda: "layer edit rejected" in caplog.text), "bad edit not reported"
        assert "universities.geojson" in caplog.text and "geometry_quality" in caplog.text
        assert served_name(server.url) == original + " (renamed)"

        # A truncated file is refused too; the watcher is then proven still alive by a good edit that follows it.
        with caplog.at_level(logging.ERROR, logger="cqatlas.reload"):
            caplog.clear()
            (layers_copy / "universities.geojson").write_text("{truncated", encoding="utf-8")
            assert wait_for(lambda: "layer edit rejected" in caplog.text), "truncated file not reported"
        assert served_name(server.url) == original + " (renamed)"
        write_layer(layers_copy, "universities", good)
        good_name = good["features"][0]["properties"]["name_en"]
        assert wait_for(lambda: served_name(server.url) == good_name), "watcher died after a bad edit"
    assert hammer.count > 20
    assert hammer.failures == []
