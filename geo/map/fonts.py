"""The Chinese and Persian fonts of the map page, cut down to the characters the atlas shows.

fontsource's packages (npm, SIL Open Font License) split each font by unicode-range. Their stylesheet for Noto Sans SC
alone lists a hundred faces in 105 KB of CSS, and a face's file holds hundreds of characters the page never shows.
Here fontTools keeps, of each face, only the characters of the family's own script that occur in the page's text
(plus what the browser writes itself, such as Persian digits) and writes a small stylesheet naming those faces. The
browser still fetches only the faces holding characters on screen. Latin text keeps the system's fonts.

Subsets are kept under ``node_modules/.cache/cqatlas/fonts``, named by a hash of their content (as the bundles are,
see ``geo.map.bundle``): the same characters give the same bytes, and a face whose characters did not change is not cut
again.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import tinycss2
from fontTools import subset
from fontTools.ttLib import TTFont

from geo.map.sources import locked, template, write_atomically

FONT_CACHE = Path(".cache") / "cqatlas" / "fonts"
FONT_ASSET_DIR = "cqatlas/fonts"


@dataclass(frozen=True)
class FontFamily:
    family: str
    package: str  # the fontsource package under node_modules
    weights: tuple[int, ...]
    script: tuple[tuple[int, int], ...]  # code point ranges this family is loaded for
    always: tuple[tuple[int, int], ...] = ()  # kept even if the data has none of them (typed, or made by the browser)


_CJK = ((0x2E80, 0x2FDF), (0x3000, 0x303F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF))
_ARABIC = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x200C, 0x200F), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))

# Persian text in the messages and data uses the whole Persian alphabet; kept besides: the digits and separators the
# browser formats numbers with (۱۲٬۳۴۵٫۶ ٪) and Persian punctuation, whether or not the data has them yet.
PERSIAN_ALWAYS = ((0x06F0, 0x06F9), (0x066A, 0x066C), (0x060C, 0x060C), (0x061B, 0x061B), (0x061F, 0x061F),
                  (0x200C, 0x200E))
FAMILIES = (
    FontFamily("Noto Sans SC", "@fontsource/noto-sans-sc", (400,), _CJK),
    FontFamily("Vazirmatn", "@fontsource/vazirmatn", (400, 700), _ARABIC, always=PERSIAN_ALWAYS),
)
# The fontsource stylesheets read (relative to node_modules).
FONT_SOURCES = tuple(f"{family.package}/{weight}.css" for family in FAMILIES for weight in family.weights)


@dataclass(frozen=True)
class Face:
    """One @font-face of a fontsource stylesheet: its file (relative to the package) and the code points it covers."""

    file: str
    code_points: frozenset[int]


@dataclass(frozen=True)
class Fonts:
    """The stylesheet's asset name and every file the page may load (asset name -> file)."""

    stylesheet: str
    files: dict[str, Path]


def page_code_points(*data: object) -> frozenset[int]:
    """Every character of the page's text: the strings (and keys) of its JSON-able data."""
    return frozenset(map(ord, "".join(json.dumps(item, ensure_ascii=False) for item in data)))


def _in_ranges(code_point: int, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(low <= code_point <= high for low, high in ranges)


def _faces(stylesheet: Path) -> list[Face]:
    faces = []
    rules = tinycss2.parse_stylesheet(stylesheet.read_text(encoding="utf-8"), skip_comments=True, skip_whitespace=True)
    for rule in rules:
        if rule.type != "at-rule" or rule.lower_at_keyword != "font-face":
            continue
        declarations = {item.lower_name: item.value for item in
                        tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
                        if item.type == "declaration"}
        files = [token.value for token in declarations.get("src", []) if token.type == "url"
                 and token.value.endswith(".woff2")]
        code_points = frozenset(point for token in declarations.get("unicode-range", []) if token.type == "unicode-range"
                                for point in range(token.start, token.end + 1))
        if files and code_points:
            faces.append(Face(files[0].removeprefix("./"), code_points))
    return faces


def _unicode_range(code_points: Iterable[int]) -> str:
    """U+4E2D,U+56FD-5700: runs of consecutive code points as ranges."""
    runs: list[list[int]] = []
    for point in sorted(code_points):
        if runs and point == runs[-1][1] + 1:
            runs[-1][1] = point
        else:
            runs.append([point, point])
    return ",".join(f"U+{low:X}" if low == high else f"U+{low:X}-{high:X}" for low, high in runs)


# A cut keeps its face's dates (fontTools would write the time of cutting into it): named in the caches' keys, so
# that a cut made before, dated when it was made, is not taken for one.
FONT_DATING = "face-dated"


def _cut(source: Path, code_points: frozenset[int], cache: Path) -> tuple[str, frozenset[int]]:
    """The face reduced to ``code_points`` (those it has), as a WOFF2 file in ``cache``; its name and code points."""
    key = hashlib.sha256(f"{source.name}\0{source.stat().st_size}\0{_unicode_range(code_points)}\0{FONT_DATING}"
                         .encode()).hexdigest()
    memo = cache / f"{key[:24]}.json"
    if memo.is_file():
        known = json.loads(memo.read_text(encoding="utf-8"))
        if (cache / known["file"]).is_file():
            return known["file"], frozenset(known["code_points"])
    font = TTFont(source, recalcTimestamp=False)  # the face's own date: the same cut gives the same bytes, any day
    kept = code_points & set(font.getBestCmap())
    options = subset.Options()
    options.flavor = "woff2"
    options.name_IDs = ["*"]  # the fonts' copyright and licence names travel with every cut
    cutter = subset.Subsetter(options)
    cutter.populate(unicodes=sorted(kept))
    cutter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    content = buffer.getvalue()
    name = f"{hashlib.sha256(content).hexdigest()[:12]}.woff2"
    _write(cache / name, content)
    _write(memo, json.dumps({"file": name, "code_points": sorted(kept)}).encode())  # last: only once the file is whole
    return name, frozenset(kept)


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, content)


@lru_cache(maxsize=16)
def atlas_fonts(node_modules: Path, code_points: frozenset[int]) -> Fonts:
    """The page's font stylesheet and files for the characters ``code_points`` (see ``page_code_points``)."""
    cache = node_modules / FONT_CACHE
    # One process cuts at a time (the test processes, or a server's workers, starting together with no cache): the
    # others wait and read its cuts instead of cutting the same faces again.
    with locked(cache):
        return _atlas_fonts(node_modules, code_points, cache)


def _atlas_fonts(node_modules: Path, code_points: frozenset[int], cache: Path) -> Fonts:
    rules, files = [], {}
    for family in FAMILIES:
        wanted = frozenset(point for point in code_points if _in_ranges(point, family.script)) | frozenset(
            point for low, high in family.always for point in range(low, high + 1))
        for weight in family.weights:
            for face in _faces(node_modules / family.package / f"{weight}.css"):
                if not face.code_points & wanted:
                    continue
                name, kept = _cut(node_modules / family.package / face.file, face.code_points & wanted, cache)
                if kept:
                    files[f"{FONT_ASSET_DIR}/{name}"] = cache / name
                    rules.append({"family": family.family, "weight": weight, "file": name,
                                  "range": _unicode_range(kept)})
    css = template("fonts.css").render(rules=rules).encode("utf-8")
    stylesheet = f"cqatlas/fonts.{hashlib.sha256(css).hexdigest()[:12]}.css"
    _write(cache / stylesheet.rpartition("/")[2], css)
    return Fonts(stylesheet=stylesheet, files={stylesheet: cache / stylesheet.rpartition("/")[2], **files})
