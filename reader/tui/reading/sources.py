"""Documents whose file or library entry changed while they are read.

When a pane opens, its file is compared with the library on a worker (once
per document per screen); a changed file becomes the document's new version
and the pane is rebuilt on it, with a word on what moved. When another
process changes the library, a pane whose document was removed or re-imported
says so once and keeps showing the version being read.
"""

from __future__ import annotations


from textual import on
from textual.message import Message

from annotations.errors import NotFound
from annotations.model import Document
from annotations.store import Store

from ..elsewhere import LIBRARY_ERRORS, gone_notice, source_gone, write_failure
from ..widgets.pane import DocumentPane
from .deck import PaneDeck
from .part import Notices, ReadingPart


class SourceWatch(ReadingPart):
    """Refresh on open, and notices when a document changes underneath its pane."""

    class Refreshed(Message):
        """A pane's file had changed on disk and is now the document's current version (posted from a worker)."""

        def __init__(self, document_id: str, summary: str, to_review: int) -> None:
            super().__init__()
            self.document_id = document_id
            self.summary = summary
            self.to_review = to_review

    def __init__(self, store: Store, deck: PaneDeck, notices: Notices) -> None:
        super().__init__()
        self.store = store
        self.deck = deck
        """The panes: a refreshed document's pane is rebuilt there."""
        self.notices = notices
        """What was already said, per document."""
        self._checked: set[str] = set()
        """Documents whose file was compared with the library since the screen opened (once each)."""
        self._refreshing: set[str] = set()
        """Documents being re-imported by a worker: their newer version is about to be shown, not announced."""

    def announce(self, pane: DocumentPane) -> None:
        """Once per document: say that its file is gone or that annotations await review, and check its file."""
        document = pane.document
        self.notices.once("gone", document.id, gone_notice(document), when=source_gone(document))
        if document.id in self._checked:
            return
        self._checked.add(document.id)
        if not self.notices.told("review", document.id):
            try:  # counted here: a pane's document is read without its counts, for its first frame
                count = self.store.documents.get(document.id).review_count
                self.store.release_memory()  # the pages read to count, let go as the text's are (2 MB at the peak)
            except LIBRARY_ERRORS:
                count = 0  # the library is busy (said when the document is next opened), or the document gone
            self.notices.once(
                "review", document.id,
                f"{count} annotation{'s' if count != 1 else ''} in {document.title} to review after its text changed: press R",
                when=count > 0,
            )
        self.call_after_refresh(self._check, document)  # reading the file waits for the first frame

    def _check(self, document: Document) -> None:
        """Compare the file with the library off the event loop; a changed file becomes the new version.

        The worker has its own connection and only posts back what it did; the
        pane is rebuilt on the event loop. A file that is gone or unreadable
        changes nothing: the stored text stays on screen.
        """

        def check() -> None:
            from reader.formats.refreshing import refresh, source_changed  # the formats: not needed to show a book

            if not source_changed(document):
                return
            self._refreshing.add(document.id)
            try:
                with self.store.reopen() as store:
                    outcome = refresh(store, document)
                    to_review = store.documents.get(document.id).review_count
            except LIBRARY_ERRORS as error:
                self._refreshing.discard(document.id)
                self.app.call_from_thread(self.notify, f"Not refreshed: {write_failure(error)}", severity="warning")
                return
            if outcome.status not in ("new-version", "reverted"):
                self._refreshing.discard(document.id)
                return
            self.post_message(self.Refreshed(document.id, outcome.describe(), to_review))

        self.run_worker(check, thread=True, group=f"source-{document.id}", exclusive=True)

    @on(Refreshed)
    def _refreshed(self, event: Refreshed) -> None:
        event.stop()
        self._refreshing.discard(event.document_id)
        self.notices.mark_told("review", event.document_id)  # said below, with the refresh
        pane = self.deck.pane_of_document(event.document_id)
        if pane is not None:
            self.deck.reload(pane)
        hint = " · press R to review" if event.to_review else ""
        self.notify(event.summary + hint, title="Refreshed", timeout=8)

    def still_shown(self, pane: DocumentPane) -> bool:
        """After a change elsewhere: is the pane's document still in the library (say once if not, or if newer)?"""
        try:
            current = self.store.documents.get(pane.document.id)
        except NotFound:
            self.notices.once("removed", pane.document.id, f"{pane.document.title} is no longer in the library.")
            return False
        except LIBRARY_ERRORS:
            return False  # busy for a moment: the next change redraws it
        if current.title != pane.document.title:
            self.deck.retitle(pane, current.title)  # renamed here or elsewhere
        if current.version_id != pane.document.version_id and pane.document.id not in self._refreshing:
            self.notices.once(
                "version", pane.document.id,
                f"{current.title} has a newer version (v{current.version}); open it again from the library to read it.",
            )
        return True
