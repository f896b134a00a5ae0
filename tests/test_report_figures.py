"""Each figure the report gives about a mapped thing is in the published atlas: on the right feature, with its unit
and a source from the report's reference list, and downloadable.

The expected values are in tests/fixtures/report_figures.tsv, transcribed by hand from the report's text (with the
line each comes from), and its reference list in report_references.tsv — never read from the layer files.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyogrio
import pytest
from fastapi.testclient import TestClient

from geo.data.schema import DOCUMENTED_FIGURES
from tests.conftest import REPO

FIXTURES = REPO / "tests" / "fixtures"


@dataclass(frozen=True)
class ReportFigure:
    feature_id: str
    name: str
    value: Any
    unit: str
    refs: tuple[int, ...]
    line: int

    def __str__(self) -> str:
        return f"{self.feature_id}.{self.name} (report line {self.line})"


def _rows(name: str) -> list[list[str]]:
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


REPORT_FIGURES = [ReportFigure(row[0], row[1], json.loads(row[2]), row[3], tuple(int(r) for r in row[4].split(";")),
                               int(row[5])) for row in _rows("report_figures.tsv")]
REPORT_REFERENCES = {int(row[0]): row[1] for row in _rows("report_references.tsv")}


def canonical(value: Any, feature_as_of: str | None) -> dict[str, Any]:
    """One comparable form of the four shapes: a plain number takes the feature's as-of date."""
    if isinstance(value, (int, float)):
        return {"value": value, "as_of": feature_as_of}
    return {"as_of": None, **value} if "series" not in value else dict(value)


@pytest.fixture(scope="module")
def published(client: TestClient) -> dict[str, dict[str, Any]]:
    """Every feature of the atlas as downloaded over HTTP, by id."""
    body = client.get("/api/atlas.geojson").json()
    return {feature["properties"]["id"]: feature for feature in body["features"]}


def test_fixture_is_the_report_list() -> None:
    assert len(REPORT_FIGURES) > 200
    assert len({(f.feature_id, f.name) for f in REPORT_FIGURES}) == len(REPORT_FIGURES), "a figure is listed twice"


@pytest.mark.parametrize("figure", REPORT_FIGURES, ids=str)
def test_report_figure_is_on_its_feature_with_unit_and_source(published: dict[str, dict[str, Any]],
                                                              figure: ReportFigure) -> None:
    feature = published.get(figure.feature_id)
    assert feature is not None, f"no feature {figure.feature_id!r} in the atlas"
    properties = feature["properties"]
    assert figure.name in properties, f"{figure} is missing"
    if figure.name == "established":
        assert properties["established"] == figure.value
    else:
        assert DOCUMENTED_FIGURES[figure.name][1] == figure.unit, f"{figure}: unit"
        expected = canonical(figure.value, None)
        actual = canonical(properties[figure.name], properties.get("figures_as_of"))
        if expected.get("as_of") is None:
            actual.pop("as_of", None)
            expected.pop("as_of", None)
        assert actual == expected, f"{figure}: the report says {figure.value}"
    supporting = {source["report_ref"]: source["url"] for source in properties["sources"]
                  if figure.name in source["supports"] and source.get("report_ref")}
    for ref in figure.refs:
        assert ref in supporting, f"{figure}: no source with report reference [{ref}] supports it"
        assert supporting[ref].rstrip("/") == REPORT_REFERENCES[ref].rstrip("/"), f"{figure}: URL of [{ref}]"



@pytest.fixture(scope="module")
def tables(client: TestClient, tmp_path_factory: pytest.TempPathFactory,
           published: dict[str, dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """Every layer downloaded as GeoPackage and read back by GDAL: layer -> feature id -> row."""
    path = tmp_path_factory.mktemp("gpkg") / "atlas.gpkg"
    path.write_bytes(client.get("/api/atlas.gpkg").content)
    result = {}
    for layer, _ in pyogrio.list_layers(path):
        frame = pyogrio.read_dataframe(path, layer=layer)
        result[layer] = {row["id"]: row.to_dict() for _, row in frame.iterrows()}
    return result


@pytest.mark.parametrize("figure", [f for f in REPORT_FIGURES if f.name != "established"], ids=str)
def test_report_figure_survives_a_geopackage_download(tables: dict[str, dict[str, dict[str, Any]]],
                                                      published: dict[str, dict[str, Any]],
                                                      figure: ReportFigure) -> None:
    layer = published[figure.feature_id]["properties"]["layer"]
    cell = tables[layer][figure.feature_id][figure.name]
    # Numbers stay numbers; any other shape comes back as compact JSON text.
    value = json.loads(cell) if isinstance(cell, str) else cell
    expected = canonical(figure.value, None)
    actual = canonical(value, published[figure.feature_id]["properties"].get("figures_as_of"))
    if expected.get("as_of") is None:
        actual.pop("as_of", None)
        expected.pop("as_of", None)
    assert actual == expected


def test_catalog_gives_each_report_figure_its_unit(client: TestClient) -> None:
    figures = client.get("/api/layers").json()["figures"]
    for figure in REPORT_FIGURES:
        if figure.name != "established":
            assert figures[figure.name]["unit"] == figure.unit, figure


@pytest.mark.parametrize(("ext", "id_column"), [("csv", "id"), ("kml", "atlas_id")])
def test_csv_and_kml_write_non_scalar_figures_as_compact_json(client: TestClient, tmp_path: Path, ext: str,
                                                             id_column: str) -> None:
    path = tmp_path / f"rail_europe.{ext}"
    path.write_bytes(client.get(f"/api/layers/rail_europe.{ext}").content)
    frame = pyogrio.read_dataframe(path)
    row = frame[frame[id_column] == "chongqing-xinjiang-europe-railway"].iloc[0]
    assert row["transit_days"] == '{"min":15,"max":20}'
    assert json.loads(row["network_trips_by_year"]) == {"series": {"2016": 1702, "2023": 17000}}


def _report_text() -> list[str] | None:
    """The report itself (Persian), from CQATLAS_REPORT or a shared seeds folder beside the checkout."""
    named = os.environ.get("CQATLAS_REPORT")
    candidates = [Path(named)] if named else [p for parent in REPO.parents
                                              for p in sorted((parent / "shared" / "seeds").glob("001_*.txt"))]
    for path in candidates:
        if path.is_file():
            return path.read_text(encoding="utf-8").splitlines()
    return None


# Plan targets and facts pinned to the words around their number in the report: (feature, property, line, words).
PINNED_IN_REPORT = [
    ("chongqing-municipality", "auto_parts_revenue_target_bn_cny", 1372, "درآمد عملیاتی {} میلیـارد یوان"),
    ("chongqing-municipality", "auto_parts_new_firms_target_count", 1374, "رسیـد و {} شـرکت"),
    ("chongqing-municipality", "auto_parts_exports_target_bn_cny", 1378, "بـه {} میلیـارد یـوان"),
    ("chongqing-municipality", "advanced_materials_output_target_tn_cny", 1422, "به  {} تریــلیون یــوان"),
    ("chongqing-municipality", "hydrogen_testing_centre_investment_mn_cny", 1337, "سـرمایهگذاری {}"),
    ("chongqing-municipality", "hydrogen_testing_centre_site_ha", 1339, "بیـش از {} هکتـار"),
    ("chongqing-municipality", "fuel_cell_logistics_vehicles_target_count", 1347, "بدینترتیب {} دسـتگاه"),
]
PERSIAN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")


@pytest.mark.parametrize(("feature_id", "name", "line", "words"), PINNED_IN_REPORT, ids=[p[1] for p in PINNED_IN_REPORT])
def test_new_figure_is_the_number_the_report_writes(published: dict[str, dict[str, Any]], feature_id: str, name: str,
                                                    line: int, words: str) -> None:
    report = _report_text()
    if report is None:
        pytest.skip("the report's text is not on this machine (set CQATLAS_REPORT)")
    value = published[feature_id]["properties"][name]
    number = value["value"] if isinstance(value, dict) else value
    text = report[line - 1].translate(PERSIAN_DIGITS)
    assert words.format(f"{number:g}") in text, f"{feature_id}.{name}={number}: report line {line} reads {text!r}"
