"""Hot reload of layer data: a good edit is published without restart; a bad one is logged and ignored.

Reload never dies: every attempt is isolated, so whatever an edit (or a damaged file elsewhere) makes fail is
logged once with its reason, recorded for ``/health``, and the watcher goes on with the last good build served.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import watchfiles

from geo.data.problems import AtlasInvalid, clip
from geo.publish.prepared import Published, publish
from geo.data.validate import is_editor_file
from web.settings import Settings
from web.urls import layer_download_path

log = logging.getLogger("cqatlas.reload")

MAX_REASON = 2000  # characters of a rejection kept for /health and the log


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def content_hash(published: Published) -> str:
    """Content hash of everything served as data (the whole atlas, every layer, every field)."""
    return published.downloads["atlas", "geojson"].etag.strip('"')


@dataclass(frozen=True)
class Served:
    data: Published
    content_hash: str
    published_at: str


@dataclass(frozen=True)
class Rejection:
    at: str
    reason: str


class DataStatus:
    """What ``/health`` reports: the data version served, since when, and the last edit refused.

    Each is one immutable value replaced whole, so a reader never sees a version with another's time.
    """

    def __init__(self, published: Published):
        self.served = Served(published, content_hash(published), _now())
        self.last_rejected: Rejection | None = None

    def published(self, published: Published) -> None:
        self.served = Served(published, content_hash(published), _now())

    def rejected(self, reason: str) -> None:
        self.last_rejected = Rejection(_now(), clip(without_paths(reason), MAX_REASON))


# An absolute path (/srv/atlas/layers/x.geojson): /health names the file, never where the server keeps it.
_ABSOLUTE_PATH = re.compile(r"(?<![\w.:/])/(?:[^\s/'\"]+/)+(?=[^\s/'\"]*)")


def without_paths(text: str) -> str:
    return _ABSOLUTE_PATH.sub("", text)


def publish_served(settings: Settings) -> Published:
    """Everything the server answers from, with the map linking each layer's download on this server."""
    return publish(settings.layers_dir, settings.node_modules,
                   download_href=lambda layer_id: layer_download_path(layer_id, "geojson"))


def layers_fingerprint(layers_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """Name, modification time and size of every layer file: cheap to take, changes with any save."""
    try:
        return tuple(sorted((path.name, stat.st_mtime_ns, stat.st_size)
                            for path in layers_dir.glob("*.geojson") for stat in (path.stat(),)))
    except OSError:
        return ()


def _editable(change: watchfiles.Change, path: str) -> bool:
    # Editors' lock, swap and backup files come and go with every save; they are not layers.
    return watchfiles.DefaultFilter()(change, path) and not is_editor_file(Path(path).name)


class DataReloader:
    """Watches the layers folder in a thread and hands a new ``Published`` to ``on_publish`` only when it validates.

    ``status`` (if given) records refusals; ``on_publish`` is expected to record what it installs. With several
    server workers each runs its own reloader; a worker compares the files with the fingerprint taken before its
    data was published, so an edit made while it was starting (before its watcher listened) is still picked up.
    """

    def __init__(self, settings: Settings, on_publish: Callable[[Published], None], status: DataStatus | None = None,
                 published_fingerprint: tuple[tuple[str, int, int], ...] | None = None):
        self.settings = settings
        self.on_publish = on_publish
        self.status = status
        self._fingerprint = published_fingerprint
        self._last_failure: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cqatlas-reload", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _failed(self, reason: str, detail: str, exc_info: BaseException | None = None) -> None:
        if self.status is not None:
            self.status.rejected(reason)
        if reason != self._last_failure:  # the same failure again (an editor saving twice) is logged once
            log.error("%s, still serving the last good build:\n%s", detail, clip(reason, MAX_REASON), exc_info=exc_info)
        self._last_failure = reason

    def reload(self) -> bool:
        """One isolated attempt: publish the layers as they are now, or keep what is served."""
        try:
            published = publish_served(self.settings)
            self.on_publish(published)
        except AtlasInvalid as exc:
            self._failed(exc.report(), "layer edit rejected")
            return False
        except Exception as exc:  # noqa: BLE001 — anything at all: the watcher must survive it
            self._failed(f"{type(exc).__name__}: {exc}", "reload failed", exc)
            return False
        self._last_failure = None
        log.warning("layers reloaded: %d features", len(published.atlas.features()))
        return True

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                # Editors save in several steps; debounce so a half-written file is rarely seen (and if it is,
                # validation rejects it and the next event retries). Timeouts yield too, to compare fingerprints.
                for changes in watchfiles.watch(self.settings.layers_dir, watch_filter=_editable,
                                                stop_event=self._stop, debounce=300, rust_timeout=500,
                                                yield_on_timeout=True, force_polling=None):
                    fingerprint = layers_fingerprint(self.settings.layers_dir)
                    if changes or (self._fingerprint is not None and fingerprint != self._fingerprint):
                        self._fingerprint = fingerprint
                        self.reload()
            except Exception as exc:  # noqa: BLE001 — e.g. the layers folder was removed: watch again shortly
                self._failed(f"{type(exc).__name__}: {exc}", "watching the layers folder failed")
                self._stop.wait(1.0)
                if self.settings.layers_dir.is_dir():
                    self.reload()  # edits made while not watching

