"""What the map's print and export needs, loaded only when a reader asks for a PNG or PDF of the map.

Its script (``static/export``: the sheet drawn on a canvas, html-to-image for the map and jsPDF for the PDF, both
npm packages) is bundled on its own by esbuild as ``cqatlas/export.<hash>.js``, never with the page's first script.
A PDF embeds its fonts, and jsPDF reads TrueType only: per language one font, merged by fontTools from the atlas's
own fontsource faces (the Latin face and the language's script: Noto Sans SC's simplified Chinese cut down to the
characters the atlas shows, Vazirmatn's Arabic whole, with the presentation forms jsPDF writes Persian in). Each
font travels as a script handing it to ``CQAtlas.receive`` (a script loads from disk too, where fetch cannot),
``cqatlas/fonts/<hash>.js``, named by its content as the page's other fonts are (see ``geo.map.fonts``).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools import subset
from fontTools.merge import Merger
from fontTools.ttLib import TTFont

from geo.map.bundle import Bundles, named_bundles
from geo.map.fonts import FONT_ASSET_DIR, FONT_CACHE, FONT_DATING
from geo.map.mapelements import json_block
from geo.map.sources import STATIC_DIR, locked, template, write_atomically

EXPORT_ENTRIES = {"js": STATIC_DIR / "export" / "export.js", "css": STATIC_DIR / "export" / "export.css"}
_CJK = ((0x2E80, 0x2FDF), (0x3000, 0x303F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF))


@dataclass(frozen=True)
class ExportFont:
    """The font a language's PDF embeds: the fontsource faces it is merged from (files under the package's
    ``files/``), and whether the script face is cut down to the page's characters (Chinese: thousands of them)."""

    family: str
    package: str
    faces: tuple[str, ...]
    cut_to_page: bool = False


EXPORT_FONTS = {
    "en": ExportFont("Noto Sans SC", "@fontsource/noto-sans-sc", ("latin", "latin-ext")),
    "zh": ExportFont("Noto Sans SC", "@fontsource/noto-sans-sc", ("latin", "chinese-simplified"), cut_to_page=True),
    "fa": ExportFont("Vazirmatn", "@fontsource/vazirmatn", ("latin", "arabic")),
}


@dataclass(frozen=True)
class ExportAssets:
    """Asset names the page asks for (the bundle's script and stylesheet, each language's font script) and the
    files holding every one of them (asset name -> file)."""

    script: str
    stylesheet: str
    fonts: dict[str, str]
    files: dict[str, Path]


def export_bundles(node_modules: Path) -> Bundles:
    return named_bundles(node_modules, "export", EXPORT_ENTRIES)


def _face(node_modules: Path, font: ExportFont, face: str) -> Path:
    return node_modules / font.package / "files" / f"{font.package.rpartition('/')[2]}-{face}-400-normal.woff2"


def _truetype(source: Path, code_points: frozenset[int] | None) -> io.BytesIO:
    """The face as plain TrueType, cut to ``code_points`` where given (else whole); layout tables dropped: jsPDF
    shapes nothing itself beyond Arabic's presentation forms, which are characters of the font."""
    font = TTFont(source, recalcTimestamp=False)  # the face's own date: the same cut gives the same bytes, any day
    options = subset.Options()
    options.flavor = None
    options.layout_features = []
    options.name_IDs = ["*"]  # the fonts' copyright and licence names travel with every cut
    options.notdef_outline = True
    cutter = subset.Subsetter(options)
    kept = set(font.getBestCmap())
    cutter.populate(unicodes=sorted(kept & code_points if code_points is not None else kept))
    cutter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    buffer.seek(0)
    return buffer


def _in_cjk(point: int) -> bool:
    return any(low <= point <= high for low, high in _CJK)


def _font_script(node_modules: Path, language: str, code_points: frozenset[int]) -> tuple[str, Path]:
    """The language's font as a data script in the font cache: its asset name and file (made once per content)."""
    font = EXPORT_FONTS[language]
    wanted = frozenset(point for point in code_points if _in_cjk(point)) if font.cut_to_page else None
    sources = [_face(node_modules, font, face) for face in font.faces]
    key = hashlib.sha256(json.dumps([language, [f"{p.name}:{p.stat().st_size}" for p in sources],
                                     sorted(wanted) if wanted is not None else None, FONT_DATING]).encode()).hexdigest()
    cache = node_modules / FONT_CACHE
    with locked(cache):  # one process makes it, the others then read it (as geo.map.fonts)
        return _cached_font_script(language, wanted, sources, cache / f"export-{key[:24]}.name")


def _cached_font_script(language: str, wanted: frozenset[int] | None, sources: list[Path],
                        memo: Path) -> tuple[str, Path]:
    """The font script ``memo`` names, or made and named there."""
    font, cache = EXPORT_FONTS[language], memo.parent
    if memo.is_file() and (cache / memo.read_text(encoding="utf-8")).is_file():
        name = memo.read_text(encoding="utf-8")
        return f"{FONT_ASSET_DIR}/{name}", cache / name
    # The Latin face whole; the script face cut to the page's characters where it is large.
    parts = [_truetype(path, wanted if index and wanted is not None else None) for index, path in enumerate(sources)]
    merged = io.BytesIO()
    joined = Merger().merge(parts)
    # Dated as the first face, not at the time of merging (the merge and the save would write the clock into it).
    dated = TTFont(sources[0], lazy=True)["head"]
    joined["head"].created, joined["head"].modified = dated.created, dated.modified
    joined.recalcTimestamp = False
    joined.save(merged)
    data = {"family": font.family, "file": f"{font.family.replace(' ', '')}-{language}.ttf",
            "base64": base64.b64encode(merged.getvalue()).decode("ascii")}
    body = template("data.js").render(this={"name": f"export-font.{language}", "data_json": json_block(data)})
    content = body.encode("utf-8")
    name = f"{hashlib.sha256(content).hexdigest()[:12]}.js"
    write_atomically(cache / name, content)
    write_atomically(memo, name.encode())  # last: known only once the file is whole
    return f"{FONT_ASSET_DIR}/{name}", cache / name


@lru_cache(maxsize=8)
def export_assets(node_modules: Path, code_points: frozenset[int]) -> ExportAssets:
    """The export's bundle and fonts for a page showing ``code_points`` (see ``geo.map.fonts.page_code_points``)."""
    bundles = export_bundles(node_modules)
    fonts = {language: _font_script(node_modules, language, code_points) for language in EXPORT_FONTS}
    return ExportAssets(script=bundles.script, stylesheet=bundles.stylesheet,
                        fonts={language: name for language, (name, _) in fonts.items()},
                        files=bundles.files | {name: path for name, path in fonts.values()})
