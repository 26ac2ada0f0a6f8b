"""``margin agreement``: how far annotators agree, per tag and over all tags."""

from __future__ import annotations

import json
from pathlib import Path

import click

from annotations.classroom.agreement import Agreement, TagAgreement
from annotations.classroom.report import figure as _figure
from annotations.classroom.report import kappa_of, spans_summary
from annotations.terminal import json_safe, terminal_safe

from ..context import Context, pass_context
from ..output import Text, console, stored, table

#: What ``-o FILE`` writes when no --format is given, by the file's suffix.
BY_SUFFIX = {".md": "markdown", ".markdown": "markdown", ".csv": "csv", ".json": "json"}


def _plain(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _as_json(result: Agreement) -> str:
    return json.dumps(
        {
            "unit": result.unit,
            "annotators": result.authors,
            "documents": result.documents,
            "tags": [
                {
                    "tag": row.tag,
                    "spans": row.spans,
                    "f1_exact": _plain(row.f1_exact),
                    "f1_overlap": _plain(row.f1_overlap),
                    "kappa": _plain(row.kappa),
                    "kappa_pairs": [{"a": a, "b": b, "kappa": _plain(k)} for (a, b), k in row.kappa_pairs.items()],
                    "alpha": _plain(row.alpha),
                }
                for row in result.rows
            ],
        },
        ensure_ascii=False,
        indent=2,
    )


def _matrix(result: Agreement, row: TagAgreement):
    grid = table("κ", *result.authors)
    for a in result.authors:
        cells = []
        for b in result.authors:
            cells.append("·" if a == b else _figure(kappa_of(row, a, b)))
        grid.add_row(stored(a), *cells)
    return grid


@click.command("agreement", short_help="Measure how far annotators agree.")
@click.option("--doc", "docs", multiple=True, help="Only this document (title, start of it, or id); repeatable.")
@click.option("--tag", "tags", multiple=True, help="Only this tag (a topic brings its subtopics); repeatable.")
@click.option("--authors", help="Annotators to compare, comma-separated (default: everyone with annotations).")
@click.option("--unit", type=click.Choice(["char", "token"]), default="char", show_default=True, help="What alpha and kappa count.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "markdown", "csv", "json"]),
    help="table (the default on screen); markdown (a report to hand back), csv (the per-tag table) or json.",
)
@click.option("--matrix", is_flag=True, help="Also show Cohen's kappa for every pair of annotators, per tag.")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this file; without --format, .md, .csv or .json says which.",
)
@click.option("--title", help="Markdown: the report's title (default: the class pack's title).")
@click.option("--force", is_flag=True, help="Replace the file -o names if it exists.")
@pass_context
def agreement(ctx: Context, docs: tuple[str, ...], tags: tuple[str, ...], authors: str | None, unit: str,
              fmt: str | None, matrix: bool, output: Path | None, title: str | None, force: bool) -> None:
    """How far annotators agree: spans each, F1 (exact, overlap), Cohen's kappa and Krippendorff's alpha.

    With -o the figures go to a file (a Markdown report, or CSV or JSON), which
    is never replaced without --force.
    """
    from annotations.classroom.agreement import measure

    if output is not None and fmt is None:
        fmt = BY_SUFFIX.get(output.suffix.casefold())
        if fmt is None:
            raise click.UsageError("-o FILE: name a .md, .csv or .json file, or give --format markdown|csv|json")
    if output is not None and fmt == "table":
        raise click.UsageError("the table is for the screen; write --format markdown, csv or json to a file")
    if title is not None and fmt != "markdown":
        raise click.UsageError("--title applies to the Markdown report only")
    fmt = fmt or "table"
    store = ctx.store
    names = [a.strip() for a in (authors or "").split(",") if a.strip()]
    if authors is not None and len(names) < 2:
        raise click.UsageError("--authors needs at least two names, comma-separated")
    result = measure(
        store,
        document_ids=[store.documents.resolve(ref).id for ref in docs],
        tag_ids=[t.id for ref in tags for t in store.tags.matching(ref)],
        authors=names,
        unit=unit,
    )
    if fmt != "table":
        _write(ctx, result, fmt, output, title, matrix, force)
        return
    grid = table("tag", "spans per annotator", "F1 exact", "F1 overlap", "κ (mean)", "α")
    for row in result.rows:
        style = "bold" if row is result.rows[-1] else ""
        grid.add_row(stored(row.tag, style), Text(spans_summary(row)), _figure(row.f1_exact), _figure(row.f1_overlap),
                     _figure(row.kappa), _figure(row.alpha))
    out = console()
    documents = f"{result.documents} document{'s' if result.documents != 1 else ''}"
    out.print(Text(f"{len(result.authors)} annotators, {documents}, units: {result.unit}s", style="dim"))
    out.print(grid)
    if matrix:
        for row in result.rows:
            out.print(Text(f"\n{row.tag}: Cohen's kappa per pair", style="bold"))
            out.print(_matrix(result, row))


def _write(ctx: Context, result: Agreement, fmt: str, output: Path | None, title: str | None, matrix: bool,
           force: bool) -> None:
    from annotations.classroom.report import agreement_csv, agreement_markdown

    if fmt == "json":
        text = _as_json(result) + "\n"
    elif fmt == "csv":
        text = agreement_csv(result)
    else:
        text = agreement_markdown(result, title=title or _title(ctx), matrices=matrix)
    if output is None:
        click.echo(json_safe(text) if fmt == "json" else terminal_safe(text), nl=False)
        return
    from annotations.export.files import write_atomically

    write_atomically(output, text, overwrite=force)
    click.echo(f"wrote the agreement of {len(result.authors)} annotators to {output}", err=True)


def _title(ctx: Context) -> str:
    """The report's title: after the class pack the library made, when there is just one."""
    from annotations.classroom.packs import pack_of, packs_made

    made = sorted(set(packs_made(ctx.store.db.conn).values()))
    pack = pack_of(ctx.store.db.conn)
    if len(made) == 1:
        return f"Agreement: {made[0]}"
    if not made and pack is not None:
        return f"Agreement: {pack.title}"
    return "Agreement"


COMMANDS = [agreement]
