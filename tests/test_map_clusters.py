"""A layer with thousands of points is drawn in clusters: the clustering plugin (leaflet.markercluster, part of no bundle)
loads only on such a page and extends the Leaflet inside the bundle, opened from disk as served."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from shapely.geometry import Point, shape

from geo.map.render import CLUSTER_ABOVE_POINTS
from geo.map.sources import default_node_modules
from geo.data.atlas import load_atlas
from geo.pages.links import StaticLinks
from geo.publish.build import write_data, write_map
from tests.browsing import close_map, open_map
from tests.conftest import read_layer, write_layer

LAYER = "universities"


def crowd_layer(layers_dir: Path, more_than: int = CLUSTER_ABOVE_POINTS, step: float = 0.001) -> int:
    """Copies of the layer's first point around it (``step`` degrees apart), inside its district, until the layer
    holds ``more_than`` points (by default: until it clusters); returns how many points the layer then holds."""
    data = read_layer(layers_dir, LAYER)
    template = next(f for f in data["features"] if f["geometry"]["type"] == "Point")
    district = next(shape(f["geometry"]) for f in read_layer(layers_dir, "districts")["features"]
                    if f["properties"]["id"] == template["properties"]["districts"][0]).buffer(-0.002)
    lon, lat = template["geometry"]["coordinates"]
    points = sum(f["geometry"]["type"] == "Point" for f in data["features"])
    ring = 1
    while points <= more_than:
        for dx in range(-ring, ring + 1):
            for dy in (-ring, ring) if abs(dx) < ring else range(-ring, ring + 1):
                where = (round(lon + dx * step, 6), round(lat + dy * step, 6))
                if points > more_than or not district.contains(Point(where)):
                    continue
                feature = copy.deepcopy(template)
                feature["properties"]["id"] = feature["id"] = f"{template['properties']['id']}-copy-{points}"
                feature["properties"]["name_en"] += f" (copy {points})"
                feature["geometry"]["coordinates"] = list(where)
                data["features"].append(feature)
                points += 1
        ring += 1
    write_layer(layers_dir, LAYER, data)
    return points


def test_a_layer_of_thousands_of_points_is_drawn_in_clusters_that_count_every_point(
        browser: Any, layers_copy: Path, tmp_path: Path) -> None:
    points = crowd_layer(layers_copy)
    site = tmp_path / "site"
    # The map as the build writes it (the release folder, the feature pages and the atomic swap, tested elsewhere, add
    # nothing here: a page for each of thousands of points in three languages would take most of the test's time).
    atlas = load_atlas(layers_copy)
    write_data(atlas, site)
    write_map(atlas, site, default_node_modules(), None, StaticLinks(None))
    watch = open_map(browser, (site / "index.html").as_uri(), "static")
    page = watch.page
    bounds = [[f["geometry"]["coordinates"][1], f["geometry"]["coordinates"][0]]
              for f in read_layer(layers_copy, LAYER)["features"]]
    page.evaluate("bounds => { cqAtlasMap.fitBounds(bounds, {animate: false}); }", bounds)
    page.wait_for_selector(".marker-cluster")
    page.wait_for_timeout(500)  # clusters are added in chunks, between frames
    # Every point of the layer is in view: in a cluster (counted on its label) or drawn on its own.
    counts = [int(re.sub(r"\D", "", text)) for text in page.locator(".marker-cluster").all_inner_texts()]
    alone = page.locator(f"path.cq-layer-{LAYER}").count()
    assert sum(counts) + alone == points and max(counts) > 100
    assert any(url.endswith("leaflet.markercluster.js") for url in watch.requested)
    watch.check()
    close_map(watch.page)
