"""Tag every mention: a keyword-in-context preview of every place a name is written, then one step.

The reading screen finds the mentions (of a selected phrase, or of the entity
under the cursor by all its names) and hands them here. The dialog lists each
in its context, the ones already carrying the chosen tag marked ``✓``, says
which tag ``enter`` will apply, and lets ``t`` choose another with the tag
picker. It returns the tag specs to apply; the reading screen writes them in
one transaction and one undo step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static
from textual.widgets.option_list import Option

from annotations.store import Store
from annotations.store.mentioning import Hit
from annotations.terminal import terminal_safe
from annotations.text import shorten

from .choices import PickList
from .dialog import Dialog
from .tag_picker import TagPicker

__all__ = ["MentionPreview", "keys_line", "kwic_row"]

#: Characters of context on each side of a mention.
CONTEXT = 28


def kwic_row(text: str, start: int, end: int, mark: str = "") -> Content:
    """One line of keyword in context: dim text either side of the mention in bold."""
    from annotations.mentions import kwic  # the mention finder compiles its patterns at import

    left, middle, right = kwic(text, start, end, width=CONTEXT)
    return Content.assemble(
        (mark, "bold $success"), (left.rjust(CONTEXT), "dim"), (shorten(middle, 40), "bold"), (right.ljust(CONTEXT), "dim")
    )


def keys_line(screen: Screen[Any], bindings: Sequence[BindingType]) -> Content:
    """The keys line under a dialog, read from its binding table so it cannot disagree with help."""
    parts: list[str | tuple[str, str]] = []
    for binding in [*bindings, *Dialog.BINDINGS]:
        assert isinstance(binding, Binding)
        parts += [(screen.app.get_key_display(binding), "bold"), f" {binding.description.lower()}  "]
    return Content.assemble(*parts)


class MentionPreview(Dialog[list[str] | None]):
    """Every mention found, in context; returns the tag specs to put on all of them, or ``None``."""

    DEFAULT_CSS = """
    MentionPreview > #dialog { width: 100; }
    MentionPreview #hits { height: auto; max-height: 14; border: none; padding: 0; background: $surface; }
    MentionPreview #tag { margin: 1 0 0 0; height: 1; }
    MentionPreview .keys { color: $text-muted; height: 1; margin: 1 0 0 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "accept", "Tag them all", id="mentions.accept"),
        Binding("t", "choose_tag", "Choose tag", id="mentions.choose_tag"),
    ]

    def __init__(
        self, store: Store, what: str, hits: Sequence[Hit], text: str | Mapping[str, str], tags: Sequence[str] = ()
    ) -> None:
        super().__init__()
        self.store = store
        """The library: tags to choose from, and which mentions already carry them."""
        self.what = what
        """What was looked for, for the title (a quoted phrase, or an entity's label)."""
        self.hits = list(hits)
        """The mentions, in reading order, in the document whose *text* is given."""
        self.text = text
        """The document's text, or (mentions in several documents) each document's text by id."""
        self.tags = list(tags)
        """The tag specs ``enter`` applies."""
        self.tagged: list[bool] = [hit.tagged for hit in self.hits]
        """Per mention: already marked with the chosen tags."""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = f"Every mention of {shorten(self.what, 50)}"
            yield PickList(handoff_up=False, id="hits")
            yield Static("", id="tag")
            yield Static(keys_line(self, self.BINDINGS), classes="keys")

    def on_mount(self) -> None:
        if self.tags:
            self._mark_tagged()
        self._fill()
        self.query_one("#hits", PickList).focus()

    def _fill(self) -> None:
        listing = self.query_one("#hits", PickList)
        highlighted = listing.highlighted or 0
        listing.clear_options()
        listing.add_options(
            Option(self._row(h, done), id=str(i))
            for i, (h, done) in enumerate(zip(self.hits, self.tagged))
        )
        listing.highlighted = min(highlighted, len(self.hits) - 1)
        already = sum(self.tagged)
        listing.border_subtitle = f"{len(self.hits)} mentions · {already} already tagged (✓)"
        if self.tags:
            todo = len(self.hits) - already
            line = Content.assemble("enter tags ", (str(todo), "bold"), " with ", (", ".join(self.tags), "bold"))
        else:
            line = Content.assemble(("no tag chosen yet: ", "italic"), ("t", "bold"), " or enter chooses one")
        self.query_one("#tag", Static).update(line)

    def _row(self, hit: Hit, done: bool) -> Content:
        row = kwic_row(self._text_of(hit), hit.start, hit.end, "✓ " if done else "  ")
        if isinstance(self.text, str):
            return row
        # Mentions in several documents: each row says which.
        return Content.assemble((shorten(terminal_safe(hit.document.title), 18).ljust(19), "italic $accent"), row)

    def _text_of(self, hit: Hit) -> str:
        return self.text if isinstance(self.text, str) else self.text[hit.document.id]

    def _mark_tagged(self) -> None:
        """Which mentions an annotation carrying every chosen tag already covers."""
        wanted = set()
        for spec in self.tags:
            tag = self.store.tags.find(self.store.tags.parse(spec).name)
            if tag is None:  # a new tag marks nothing yet
                self.tagged = [False] * len(self.hits)
                return
            wanted.add(tag.id)
        by_document: dict[str, list[tuple[int, int, set[str]]]] = {}
        for hit in self.hits:
            if hit.document.id not in by_document:
                by_document[hit.document.id] = [
                    (a.start, a.end, {t.id for t in a.tags})
                    for a in self.store.annotations.list(document_ids=[hit.document.id], tag_ids=sorted(wanted))
                ]
        self.tagged = [
            any(s < h.end and h.start < e and wanted <= ids for s, e, ids in by_document[h.document.id]) for h in self.hits
        ]

    def action_choose_tag(self) -> None:
        def chosen(specs: list[str] | None) -> None:
            if specs is None:
                return
            if not specs:
                self.notify("Choose at least one tag.", severity="warning")
                return
            self.tags = specs
            self._mark_tagged()
            self._fill()

        known = {t.id for t in self.store.tags.all()}
        selected = [t.id for spec in self.tags if (t := self.store.tags.find(self.store.tags.parse(spec).name)) and t.id in known]
        self.app.push_screen(TagPicker(self.store.tags.all(), self.store.tags.counts(), selected=selected,
                                         add_alias=self.store.tags.add_alias), chosen)

    def action_accept(self) -> None:
        if not self.tags:
            self.action_choose_tag()
            return
        self.dismiss(self.tags)

    def on_option_list_option_selected(self, event: PickList.OptionSelected) -> None:
        event.stop()
        self.action_accept()
