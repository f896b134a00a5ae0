"""Data commands: ``validate``, ``derive``, ``build``, ``routes`` (``serve`` is composed in by ``web.cli``)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from geo.map.sources import AssetsMissing, default_node_modules
from geo.publish.output import OutputRefused
from geo.data.problems import AtlasInvalid, clip
from geo.data.validate import validate_layers

DEFAULT_LAYERS = Path("layers")

app = typer.Typer(help="Chongqing Trade Atlas: validate, build and serve the atlas layers.", no_args_is_help=True,
                  pretty_exceptions_enable=False)

def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {clip(message)}", err=True)
    return typer.Exit(1)


@contextmanager
def clean_failures() -> Iterator[None]:
    """Every failure ends the command with a message and exit 1, never a traceback (CQATLAS_DEBUG=1 shows it)."""
    try:
        yield
    except AtlasInvalid as exc:
        typer.echo(exc.report(), err=True)
        raise typer.Exit(1) from None
    except typer.Exit:
        raise
    except (AssetsMissing, OutputRefused) as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:  # unwritable folder, full disk, unreadable file …
        where = f" ({exc.filename})" if exc.filename else ""
        raise _fail(f"{exc.strerror or exc}{where}; the previous output was left as it was") from None
    except Exception as exc:
        if os.environ.get("CQATLAS_DEBUG"):
            raise
        raise _fail(f"unexpected {type(exc).__name__}: {exc}; the previous output was left as it was "
                    "(CQATLAS_DEBUG=1 shows where)") from None


LayersOption = Annotated[Path, typer.Option("--layers", help="Folder of layer GeoJSON files.")]


@app.command()
def validate(layers: LayersOption = DEFAULT_LAYERS) -> None:
    """Check every layer and report all problems (file, feature id, field); exit 1 if any."""
    with clean_failures():
        _require_valid(layers)
    typer.echo(f"{layers}: all layers valid.")


def _require_valid(layers: Path) -> None:
    """Every problem in the layers, reported at once; exit 1 if there is any."""
    _, problems = validate_layers(layers)
    if problems:
        typer.echo(AtlasInvalid(problems).report(), err=True)
        raise typer.Exit(1)


@app.command()
def derive(layers: LayersOption = DEFAULT_LAYERS) -> None:
    """Re-derive traced geometry from layers/derivation/ and the reference datasets; rewrites only geometry and
    provenance fields of the layers it touches (needs the 'reference' extra)."""
    from geo.derive import derive as derive_geometry
    from geo.derive.inputs import InputsInvalid
    from geo.derive.reference import ReferenceMissing

    with clean_failures():
        try:
            report = derive_geometry(layers)
        except (ReferenceMissing, InputsInvalid) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
        typer.echo("\n".join(report.lines))
        _require_valid(layers)
    typer.echo(f"{layers}: derived and valid.")


@app.command()
def build(
    layers: LayersOption = DEFAULT_LAYERS,
    out: Annotated[Path, typer.Option("--out", help="Output folder (replaced atomically).")] = Path("build"),
    node_modules: Annotated[Path | None, typer.Option(help="Where npm installed the front-end packages.")] = None,
) -> None:
    """Validate, enrich and write OUT/layers/*.geojson, OUT/catalog.json and OUT/index.html."""
    from geo.publish.build import build as build_atlas

    with clean_failures():
        atlas = build_atlas(layers, out, node_modules or default_node_modules())
    count = sum(len(layer.features) for layer in atlas.layers)
    typer.echo(f"built {len(atlas.layers)} layers, {count} features → {out}/index.html")


@app.command()
def routes(
    origin: Annotated[str, typer.Argument(help="Place id or name, e.g. chongqing")],
    destination: Annotated[str, typer.Argument(help="Place id or name, e.g. duisburg")],
    layers: LayersOption = DEFAULT_LAYERS,
) -> None:
    """Compare the routes between two places: km, transit days, CO2 estimate and documented traffic."""
    from geo.data.atlas import load_atlas
    from geo.corridors.route_index import RouteIndex
    from geo.corridors.routes import UnknownPlace
    from geo.corridors.routes_table import print_comparison

    with clean_failures():
        atlas = load_atlas(layers)
    try:
        print_comparison(RouteIndex(atlas, precompute="none").compare(origin, destination))
    except UnknownPlace as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


@app.command("trace-reference-routes")
def trace_reference_routes(layers: LayersOption = DEFAULT_LAYERS) -> None:
    """Re-trace layers/reference_routes.geojson from the corridor layers (needs the 'reference' extra: searoute)."""
    from geo.data.atlas import load_atlas
    from geo.derive.reference_routes import trace_reference_routes as trace
    from geo.data.registry import LAYERS

    target = layers / "reference_routes.geojson"
    corridors_only = tuple(spec for spec in LAYERS if spec.id != "reference_routes")
    # Traced from the other layers alone: the layer being replaced may be missing or out of date.
    with tempfile.TemporaryDirectory() as scratch, clean_failures():
        for spec in corridors_only:
            if (layers / spec.filename).exists():
                shutil.copyfile(layers / spec.filename, Path(scratch) / spec.filename)
        collection = trace(load_atlas(Path(scratch), corridors_only))
    target.write_text(json.dumps(collection, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    typer.echo(f"traced {len(collection['features'])} reference routes → {target}")


def main() -> None:
    app()
