"""Print and export of the map, in a real Chromium with every request off the machine refused: a known view (two
layers on) saved as PNG and PDF from the static site and the served app holds the title, the legend of exactly the
layers on (their titles and kinds as the catalogs and layer files name them, their colours as the layer registry
gives them), the data version and the link back; Persian reads right to left; the export's code loads only when
asked for; the print stylesheet gives the same on paper."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path
from typing import Any

import pypdf
import pytest
from PIL import Image

from geo.data.registry import LAYERS_BY_ID
from tests.browsing import close_map, PageWatch, open_map, page_url
from tests.conftest import LiveServer
from tests.pages_reading import VERSION, layer_files, messages

pytestmark = pytest.mark.browser

ON = ("bonded_zones", "rail_europe")
VIEW = "map=9/29.6/106.55"
# A layer that is off, whose symbol's fill (the layer registry's) appears nowhere else on the sheet.
OFF_COLOUR_LAYER, OFF_KIND = "logistics_hubs", "rail_port"


def _words(text: str) -> str:
    """Text as a reader compares it: compatibility forms folded (a PDF holds Persian in its presentation forms),
    every run of spaces and line breaks one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def _kinds_in_files(layer_id: str) -> set[str]:
    return {feature["properties"]["kind"] for feature in layer_files()[layer_id]["features"]}


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _open_view(browser: Any, live_server: LiveServer, built_site: Path, mode: str, lang: str) -> PageWatch:
    url = f"{page_url(mode, live_server, built_site)}#{VIEW}&layers={','.join(ON)}&lang={lang}"
    watch = open_map(browser, url, mode)
    watch.page.wait_for_function("lang => document.documentElement.lang === lang", arg=lang)
    # The address once the map has written the view into it (the link back names this view).
    watch.page.wait_for_function("() => window.location.hash.indexOf('106.55000') >= 0")
    return watch


def _export(page: Any, kind: str) -> bytes:
    with page.expect_download(timeout=60_000) as download:
        page.click(f'button[data-export="{kind}"]')
    return Path(download.value.path()).read_bytes()


def _legend_rows(image: Image.Image) -> Image.Image:
    """The sheet below the map: the map's land is the offline outlines' fill (#f8f8f6), which the sheet never uses."""
    pixels = image.convert("RGB").load()
    land = [y for y in range(0, image.height, 2) if any(pixels[x, y] == (248, 248, 246)
                                                        for x in range(0, image.width, 7))]
    return image.crop((0, max(land) + 4, image.width, image.height)).convert("RGB")


def _has_colour(image: Image.Image, colour: tuple[int, int, int], tolerance: int = 10) -> bool:
    return any(all(abs(a - b) <= tolerance for a, b in zip(pixel, colour)) for pixel in image.getdata())


@pytest.mark.parametrize("mode", ["served", "static"])
def test_png_and_pdf_of_a_known_view_hold_its_legend_version_and_link(browser: Any, live_server: LiveServer,
                                                                      built_site: Path, mode: str) -> None:
    words = messages("en")
    watch = _open_view(browser, live_server, built_site, mode, "en")
    page = watch.page
    # Nothing of the export's code is loaded with the page: not its script, jsPDF or its fonts (only its print
    # stylesheet, for print media, which holds up no drawing).
    assert not [url for url in watch.requested if url.endswith(".js") and ("/cqatlas/export." in url or "jspdf" in url
                                                                          or "/cqatlas/fonts/" in url)]
    pdf_bytes = _export(page, "pdf")
    png_bytes = _export(page, "png")
    link = page.evaluate("window.location.href")
    assert [url for url in watch.requested if "/cqatlas/export." in url and url.endswith(".js")]
    assert [url for url in watch.requested if "jspdf" in url]

    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes))
    assert len(reader.pages) == 1
    text = _words(reader.pages[0].extract_text())
    assert words["app.title"] in text
    for layer_id in LAYERS_BY_ID:
        title = words[f"layer.{layer_id}.title"]
        assert (title in text) == (layer_id in ON), (layer_id, title)
    for layer_id in ON:
        for kind in _kinds_in_files(layer_id):
            assert words[f"kind.{kind}"] in text, kind
    assert words["export.version"].split("{")[0].strip() in text and VERSION in text
    assert link in text
    assert [annotation.get_object()["/A"]["/URI"] for annotation in reader.pages[0]["/Annots"]] == [link]

    image = Image.open(io.BytesIO(png_bytes))
    image.load()
    map_size = page.evaluate("[document.querySelector('.cq-map').clientWidth, document.querySelector('.cq-map').clientHeight]")
    # The map at twice its size on screen, with the sheet's margins; the title above it, legend and facts below.
    assert image.format == "PNG" and image.width == 2 * (map_size[0] + 2 * 24) and image.height > 2 * map_size[1] + 200
    legend = _legend_rows(image)
    on_style = LAYERS_BY_ID["bonded_zones"].kinds["bonded_port_area"]
    off_style = LAYERS_BY_ID[OFF_COLOUR_LAYER].kinds[OFF_KIND]
    assert _has_colour(legend, _rgb(on_style.color))
    assert not _has_colour(legend, _rgb(off_style.fill_color))
    watch.check()
    close_map(page)


@pytest.mark.parametrize("mode", ["static"])
def test_persian_export_reads_right_to_left(browser: Any, live_server: LiveServer, built_site: Path, mode: str) -> None:
    words = messages("fa")
    watch = _open_view(browser, live_server, built_site, mode, "fa")
    page = watch.page
    text = _words(pypdf.PdfReader(io.BytesIO(_export(page, "pdf"))).pages[0].extract_text())
    assert _words(words["app.title"]) in text
    for layer_id in ON:
        assert _words(words[f"layer.{layer_id}.title"]) in text
    assert VERSION in text
    image = Image.open(io.BytesIO(_export(page, "png"))).convert("RGB")
    # The title's ink (dark text) in the band above the map sits at the right, where a right-to-left page starts.
    band = image.crop((0, 0, image.width, 2 * 60))
    ink = [x for x in range(band.width) for y in range(0, band.height, 2) if sum(band.getpixel((x, y))) < 200]
    assert ink and min(ink) > image.width / 2, (min(ink), image.width)
    watch.check()
    close_map(page)


def test_english_title_starts_at_the_left(browser: Any, live_server: LiveServer, built_site: Path) -> None:
    watch = _open_view(browser, live_server, built_site, "static", "en")
    image = Image.open(io.BytesIO(_export(watch.page, "png"))).convert("RGB")
    band = image.crop((0, 0, image.width, 2 * 60))
    ink = [x for x in range(band.width) for y in range(0, band.height, 2) if sum(band.getpixel((x, y))) < 200]
    assert ink and max(ink) < image.width / 2
    watch.check()
    close_map(watch.page)


@pytest.mark.parametrize("mode", ["served", "static"])
def test_printed_map_has_title_legend_of_layers_on_version_and_link(browser: Any, live_server: LiveServer,
                                                                    built_site: Path, mode: str) -> None:
    words = messages("en")
    watch = _open_view(browser, live_server, built_site, mode, "en")
    page = watch.page
    page.wait_for_function("() => !!(document.querySelector('link[media=print]') || {}).sheet")  # the print stylesheet in
    link = page.evaluate("window.location.href")
    # All the sheets printed: where the legend is long, the version and link go on to a second page.
    printed = pypdf.PdfReader(io.BytesIO(page.pdf(print_background=True))).pages
    text = _words(" ".join(sheet.extract_text() for sheet in printed))
    assert words["app.title"] in text
    for layer_id in LAYERS_BY_ID:
        assert (words[f"layer.{layer_id}.title"] in text) == (layer_id in ON), layer_id
    assert VERSION in text and link in text.replace(" ", "")
    # No panel chrome on paper: the controls, table and buttons are not printed.
    for absent in (words["table.heading"], words["export.png"], words["download.heading"], words["search.label"]):
        assert absent not in text, absent
    watch.check()
    close_map(page)
