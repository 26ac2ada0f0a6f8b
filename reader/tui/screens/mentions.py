"""Tag every mention: a keyword-in-context preview of every place a name is written, then one step.

The reading screen finds the mentions (of a selected phrase, or of the entity
under the cursor by all its names) and hands them here. The dialog lists each
in its context, the ones already carrying the chosen tag marked ``✓``, says
which tag ``enter`` will apply, and lets ``t`` choose another with the tag
picker. Given :class:`MentionScopes`, ``s`` looks again, further: this
document, the documents open side by side, every document in the library
(on a worker thread with its own connection, so keys keep answering); each
row then names its document. It returns the tag specs to apply, for the
mentions it shows last (:attr:`MentionPreview.hits`); the caller writes them
in one transaction and one undo step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static
from textual.widgets.option_list import Option

from annotations.errors import NotFound
from annotations.model import Document, Tag
from annotations.store import Store
from annotations.store.mentioning import Hit
from annotations.terminal import terminal_safe
from annotations.text import shorten

from ..elsewhere import LIBRARY_ERRORS, write_failure
from .choices import PickList
from .dialog import Dialog
from .tag_picker import TagPicker

__all__ = ["MentionPreview", "MentionScopes", "keys_line", "kwic_row"]

#: Characters of context on each side of a mention.
CONTEXT = 28
#: Mentions listed at most (a name common in a whole library is found thousands of times); ``enter`` tags all.
MAX_LISTED = 1000


def kwic_row(text: str, start: int, end: int, mark: str = "") -> Content:
    """One line of keyword in context: dim text either side of the mention in bold."""
    from annotations.mentions import kwic  # the mention finder compiles its patterns at import

    left, middle, right = kwic(text, start, end, width=CONTEXT)
    return Content.assemble(
        (mark, "bold $success"), (left.rjust(CONTEXT), "dim"), (shorten(middle, 40), "bold"), (right.ljust(CONTEXT), "dim")
    )


@dataclass(frozen=True)
class MentionScopes:
    """Where the preview can look for the same names: each scope's label and its documents, narrowest first."""

    names: tuple[str, ...]
    """The names (and aliases) looked for."""
    tags: tuple[Tag, ...]
    """A hit counts as tagged when an annotation carrying all of these covers it (as :meth:`MentionRepo.find`)."""
    scopes: tuple[tuple[str, tuple[str, ...] | None], ...]
    """(label, document ids); ids None: every document in the library. The first is what the preview opens with."""


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
        Binding("s", "next_scope", "Where to look", id="mentions.scope"),
    ]

    def __init__(
        self,
        store: Store,
        what: str,
        hits: Sequence[Hit],
        text: str | Mapping[str, str],
        tags: Sequence[str] = (),
        scopes: MentionScopes | None = None,
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
        self.scopes = scopes
        """Where else ``s`` looks; None: only where these hits were found."""
        self.scope = 0
        """Which of :attr:`scopes` the hits are from."""
        self.looking: int | None = None
        """The scope being searched on a worker, while it is."""
        self._found: dict[int, tuple[list[Hit], str | Mapping[str, str]]] = {0: (self.hits, text)}
        """Hits and texts of each scope searched so far (the dialog is modal: the library holds still)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = Content(self._title())
            yield PickList(handoff_up=False, id="hits")
            yield Static("", id="tag")
            yield Static(keys_line(self, self.BINDINGS), classes="keys")

    def _title(self) -> str:
        where = f" · in {self.scopes.scopes[self.scope][0]}" if self.scopes is not None else ""
        return f"Every mention of {shorten(self.what, 50)}{where}"

    def on_mount(self) -> None:
        if self.tags:
            self._mark_tagged()
        self._fill()
        self.query_one("#hits", PickList).focus()

    def _fill(self) -> None:
        listing = self.query_one("#hits", PickList)
        highlighted = listing.highlighted or 0
        listing.clear_options()
        listed = min(len(self.hits), MAX_LISTED)  # the rest are tagged all the same, only not drawn
        listing.add_options(
            Option(self._row(h, done), id=str(i))
            for i, (h, done) in enumerate(zip(self.hits[:listed], self.tagged[:listed]))
        )
        listing.highlighted = min(highlighted, listed - 1) if listed else None
        already = sum(self.tagged)
        shown = f" (the first {listed:,} listed)" if listed < len(self.hits) else ""
        listing.border_subtitle = f"{len(self.hits):,} mentions{shown} · {already:,} already tagged (✓)"
        if self.looking is not None and self.scopes is not None:
            listing.border_subtitle = Content(f"looking in {self.scopes.scopes[self.looking][0]}… (keys still work)")
        elif not self.hits and self.scopes is not None and self.scope + 1 < len(self.scopes.scopes):
            listing.border_subtitle = Content(f"none here · s looks in {self.scopes.scopes[self.scope + 1][0]}")
        self.query_one("#dialog").border_title = Content(self._title())
        if self.tags:
            todo = len(self.hits) - already
            line = Content.assemble("enter tags ", (f"{todo:,}", "bold"), " with ", (", ".join(self.tags), "bold"))
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

    def action_next_scope(self) -> None:
        """Look for the same names in the next scope (after the widest, back to the first)."""
        if self.scopes is None or len(self.scopes.scopes) < 2:
            self.notify("Only this document can be searched from here.", timeout=2)
            return
        if self.looking is not None:
            return
        following = (self.scope + 1) % len(self.scopes.scopes)
        if following in self._found:
            self._show_scope(following, *self._found[following])
            return
        self.looking = following
        self._fill()
        self._search(self.scopes, following)

    @work(thread=True, exclusive=True, group="mention-scope")
    def _search(self, scopes: MentionScopes, index: int) -> None:
        hits: list[Hit] | None = None
        texts: dict[str, str] = {}
        try:
            with self.store.reopen() as store:
                ids = scopes.scopes[index][1]
                documents = store.documents.all() if ids is None else [d for i in ids if (d := _document(store, i))]
                hits = store.mentions.find(scopes.names, documents, tags=scopes.tags)
                with_hits = {hit.document.id for hit in hits}
                texts = {d.id: store.documents.text(d.version_id) for d in documents if d.id in with_hits}
        except LIBRARY_ERRORS as error:
            self.app.call_from_thread(self.notify, f"Mentions not found: {write_failure(error)}", severity="warning")
        self.app.call_from_thread(self._searched, index, hits, texts)

    def _searched(self, index: int, hits: list[Hit] | None, texts: dict[str, str]) -> None:
        self.looking = None
        if not self.is_attached:
            return
        if hits is None:
            self._fill()
            return
        self._found[index] = (hits, texts)
        self._show_scope(index, hits, texts)

    def _show_scope(self, index: int, hits: list[Hit], text: str | Mapping[str, str]) -> None:
        self.scope, self.hits, self.text = index, list(hits), text
        self.tagged = [hit.tagged for hit in self.hits]
        if self.tags:
            self._mark_tagged()
        self._fill()

    def action_accept(self) -> None:
        if self.looking is not None:
            self.notify("Still looking: enter tags what the list shows once it is filled.", timeout=2)
            return
        if not self.hits:
            self.notify("No mention to tag here.", timeout=2)
            return
        if not self.tags:
            self.action_choose_tag()
            return
        self.dismiss(self.tags)

    def on_option_list_option_selected(self, event: PickList.OptionSelected) -> None:
        event.stop()
        self.action_accept()


def _document(store: Store, document_id: str) -> Document | None:
    """The document *document_id*, or None if it was deleted meanwhile."""
    try:
        return store.documents.get(document_id)
    except NotFound:
        return None
