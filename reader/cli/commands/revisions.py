"""Commands for documents that change: ``margin refresh`` and ``margin review``."""

from __future__ import annotations

import re

import click

from annotations.anchoring import anchor_quote
from annotations.errors import MarginError
from annotations.progress import tracked
from annotations.model import Annotation, Document
from annotations.store import Store
from annotations.text import one_line_of, shorten

from ..context import Context, pass_context
from ..output import short, warn
from ..progress import shows_progress

CONTEXT_SHOWN = 30


@click.command("refresh", short_help="Re-read changed files as new versions.")
@click.argument("documents", nargs=-1)
@pass_context
@shows_progress
def refresh_(ctx: Context, documents: tuple[str, ...]) -> None:
    """Re-read DOCUMENTS' files (all documents if none named); changed ones get a new version.

    Annotations are re-anchored onto the new text: each is placed exactly,
    moved, found approximately or orphaned, and `margin review` lists the ones
    to check. A file that is gone or unreadable leaves its document as it is.
    """
    from reader.formats.refreshing import refresh

    store = ctx.store
    targets = [store.documents.resolve(ref) for ref in documents] if documents else store.documents.all()
    if not targets:
        click.echo("the library has no documents")
        return
    failed = 0
    for document in tracked("refreshing", targets):
        outcome = refresh(store, document)
        if outcome.status in ("missing", "unreadable"):
            failed += 1
            warn(outcome.describe())
        else:
            click.echo(outcome.describe())
    for document in targets:
        current = store.documents.get(document.id)
        if current.review_count:
            click.echo(
                f"{current.review_count} annotation{'s' if current.review_count != 1 else ''} to review"
                f" in “{current.title}”: margin review {command_reference(store, current)}"
            )
    if failed and documents:
        raise click.exceptions.Exit(1)


# A title typed in double quotes means itself to a shell: no quote, $, `, \ or !.
_TYPABLE = re.compile(r"[^\"$`\\!\n]+")


def command_reference(store: Store, document: Document) -> str:
    """How to name *document* on a command line: its title when that finds it and is safe to type, else its id."""
    title = document.title
    try:
        finds_it = store.documents.resolve(title).id == document.id
    except MarginError:
        finds_it = False
    if finds_it and _TYPABLE.fullmatch(title) and title == title.strip():
        return title if re.fullmatch(r"[\w.,:+=@%/-]+", title) else f'"{title}"'
    return short(document.id)


def _excerpt(text: str, start: int, end: int, prefix: str = "", suffix: str = "") -> str:
    before = prefix[-CONTEXT_SHOWN:] if prefix else text[max(0, start - CONTEXT_SHOWN) : start]
    after = suffix[:CONTEXT_SHOWN] if suffix else text[end : end + CONTEXT_SHOWN]
    return f"…{one_line_of(before)}[{shorten(one_line_of(text[start:end]), 160)}]{one_line_of(after)}…"


def describe_review_item(store: Store, document: Document, annotation: Annotation, text: str) -> list[str]:
    """Lines showing one re-anchored annotation: its state, what it was, what it is now."""
    lines = [f"{annotation.placement}  {short(annotation.id)}" + (f"  note: {shorten(annotation.note, 50)}" if annotation.note else "")]
    before = store.documents.reanchorer.before(annotation.id)
    if before is not None:
        lines.append("  before: " + _excerpt(before["old_exact"], 0, len(before["old_exact"]), before["old_prefix"] or " ", before["old_suffix"] or " "))
    pieces = len(annotation.fragments)
    if annotation.orphaned and pieces:
        # A passage in fragments is orphaned whole when any fragment is not found: say which words it was.
        lines.append(f"  now:    not found in version {document.version} (a passage in {pieces} fragments, not all"
                     f" found: “{shorten(one_line_of(annotation.quote), 120)}”)")
    elif annotation.orphaned:
        lines.append(f"  now:    not found in version {document.version}")
    elif pieces:
        lines.append("  now:    " + " … ".join(f"[{shorten(one_line_of(f.exact), 60)}]" for f in annotation.fragments))
    else:
        lines.append("  now:    " + _excerpt(text, annotation.start, annotation.end))
    return lines


@click.command("review", short_help="Review annotations a change of text moved.")
@click.argument("document")
@click.option("--all", "show_all", is_flag=True, help="Also list moved and approximate placements already reviewed.")
@click.option("--accept", "accept", multiple=True, metavar="ID", help="Accept this annotation's new place (an orphan stays an orphan).")
@click.option("--accept-moved", is_flag=True, help="Accept every annotation whose quote was found intact.")
@click.option("--accept-above", type=click.FloatRange(0, 1), metavar="SCORE", help="Accept every placement scoring at least SCORE.")
@click.option("--reattach", metavar="ID", help="Attach this annotation to --quote in the current text.")
@click.option("--quote", help="With --reattach: the passage to attach to.")
@click.option("--occurrence", type=int, help="With --quote: which occurrence, when it appears several times.")
@click.option("--delete", "delete", multiple=True, metavar="ID", help="Delete this annotation (undo restores it).")
@pass_context
def review(ctx: Context, document: str, show_all: bool, accept: tuple[str, ...], accept_moved: bool,
           accept_above: float | None, reattach: str | None, quote: str | None, occurrence: int | None,
           delete: tuple[str, ...]) -> None:
    """List DOCUMENT's annotations that moved, were found approximately or were not found, and settle them."""
    store = ctx.store
    doc = store.documents.resolve(document)
    if (reattach is None) != (quote is None):
        raise MarginError("--reattach ID and --quote TEXT go together")
    acting = bool(accept or accept_moved or accept_above is not None or reattach or delete)
    queue = store.annotations.review_queue([doc.id])
    accepted: set[str] = set()
    for ref in accept:
        annotation = _in_document(store, ref, doc)
        store.annotations.accept_place(annotation.id)
        accepted.add(annotation.id)
        click.echo(f"accepted   {short(annotation.id)} ({annotation.anchor_state})")
    for annotation in queue:
        bulk = (accept_moved and annotation.anchor_state == "moved") or (
            accept_above is not None and not annotation.orphaned
            and (annotation.anchor_score if annotation.anchor_score is not None else 1.0) >= accept_above
        )
        if bulk and annotation.id not in accepted:
            store.annotations.accept_place(annotation.id)
            click.echo(f"accepted   {short(annotation.id)} ({annotation.anchor_state})")
    if reattach is not None and quote is not None:
        annotation = _in_document(store, reattach, doc)
        anchor = anchor_quote(store.documents.text(doc.version_id), quote, occurrence)
        store.annotations.reattach(annotation.id, doc, anchor)
        click.echo(f"attached   {short(annotation.id)} at {anchor.start}–{anchor.end}")
    for ref in delete:
        annotation = _in_document(store, ref, doc)
        store.annotations.delete(annotation.id)
        click.echo(f"deleted    {short(annotation.id)}")
    if acting:
        left = len(store.annotations.review_queue([doc.id]))
        click.echo(f"{left} left to review in “{doc.title}”")
        return
    doc = store.documents.get(doc.id)
    shown = queue
    if show_all:
        shown = [a for a in store.annotations.list(document_ids=[doc.id], include_orphans=True) if a.anchor_state != "exact" or a.needs_review]
    if not shown:
        click.echo(f"nothing to review in “{doc.title}”")
        return
    text = store.documents.text(doc.version_id)
    counts = {state: sum(1 for a in shown if a.anchor_state == state) for state in ("orphaned", "fuzzy", "moved", "exact")}
    click.echo(
        f"“{doc.title}” version {doc.version}: "
        + ", ".join(f"{n} {state}" for state, n in counts.items() if n)
    )
    for annotation in shown:
        click.echo("")
        for line in describe_review_item(store, doc, annotation, text):
            click.echo(line)


def _in_document(store: Store, ref: str, document: Document) -> Annotation:
    annotation = store.annotations.live(ref)
    if annotation.document_id != document.id:
        raise MarginError(f"annotation {short(annotation.id)} is not in “{document.title}”")
    return annotation


COMMANDS = [refresh_, review]
