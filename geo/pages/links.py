"""Where things are, from a page: the served site (``/features/<id>?lang=zh``) and the static site
(``features/<id>.zh.html``, opened from disk or any web server) lay out the same pages differently."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from geo.data.i18n import DEFAULT_LANGUAGE

FORMATS = ("geojson", "gpkg", "csv", "kml")


def _q(text: str) -> str:
    return quote(text, safe="")


@dataclass(frozen=True)
class StaticLinks:
    """Pages live one folder deep (``features/``, ``layers/``); every link is relative, so the folder can move.
    ``site_url`` (optional) makes the absolute addresses citations, sitemaps and previews need."""

    site_url: str | None = None
    served: bool = False
    # What the static build writes of each feature (see geo.publish.site_pages).
    feature_formats: tuple[str, ...] = ("geojson", "csv")

    def _file(self, folder: str, stem: str, language: str) -> str:
        suffix = "" if language == DEFAULT_LANGUAGE else f".{language}"
        return f"{folder}/{stem}{suffix}.html"

    def _rel(self, path: str) -> str:
        return f"../{path}"

    def feature(self, feature_id: str, language: str) -> str:
        return self._rel(self._file("features", _q(feature_id), language))

    def layer(self, layer_id: str, language: str) -> str:
        return self._rel(self._file("layers", _q(layer_id), language))

    def layers_index(self, language: str) -> str:
        return self._rel(self._file("layers", "index", language))

    def map(self, language: str, feature_id: str | None = None) -> str:
        feature = f"&feature={_q(feature_id)}" if feature_id else ""
        return self._rel(f"index.html#lang={language}{feature}")

    def asset(self, name: str) -> str:
        return self._rel(f"assets/{name}")

    def data_script(self, file_name: str) -> str:
        return self._rel(f"assets/data/{file_name}")

    def feature_download(self, layer_id: str, feature_id: str, extension: str) -> str:
        return self._rel(f"features/{_q(feature_id)}.{extension}")

    def layer_table_csv(self, layer_id: str) -> str:
        return self._rel(f"layers/{_q(layer_id)}.table.csv")

    def layer_downloads(self, layer_id: str) -> list[tuple[str, str]]:
        return [("geojson", self._rel(f"layers/{_q(layer_id)}.geojson"))]  # what the static build writes

    def absolute(self, relative: str) -> str | None:
        """The address a link from a page resolves to, where the site's address is known."""
        if not self.site_url:
            return None
        return f"{self.site_url.rstrip('/')}/{relative.removeprefix('../')}"


@dataclass(frozen=True)
class ServedLinks:
    """The app's addresses; ``base`` is the public base URL the app trusts (see web.urls)."""

    base: str
    served: bool = True
    feature_formats: tuple[str, ...] = FORMATS

    def _lang(self, language: str) -> str:
        return f"?lang={language}"

    def feature(self, feature_id: str, language: str) -> str:
        return f"/features/{_q(feature_id)}{self._lang(language)}"

    def layer(self, layer_id: str, language: str) -> str:
        return f"/layers/{_q(layer_id)}{self._lang(language)}"

    def layers_index(self, language: str) -> str:
        return f"/layers{self._lang(language)}"

    def map(self, language: str, feature_id: str | None = None) -> str:
        feature = f"&feature={_q(feature_id)}" if feature_id else ""
        return f"/#lang={language}{feature}"

    def asset(self, name: str) -> str:
        return f"/assets/{name}"

    def data_script(self, file_name: str) -> str:
        return f"/data/{file_name}"

    def feature_download(self, layer_id: str, feature_id: str, extension: str) -> str:
        return f"/api/layers/{_q(layer_id)}.{extension}?ids={_q(feature_id)}"

    def layer_table_csv(self, layer_id: str) -> str:
        return f"/layers/{_q(layer_id)}.table.csv"

    def layer_downloads(self, layer_id: str) -> list[tuple[str, str]]:
        return [(ext, f"/api/layers/{_q(layer_id)}.{ext}") for ext in FORMATS]

    def absolute(self, relative: str) -> str | None:
        return f"{self.base.rstrip('/')}{relative}"


Links = StaticLinks | ServedLinks
