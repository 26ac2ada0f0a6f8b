"""What every component of the reading screen is, and the messages they send up.

The reading screen is wired from components, each a hidden widget with its
own state: drawing highlights, searching, making links, watching documents'
files, reviewing re-anchored annotations, annotating. The screen hands them
what they act on (attributes down: the library, the pane deck, the pane a key
was pressed in) and they tell the screen what happened (messages up); a
component never calls another. A new mode of the screen (comparing layers,
reviewing suggestions) is a new component: it answers :meth:`ReadingPart.hint`,
:meth:`ReadingPart.allows` and :meth:`ReadingPart.cancel` and the screen asks
it along with the others.
"""

from __future__ import annotations


from textual.message import Message
from textual.widget import Widget

from annotations.model import Annotation, Document
from annotations.store import Store
from annotations.text import shorten

from ..elsewhere import LIBRARY_ERRORS, write_failure
from ..widgets.pane import DocumentPane
from .turns import Turns


#: Taken by a worker while it computes in Python (reading and indexing a pane's highlights, working out where
#: two layers differ): one at a time, the most wanted first (see :mod:`.turns`).
HEAVY_WORK = Turns()


def short_quote(text: str, limit: int = 48) -> str:
    return "“" + shorten(text, limit) + "”"


class ReadingPart(Widget):
    """A component of the reading screen: state and behaviour, nothing drawn.

    The three questions below are how the screen composes modes without
    knowing them: what the status line should say, whether an action is
    available, and what ``esc`` should drop. Each answers ``None``/``False``
    when it has nothing to say, so the next component is asked.
    """

    DEFAULT_CSS = """
    ReadingPart { display: none; }
    """

    store: Store
    """The library, for parts that read it (set by each part that is given it)."""

    class Redraw(Message):
        """What a pane shows changed (an edit to the library, new search hits): redraw it, and say so.

        *pane* is the pane to redraw (``None``: every pane). After an edit the
        selection is spent (*clear_selection*), and *land_on* puts the cursor
        inside a new highlight so the next key (a note, a link, a delete)
        acts on it. With *in_background*, the highlights are read and indexed
        on a worker (a book's thousands; nothing the user just did waits on it).
        """

        def __init__(
            self,
            pane: DocumentPane | None,
            message: str | None = None,
            land_on: int | None = None,
            clear_selection: bool = True,
            in_background: bool = False,
        ) -> None:
            super().__init__()
            self.pane = pane
            self.message = message
            self.land_on = land_on
            self.clear_selection = clear_selection
            self.in_background = in_background

    class ModeChanged(Message):
        """A component entered or left a mode (a link being made, a re-attach): keys and status change."""

    class GoTo(Message):
        """Bring an annotation's passage to a pane, avoiding *avoid* when another must be replaced."""

        def __init__(self, annotation: Annotation, avoid: DocumentPane | None = None) -> None:
            super().__init__()
            self.annotation = annotation
            self.avoid = avoid

    def hint(self, pane: DocumentPane) -> str | None:
        """A line for the status bar while this component has something under way, else ``None``."""
        return None

    def allows(self, action: str, pane: DocumentPane | None) -> bool | None:
        """Whether *action* may run now; ``None`` when this component has no say."""
        return None

    def cancel(self, pane: DocumentPane | None) -> bool:
        """Drop what this component has under way (``esc``); ``True`` if there was something."""
        return False

    def current_document(self, pane: DocumentPane, purpose: str = "") -> Document | None:
        """The pane's document as the library has it now, when the pane shows its current version.

        Otherwise ``None``, having said why: the library could not be read, or
        a newer version replaced the one shown (open it again ``purpose``).
        """
        try:
            document = self.store.documents.get(pane.document.id)
        except LIBRARY_ERRORS as error:
            self.fail(error)
            return None
        if document.version_id != pane.document.version_id:
            then = f" {purpose}" if purpose else ""
            self.notify(f"{document.title} has a newer version: open it again from the library{then}.", severity="warning")
            return None
        return document

    def fail(self, error: Exception) -> None:
        """Say why a write did not happen; the selection and the screen stay as they were, to try again."""
        self.notify(write_failure(error), severity="error", title="Not done")


class Notices:
    """Things said once per document (a gone file, a newer version), shared by the components that say them."""

    def __init__(self, owner: Widget) -> None:
        self._owner = owner
        self._told: set[tuple[str, str]] = set()

    def once(self, what: str, document_id: str, message: str, *, when: bool = True) -> None:
        if when and (what, document_id) not in self._told:
            self._told.add((what, document_id))
            self._owner.notify(message, severity="warning", timeout=6)

    def told(self, what: str, document_id: str) -> bool:
        """Whether *what* was said of the document."""
        return (what, document_id) in self._told

    def mark_told(self, what: str, document_id: str) -> None:
        """Count *what* as said (it was said another way)."""
        self._told.add((what, document_id))
