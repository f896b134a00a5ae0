"""The static site's pages: a page per feature and per layer in every language, the index of layers, each
feature's downloads in every format, each layer's table as CSV, and the sitemap (where the site's address is known).

The served app renders the same pages per request (``web/routes/pages.py``) with its own addresses.
"""

from __future__ import annotations

from contextlib import contextmanager
from collections.abc import Iterator
from pathlib import Path

import pyogrio

from geo.data.atlas import Atlas
from geo.data.i18n import DEFAULT_LANGUAGE, LANGUAGES
from geo.data.registry import DATA_RELEASED
from geo.pages.layer_table import layer_table_csv
from geo.pages.links import FORMATS as FEATURE_FORMATS
from geo.pages.links import StaticLinks
from geo.pages.render import Site, feature_page, layer_page, layers_index_page, sitemap
from geo.publish.formats import FORMATS, encode


def _suffix(language: str) -> str:
    return "" if language == DEFAULT_LANGUAGE else f".{language}"


@contextmanager
def _dated_geopackages() -> Iterator[None]:
    # GeoPackages record when their tables last changed; the release date keeps two builds byte-identical.
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": f"{DATA_RELEASED}T00:00:00Z"})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})


def write_pages(site: Site, out_dir: Path) -> int:
    """Write every page and its files under ``out_dir``; returns how many HTML pages were written."""
    atlas: Atlas = site.atlas
    features_dir, layers_dir = out_dir / "features", out_dir / "layers"
    features_dir.mkdir(parents=True, exist_ok=True)
    layers_dir.mkdir(parents=True, exist_ok=True)
    written = 0
    for language in LANGUAGES:
        suffix = _suffix(language)
        (layers_dir / f"index{suffix}.html").write_text(layers_index_page(site, language), encoding="utf-8")
        written += 1
        for layer in atlas.layers:
            (layers_dir / f"{layer.spec.id}{suffix}.html").write_text(layer_page(site, layer, language),
                                                                       encoding="utf-8")
            written += 1
            for feature in layer.features:
                (features_dir / f"{feature.id}{suffix}.html").write_text(feature_page(site, feature, language),
                                                                          encoding="utf-8")
                written += 1
    with _dated_geopackages():
        for layer in atlas.layers:
            (layers_dir / f"{layer.spec.id}.table.csv").write_bytes(layer_table_csv(atlas, layer))
            for feature in layer.features:
                for extension in FEATURE_FORMATS:
                    body = encode([feature], FORMATS[extension], layer.spec.id, layer.figure_columns)
                    (features_dir / f"{feature.id}.{extension}").write_bytes(body)
    if isinstance(site.links, StaticLinks) and (text := sitemap(site)) is not None:
        (out_dir / "sitemap.xml").write_text(text, encoding="utf-8")
    return written
