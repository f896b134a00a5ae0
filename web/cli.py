"""``cqatlas``: the data commands of ``geo.cli`` plus ``serve``, which needs the web server as well."""

from __future__ import annotations

import os
from pathlib import Path
from enum import Enum
from typing import Annotated

import typer

from geo.map.sources import default_node_modules
from geo.cli import DEFAULT_LAYERS, LayersOption, app, clean_failures
from web.serving import EVENT_LOOPS, CannotListen, ServerLimits, check_listen_address, run_server
from web.settings import SETTINGS_ENV, Settings


EventLoop = Enum("EventLoop", {name: name for name in EVENT_LOOPS}, type=str)  # typer offers an Enum's values


def default_workers() -> int:
    # One worker per core: the prepared-download path is CPU-bound and each worker holds its own copy of the data.
    return max(1, min(os.cpu_count() or 1, 8))


@app.command()
def serve(
    layers: LayersOption = DEFAULT_LAYERS,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=0, help="Worker processes (0, the default: one per core).")] = 0,
    node_modules: Annotated[Path | None, typer.Option(help="Where npm installed the front-end packages.")] = None,
    reload_data: Annotated[bool, typer.Option("--reload-data", help="Republish when layer files change; "
                                              "bad edits are logged and the last good build stays served.")] = False,
    public_url: Annotated[str | None, typer.Option(help="Base of absolute links (e.g. https://atlas.example.org); "
                                                   "by default links name this server's own address.")] = None,
    access_log: Annotated[bool, typer.Option("--access-log", help="Log every request (off by default: it costs "
                                             "more than serving a prepared download).")] = False,
    header_timeout: Annotated[float, typer.Option(help="Seconds a client has to send its request headers; "
                                                  "idle keep-alive connections are closed after it too.")] = 10.0,
    max_connections: Annotated[int, typer.Option(help="Connections served at once per worker; more wait.")] = 512,
    max_per_client: Annotated[int, typer.Option(min=1, help="Requests one client address may have in progress "
                                                "per worker; more are answered 429.")] = 16,
    response_timeout: Annotated[float, typer.Option(help="Seconds a client has to read a response; a client "
                                                    "that reads slower is disconnected.")] = 60.0,
    loop: Annotated[EventLoop, typer.Option(help="Event loop of the workers: "
                                      "Python's asyncio, or uvloop or rloop where installed (`pip install "
                                      "'.[bench]'`); bench/RESULTS.md compares them.")] = EventLoop.asyncio,
    releases: Annotated[Path | None, typer.Option("--releases", help="Folder of release folders (as written by "
                                                  "`cqatlas release --out`) to serve under /releases.")] = None,
) -> None:
    """Validate and build in memory, then serve the map and the data over HTTP."""
    from web.app import create_app

    try:
        check_listen_address(host, port)  # before minutes of building: a busy port or bad host ends here
    except CannotListen as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    settings = Settings(layers_dir=layers, node_modules=node_modules or default_node_modules(),
                        reload_data=reload_data, public_url=public_url, releases_dir=releases,
                        max_requests_per_client=max_per_client, response_timeout=response_timeout,
                        idle_timeout=header_timeout)
    with clean_failures():
        create_app(settings)  # validate once here, so bad layers end in messages before any worker starts
    os.environ[SETTINGS_ENV] = settings.model_dump_json()
    run_server(host, port, workers or default_workers(),
               ServerLimits(header_timeout=header_timeout, max_connections=max_connections), access_log, loop.value)


def main() -> None:
    app()
