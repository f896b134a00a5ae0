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

from geo.map.sources import default_node_modules
from geo.data.atlas import Atlas, load_atlas
from geo.map.sources import locked
from web.app import create_app
from web.settings import Settings

REPO = Path(__file__).resolve().parent.parent
LAYERS_DIR = REPO / "layers"
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"


# pytest-xdist (``--dist loadfile --no-loadscope-reorder``) hands the test files out in collection order (without
# that option it would order them by their number of tests): the longest (measured with --durations=0) go first, so
# that none of them starts while the other processes are nearly done and holds up the end. Every file of 10 s or
# more in a run of the evening of 2026-12-04 (3 processes, fresh clone), longest first.
LONGEST_FILES_FIRST = ("test_fuzz.py", "test_time_and_links.py", "test_languages_in_browser.py",
                       "test_routes_in_languages.py", "test_serving.py", "test_map_tiles.py",
                       "test_build_output.py", "test_routes_browser.py", "test_build_kill.py",
                       "test_reference_geometry.py", "test_browser.py", "test_bad_inputs.py", "test_small_build.py",
                       "test_map_access.py", "test_map_bidi_and_words.py", "test_pages.py", "test_route_chart.py",
                       "test_hostile_text.py", "test_release_serving.py", "test_routes_api.py",
                       "test_tile_overviews.py", "test_status_and_currency.py", "test_map_export_assets.py",
                       "test_map_credits.py", "test_validation.py", "test_map_export_browser.py",
                       "test_map_phone.py", "test_year_rules.py", "test_reload_failures.py", "test_map_config.py",
                       "test_feature_links_browser.py", "test_ogc_html.py", "test_routes.py", "test_search_text.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: position for position, name in enumerate(LONGEST_FILES_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # a stable sort: the rest keep their order


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


def make_settings(layers_dir: Path = LAYERS_DIR, **overrides: Any) -> Settings:
    return Settings(layers_dir=layers_dir, node_modules=default_node_modules(), **overrides)


@pytest.fixture(scope="session")
def app() -> Any:
    """The one app most tests share, built when first asked for (never at import time)."""
    return create_app(make_settings())


@pytest.fixture(scope="session")
def client(app: Any) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    with TestClient(app) as test_client:
        yield test_client


def made_once_per_run(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], Path]) -> Path:
    """``make(folder)`` run once for the whole run, whichever test process (pytest-xdist worker) asks first; the
    others wait for it and share the result. Only for what tests read and never change (full builds take a minute
    of CPU; made once per process they would cost one per worker)."""
    base = tmp_path_factory.getbasetemp()
    run_dir = base.parent if base.name.startswith("popen-gw") else base  # xdist: the run's folder above the workers'
    folder, made, lock = run_dir / name, run_dir / f"{name}.made", run_dir / f"{name}.lock"
    lock.mkdir(exist_ok=True)
    with locked(lock):  # the kernel's lock: released if a worker dies while making it
        if not made.exists():
            shutil.rmtree(folder, ignore_errors=True)  # an attempt that failed part-way
            folder.mkdir()
            made.write_text(str(make(folder).relative_to(folder)), encoding="utf-8")
    return folder / made.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``cqatlas build`` of the real layers, made once per run (tests only read it). In a process of its own, as a
    user runs it: whatever test first asks for it, nothing that test process holds can reach into the build."""
    from tests.cli_helpers import run_cli

    def make(folder: Path) -> Path:
        result = run_cli("build", "--layers", str(LAYERS_DIR), "--out", str(folder / "out"), timeout=600)
        assert result.returncode == 0, result.stderr
        return folder / "out"
    return made_once_per_run(tmp_path_factory, "built-site", make)


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


def serve(layers_dir: Path, **overrides: Any) -> LiveServer:
    return LiveServer(create_app(make_settings(layers_dir, **overrides)))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerProcess:
    """``cqatlas serve`` (granian) in its own process group, as users run it."""

    def __init__(self, *args: str, preexec_fn: Callable[[], None] | None = None, cwd: Path = REPO):
        import subprocess
        import sys

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = ARTIFACTS / f"server-{self.port}.log"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self._log_file = self.log.open("wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "web", "serve", "--port", str(self.port), *args],
                                     cwd=cwd, stdout=self._log_file, stderr=subprocess.STDOUT,
                                     start_new_session=True, preexec_fn=preexec_fn)

    def __enter__(self) -> "ServerProcess":
        deadline = time.monotonic() + 90
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    if sock.recv(12).startswith(b"HTTP/1.1 200"):
                        return self
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                raise RuntimeError(f"server did not start: {self.log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)

    def __exit__(self, *exc: object) -> None:
        import os
        import signal

        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # the server and the workers it spawned
            try:
                self.proc.wait(timeout=15)
            except Exception:  # noqa: BLE001
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self._log_file.close()


SHARED_SERVER = "server-process"


@pytest.fixture(scope="session")
def server_process(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The real ``cqatlas serve`` in its own process (for clients that hold the GIL, such as GDAL), one for the whole
    run: tests only read from it. Whichever test process asks first starts it; it is stopped when the run ends
    (``pytest_sessionfinish``), after every test process is done with it."""

    def start(folder: Path) -> Path:
        server = ServerProcess("--workers", "1").__enter__()  # answers /health when this returns
        (folder / "pid").write_text(str(server.proc.pid), encoding="utf-8")
        (folder / "url").write_text(server.url, encoding="utf-8")
        return folder
    return (made_once_per_run(tmp_path_factory, SHARED_SERVER, start) / "url").read_text(encoding="utf-8")


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The run's shared server is stopped by the process that ran the whole session (pytest-xdist's controller, or
    pytest itself without it), never by one of several test processes."""
    import os
    import signal

    if hasattr(session.config, "workerinput"):
        return
    pid_file = session.config._tmp_path_factory.getbasetemp() / SHARED_SERVER / "pid"  # type: ignore[attr-defined]
    if not pid_file.exists():
        return
    group = int(pid_file.read_text(encoding="utf-8"))
    pid_file.unlink()
    try:
        os.killpg(group, signal.SIGTERM)  # the server and the workers it spawned
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 15
    while _running_in_group(group) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _running_in_group(group):
        os.killpg(group, signal.SIGKILL)


def _running_in_group(group: int) -> bool:
    """Whether a process of the group is still running (an ended one waiting for its parent to read its status does
    not count)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _parent, process_group = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except OSError:
            continue
        if int(process_group) == group and state != "Z":
            return True
    return False


@pytest.fixture(scope="session")
def live_server(app: Any) -> Iterator[LiveServer]:
    """The session's app on a real socket (tests only read it, so the test client and the browser share one build)."""
    with LiveServer(app) as server:
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


@pytest.fixture(scope="session")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The release folder ``cqatlas release`` writes from the real layers, made once per run by the real command."""
    from tests.cli_helpers import run_cli

    def make(out: Path) -> Path:
        result = run_cli("release", "--layers", str(LAYERS_DIR), "--out", str(out), timeout=600)
        assert result.returncode == 0, result.stderr
        (folder,) = out.iterdir()
        return folder
    return made_once_per_run(tmp_path_factory, "release", make)
