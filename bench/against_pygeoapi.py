"""The same layer from pygeoapi (certified OGC API – Features server) and from the atlas, rounds interleaved."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from functools import partial

from servers import LOCAL, REPO, WORK, Contender, atlas_command, interleaved, process

HEADING = "## Layer download vs pygeoapi serving the same GeoJSON"
LAYER_FILE = REPO / "layers" / "land_sea_corridor.geojson"

PYGEOAPI_CONFIG = """
server:
  bind: {host: 127.0.0.1, port: PORT}
  url: http://127.0.0.1:PORT
  mimetype: application/json; charset=UTF-8
  encoding: utf-8
  gzip: true
  language: en-US
  cors: false
  pretty_print: false
  limits: {default_items: 1000, max_items: 1000}
  map: {url: "https://tile.openstreetmap.org/{z}/{x}/{y}.png", attribution: OpenStreetMap}
logging: {level: ERROR}
metadata:
  identification: {title: bench, description: bench, keywords: [bench], keywords_type: theme,
                   terms_of_service: none, url: "http://127.0.0.1"}
  license: {name: CC-BY 4.0, url: "https://creativecommons.org/licenses/by/4.0/"}
  provider: {name: bench, url: "http://127.0.0.1"}
  contact: {name: bench, role: pointOfContact}
resources:
  land_sea_corridor:
    type: collection
    title: land sea corridor
    description: land sea corridor
    keywords: [corridor]
    links: []
    extents: {spatial: {bbox: [-180, -90, 180, 90], crs: "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}}
    providers:
      - type: feature
        name: GeoJSON
        data: DATA
        id_field: id
"""


def _pygeoapi(port: int, venv, env: dict[str, str]):
    config = WORK / "pygeoapi.yml"
    config.write_text(PYGEOAPI_CONFIG.replace("PORT", str(port))
                      .replace("DATA", str(LAYER_FILE)))
    subprocess.run([str(venv / "bin" / "pygeoapi"), "openapi", "generate", str(config), "--output-file",
                    env["PYGEOAPI_OPENAPI"]], check=True, env={**os.environ, **env, "PYGEOAPI_CONFIG": str(config)},
                   capture_output=True)
    return process([str(venv / "bin" / "uvicorn"), "pygeoapi.starlette_app:APP", "--host", LOCAL, "--port", str(port),
                    "--no-access-log", "--log-level", "warning"], port, {**env, "PYGEOAPI_CONFIG": str(config)})


def _layer_ids() -> list[str]:
    return sorted(f["id"] for f in json.loads(LAYER_FILE.read_text(encoding="utf-8"))["features"])


def _same_features(url: str, paths: list[str]) -> None:
    """Both servers answer with every feature of the layer, by id."""
    expected = _layer_ids()
    with urllib.request.urlopen(url + paths[0], timeout=60) as response:
        features = json.load(response)["features"]
    if sorted(f.get("id") or f["properties"]["id"] for f in features) != expected:
        raise RuntimeError(f"{url}{paths[0]} does not answer the layer's features")


def _version(venv, package: str) -> str:
    return subprocess.run([str(venv / "bin" / "python"), "-c",
                           f"from importlib.metadata import version; print(version({package!r}))"],
                          capture_output=True, text=True, check=True).stdout.strip()


def bench_pygeoapi(seconds: float, rounds: int) -> tuple[list[str], dict]:
    venv = WORK / "pygeoapi-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # uvicorn with its fast HTTP parser and loop (httptools, uvloop), as pygeoapi is deployed.
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "pygeoapi", "starlette",
                    "uvicorn[standard]"], check=True)
    env = {"PYGEOAPI_OPENAPI": str(WORK / "pygeoapi-openapi.yml")}
    download = ["/api/layers/land_sea_corridor.geojson"]
    items = ["/collections/land_sea_corridor/items?f=json&limit=1000"]
    ours, theirs = interleaved([
        Contender("atlas", lambda port: process(atlas_command(port), port), download),
        Contender("pygeoapi", partial(_pygeoapi, venv=venv, env=env), items),
    ], rounds, seconds, check=_same_features)
    ratio = ours.median() / theirs.median()
    lines = [
        HEADING,
        "",
        f"pygeoapi {_version(venv, 'pygeoapi')} (its own virtual environment, Starlette app under uvicorn "
        f"{_version(venv, 'uvicorn')} with httptools and uvloop, GeoJSON provider on "
        "`layers/land_sea_corridor.geojson`, gzip on) answering `/collections/land_sea_corridor/items?f=json&limit=1000`, "
        f"vs the atlas (`python -m web serve`) answering `/api/layers/land_sea_corridor.geojson`; 32 connections, wrk, "
        f"both up at once, {rounds} interleaved rounds of {seconds:g} s, medians and min–max across rounds. Before "
        f"measuring, both answered with the layer's {len(_layer_ids())} features, by id.",
        "",
        "| server | requests/s (median) | min–max | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for c in (ours, theirs):
        low, high = c.spread()
        lines.append(f"| {c.label} | {c.median():.0f} | {low:.0f}–{high:.0f} | {c.median('p50_ms'):.2f} | "
                     f"{c.median('p99_ms'):.2f} | {c.failures()} |")
    lines += ["", f"**Ratio atlas / pygeoapi: {ratio:.1f}×** from the medians.", ""]
    return lines, {"pygeoapi_ratio": ratio}
