"""One Markdown note per entity, for a vault: every mention, each linked to its passage.

``margin export --split FOLDER --split-by entity`` writes the notes
``--split`` writes (one per document, each passage followed by its block id)
and, beside them, one note per entity that the exported annotations carry.
An entity's note has front matter Obsidian reads (``aliases`` makes the note
turn up under every name of the entity; ``type``, ``identifiers`` and
``mentions`` are properties), a line saying what it is, then its mentions
grouped by document in reading order: the quote, where it is, and a link to
the passage's block in the document's note (``[[Annual report#^2c3de425|Annual
report]]``), so one click goes from the entity to the passage.

Entity notes are named after the entity like document notes after their
titles, by the same safe and unique names: a document and an entity with the
same name never write over each other.

A user's template (``--template``) that reads the variable ``entity`` lays
out entity notes too: it is rendered once per entity, sandboxed like a
document's, with the variables of :func:`entity_context`;
``templates/entity.md.j2`` is the built-in layout as such a template.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

from ..model import Document, Tag, TagKind
from ..store import Store
from .escaping import Markdown, escape_inline
from .frontmatter import yaml_str
from .gather import gather_notes
from .naming import unique_file_names
from .notes import DocumentNotes, Entry, arrange, live_tags, short_quote, tag_key
from .obsidian import block_link, wikilink
from .views import EntityDocumentView, MentionView, TagView, _annotation_view, _document_view, _tag_view


@dataclass(frozen=True, slots=True)
class Mention:
    """One tagged passage of an entity, and where its block is."""

    entry: Entry
    note: str
    """The document note's file name, without ``.md``."""


@dataclass(frozen=True, slots=True)
class EntityNote:
    """An entity's note: its file name, its Markdown, and how many passages it lists."""

    tag: Tag
    file_name: str
    markdown: str
    mentions: int


def entity_notes(
    notes: Sequence[DocumentNotes], *, template: str | None = None, template_name: str = "template"
) -> list[EntityNote]:
    """A note for every entity the annotations in *notes* carry, by type and name.

    The document notes are taken to be written as ``--split`` writes them (in
    the order of *notes*, named after their titles); entity notes take the
    next free names after theirs. A *template* that reads ``entity`` lays
    them out; any other leaves them to the built-in layout.
    """
    from .template import lays_out_entities, render_entity_template

    if template is not None and not lays_out_entities(template, template_name):
        template = None
    titles = [item.document.title for item in notes]
    document_file_names = unique_file_names(titles)
    found: dict[str, tuple[Tag, list[Mention]]] = {}
    for item, file_name in zip(notes, document_file_names):
        stem = file_name.removesuffix(".md")
        for _, entries in arrange([item]):  # one document: block ids as its own note has them
            for entry in entries:
                for tag in live_tags(entry.annotation):
                    if tag.kind is TagKind.ENTITY:
                        found.setdefault(tag.id, (tag, []))[1].append(Mention(entry, stem))
    ordered = sorted(found.values(), key=lambda pair: tag_key(pair[0]))
    names = unique_file_names([*titles, *(tag.name for tag, _ in ordered)])[len(titles):]
    made = []
    for (tag, mentions), name in zip(ordered, names):
        if template is None:
            markdown = render_entity_note(tag, mentions)
        else:
            markdown = render_entity_template(template, entity_context(tag, mentions), name=template_name)
        made.append(EntityNote(tag, name, markdown, len(mentions)))
    return made


def _by_document(mentions: Sequence[Mention]) -> list[tuple[Document, str, list[Entry]]]:
    """The mentions grouped by document (by title), each group in reading order, with the document's note."""
    documents: dict[str, tuple[Document, str, list[Entry]]] = {}
    for mention in mentions:
        document = mention.entry.document
        documents.setdefault(document.id, (document, mention.note, []))[2].append(mention.entry)
    return sorted(documents.values(), key=lambda d: (d[0].title.casefold(), d[0].id))


def entity_context(tag: Tag, mentions: Sequence[Mention]) -> dict[str, object]:
    """What a template sees for one entity's note: ``entity``, its ``documents`` and ``mentions``, counts."""
    tags: dict[str, tuple[Tag, TagView]] = {}
    documents: list[EntityDocumentView] = []
    for document, note, entries in _by_document(mentions):
        view = _document_view(document)
        found = []
        for entry in entries:
            seen = _annotation_view(entry, view, tags)
            found.append(MentionView(
                **{f.name: getattr(seen, f.name) for f in fields(seen)},
                note_name=note,
                target=Markdown(block_link(entry.block_id, note, document.title)),
                short_quote=short_quote(entry.annotation.exact),
            ))
        view.annotations = list(found)
        link = Markdown(wikilink(note) if note else escape_inline(document.title))
        documents.append(EntityDocumentView(view, note, link, found))
    every = [m for d in documents for m in d.mentions]
    return {
        "entity": _tag_view(tag),
        "title": tag.name,
        "documents": documents,
        "mentions": every,
        "mention_count": len(every),
        "document_count": len(documents),
    }


def render_entity_note(tag: Tag, mentions: Sequence[Mention]) -> str:
    """The note for one entity: front matter, what it is, then every mention grouped by document."""
    ordered = _by_document(mentions)
    lines = ["---", f"title: {yaml_str(tag.name)}", f"type: {yaml_str(tag.entity_type or 'Thing')}"]
    lines += _yaml_list("aliases", tag.aliases)
    lines += _yaml_list("identifiers", tag.identifiers)
    lines += [f"mentions: {len(mentions)}", f"document_count: {len(ordered)}", "---", ""]
    lines += [f"# {escape_inline(tag.name, at_line_start=False) or 'Untitled'}", ""]
    about = [escape_inline(tag.entity_type or "Thing")]
    if tag.aliases:
        about.append("also " + ", ".join(escape_inline(a, at_line_start=False) for a in tag.aliases))
    count = f"{len(mentions)} mention{'s' if len(mentions) != 1 else ''}"
    about.append(f"{count} in {len(ordered)} document{'s' if len(ordered) != 1 else ''}")
    lines += [" · ".join(about), ""]
    if tag.description:
        lines += [escape_inline(tag.description), ""]
    for document, note, entries in ordered:
        lines += [f"## {wikilink(note) if note else escape_inline(document.title)}", ""]
        for entry in entries:
            lines.append(f"- {_mention_line(entry, note)}")
        lines.append("")
    return "\n".join(lines)


def _mention_line(entry: Entry, note: str) -> str:
    """``“quote” · Chapter 3 · chars 120–124 · [[note#^block|Title]]``."""
    quote = escape_inline(f"“{short_quote(entry.annotation.exact)}”", at_line_start=False)
    where = [escape_inline(" › ".join(entry.sections), at_line_start=False)] if entry.sections else []
    where.append(entry.position)
    return " · ".join([quote, *where, block_link(entry.block_id, note, entry.document.title)])


def _yaml_list(key: str, values: Sequence[str]) -> list[str]:
    if not values:
        return [f"{key}: []"]
    return [f"{key}:", *(f"  - {yaml_str(v)}" for v in values)]


def gather_entity_notes(
    store: Store, *, document_refs: Sequence[str] = (), tag_refs: Sequence[str] = (), authors: Sequence[str] = (),
    template: str | None = None, template_name: str = "template",
) -> list[EntityNote]:
    """The entity notes for an export filtered as ``margin export`` filters, beside its document notes."""
    notes = gather_notes(store, document_refs=document_refs, tag_refs=tag_refs, authors=authors)
    return entity_notes(notes, template=template, template_name=template_name)
