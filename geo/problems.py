"""Validation problems: every one names the file, the feature and the field."""

from __future__ import annotations

from dataclasses import dataclass

from geo.errors import AtlasError


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    feature_id: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.feature_id:
            where += f" [{self.feature_id}]"
        if self.field:
            where += f" {self.field}"
        return f"{where}: {self.message}"


class AtlasInvalid(AtlasError):
    """Raised when the layers do not validate; carries every problem found."""

    status = 422
    code = "InvalidData"

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__(f"{len(self.problems)} validation problem(s)")

    def report(self) -> str:
        lines = [str(problem) for problem in self.problems]
        lines.append(f"{len(self.problems)} problem(s) found; nothing was built.")
        return "\n".join(lines)
