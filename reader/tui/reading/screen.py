"""The reading screen: up to three documents side by side, annotated with the keyboard.

This module is wiring. The screen composes the pane deck, the annotations
panel, the key bar and the components that hold the behaviour (annotating,
links, search, highlight drawing, source watch, review, the outline and the
document picker: most of them made when first needed, by ``on_demand.py``); it holds the one
:attr:`ReadingScreen.BINDINGS` table (``keymap.py``) the footer, help and palette read, turns
each key into a call on the component that does it, for the active pane
(attributes down), and routes what components report (messages up) to the
widgets that show it. Components never call each other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Input

from annotations.model import Annotation
from annotations.store import Store

from ..compositing import sparing_compositor
from ..widgets.annotations_panel import AnnotationsPanel
from ..widgets.disagreement_strip import DisagreementStrip
from ..widgets.document_view import DocumentView
from ..widgets.key_bar import KeyBar
from ..widgets.pane import DocumentPane
from .deck import PaneDeck
from .highlights import HighlightDrawing
from .keymap import READING_KEYS
from .on_demand import CANCEL_ORDER, PartsOnDemand
from .part import Notices, ReadingPart, short_quote
from .sources import SourceWatch
from .targets import annotations_at

def on_active_pane(part: str, method: str, **arguments: object) -> Callable[[ReadingScreen], None]:
    """An action that hands the active pane to one component's method: most keys are just that."""

    def action(screen: ReadingScreen) -> None:
        pane = screen.deck.active
        if pane is not None:
            getattr(getattr(screen.on_demand, part), method)(pane, **arguments)

    action.__doc__ = f"{part}.{method} on the active pane"
    return action


#: Up to this many highlights, the panel's list is read at once rather than on a worker.
PANEL_AT_ONCE = 500
#: Actions that need more than one pane.
MULTI_PANE_ACTIONS = ("next_pane", "previous_pane", "toggle_sync", "toggle_aligned_sync", "align")


class ReadingScreen(Screen[None]):
    """Documents side by side, an annotations panel, and every annotating action."""

    DEFAULT_CSS = """
    ReadingScreen {
        layout: horizontal;
        & AnnotationsPanel { display: none; }
        & AnnotationsPanel.visible { display: block; }
    }
    """

    BINDINGS = READING_KEYS

    def __init__(self, store: Store, document_ids: Sequence[str], layers: Sequence[str] = ()) -> None:
        super().__init__()
        self._compositor = sparing_compositor()  # a page key's frame without rendering what it hides
        self.store = store
        """The library, shared with the rest of the app."""
        self.deck = PaneDeck(store, document_ids, layers)
        """The panes, side by side."""
        self.on_demand = PartsOnDemand(self, store, self.deck)
        """The components most readings never use, made when first needed (the rest are made here)."""
        self.highlights = HighlightDrawing(store)
        self.sources = SourceWatch(store, self.deck, Notices(self))
        self.on_demand.add("highlights", self.highlights)
        self.on_demand.add("sources", self.sources)
        self.on_demand.make("annotating")  # its hint says a selection has started
        if layers:
            self.on_demand.make("comparing")  # two layers: their differences are drawn with the first frame
        self.deck.alignment_of = lambda pane_a, pane_b: self.on_demand.alignment.offset_map(pane_a, pane_b)

    @property
    def parts(self) -> tuple[ReadingPart, ...]:
        """The components made so far, asked about the status line and actions in order of precedence."""
        return self.on_demand.in_order()

    def compose(self) -> ComposeResult:
        yield self.deck
        yield AnnotationsPanel()
        yield KeyBar()
        yield from self.on_demand.compose()

    def on_mount(self) -> None:
        self.deck.start()
        if "comparing" in self.on_demand.made:
            self.on_demand.comparing.start()  # the places around the reading position, painted with the highlights
        for pane in self.deck.panes:  # now, not when the panes' Opened arrives: that may be after the first frame
            self.highlights.paint_first_screen(pane)

    # -- the panes, as the app and tests see them --------------------------------------
    @property
    def panes(self) -> list[DocumentPane]:
        return self.deck.panes

    @property
    def active(self) -> DocumentPane | None:
        return self.deck.active

    def go_to(self, document_id: str, offset: int) -> None:
        self.deck.go_to(document_id, offset)

    def library_changed(self) -> None:
        """Another process changed the library: redraw highlights, status lines and the panel.

        Cursor, selection, scroll position, a search, a link being made and any
        open dialog are left as they are; only what the library says is re-read.
        A document re-imported elsewhere keeps showing the version being read.
        """
        for pane in self.deck.panes:
            if self.sources.still_shown(pane):
                self._redraw(pane, in_background=True)  # the active pane's panel follows its highlights

    # -- drawing --------------------------------------------------------------------------
    def _redraw(self, pane: DocumentPane, *, in_background: bool = False) -> None:
        self.refresh_bindings()
        self.on_demand.suggesting.mark(pane)
        if "comparing" in self.on_demand.made:
            self.on_demand.comparing.mark(pane)
        self.highlights.redraw(pane, in_background=in_background)

    def _show_status(self, pane: DocumentPane) -> None:
        """The pane's status line: what is under the cursor, and what is under way."""
        hint = next((h for part in self.parts if (h := part.hint(pane)) is not None), "")
        view = pane.view
        pane.show_status(annotations_at(self.store, pane, view.cursor), view.selected_span, hint)

    def _refresh_panel(self) -> None:
        """Re-read the panel's list for the active pane, when the panel is shown."""
        pane = self.deck.active
        if pane is None or not self.query_one(AnnotationsPanel).has_class("visible"):
            return
        if len(pane.spans) > PANEL_AT_ONCE:
            self.highlights.list_for_panel(pane.document.id, pane.author_layer)
        elif (listed := self.highlights.read_for_panel(pane.document.id, pane.author_layer)) is not None:
            # Few enough to read now: keys pressed right after the panel opens act on this list.
            self._listed(listed)

    # -- messages up ------------------------------------------------------------------------
    def _cursor_moved(self, pane: DocumentPane) -> Callable[[int], None]:
        def moved(offset: int) -> None:
            if self.deck.pane_for(pane.view) is pane:
                if "alignment" in self.on_demand.made:
                    self.on_demand.alignment.show_partner(pane)
                self._show_status(pane)
                pane.show_title(offset)

        return moved

    @on(DocumentView.SelectionChanged)
    def _selection_changed(self, event: DocumentView.SelectionChanged) -> None:
        pane = self.deck.pane_for(event.view)
        if pane is not None:
            self._show_status(pane)
        self.refresh_bindings()

    @on(PaneDeck.Opened)
    def _pane_opened(self, event: PaneDeck.Opened) -> None:
        # Followed as the cursor changes, not through CursorMoved, which arrives after the
        # frame: status line and title then change in the same frame as the text (one per key).
        self.watch(event.pane.view, "cursor", self._cursor_moved(event.pane))
        self._redraw(event.pane, in_background=True)
        self.sources.announce(event.pane)

    @on(DisagreementStrip.Chosen)
    def _strip_chosen(self, event: DisagreementStrip.Chosen) -> None:
        self.on_demand.comparing.go_to_share(event.start, event.end)

    @on(PaneDeck.ActiveChanged)
    def _active_changed(self, event: PaneDeck.ActiveChanged) -> None:
        self._refresh_panel()
        self.refresh_bindings()  # check_action answers for the pane now active

    @on(PaneDeck.Leaving)
    def _pane_leaving(self, event: PaneDeck.Leaving) -> None:
        made = self.on_demand.made
        if "links" in made:
            self.on_demand.links.pane_leaving(event.pane, event.why)
        if "alignment" in made:
            self.on_demand.alignment.pane_leaving(event.pane)
        if "comparing" in made:
            self.on_demand.comparing.pane_leaving(event.pane)

    @on(HighlightDrawing.Drawn)
    def _drawn(self, event: HighlightDrawing.Drawn) -> None:
        if event.pane not in self.deck.panes:
            return  # replaced by its document's new version, or closed, before this message arrived
        self.refresh_bindings()
        self._show_status(event.pane)
        if event.pane is self.deck.active:
            self._refresh_panel()

    @on(HighlightDrawing.Listed)
    def _listed(self, event: HighlightDrawing.Listed) -> None:
        active = self.deck.active
        if active is not None and active.document.id == event.document_id:
            self.query_one(AnnotationsPanel).refresh_for(event.annotations, event.document_id, event.links)

    @on(ReadingPart.Redraw)
    def _redraw_requested(self, event: ReadingPart.Redraw) -> None:
        for pane in [event.pane] if event.pane is not None else self.deck.panes:
            if not pane.is_mounted:
                continue
            if event.clear_selection:
                pane.view.clear_selection()
            if event.land_on is not None:
                pane.view.move_cursor(event.land_on)
            self._redraw(pane, in_background=event.in_background)
        if event.message:
            self.notify(event.message, timeout=2)

    @on(ReadingPart.ModeChanged)
    def _mode_changed(self, event: ReadingPart.ModeChanged) -> None:
        self.refresh_bindings()
        pane = self.deck.active
        if pane is not None:
            self._show_status(pane)

    @on(ReadingPart.GoTo)
    def _go_to(self, event: ReadingPart.GoTo) -> None:
        self._go_to_annotation(event.annotation, event.avoid)

    @on(AnnotationsPanel.Closed)
    def _panel_closed(self, event: AnnotationsPanel.Closed) -> None:
        self._hide_panel()

    @on(AnnotationsPanel.Chosen)
    def _panel_chosen(self, event: AnnotationsPanel.Chosen) -> None:
        self._go_to_annotation(self.store.annotations.get(event.annotation_id))

    def _go_to_annotation(self, annotation: Annotation, avoid: DocumentPane | None = None) -> None:
        if annotation.orphaned:
            self.notify(f"{short_quote(annotation.quote, 40)} is not found in this version: R reviews it.", severity="warning")
            return
        self.deck.go_to(annotation.document_id, annotation.start, avoid=avoid)

    @on(Input.Submitted, "DocumentPane Input")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        pane = self.deck.pane_for(event.input)
        if pane is not None:
            self.on_demand.search.find(pane, event.value)

    # -- which actions apply now ---------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        pane = self.deck.current  # asked for every binding: no walk of the DOM here
        if action == "instructions":
            return getattr(self.app, "instructions", None) is not None
        if action in MULTI_PANE_ACTIONS:
            return len(self.deck.panes) > 1
        if action == "follow":  # told by the pane's highlights, whether or not a link was made in this screen
            return pane is not None and pane.spans.any_linked()
        if self.on_demand.refused(action):
            return False
        for part in self.parts:
            verdict = part.allows(action, pane)
            if verdict is not None:
                return verdict
        return True

    # -- keys: each a call on the part that does it ---------------------------------------------
    action_tag = on_active_pane("annotating", "tag")
    action_note = on_active_pane("annotating", "note")
    action_delete = on_active_pane("annotating", "delete")
    action_hold_fragment = on_active_pane("fragments", "hold")

    def action_undo(self) -> None:
        self.on_demand.annotating.history(redo=False)

    def action_redo(self) -> None:
        self.on_demand.annotating.history(redo=True)

    action_link = on_active_pane("links", "link")
    action_follow = on_active_pane("links", "follow")
    action_search = on_active_pane("search", "open_box")
    action_next_hit = on_active_pane("search", "step", forward=True)
    action_previous_hit = on_active_pane("search", "step", forward=False)
    action_review = on_active_pane("review", "open")
    action_reattach = on_active_pane("review", "reattach")

    def action_tag_every(self) -> None:
        if (pane := self.deck.active) is not None:
            self.on_demand.entities.tag_every(pane, [p.document.id for p in self.deck.panes])

    action_aliases = on_active_pane("entities", "aliases")

    def action_entities(self) -> None:
        if (pane := self.deck.active) is not None:
            self.on_demand.entities.entity_screen(pane, [p.document.id for p in self.deck.panes])

    action_suggestions = on_active_pane("suggesting", "review")
    action_suggest = on_active_pane("suggesting", "suggest")
    action_align = on_active_pane("alignment", "suggest")
    action_accept_suggestion = on_active_pane("alignment", "decide", accept=True)
    action_reject_suggestion = on_active_pane("alignment", "decide", accept=False)
    action_next_disagreement = on_active_pane("comparing", "step", forward=True)
    action_previous_disagreement = on_active_pane("comparing", "step", forward=False)
    action_pick_layer = on_active_pane("comparing", "pick_layer")
    action_adopt_left = on_active_pane("comparing", "decide", side="a")
    action_adopt_right = on_active_pane("comparing", "decide", side="b")
    action_reject_place = on_active_pane("comparing", "decide", side=None)

    def action_next_pane(self) -> None:
        self.deck.focus_step(1)

    def action_previous_pane(self) -> None:
        self.deck.focus_step(-1)

    def action_toggle_sync(self) -> None:
        on = self.deck.toggle_sync()
        self.notify(f"Synced scrolling {'on' if on else 'off'}", timeout=2)

    def action_toggle_aligned_sync(self) -> None:
        anchors = self.deck.toggle_aligned_sync()
        if anchors is None:
            self.notify("Synced scrolling off", timeout=2)
        elif anchors:
            self.notify(f"Scrolling synced by alignment ({anchors} anchors: links, then suggestions)", timeout=3)
        else:
            self.notify("Nothing aligned between these panes yet (L links, ctrl+a suggests): synced by share of length",
                        severity="warning", timeout=4)

    def action_toggle_reflow(self) -> None:
        if (pane := self.deck.active) is None:
            return
        if self.deck.toggle_reflow(pane):
            self.notify("Hard-wrapped lines reflowed to the pane's width (= shows them as in the file)", timeout=3)
        else:
            self.notify("Lines shown as in the file (= reflows them)", timeout=3)

    def action_close_pane(self) -> None:
        pane = self.deck.active
        if pane is None or not self.deck.close(pane):
            self.notify("The last pane stays open; esc returns to the library.", severity="warning")

    action_outline = on_active_pane("navigating", "outline")
    action_open_document = on_active_pane("navigating", "open_beside")

    def action_toggle_panel(self) -> None:
        """``p``: show the panel and go into it; from the text with the panel shown, go into it; else hide it."""
        panel = self.query_one(AnnotationsPanel)
        if panel.has_class("visible"):
            if panel.has_focus_within:
                self._hide_panel()
            else:
                panel.focus_list()
            return
        panel.show()
        self._refresh_panel()
        panel.focus_list()

    def _hide_panel(self) -> None:
        self.query_one(AnnotationsPanel).remove_class("visible")
        if (pane := self.deck.active) is not None:
            pane.view.focus()

    def action_search_library(self) -> None:
        self.app.action_search_library()  # type: ignore[attr-defined]

    def action_rename_document(self) -> None:
        if (pane := self.deck.active) is not None:
            self.app.rename_document(pane.document.id)  # type: ignore[attr-defined]

    def action_instructions(self) -> None:
        self.app.show_instructions()  # type: ignore[attr-defined]

    def action_export(self) -> None:
        self.app.action_export([p.document.id for p in self.deck.panes])  # type: ignore[attr-defined]

    def action_back(self) -> None:
        """``esc``: drop what is under way (a re-attach, a link, a search), else show the library."""
        pane = self.deck.active
        if any(part.cancel(pane) for part in self.on_demand.in_order(CANCEL_ORDER)):
            return
        self.app.action_show_library()  # type: ignore[attr-defined]

