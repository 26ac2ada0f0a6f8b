"""W3C Web Annotation (JSON-LD): margin's annotations and links in the standard's terms.

Export: every annotation becomes an ``Annotation`` whose target is the
document (``urn:margin:document:<id>``, with the file it was read from as
``via``) narrowed by a ``TextQuoteSelector`` and a ``TextPositionSelector``
(code points into the normalised text, as the standard counts). Tags are
``TextualBody`` bodies with purpose ``tagging`` (an entity as ``Type:Name``;
a tag with aliases a ``Choice`` of that body and one per alias, read back as aliases),
the note one with purpose ``commenting``. A link is an annotation with
motivation ``linking`` whose target is the annotation it starts from and whose
body is the one it points to, with the relation as a ``classifying`` body.
Ids are ``urn:uuid:<id>``, so an export brought back keeps every id.

Import reads an ``AnnotationCollection`` (pages inline), an ``AnnotationPage``,
one annotation, a JSON array or JSON Lines, and hands what it finds to
:func:`~annotations.interchange.placing.place`.

Each direction is its own module, :mod:`.writing` and :mod:`.reading`; what
they share is only the standard and the document URN of
:mod:`~annotations.interchange.placing`.
"""

from __future__ import annotations

from ..jsonfile import load_json_documents, read_text
from .reading import TAG_PURPOSES, annotations_in, import_w3c, read_w3c
from .writing import (
    CONTEXT,
    GENERATOR,
    annotation_iri,
    annotation_json,
    export_collection,
    export_items,
    export_jsonl,
    link_json,
    tag_value,
)

__all__ = [
    "CONTEXT",
    "GENERATOR",
    "TAG_PURPOSES",
    "annotation_iri",
    "annotation_json",
    "annotations_in",
    "export_collection",
    "export_items",
    "export_jsonl",
    "import_w3c",
    "link_json",
    "load_json_documents",
    "read_text",
    "read_w3c",
    "tag_value",
]
