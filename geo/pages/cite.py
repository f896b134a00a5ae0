"""How to cite a feature or a layer at this data version: plain text, BibTeX, CSL-JSON, and schema.org JSON-LD.

One record (``Citable``) is written out four ways, so the four always say the same thing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from geo.data.registry import DATA_LICENSE, DATA_RELEASED, DATA_VERSION

PUBLISHER = "Chongqing Trade Atlas"
AUTHOR = "Chongqing Trade Atlas contributors"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"


@dataclass(frozen=True)
class Citable:
    key: str  # stable citation key (BibTeX key, CSL id)
    title: str
    url: str | None  # absolute where the site's address is known
    kind: str  # "feature" or "layer"
    description: str = ""
    license: str = DATA_LICENSE
    sources: tuple[dict[str, Any], ...] = field(default=())
    names: tuple[tuple[str, str], ...] = ()  # (language, name) for a place's other names
    coordinates: tuple[float, float] | None = None  # lon, lat of a representative point


def _year() -> str:
    return DATA_RELEASED[:4]


def plain_text(item: Citable) -> str:
    where = f" {item.url}" if item.url else ""
    return (f"{AUTHOR} ({_year()}). {item.title} [Data set]. {PUBLISHER}, data version {DATA_VERSION} "
            f"({DATA_RELEASED}). {item.license}.{where}")


def _bibtex_escape(text: str) -> str:
    # Braces and the characters TeX treats specially; the rest (Chinese, Persian, dashes) stays UTF-8 as biber reads it.
    text = re.sub(r"([\\{}])", r"\\\1", text)
    return re.sub(r"([&%$#_])", r"\\\1", text)


def bibtex(item: Citable) -> str:
    fields = [("author", "{" + AUTHOR + "}"), ("title", _bibtex_escape(item.title)), ("year", _year()),
              ("date", DATA_RELEASED), ("version", DATA_VERSION), ("publisher", PUBLISHER),
              ("note", _bibtex_escape(f"Data version {DATA_VERSION}; {item.license}"))]
    if item.url:
        fields.append(("url", item.url))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{item.key},\n{body}\n}}"


def csl_json(item: Citable) -> list[dict[str, Any]]:
    """One CSL-JSON item (the schema's array of items) of type ``dataset``."""
    record: dict[str, Any] = {
        "id": item.key, "type": "dataset", "title": item.title, "author": [{"literal": AUTHOR}],
        "publisher": PUBLISHER, "version": DATA_VERSION, "license": item.license,
        "issued": {"date-parts": [[int(part) for part in DATA_RELEASED.split("-")]]},
    }
    if item.url:
        record["URL"] = item.url
    if item.description:
        record["abstract"] = item.description
    return [record]


def json_ld(item: Citable) -> dict[str, Any]:
    """schema.org: a Dataset (the layer, or the feature's record) about a Place for a feature; licence, version,
    sources as ``citation``."""
    dataset: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Dataset", "name": item.title, "version": DATA_VERSION,
        "datePublished": DATA_RELEASED, "license": LICENSE_URL, "creator": {"@type": "Organization", "name": AUTHOR},
        "publisher": {"@type": "Organization", "name": PUBLISHER},
        "isAccessibleForFree": True,
        "citation": [{"@type": "CreativeWork", "name": s["title"], "url": s["url"]} for s in item.sources],
    }
    if item.description:
        dataset["description"] = item.description
    if item.url:
        dataset["url"] = item.url
    if item.kind == "feature":
        place: dict[str, Any] = {"@type": "Place", "name": item.title,
                                 "alternateName": [name for _, name in item.names if name != item.title]}
        if item.coordinates:
            place["geo"] = {"@type": "GeoCoordinates", "longitude": item.coordinates[0],
                            "latitude": item.coordinates[1]}
        dataset["about"] = place
    return dataset


def citation_blocks(item: Citable) -> dict[str, str]:
    return {"text": plain_text(item), "bibtex": bibtex(item),
            "csl": json.dumps(csl_json(item), ensure_ascii=False, indent=2)}
