"""Same layers, same bytes: the map library's element ids drawn from a counter instead of the OS's randomness.

branca gives every map element a random id (``os.urandom``) and folium copies elements with ``uuid4``; the ids
end up in ``index.html`` as JavaScript variable names, so two builds of the same data would differ. While a
page is rendered inside ``deterministic_ids()``, both sources yield a fixed sequence instead, whatever elements
the page is made of. Ids only need to be unique within one page, which a counter guarantees.
"""

from __future__ import annotations

import hashlib
import threading
import types
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count

import branca.element
import folium.utilities

_lock = threading.Lock()  # the patched sources are process-wide; one render at a time uses them


@contextmanager
def deterministic_ids(seed: str = "cqatlas") -> Iterator[None]:
    sequence = count()

    def next_bytes() -> bytes:
        return hashlib.sha256(f"{seed}:{next(sequence)}".encode()).digest()[:16]

    def generate_id(_cls: type) -> str:
        return next_bytes().hex()

    fake_uuid = types.SimpleNamespace(uuid4=lambda: uuid.UUID(bytes=next_bytes(), version=4))
    with _lock:
        saved_generate = branca.element.Element.__dict__.get("_generate_id")
        saved_uuid = getattr(folium.utilities, "uuid", None)
        branca.element.Element._generate_id = classmethod(generate_id)  # type: ignore[method-assign,assignment]
        if saved_uuid is not None:
            folium.utilities.uuid = fake_uuid  # type: ignore[assignment]
        try:
            yield
        finally:
            if saved_generate is not None:
                branca.element.Element._generate_id = saved_generate  # type: ignore[method-assign]
            if saved_uuid is not None:
                folium.utilities.uuid = saved_uuid  # type: ignore[assignment]
