"""Data commands: ``validate`` and ``build`` (``serve`` is composed in by ``web.cli``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from geo.assets import AssetsMissing, default_node_modules
from geo.problems import AtlasInvalid
from geo.validate import validate_layers

DEFAULT_LAYERS = Path("layers")

app = typer.Typer(help="Chongqing Trade Atlas: validate, build and serve the atlas layers.", no_args_is_help=True,
                  pretty_exceptions_enable=False)

@contextmanager
def clean_failures() -> Iterator[None]:
    """Bad layers or missing packages end the command with their messages and exit 1, never a traceback."""
    try:
        yield
    except AtlasInvalid as exc:
        typer.echo(exc.report(), err=True)
        raise typer.Exit(1) from None
    except AssetsMissing as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


LayersOption = Annotated[Path, typer.Option("--layers", help="Folder of layer GeoJSON files.")]


@app.command()
def validate(layers: LayersOption = DEFAULT_LAYERS) -> None:
    """Check every layer and report all problems (file, feature id, field); exit 1 if any."""
    _, problems = validate_layers(layers)
    if problems:
        typer.echo(AtlasInvalid(problems).report(), err=True)
        raise typer.Exit(1)
    typer.echo(f"{layers}: all layers valid.")


@app.command()
def build(
    layers: LayersOption = DEFAULT_LAYERS,
    out: Annotated[Path, typer.Option("--out", help="Output folder (replaced atomically).")] = Path("build"),
    node_modules: Annotated[Path | None, typer.Option(help="Where npm installed the front-end packages.")] = None,
) -> None:
    """Validate, enrich and write OUT/layers/*.geojson, OUT/catalog.json and OUT/index.html."""
    from geo.build import build as build_atlas

    with clean_failures():
        atlas = build_atlas(layers, out, node_modules or default_node_modules())
    count = sum(len(layer.features) for layer in atlas.layers)
    typer.echo(f"built {len(atlas.layers)} layers, {count} features → {out}/index.html")


def main() -> None:
    app()
