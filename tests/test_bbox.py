"""bbox as the API description states it: a box crossing the antimeridian, and boxes or year ranges holding nothing."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import LAYERS_DIR, LiveServer, read_layer


def university_ids() -> set[str]:
    return {feature["properties"]["id"] for feature in read_layer(LAYERS_DIR, "universities")["features"]}


def ids(client: TestClient, path: str, **params: str) -> set[str]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return {feature["properties"]["id"] for feature in response.json()["features"]}


@pytest.mark.parametrize("path", ["/api/layers/universities.geojson", "/ogc/collections/universities/items"])
def test_box_across_the_antimeridian(client: TestClient, path: str) -> None:
    lons = [feature["geometry"]["coordinates"][0] for feature in read_layer(LAYERS_DIR, "universities")["features"]]
    west = int(min(lons)) - 1  # from just west of the universities, eastwards round the globe to 170° W
    assert ids(client, path, bbox=f"{west},-90,-170,90") == university_ids()
    assert ids(client, path, bbox=f"{int(max(lons)) + 1},-90,-170,90") == set()  # starts east of all of them
    assert ids(client, path, bbox="170,-90,-170,90") == set()


@pytest.mark.parametrize("path", ["/api/layers/universities.geojson", "/ogc/collections/universities/items"])
@pytest.mark.parametrize("bbox", ["-180,90,180,-90", "106.2,29.8,106.8,29.4",
                                  "106.2,29.8,0,106.8,29.4,0"])
def test_south_edge_north_of_the_north_edge_is_refused_naming_the_swap(live_server: LiveServer, path: str,
                                                                        bbox: str) -> None:
    if path.startswith("/api") and bbox.count(",") == 5:
        pytest.skip("downloads take four numbers only")
    response = httpx.get(live_server.url + path, params={"bbox": bbox}, timeout=30)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    # The same error shapes as every other 400 of each API (OGC API – Common's exception; the downloads' own).
    if path.startswith("/ogc"):
        assert set(body) == {"code", "description"} and body["code"] == "InvalidParameterValue"
        message = body["description"]
    else:
        assert set(body) == {"error"} and body["error"]["status"] == 400
        message = body["error"]["message"]
    assert "miny" in message and "maxy" in message and "swapped" in message


@pytest.mark.parametrize("path", ["/api/layers/universities.geojson", "/ogc/collections/universities/items"])
def test_boxes_with_the_lower_corner_first_are_answered(live_server: LiveServer, path: str) -> None:
    lats = [feature["geometry"]["coordinates"][1] for feature in read_layer(LAYERS_DIR, "universities")["features"]]
    for bbox in ("-180,-90,180,90", f"-180,{min(lats)},180,{min(lats)}"):  # a box one line thin is still a box
        response = httpx.get(live_server.url + path, params={"bbox": bbox}, timeout=30)
        assert response.status_code == 200, response.text
    assert {f["properties"]["id"] for f in response.json()["features"]} <= university_ids()
    assert response.json()["features"]


def test_api_descriptions_state_the_latitude_order(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/api/layers/{filename}", "/ogc/collections/{collection_id}/items"):
        operation = spec["paths"][path]["get"]
        parameters = operation.get("parameters", [])
        (bbox,) = [p for p in parameters if p["name"] == "bbox"]
        assert "miny" in bbox["description"] and "400" in bbox["description"], path


def test_inverted_year_range_selects_nothing(client: TestClient) -> None:
    assert ids(client, "/api/layers/development_zones.geojson", established_from="2020", established_to="2000") == set()


def test_openapi_states_the_bbox_pattern_the_server_applies(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    # /ogc describes bbox with the standard's own parameter definition (an array of numbers), checked in test_ogc.
    for path in ("/api/layers/{filename}",):
        (bbox,) = [p for p in spec["paths"][path]["get"]["parameters"] if p["name"] == "bbox"]
        pattern = bbox["schema"]["pattern"]
        # OpenAPI 3.0 has one `example` where 3.1 has a list of `examples`.
        for example in bbox["schema"].get("examples") or [bbox["schema"]["example"]]:
            assert re.fullmatch(pattern, example)
        for refused in ("1e1,0,2,1", "0,0,181,1", "0,-91,1,1", "1,2,3", " 1,2,3,4"):
            assert not re.fullmatch(pattern, refused)
            assert client.get("/api/layers/universities.geojson", params={"bbox": refused}).status_code == 400


def test_openapi_states_which_layer_ids_and_places_are_accepted(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    (layers,) = [p for p in spec["paths"]["/api/atlas.{extension}"]["get"]["parameters"] if p["name"] == "layers"]
    on_disk = sorted(path.stem for path in LAYERS_DIR.glob("*.geojson"))
    for accepted in (on_disk[0], ",".join(on_disk)):
        assert re.fullmatch(layers["schema"]["pattern"], accepted)
        assert client.get("/api/atlas.geojson", params={"layers": accepted}).status_code == 200
    for refused in ("no_such_layer", f"{on_disk[0]},no_such_layer", f"{on_disk[0]}x", ""):
        assert not re.fullmatch(layers["schema"]["pattern"], refused)
        assert client.get("/api/atlas.geojson", params={"layers": refused}).status_code == 400
    ends = {p["name"]: p for p in spec["paths"]["/api/routes"]["get"]["parameters"] if p["name"] in ("from", "to")}
    assert {name: p["required"] for name, p in ends.items()} == {"from": True, "to": True}
    # The description enumerates the place ids: exactly those the server lists when it refuses an unknown place.
    refusal = client.get("/api/routes", params={"from": "Atlantis", "to": "duisburg"})
    assert refusal.status_code == 400
    listed = re.findall(r"(?:: |, )([a-z0-9-]+) \(", refusal.json()["error"]["message"])
    for end in ("from", "to"):
        assert sorted(ends[end]["schema"]["enum"]) == sorted(listed)
    assert "Atlantis" not in ends["to"]["schema"]["enum"]
    assert client.get("/api/routes", params={"from": "chongqing", "to": "Duisburg"}).status_code == 200
    assert client.get("/api/routes", params={"from": "chongqing"}).status_code == 400
