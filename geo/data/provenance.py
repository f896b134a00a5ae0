"""Where a feature's geometry comes from: the datasets it was derived from, with version and licence."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, HttpUrl


class Dataset(BaseModel):
    """One dataset a geometry was derived from or placed on (e.g. a railway network, district boundaries)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=3)
    version: str = Field(min_length=1)
    license: str = Field(min_length=2)
    attribution: str | None = None
    url: HttpUrl | None = None

    def as_json(self) -> dict[str, str]:
        return {key: str(value) for key, value in self.model_dump().items() if value is not None}


#: Positions and shapes drawn by the atlas's editors from the cited sources (no reference dataset).
EDITORS = Dataset(name="Chongqing Trade Atlas editors (placed from the cited sources)", version="1", license="CC BY 4.0")
