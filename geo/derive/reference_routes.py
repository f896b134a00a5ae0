"""Trace the reference routes layer: sea routes on shipping lanes (searoute) and short onward links.

Run by ``cqatlas trace-reference-routes`` (needs the optional ``reference`` extra); the result is committed as
``layers/reference_routes.geojson`` so the map, API and downloads never need searoute. Route ends are read from the
corridor layers (the network's nodes), so a re-traced corridor is followed by re-running the command.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

from geo.data.geodesy import WGS84

from geo.data.atlas import Atlas
from geo.corridors.network import build_network
from geo.corridors.places import PLACES_BY_ID

SEAROUTE_URL = "https://pypi.org/project/searoute/"
SEAROUTE_LICENCE = "Apache-2.0"
MARNET_URL = "https://github.com/eurostat/searoute"


@dataclass(frozen=True)
class SeaRoute:
    origin: str  # place id
    destination: str
    via: str  # "suez" or "cape"
    name_zh: str


@dataclass(frozen=True)
class Link:
    origin: str
    destination: str
    mode: str  # "rail" or "road"
    name_en: str
    name_zh: str
    source_title: str
    source_url: str


SEA_ROUTES: tuple[SeaRoute, ...] = (
    SeaRoute("shanghai", "rotterdam", "suez", "上海—鹿特丹（经苏伊士运河）"),
    SeaRoute("shanghai", "rotterdam", "cape", "上海—鹿特丹（经好望角）"),
    SeaRoute("shanghai", "hamburg", "suez", "上海—汉堡（经苏伊士运河）"),
    SeaRoute("shanghai", "hamburg", "cape", "上海—汉堡（经好望角）"),
    SeaRoute("shanghai", "saint-petersburg", "suez", "上海—圣彼得堡（经苏伊士运河）"),
    SeaRoute("shanghai", "istanbul", "suez", "上海—伊斯坦布尔（经苏伊士运河）"),
    SeaRoute("shanghai", "singapore", "suez", "上海—新加坡"),
    SeaRoute("shanghai", "laem-chabang", "suez", "上海—林查班港"),
)

LINKS: tuple[Link, ...] = (
    Link("rotterdam", "duisburg", "rail", "Rotterdam – Duisburg (Betuweroute freight line)", "鹿特丹—杜伊斯堡（贝蒂沃铁路）",
         "Betuweroute – freight railway from the Port of Rotterdam to the German border", 
         "https://en.wikipedia.org/wiki/Betuweroute"),
    Link("saint-petersburg", "moscow", "rail", "Saint Petersburg – Moscow railway", "圣彼得堡—莫斯科铁路",
         "Moscow – Saint Petersburg railway", "https://en.wikipedia.org/wiki/Moscow%E2%80%93Saint_Petersburg_railway"),
    Link("laem-chabang", "bangkok", "road", "Laem Chabang – Bangkok by road", "林查班港—曼谷公路",
         "Laem Chabang Port, Thailand's main deep-sea port on the Gulf of Thailand, serving Bangkok",
         "https://en.wikipedia.org/wiki/Laem_Chabang_Port"),
)



def _provenance(properties: dict[str, Any], quality: str, dataset: dict[str, str]) -> dict[str, Any]:
    """Geometry quality and dataset, in the schema's provenance fields where the schema has them."""
    from typing import get_args

    from geo.data.schema import FeatureProperties, GeometryQuality

    if quality in get_args(GeometryQuality):
        properties["geometry_quality"] = quality
    if "geometry_datasets" in FeatureProperties.model_fields:
        properties["geometry_datasets"] = [dataset]
    return properties


def _searoute_dataset() -> dict[str, str]:
    return {"name": "searoute (Eurostat marnet shipping lanes)", "version": version("searoute"),
            "license": SEAROUTE_LICENCE, "attribution": "searoute, Eurostat marnet", "url": SEAROUTE_URL}


LINK_DATASET = {"name": "Chongqing Trade Atlas corridor layers (geodesic line between their ends)", "version": "1",
                "license": "CC BY 4.0"}


def _round(coords: list[list[float]]) -> list[list[float]]:
    rounded = [[round(lon, 6), round(lat, 6)] for lon, lat in coords]
    return [c for i, c in enumerate(rounded) if i == 0 or c != rounded[i - 1]]


def _ends(atlas: Atlas) -> dict[str, tuple[float, float]]:
    """Each place's position: the corridor network's node where there is one, else the place's reference point."""
    network = build_network(atlas)
    ends = {place_id: (place.lon, place.lat) for place_id, place in PLACES_BY_ID.items()}
    ends |= {node.id: (node.lon, node.lat) for node in network.nodes.values()}
    return ends


def _sea_feature(route: SeaRoute, ends: dict[str, tuple[float, float]]) -> dict[str, Any]:
    import searoute

    origin, destination = PLACES_BY_ID[route.origin], PLACES_BY_ID[route.destination]
    # Arctic passages are closed to liner services; the Cape route also avoids Suez and (instead) Panama.
    restrictions = ["northwest", "bering"] + (["suez", "panama"] if route.via == "cape" else [])
    traced = searoute.searoute(list(ends[route.origin]), list(ends[route.destination]), units="km",
                               restrictions=restrictions, append_orig_dest=True)
    coords = _round(traced["geometry"]["coordinates"])
    via = {"suez": " via the Suez Canal", "cape": " via the Cape of Good Hope"}[route.via]
    if route.destination in ("singapore", "laem-chabang"):
        via = ""
    dataset = f"searoute {version('searoute')} ({SEAROUTE_LICENCE}), maritime network of Eurostat SeaRoute"
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": coords},
        "properties": _provenance({
            "id": f"reference-sea-{route.origin}-{route.destination}" + ("" if not via else f"-{route.via}"),
            "name_en": f"Reference sea route {origin.name_en} – {destination.name_en}{via}",
            "name_zh": f"参考海运航线：{route.name_zh}",
            "kind": "reference_sea_route",
            "description_en": f"Shortest route on shipping lanes from {origin.name_en} to {destination.name_en}{via}, "
                              "for comparison with the corridors; a reference route, not a documented service.",
            "geometry_quality": "approximate",
            "geometry_note": f"Traced with {dataset}; ends at the corridor layers' port positions.",
            "sources": [
                {"title": f"searoute {version('searoute')} – shortest sea routes on a global shipping-lane network "
                          f"({SEAROUTE_LICENCE})", "url": SEAROUTE_URL, "supports": []},
                {"title": "Eurostat SeaRoute – maritime network (marnet) the routes are traced on",
                 "url": MARNET_URL, "supports": []},
            ],
        }, "traced", _searoute_dataset()),
    }


def _link_feature(link: Link, ends: dict[str, tuple[float, float]]) -> dict[str, Any]:
    (lon1, lat1), (lon2, lat2) = ends[link.origin], ends[link.destination]
    inner = WGS84.npts(lon1, lat1, lon2, lat2, 20)
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": _round([[lon1, lat1], *map(list, inner), [lon2, lat2]])},
        "properties": _provenance({
            "id": f"reference-{link.mode}-{link.origin}-{link.destination}",
            "name_en": link.name_en,
            "name_zh": link.name_zh,
            "kind": f"reference_{link.mode}_link",
            "description_en": f"Onward {link.mode} connection so that routes ending at a port reach the city; "
                              "drawn as a straight line.",
            "geometry_quality": "schematic",
            "geometry_note": "Straight (geodesic) line between the two ends: the real line or road is longer.",
            "sources": [{"title": link.source_title, "url": link.source_url, "supports": []}],
        }, "schematic", LINK_DATASET),
    }


def trace_reference_routes(atlas: Atlas) -> dict[str, Any]:
    ends = _ends(atlas)
    features = [_sea_feature(route, ends) for route in SEA_ROUTES] + [_link_feature(link, ends) for link in LINKS]
    return {"type": "FeatureCollection", "features": features}
