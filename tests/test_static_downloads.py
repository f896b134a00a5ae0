"""A static copy of the atlas offers each layer in every format its release folder holds: on a plain static server
(nginx), each link saves the file it names, whose size the link states."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyarrow.parquet as pq
import pytest

from tests.browsing import close_map, open_map
from tests.conftest import LAYERS_DIR
from tests.static_server import needs_nginx, nginx_serving

pytestmark = [pytest.mark.browser, needs_nginx]
FORMATS = ["GeoJSON", "GeoPackage", "GeoParquet", "FlatGeobuf", "CSV"]
SIZE = re.compile(r"^(.+) \(([\d.,]+)\s*(kB|MB)\)$")


def _stated_bytes(text: str) -> tuple[str, float, float]:
    """Format name, and the size a link's text states, as bytes with the precision shown (one decimal)."""
    match = SIZE.match(text)
    assert match, text
    unit = 1e6 if match.group(3) == "MB" else 1e3
    return match.group(1), float(match.group(2).replace(",", "")) * unit, 0.05 * unit


def _links(page: Any, selector: str) -> list[dict[str, Any]]:
    return page.locator(selector).evaluate_all(
        "links => links.map(a => ({text: a.textContent, href: a.href, bytes: a.dataset.bytes,"
        " download: a.hasAttribute('download')}))")


def test_each_layer_is_offered_in_every_release_format_with_its_size(browser: Any, built_site: Path,
                                                                      tmp_path: Path) -> None:
    with nginx_serving(built_site, tmp_path) as url:
        watch = open_map(browser, f"{url}/index.html", "static")
        page = watch.page
        shown = page.locator(".cq-download-files").count()
        assert shown == page.locator(".cq-layer input[data-layer]:checked").count() > 0
        offered: dict[str, list[dict[str, Any]]] = {}
        for item in page.locator(".cq-download-files").all():
            title = item.evaluate("li => li.firstChild.textContent").removesuffix(": ")
            offered[title] = _links(item, "a")
        for title, links in offered.items():
            assert [_stated_bytes(link["text"])[0] for link in links] == FORMATS, title
            for link in links:
                file = built_site / urlsplit(link["href"]).path.lstrip("/")
                name, stated, precision = _stated_bytes(link["text"])
                assert link["download"] and file.is_file(), link
                assert int(link["bytes"]) == file.stat().st_size and abs(stated - file.stat().st_size) <= precision
        # Every layer file of the layers folder is offered, once its layer is on.
        assert len(offered) == shown and shown <= len(list(LAYERS_DIR.glob("*.geojson")))

        # Each link saves its file: the same bytes, and the GeoParquet reads as a table of the layer's features.
        links = next(iter(offered.values()))
        for link in links:
            with page.expect_download() as download:
                page.locator(f'.cq-download-files a[href="{urlsplit(link["href"]).path.lstrip("/")}"]').click()
            saved = Path(download.value.path())
            assert saved.read_bytes() == (built_site / urlsplit(link["href"]).path.lstrip("/")).read_bytes()
            if link["text"].startswith("GeoParquet"):
                assert pq.read_table(saved).num_rows > 0
        assert page.url.startswith(f"{url}/index.html")  # the map is still there

        # The whole atlas, vector tiles included, with sizes too.
        whole = _links(page, ".cq-download-whole a")
        assert [_stated_bytes(link["text"])[0] for link in whole] == FORMATS + ["PMTiles"]
        for link in whole:
            file = built_site / urlsplit(link["href"]).path.lstrip("/")
            assert file.is_file() and int(link["bytes"]) == file.stat().st_size
        watch.check()
        close_map(page)
