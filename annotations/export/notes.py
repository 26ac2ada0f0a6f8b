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
    #: The other annotation's id: what a link to its block is found by (empty: not known).
    other_id: str = ""


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """Where a linked passage's block is: in a note (a file name without ``.md``), or in this file."""

    block_id: str
    #: The note's file name without ``.md``; empty for the file being written.
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
    #: The document's text, for line numbers; given only for formats whose lines are the file's own.
    text: str = ""
    #: Blocks in other files that links from this document may point at, by annotation id
    #: (a split export, one note per document); a passage in neither is named, not linked.
    elsewhere: Mapping[str, LinkTarget] = field(default_factory=dict)


#: How an incoming link of a known relation reads from the annotation it points at.
INCOMING = {
    "quotes": "quoted by",
    "paraphrases": "paraphrased by",
    "contradicts": "contradicted by",
    "see-also": "see also",
}
#: How an outgoing link of a known relation reads where its name is a word joined for the command line.
OUTGOING = {"see-also": "see also"}


def known_phrase(relation: str, outgoing: bool) -> str | None:
    """How a link of a known relation reads from this end (``see also``, ``quoted by``); ``None`` if not known.

    The built-in layout and the templates' ``phrase`` both read it here.
    """
    return (OUTGOING if outgoing else INCOMING).get(relation)


#: Characters the ``short`` template filter keeps by default.
SHORT_QUOTE = 60
#: Characters of a quote a link shows of its other end before it is cut at a word.
LINK_QUOTE = 200
#: Formats whose text keeps the file's own lines, so a line number finds the passage in an editor.
LINE_FORMATS = frozenset({"text", "markdown"})
#: Opening quotation marks and the marks that close them.
_QUOTE_PAIRS = {
    '"': '"', "'": "'", "\u201c": "\u201d", "\u2018": "\u2019", "\u201e": "\u201c\u201d", "\u201a": "\u2018\u2019",
    "\u00ab": "\u00bb", "\u00bb": "\u00ab", "\u2039": "\u203a", "\u203a": "\u2039", "\u300c": "\u300d", "\u300e": "\u300f",
    "\u201d": "\u201d",
}
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
    #: Where each link's other end can be linked to, in the order of :attr:`links` (None: not in the export).
    targets: tuple[LinkTarget | None, ...] = ()
    #: The lines (1-based) the passage starts and ends on, where the format has lines of its own.
    lines: tuple[int, int] | None = None
    #: The quote and everything after the block id, once the built-in layout has rendered them.
    rendered: tuple[str, str] | None = None

    @property
    def position(self) -> str:
        """Where the passage is, without its sections: ``line 42 · chars 1200–1264``."""
        a = self.annotation
        chars = f"chars {a.start}–{a.end}"
        if self.lines is None:
            return chars
        first, last = self.lines
        line = f"line {first}" if first == last else f"lines {first}–{last}"
        return f"{line} · {chars}"


def arrange(notes: Sequence[DocumentNotes]) -> list[tuple[Document, list[Entry]]]:
    """Each document (by title) with its live annotations as entries in reading order, block ids assigned."""
    per_document: list[tuple[Document, list[Entry]]] = []
    elsewhere: dict[str, LinkTarget] = {}
    for item in sorted(notes, key=lambda n: _document_key(n.document)):
        index = Outline(item.sections)
        text = item.text if item.document.format in LINE_FORMATS else None
        # Lines are counted as the entries come, in reading order: the line breaks before each
        # start since the last, and those inside the passage (not every line start of the book).
        counted_to, line = 0, 1
        entries = []
        for a in sorted(item.annotations, key=_annotation_key):
            if a.deleted:
                continue
            found = item.links.get(a.id)
            links = tuple(sorted(found, key=_link_key)) if found else ()
            sections = [] if a.orphaned else index.titles(a.start)
            lines = None
            if text is not None and not a.orphaned and a.end <= len(text):
                if a.start < counted_to:
                    counted_to, line = 0, 1
                line += text.count("\n", counted_to, a.start)
                counted_to = a.start
                lines = (line, line + text.count("\n", a.start, max(a.start, a.end - 1)))
            entries.append(Entry(a, item.document, sections, links, lines=lines))
        per_document.append((item.document, entries))
        elsewhere.update(item.elsewhere)
    everything = [e for _, entries in per_document for e in entries]
    _assign_block_ids(everything)
    linked = {link.other_id for entry in everything for link in entry.links}  # few: a target for these only
    here = {e.annotation.id: LinkTarget(e.block_id) for e in everything if e.annotation.id in linked}
    for entry in everything:
        if entry.links:
            entry.targets = tuple(here.get(link.other_id) or elsewhere.get(link.other_id) for link in entry.links)
    return per_document


def block_ids(notes: Sequence[DocumentNotes]) -> dict[str, str]:
    """Annotation id to block id, as :func:`arrange` gives them when *notes* make one file."""
    return {e.annotation.id: e.block_id for _, entries in arrange(notes) for e in entries}


def _annotation_key(a: Annotation) -> tuple[bool, int, int, str, str]:
    """Reading order; orphans (offsets into an older text) after the rest."""
    return (a.anchor_state == "orphaned", a.start, a.end, a.created, a.id)  # a.orphaned, without the call


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


def short_quote(text: str, limit: int = LINK_QUOTE) -> str:
    """A quote on one line; past *limit* characters, cut at the last word that fits, with ``…``.

    Text without spaces to cut at (Chinese, Japanese) is cut between
    characters a reader sees.
    """
    flat = " ".join(clean(text).split())
    if len(flat) <= limit:
        return flat
    space = flat.rfind(" ", 0, limit)
    if space > limit // 2:
        return flat[:space].rstrip() + "…"
    return shorten(flat, limit + 1)


def link_quote(text: str, limit: int = LINK_QUOTE) -> str:
    """A linked passage's quote in quotation marks, once: its own when it is wholly quoted already.

    ``a precaution`` gives ``“a precaution”``; ``"a precaution"`` stays as it
    is, not ``“"a precaution"”``. A quote that only starts with a mark
    (``"No," she said``) is quoted as usual, since the mark is part of it.
    """
    flat = " ".join(clean(text).split())
    if not flat:
        return ""
    first, last = flat[0], flat[-1]
    closers = _QUOTE_PAIRS.get(first, "")
    inner = flat[1:-1]
    if len(flat) > 1 and last in closers and not any(ch in inner for ch in {first, *closers}):
        inner = short_quote(inner, limit)
        return first + inner + last
    return "\u201c" + short_quote(flat, limit) + "\u201d"


def day(stamp: str) -> str:
    """The date (``YYYY-MM-DD``) a timestamp starts with, or the stamp as it is."""
    match = _DATE.match(stamp)
    return match.group() if match else stamp


def _block_id_base(annotation_id: str) -> str:
    """The id with every character a block id cannot hold made ``-`` (a UUID is kept as it is)."""
    if annotation_id.isascii() and annotation_id.replace("-", "").isalnum():
        return annotation_id
    return _BLOCK_ID_BAD.sub("-", annotation_id) or "note"


def _assign_block_ids(entries: Sequence[Entry]) -> None:
    """Give each annotation a short id usable as an Obsidian block id, unique in the file."""
    full = [_block_id_base(e.annotation.id) for e in entries]
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
