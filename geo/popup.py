"""Popup and tooltip markup. Every attribute value is escaped here: attribute text is data, never markup."""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import urlsplit

from geo.registry import LayerSpec
from geo.schema import COMPUTED_FIGURES, DOCUMENTED_FIGURES, QUALITY_WORDING


def format_number(value: float | int) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


def safe_link(url: str, text: str) -> str:
    """An <a> for http(s) URLs only; anything else is shown as plain text."""
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return escape(text)
    return f'<a href="{escape(url, quote=True)}" target="_blank" rel="noopener noreferrer">{escape(text)}</a>'


def _row(label: str, value_html: str) -> str:
    return f"<tr><th>{escape(label)}</th><td>{value_html}</td></tr>"


def _figure_rows(properties: dict[str, Any]) -> list[str]:
    rows = []
    as_of = properties.get("figures_as_of")
    for name, (label, unit) in DOCUMENTED_FIGURES.items():
        value = properties.get(name)
        if value is None:
            continue
        text = f"{format_number(value)} {unit}" if unit != "rank" else f"#{format_number(value)}"
        if as_of and name not in ("documented_area_km2", "documented_built_area_km2", "documented_floor_area_m2"):
            text += f" (as of {as_of})"
        rows.append(_row(label, escape(text)))
    for name, (label, unit) in COMPUTED_FIGURES.items():
        value = properties.get(name)
        if value is not None:
            rows.append(_row(label, escape(f"{format_number(value)} {unit}")))
    return rows


def popup_html(spec: LayerSpec, properties: dict[str, Any], download_href: str) -> str:
    kind = spec.kinds.get(properties["kind"])
    parts = [f'<div class="cq-popup"><h3 class="cq-name-en">{escape(properties["name_en"])}</h3>']
    parts.append(f'<p class="cq-name-zh" lang="zh">{escape(properties["name_zh"])}</p>')
    if properties.get("name_fa"):
        parts.append(f'<p class="cq-name-fa" dir="rtl" lang="fa">{escape(properties["name_fa"])}</p>')
    rows = [_row("Kind", escape(kind.label if kind else properties["kind"]))]
    if properties.get("established") is not None:
        rows.append(_row("Established", escape(str(properties["established"]))))
    rows += _figure_rows(properties)
    quality = QUALITY_WORDING[properties["geometry_quality"]]
    rows.append(_row("Geometry", f'<span class="cq-quality cq-quality-{escape(properties["geometry_quality"])}">'
                                 f"{escape(quality)}</span> — {escape(properties['geometry_note'])}"))
    parts.append(f'<table class="cq-facts">{"".join(rows)}</table>')
    parts.append(f'<p class="cq-description">{escape(properties["description_en"])}</p>')
    sources = []
    for source in properties["sources"]:
        ref = f" (report ref. [{source['report_ref']}])" if source.get("report_ref") else ""
        sources.append(f"<li>{safe_link(source['url'], source['title'])}{escape(ref)}</li>")
    parts.append(f'<p class="cq-sources-title">Sources</p><ol class="cq-sources">{"".join(sources)}</ol>')
    # download_href is built by the atlas itself (relative or /api path), never taken from attribute text.
    parts.append(f'<p class="cq-download"><a href="{escape(download_href, quote=True)}" download>'
                 f'Download layer “{escape(spec.title)}” (GeoJSON)</a></p>')
    parts.append("</div>")
    return "".join(parts)


def tooltip_html(properties: dict[str, Any]) -> str:
    return escape(properties["name_en"])
