"""Reload never dies: a refused edit and an unexpected failure are reported on /health, and later edits are served."""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path

import httpx
import pytest

from geo.map.sources import COUNTRY_OUTLINES, default_node_modules
from tests.conftest import LiveServer, edit_feature
from tests.test_reload import served_name, wait_for
from web.app import create_app
from web.settings import Settings


@pytest.fixture
def own_node_modules(tmp_path: Path) -> Path:
    """The front-end packages, linked file by file, except the country outlines: a real copy that can be damaged."""
    source, target = default_node_modules(), tmp_path / "node_modules"
    outlines = Path(COUNTRY_OUTLINES)
    target.mkdir()
    for entry in source.iterdir():  # every package linked as it is, except the one holding the outlines
        if entry.name != outlines.parts[0]:
            (target / entry.name).symlink_to(entry)
    (target / outlines).parent.mkdir(parents=True)
    shutil.copyfile(source / outlines, target / outlines)
    return target


def health(url: str) -> dict:
    return httpx.get(f"{url}/health").json()


def test_reload_survives_refusals_and_failures_then_serves_a_good_edit(
        layers_copy: Path, own_node_modules: Path, caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(Settings(layers_dir=layers_copy, node_modules=own_node_modules, reload_data=True))
    with LiveServer(app) as server, caplog.at_level(logging.ERROR, logger="cqatlas.reload"):
        first = health(server.url)
        original = served_name(server.url)

        # 10^19 once raised OverflowError inside the reload thread, which then ended silently.
        edit_feature(layers_copy, "universities", lambda f: f["properties"].update(national_rank=10**19))
        assert wait_for(lambda: health(server.url)["last_rejected"] is not None), "refused edit not reported"
        refused = health(server.url)["last_rejected"]
        assert "universities.geojson" in refused["reason"] and "national_rank" in refused["reason"]
        assert served_name(server.url) == original

        # A truncated file where the build reads its base map: a failure no validation rule foresees.
        outlines = own_node_modules / COUNTRY_OUTLINES
        good_outlines = outlines.read_bytes()
        outlines.write_bytes(good_outlines[:100])
        edit_feature(layers_copy, "universities", lambda f: f["properties"].update(national_rank=1, name_en="Renamed"))
        assert wait_for(lambda: "DataSourceError" in health(server.url)["last_rejected"]["reason"])
        edit_feature(layers_copy, "universities", lambda f: f["properties"].update(name_en="Renamed again"))
        time.sleep(2)  # saved again, failing the same way
        assert served_name(server.url) == original
        assert caplog.text.count("reload failed") == 1, "the same failure must be logged once, not per attempt"

        # The watcher is still alive: once the damage is repaired, the next good edit is published.
        outlines.write_bytes(good_outlines)
        edit_feature(layers_copy, "universities", lambda f: f["properties"].update(name_en="Served after failures"))
        assert wait_for(lambda: served_name(server.url) == "Served after failures"), "reload thread died"
        now = health(server.url)
        assert now["content_hash"] != first["content_hash"]
        assert now["published_at"] >= now["last_rejected"]["at"]


def test_a_layer_swapped_for_a_symlink_is_refused_and_health_shows_no_server_path(layers_copy: Path,
                                                                                 tmp_path: Path) -> None:
    app = create_app(Settings(layers_dir=layers_copy, node_modules=default_node_modules(), reload_data=True))
    with LiveServer(app) as server:
        first = health(server.url)
        # A copy of the layer outside the layers folder, with one name changed, linked in place of the layer.
        outside = tmp_path / "elsewhere" / "universities.geojson"
        outside.parent.mkdir()
        shutil.copyfile(layers_copy / "universities.geojson", outside)
        edit_feature(outside.parent, "universities", lambda f: f["properties"].update(name_en="Read from outside"))
        (layers_copy / "universities.geojson").unlink()
        (layers_copy / "universities.geojson").symlink_to(outside)
        assert wait_for(lambda: health(server.url)["last_rejected"] is not None)
        now = health(server.url)
        assert "universities.geojson" in now["last_rejected"]["reason"]
        assert "symbolic link" in now["last_rejected"]["reason"]
        assert now["content_hash"] == first["content_hash"]  # still the last good data
        assert "Read from outside" not in httpx.get(f"{server.url}/api/layers/universities.geojson").text
        assert str(tmp_path) not in httpx.get(f"{server.url}/health").text


def test_health_reasons_name_files_without_server_paths(layers_copy: Path) -> None:
    from fastapi.testclient import TestClient

    app = create_app(Settings(layers_dir=layers_copy, node_modules=default_node_modules()))
    app.state.data_status.rejected(f"DataSourceError: {layers_copy}/universities.geojson: cannot be opened "
                                   f"('{default_node_modules()}/world-atlas/countries.json')")
    with TestClient(app) as client:
        reason = client.get("/health").json()["last_rejected"]["reason"]
    assert reason == "DataSourceError: universities.geojson: cannot be opened ('countries.json')"
