"""Seeding a throwaway library with the bundled samples and a few example annotations."""

from __future__ import annotations

from annotations.anchoring import anchor_quote
from annotations.model import Document
from annotations.store import Store

from reader.formats import read_source
from . import sample_paths

#: (document index, quote, tags, note) — what a careful reader might mark first.
EXAMPLES: tuple[tuple[int, str, tuple[str, ...], str], ...] = (
    (0, "from 10 March until 28 April", ("Claim/Dates",), "The official window: seven weeks, ending in April."),
    (1, "is not expected to reopen before May", ("Claim/Dates", "Distortion"), "The notice says 28 April."),
    (0, "The closure is a precaution.", ("Claim/Safety",), ""),
    (1, "citing serious corrosion found by inspectors", ("Claim/Safety", "Distortion"), "The notice says inspections found no immediate danger."),
    (0, "The remainder will be met from the Authority's reserves.", ("Claim/Cost", "Organization:Port Authority of Lowmere"), ""),
    (1, "with ratepayers covering the shortfall", ("Claim/Cost", "Distortion"), "Reserves are not ratepayers."),
    (1, "Mara Ilves", ("Person:Mara Ilves",), "Café owner; the only named source."),
)

#: (example index, example index, relation)
EXAMPLE_LINKS: tuple[tuple[int, int, str], ...] = ((1, 0, "contradicts"), (3, 2, "contradicts"), (5, 4, "paraphrases"))


def seed_demo(store: Store) -> list[Document]:
    """Import the samples and annotate them; returns the documents in sample order."""
    documents = []
    for path in sample_paths():
        source = read_source(path)
        documents.append(store.documents.import_loaded(str(source.path), source.sha256, source.document).document)
    made = []
    for index, quote, tags, note in EXAMPLES:
        doc = documents[index]
        anchor = anchor_quote(store.documents.text(doc.version_id), quote)
        made.append(store.annotations.create(doc, anchor, tags=tags, note=note))
    for source_index, target_index, relation in EXAMPLE_LINKS:
        store.links.create(made[source_index].id, made[target_index].id, relation)
    return [store.documents.get(d.id) for d in documents]
