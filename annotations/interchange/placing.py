"""Putting annotations read from another tool's file onto the library's documents.

Readers of W3C Web Annotation and Hypothesis files turn what they read into
:class:`Incoming` records; :func:`place` does what every such import needs:
find the document each one targets, find the passage (by position when the
position still slices to the quote, else by the quote and its context), make
the tags, and write everything in one transaction. Importing the same file
twice adds nothing the second time: each record carries a stable UUID derived
from the id it came with, and one already in the library is skipped.
"""

from __future__ import annotations

import re
import uuid
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..anchoring import anchor_span, find_all
from ..errors import MarginError
from ..model import Anchor, AttributeValue, Document, TagKind
from ..store import Store
from ..text import normalise, shorten
from .intake import Intake
from .report import ImportReport
from .targets import DocumentMatcher

#: The most fragments one passage may have (as live sharing allows): each is looked for in the text on its own.
MAX_FRAGMENTS = 10_000
_NAMESPACE = uuid.UUID("6f0d3b8e-5a4f-4f7e-9a55-0c1d2b3a4e5f")
_UUID_URN = re.compile(r"^urn:uuid:([0-9a-fA-F-]{36})$")


def stable_id(key: str) -> str:
    """The UUID an annotation or link with this foreign id gets here: its own, or one derived from it.

    ``urn:uuid:…`` keeps its UUID, so margin → W3C → margin keeps ids; any other
    id (a URL, a Hypothesis id) always maps to the same UUID, so a second
    import of the same file recognises what the first one brought in.
    """
    match = _UUID_URN.match(key.strip())
    if match:
        try:
            return str(uuid.UUID(match.group(1)))
        except ValueError:
            pass
    return str(uuid.uuid5(_NAMESPACE, key.strip()))


@dataclass(slots=True)
class Incoming:
    """One annotation as read from a file, before it is placed on a document."""

    key: str
    """The id it came with (links name annotations by it)."""
    label: str
    """How warnings name it: ``annotation 3``, or its id."""
    source: str
    """The target document as the file names it (an IRI, a path)."""
    also_known_as: tuple[str, ...] = ()
    """Other names of the same document (``via``, the original file)."""
    exact: str | None = None
    prefix: str = ""
    suffix: str = ""
    start: int | None = None
    end: int | None = None
    utf16: bool = False
    """True when ``start``/``end`` count UTF-16 code units (Hypothesis), not code points."""
    tags: list[str] = field(default_factory=list)
    identifiers: list[tuple[str | None, str]] = field(default_factory=list)
    """Knowledge-base identifiers, each with the tag (as the file spells it) it identifies, if one precedes it."""
    aliases: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    """Other names of a tag (as the file spells the tag), kept as its aliases."""
    attributes: dict[str, AttributeValue] = field(default_factory=dict)
    note: str = ""
    author: str | None = None
    created: str | None = None
    updated: str | None = None
    fragments: list["Incoming"] = field(default_factory=list)
    """A passage in fragments: each to be found like a passage (quote, context, position); empty for one passage."""
    occurrence: int = 0
    """Which occurrence of the quote to take when neither a position nor context tells them apart: a file that
    gives only quotes (Taguette's CSV) has the second highlight of a repeated text on its second occurrence."""


@dataclass(slots=True)
class Parsed:
    """What a reader found in a file, before anything is written."""

    annotations: list[Incoming] = field(default_factory=list)
    links: list[IncomingLink] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: int = 0

    def skip(self, message: str) -> None:
        self.skipped += 1
        self.warnings.append(message)


@dataclass(slots=True)
class IncomingLink:
    """A link between two annotations, each named by the id it has in the file (or here)."""

    key: str
    source_key: str
    target_key: str
    relation: str
    note: str = ""
    author: str | None = None
    created: str | None = None


# --------------------------------------------------------------------------
# Passages
# --------------------------------------------------------------------------


class Utf16Offsets:
    """Converts UTF-16 offsets into one text (how browsers count) to code points (how margin counts)."""

    def __init__(self, text: str) -> None:
        self.length = len(text)
        # The k-th character outside the BMP (at code point a_k) starts at UTF-16 offset a_k + k.
        self.units = [at + k for k, at in enumerate(i for i, ch in enumerate(text) if ord(ch) > 0xFFFF)]

    def code_point(self, offset: int) -> int | None:
        """The code-point offset; None if *offset* splits a surrogate pair or lies outside the text."""
        before = bisect_left(self.units, offset)
        if before and self.units[before - 1] + 1 == offset:
            return None
        point = offset - before
        return point if 0 <= point <= self.length else None


def _common_suffix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(reversed(a), reversed(b)):
        if x != y:
            break
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _spans(text: str, quote: str) -> list[tuple[int, int]]:
    """Where *quote* occurs: exactly, else with any run of whitespace standing for any other."""
    found = [(s, s + len(quote)) for s in find_all(text, quote)]
    if found or not quote.split():
        return found
    loose = re.compile(r"\s+".join(re.escape(word) for word in quote.split()))
    return [(m.start(), m.end()) for m in loose.finditer(text)]


def locate(text: str, item: Incoming, utf16: Utf16Offsets | None = None) -> tuple[Anchor | None, str]:
    """The passage *item* marks in *text*, and how it was found (``position``, ``quote``) or why not.

    A position is trusted only when it slices to the quote; otherwise the quote
    is searched for, and among several occurrences the one whose surroundings
    best match the prefix and suffix (then the one nearest the position) wins.
    """
    start, end = item.start, item.end
    if start is not None and end is not None and item.utf16:
        utf16 = utf16 or Utf16Offsets(text)
        start, end = utf16.code_point(start), utf16.code_point(end)
    exact = normalise(item.exact) if item.exact else None
    if start is not None and end is not None and 0 <= start < end <= len(text):
        if exact is None or text[start:end] == exact:
            return anchor_span(text, start, end), "position"
    if not exact:
        return None, "it has neither a quote nor a position inside the document"
    spans = _spans(text, exact)
    if not spans:
        return None, f"its quote “{shorten(exact, 40)}” is not in the document"
    prefix, suffix = normalise(item.prefix), normalise(item.suffix)
    if start is None and not prefix and not suffix:
        return anchor_span(text, *spans[min(item.occurrence, len(spans) - 1)]), "quote"

    def score(span: tuple[int, int]) -> tuple[int, int, int]:
        s, e = span
        context = _common_suffix(text[max(0, s - len(prefix)) : s], prefix) + _common_prefix(
            text[e : e + len(suffix)], suffix
        )
        distance = abs(s - start) if start is not None else 0
        return (-context, distance, s)

    best = min(spans, key=score)
    return anchor_span(text, *best), "quote"


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------


def _short(text: str | None) -> str:
    return f" (“{shorten(text, 40)}”)" if text else ""


def place(
    store: Store,
    report: ImportReport,
    annotations: Sequence[Incoming],
    links: Sequence[IncomingLink] = (),
    *,
    document_ref: str | None = None,
    by_title: bool = False,
) -> ImportReport:
    """Anchor and store *annotations* and *links* in one transaction; fill in *report*.

    Every target must name a library document (or *document_ref* must be
    given for those that do not): otherwise nothing is written and the error
    names the sources that matched nothing. A passage that cannot be found is
    skipped with a warning; so is a link whose ends are not both here. Tags,
    ids already here and repeated links are handled by
    :class:`~annotations.interchange.intake.Intake`, as for every format.
    """
    fallback = store.documents.resolve(document_ref) if document_ref else None
    matcher = DocumentMatcher(store, fallback, by_title=by_title)
    documents: dict[str, Document | None] = {}
    for item in annotations:
        if item.source not in documents:
            documents[item.source] = matcher.match([item.source, *item.also_known_as])
    if "" in documents and documents[""] is None:
        count = sum(1 for item in annotations if not item.source)
        raise MarginError(
            f"{count} annotation{'s name' if count != 1 else ' names'} no document (no source or page);"
            " name the library document they belong to with --doc DOC"
        )
    on_fallback = [names[0] for names in matcher.fell_back if names and names[0]]
    if len(on_fallback) > 1:  # several pages of a file, one document here: most quotes will not be found
        report.warnings.append(
            f"annotations of {len(on_fallback)} different pages or documents ({', '.join(on_fallback[:2])}"
            f"{' …' if len(on_fallback) > 2 else ''}) matched none here and were all looked for in"
            f" “{fallback.title if fallback else ''}” (--doc)"
        )
    unmatched = sorted(source for source, document in documents.items() if document is None)
    if unmatched:
        shown = ", ".join(unmatched[:3]) + (f" and {len(unmatched) - 3} more" if len(unmatched) > 3 else "")
        raise MarginError(
            f"no library document matches {shown}; import the document first, or name it with --doc DOC"
        )
    texts = {d.id: store.documents.text(d.version_id) for d in documents.values() if d is not None}
    offsets: dict[str, Utf16Offsets] = {}

    placed: dict[str, str] = {}
    """Foreign key → annotation id here, for every annotation of the file that is in the library now."""
    with store.importing(total=len(annotations)) as batch:
        intake = Intake(store, batch, report)
        tags: dict[str, str] = {}
        annotation_ids = [stable_id(item.key) for item in annotations]
        batch.look_up(annotation_ids)
        # Each is counted once: stored, already here or left out.
        for item, annotation_id in zip(annotations, annotation_ids):
            document = documents[item.source]
            assert document is not None
            if batch.has_annotation(annotation_id):
                # Already here (an earlier import of this file): left as it is,
                # without looking for its passage again.
                placed[item.key] = intake.annotation(document, 0, 0, tag_ids=[], annotation_id=annotation_id)
                report.skipped += 1
                batch.advance(1)
                continue
            text = texts[document.id]
            if item.utf16 and document.id not in offsets:
                offsets[document.id] = Utf16Offsets(text)
            wanted = item.fragments or [item]
            if len(wanted) > MAX_FRAGMENTS:
                report.skipped += 1
                report.warnings.append(f"{item.label} skipped: {len(wanted):,} fragments, more than {MAX_FRAGMENTS:,}")
                batch.advance(1)
                continue
            pieces: list[tuple[Anchor | None, str]] = []
            lost: tuple[Incoming, str] | None = None
            for piece in wanted:  # the first fragment not found settles it: the rest are not looked for
                pieces.append(locate(text, piece, offsets.get(document.id)))
                if pieces[-1][0] is None:
                    lost = (piece, pieces[-1][1])
                    break
            if lost is not None:
                report.skipped += 1
                what = f" (fragment “{shorten(lost[0].exact or '', 40)}”)" if item.fragments else _short(item.exact)
                report.warnings.append(f"{item.label}{what} skipped: {lost[1]}")
                batch.advance(1)
                continue
            anchor = pieces[0][0]
            assert anchor is not None
            tag_ids = [_tag_id(store, intake, spec, tags) for spec in dict.fromkeys(item.tags) if spec.strip(" /")]
            tag_ids += _identified(intake, item, tags, tag_ids, anchor.exact)
            for spec, names in item.aliases:
                for name in names if spec in tags else ():
                    intake.alias(tags[spec], name)
            placed[item.key] = intake.annotation(
                document,
                anchor.start,
                anchor.end,
                fragments=[(found.start, found.end) for found, _ in pieces if found is not None],
                anchor=anchor,
                tag_ids=list(dict.fromkeys(tag_ids)),
                attributes=item.attributes,
                note=item.note,
                author=item.author,
                created=item.created,
                updated=item.updated or item.created,
                annotation_id=annotation_id,
            )
            batch.advance(1)
        for link in links:
            source_id, target_id = _end_id(store, link.source_key, placed), _end_id(store, link.target_key, placed)
            if source_id is None or target_id is None:
                report.skipped += 1
                missing = link.source_key if source_id is None else link.target_key
                report.warnings.append(f"link {link.key} skipped: the passage {missing} is not in the library")
                continue
            before = (report.links, len(report.warnings))
            intake.link(
                source_id, target_id, link.relation, note=link.note, author=link.author, created=link.created,
                link_id=stable_id(link.key) if link.key else None,
            )
            if (report.links, len(report.warnings)) == before:
                report.skipped += 1  # the same link is already here
        intake.finish()
    return report


def _tag_id(store: Store, intake: Intake, spec: str, made: dict[str, str]) -> str:
    """The tag a file's tag text names, read as margin reads a typed tag (``Person:Ada`` is an entity)."""
    if spec not in made:
        try:
            parsed = store.tags.parse(spec)
        except MarginError:  # a path with an empty segment (``a//b``): Intake tidies it as a topic
            made[spec] = intake.tag(TagKind.TOPIC, spec)
            return made[spec]
        kind, name, entity_type = parsed.kind, parsed.name, parsed.entity_type
        if kind is None:
            existing = store.tags.find(name)
            kind = existing.kind if existing is not None else TagKind.TOPIC
            name = existing.name if existing is not None else name
            entity_type = existing.entity_type if existing is not None else None
        made[spec] = intake.tag(kind, name, entity_type=entity_type)
    return made[spec]


def _identified(intake: Intake, item: Incoming, made: dict[str, str], tag_ids: list[str], quote: str) -> list[str]:
    """Give each identifier to the entity tag it follows (else the one entity tag); returns entity tags it made.

    An identifier with no entity to go to becomes an entity of its own (type Thing, named by the
    passage), found again by the identifier wherever it recurs, with each new passage text an alias.
    """
    entities = [t for t in tag_ids if intake.store.tags.get(t).kind is TagKind.ENTITY]
    extra: list[str] = []
    for spec, identifier in item.identifiers:
        owner = made.get(spec) if spec is not None else None
        if owner not in entities:
            owner = entities[0] if len(entities) == 1 else None
        if owner is not None:
            intake.identify(owner, identifier)
        else:
            extra.append(intake.tag(TagKind.ENTITY, quote, entity_type="Thing", identifiers=(identifier,)))
    return extra


def _end_id(store: Store, key: str, placed: dict[str, str]) -> str | None:
    """The live annotation here that a link end names, by the file's id or (``urn:uuid:``) ours."""
    if key in placed:
        return placed[key]
    candidate = stable_id(key)
    row = store.db.execute("SELECT deleted FROM annotations WHERE id = ?", (candidate,)).fetchone()
    return candidate if row is not None and row[0] is None else None
