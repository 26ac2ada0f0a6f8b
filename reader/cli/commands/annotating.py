"""Annotating from the command line: create, list, edit, link, undo."""

from __future__ import annotations

import itertools
import json
import sys
import textwrap
from collections.abc import Iterator

import click
from rich.cells import cell_len, set_cell_size

from annotations.anchoring import anchor_fragments, anchor_quotes
from annotations.errors import MarginError
from annotations.model import RELATIONS, Annotation
from annotations.properties import attribute_text, clean_attribute_name, parse_attribute
from annotations.sections import Outline
from annotations.store.history import Step

from ..context import Context, pass_context
from annotations.terminal import json_safe

from ..output import Text, console, one_line, short, stored, table


def _note_text(note: str | None) -> str | None:
    """``-`` reads the note from standard input, so long notes can be piped in."""
    if note == "-":
        return sys.stdin.read()
    return note


@click.command("annotate", short_help="Annotate a passage of a document.")
@click.argument("document")
@click.option("--quote", "quotes", multiple=True,
              help="The exact text to annotate; repeat for a passage in fragments, each found after the one before.")
@click.option("--occurrence", type=click.IntRange(1), help="Which occurrence of --quote (1 = first) when it appears more than once.")
@click.option("--all", "every", is_flag=True,
              help="Every occurrence of --quote, as whole words, across line breaks and quote styles; one undo step.")
@click.option("--ignore-case", "-i", is_flag=True, help="With --all: also occurrences written in another case.")
@click.option("--start", "starts", type=click.IntRange(0), multiple=True,
              help="Start offset (characters) instead of --quote; repeat with --end for a passage in fragments.")
@click.option("--end", "ends", type=click.IntRange(0), multiple=True,
              help="End offset (exclusive) instead of --quote; the nth --end goes with the nth --start.")
@click.option("--tag", "tags", multiple=True, help="Tag to apply (repeatable): Theme/Secrecy, Organization:CNPC, or an existing name.")
@click.option("--note", default="", help="A note; - reads it from standard input.")
@pass_context
def annotate(ctx: Context, document: str, quotes: tuple[str, ...], occurrence: int | None, every: bool, ignore_case: bool,
             starts: tuple[int, ...], ends: tuple[int, ...], tags: tuple[str, ...], note: str) -> None:
    """Annotate a passage of DOCUMENT (an id, or a unique prefix of its title); prints the new id.

    Several --quote (or several --start/--end pairs) make one passage in
    fragments: only those stretches are annotated, not the text between them.
    """
    if every:
        if len(quotes) > 1 or len(starts) > 1 or len(ends) > 1:
            raise click.UsageError("--all goes with one --quote")
        _annotate_every(ctx, document, quotes[0] if quotes else None, occurrence, starts[0] if starts else None,
                        ends[0] if ends else None, tags, note, ignore_case)
        return
    if ignore_case:
        raise click.UsageError("--ignore-case goes with --all")
    if quotes and (starts or ends):
        raise click.UsageError("give either --quote or --start/--end, not both")
    if not quotes and (not starts or len(starts) != len(ends)):
        raise click.UsageError("give --quote TEXT, or as many --end as --start")
    if occurrence is not None and not quotes:
        raise click.UsageError("--occurrence goes with --quote")
    store = ctx.store
    doc = store.documents.resolve(document)
    text = store.documents.text(doc.version_id)
    if quotes:
        anchor, fragments = anchor_quotes(text, quotes, occurrence)
    else:
        anchor, fragments = anchor_fragments(text, zip(starts, ends))
    annotation = store.annotations.create(doc, anchor, tags=tags, note=_note_text(note) or "", fragments=fragments)
    click.echo(annotation.id)


def _annotate_every(ctx: Context, document: str, quote: str | None, occurrence: int | None, start: int | None,
                    end: int | None, tags: tuple[str, ...], note: str, ignore_case: bool) -> None:
    if quote is None or start is not None or end is not None or occurrence is not None:
        raise click.UsageError("--all goes with --quote alone (not --occurrence, --start or --end)")
    if not quote.strip():
        raise click.UsageError("the quote is empty")
    store = ctx.store
    doc = store.documents.resolve(document)
    hits = store.mentions.find([quote], [doc], fold_case=ignore_case)
    if not hits:
        raise MarginError(f"“{one_line(quote, 40)}” is not in {doc.title} (as whole words)")
    done = store.mentions.tag_all(hits, tags, note=_note_text(note) or "", label="annotate every occurrence")
    parts = [f"annotated {done.created} of {len(hits)} occurrence{'s' if len(hits) != 1 else ''}"]
    if done.added_to:
        parts.append(f"tagged {done.added_to} existing highlight{'s' if done.added_to != 1 else ''}")
    if done.already:
        parts.append(f"{done.already} already done")
    click.echo("; ".join(parts) + (" (margin undo takes them all back)" if done.changed > 1 else ""))


def _as_json(annotation: Annotation, title: str, section: str, current_versions: dict[str, str]) -> dict:
    return {
        "id": annotation.id,
        "document_id": annotation.document_id,
        "document": title,
        "version_id": annotation.version_id,
        "current_version": annotation.version_id == current_versions[annotation.document_id],
        "start": annotation.start,
        "end": annotation.end,
        "section": section,
        "exact": annotation.exact,
        "prefix": annotation.prefix,
        "suffix": annotation.suffix,
        "quote": annotation.quote,
        "fragments": [{"start": f.start, "end": f.end, "exact": f.exact} for f in annotation.fragments],
        "tags": [{"id": t.id, "name": t.name, "kind": t.kind.value, "entity_type": t.entity_type} for t in annotation.tags],
        "note": annotation.note,
        "author": annotation.author,
        "created": annotation.created,
        "updated": annotation.updated,
        "anchor_state": annotation.anchor_state,
        "anchor_score": annotation.anchor_score,
        "needs_review": annotation.needs_review,
        "attributes": dict(annotation.attributes),
    }


@click.command("annotations", short_help="List annotations in reading order.")
@click.option("--doc", "docs", multiple=True, help="Only this document (repeatable).")
@click.option("--tag", "tags", multiple=True, help="Only annotations with this tag or a subtopic of it (repeatable).")
@click.option("--author", "authors", multiple=True, help="Only this author's annotations (repeatable).")
@click.option("--attr", "attrs", multiple=True, metavar="NAME[=VALUE]",
              help="Only annotations with this attribute (with this value); repeat to require several.")
@click.option("--all-versions", is_flag=True, help="Include annotations not found in the current version of a changed file.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_context
def list_annotations(ctx: Context, docs: tuple[str, ...], tags: tuple[str, ...], authors: tuple[str, ...],
                     attrs: tuple[str, ...], all_versions: bool, fmt: str) -> None:
    """List annotations in reading order, filtered by document, tag, author and attribute."""
    store = ctx.store
    wanted: list[tuple[str, str | None]] = []
    for spec in attrs:
        name, equals, value = spec.partition("=")
        wanted.append((clean_attribute_name(name), value.strip() if equals else None))
    documents = {d.id: d for d in store.documents.all()}
    doc_ids = list(dict.fromkeys(store.documents.resolve(ref).id for ref in docs))
    tag_ids = sorted({t.id for ref in tags for t in store.tags.matching(ref)})
    order = sorted(doc_ids or documents, key=lambda i: (documents[i].title.casefold(), i))
    # A batch at a time, documents by title, each in reading order: a listing of any size streams.
    batches: Iterator[list[Annotation]] = (
        batch
        for document_id in order
        for batch in store.annotations.in_reading_order(
            document_id, tag_ids=tag_ids, authors=authors, current_only=True, include_orphans=all_versions,
            attributes=wanted,
        )
    )
    outlines: dict[str, Outline] = {}

    def where(a: Annotation) -> str:
        if a.orphaned:
            return "not found"
        if a.version_id not in outlines:
            outlines[a.version_id] = Outline(store.documents.sections(a.version_id))
        return outlines[a.version_id].label(a.start)

    if fmt == "json":
        current_versions = {d.id: d.version_id for d in documents.values()}
        _print_json(_as_json(a, documents[a.document_id].title, where(a), current_versions) for b in batches for a in b)
        return

    def row(a: Annotation) -> "Cells":
        marker = {"orphaned": " ∅", "fuzzy": " ≈"}.get(a.anchor_state, "") if a.needs_review or a.orphaned else ""
        return (
            short(a.id) + marker,
            stored(one_line(documents[a.document_id].title, 24)),
            stored(one_line(where(a) or f"{a.start}–{a.end}", 20)),
            stored(one_line(a.quote, 40)),
            stored(", ".join(t.name for t in a.tags)),
            stored(", ".join(attribute_text(name, value) for name, value in a.attributes)),
            stored(one_line(a.note, 30)),
            a.author,
        )

    _print_table((row(a) for batch in batches for a in batch))


Cells = tuple[str | Text, ...]
_COLUMNS = ("id", "document", "where", "quote", "tags", "attributes", "note", "author")
#: Rows shown as one table sized to its contents; past this many, tables of fixed widths follow one another.
_ONE_TABLE = 2000
_STREAMED_WIDTHS = (10, 24, 20, 40, 30, 20, 30, 16)


def _print_table(rows: Iterator[Cells]) -> None:
    """The rows as a table: one sized to fit when they are few, else printed a part at a time."""
    first = list(itertools.islice(rows, _ONE_TABLE))
    if not first:
        click.echo("No annotations match.")
        return
    out = console()
    if len(first) < _ONE_TABLE:
        grid = table(*_COLUMNS)
        for cells in first:
            grid.add_row(*cells)
        out.print(grid)
        return
    # Many rows: fixed widths, a line per row as it comes (a cell too wide for its column is cut with …).
    out.print(Text("  ".join(set_cell_size(c, w) for c, w in zip(_COLUMNS, _STREAMED_WIDTHS)).rstrip(), style="bold"))
    for cells in itertools.chain(first, rows):
        click.echo("  ".join(_fit(str(cell), width) for cell, width in zip(cells, _STREAMED_WIDTHS)).rstrip())


def _fit(text: str, width: int) -> str:
    return set_cell_size(text, width) if cell_len(text) <= width else set_cell_size(text, width - 1) + "…"


def _print_json(rows: Iterator[dict[str, object]]) -> None:
    """A JSON array of *rows*, written as it is made: the same text as ``json.dumps(rows, indent=2)``."""
    opened = False
    for item in rows:
        text = textwrap.indent(json.dumps(item, ensure_ascii=False, indent=2), "  ")
        click.echo(json_safe(("," if opened else "[") + "\n" + text), nl=False)
        opened = True
    click.echo("\n]" if opened else "[]")


@click.command("note", short_help="Set or edit an annotation's note.")
@click.argument("annotation")
@click.argument("text", required=False)
@pass_context
def note(ctx: Context, annotation: str, text: str | None) -> None:
    """Set the note of ANNOTATION to TEXT (- reads standard input; none opens $EDITOR)."""
    if text is None:
        current = ctx.store.annotations.live(annotation).note
        edited = click.edit(current, extension=".md")
        if edited is None:
            click.echo("note unchanged")
            return
        text = edited.rstrip("\n")
    updated = ctx.store.annotations.set_note(annotation, _note_text(text) or "")
    click.echo(f"note saved on {short(updated.id)}")


@click.command("tag", short_help="Add tags to an annotation.")
@click.argument("annotation")
@click.argument("tags", nargs=-1, required=True)
@pass_context
def tag(ctx: Context, annotation: str, tags: tuple[str, ...]) -> None:
    """Add TAGS to ANNOTATION (new tags are created as when annotating)."""
    updated = ctx.store.annotations.add_tags(annotation, tags)
    click.echo(f"{short(updated.id)} tagged {', '.join(t.label for t in updated.tags)}")


@click.command("untag", short_help="Remove tags from an annotation.")
@click.argument("annotation")
@click.argument("tags", nargs=-1, required=True)
@pass_context
def untag(ctx: Context, annotation: str, tags: tuple[str, ...]) -> None:
    """Remove TAGS from ANNOTATION."""
    updated = ctx.store.annotations.remove_tags(annotation, tags)
    remaining = ", ".join(t.label for t in updated.tags) or "no tags"
    click.echo(f"{short(updated.id)} now has {remaining}")


@click.command("attr", short_help="Set, remove or list an annotation's attributes.")
@click.argument("annotation")
@click.argument("attributes", nargs=-1, metavar="[NAME[=VALUE]]...")
@click.option("--remove", "removed", multiple=True, metavar="NAME", help="Remove this attribute (repeatable).")
@pass_context
def attr(ctx: Context, annotation: str, attributes: tuple[str, ...], removed: tuple[str, ...]) -> None:
    """Set attributes of ANNOTATION (Negation, Confidence=High, Score=3) or remove them; none given lists them."""
    setting = [parse_attribute(spec) for spec in attributes]
    if setting or removed:
        shown = ctx.store.annotations.change_attributes(annotation, setting, removed)
    else:
        shown = ctx.store.annotations.live(annotation)
    listed = ", ".join(attribute_text(name, value) for name, value in shown.attributes) or "no attributes"
    click.echo(f"{short(shown.id)}: {listed}")


@click.command("delete", short_help="Delete an annotation (undo brings it back).")
@click.argument("annotation")
@pass_context
def delete(ctx: Context, annotation: str) -> None:
    """Delete ANNOTATION (margin undo brings it back)."""
    deleted = ctx.store.annotations.delete(annotation)
    click.echo(f"deleted {short(deleted.id)} “{one_line(deleted.quote, 40)}”")


@click.command("undo", short_help="Undo your last change to an annotation or link.")
@pass_context
def undo(ctx: Context) -> None:
    """Undo your last change to an annotation or link."""
    step = ctx.store.history.undo()
    click.echo(f"undid {step.label} on {_what(step)}")


@click.command("redo", short_help="Redo the change you last undid.")
@pass_context
def redo(ctx: Context) -> None:
    """Redo the change you last undid."""
    step = ctx.store.history.redo()
    click.echo(f"redid {step.label} on {_what(step)}")


def _what(step: "Step") -> str:
    """What a step changed: ``annotation 3f2a9c1e``, or ``12 annotations`` for one made together."""
    if step.count > 1:
        return f"{step.count} {'tags and annotations' if step.label.startswith('merge ') else step.kind + 's'}"
    return f"{step.kind} {short(step.target_id)}"


@click.command("link", short_help="Link two annotations by a relation.")
@click.argument("source")
@click.argument("target")
@click.option("--relation", "-r", default="see-also", show_default=True,
              help=f"How SOURCE relates to TARGET: {', '.join(RELATIONS)}, or your own word.")
@click.option("--note", default="", help="Why they are linked.")
@pass_context
def link(ctx: Context, source: str, target: str, relation: str, note: str) -> None:
    """Link annotation SOURCE to annotation TARGET (e.g. an article quoting its source)."""
    store = ctx.store
    src, dst = store.annotations.resolve(source), store.annotations.resolve(target)
    if src.deleted or dst.deleted:
        raise MarginError("cannot link a deleted annotation")
    made = store.links.create(src.id, dst.id, relation, note)
    click.echo(made.id)


COMMANDS = [annotate, list_annotations, note, tag, untag, attr, delete, undo, redo, link]
