"""What the map's export loads, and only when asked for: its own bundle, jsPDF and one TrueType font per language
(in a script, so it loads from disk too), in the static site and served by the app; none of it in the page's first
script; each language's font holds every character the exported sheet writes in that language."""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont

from tests.pages_reading import LANGS, messages

# The sheet's words in each language: the title, the legend (layer titles and kinds) and the export's own messages.
SHEET_KEYS = re.compile(r"^(app\.title|export\..+|layer\.[a-z_]+\.title|kind\.[a-z_]+)$")


def _config(page: str) -> dict[str, Any]:
    return json.loads(re.search(r'id="cq-atlas-config">(.*?)</script>', page, re.S).group(1))


def _first_script(page: str) -> str:
    return re.search(r'<script defer src="([^"]+)"', page).group(1)


def _font(script: str) -> tuple[str, TTFont]:
    call = re.fullmatch(r'CQAtlas\.receive\("(export-font\.[a-z]+)", (.*)\);\s*', script, re.S)
    assert call, script[:80]
    data = json.loads(call.group(2))
    return call.group(1), TTFont(io.BytesIO(base64.b64decode(data["base64"])))


def test_static_site_carries_the_export_and_loads_none_of_it_first(built_site: Path) -> None:
    page = (built_site / "index.html").read_text(encoding="utf-8")
    scripts = _config(page)["scripts"]["export"]
    first = (built_site / _first_script(page)).read_text(encoding="utf-8")
    export = (built_site / scripts["script"]).read_text(encoding="utf-8")
    pdf = (built_site / scripts["pdf"]).read_text(encoding="utf-8")
    # html-to-image draws the map through an SVG foreignObject; jsPDF names itself: neither is in the first script.
    assert "foreignObject" in export and "foreignObject" not in first
    assert "jsPDF" in pdf and "jsPDF" not in first and "jsPDF" not in page
    assert scripts["script"] not in page.split('id="cq-atlas-config"')[0]  # not a script element of the page
    assert (built_site / scripts["stylesheet"]).read_text(encoding="utf-8").count("@page") == 1
    for lang in LANGS:
        name, font = _font((built_site / scripts["fonts"][lang]).read_text(encoding="utf-8"))
        assert name == f"export-font.{lang}"
        covered = set(font.getBestCmap())
        words = {key: text for key, text in messages(lang).items() if SHEET_KEYS.match(key)}
        missing = {(key, char) for key, text in words.items() for char in text
                   if not char.isspace() and ord(char) not in covered and ord(char) not in (0x200C, 0x200D)}
        assert not missing, sorted(missing)[:10]
        assert "glyf" in font  # TrueType outlines, which jsPDF embeds


def test_served_app_serves_the_export_assets(client: Any) -> None:
    scripts = _config(client.get("/").text)["scripts"]["export"]
    for href in (scripts["script"], scripts["pdf"], *scripts["fonts"].values()):
        response = client.get(href)
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/javascript"), href
    assert client.get(scripts["stylesheet"]).headers["content-type"].startswith("text/css")


def test_fonts_cut_at_different_moments_into_empty_caches_are_the_same_bytes(tmp_path: Path) -> None:
    """A cut font keeps its face's dates, so two builds (or a build and a server) that cut the same characters in
    different seconds, with no cache to share, write the same files under the same names."""
    import time

    from geo.map.export_assets import _font_script
    from geo.map.fonts import _cut
    from geo.map.sources import default_node_modules

    installed = default_node_modules()
    characters = frozenset(ord(c) for c in "重庆中欧班列渝新欧")
    face = sorted((installed / "@fontsource" / "noto-sans-sc" / "files").glob("*-400-normal.woff2"))[0]
    cuts, scripts = [], []
    for moment in ("first", "second"):
        node_modules = tmp_path / moment / "node_modules"
        node_modules.mkdir(parents=True)
        (node_modules / "@fontsource").symlink_to(installed / "@fontsource")  # the faces; the caches start empty
        cuts.append((node_modules / "page-cache", _cut(face, characters, node_modules / "page-cache")[0]))
        scripts.append(_font_script(node_modules, "zh", characters))
        time.sleep(1.1)  # fontTools dates a font it saves to the second
    assert cuts[0][1] == cuts[1][1]
    assert (cuts[0][0] / cuts[0][1]).read_bytes() == (cuts[1][0] / cuts[1][1]).read_bytes()
    assert scripts[0][0] == scripts[1][0] and scripts[0][1].read_bytes() == scripts[1][1].read_bytes()
