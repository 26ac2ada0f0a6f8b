"""Commands about documents: import, list, search."""

from __future__ import annotations

from pathlib import Path

import click

from ..context import Context, pass_context
from reader.formats import read_source
from annotations.progress import tracked
from annotations.terminal import json_safe, terminal_safe

from ..output import Text, console, short, stored, table, warn
from ..progress import shows_progress


def import_paths(ctx: Context, paths: list[Path]):
    """Read every file first, then store them: one bad file leaves the library untouched."""
    sources = [read_source(path) for path in tracked("reading files", paths)]
    results = []
    for source in tracked("importing", sources):
        for message in source.document.warnings:
            warn(message)
        results.append(ctx.store.documents.import_loaded(str(source.path), source.sha256, source.document))
    return results


@click.command("import", short_help="Import document files into the library.")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@pass_context
@shows_progress
def import_(ctx: Context, files: tuple[Path, ...]) -> None:
    """Import FILES (.txt, .md, .html, .epub, .pdf) into the library.

    Unchanged files are skipped; a changed file becomes a new version of its
    document (the old one is kept) and its annotations are re-anchored onto
    the new text (see `margin review`).
    """
    for result in import_paths(ctx, list(files)):
        doc = result.document
        if result.status == "unchanged":
            click.echo(f"unchanged  {short(doc.id)}  {doc.title} (already imported)")
        elif result.status in ("new-version", "reverted"):
            what = "back to" if result.status == "reverted" else "now"
            click.echo(f"updated    {short(doc.id)}  {doc.title} ({what} version {doc.version})")
            if result.reanchored is not None and result.reanchored.total:
                click.echo(f"           {result.reanchored.describe()}")
                if result.reanchored.to_review:
                    click.echo(f"           review them: margin review {short(doc.id)}")
        else:
            click.echo(f"imported   {short(doc.id)}  {doc.title} ({doc.length:,} characters, {doc.format})")


def _pack_line(ctx: Context) -> str:
    """What the library is to a class: the pack handed out, or one student's copy of it."""
    pack = ctx.pack
    assert pack is not None
    locked = "; codebook locked" if pack.locked else ""
    if pack.role == "pack":
        return (f"This is the class pack “{pack.title}”{locked}. Make your own copy to work in:"
                f" margin join {ctx.store.path} --author YOUR-NAME")
    return f"Class pack “{pack.title}”, {pack.author}'s copy{locked}."


@click.group("docs", short_help="List documents, or rename one.", invoke_without_command=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def docs(click_ctx: click.Context, fmt: str) -> None:
    """List documents with their annotation counts, or rename one (see subcommands)."""
    if click_ctx.invoked_subcommand is not None:
        return
    ctx: Context = click_ctx.obj
    documents = ctx.store.documents.all()
    if fmt == "json":
        import json
        from dataclasses import asdict

        click.echo(json_safe(json.dumps([asdict(d) for d in documents], ensure_ascii=False, indent=2)))
        return
    if ctx.pack is not None:
        click.echo(terminal_safe(_pack_line(ctx), lines=False))
    if not documents:
        click.echo("No documents yet: margin import FILE...")
        return
    grid = table("id", "title", "notes", "version", "format", "source")
    for d in documents:
        notes = str(d.annotation_count) + (f" (+{d.orphaned_count} not found)" if d.orphaned_count else "")
        if d.review_count:
            notes += f", {d.review_count} to review"
        grid.add_row(short(d.id), stored(d.title), notes, str(d.version), d.format, stored(d.source_path))
    console().print(grid)


@docs.command("rename", short_help="Give a document a new title.")
@click.argument("document")
@click.argument("title")
@pass_context
def rename(ctx: Context, document: str, title: str) -> None:
    """Give DOCUMENT the title TITLE, in exports and search too; later versions keep it."""
    store = ctx.store
    doc = store.documents.resolve(document)
    renamed = store.documents.rename(doc.id, title)
    click.echo(f"renamed    {short(doc.id)}  {doc.title} → {renamed.title}")
    namesakes = [d for d in store.documents.all() if d.id != doc.id and d.title.casefold() == renamed.title.casefold()]
    if namesakes:
        warn(f"another document is also titled “{renamed.title}” ({short(namesakes[0].id)}): name them by id")


@click.command("search", short_help="Search the documents' text, or the notes.")
@click.argument("query")
@click.option("--notes", is_flag=True, help="Search the notes written on annotations instead of document text.")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True, help="Most documents (or notes) to show.")
@click.option("--per-doc", type=click.IntRange(1), default=5, show_default=True, help="Most hits to show per document.")
@pass_context
def search(ctx: Context, query: str, notes: bool, limit: int, per_doc: int) -> None:
    """Search every document (or, with --notes, every note) for QUERY."""
    hits = ctx.store.search.notes(query, limit=limit) if notes else ctx.store.search.documents(
        query, per_document=per_doc, limit=limit
    )
    if not hits:
        click.echo(f"No matches for “{query}”.")
        click.get_current_context().exit(1)
    out = console()
    for hit in hits:
        where = f"{hit.section} · " if hit.section else ""
        head = Text(f"{hit.title}", style="bold") + Text(f"  {where}chars {hit.start}–{hit.end}", style="dim")
        if hit.annotation_id:
            head += Text(f"  annotation {short(hit.annotation_id)}", style="dim")
        out.print(head)
        out.print(Text("  ") + Text(hit.before) + Text(hit.match, style="bold reverse") + Text(hit.after))


COMMANDS = [import_, docs, search]
__all__ = ["COMMANDS", "import_paths"]
