"""``margin agreement``: how far annotators agree, per tag and over all tags."""

from __future__ import annotations

import csv
import io
import json

import click

from annotations.classroom.agreement import Agreement, TagAgreement
from annotations.terminal import json_safe, terminal_safe

from ..context import Context, pass_context
from ..output import Text, console, table


def _figure(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _plain(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _spans(row: TagAgreement) -> str:
    counts = list(row.spans.values())
    if len(counts) > 4:
        return f"{sum(counts) / len(counts):.1f} ({min(counts)}–{max(counts)})"
    return " · ".join(f"{author} {count}" for author, count in row.spans.items())


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


def _as_csv(result: Agreement) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["tag", "f1_exact", "f1_overlap", "kappa", "alpha", *(f"spans {a}" for a in result.authors)])
    for row in result.rows:
        writer.writerow([
            row.tag, *("" if v is None else f"{v:.6f}" for v in (row.f1_exact, row.f1_overlap, row.kappa, row.alpha)),
            *(row.spans.get(a, 0) for a in result.authors),
        ])
    return out.getvalue()


def _matrix(result: Agreement, row: TagAgreement):
    grid = table("κ", *result.authors)
    for a in result.authors:
        cells = []
        for b in result.authors:
            value = row.kappa_pairs.get((a, b), row.kappa_pairs.get((b, a))) if a != b else None
            cells.append("·" if a == b else _figure(value))
        grid.add_row(Text(a), *cells)
    return grid


@click.command("agreement", short_help="Measure how far annotators agree.")
@click.option("--doc", "docs", multiple=True, help="Only this document (title, start of it, or id); repeatable.")
@click.option("--tag", "tags", multiple=True, help="Only this tag (a topic brings its subtopics); repeatable.")
@click.option("--authors", help="Annotators to compare, comma-separated (default: everyone with annotations).")
@click.option("--unit", type=click.Choice(["char", "token"]), default="char", show_default=True, help="What alpha and kappa count.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--matrix", is_flag=True, help="With the table, also print Cohen's kappa for every pair of annotators.")
@pass_context
def agreement(ctx: Context, docs: tuple[str, ...], tags: tuple[str, ...], authors: str | None, unit: str, fmt: str, matrix: bool) -> None:
    """How far annotators agree: spans each, F1 (exact, overlap), Cohen's kappa and Krippendorff's alpha."""
    from annotations.classroom.agreement import measure

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
    if fmt == "json":
        click.echo(json_safe(_as_json(result)))
        return
    if fmt == "csv":
        click.echo(terminal_safe(_as_csv(result)), nl=False)
        return
    grid = table("tag", "spans per annotator", "F1 exact", "F1 overlap", "κ (mean)", "α")
    for row in result.rows:
        style = "bold" if row is result.rows[-1] else ""
        grid.add_row(Text(row.tag, style=style), Text(_spans(row)), _figure(row.f1_exact), _figure(row.f1_overlap),
                     _figure(row.kappa), _figure(row.alpha))
    out = console()
    documents = f"{result.documents} document{'s' if result.documents != 1 else ''}"
    out.print(Text(f"{len(result.authors)} annotators, {documents}, units: {result.unit}s", style="dim"))
    out.print(grid)
    if matrix:
        for row in result.rows:
            out.print(Text(f"\n{row.tag}: Cohen's kappa per pair", style="bold"))
            out.print(_matrix(result, row))


COMMANDS = [agreement]
