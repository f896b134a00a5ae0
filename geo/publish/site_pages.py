"""The static site's pages: a page per feature and per layer in every language, the index of layers, each
feature's downloads in every format, each layer's table as CSV, and the sitemap (where the site's address is known).

The served app renders the same pages per request (``web/routes/pages.py``) with its own addresses.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from geo.data.atlas import Atlas, AtlasLayer
from geo.data.i18n import DEFAULT_LANGUAGE, LANGUAGES
from geo.pages.layer_table import layer_table_csv
from geo.pages.links import StaticLinks
from geo.pages.render import Site, feature_page, layer_page, layers_index_page, sitemap
from geo.publish.formats import FORMATS, dump_geojson, encode, feature_collection


def _suffix(language: str) -> str:
    return "" if language == DEFAULT_LANGUAGE else f".{language}"


def _feature_downloads(layer: AtlasLayer, features_dir: Path) -> None:
    """Each feature as GeoJSON and as CSV (its row of the layer's CSV, under the same header). Written once per
    layer, not once per feature: GDAL's writers cost a tenth of a second a file, which hundreds of features would
    add to every build; the served pages offer every format of the API."""
    rows = list(csv.reader(io.StringIO(encode(layer.features, FORMATS["csv"], layer.spec.id,
                                              layer.figure_columns).decode("utf-8"), newline="")))
    header, body = rows[0], rows[1:]
    for feature, row in zip(layer.features, body, strict=True):
        (features_dir / f"{feature.id}.geojson").write_bytes(dump_geojson(feature_collection([feature])))
        out = io.StringIO()
        csv.writer(out).writerows([header, row])
        (features_dir / f"{feature.id}.csv").write_text(out.getvalue(), encoding="utf-8", newline="")


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
    for layer in atlas.layers:
        (layers_dir / f"{layer.spec.id}.table.csv").write_bytes(layer_table_csv(atlas, layer))
        _feature_downloads(layer, features_dir)
    if isinstance(site.links, StaticLinks) and (text := sitemap(site)) is not None:
        (out_dir / "sitemap.xml").write_text(text, encoding="utf-8")
    return written
