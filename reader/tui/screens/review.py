"""The review queue of one document: placements re-anchoring was unsure of, settled one by one.

When a document's text changes, annotations found approximately, moved to new
surroundings or not found at all wait for a person. This dialog lists them
(orphans first), shows the highlighted one's text before the change and now,
and settles it: accept the new place, delete it (undo restores it), go to it,
or re-attach it to a passage the person selects. Accepting and deleting
happen here, so the list shrinks as the person works; going and re-attaching
need the reading screen, so the dialog closes and says which annotation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from annotations.model import Annotation, Document
from annotations.store import Store
from annotations.text import one_line_of, shorten

from ..elsewhere import LIBRARY_ERRORS, write_failure
from .choices import PickList
from .dialog import Dialog

__all__ = ["ReviewChoice", "ReviewScreen", "excerpt"]

#: Characters of context shown on each side of a passage.
CONTEXT_CHARS = 40
#: Characters of the passage itself shown before it is shortened.
QUOTE_CHARS = 160


@dataclass(frozen=True)
class ReviewChoice:
    """What the person asked the reading screen to do with one annotation."""

    kind: Literal["go", "reattach"]
    annotation_id: str


def excerpt(before: str, passage: str, after: str) -> Content:
    """The passage in bold between dim context, shortened to a few lines."""
    return Content.assemble(
        ("…" + one_line_of(before[-CONTEXT_CHARS:]), "dim"),
        (shorten(one_line_of(passage), QUOTE_CHARS), "bold underline"),
        (one_line_of(after[:CONTEXT_CHARS]) + "…", "dim"),
    )


class ReviewScreen(Dialog[ReviewChoice | None]):
    """The document's unreviewed placements; returns a place to go or an annotation to re-attach."""

    DEFAULT_CSS = """
    ReviewScreen > #dialog { width: 96; }
    ReviewScreen #queue {
        height: auto;
        max-height: 10;
        border: none;
        padding: 0;
        background: $surface;
    }
    ReviewScreen .label { color: $text-muted; margin: 1 0 0 0; height: 1; }
    ReviewScreen .passage { height: auto; max-height: 5; }
    ReviewScreen .keys { color: $text-muted; height: 1; margin: 1 0 0 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "accept", "Accept place", id="review.accept"),
        Binding("x", "delete", "Delete", id="review.delete"),
        Binding("r", "reattach", "Re-attach to a selection", id="review.reattach_pick"),
        Binding("enter", "go", "Go to it", id="review.go"),
    ]

    def __init__(self, store: Store, document: Document, text: str) -> None:
        super().__init__()
        self.store = store
        """The library: accepting and deleting are written straight away."""
        self.document = document
        """The document reviewed, at its current version."""
        self.text = text
        """The current version's text, which every placed annotation's offsets refer to."""
        self.queue: list[Annotation] = []
        """What is left to review, orphans first, then fuzzy, then moved."""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = Content(f"Review · {shorten(self.document.title, 50)} · version {self.document.version}")
            yield PickList(handoff_up=False, id="queue")
            yield Static("before", classes="label")
            yield Static("", id="before", classes="passage")
            yield Static("now", classes="label")
            yield Static("", id="now", classes="passage")
            yield Static(self._keys(), classes="keys")

    def _keys(self) -> Content:
        """The keys line, read from the binding table so it cannot disagree with help."""
        parts: list[str | tuple[str, str]] = []
        for binding in [*self.BINDINGS, *Dialog.BINDINGS]:
            assert isinstance(binding, Binding)
            parts += [(self.app.get_key_display(binding), "bold"), f" {binding.description.lower()}  "]
        return Content.assemble(*parts)

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#queue", PickList).focus()

    # -- the list ---------------------------------------------------------------
    def reload(self, index: int = 0) -> None:
        """Read the queue again; the cursor stays near row *index*. Empty: say so and close."""
        try:
            self.queue = self.store.annotations.review_queue([self.document.id])
        except LIBRARY_ERRORS as error:
            self.notify(f"Review not read: {write_failure(error)}", severity="warning")
            self.queue = []
        if not self.queue:
            self.notify(f"Review done: nothing left to check in {self.document.title}.", timeout=3)
            self.dismiss(None)
            return
        listing = self.query_one("#queue", PickList)
        listing.clear_options()
        listing.add_options(Option(self._row(a), id=a.id) for a in self.queue)
        listing.highlighted = min(index, len(self.queue) - 1)
        listing.border_subtitle = f"{len(self.queue)} to review"
        self._show(self.queue[listing.highlighted])

    @staticmethod
    def _row(annotation: Annotation) -> Content:
        state = annotation.placement
        style = "bold $error" if annotation.orphaned else "bold $warning" if annotation.anchor_state == "fuzzy" else "bold"
        return Content.assemble((f"{state:<11}", style), f"“{shorten(one_line_of(annotation.quote), 70)}”")

    def _show(self, annotation: Annotation) -> None:
        before = self.store.documents.reanchorer.before(annotation.id)
        if before is None:
            was = Content.styled("(no record of its earlier place)", "dim")
        else:
            was = excerpt(before["old_prefix"] or "", before["old_exact"], before["old_suffix"] or "")
        if annotation.orphaned:
            now = Content.styled(f"not found in version {self.document.version}", "italic $error")
        else:
            now = excerpt(
                self.text[max(0, annotation.start - CONTEXT_CHARS) : annotation.start],
                self.text[annotation.start : annotation.end],
                self.text[annotation.end : annotation.end + CONTEXT_CHARS],
            )
        self.query_one("#before", Static).update(was)
        self.query_one("#now", Static).update(now)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.queue):
            self._show(self.queue[event.option_index])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_go()

    # -- settling ---------------------------------------------------------------
    def _current(self) -> tuple[int, Annotation] | None:
        index = self.query_one("#queue", PickList).highlighted
        if index is None or not 0 <= index < len(self.queue):
            return None
        return index, self.queue[index]

    def action_accept(self) -> None:
        current = self._current()
        if current is None:
            return
        index, annotation = current
        try:
            self.store.annotations.accept_place(annotation.id)
        except LIBRARY_ERRORS as error:
            self.notify(write_failure(error), severity="error", title="Not done")
            return
        what = "Kept as not found" if annotation.orphaned else "Accepted"
        self.notify(f"{what}: “{shorten(annotation.quote, 30)}”", timeout=2)
        self.reload(index)

    def action_delete(self) -> None:
        current = self._current()
        if current is None:
            return
        index, annotation = current
        try:
            self.store.annotations.delete(annotation.id)
        except LIBRARY_ERRORS as error:
            self.notify(write_failure(error), severity="error", title="Not done")
            return
        self.notify(f"Deleted “{shorten(annotation.quote, 30)}” · u in the reader to undo", timeout=3)
        self.reload(index)

    def action_go(self) -> None:
        current = self._current()
        if current is None:
            return
        annotation = current[1]
        if annotation.orphaned:
            self.notify(
                f"Not found in version {self.document.version}: there is no place to go to. "
                "Accept, re-attach (r) or delete it.",
                severity="warning",
            )
            return
        self.dismiss(ReviewChoice("go", annotation.id))

    def action_reattach(self) -> None:
        current = self._current()
        if current is not None:
            self.dismiss(ReviewChoice("reattach", current[1].id))
