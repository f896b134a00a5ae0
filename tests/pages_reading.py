"""Reading the feature and layer pages as a client without script does, and the facts they must state, taken
from the layer files and the message catalogs themselves (never from the page code)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup

from tests.conftest import LAYERS_DIR, REPO

MESSAGES = REPO / "geo" / "data" / "messages"
LANGS = ("en", "zh", "fa")
# The release the pages must cite: the newest heading of the data changelog.
RELEASE = re.search(r"^## \[(\d+\.\d+\.\d+)\] – (\d{4}-\d{2}-\d{2})",
                    (REPO / "CHANGELOG.md").read_text(encoding="utf-8"), re.M)
VERSION, RELEASED = RELEASE.group(1), RELEASE.group(2)


def layer_files() -> dict[str, dict[str, Any]]:
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(LAYERS_DIR.glob("*.geojson"))}


def features_in_files() -> list[tuple[str, dict[str, Any]]]:
    return [(layer_id, feature["properties"]) for layer_id, data in layer_files().items()
            for feature in data["features"]]


def messages(lang: str) -> dict[str, str]:
    return json.loads((MESSAGES / f"{lang}.json").read_text(encoding="utf-8"))


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def english_number(value: float) -> str:
    """How an English reader writes a documented number: grouped thousands, the decimals the source gave."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


def is_figure(name: str, value: Any) -> bool:
    return f"figure.{name}.label" in messages("en") and value is not None


# The digits a Persian reader is shown (Extended Arabic-Indic, U+06F0–U+06F9); Chinese and English keep 0–9.
PERSIAN_DIGITS = str.maketrans("0123456789", "\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9")


def check_status(page: BeautifulSoup, props: dict[str, Any], lang: str) -> None:
    """The lifecycle status in the catalog's words, with the date the source gives it for, in the language's digits;
    no status row for a feature whose sources state none."""
    cell = page.select_one('[data-fact="status"]')
    if not props.get("status"):
        assert cell is None
        return
    words = messages(lang)
    assert cell is not None and cell["data-status"] == props["status"]
    assert cell.find_previous_sibling("th").get_text() == words["popup.status"]
    date = props["status_as_of"].translate(PERSIAN_DIGITS) if lang == "fa" else props["status_as_of"]
    assert cell.get_text() == f"{words['status.' + props['status']]} ({words['popup.as_of'].format(date=date)})"


def check_feature_page(page: BeautifulSoup, layer_id: str, props: dict[str, Any], lang: str) -> None:
    """Everything the page states about the feature equals the layer file."""
    words = messages(lang)
    article = page.select_one("article.cq-feature")
    assert article is not None and article["data-feature"] == props["id"]
    assert page.html["lang"] == lang and page.html["dir"] == ("rtl" if lang == "fa" else "ltr")
    names = {li["data-name"]: li.get_text() for li in page.select(".cq-names li")}
    assert names == {code: props[f"name_{code}"] for code in LANGS if props.get(f"name_{code}")}
    assert page.select_one('[data-fact="kind"]').get_text() == words.get(f"kind.{props['kind']}",
                                                                          messages("en")[f"kind.{props['kind']}"])
    year = page.select_one('[data-fact="year"]')
    if props.get("established"):
        assert year["data-year-rule"] == "established"
        if lang == "en":
            assert year.get_text().startswith(str(props["established"]))
    check_status(page, props, lang)
    assert page.select_one(".cq-description").get_text() == props["description_en"]
    assert page.select_one("[data-quality]")["data-quality"] == props["geometry_quality"]
    assert page.select_one(".cq-geometry-note").get_text() == props["geometry_note"]
    assert [li["data-dataset"] for li in page.select(".cq-datasets li")] == \
        [d["name"] for d in props.get("geometry_datasets") or []]
    assert [s["data-district"] for s in page.select("[data-district]")] == (props.get("districts") or [])
    figures = {name: value for name, value in props.items() if is_figure(name, value)}
    rows = {row["data-figure"]: row for row in page.select(".cq-figures tbody tr")}
    assert set(figures) <= set(rows), set(figures) - set(rows)
    for name, value in figures.items():
        row = rows[name]
        assert row.th.get_text() == words.get(f"figure.{name}.label", messages("en")[f"figure.{name}.label"])
        text = row.find_all("td")[0].get_text()
        unit = words.get(f"figure.{name}.unit") or messages("en")[f"figure.{name}.unit"]
        # Chinese counts in 万 and 亿: "百万人" (millions of people) is written 3191.4万人, the scale in the number.
        scale = next((p for p in ("万亿", "十亿", "百万") if lang == "zh" and unit.startswith(p)), "")
        unit = unit[len(scale):]
        if unit != words.get("figure.rank") and messages("en")[f"figure.{name}.unit"] != "rank":
            assert unit in text, (name, unit, text)
        number = value if isinstance(value, int | float) else value.get("value") if isinstance(value, dict) else None
        if lang == "en" and isinstance(number, int | float):
            assert english_number(number) in text, (name, number, text)
        if lang == "en" and isinstance(value, dict) and value.get("as_of"):
            assert value["as_of"] in text
        refs = sorted(int(r["data-report-ref"]) for r in row.select("[data-report-ref]"))
        assert refs == sorted(s["report_ref"] for s in props["sources"] if name in s.get("supports", [])
                              and s.get("report_ref")), name
        if isinstance(value, dict) and "series" in value:
            table = page.select_one(f'table[data-series="{name}"]')
            assert {int(td["data-year"]): float(td.find_next_sibling("td")["data-value"])
                    for td in table.select("td[data-year]")} == {int(y): float(v) for y, v in value["series"].items()}
    sources = page.select(".cq-sources li a")
    assert [a["href"] for a in sources] == [s["url"] for s in props["sources"]]
    assert [a.get_text() for a in sources] == [s["title"] for s in props["sources"]]
