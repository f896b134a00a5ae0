"""Hot reload of layer data: a good edit is published without restart; a bad one is logged and ignored."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from collections.abc import Callable

import watchfiles

from geo.assets import AssetsMissing
from geo.problems import AtlasInvalid
from geo.publish import Published, publish
from web.settings import Settings
from web.urls import layer_download_path

log = logging.getLogger("cqatlas.reload")


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


class DataReloader:
    """Watches the layers folder in a thread and swaps in a new ``Published`` only when it validates.

    With several server workers each runs its own reloader. A worker compares the files with the fingerprint
    taken before its data was published, so an edit made while it was starting (before its watcher was
    listening) is still picked up.
    """

    def __init__(self, settings: Settings, on_publish: Callable[[Published], None],
                 published_fingerprint: tuple[tuple[str, int, int], ...] | None = None):
        self.settings = settings
        self.on_publish = on_publish
        self._fingerprint = published_fingerprint
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cqatlas-reload", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def reload(self) -> bool:
        try:
            published = publish_served(self.settings)
        except AtlasInvalid as exc:
            log.error("layer edit rejected, still serving the last good build:\n%s", exc.report())
            return False
        except (AssetsMissing, OSError) as exc:
            log.error("reload failed, still serving the last good build: %s", exc)
            return False
        self.on_publish(published)
        log.warning("layers reloaded: %d features", len(published.atlas.features()))
        return True

    def _run(self) -> None:
        # Editors save in several steps; debounce so a half-written file is rarely seen (and if it is,
        # validation rejects it and the next event retries). Timeouts yield too, to compare fingerprints.
        for changes in watchfiles.watch(self.settings.layers_dir, stop_event=self._stop, debounce=300,
                                        rust_timeout=500, yield_on_timeout=True, force_polling=None):
            fingerprint = layers_fingerprint(self.settings.layers_dir)
            if changes or (self._fingerprint is not None and fingerprint != self._fingerprint):
                self._fingerprint = fingerprint
                self.reload()
