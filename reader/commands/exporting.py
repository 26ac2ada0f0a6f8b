"""``margin export``: reading notes as Markdown."""

from __future__ import annotations

from pathlib import Path

import click

from annotations.export.files import write_atomically
from annotations.export.gather import markdown_export

from ..context import Context, pass_context


@click.command("export")
@click.option("--doc", "docs", multiple=True, help="Only this document (repeatable).")
@click.option("--tag", "tags", multiple=True, help="Only annotations with this tag or its subtopics (repeatable).")
@click.option("--author", "authors", multiple=True, help="Only this author's annotations (repeatable).")
@click.option("--group-by", type=click.Choice(["document", "tag"]), default="document", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to this file instead of standard output.")
@pass_context
def export(ctx: Context, docs: tuple[str, ...], tags: tuple[str, ...], authors: tuple[str, ...], group_by: str,
           output: Path | None) -> None:
    """Export annotations as Markdown (front matter, a heading per document, quotes, tags, notes, links)."""
    markdown, count = markdown_export(ctx.store, document_refs=docs, tag_refs=tags, authors=authors, group_by=group_by)
    if output is None:
        click.echo(markdown, nl=False)
        return
    write_atomically(output, markdown)
    click.echo(f"exported {count} annotation{'s' if count != 1 else ''} to {output}", err=True)


COMMANDS = [export]
