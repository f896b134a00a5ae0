"""Per-area and per-module mutation scores from the results mutmut leaves in mutants/ (after `make mutation`).

Prints a Markdown table: killed, survived, timeout, no tests, not checked, and the score killed / (all checked).
Timeouts count as killed (the mutant made the tests hang), as mutmut itself counts them.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from mutmut.stats import status_by_exit_code

# Paths relative to geo/, as listed under [tool.mutmut] only_mutate in pyproject.toml.
AREAS = {
    "validation": ("data/validate.py", "data/figures.py", "data/figure_checks.py", "data/strict_json.py",
                   "data/placement.py", "data/provenance.py", "data/year_rule.py", "data/problems.py",
                   "data/schema.py", "data/errors.py"),
    "dataset declarations": ("data/registry.py", "data/figure_registry.py", "data/i18n.py", "data/geodesy.py"),
    "queries": ("data/query.py", "ogc/filtering.py", "ogc/params.py"),
    "formats": ("publish/formats.py",),
    "build output": ("publish/output.py", "publish/build.py", "publish/prepared.py", "publish/reproducible.py"),
    "OGC documents": ("ogc/documents.py", "ogc/crs.py"),
    "routes": ("corridors/routes.py", "corridors/transport_factors.py", "data/figures_read.py",
               "corridors/network.py", "corridors/places.py", "corridors/route_index.py", "corridors/route_text.py",
               "corridors/routes_table.py"),
    "map data preparation": ("map/render.py", "data/atlas.py", "map/page_data.py", "map/city_glance.py"),
}
COLUMNS = ("killed", "survived", "timeout", "no tests", "not checked")


def counts(mutants_dir: Path, module: str) -> Counter:
    meta_file = mutants_dir / "geo" / f"{module}.meta"
    if not meta_file.is_file():  # mutmut has not generated this module's mutants yet
        return Counter()
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    found = Counter(status_by_exit_code[code] for code in meta["exit_code_by_key"].values())
    return Counter({column: found.get(column, 0) for column in COLUMNS}) + Counter(
        {"other": sum(v for k, v in found.items() if k not in COLUMNS)})


def row(name: str, found: Counter) -> str:
    checked = sum(found[c] for c in ("killed", "survived", "timeout", "no tests")) + found["other"]
    score = f"{100 * (found['killed'] + found['timeout']) / checked:.1f} %" if checked else "–"
    return "| " + " | ".join([name, *(str(found[c]) for c in COLUMNS), score]) + " |"


def main(mutants_dir: Path = Path("mutants")) -> None:
    print("| area / module | " + " | ".join(COLUMNS) + " | score |")
    print("|---" * (len(COLUMNS) + 2) + "|")
    for area, modules in AREAS.items():
        per_module = {module: counts(mutants_dir, module) for module in modules}
        print(row(f"**{area}**", sum(per_module.values(), Counter())))
        for module, found in per_module.items():
            print(row(f"geo/{module}", found))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("mutants"))
