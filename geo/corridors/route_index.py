"""Route comparisons prepared once per published atlas, as JSON and GeoJSON."""

from __future__ import annotations

from typing import Any

from shapely.geometry import LineString

from geo.data.atlas import Atlas
from geo.corridors.network import CorridorNetwork, build_network
from geo.corridors.routes import RANKING, alternatives, resolve
from geo.corridors.transport_factors import EMISSION_FACTORS

# About 1 km: invisible at the zoom a continent-wide route is seen at.
DISPLAY_TOLERANCE_DEG = 0.01
DEFAULT_ORIGIN = "chongqing"
DEFAULT_DESTINATION = "duisburg"

NOTES = (
    "Distances are geodesic lengths of the atlas's corridor lines (schematic or traced, as each leg says).",
    "Transit days are documented where a source gives them for the whole corridor; otherwise estimated from the "
    "speed stated with each leg. Time spent at ports, borders and transfers is not included in estimates.",
    "CO2 is an estimate per tonne of cargo from per-mode emission factors (cited with each leg), not a measurement.",
    "Reference sea routes and onward links are for comparison: they are not services documented by the sources.",
)


def emission_factor_table() -> list[dict[str, Any]]:
    return [{"mode": mode, "min_g_co2_per_tkm": round(f.min_g_per_tkm, 2), "max_g_co2_per_tkm": round(f.max_g_per_tkm, 2),
             "method": f.method, "source": {"title": f.citation.title, "url": f.citation.url,
                                            "detail": f.citation.detail}}
            for mode, f in EMISSION_FACTORS.items()]


class RouteIndex:
    """The network of one atlas, and the comparisons from the default origin computed up front."""

    def __init__(self, atlas: Atlas, *, precompute: str = "all"):
        """``precompute``: "all" comparisons from the default origin (the static site has no server to ask),
        "default" only the pair the map opens with (a server computes the others on request, once each, so
        publishing and hot reload stay fast), or "none"."""
        self.network: CorridorNetwork = build_network(atlas)
        self._cache: dict[tuple[str, str], dict[str, Any]] = {}
        if DEFAULT_ORIGIN not in self.network.nodes or precompute == "none":
            return
        destinations = [node["id"] for node in self.places() if node["id"] != DEFAULT_ORIGIN]
        if precompute == "default":
            destinations = [d for d in destinations if d == DEFAULT_DESTINATION]
        for destination in destinations:
            self.compare(DEFAULT_ORIGIN, destination)

    def places(self) -> list[dict[str, Any]]:
        return [node.to_json() for node in sorted(self.network.named_nodes(), key=lambda n: n.name_en)]

    def compare(self, origin: str, destination: str) -> dict[str, Any]:
        """Alternatives between two places (ids or names); raises ``UnknownPlace`` listing the valid ones."""
        start, end = resolve(self.network, origin), resolve(self.network, destination)
        key = (start.id, end.id)
        if key not in self._cache:
            self._cache[key] = {
                "from": start.to_json(), "to": end.to_json(), "ranking": RANKING,
                "alternatives": alternatives(self.network, start, end),
                "notes": list(NOTES), "emission_factors": emission_factor_table(),
            }
        return self._cache[key]

    def precomputed(self) -> dict[str, Any]:
        """Everything the map page needs: the places and every comparison computed so far, with leg lines
        simplified for drawing (lengths and figures stay those of the full lines)."""
        return {"default": {"from": DEFAULT_ORIGIN, "to": DEFAULT_DESTINATION}, "places": self.places(),
                "comparisons": {f"{a}/{b}": _for_display(result) for (a, b), result in self._cache.items()}}


def _for_display(result: dict[str, Any]) -> dict[str, Any]:
    routes = []
    for route in result["alternatives"]:
        legs = []
        for leg in route["legs"]:
            line = LineString(leg["geometry"]["coordinates"]).simplify(DISPLAY_TOLERANCE_DEG)
            legs.append({**leg, "geometry": {"type": "LineString",
                                             "coordinates": [[round(x, 4), round(y, 4)] for x, y in line.coords]}})
        routes.append({**route, "legs": legs})
    return {**result, "alternatives": routes}


def comparison_geojson(result: dict[str, Any]) -> dict[str, Any]:
    """One feature per leg, with flat properties that GIS tables can hold."""
    features = []
    for route in result["alternatives"]:
        for index, leg in enumerate(route["legs"], start=1):
            days, co2 = leg["transit_days"], leg["co2_kg_per_tonne"] or {}
            features.append({"type": "Feature", "geometry": leg["geometry"], "properties": {
                "route_id": route["id"], "route_rank": route["rank"], "route_label": route["label"],
                "route_total_km": route["total_km"], "leg": index, "corridor_id": leg["corridor_id"],
                "corridor_name": leg["corridor_name"], "mode": leg["mode"],
                "from": leg["from"].get("name", leg["from"]["name_en"]), "to": leg["to"].get("name", leg["to"]["name_en"]),
                "length_km": leg["length_km"],
                "transit_days_min": days["min"], "transit_days_max": days["max"], "transit_days_basis": days["basis"],
                "transit_days_method": days["method"],
                "co2_kg_per_tonne_min": co2.get("min"), "co2_kg_per_tonne_max": co2.get("max"),
                "co2_method": co2.get("method"), "geometry_quality": leg["geometry_quality"],
                "sources": "; ".join(sorted({s["url"] for s in days["sources"] + co2.get("sources", [])})),
            }})
    return {"type": "FeatureCollection", "features": features}
