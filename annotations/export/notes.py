"""The notes an export shows, in the order and with the block ids it shows them.

:class:`DocumentNotes` is what :mod:`.gather` collects from the store; here it
is put in order (documents by title, annotations in reading order, orphans
last, tags and links sorted), looked up in each document's outline, and given
block ids unique in the file. The built-in layout (:mod:`.markdown`) and
templates (:mod:`.views`) both start from :func:`arrange`, so a template sees
exactly what the built-in layout lays out, and nothing here depends on the
order the caller passed things in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..model import Annotation, Document, Section, Tag, TagKind
from ..sections import Outline
from ..text import shorten
from .escaping import clean


@dataclass(frozen=True, slots=True)
class LinkView:
    """One link as seen from an annotation, with enough of the other end to show it."""

    relation: str
    #: True: this annotation -> the other one; False: the other one -> this.
    outgoing: bool
    other_document_title: str
    other_exact: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class DocumentNotes:
    """Everything the export needs about one document: its sections, annotations and links."""

    document: Document
    #: Sorted by start (the renderer does not rely on it).
    sections: tuple[Section, ...] = ()
    #: Live annotations in any order; deleted ones are skipped anyway.
    annotations: tuple[Annotation, ...] = ()
    #: Links keyed by annotation id.
    links: Mapping[str, tuple[LinkView, ...]] = field(default_factory=dict)


#: How an incoming link of a known relation reads from the annotation it points at.
INCOMING = {
    "quotes": "quoted by",
    "paraphrases": "paraphrased by",
    "contradicts": "contradicted by",
    "see-also": "see also",
}
#: Characters of a quote a link shows of its other end.
SHORT_QUOTE = 60
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BLOCK_ID_BAD = re.compile(r"[^A-Za-z0-9-]")


@dataclass(slots=True)
class Entry:
    """One annotation as an export shows it: where it sits, its links in order, its block id."""

    annotation: Annotation
    document: Document
    sections: list[str]
    links: tuple[LinkView, ...]
    block_id: str = ""
    #: The quote and everything after the block id, once the built-in layout has rendered them.
    rendered: tuple[str, str] | None = None


def arrange(notes: Sequence[DocumentNotes]) -> list[tuple[Document, list[Entry]]]:
    """Each document (by title) with its live annotations as entries in reading order, block ids assigned."""
    per_document: list[tuple[Document, list[Entry]]] = []
    for item in sorted(notes, key=lambda n: _document_key(n.document)):
        index = Outline(item.sections)
        entries = []
        for a in sorted(item.annotations, key=_annotation_key):
            if a.deleted:
                continue
            links = tuple(sorted(item.links.get(a.id, ()), key=_link_key))
            sections = [] if a.orphaned else index.titles(a.start)
            entries.append(Entry(a, item.document, sections, links))
        per_document.append((item.document, entries))
    _assign_block_ids([e for _, entries in per_document for e in entries])
    return per_document


def _annotation_key(a: Annotation) -> tuple[bool, int, int, str, str]:
    """Reading order; orphans (offsets into an older text) after the rest."""
    return (a.orphaned, a.start, a.end, a.created, a.id)


def _document_key(d: Document) -> tuple[str, str, str]:
    return (d.title.casefold(), d.title, d.id)


def tag_key(tag: Tag) -> tuple:
    """Topics by path, then entities by type and name."""
    if tag.kind is TagKind.TOPIC:
        return (0, "", "", tag.name.casefold(), tag.name, tag.id)
    kind = tag.entity_type or ""
    return (1, kind.casefold(), kind, tag.name.casefold(), tag.name, tag.id)


def _link_key(link: LinkView) -> tuple:
    return (
        not link.outgoing,
        link.relation,
        link.other_document_title,
        link.other_exact,
        link.note,
    )


def live_tags(annotation: Annotation) -> list[Tag]:
    """The annotation's tags that are not deleted, once each, in :func:`tag_key` order."""
    seen: dict[str, Tag] = {}
    for tag in annotation.tags:
        if not tag.deleted and tag.id not in seen:
            seen[tag.id] = tag
    return sorted(seen.values(), key=tag_key)


def short_quote(text: str) -> str:
    """The first few words of a quote, on one line, cut between characters a reader sees."""
    return shorten(clean(text), SHORT_QUOTE + 1)


def day(stamp: str) -> str:
    """The date (``YYYY-MM-DD``) a timestamp starts with, or the stamp as it is."""
    match = _DATE.match(stamp)
    return match.group() if match else stamp


def _assign_block_ids(entries: Sequence[Entry]) -> None:
    """Give each annotation a short id usable as an Obsidian block id, unique in the file."""
    full = [_BLOCK_ID_BAD.sub("-", e.annotation.id) or "note" for e in entries]
    counts: dict[str, int] = {}
    for f in full:
        counts[f[:8]] = counts.get(f[:8], 0) + 1
    used: set[str] = set()
    for entry, f in zip(entries, full):
        candidate = f[:8] if counts[f[:8]] == 1 else f
        base, n = candidate, 2
        while candidate in used:
            candidate = f"{base}-{n}"
            n += 1
        used.add(candidate)
        entry.block_id = candidate
