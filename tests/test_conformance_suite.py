"""The independent OGC API – Features test suite ``ogctests`` (PyPI), run as a black box against ``cqatlas serve``.

It lives in its own environment (``.venv-ogctests``, made by ``make test``) because it pins its own versions of
httpx, pytest and pyarrow. Its core module covers the Part 1 abstract test suite; its filtering module (Part 3)
is marked work-in-progress upstream and several of its tests cannot pass against any server in 0.1.15: those
are listed here with the reason, every other test must pass.
"""

from __future__ import annotations

import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import ARTIFACTS, REPO

SUITE_PYTHON = REPO / ".venv-ogctests" / "bin" / "python"

# Defects of ogctests 0.1.15 itself (read from its source), not of the server:
SUITE_DEFECTS = {
    # parses Link headers keeping the quotes that RFC 8288 requires around a URI relation type, so it never finds
    # rel="http://www.opengis.net/def/rel/ogc/1.0/queryables"; its parser also stores the target as "iri", then
    # reads "href"
    "test_ct2": "Link header parsing",
    # passes a list as the request URL (and depends on test_ct2's side effects)
    "test_ct3": "requests a list as URL",
    # read resource["queryable"] / ["additional_properties"] / ["spatial_queryable"] that only test_ct3 would set
    "test_ct5": "depends on test_ct3", "test_ct7": "depends on test_ct3", "test_ct9": "depends on test_ct3",
    # indexes a string with ["key"] after test_ct3, and test_ct10 uses an undefined name CQL2_FILTER_LANG
    "test_ct8": "indexes a string", "test_ct10": "undefined name",
}


def run_suite(scope: str, url: str) -> dict[str, str]:
    if not SUITE_PYTHON.exists():
        pytest.fail("ogctests is not installed: `make test` installs it into .venv-ogctests")
    package = Path(subprocess.run([str(SUITE_PYTHON), "-c", "import ogctests, os; print(os.path.dirname(ogctests.__file__))"],
                                  check=True, capture_output=True, text=True).stdout.strip())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report = ARTIFACTS / f"ogctests-{scope}.xml"
    env = {**os.environ, "INSTANCE_URL": f"{url}/ogc"}
    env.pop("PYTEST_ADDOPTS", None)
    subprocess.run([str(SUITE_PYTHON), "-m", "pytest", str(package / "features" / scope), "-p", "no:cacheprovider",
                    "-q", "--tb=short", f"--junitxml={report}", "--rootdir", str(package),
                    # The suite lives inside this project's folder, so pytest would take our pyproject.toml's options.
                    "-o", "addopts="],
                   env=env, cwd=package, capture_output=True, text=True, timeout=300)
    outcomes = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        failed = case.find("failure") is not None or case.find("error") is not None
        skipped = case.find("skipped") is not None
        outcomes[case.get("name")] = "failed" if failed else "skipped" if skipped else "passed"
    return outcomes


def test_core_abstract_test_suite_passes_completely(server_process: str) -> None:
    outcomes = run_suite("core", server_process)
    assert len(outcomes) == 29, outcomes  # /conf/core has 29 abstract tests (ats1..ats29)
    assert {name for name, outcome in outcomes.items() if outcome != "passed"} == set()


def test_filtering_suite_passes_except_its_own_defects(server_process: str) -> None:
    outcomes = run_suite("filtering", server_process)
    runnable = {name: outcome for name, outcome in outcomes.items() if name not in SUITE_DEFECTS}
    assert runnable == {"test_ct1": "passed", "test_ct4": "passed", "test_ct6": "passed"}
