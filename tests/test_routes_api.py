"""Route comparison over real HTTP: JSON for people and scripts, GeoJSON that GDAL reads, clear 4xx for bad places."""

from __future__ import annotations

import httpx
import pyogrio
import pytest

from geo.data.atlas import Atlas
from geo.corridors.route_index import RouteIndex
from tests.conftest import LiveServer

SIX = ("duisburg", "moscow", "singapore", "bangkok", "shanghai", "rotterdam")


def test_routes_by_name_any_case_and_chinese(live_server: LiveServer, atlas: Atlas) -> None:
    expected = RouteIndex(atlas).compare("chongqing", "duisburg")
    for origin, destination in (("chongqing", "duisburg"), ("CHONGQING", "Duisburg"), ("重庆", "杜伊斯堡")):
        response = httpx.get(f"{live_server.url}/api/routes", params={"from": origin, "to": destination})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["from"]["id"] == "chongqing" and body["to"]["id"] == "duisburg"
        assert [r["total_km"] for r in body["alternatives"]] == [r["total_km"] for r in expected["alternatives"]]
    leg = body["alternatives"][0]["legs"][0]
    assert leg["geometry"]["type"] == "LineString" and len(leg["geometry"]["coordinates"]) > 10
    assert body["emission_factors"] and all(f["source"]["url"].startswith("https://") for f in body["emission_factors"])


@pytest.mark.parametrize("query", [{"from": "chongqing", "to": "Atlantis"}, {"from": "Gotham", "to": "duisburg"},
                                   {"from": "chongqing"}, {}])
def test_bad_places_get_400_listing_valid_places(live_server: LiveServer, query: dict[str, str]) -> None:
    response = httpx.get(f"{live_server.url}/api/routes", params=query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400
    assert set(SIX) <= set(error["valid_places"])
    assert "valid places" in error["message"] and "duisburg (Duisburg)" in error["message"]


def test_geojson_route_unknown_place_is_404(live_server: LiveServer) -> None:
    response = httpx.get(f"{live_server.url}/api/routes/chongqing/atlantis.geojson")
    assert response.status_code == 404
    assert "chongqing" in response.json()["error"]["valid_places"]


@pytest.mark.parametrize("destination", SIX)
def test_gdal_reads_each_comparison_as_geojson(server_process: str, atlas: Atlas, destination: str) -> None:
    expected = RouteIndex(atlas).compare("chongqing", destination)["alternatives"]
    frame = pyogrio.read_dataframe(f"/vsicurl/{server_process}/api/routes/chongqing/{destination}.geojson")
    assert len(frame) == sum(len(route["legs"]) for route in expected)
    assert set(frame["route_rank"]) == {route["rank"] for route in expected}
    assert (frame.geometry.geom_type == "LineString").all()
    first = frame[frame["route_rank"] == 1]
    assert first["length_km"].sum() == pytest.approx(expected[0]["total_km"], abs=0.5)
    assert first["sources"].str.contains("https://").all()


@pytest.mark.parametrize("destination", SIX)
def test_responses_match_the_documented_model(live_server: LiveServer, destination: str) -> None:
    from web.routes.corridor_routes import RouteComparison

    body = httpx.get(f"{live_server.url}/api/routes", params={"from": "chongqing", "to": destination}).json()
    parsed = RouteComparison.model_validate(body)
    assert parsed.to.id == destination and parsed.alternatives
    assert parsed.model_dump(by_alias=True, exclude_none=True)["alternatives"][0]["legs"][0]["from"]["id"] == "chongqing"


def test_openapi_documents_both_route_endpoints(live_server: LiveServer) -> None:
    paths = httpx.get(f"{live_server.url}/openapi.json").json()["paths"]
    assert "/api/routes" in paths and "/api/routes/{origin}/{destination}.geojson" in paths
    names = {p["name"] for p in paths["/api/routes"]["get"]["parameters"]}
    assert names == {"from", "to", "lang"}
    geojson = {p["name"] for p in paths["/api/routes/{origin}/{destination}.geojson"]["get"]["parameters"]}
    assert geojson == {"origin", "destination", "lang"}
