from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from geo.assets import default_node_modules
from geo.atlas import Atlas, load_atlas
from geo.build import build
from web.app import create_app
from web.settings import Settings

REPO = Path(__file__).resolve().parent.parent
LAYERS_DIR = REPO / "layers"
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def atlas() -> Atlas:
    return load_atlas(LAYERS_DIR)


@pytest.fixture
def layers_copy(tmp_path: Path) -> Path:
    """A scratch copy of the real layers, for tests that break them."""
    target = tmp_path / "layers"
    shutil.copytree(LAYERS_DIR, target)
    return target


def read_layer(layers_dir: Path, layer_id: str) -> dict[str, Any]:
    return json.loads((layers_dir / f"{layer_id}.geojson").read_text(encoding="utf-8"))


def write_layer(layers_dir: Path, layer_id: str, data: dict[str, Any]) -> None:
    (layers_dir / f"{layer_id}.geojson").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def edit_feature(layers_dir: Path, layer_id: str, edit: Callable[[dict[str, Any]], None], index: int = 0) -> str:
    """Apply ``edit`` to one feature of a layer copy; returns that feature's id."""
    data = read_layer(layers_dir, layer_id)
    feature = data["features"][index]
    feature_id = feature["properties"]["id"]
    edit(feature)
    write_layer(layers_dir, layer_id, data)
    return feature_id


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "out"
    build(LAYERS_DIR, out, default_node_modules())
    return out


class LiveServer:
    def __init__(self, app: Any):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def serve(layers_dir: Path) -> LiveServer:
    return LiveServer(create_app(Settings(layers_dir=layers_dir, node_modules=default_node_modules())))


@pytest.fixture(scope="session")
def server_process() -> Iterator[str]:
    """The real ``cqatlas serve`` in its own process (for clients that hold the GIL, such as GDAL)."""
    import subprocess
    import sys

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "geo", "serve", "--port", str(port)], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"server did not start: {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    with serve(LAYERS_DIR) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()
