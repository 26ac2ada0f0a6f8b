"""Markdown export of reading notes.

:func:`render_markdown` turns already-loaded notes into one Markdown file that
reads well in Obsidian and similar tools: YAML front matter, a heading per
document (or per tag), and for each annotation its quote, where it is, its tags,
its note, who wrote it and when, and its links.

The renderer is pure: it never touches the database, never reads the clock and
sorts everything it is given, so the same library always exports to the same
bytes whatever order the caller happens to pass things in.

Everything a user typed or a document supplied (quotes, notes, titles, tag and
section names) is escaped so that a CommonMark renderer shows exactly that text
and nothing in it can add structure to the file: no headings, lists, code,
HTML, tables or thematic breaks, and no Obsidian tags, links, highlights,
comments, maths or block ids. The few characters Markdown cannot carry are
listed on :func:`escape_inline`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from annotations.model import Annotation, Document, Section, Tag, TagKind
from annotations.sections import Outline
from annotations.text import shorten

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


# --------------------------------------------------------------------------
# Escaping
# --------------------------------------------------------------------------

#: Characters no Markdown output can carry: NUL (CommonMark turns it into
#: U+FFFD) and lone surrogates (not encodable at all).
_UNREPRESENTABLE = re.compile("[\x00\ud800-\udfff]")

#: What renderers trim from the edges of a line, paragraph or heading
#: (spaces and tabs per CommonMark, and the wider set some renderers use).
_TRIMMED = (
    "\t\n\x0b\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)

#: Trimmed, yet no character reference can carry it (renderers turn &#11; into
#: U+FFFD). It is harmless inside a paragraph, but at its very start or end it
#: would vanish, so there it is written as U+FFFD.
_VT = "\x0b"

#: ASCII punctuation that has a meaning somewhere, backslash-escaped. Always:
#: ``\`` (escapes), ````` (code), ``*`` (emphasis), ``[ ]`` (links, wikilinks,
#: footnotes), ``<`` (HTML, autolinks), ``|`` (tables), ``#`` (headings, tags),
#: ``$`` (maths), ``^`` (block ids), ``~`` (strikethrough, fences). Only where
#: it could mean something: ``_`` unless it sits between two letters or digits
#: (where it can never be emphasis), ``&`` when it could start a character
#: reference, ``=`` and ``%`` when doubled (highlights, comments).
#: (Every branch starts with its character, which keeps the search fast.)
_ESCAPE = re.compile(
    r"[\\`*\[\]<|#$^~]"
    r"|_(?:(?<![^\W_]_)|(?![^\W_]))"
    r"|&(?=\#|[A-Za-z0-9]+;)"
    r"|=(?:(?<===)|(?==))"
    r"|%(?:(?<=%%)|(?=%))"
)

#: An ordered-list marker at the start of a line: digits then ``.`` or ``)``.
_ORDERED_MARKER = re.compile(r"[0-9]+(?=[.)])")


def _backslash(match: re.Match[str]) -> str:
    return "\\" + match.group()


def _clean(text: str) -> str:
    """Replace the characters Markdown cannot carry with U+FFFD."""
    if _UNREPRESENTABLE.search(text):
        return _UNREPRESENTABLE.sub("\ufffd", text)
    return text


def _references(run: str) -> str:
    """Write a run of edge whitespace as character references so nothing trims it."""
    return "".join(ch if ch == _VT else f"&#{ord(ch)};" for ch in run)


def _guard_line_start(core: str) -> str:
    """Escape what would make an already-escaped line open a block."""
    first = core[0]
    if first in "-+>=":  # bullets, blockquotes, setext underlines, breaks
        return "\\" + core
    if "0" <= first <= "9":
        match = _ORDERED_MARKER.match(core)
        if match:
            return core[: match.end()] + "\\" + core[match.end() :]
    return core


def _escape_fragment(
    text: str, *, at_line_start: bool, outer_start: bool, outer_end: bool
) -> str:
    """Escape *text* (already cleaned) for use within one line of Markdown."""
    core = text.strip(_TRIMMED)
    if core:
        out = _ESCAPE.sub(_backslash, core)
        if "\n" in out or "\r" in out:
            out = out.replace("\n", "&#10;").replace("\r", "&#13;")
        if len(core) == len(text):
            if at_line_start:
                out = _guard_line_start(out)
            return out  # nothing at the edges to protect
        lead_end = len(text) - len(text.lstrip(_TRIMMED))
        if at_line_start and not lead_end:
            out = _guard_line_start(out)
        out = _references(text[:lead_end]) + out + _references(text[lead_end + len(core) :])
    elif text:
        out = _references(text)
    else:
        return ""
    if outer_start and out[0] == _VT:
        out = "\ufffd" + out[1:]
    if outer_end and out[-1] == _VT:
        out = out[:-1] + "\ufffd"
    return out


def escape_inline(text: str, *, at_line_start: bool = True) -> str:
    """Return Markdown for one line that renders exactly as *text*.

    Safe anywhere within a line, next to emphasis markers and at the start of a
    line (unless *at_line_start* is false, which spares a backslash before a
    leading ``-``, ``+``, ``>``, ``=`` or list number). Line breaks inside
    *text* are kept as the characters themselves (``&#10;``), since a single
    Markdown line cannot break.

    What cannot be shown exactly: NUL and lone surrogates become U+FFFD, and so
    does a vertical tab (U+000B) at the very start or end, where renderers
    would trim it and no character reference can carry it.
    """
    return _escape_fragment(
        _clean(text), at_line_start=at_line_start, outer_start=True, outer_end=True
    )


@lru_cache(maxsize=8192)
def _escape_label(text: str) -> str:
    """:func:`escape_inline` for mid-line text that recurs: names, dates, titles."""
    return escape_inline(text, at_line_start=False)


def _block_lines(text: str) -> list[str]:
    """Lines of one paragraph showing *text*, its line breaks as hard breaks."""
    text = _clean(text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text:
        return []
    body = text.rstrip("\n")
    # A paragraph cannot end in a hard break, so trailing line breaks are kept
    # as the characters themselves.
    trailing = len(text) - len(body)
    lines = body.split("\n")
    last = len(lines) - 1
    out: list[str] = []
    for index, line in enumerate(lines):
        piece = _escape_fragment(
            line,
            at_line_start=True,
            outer_start=index == 0,
            outer_end=index == last and not trailing,
        )
        out.append(piece + "\\" if index < last else piece)
    if trailing:
        out[-1] += "&#10;" * trailing
    return out


def escape_block(text: str, *, prefix: str = "") -> str:
    """Return one Markdown paragraph that renders exactly as *text*, line breaks included.

    Each line of *text* becomes one line of Markdown, ended by a backslash hard
    break; blank lines are kept the same way, so the text stays one paragraph.
    ``\\r\\n`` and a lone ``\\r`` count as line breaks, as everywhere in margin.
    Every line is given *prefix* (``"> "`` for a blockquote). Returns ``""``
    for empty text. Otherwise as exact as :func:`escape_inline`.
    """
    lines = _block_lines(text)
    if not prefix:
        return "\n".join(lines)
    bare = prefix.rstrip()
    return "\n".join(prefix + line if line else bare for line in lines)


# --------------------------------------------------------------------------
# Obsidian tags and wikilinks
# --------------------------------------------------------------------------

#: Not allowed in an Obsidian tag segment: anything but letters, digits, ``_`` and ``-``.
_TAG_BAD = re.compile(r"[^\w-]")
#: ``_`` not between two letters or digits could open or close emphasis.
_LOOSE_UNDERSCORE = re.compile(r"_(?![^\W_])|(?<![^\W_])_")
_DASHES = re.compile(r"-{2,}")

#: Not allowed in an Obsidian note name, or meaningful to Markdown inside ``[[...]]``.
_WIKI_BAD = re.compile(
    r'[\[\]|#^\\/:*"<>?`\x00-\x08\x0e-\x1f\x7f-\x9f]'
    r"|&(?=\#|[A-Za-z0-9]+;)"
    r"|_(?![^\W_])|(?<![^\W_])_"
)


@lru_cache(maxsize=4096)
def obsidian_tag(name: str) -> str:
    """Return *name* as an Obsidian tag such as ``#Theme/Secrecy``.

    Path segments keep letters, digits, ``-`` and ``_`` between letters or
    digits; anything else (spaces included) becomes ``-``. A tag with nothing
    but digits gets a leading ``_``, since Obsidian needs one non-digit. The
    result needs no escaping in Markdown.
    """
    text = unicodedata.normalize("NFC", _clean(name))
    segments = []
    for segment in text.split("/"):
        segment = _LOOSE_UNDERSCORE.sub("-", _TAG_BAD.sub("-", segment))
        segment = _DASHES.sub("-", segment).strip("-")
        if segment:
            segments.append(segment)
    tag = "/".join(segments) or "untitled"
    if tag.replace("/", "").isdecimal():
        tag = "_" + tag
    return "#" + tag


@lru_cache(maxsize=4096)
def wikilink(name: str) -> str:
    """Return an Obsidian wikilink ``[[name]]`` to the note called *name*.

    Characters a note name cannot hold or that would end the link (``[ ] | #
    ^ / \\ :`` and the like) become spaces; runs of whitespace become one space.
    The result needs no escaping in Markdown.
    """
    target = _WIKI_BAD.sub(" ", unicodedata.normalize("NFC", _clean(name)))
    target = " ".join(target.split())
    return f"[[{target or 'Untitled'}]]"


# --------------------------------------------------------------------------
# YAML front matter
# --------------------------------------------------------------------------

_YAML_SPECIAL = re.compile('["\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]')
_YAML_SHORT = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _yaml_char(match: re.Match[str]) -> str:
    ch = match.group()
    short = _YAML_SHORT.get(ch)
    if short is not None:
        return short
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:
        code = 0xFFFD
    return f"\\u{code:04x}"


def _yaml_str(text: str) -> str:
    """A double-quoted YAML scalar (which is also a JSON string) holding *text*."""
    return '"' + _YAML_SPECIAL.sub(_yaml_char, text) + '"'


def _yaml_list(key: str, values: Sequence[str], indent: str = "") -> list[str]:
    if not values:
        return [f"{indent}{key}: []"]
    return [f"{indent}{key}:", *(f"{indent}  - {_yaml_str(v)}" for v in values)]


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------

_INCOMING = {
    "quotes": "quoted by",
    "paraphrases": "paraphrased by",
    "contradicts": "contradicted by",
    "see-also": "see also",
}
_SHORT_QUOTE = 60
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BLOCK_ID_BAD = re.compile(r"[^A-Za-z0-9-]")


@dataclass(slots=True)
class _Entry:
    annotation: Annotation
    document: Document
    sections: list[str]
    links: tuple[LinkView, ...]
    block_id: str = ""
    #: The quote and everything after the block id, once rendered.
    rendered: tuple[str, str] | None = None


def _annotation_key(a: Annotation) -> tuple[bool, int, int, str, str]:
    """Reading order; orphans (offsets into an older text) after the rest."""
    return (a.orphaned, a.start, a.end, a.created, a.id)


def _document_key(d: Document) -> tuple[str, str, str]:
    return (d.title.casefold(), d.title, d.id)


def _tag_key(tag: Tag) -> tuple:
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


def _live_tags(annotation: Annotation) -> list[Tag]:
    seen: dict[str, Tag] = {}
    for tag in annotation.tags:
        if not tag.deleted and tag.id not in seen:
            seen[tag.id] = tag
    return sorted(seen.values(), key=_tag_key)


def _short(text: str) -> str:
    """The first few words of a quote, on one line, cut between characters a reader sees."""
    return shorten(_clean(text), _SHORT_QUOTE + 1)


def _date(stamp: str) -> str:
    match = _DATE.match(stamp)
    return match.group() if match else stamp


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


def _link_line(link: LinkView) -> str:
    if link.outgoing:
        line = "→ " + _escape_label(link.relation)
    else:
        relation = _INCOMING.get(link.relation)
        if relation is None:
            line = "← " + _escape_label(link.relation) + " from"
        else:
            line = "← " + relation
    line += " " + wikilink(link.other_document_title)
    short = _short(link.other_exact)
    if short:
        line += " › “" + escape_inline(short, at_line_start=False) + "”"
    if link.note:
        line += " — " + escape_inline(link.note, at_line_start=False)
    return line


def _location(entry: _Entry, with_document: bool) -> str:
    parts = []
    if with_document:
        parts.append(entry.document.title)
    parts.extend(entry.sections)
    where = " › ".join(_escape_label(p) for p in parts if p)
    a = entry.annotation
    position = f"chars {a.start}–{a.end}"
    if a.orphaned:
        position = f"not found in version {entry.document.version} (was chars {a.start}–{a.end} of an earlier version)"
    elif a.needs_review and a.anchor_state == "fuzzy" and a.anchor_score is not None:
        position += f" · found approximately ({a.anchor_score:.2f}) after the text changed, not yet reviewed"
    return _italic(f"{where} · {position}" if where else position)


def _byline(a: Annotation) -> str:
    created = _date(a.created)
    parts = []
    if a.author:
        parts.append(_escape_label(a.author))
    if created:
        parts.append(_escape_label(created))
    line = ("— " + ", ".join(parts)) if parts else "—"
    updated = _date(a.updated)
    if updated and updated != created:
        line += " (edited " + _escape_label(updated) + ")"
    return line


def _render_entry(entry: _Entry, block_id: str, *, with_document: bool) -> list[str]:
    """The annotation's blocks: quote, block id, location and tags, note, byline and links."""
    if entry.rendered is None:
        a = entry.annotation
        located = [_location(entry, with_document)]
        tags = _live_tags(a)
        if tags:
            located.append(_tag_line(tags))
        rest = ["\\\n".join(located), ""]
        if a.note:
            rest += [escape_block(a.note), ""]
        closing = [_byline(a)]
        closing += [_link_line(link) for link in entry.links]
        rest += ["\\\n".join(closing), ""]
        entry.rendered = (escape_block(a.exact, prefix="> ") or ">", "\n".join(rest))
    quote, after_quote = entry.rendered
    return [quote, "", f"^{block_id}", "", after_quote]


def _assign_block_ids(entries: Sequence[_Entry]) -> None:
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


def _front_matter(
    documents: Sequence[Document],
    entries: Sequence[_Entry],
    filters: Mapping[str, Sequence[str]] | None,
) -> list[str]:
    title = documents[0].title if len(documents) == 1 else "Reading notes"
    tag_ids = {t.id for e in entries for t in e.annotation.tags if not t.deleted}
    authors = {e.annotation.author for e in entries if e.annotation.author}
    stamps = [e.annotation.updated or e.annotation.created for e in entries]
    stamps = [s for s in stamps if s]
    lines = ["---", f"title: {_yaml_str(title)}"]
    lines += _yaml_list("documents", [d.title for d in documents])
    lines += [f"annotation_count: {len(entries)}", f"tag_count: {len(tag_ids)}"]
    lines += _yaml_list("authors", sorted(authors, key=lambda s: (s.casefold(), s)))
    lines.append(f"updated: {_yaml_str(max(stamps)) if stamps else 'null'}")
    if filters:
        lines.append("filters:")
        for key in sorted(filters):
            values = filters[key]
            if isinstance(values, str):
                values = (values,)
            lines += _yaml_list(_yaml_str(key), list(values), indent="  ")
    lines.append("---")
    return lines


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

    ordered_notes = sorted(notes, key=lambda n: _document_key(n.document))
    documents = [n.document for n in ordered_notes]
    per_document: list[tuple[Document, list[_Entry]]] = []
    for item in ordered_notes:
        index = Outline(item.sections)
        entries = []
        for a in sorted(item.annotations, key=_annotation_key):
            if a.deleted:
                continue
            links = tuple(sorted(item.links.get(a.id, ()), key=_link_key))
            sections = [] if a.orphaned else index.titles(a.start)
            entries.append(_Entry(a, item.document, sections, links))
        per_document.append((item.document, entries))
    everything = [e for _, entries in per_document for e in entries]
    _assign_block_ids(everything)

    out = _front_matter(documents, everything, filters)
    out.append("")
    if group_by == "document":
        for document, entries in per_document:
            out += _document_section(document, entries)
        if not per_document:
            out += ["No annotations.", ""]
    else:
        out += _tag_sections(everything)
    return "\n".join(out).rstrip("\n") + "\n"


def _document_section(document: Document, entries: Sequence[_Entry]) -> list[str]:
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
    for entry in entries:
        out += _render_entry(entry, entry.block_id, with_document=False)
    return out


def _tag_sections(entries: Sequence[_Entry]) -> list[str]:
    if not entries:
        return ["No annotations.", ""]
    groups: dict[str, list[_Entry]] = {}
    tags: dict[str, Tag] = {}
    untagged: list[_Entry] = []
    for entry in entries:
        live = _live_tags(entry.annotation)
        if not live:
            untagged.append(entry)
        for tag in live:
            tags.setdefault(tag.id, tag)
            groups.setdefault(tag.id, []).append(entry)

    out: list[str] = []
    used = {e.block_id for e in entries}
    seen: set[str] = set()

    def occurrence(entry: _Entry) -> str:
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

    def heading(label: str, members: Sequence[_Entry]) -> None:
        out.extend(["# " + escape_inline(label, at_line_start=False), ""])
        for entry in members:
            out.extend(_render_entry(entry, occurrence(entry), with_document=True))

    for tag in sorted(tags.values(), key=_tag_key):
        if tag.kind is TagKind.ENTITY and tag.entity_type:
            label = f"{tag.entity_type}: {tag.name}"
        else:
            label = tag.name
        heading(label, groups[tag.id])
    if untagged:
        heading("Untagged", untagged)
    return out
