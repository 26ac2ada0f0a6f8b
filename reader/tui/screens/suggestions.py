"""The open suggestions of one document, reviewed one by one in their context.

Each row is a candidate mention in context with its proposed tag, where it
came from and how sure that source is. ``a`` accepts it (the annotation is
made; a name the entity does not have yet is offered as an alias, ``y`` adds
it: see :mod:`.alias_offer`), ``x`` rejects it for good, ``t``
accepts it under another tag, ``A`` accepts every open suggestion from the
highlighted one's source in this document (one undo step), ``enter`` goes
to it. The list shrinks as the person works and the dialog closes when it is
empty; it returns the offset to go to, if any.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static
from textual.widgets.option_list import Option

from annotations.model import Document, Tag
from annotations.store import Store
from annotations.store.suggesting import Suggestion
from annotations.text import shorten

from ..elsewhere import LIBRARY_ERRORS, write_failure
from .alias_offer import alias_offers, offer_aliases
from .choices import PickList
from .dialog import Dialog
from .mentions import keys_line, kwic_row
from .tag_picker import TagPicker

__all__ = ["SuggestionReview", "accepted_message"]


def _distinct(offers: list[tuple[Tag, str]]) -> list[tuple[Tag, str]]:
    """Each (entity, name) once, in order: accepting all from a source can find one form many times."""
    seen: dict[tuple[str, str], tuple[Tag, str]] = {}
    for tag, name in offers:
        seen.setdefault((tag.id, name.casefold()), (tag, name))
    return list(seen.values())


def accepted_message(count: int, aliases: list[str]) -> str:
    """What accepting said: how many, and the names that became aliases (as the command line says it)."""
    said = f"Accepted {count} suggestion{'s' if count != 1 else ''}"
    return said + "".join(f"; alias added: {a}" for a in aliases) + " · u in the reader to undo"


class SuggestionReview(Dialog[int | None]):
    """Accept, reject or retag the open suggestions of a document; returns an offset to go to."""

    DEFAULT_CSS = """
    SuggestionReview > #dialog { width: 110; }
    SuggestionReview #suggestions { height: auto; max-height: 14; border: none; padding: 0; background: $surface; }
    SuggestionReview #detail { margin: 1 0 0 0; height: 1; }
    SuggestionReview .keys { color: $text-muted; height: 1; margin: 1 0 0 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "accept", "Accept", id="suggestions.accept"),
        Binding("x", "reject", "Reject", id="suggestions.reject"),
        Binding("t", "retag", "Accept as another tag", id="suggestions.retag"),
        Binding("A", "accept_source", "Accept all from its source", id="suggestions.accept_source"),
        Binding("enter", "go", "Go to it", id="suggestions.go"),
    ]

    def __init__(self, store: Store, document: Document, text: str) -> None:
        super().__init__()
        self.store = store
        """The library: every decision is written straight away."""
        self.document = document
        self.text = text
        """The current version's text, which the suggestions' offsets refer to."""
        self.open: list[Suggestion] = []
        """The open suggestions left, in reading order."""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = Content(f"Suggestions · {shorten(self.document.title, 60)}")
            yield PickList(handoff_up=False, id="suggestions")
            yield Static("", id="detail")
            yield Static(keys_line(self, self.BINDINGS), classes="keys")

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#suggestions", PickList).focus()

    def reload(self, index: int = 0) -> None:
        """Read the open suggestions again; the cursor stays near row *index*. None left: say so and close."""
        try:
            self.open = [
                s for s in self.store.suggestions.list(document_ids=[self.document.id])
                if s.version_id == self.document.version_id
            ]
        except LIBRARY_ERRORS as error:
            self.notify(f"Suggestions not read: {write_failure(error)}", severity="warning")
            self.open = []
        if not self.open:
            self.notify(f"No open suggestions left in {self.document.title}.", timeout=3)
            self.dismiss(None)
            return
        listing = self.query_one("#suggestions", PickList)
        listing.clear_options()
        listing.add_options(Option(self._row(s), id=s.id) for s in self.open)
        listing.highlighted = min(index, len(self.open) - 1)
        sources = sorted({s.source for s in self.open})
        listing.border_subtitle = Content(f"{len(self.open)} open · from {', '.join(sources)}")
        self._detail(self.open[listing.highlighted])

    def _row(self, suggestion: Suggestion) -> Content:
        return Content.assemble(
            kwic_row(self.text, suggestion.start, suggestion.end), "  ", (shorten(suggestion.tag, 30), "$accent")
        )

    def _detail(self, suggestion: Suggestion) -> None:
        self.query_one("#detail", Static).update(
            Content.assemble(
                ("proposed ", "dim"), (suggestion.tag, "bold"), ("  from ", "dim"), suggestion.source,
                ("  score ", "dim"), f"{suggestion.score:.2f}",
            )
        )

    def on_option_list_option_highlighted(self, event: PickList.OptionHighlighted) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.open):
            self._detail(self.open[event.option_index])

    def on_option_list_option_selected(self, event: PickList.OptionSelected) -> None:
        event.stop()
        self.action_go()

    def _current(self) -> tuple[int, Suggestion] | None:
        index = self.query_one("#suggestions", PickList).highlighted
        if index is None or not 0 <= index < len(self.open):
            return None
        return index, self.open[index]

    # -- deciding ---------------------------------------------------------------
    def _accept(self, suggestions: list[Suggestion], index: int, tag: str | None = None) -> None:
        try:
            self.store.suggestions.accept_many(suggestions, tag=tag, add_aliases=False)
            offers = [
                offer
                for s in suggestions
                for offer in alias_offers(self.store, [self.store.tags.resolve(tag or s.tag)], s.exact)
            ]
        except LIBRARY_ERRORS as error:
            self.notify(write_failure(error), severity="error", title="Not done")
            return
        self.notify(accepted_message(len(suggestions), []), timeout=4)
        if offers:  # a name the entity lacks: asked about, never added unasked
            offer_aliases(self.app, self.store, _distinct(offers), lambda added: self.reload(index))
        else:
            self.reload(index)

    def action_accept(self) -> None:
        if (current := self._current()) is not None:
            self._accept([current[1]], current[0])

    def action_accept_source(self) -> None:
        if (current := self._current()) is not None:
            source = current[1].source
            self._accept([s for s in self.open if s.source == source], 0)

    def action_retag(self) -> None:
        current = self._current()
        if current is None:
            return
        index, suggestion = current

        def chosen(specs: list[str] | None) -> None:
            if specs is None:
                return
            if len(specs) != 1:
                self.notify("Choose exactly one tag to accept the suggestion as.", severity="warning")
                return
            self._accept([suggestion], index, specs[0])

        self.app.push_screen(TagPicker(self.store.tags.all(), self.store.tags.counts(), selected=[],
                                       add_alias=self.store.tags.add_alias), chosen)

    def action_reject(self) -> None:
        current = self._current()
        if current is None:
            return
        index, suggestion = current
        try:
            self.store.suggestions.reject(suggestion.id)
        except LIBRARY_ERRORS as error:
            self.notify(write_failure(error), severity="error", title="Not done")
            return
        self.notify(f"Rejected “{shorten(suggestion.exact, 30)}”: not proposed again", timeout=2)
        self.reload(index)

    def action_go(self) -> None:
        if (current := self._current()) is not None:
            self.dismiss(current[1].start)
