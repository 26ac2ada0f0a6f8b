"""Collecting, from the store, exactly what an export shows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ..errors import NotFound
from ..store import Store
from ..store.tagging import clean_topic
from .markdown import DocumentNotes, LinkView, render_markdown


def gather_notes(
    store: Store,
    *,
    document_refs: Sequence[str] = (),
    tag_refs: Sequence[str] = (),
    authors: Sequence[str] = (),
) -> list[DocumentNotes]:
    """Documents with their live annotations, filtered; a topic filter includes its subtopics.

    With no document filter every document that has a matching annotation is
    included (a document with none is left out unless named explicitly).
    """
    named = [store.documents.resolve(ref) for ref in document_refs]
    tag_ids = sorted({t.id for ref in tag_refs for t in store.tags.matching(ref)})
    annotations = store.annotations.list(
        document_ids=[d.id for d in named], tag_ids=tag_ids, authors=authors
    )
    by_document: dict[str, list] = defaultdict(list)
    for annotation in annotations:
        by_document[annotation.document_id].append(annotation)
    documents = {d.id: d for d in named}
    for document_id in by_document:
        if document_id not in documents:
            documents[document_id] = store.documents.get(document_id)

    links = store.links.for_annotations([a.id for a in annotations])
    others = {
        other_id: store.annotations.get(other_id)
        for link in links
        for other_id in (link.source_id, link.target_id)
    }
    titles: dict[str, str] = {}
    views: dict[str, list[LinkView]] = defaultdict(list)
    for link in links:
        for here, there, outgoing in ((link.source_id, link.target_id, True), (link.target_id, link.source_id, False)):
            other = others[there]
            if other.deleted:
                continue
            if other.document_id not in titles:
                titles[other.document_id] = store.documents.get(other.document_id).title
            views[here].append(LinkView(link.relation, outgoing, titles[other.document_id], other.exact, link.note))

    return [
        DocumentNotes(
            document=document,
            sections=store.documents.sections(document.version_id),
            annotations=tuple(by_document.get(document.id, ())),
            links={a.id: tuple(views[a.id]) for a in by_document.get(document.id, ()) if views.get(a.id)},
        )
        for document in sorted(documents.values(), key=lambda d: (d.title.casefold(), d.id))
    ]


def markdown_export(
    store: Store,
    *,
    document_refs: Sequence[str] = (),
    tag_refs: Sequence[str] = (),
    authors: Sequence[str] = (),
    group_by: str = "document",
) -> tuple[str, int]:
    """The Markdown export and how many annotations it holds: one path for the CLI and the reader.

    Filters are named in the front matter by what they resolved to (titles and
    tag names), so the same selection gives the same bytes however it was typed.
    """
    notes = gather_notes(store, document_refs=document_refs, tag_refs=tag_refs, authors=authors)
    filters: dict[str, list[str]] = {}
    if document_refs:
        filters["documents"] = sorted({store.documents.resolve(ref).title for ref in document_refs})
    if tag_refs:
        filters["tags"] = sorted({_tag_filter_name(store, ref) for ref in tag_refs})
    if authors:
        filters["authors"] = sorted(set(authors))
    markdown = render_markdown(notes, group_by=group_by, filters=filters or None)  # type: ignore[arg-type]
    return markdown, sum(len(n.annotations) for n in notes)


def _tag_filter_name(store: Store, ref: str) -> str:
    """The tag a filter named (``person:ada`` → ``Ada``), or the bare topic path it covers."""
    try:
        return store.tags.resolve(ref).name
    except NotFound:
        return clean_topic(ref)
