"""brat standoff: a ``.txt`` and an ``.ann`` per document, the format of the brat annotation tool.

Writing, per document, ``<title>.txt`` (the normalised text, UTF-8, ``\\n``
line ends, so brat's code-point offsets are margin's) and ``<title>.ann``:

- one ``T`` line per tag of an annotation, typed by the tag's entity type
  (``Person``) or topic (``Theme-Secrecy``) in the characters brat allows; an
  annotation without tags is one ``Highlight`` line. A passage spanning line
  breaks or tabs is written as fragments around them, as brat does itself;
- after each ``T``, a normalisation line ``N… Reference T… margin:<id>/…``
  naming the annotation and, exactly, its tag (``/entity/Person/Ada%20Lovelace``,
  ``/topic/Theme/Secrecy``); this is what brings back tag names, kinds and
  annotation ids that brat's type names cannot hold, and keeps two
  annotations over the same passage apart;
- the note as ``AnnotatorNotes`` on the first ``T``, one line per line (a
  rarer line separator, such as U+2028, comes back as a plain line break);
- a link between two annotations of the document as an ``R`` line typed by
  its relation (the exact relation after a tab when brat's characters cannot
  spell it), its note as ``AnnotatorNotes`` on the ``R``. brat relations live
  inside one document, so links between documents are not written;
- an entity's knowledge-base identifiers as further ``N`` lines on its ``T``
  (``N3 Reference T1 UMLS:C0019693 PKU``), and each attribute of an
  annotation as an ``A`` line on its first ``T`` (``A1 Negation T1``,
  ``A2 Confidence T1 High``), declared under ``[attributes]``.

Beside them ``annotation.conf`` declares the types (entity types under
``Entities``, topics under ``Topics``) and relations, and ``visual.conf``
gives each type its real name and colour, so brat can open the folder and
annotations added in brat come back with the right tags (and one given
another type in brat comes back with that type).

Reading takes any brat ``.ann``: text-bound annotations over the same passage
become one annotation with several tags; an entity mention becomes an entity
tag of its type, named by its normalisation (``N``) or its text; event
triggers become topics named by the event type, and each event argument a
link from the trigger named by its role; ``R`` lines and ``*`` equivalences
become links; ``AnnotatorNotes`` become notes. Normalisations from other
knowledge bases become the entity's identifiers: mentions with one identifier
are one entity (named by the normalisation's text, each other mention's text
an alias), and ``Wikidata:NULL`` or ``…:NIL`` links nothing. Attributes and
modifications (``A``, ``M``) become attributes of the passage of their entity
or of their event's trigger; a value that looks like a number or ``true`` is
read as one.

The format is one package because writing and reading must agree on every
name: :mod:`.vocabulary` holds what both sides spell the same way,
:mod:`.writing` makes the files, :mod:`.reading` turns files into plain values
without touching the library, and :mod:`.importing` puts those values into it.
"""

from __future__ import annotations

from .importing import import_brat
from .vocabulary import ENTITY_GROUP, MARGIN_DB, TOPIC_GROUP, UNTAGGED
from .writing import export_brat

__all__ = ["ENTITY_GROUP", "MARGIN_DB", "TOPIC_GROUP", "UNTAGGED", "export_brat", "import_brat"]
