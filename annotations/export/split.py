"""A Markdown export cut into several files (``margin export --split``): per document, per author, or per entity too.

Every way of splitting takes the export's filters and gives, in order, the
file name (made safe and unique by :mod:`.naming`: a title or an author name
from someone else's file may hold ``../``, a device name or a name another
one folds to), the Markdown, and how many annotations it holds. A link to a
passage in another of the files reaches its block there. :data:`SPLIT_BY` is
the one list of ways, which the command line offers as its choices.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from ..model import Annotation
from ..store import Store
from .gather import export_filters, gather_notes, markdown_per_document, render_notes
from .markdown import DocumentNotes
from .naming import unique_file_names
from .notes import LinkTarget, block_ids

#: A file of a split export: its name (with ``.md``), its Markdown, how many annotations it holds.
Part = tuple[str, str, int]


def per_document(
    store: Store, *, document_refs: Sequence[str] = (), tag_refs: Sequence[str] = (), authors: Sequence[str] = (),
    group_by: str = "document", template: str | None = None, template_name: str = "template",
) -> list[Part]:
    """One file per document, named after its title, in title order."""
    parts = markdown_per_document(
        store, document_refs=document_refs, tag_refs=tag_refs, authors=authors, group_by=group_by,
        template=template, template_name=template_name,
    )
    names = unique_file_names([document.title for document, _, _ in parts])
    return [(name, markdown, count) for name, (_, markdown, count) in zip(names, parts)]


def per_author(
    store: Store, *, document_refs: Sequence[str] = (), tag_refs: Sequence[str] = (), authors: Sequence[str] = (),
    group_by: str = "document", template: str | None = None, template_name: str = "template",
) -> list[Part]:
    """One file per author (a class's students), named after them, each with their annotations per document.

    Authors come in alphabetical order; a document appears in an author's file
    when they annotated it, or when the export named it.
    """
    notes = gather_notes(store, document_refs=document_refs, tag_refs=tag_refs, authors=authors)
    named = {store.documents.resolve(ref).id for ref in document_refs}
    people = sorted({a.author for item in notes for a in item.annotations}, key=lambda name: (name.casefold(), name))
    names = unique_file_names(people)
    layers = [_layer(notes, person, named) for person in people]
    everywhere: dict[str, LinkTarget] = {}
    for layer, name in zip(layers, names):
        for annotation_id, block_id in block_ids(layer).items():
            everywhere[annotation_id] = LinkTarget(block_id, name[: -len(".md")])
    filters = export_filters(store, document_refs=document_refs, tag_refs=tag_refs, authors=authors)
    return [
        (
            name,
            render_notes([replace(item, elsewhere=everywhere) for item in layer], group_by=group_by, filters=filters,
                         template=template, template_name=template_name),
            sum(len(item.annotations) for item in layer),
        )
        for name, layer in zip(names, layers)
    ]


def _layer(notes: Sequence[DocumentNotes], person: str, named: set[str]) -> list[DocumentNotes]:
    """Only *person*'s annotations (and their links), in the documents they annotated or the export named."""
    layer = []
    for item in notes:
        own: tuple[Annotation, ...] = tuple(a for a in item.annotations if a.author == person)
        if own or item.document.id in named:
            ids = {a.id for a in own}
            layer.append(replace(item, annotations=own, links={k: v for k, v in item.links.items() if k in ids}))
    return layer


#: The ways a Markdown export can be split, by the name ``--split-by`` gives them.
def per_entity(
    store: Store, *, document_refs: Sequence[str] = (), tag_refs: Sequence[str] = (), authors: Sequence[str] = (),
    group_by: str = "document", template: str | None = None, template_name: str = "template",
) -> list[Part]:
    """The document files, and beside them one note per entity listing its mentions with links to their passages.

    A *template* lays out the document files, and the entity notes too when it reads ``entity``.

    The entity notes count no annotations of their own: each passage is counted in its document's file.
    """
    from .entity_notes import gather_entity_notes

    documents = per_document(
        store, document_refs=document_refs, tag_refs=tag_refs, authors=authors, group_by=group_by,
        template=template, template_name=template_name,
    )
    made = gather_entity_notes(
        store, document_refs=document_refs, tag_refs=tag_refs, authors=authors,
        template=template, template_name=template_name,
    )
    return documents + [(note.file_name, note.markdown, 0) for note in made]


SPLIT_BY: dict[str, Callable[..., list[Part]]] = {
    "document": per_document,
    "author": per_author,
    "entity": per_entity,
}
