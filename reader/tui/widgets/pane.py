"""One document in the reading screen: a title bar, the text, and a status line.

The pane owns nothing persistent: it is handed the document, its text and
its highlight spans (attributes down) and reports cursor and selection
changes through the view's messages (messages up) to the screen, which talks
to the store.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input

from annotations.model import Annotation, Document, Section, SpanTable
from annotations.sections import Outline
from annotations.text import shorten

from .document_view import DocumentView, Highlight
from .text_bar import TextBar

#: Colour of an annotation with no tags.
UNTAGGED = "#c8b400"
#: What parts the document's title from the section at the reading position, in the title bar.
_SECTION_MARK = "  ›  "
#: Fewer cells than this left for the section's name, and the title bar leaves the section out.
_SHORTEST_SECTION = 6


def to_highlights(spans: SpanTable) -> Iterator[Highlight]:
    """The spans as highlights, made one at a time (an index reads them once and keeps none)."""
    return (
        Highlight(start, end, colour or UNTAGGED, id_, bool(linked))
        for id_, start, end, colour, linked in zip(spans.ids, spans.starts, spans.ends, spans.colours, spans.linked)
    )


class DocumentPane(Vertical):
    """A document's title, text and status, side by side with other panes."""

    BINDINGS = [Binding("escape", "close_search", "Close search", show=False, id="search.close")]

    DEFAULT_CSS = """
    DocumentPane {
        width: 1fr;
        height: 1fr;
        border-right: vkey $panel;
        &.-last { border-right: none; }
        & > .pane-title {
            height: 1;
            padding: 0 1;
            background: $panel;
            color: $text-muted;
            text-style: bold;
        }
        &.-active > .pane-title {
            background: $primary;
            color: $text;
        }
        & > DocumentView { padding: 0 1; }
        & > .pane-status {
            height: 2;
            padding: 0 1;
            background: $panel;
            color: $text-muted;
        }
        & > Input { dock: bottom; display: none; }
        & > Input.visible { display: block; }
    }
    """

    def __init__(
        self, document: Document, text: str, sections: Sequence[Section], *, id: str | None = None, reflow: bool = False,
        layer: str | None = None, position: int = 0, active: bool = False,
    ) -> None:
        # A pane made active is styled so from the start: the class set after mounting restyles all it holds.
        super().__init__(id=id, classes="-active" if active else None)
        self.author_layer = layer
        """Only this author's annotations are shown (``None``: everyone's): one layer, when comparing."""
        self.disagreement_marks: list[tuple[int, int, int]] = []
        """Places where this pane's layer and the other's differ (start, end, decoration number), when comparing."""
        self._reflow = reflow
        self._position = position
        self.document = document
        """The document shown (at its current version)."""
        self.sections = tuple(sections)
        """Its sections, for the table of contents."""
        self.outline = Outline(self.sections)
        """The sections indexed, for naming where the reader is."""
        self._text = text
        self.search_hits: list[tuple[int, int]] = []
        """Spans of the last in-document search, in order."""
        self.search_query = ""
        """The query that produced :attr:`search_hits`."""
        self.suggestion_marks: list[tuple[int, int, str]] = []
        """Open suggestions of the version shown (start, end, suggestion id): drawn faintly, never annotations."""
        self.ghost_marks: list[tuple[int, int]] = []
        """Spans of suggested alignment pairs (ghost links), drawn faintly until accepted or rejected."""
        self.held_fragments: list[tuple[int, int]] = []
        """Stretches held (``+``) for a passage in fragments, in text order, until they are annotated or dropped."""
        self.spans = SpanTable()
        """Annotation spans last drawn, by start."""
        self.synced = False
        """Scrolling is synced with the other panes (shown in the title bar)."""
        self.active = active
        """Keys act on this pane: its title bar says so in colour and with a marker, for any theme or none."""
        self._shown_title = Text()
        self._title_offset = 0
        self._bar: TextBar | None = None
        """The title bar, once composed."""
        self._view: DocumentView | None = None
        """The document view, once composed."""
        self._shown_status = Text()

    @property
    def view(self) -> DocumentView:
        """The document view (held once composed: asked for several times at every key)."""
        return self._view if self._view is not None else self.query_one(DocumentView)

    @property
    def text(self) -> str:
        return self._text

    def compose(self) -> ComposeResult:
        self._bar = TextBar(self.document.title, classes="pane-title")
        self._view = DocumentView(
            self._text,
            sections=[(s.start, s.end, s.level, s.title) for s in self.sections],
            id=f"view-{self.id}" if self.id else None,
            reflow=self._reflow,
            position=self._position,
        )
        yield self._bar
        yield self._view
        yield TextBar("", classes="pane-status")

    def search_box(self) -> Input:
        """The pane's search box, made the first time it is asked for (not at the first frame: most panes are never searched)."""
        found = self.query(Input)
        if found:
            return found.first()
        box = Input(placeholder="Search this document (enter: find, esc: close)", classes="search")
        self.mount(box)
        return box

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "close_search":  # else escape goes on up (back to the library)
            return self._open_search_box() is not None
        return True

    def action_close_search(self) -> None:
        """Close the search box and return to the text (the hits stay)."""
        if (box := self._open_search_box()) is not None:
            box.remove_class("visible")
            self.view.focus()

    def _open_search_box(self) -> Input | None:
        """The search box, if it has the keys."""
        found = self.query(Input)
        return box if found and (box := found.first()).has_focus else None

    def set_active(self, active: bool) -> None:
        """Mark this pane as the one keys act on (the deck decides; focus alone is not enough,
        since the panel may hold focus while keys still act on this pane)."""
        if active != self.active:
            self.active = active
            self.set_class(active, "-active")
            self.show_title(self._title_offset)

    def on_document_view_resized(self, event: DocumentView.Resized) -> None:
        # A new height changes how much of the document is on screen: the pane's, or the view's
        # alone when the search box opens or closes below it.
        event.stop()
        self.call_after_refresh(lambda: self.show_title(self._title_offset) if self.is_mounted else None)

    def through(self) -> int:
        """How far through the document the view is, in percent: 100 once its end is on screen."""
        if not self._text:
            return 100
        view = self._view or self.view
        if not view.laid_out:
            return 0  # not wrapped yet: wrapping 3 MB for a width about to change would cost a whole wrap
        _, end = view.visible_span()
        return 100 if end >= len(self._text) else 100 * end // len(self._text)

    def show_title(self, offset: int) -> None:
        """Title bar: the marker of the active pane, how far through, sync, title and the section at *offset*."""
        self._title_offset = offset
        # Called at every key and scroll, so the children are held, not queried.
        bar, view = self._bar, self._view
        if not self.is_mounted or bar is None or view is None or not bar.is_attached or not view.is_attached:
            return  # being removed: its children go first
        if view.laid_out and view.in_layout(view.cursor):
            # Whichever change asked (a scroll, the cursor, the pane made active, a resize), the section
            # named is the one the reader is in: asked with the top row's offset, the title lost the
            # section the cursor was in, further down the screen.
            offset = view.reading_place
        where = self.outline.label(offset)
        if where.startswith(self.document.title):
            where = where[len(self.document.title) :].lstrip(" ›")
        title = Text("▶ " if self.active else "  ", style="bold")
        title.append(f"{self.through():3d}% ", style="dim not bold")
        if self.synced:
            title.append("⇅ ", style="bold")
        title.append(self.document.title, style="bold")
        if self.author_layer is not None:
            title.append(f"  · {self.author_layer}", style="bold reverse")
        if where:
            # The section's name, cut with an ellipsis to the room the bar has left; left out when too
            # little is left to read (the bar would otherwise end in a bare "›").
            room = bar.content_region.width - title.cell_len
            if room >= len(_SECTION_MARK) + _SHORTEST_SECTION:
                section = Text(_SECTION_MARK + where, style="not bold")
                section.truncate(room, overflow="ellipsis")
                title.append_text(section)
        if title != self._shown_title:
            self._shown_title = title
            bar.show(title)

    def show_status(self, annotations: Sequence[Annotation], selection: tuple[int, int] | None, extra: str = "") -> None:
        """Describe what is under the cursor: its tags and note, or the selection."""
        status = Text()
        if selection is not None:
            start, end = selection
            status.append(f"selected {end - start} characters", style="bold")
            status.append("   a: tag · c: note · L: link · esc: cancel", style="dim")
        for index, annotation in enumerate(annotations[:2]):
            if status:
                status.append("\n")
            if index == 0 and len(annotations) > 2:  # the rest are in the panel
                status.append(f"{len(annotations)} here, p lists them · ", style="dim")
            if annotation.fragments:
                status.append(f"“{shorten(annotation.quote, 60)}”  ", style="italic")
            for tag in annotation.tags:
                status.append("● ", style=tag.colour)
                status.append(tag.label + "  ")
            if not annotation.tags:
                status.append("● ", style=UNTAGGED)
                status.append("(untagged)  ", style="dim")
            if annotation.note:
                status.append(" ".join(annotation.note.split())[:200] + "  ", style="italic")
            status.append(f"— {annotation.author}", style="dim")
        if extra:
            if status:
                status.append("\n")
            status.append(extra, style="dim")
        if status != self._shown_status:
            self._shown_status = status
            self.query_one(".pane-status", TextBar).show(status)
