"""A wrapped-line index over a document's normalised text.

margin addresses every position as a code-point offset into the document's
normalised text (``\\n`` line ends, NFC).  The screen never stores positions:
this module derives, for one terminal width, the *visual rows* the text wraps
into and maps offsets to ``(row, cell)`` and back.

Layout rules, in the order they are applied:

* The text is split into paragraphs at ``\\n``.  Every paragraph starts a new
  row; the newline itself belongs to no row's span, but the offset of the
  newline maps to the cell just after the paragraph's last character (that is
  where a cursor sits at the end of a line).
* A paragraph is cut into *clusters*: a base character together with the
  zero-width characters after it (combining marks, variation selectors,
  joiners and the character a zero-width joiner joins, control and format
  characters).  A cluster is never split across rows and a zero-width
  character never starts a row (except at the very start of a paragraph,
  where there is nothing to attach it to).
* Cluster widths come from :mod:`rich.cells`, so they agree with what Rich and
  Textual measure when the row is drawn: wide characters (CJK, most emoji)
  take two cells, a wide character that does not fit moves to the next row.
* A tab expands to the next tab stop, counted from the start of its visual
  row, and never past the right edge.
* Rows soft-wrap at ``width`` cells, breaking after whitespace where possible,
  and between wide characters (ideographs need no spaces), respecting a small
  set of CJK punctuation that must not start or end a row.  A word longer than
  the width is broken hard.
* One space may *hang* past the edge: when a single-cell space is the cluster
  that would overflow and more text follows, it stays on the row at cell
  ``width``.  So a row's cells can reach ``width + 1`` only through that one
  trailing space, and the end-of-paragraph offset can sit at cell ``width``.
  A view should therefore draw ``width + 1`` columns (one column reserved
  for the cursor).
* Right-to-left text keeps its logical order; only widths matter here.

Building the index is linear in the text; paragraphs that fit on one row and
contain only single-cell characters cost one ``len`` and one set check, and
long single-cell paragraphs wrap with ``str.rfind`` rather than per-character
work.
"""

from .index import Cluster, WrappedText

__all__ = ["Cluster", "WrappedText"]
