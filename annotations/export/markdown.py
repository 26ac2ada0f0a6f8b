"""Markdown export of reading notes.

:func:`render_markdown` turns already-loaded notes into one Markdown file that
reads well in Obsidian and similar tools: YAML front matter, a heading per
document (or per tag), and for each annotation its quote, where it is, its tags,
its note, who wrote it and when, and its links.

The renderer is pure: it never touches the database, never reads the clock and
sorts everything it is given, so the same library always exports to the same
bytes whatever order the caller happens to pass things in.

Everything a user typed or a document supplied is escaped (:mod:`.escaping`)
so that a CommonMark renderer shows exactly that text and nothing in it can
add structure to the file; a note is Markdown, so it keeps its formatting but
loses anything structural (:mod:`.note_markdown`). A link goes to the other
passage's block where the export holds it, and otherwise names its document.
This module is the layout alone: the order, block ids and link targets come
from :mod:`.notes`, the front matter from :mod:`.frontmatter`, tags and links
from :mod:`.obsidian`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Literal

from ..collector import collection_paused
from ..model import Annotation, Document, Tag, TagKind
from ..progress import tracked
from .escaping import escape_block, escape_inline
from .frontmatter import front_matter
from .note_markdown import note_markdown
from .notes import (
    DocumentNotes, Entry, LinkTarget, LinkView, arrange, day, known_phrase, link_quote, live_tags, tag_key,
)
from .obsidian import block_link, obsidian_tag, wikilink

__all__ = [
    "DocumentNotes",
    "LinkView",
    "escape_block",
    "escape_inline",
    "obsidian_tag",
    "render_markdown",
    "wikilink",
]

GroupBy = Literal["document", "tag"]

@lru_cache(maxsize=8192)
def _escape_label(text: str) -> str:
    """:func:`escape_inline` for mid-line text that recurs: names, dates, titles."""
    return escape_inline(text, at_line_start=False)


def _italic(markdown: str) -> str:
    # Escaped text never starts or ends with whitespace, so it can be wrapped.
    return f"*{markdown}*" if markdown else ""


def _tag_line(tags: Sequence[Tag]) -> str:
    parts = []
    for tag in tags:
        if tag.kind is TagKind.ENTITY:
            part = wikilink(tag.name)
            if tag.entity_type:
                part += f" ({obsidian_tag(tag.entity_type)})"
            parts.append(part)
        else:
            parts.append(obsidian_tag(tag.name))
    return " ".join(parts)


def _link_line(link: LinkView, target: LinkTarget | None) -> str:
    known = known_phrase(link.relation, link.outgoing)
    if link.outgoing:
        line = "→ " + _escape_label(known or link.relation)
    elif known is None:
        line = "← " + _escape_label(link.relation) + " from"
    else:
        line = "← " + known
    if target is None:
        line += " " + _escape_label(link.other_document_title)
    else:
        line += " " + block_link(target.block_id, target.note, link.other_document_title)
    quoted = link_quote(link.other_exact)
    if quoted:
        line += " › " + escape_inline(quoted, at_line_start=False)
    if link.note:
        line += " — " + escape_inline(link.note, at_line_start=False)
    return line


def _location(entry: Entry, with_document: bool) -> str:
    parts = [entry.document.title, *entry.sections] if with_document else entry.sections
    where = " › ".join([_escape_label(p) for p in parts if p])
    a = entry.annotation
    position = entry.position
    if a.orphaned:
        position = f"not found in version {entry.document.version} (was chars {a.start}–{a.end} of an earlier version)"
    elif a.needs_review and a.anchor_state == "fuzzy" and a.anchor_score is not None:
        position += f" · found approximately ({a.anchor_score:.2f}) after the text changed, not yet reviewed"
    return _italic(f"{where} · {position}" if where else position)


def _byline(a: Annotation) -> str:
    created = day(a.created)
    parts = []
    if a.author:
        parts.append(_escape_label(a.author))
    if created:
        parts.append(_escape_label(created))
    line = ("— " + ", ".join(parts)) if parts else "—"
    updated = day(a.updated) if a.updated != a.created else created  # most were never edited
    if updated and updated != created:
        line += " (edited " + _escape_label(updated) + ")"
    return line


def _render_entry(entry: Entry, block_id: str, *, with_document: bool) -> str:
    """The annotation's blocks as one text of lines: quote, block id, location and tags, note, byline and links."""
    if entry.rendered is None:
        a = entry.annotation
        located = _location(entry, with_document)
        tags = live_tags(a) if a.tags else ()
        if tags:
            located += "\\\n" + _tag_line(tags)
        closing = _byline(a)
        for link, target in zip(entry.links, entry.targets):
            closing += "\\\n" + _link_line(link, target)
        note = note_markdown(a.note) if a.note else ""
        after_quote = f"{located}\n\n{note}\n\n{closing}\n" if note else f"{located}\n\n{closing}\n"
        entry.rendered = (escape_block(a.quote, prefix="> ") or ">", after_quote)
    quote, after_quote = entry.rendered
    return f"{quote}\n\n^{block_id}\n\n{after_quote}"


def render_markdown(
    notes: Sequence[DocumentNotes],
    *,
    group_by: GroupBy = "document",
    filters: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """Render reading notes as one Markdown file (front matter, then the notes).

    ``group_by="document"`` gives a ``#`` heading per document, ordered by
    title, with its annotations in reading order. ``group_by="tag"`` gives a
    heading per tag (topics by path, then entities by type and name, then
    ``Untagged``); an annotation with several tags appears under each. *filters*
    only records, in the front matter, how the caller chose what to export.
    """
    if group_by not in ("document", "tag"):
        raise ValueError(f"group_by must be 'document' or 'tag', not {group_by!r}")
    with collection_paused():
        return _render(notes, group_by, filters)


def _render(notes: Sequence[DocumentNotes], group_by: GroupBy, filters: Mapping[str, Sequence[str]] | None) -> str:
    per_document = arrange(notes)
    documents = [document for document, _ in per_document]
    everything = [e for _, entries in per_document for e in entries]

    out = front_matter(documents, everything, filters)
    out.append("")
    if group_by == "document":
        for document, entries in per_document:
            out += _document_section(document, entries)
        if not per_document:
            out += ["No annotations.", ""]
    else:
        out += _tag_sections(everything)
    return "\n".join(out).rstrip("\n") + "\n"


def _document_section(document: Document, entries: Sequence[Entry]) -> list[str]:
    out = ["# " + escape_inline(document.title, at_line_start=False), ""]
    about = []
    if document.source_path:
        about.append(escape_inline(document.source_path, at_line_start=False))
    about.append(f"version {document.version}")
    if document.format:
        about.append(escape_inline(document.format, at_line_start=False))
    out += [_italic(" · ".join(about)), ""]
    if not entries:
        out += ["No annotations.", ""]
    for entry in tracked("writing notes", entries, every=100):
        out.append(_render_entry(entry, entry.block_id, with_document=False))
    return out


def _tag_sections(entries: Sequence[Entry]) -> list[str]:
    if not entries:
        return ["No annotations.", ""]
    groups: dict[str, list[Entry]] = {}
    tags: dict[str, Tag] = {}
    untagged: list[Entry] = []
    for entry in entries:
        live = live_tags(entry.annotation)
        if not live:
            untagged.append(entry)
        for tag in live:
            tags.setdefault(tag.id, tag)
            groups.setdefault(tag.id, []).append(entry)

    out: list[str] = []
    used = {e.block_id for e in entries}
    seen: set[str] = set()

    def occurrence(entry: Entry) -> str:
        # The first appearance carries the annotation's own block id; later
        # ones get a suffixed id, since block ids must be unique in a file.
        if entry.block_id not in seen:
            seen.add(entry.block_id)
            return entry.block_id
        n = 2
        while f"{entry.block_id}-{n}" in used:
            n += 1
        candidate = f"{entry.block_id}-{n}"
        used.add(candidate)
        return candidate

    def heading(label: str, members: Sequence[Entry]) -> None:
        out.extend(["# " + escape_inline(label, at_line_start=False), ""])
        for entry in members:
            out.append(_render_entry(entry, occurrence(entry), with_document=True))

    for tag in sorted(tags.values(), key=tag_key):
        if tag.kind is TagKind.ENTITY and tag.entity_type:
            label = f"{tag.entity_type}: {tag.name}"
        else:
            label = tag.name
        heading(label, groups[tag.id])
    if untagged:
        heading("Untagged", untagged)
    return out
