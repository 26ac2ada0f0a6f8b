"""REFI-QDA: the exchange format of qualitative-analysis tools (ATLAS.ti, MAXQDA, NVivo, QDA Miner…).

A ``.qdpx`` project is a zip holding ``project.qde`` (XML) and the plain texts
under ``sources/``; a ``.qdc`` codebook is the code tree alone. margin writes:

- one ``TextSource`` per document, its id as guid, its normalised text as
  ``sources/<id>.txt`` (UTF-8), so selection positions are margin's offsets;
- one ``PlainTextSelection`` per annotation (guid = annotation id, positions
  in code points, end exclusive), with a ``Coding`` per tag and a ``NoteRef``
  to a ``Note`` holding the annotation's note;
- a ``User`` per author; a ``Link`` (``OneWay``, named by the relation) per
  link between two exported annotations, its note as a ``Note``;
- the code tree of :mod:`annotations.interchange.codetree`.

Reading handles what other tools write: ``Sources/`` as well as ``sources/``,
guids in braces or capitals, inline ``PlainTextContent``, PDF sources with a
plain-text representation, comments as a selection's ``Description``, memos
linked to a selection, and positions counted another way (each CRLF as one
character, or UTF-16 units): when the standard reading does not fit, or fits
worse than another with the quotes tools write into selection names, the
other reading is taken and the report says so.

Writing and reading share only the code tree (:mod:`~annotations.interchange.codetree`), so they are
apart: :mod:`.writing` makes the project and codebook files, :mod:`.reading`
turns a file into plain values without touching the library, and
:mod:`.importing` puts those values into it.
"""

from __future__ import annotations

from ..codetree import ORIGIN
from .importing import import_qdc, import_qdpx
from .writing import CODEBOOK_NAMESPACE, PROJECT_NAMESPACE, export_qdc, export_qdpx

__all__ = ["CODEBOOK_NAMESPACE", "ORIGIN", "PROJECT_NAMESPACE", "export_qdc", "export_qdpx", "import_qdc", "import_qdpx"]
