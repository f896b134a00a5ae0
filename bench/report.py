"""bench/RESULTS.md: sections in a fixed order, each stamped with the run that measured it.

A partial run (``--only``) replaces its own sections and keeps the others from the previous file, each with its
own date, so that the file never mixes runs without saying so.
"""

from __future__ import annotations

import re
from pathlib import Path

STAMP = "_Measured "


def stamp(lines: list[str], when: str, load_before: str, load_after: str) -> list[str]:
    """The section with a line naming its run and the machine's load averages around it."""
    return [lines[0], "", f"{STAMP}{when}; load average (1/5/15 min) {load_before} at its start, "
                          f"{load_after} at its end._", *lines[1:]]


def _sections(text: str) -> tuple[str | None, dict[str, str]]:
    """The previous run's date (from its header) and its sections by heading."""
    run = re.search(r"^Run (\d{4}-\d\d-\d\d \d\d:\d\d UTC)", text, re.MULTILINE)
    sections = {}
    for chunk in re.split(r"\n(?=## )", text):
        if chunk.startswith("## "):
            sections[chunk.splitlines()[0]] = chunk.rstrip("\n") + "\n"
    return (run.group(1) if run else None), sections


def write(results: Path, header: list[str], order: list[str], measured: dict[str, list[str]]) -> list[str]:
    """Write the file from ``measured`` sections (heading → lines) and the previous file's other sections in
    ``order``, then any the previous file holds outside it; returns the headings carried over from the previous
    file."""
    previous_run, previous = _sections(results.read_text(encoding="utf-8")) if results.exists() else (None, {})
    parts, carried = ["\n".join(header).rstrip("\n") + "\n"], []
    # Sections written by other scripts (bench/lighthouse.py) come after the ordered ones, as they were.
    for heading in [*order, *(heading for heading in previous if heading not in order)]:
        if heading in measured:
            parts.append("\n".join(measured[heading]).rstrip("\n") + "\n")
        elif heading in previous:
            section = previous[heading]
            if STAMP not in section and previous_run:
                first, _, rest = section.partition("\n")
                section = f"{first}\n\n{STAMP}{previous_run} (an earlier run)._\n{rest}"
            parts.append(section)
            carried.append(heading)
    results.write_text("\n".join(parts), encoding="utf-8")
    return carried
