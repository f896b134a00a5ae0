"""Validation problems: every one names the file, the feature and the field."""

from __future__ import annotations

from dataclasses import dataclass

from geo.data.errors import AtlasError

MAX_MESSAGE = 400  # characters of one message; a 3 MB position must not become a 3 MB log line
MAX_PROBLEMS = 500  # problems listed in one report (all are counted)


def clip(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    feature_id: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = clip(self.file, 200)
        if self.feature_id:
            where += f" [{clip(self.feature_id, 100)}]"
        if self.field:
            where += f" {clip(self.field, 200)}"
        return f"{where}: {clip(self.message)}"


class AtlasInvalid(AtlasError):
    """Raised when the layers do not validate; carries every problem found."""

    status = 422
    code = "InvalidData"

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__(f"{len(self.problems)} validation problem(s)")

    def report(self) -> str:
        lines = [str(problem) for problem in self.problems[:MAX_PROBLEMS]]
        if len(self.problems) > MAX_PROBLEMS:
            lines.append(f"… and {len(self.problems) - MAX_PROBLEMS} more problem(s) not listed")
        lines.append(f"{len(self.problems)} problem(s) found; nothing was built.")
        return "\n".join(lines)
