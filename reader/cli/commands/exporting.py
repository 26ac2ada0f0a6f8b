"""``margin export``: reading notes as Markdown (built-in layout or a template), or in an exchange format."""

from __future__ import annotations

from pathlib import Path

import click

from annotations.export.files import write_atomically, write_folder
from annotations.export.gather import markdown_export
from annotations.export.split import SPLIT_BY
from annotations.interchange.formats import FILE_EXPORTS, TEXT_EXPORTS

from ..context import Context, pass_context
from ..progress import shows_progress

FORMATS = ["markdown", *TEXT_EXPORTS, *FILE_EXPORTS]


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


@click.command("export", short_help="Export annotations to Markdown or another format.")
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="markdown", show_default=True,
    help="markdown; w3c (Web Annotation JSON-LD collection) or jsonl (one annotation per line); "
    "csv (a row per annotation and tag) or codebook-csv (the tags); qdpx, qdc (REFI-QDA) or brat (need -o).",
)
@click.option("--doc", "docs", multiple=True, help="Only this document (repeatable).")
@click.option("--tag", "tags", multiple=True, help="Only annotations with this tag or its subtopics (repeatable).")
@click.option("--author", "authors", multiple=True, help="Only this author's annotations (repeatable).")
@click.option("--group-by", type=click.Choice(["document", "tag"]), help="Markdown: a heading per document (default) or per tag.")
@click.option(
    "--template", type=click.Path(path_type=Path, dir_okay=False),
    help="Markdown: lay the notes out with this Jinja2 template (see --show-template).",
)
@click.option("--show-template", is_flag=True,
              help="Print the built-in Markdown template, to start your own from (with --split-by entity: an entity's note).")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path),
    help="Write to this file (a folder for brat) instead of standard output.",
)
@click.option(
    "--split", type=click.Path(path_type=Path, file_okay=False),
    help="Markdown: one file per document (or per author, or with entity notes: see --split-by) in this folder.",
)
@click.option(
    "--split-by", type=click.Choice(list(SPLIT_BY)),
    help="With --split: a file per document (default, named after its title), per author (after their name), "
    "or per document plus a note per entity listing its mentions.",
)
@click.option("--force", is_flag=True, help="Replace files that already exist.")
@pass_context
@shows_progress
def export(ctx: Context, fmt: str, docs: tuple[str, ...], tags: tuple[str, ...], authors: tuple[str, ...],
           group_by: str | None, template: Path | None, show_template: bool, output: Path | None,
           split: Path | None, split_by: str | None, force: bool) -> None:
    """Export annotations: Markdown by default, or W3C Web Annotation, CSV, REFI-QDA or brat.

    Output goes to standard output unless -o names a file; an existing file is
    never replaced without --force.
    """
    if show_template:
        from annotations.export.template import default_template

        click.echo(default_template("entity" if split_by == "entity" else "document"), nl=False)
        return
    if fmt != "markdown":
        for given, option in ((group_by, "--group-by"), (template, "--template"), (split, "--split")):
            if given is not None:
                raise click.UsageError(f"{option} applies to Markdown exports only")
    if split_by is not None and split is None:
        raise click.UsageError("--split-by applies with --split FOLDER only")
    if split is not None and output is not None:
        raise click.UsageError("give either -o FILE or --split FOLDER, not both")
    if fmt in FILE_EXPORTS and output is None:
        what = "FOLDER" if fmt == "brat" else "FILE"
        raise click.UsageError(f"--format {fmt} writes files; name where with -o {what}")

    if fmt == "markdown":
        _markdown(ctx, docs, tags, authors, group_by or "document", template, output, split, split_by or "document", force)
        return

    from annotations.interchange.formats import export_files, export_text
    from annotations.interchange.selection import select

    selection = select(ctx.store, document_refs=docs, tag_refs=tags, authors=authors)
    if fmt in ("qdc", "codebook-csv"):
        count = _plural(sum(1 for t in selection.tags if not t.deleted), "tag")
    else:
        count = _plural(len(selection.annotations), "annotation")
    if fmt in FILE_EXPORTS:
        assert output is not None
        written = export_files(selection, fmt, output, overwrite=force, author=ctx.author)
        where = str(output) if len(written) == 1 else f"{_plural(len(written), 'file')} in {output}"
        click.echo(f"exported {count} to {where}", err=True)
        return
    text = export_text(selection, fmt)
    if output is None:
        click.echo(text, nl=False)
        return
    write_atomically(output, text, overwrite=force)
    click.echo(f"exported {count} to {output}", err=True)


def _markdown(ctx: Context, docs: tuple[str, ...], tags: tuple[str, ...], authors: tuple[str, ...], group_by: str,
              template: Path | None, output: Path | None, split: Path | None, split_by: str, force: bool) -> None:
    source = None
    if template is not None:
        from annotations.export.template import load_template

        source = load_template(template)
    name = template.name if template is not None else "template"
    if split is not None:
        _split(ctx, docs, tags, authors, group_by, source, name, split, split_by, force)
        return
    markdown, count = markdown_export(
        ctx.store, document_refs=docs, tag_refs=tags, authors=authors, group_by=group_by,
        template=source, template_name=name,
    )
    if output is None:
        click.echo(markdown, nl=False)
        return
    write_atomically(output, markdown, overwrite=force)
    click.echo(f"exported {_plural(count, 'annotation')} to {output}", err=True)


def _split(ctx: Context, docs: tuple[str, ...], tags: tuple[str, ...], authors: tuple[str, ...], group_by: str,
           source: str | None, name: str, folder: Path, split_by: str, force: bool) -> None:
    """One Markdown file per document or per author, safely named; nothing is written if any would be replaced."""
    parts = SPLIT_BY[split_by](
        ctx.store, document_refs=docs, tag_refs=tags, authors=authors, group_by=group_by,
        template=source, template_name=name,
    )
    folder = folder.expanduser()
    paths = write_folder(folder, [(folder / file_name, markdown) for file_name, markdown, _ in parts], overwrite=force)
    count = sum(n for _, _, n in parts)
    click.echo(f"exported {_plural(count, 'annotation')} to {_plural(len(paths), 'file')} in {folder}", err=True)


COMMANDS = [export]
