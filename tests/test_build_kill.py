"""A build or a derive killed with SIGKILL leaves the old output or the new one, never a mix."""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli_helpers import CLI, run_cli, snapshot
from tests.conftest import LAYERS_DIR, REPO

# Where a build is killed: points of its own writing order (``geo.publish.build``: the layer files, the map's data,
# the feature and layer pages, the release folder, then the swap), seen from outside as what has appeared in its
# staging folder; then the first change to OUT itself (the swap: a replacement that is not one atomic step is
# caught in the middle), and after the swap, while the previous build is being removed.
KILL_POINTS = ("layers", "assets/data", "features", "release")
AT_THE_SWAP, AFTER_SWAP = "at the swap", "after the swap"


def leftovers(parent: Path, *expected: str) -> list[str]:
    return sorted(path.name for path in parent.iterdir() if path.name not in expected)


def _identity(folder: Path) -> tuple[int, int] | None:
    """Which folder is at this path and when its entries last changed (None: nothing there)."""
    try:
        status = folder.stat()
    except FileNotFoundError:
        return None
    return status.st_ino, status.st_mtime_ns


def _reached(point: str, site: Path, staging: Path, out_before: tuple[int, int] | None) -> bool:
    if point == AT_THE_SWAP:
        return _identity(site) != out_before
    if point == AFTER_SWAP:  # exchanged with OUT, then renamed aside for removal
        return not staging.exists()
    return (staging / point).exists()


def build_held_at(points: tuple[str, ...], layers: Path, site: Path,
                  at_each: Callable[[str], None]) -> subprocess.Popen:
    """Start a build of ``layers`` into ``site``; at each of ``points`` in turn, stop it (SIGSTOP: nothing more is
    written, as after a kill -9 at that moment), call ``at_each(point)`` and let it go on. Returns the build, still
    running or stopped at the last point (the caller kills it)."""
    parent = site.parent
    earlier = set(parent.iterdir())  # leftovers of an earlier kill do not count
    out_before = _identity(site)
    process = subprocess.Popen([*CLI, "build", "--layers", str(layers), "--out", str(site)], cwd=REPO,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    staging = None
    for number, point in enumerate(points):
        while True:
            if staging is None:
                staging = next((p for p in set(parent.iterdir()) - earlier
                                if p.name.startswith(f".{site.name}.staging-")), None)
            elif _reached(point, site, staging, out_before):
                break
            assert process.poll() is None, f"the build ended before it reached {point}"
            time.sleep(0.002)
        process.send_signal(signal.SIGSTOP)
        at_each(point)
        if number < len(points) - 1:
            process.send_signal(signal.SIGCONT)
    return process


def _kill(process: subprocess.Popen) -> None:
    process.kill()  # SIGKILL ends a stopped process too
    process.wait()


@pytest.mark.timeout(900)  # three builds in their own processes: minutes on a busy machine
def test_kill_9_at_each_point_of_the_build_leaves_old_or_new_output(tmp_path: Path, built_site: Path) -> None:
    # "new" is the real layers, whose build the session made. "old" is a previous build in OUT: the session's
    # build, marked as a build's own, with one file of its own changed (a build of other layers differs as much
    # to the next build, which reads nothing of OUT but its mark).
    old_site = tmp_path / "old-site"
    shutil.copytree(built_site, old_site)
    catalog = old_site / "catalog.json"
    catalog.write_bytes(catalog.read_bytes().replace(b'"label": "', b'"label": "(old) ', 1))
    expected = {"old": snapshot(old_site), "new": snapshot(built_site)}
    assert expected["old"] != expected["new"]
    site = tmp_path / "out"

    def start_from_old() -> None:  # every build starts from the old output, so a finished one shows
        shutil.rmtree(site, ignore_errors=True)
        shutil.copytree(old_site, site)

    # A build killed while it writes leaves its staging folder behind, and OUT as it was.
    start_from_old()
    _kill(build_held_at(("layers",), LAYERS_DIR, site, lambda point: None))  # as early as it shows
    assert snapshot(site) == expected["old"], "killed while writing: OUT is not the old output"
    assert any(path.name.startswith(".out.staging-") for path in site.parent.iterdir())
    # The next build, stopped at each point in turn: what OUT holds there is what a kill at that moment leaves (a
    # stopped process writes nothing more); it is then killed for good after the swap.
    start_from_old()
    outcomes = []

    def look(point: str) -> None:
        state = snapshot(site)
        assert state in (expected["old"], expected["new"]), f"stopped at {point}: OUT is half-written"
        outcomes.append((point, "replaced" if state == expected["new"] else "kept"))
    _kill(build_held_at((*KILL_POINTS, AT_THE_SWAP, AFTER_SWAP), LAYERS_DIR, site, look))
    # While writing, the build leaves the previous OUT; at or after the (atomic) swap, OUT is the new one.
    assert outcomes == [*((point, "kept") for point in KILL_POINTS), (AT_THE_SWAP, "replaced"), (AFTER_SWAP, "replaced")]
    assert snapshot(site) == expected["new"], "killed after the swap: OUT is not the new output"
    # The next build, after those kills, writes the new output and leaves nothing of the killed ones.
    start_from_old()
    result = run_cli("build", "--layers", str(LAYERS_DIR), "--out", str(site), timeout=600)
    assert result.returncode == 0, result.stderr
    assert snapshot(site) == expected["new"]
    stray = leftovers(site.parent, "out", "old-site")
    assert stray == [], f"leftovers of killed builds {stray}"


_WRITE_SET = """
import json, sys
from pathlib import Path
from geo.derive.writer import write_layers
folder, source = Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
print("writing", flush=True)
write_layers(folder, source)
"""


def test_derive_writes_its_layer_set_all_or_nothing_under_kill_9(tmp_path: Path) -> None:
    from geo.derive.writer import recover_layer_writes

    names = ["districts.geojson", "development_zones.geojson", "rail_europe.geojson", "yangtze_waterway.geojson"]
    layers = tmp_path / "layers"
    layers.mkdir()
    for name in names:
        shutil.copyfile(LAYERS_DIR / name, layers / name)
    old = snapshot(layers)
    new_set = {}
    for name in names:  # a new version of each, large enough that writing the set takes a while
        data = json.loads((LAYERS_DIR / name).read_text(encoding="utf-8"))
        data["features"] = data["features"] * 4
        for feature in data["features"]:
            feature["properties"]["geometry_note"] = "re-derived"
        new_set[name] = data
    source = tmp_path / "new.json"
    source.write_text(json.dumps(new_set), encoding="utf-8")

    def run() -> subprocess.Popen:
        process = subprocess.Popen([sys.executable, "-c", _WRITE_SET, str(layers), str(source)], cwd=REPO,
                                   stdout=subprocess.PIPE, text=True)
        assert process.stdout is not None and process.stdout.readline() == "writing\n"
        return process

    process = run()
    began = time.monotonic()  # from the moment it starts writing
    process.wait()
    window = time.monotonic() - began
    new = snapshot(layers)
    assert new != old and not [p for p in layers.iterdir() if p.name.startswith(".")]

    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    for attempt in range(6):
        for name in names:
            (layers / name).write_bytes(old[name])
        process = run()
        time.sleep(rng.uniform(0, 1.1 * window))
        process.kill()
        process.wait()
        committed = (layers / ".derive-journal.json").exists()
        if not committed:  # killed before the point of no return, or after the last rename: one whole set
            assert {n: (layers / n).read_bytes() for n in names} in (old, new), f"seed {seed}, attempt {attempt}"
        recover_layer_writes(layers)  # what the next derive does first
        assert snapshot(layers) in (old, new), f"seed {seed}, attempt {attempt}: a mixed layer set"
        assert not [p for p in layers.iterdir() if p.name.startswith(".")], f"seed {seed}: leftovers"


def test_a_journal_killed_before_its_rename_is_removed_and_the_layers_kept(tmp_path: Path) -> None:
    from geo.derive.writer import recover_layer_writes

    shutil.copyfile(LAYERS_DIR / "districts.geojson", tmp_path / "districts.geojson")
    old = snapshot(tmp_path)
    # What a kill between writing the journal and renaming it into place leaves: the journal and its staged layer.
    (tmp_path / ".districts.geojson.derive-0a1b2c3d4e5f.tmp").write_text("{}", encoding="utf-8")
    (tmp_path / ".derive-journal-0a1b2c3d4e5f.tmp").write_text(
        json.dumps({"districts.geojson": ".districts.geojson.derive-0a1b2c3d4e5f.tmp"}), encoding="utf-8")
    recover_layer_writes(tmp_path)
    assert snapshot(tmp_path) == old
