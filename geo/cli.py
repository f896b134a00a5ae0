"""Data commands: ``validate``, ``derive``, ``build``, ``release``, ``routes`` (``serve`` is composed in by ``web.cli``)."""

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

from geo.map.sources import PROJECT_ROOT, AssetsMissing, default_node_modules
from geo.publish.output import OutputRefused, check_output
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
    site_url: Annotated[str | None, typer.Option(help="Address the site will be published at (e.g. "
                                                  "https://atlas.example.org/): the pages' citations, previews and "
                                                  "sitemap.xml need absolute addresses.")] = None,
) -> None:
    """Validate, enrich and write OUT/layers/*.geojson, OUT/catalog.json, OUT/index.html, and a page per feature
    (OUT/features/) and per layer (OUT/layers/) in every language, and the release folder
    (OUT/release/chongqing-trade-atlas-<version>/, as ``release`` writes it)."""
    with clean_failures():
        # A folder the build may not replace is refused at once, before the build's libraries load (a second).
        check_output(Path(os.path.abspath(out)), layers, PROJECT_ROOT)
        from geo.publish.build import build as build_atlas

        atlas = build_atlas(layers, out, node_modules or default_node_modules(), site_url)
    count = sum(len(layer.features) for layer in atlas.layers)
    typer.echo(f"built {len(atlas.layers)} layers, {count} features → {out}/index.html")


@app.command()
def release(
    layers: LayersOption = DEFAULT_LAYERS,
    out: Annotated[Path, typer.Option("--out", help="Folder the release folder is written into.")] = Path("release"),
) -> None:
    """Write OUT/chongqing-trade-atlas-<version>/: every layer and the whole atlas as GeoParquet, FlatGeobuf,
    GeoPackage, GeoJSON and CSV, vector tiles (PMTiles), CITATION.cff, .zenodo.json and SHA256SUMS."""
    from geo.publish.metadata import ReleaseRefused
    from geo.publish.release import release as write

    with clean_failures():
        try:
            info = write(layers, out)
        except ReleaseRefused as exc:
            raise _fail(str(exc)) from None
    typer.echo(f"released {info.version} ({info.date}) → {info.folder}")


@app.command()
def diff(
    old: Annotated[str, typer.Argument(help="A data version (e.g. 1.1.0), a release folder or a layers folder.")],
    new: Annotated[str, typer.Argument(help="As OLD; e.g. 'layers' for the layers as they are now.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for changes-OLD-to-NEW.json and .html.")] = Path("."),
    tolerance_km: Annotated[float, typer.Option(help="Geometry shifts up to this count as unmoved.")] = 0.01,
) -> None:
    """What changed between two data versions, by feature id: added, removed, moved, figures changed."""
    from geo.map.sources import PROJECT_ROOT
    from geo.publish.diff import compare, diff_html, diff_json, load_side, summary
    from geo.publish.metadata import ReleaseRefused

    with clean_failures():
        try:
            changes = compare(load_side(old, PROJECT_ROOT), load_side(new, PROJECT_ROOT), tolerance_km)
        except ReleaseRefused as exc:
            raise _fail(str(exc)) from None
        stem = f"changes-{Path(changes['old']).name}-to-{Path(changes['new']).name}"
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{stem}.json").write_bytes(diff_json(changes))
        (out / f"{stem}.html").write_bytes(diff_html(changes))
    typer.echo(summary(changes))
    typer.echo(f"→ {out / stem}.json, .html")


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


@app.command()
def freshness(layers: LayersOption = DEFAULT_LAYERS) -> None:
    """List every documented figure with the latest date it speaks for and its sources, oldest first."""
    from geo.data.atlas import load_atlas
    from geo.data.freshness import atlas_freshness, newest_date

    with clean_failures():
        atlas = load_atlas(layers)
    entries = atlas_freshness(atlas)
    for entry in entries:
        kind = "series" if entry.is_series else "plan" if entry.is_plan else "figure"
        sources = "; ".join(entry.sources) or "no source listed"
        note = f"  [{entry.note}]" if entry.note else ""
        typer.echo(f"{entry.latest or 'undated':10}  {kind:6}  {entry.layer}/{entry.feature_id}  {entry.name}  "
                   f"— {sources}{note}")
    typer.echo(f"{len(entries)} figures; the data is current to {newest_date(atlas) or 'no date'}.")


def main() -> None:
    app()
