"""Suggestions in the reading screen: faint marks, the review dialog, and making more.

Open suggestions of the version a pane shows are drawn as faint marks (see
:attr:`DocumentPane.suggestion_marks`): barely tinted and italic, under any
highlight, never listed, counted or acted on as annotations. ``Y`` opens the
review (:class:`~reader.tui.screens.suggestions.SuggestionReview`);
``ctrl+y`` proposes mentions from the library's aliases and from rules, as
``margin suggest DOC`` does, and from spaCy's named entities when spaCy and
its model (``ner_model`` in the config) are installed, on a worker thread with
its own connection, so a long book never holds up the keys. Without spaCy
the notification says how to get it; the model is loaded once, on the worker.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from textual import work

from annotations.errors import MarginError
from annotations.store import Store
from annotations.text import shorten
from reader.config import ner_model

from ..elsewhere import LIBRARY_ERRORS, write_failure
from ..widgets.pane import DocumentPane
from .deck import PaneDeck
from .part import ReadingPart

if TYPE_CHECKING:
    from annotations.candidates import Candidate


class Suggesting(ReadingPart):
    """Suggestions' faint marks, their review, and suggesting on a worker."""

    def __init__(self, store: Store, deck: PaneDeck) -> None:
        super().__init__()
        self.store = store
        self.deck = deck
        """The panes: "go to" in the review lands there."""
        self.running: set[str] = set()
        """Documents being read for suggestions on a worker."""
        self._pipelines: dict[str, Any] = {}
        """spaCy pipelines loaded so far, by model: loading one takes seconds, so it is done once."""
        self._spacy = threading.Lock()
        """One worker at a time loads or runs spaCy (two documents may be suggested for at once)."""

    def mark(self, pane: DocumentPane) -> None:
        """Read the pane's open suggestions into its faint marks (drawn at its next redraw)."""
        try:
            found = self.store.suggestions.list(document_ids=[pane.document.id])
        except LIBRARY_ERRORS:
            return  # marks are a hint: the last ones stay until the library answers
        pane.suggestion_marks = [(s.start, s.end, s.id) for s in found if s.version_id == pane.document.version_id]

    def review(self, pane: DocumentPane) -> None:
        """Open the review of the pane's open suggestions."""
        document = self.current_document(pane)
        if document is None:
            return
        self.mark(pane)
        if not pane.suggestion_marks:
            self.notify(f"No open suggestions in {document.title}: ctrl+y proposes some.", timeout=3)
            return

        def reviewed(offset: int | None) -> None:
            self.post_message(self.Redraw(pane, clear_selection=False))  # accepted ones became highlights
            if offset is not None and pane.is_mounted:
                self.deck.land(pane, offset)

        from ..screens.suggestions import SuggestionReview  # the review dialog: loaded when first shown

        self.app.push_screen(SuggestionReview(self.store, document, pane.text), reviewed)

    def suggest(self, pane: DocumentPane) -> None:
        """Propose mentions in the pane's document from aliases and rules, on a worker."""
        if pane.document.id in self.running:
            self.notify("Already looking for suggestions in this document…", timeout=2)
            return
        self.running.add(pane.document.id)
        self.post_message(self.ModeChanged())
        self._suggest_in_thread(pane)

    @work(thread=True, group="suggest")
    def _suggest_in_thread(self, pane: DocumentPane) -> None:
        said: str
        try:
            with self.store.reopen() as store:
                document = store.documents.get(pane.document.id)
                if document.version_id != pane.document.version_id:
                    said = f"{document.title} has a newer version: open it again from the library."
                else:
                    from annotations.candidates import rule_candidates  # the rules: loaded when first used

                    text = store.documents.text(document.version_id)
                    aliases = store.suggestions.add(document, store.suggestions.alias_candidates(document))
                    rules = store.suggestions.add(document, rule_candidates(text))
                    named, why_not = self._named_entities(text)
                    ner = store.suggestions.add(document, named) if named else 0
                    total = aliases + rules + ner
                    detail = f"{aliases} from aliases, {rules} from rules"
                    detail += "" if why_not else f", {ner} from named entities"
                    said = (f"{total} new suggestion{'s' if total != 1 else ''} ({detail})"
                            + (": Y reviews them" if total else "")
                            + (f" · no named entities: {why_not}" if why_not else ""))
        except LIBRARY_ERRORS as error:
            said = f"No suggestions made: {write_failure(error)}"
        self.app.call_from_thread(self._suggested, pane, said)

    def _named_entities(self, text: str) -> tuple[list[Candidate], str | None]:
        """spaCy's entities in *text* (on the worker), or none and why: spaCy or its model is not installed."""
        model = ner_model()
        with self._spacy:
            nlp = self._pipelines.get(model)
            if nlp is None:
                from annotations.ner import load_pipeline

                try:
                    nlp = self._pipelines[model] = load_pipeline(model)
                except MarginError as error:
                    return [], str(error)
                except Exception as error:  # a folder that is no spaCy pipeline, a model for another version...
                    return [], shorten(f"spaCy could not load {model}: {' '.join(str(error).split())}", 200)
            from annotations.ner import ner_candidates

            try:
                return ner_candidates(text, nlp), None
            except Exception as error:  # the pipeline is the user's: its failure is reported, not a crash
                return [], shorten(f"spaCy stopped: {' '.join(str(error).split())}", 200)

    def _suggested(self, pane: DocumentPane, said: str) -> None:
        self.running.discard(pane.document.id)
        self.post_message(self.ModeChanged())
        if pane.is_mounted:
            self.post_message(self.Redraw(pane, clear_selection=False))
        self.notify(said, timeout=4)

    # -- what the screen asks every component ------------------------------------------
    def hint(self, pane: DocumentPane) -> str | None:
        if pane.document.id in self.running:
            return "looking for suggestions in this document… (keys still work)"
        return None
