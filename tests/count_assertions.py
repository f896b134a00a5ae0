"""How much the suite asserts, file by file: `assert` statements, Playwright `expect(...)` calls and
`pytest.raises(...)` blocks, counted in the source (not per run). Compare the totals before and after reorganising
tests, so that nothing asserted is dropped on the way.

    python tests/count_assertions.py [tests-folder]
"""

from __future__ import annotations

import ast
import sys
from collections import Counter
from pathlib import Path


def call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def count(path: Path) -> Counter[str]:
    counts: Counter[str] = Counter()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Assert):
            counts["assert"] += 1
        elif isinstance(node, ast.Call) and call_name(node) in ("expect", "raises"):
            counts[call_name(node)] += 1
    return counts


def main(folder: Path) -> None:
    total: Counter[str] = Counter()
    print(f"{'file':<36}{'assert':>8}{'expect':>8}{'raises':>8}")
    for path in sorted(folder.glob("*.py")):
        counts = count(path)
        total += counts
        if counts:
            print(f"{path.name:<36}{counts['assert']:>8}{counts['expect']:>8}{counts['raises']:>8}")
    print(f"{'total':<36}{total['assert']:>8}{total['expect']:>8}{total['raises']:>8}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent)
