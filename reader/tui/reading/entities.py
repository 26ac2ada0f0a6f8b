"""Entity work from the reading screen: tag every mention at once, and an entity's aliases.

``M`` looks for every mention of the selected phrase, or of the entity under
the cursor by its name and all its aliases, in the pane's document, and shows
them in a keyword-in-context preview (:class:`~reader.tui.screens.mentions.MentionPreview`),
where ``s`` looks further: the documents open, then the whole library;
accepting tags them all in one transaction and one undo step, through the
same store call as ``margin mentions --tag-all``. In a long document the
finding runs on a worker thread with its own connection, so keys keep
answering. ``A`` opens the aliases of the entity under the cursor, ``T`` the
entity screen (every entity, for the documents open).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import work

from annotations.model import Document, Tag, TagKind
from annotations.store import Store

from ..editing import trim_span
from ..elsewhere import LIBRARY_ERRORS, write_failure
from ..widgets.pane import DocumentPane
from .part import ReadingPart, short_quote
from .targets import annotations_at

if TYPE_CHECKING:
    from annotations.store.mentioning import Hit
    from ..screens.mentions import MentionScopes

#: Above this many characters, mentions are found on a worker thread.
FIND_IN_THREAD = 200_000


class EntityWork(ReadingPart):
    """Tagging every mention of a name or an entity, and editing an entity's aliases."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.finding: str | None = None
        """What is being looked for on a worker, while it is."""
        self.scopes: MentionScopes | None = None
        """Where the preview of the last ``M`` can look further."""

    def _entity_here(self, pane: DocumentPane) -> Tag | None:
        """The entity of the highlight under the cursor (else its first tag, for the mention finder)."""
        tags = [t for a in annotations_at(self.store, pane, pane.view.cursor) for t in a.tags]
        return next((t for t in tags if t.kind is TagKind.ENTITY), tags[0] if tags else None)

    # -- tag every mention ------------------------------------------------------------
    def tag_every(self, pane: DocumentPane, open_ids: Sequence[str] = ()) -> None:
        """Find every mention of the selection (or of the entity under the cursor) and preview them.

        The preview can look further: *open_ids* (the documents open side by side), then every document.
        """
        if self.finding is not None:
            self.notify(f"Still looking for {self.finding}…", timeout=2)
            return
        span = pane.view.selected_span
        tags: list[Tag] = []
        if span is not None:
            start, end = trim_span(pane.text, *span)
            phrase = " ".join(pane.text[start:end].split())
            if not phrase:
                self.notify("The selection holds only spaces.", severity="warning")
                return
            names: Sequence[str] = [phrase]
            what = short_quote(phrase, 40)
        else:
            entity = self._entity_here(pane)
            if entity is None:
                self.notify("Select a phrase, or put the cursor on a tagged highlight, to find every mention.",
                            severity="warning")
                return
            from annotations.store.mentioning import names_of  # with the mention finder, as the search is

            names, what, tags = names_of(entity), entity.label, [entity]
        document = self.current_document(pane)
        if document is None:
            return
        scopes: list[tuple[str, tuple[str, ...] | None]] = [("this document", (document.id,))]
        if len(set(open_ids) | {document.id}) > 1:
            scopes.append(("the open documents", tuple(dict.fromkeys([document.id, *open_ids]))))
        scopes.append(("every document", None))
        from ..screens.mentions import MentionScopes  # loaded when first needed, as the preview is

        self.scopes = MentionScopes(tuple(names), tuple(tags), tuple(scopes))
        if len(pane.text) > FIND_IN_THREAD:
            self.finding = what
            self.post_message(self.ModeChanged())
            self._find_in_thread(pane, document, names, tags, what)
            return
        try:
            hits = self.store.mentions.find(names, [document], tags=tags)
        except LIBRARY_ERRORS as error:
            self.fail(error)
            return
        self._preview(pane, what, hits, tags)

    @work(thread=True, group="mentions", exclusive=True)
    def _find_in_thread(self, pane: DocumentPane, document: Document, names: Sequence[str], tags: list[Tag], what: str) -> None:
        try:
            with self.store.reopen() as store:
                hits: list[Hit] | None = store.mentions.find(names, [document], tags=tags)
        except LIBRARY_ERRORS as error:
            self.app.call_from_thread(self.notify, f"Mentions not found: {write_failure(error)}", severity="warning")
            hits = None
        self.app.call_from_thread(self._found, pane, what, hits, tags)

    def _found(self, pane: DocumentPane, what: str, hits: list[Hit] | None, tags: list[Tag]) -> None:
        self.finding = None
        self.post_message(self.ModeChanged())
        if hits is not None:
            self._preview(pane, what, hits, tags)

    def _preview(self, pane: DocumentPane, what: str, hits: list[Hit], tags: list[Tag]) -> None:
        if not pane.is_mounted:
            return
        if not hits and len(self.store.documents.all()) < 2:
            self.notify(f"No mention of {what} in {pane.document.title}.", timeout=3)
            return
        from ..screens.mentions import MentionPreview  # with the mention finder: loaded when first shown
        from ..screens.tag_picker import tag_spec

        preview = MentionPreview(self.store, what, hits, pane.text, [tag_spec(t) for t in tags], scopes=self.scopes)

        def accepted(specs: list[str] | None) -> None:
            if not specs:
                return
            try:
                done = self.store.mentions.tag_all(preview.hits, specs)
            except LIBRARY_ERRORS as error:
                self.fail(error)
                return
            said = done.describe()
            elsewhere = any(hit.document.id != pane.document.id for hit in preview.hits)
            said += " · u undoes them all" if done.changed > 1 else ""
            self.post_message(self.Redraw(None if elsewhere else pane, said))

        self.app.push_screen(preview, accepted)

    # -- aliases ----------------------------------------------------------------------------
    def aliases(self, pane: DocumentPane) -> None:
        """See, add and remove the aliases of the entity under the cursor."""
        here = [t for a in annotations_at(self.store, pane, pane.view.cursor) for t in a.tags]
        entity = next((t for t in here if t.kind is TagKind.ENTITY), None)
        if entity is None:
            self.notify("Put the cursor on a highlight tagged with an entity (Person:…, Organization:…).",
                        severity="warning")
            return

        def closed(changed: bool | None) -> None:
            if changed:
                self.post_message(self.Redraw(pane, clear_selection=False))

        from ..screens.aliases import AliasDialog  # the dialogs: loaded when first shown

        self.app.push_screen(AliasDialog(self.store, self.store.tags.get(entity.id)), closed)

    # -- the entity screen ---------------------------------------------------------------
    def entity_screen(self, pane: DocumentPane, document_ids: Sequence[str]) -> None:
        """Every entity with its names and mentions in *document_ids* (the panes'); go where it says."""
        from ..screens.entities import EntityOutcome, EntityScreen  # loaded when first shown

        def closed(outcome: EntityOutcome | None) -> None:
            if outcome is None:
                return
            if outcome.changed:
                self.post_message(self.Redraw(None, clear_selection=False))
            if outcome.go_to is not None:
                try:
                    annotation = self.store.annotations.get(outcome.go_to)
                except LIBRARY_ERRORS as error:
                    self.fail(error)
                    return
                self.post_message(self.GoTo(annotation))

        self.app.push_screen(EntityScreen(self.store, document_ids), closed)

    # -- what the screen asks every component ------------------------------------------
    def hint(self, pane: DocumentPane) -> str | None:
        return None if self.finding is None else f"finding every mention of {self.finding}… (keys still work)"
