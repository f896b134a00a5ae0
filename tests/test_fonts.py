"""The map's fonts: every Chinese and Persian character the atlas can show is in the fonts the page loads, each face
claims only characters its file really has, and served and static pages carry the same cut."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from fontTools.ttLib import TTFont
from starlette.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
FACE = re.compile(r'@font-face\{font-family:"([^"]+)";[^}]*src:url\(([^)]+)\)[^}]*unicode-range:([^}]+)\}')


def _is_chinese(character: str) -> bool:
    return 0x4E00 <= ord(character) <= 0x9FFF or 0x3400 <= ord(character) <= 0x4DBF


def _is_persian(character: str) -> bool:
    return 0x0600 <= ord(character) <= 0x06FF


def _atlas_text() -> str:
    """Every layer file and message catalog as text, read straight from the repository."""
    files = sorted((ROOT / "layers").glob("*.geojson")) + sorted((ROOT / "geo" / "data" / "messages").glob("*.json"))
    return "".join(json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False) for path in files)


def _code_points(unicode_range: str) -> set[int]:
    points: set[int] = set()
    for part in unicode_range.split(","):
        low, _, high = part.strip().removeprefix("U+").partition("-")
        points.update(range(int(low, 16), int(high or low, 16) + 1))
    return points


def _config(page: str) -> dict:
    return json.loads(re.search(r'id="cq-atlas-config">(.*?)</script>', page, re.S).group(1))


def _faces(css: str, read) -> dict[str, set[int]]:
    """Family -> characters its faces both claim and hold; fails where a face claims one its file lacks."""
    covered: dict[str, set[int]] = {}
    faces = FACE.findall(css)
    assert faces
    for family, url, unicode_range in faces:
        content = read(url)
        assert content[:4] == b"wOF2", url
        held = set(TTFont(io.BytesIO(content)).getBestCmap())
        claimed = _code_points(unicode_range)
        assert claimed <= held, (url, sorted(claimed - held)[:5])
        covered.setdefault(family, set()).update(claimed)
    return covered


def _check_cover(covered: dict[str, set[int]]) -> None:
    text = _atlas_text()
    chinese = {ord(c) for c in text if _is_chinese(c)}
    persian = {ord(c) for c in text if _is_persian(c)}
    assert len(chinese) > 300 and len(persian) > 30  # the data really has both scripts
    assert chinese <= covered["Noto Sans SC"], sorted(chr(p) for p in chinese - covered["Noto Sans SC"])[:10]
    assert persian <= covered["Vazirmatn"], sorted(chr(p) for p in persian - covered["Vazirmatn"])[:10]
    # Digits and separators Persian number formatting writes, whether or not the data has them.
    assert {ord(c) for c in "۰۱۲۳۴۵۶۷۸۹٫٬"} <= covered["Vazirmatn"]
    # A cut, not the whole font: far fewer Chinese characters than the 7,000+ of the source face set.
    assert len(covered["Noto Sans SC"]) < 3 * len(chinese)


def test_served_fonts_hold_every_character_of_the_atlas(client: TestClient) -> None:
    stylesheet = _config(client.get("/").text)["fonts"]
    response = client.get(stylesheet)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/css")
    folder = stylesheet.rpartition("/")[0]

    def read(url: str) -> bytes:
        font = client.get(f"{folder}/{url}")
        assert font.status_code == 200 and font.headers["content-type"] == "font/woff2", url
        return font.content

    _check_cover(_faces(response.text, read))


def test_static_site_carries_the_same_fonts(built_site: Path) -> None:
    stylesheet = built_site / _config((built_site / "index.html").read_text(encoding="utf-8"))["fonts"]
    _check_cover(_faces(stylesheet.read_text(encoding="utf-8"), lambda url: (stylesheet.parent / url).read_bytes()))


def test_a_process_cutting_the_fonts_makes_the_others_wait_for_its_cuts(tmp_path: Path) -> None:
    """Processes starting together with no cache (test processes, a server's workers) cut each face once: while one
    holds the cache, another writes nothing there, and then reads what the first made."""
    import threading

    from geo.map.fonts import FAMILIES, FONT_CACHE, atlas_fonts
    from geo.map.sources import default_node_modules, locked

    node_modules = tmp_path / "node_modules"  # the font packages as they are, with a cache of its own, empty
    for family in FAMILIES:
        (node_modules / family.package).parent.mkdir(parents=True, exist_ok=True)
        (node_modules / family.package).symlink_to(default_node_modules() / family.package)
    cache = node_modules / FONT_CACHE
    cache.mkdir(parents=True)
    made = []
    cutter = threading.Thread(target=lambda: made.append(atlas_fonts(node_modules, frozenset(map(ord, "重庆 چونگ")))))
    with locked(cache):  # another process cutting
        cutter.start()
        cutter.join(timeout=1.5)
        assert cutter.is_alive() and list(cache.iterdir()) == []
    cutter.join(timeout=120)
    assert made and made[0].files and all(path.parent == cache and path.is_file() for path in made[0].files.values())
