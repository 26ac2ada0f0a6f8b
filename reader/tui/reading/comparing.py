"""Comparing two layers of one document, and curating its consensus from them.

When the deck shows the same document twice, each pane one author's layer
(``margin compare DOC --authors A,B``, or ``c`` on the library screen), this
component marks every place the layers differ (a decoration per kind, readable
without colour; see :data:`~reader.tui.widgets.painting.DECORATIONS`), keeps a
strip beside each pane showing where in the whole document they lie, keeps the
two panes scrolled to exactly the same place, and walks the places: ``]`` and
``[`` move both panes to the next or previous one, ``<`` and ``>`` keep the
left or right layer's side on the consensus layer, ``-`` decides the place with
nothing kept, ``ctrl+l`` puts another layer (or the consensus) in a pane.
Tagging in a pane that shows the consensus layer writes to it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from annotations.classroom import CONSENSUS  # the layer's name: the consensus code loads when layers are compared
from annotations.store import Store
from reader.collector import paused

from ..elsewhere import LIBRARY_ERRORS
from ..widgets.disagreement_strip import DisagreementStrip
from ..widgets.pane import DocumentPane
from .deck import PaneDeck
from .highlights import opening_stretch
from .part import HEAVY_WORK, ReadingPart, short_quote
from .turns import SOON

if TYPE_CHECKING:
    from annotations.classroom.disagreements import Disagreement

#: The decoration number (painting.DECORATIONS, strip glyphs) of each kind.
DECORATION = {"only_a": 1, "only_b": 2, "boundaries": 3, "tags": 4}
#: Keys that write to the pane's layer: only one's own layer or the consensus may be written in.
WRITING = ("tag", "note", "delete")
CURATING = ("adopt_left", "adopt_right", "reject_place")
#: Seconds the differences' worker keeps its turn at most, waiting for the strips to be drawn.
SHOWN_WAIT = 0.5


class Comparing(ReadingPart):
    """Two layers of one document side by side: their differences marked, walked and curated."""

    def __init__(self, store: Store, deck: PaneDeck) -> None:
        super().__init__()
        self.store = store
        self.deck = deck
        """The panes: comparing is on while they are two layers of the same version of one document."""
        self.places: list[Disagreement] = []
        """Where the two layers differ, in the order of the text."""
        self._place_marks: list[tuple[int, int, int]] = []
        """The places as both panes' marks (start, end, decoration): made once per read, not per pane drawn."""
        self.decided: set[str] = set()
        """Annotations weighed by a consensus decision that holds, or lain over by a consensus annotation made by hand."""
        self.by_hand: set[str] = set()
        """Of those, the ones a consensus annotation made by hand lies over."""
        self._read_at: tuple[object, ...] | None = None
        """What the library was like when the places were read (own and others' commits, the layers)."""
        self._reading: tuple[object, ...] | None = None
        """The same, for a read under way on a worker."""
        self._followed: set[str] = set()
        self._tag_names: dict[str, str] = {}
        self._waiting_step: tuple[DocumentPane, bool] | None = None
        """``]`` or ``[`` pressed before the places were known: taken once they are."""
        self._near: list[tuple[int, int, int]] = []
        """The marks of the places around the reading position, read as the screen mounts: shown until all are known."""

    @property
    def ready(self) -> bool:
        """Whether the places have been worked out (they are, on a worker, after the first frame)."""
        return self._read_at is not None

    # -- which panes ---------------------------------------------------------------------
    @property
    def pair(self) -> tuple[DocumentPane, DocumentPane] | None:
        panes = self.deck.panes
        if len(panes) != 2 or any(p.author_layer is None for p in panes):
            return None
        left, right = panes
        if left.document.version_id != right.document.version_id:
            return None
        return left, right

    def start(self) -> None:
        """As the screen mounts: the places around the reading position marked, so that the first frame shows
        them with the text, and the whole document's worked out on a worker as soon as that frame is drawn.

        Those around are read at once (a screen's claims: exactly the places the
        whole read finds there); the whole document's then fill the strips.
        """
        pair = self.pair
        if pair is None:
            return
        from annotations.classroom.disagreements import disagreements_near

        left, right = pair
        stretch = opening_stretch(self.store.reading.position(left.document.id), self.app.size)
        try:
            near = disagreements_near(self.store, left.document.id, left.author_layer or "", right.author_layer or "", *stretch)
        except LIBRARY_ERRORS:
            near = None  # the whole read, which follows, says what went wrong
        self._near = [(p.start, p.end, DECORATION[p.kind]) for p in near or ()]
        for each in pair:
            each.disagreement_marks = self._near
        self._read(pair)

    def mark(self, pane: DocumentPane) -> None:
        """Before a pane is drawn: the places read last into both panes' marks; read again if the library changed."""
        pair = self.pair
        if pair is None:
            pane.disagreement_marks = []
            for strip in self.deck.query(DisagreementStrip):  # comparing ended: a third pane, say
                strip.remove()
            return
        self._read(pair)
        self._apply(pair)

    def _apply(self, pair: tuple[DocumentPane, DocumentPane]) -> None:
        marks = self._place_marks if self.ready else self._near
        for each in pair:
            each.disagreement_marks = marks
        self._follow(pair)
        self._show_strips(pair)

    def _read(self, pair: tuple[DocumentPane, DocumentPane]) -> None:
        """Work out the places on a worker with its own connection (two layers of a book take a moment)."""
        left, right = pair
        layers = (left.author_layer or "", right.author_layer or "")
        document_id = left.document.id
        key = (self.store.db.conn.total_changes, self.store.data_version(), *layers, left.document.version_id)
        if key in (self._read_at, self._reading):
            return
        self._reading = key

        def work() -> None:
            from annotations.classroom.consensus import decided_by_curating, decided_by_hand
            from annotations.classroom.disagreements import disagreements_in

            shown = threading.Event()
            with HEAVY_WORK.turn(SOON):  # before the rest of the highlights
                try:
                    with paused(), self.store.reopen() as store:  # two layers' claims: no collection finds garbage
                        places = disagreements_in(store, document_id, *layers)
                        by_hand = decided_by_hand(store, document_id)
                        decided = decided_by_curating(store, document_id) | by_hand
                        names = {t.id: t.label for t in store.tags.all()}
                except LIBRARY_ERRORS as error:
                    self.app.call_from_thread(self.fail, error)
                    return
                self.app.call_from_thread(self._read_done, key, places, decided, by_hand, names, shown)
                # The turn is held until the strips are on screen: the next worker would slow that frame, and the
                # highlight reads the places make outdated are asked for again meanwhile, so they are not done twice.
                shown.wait(SHOWN_WAIT)

        def start() -> None:
            if key == self._reading:
                self.run_worker(work, thread=True, group="compare", exclusive=True)

        if self._read_at is None:  # opening: the text first, then the worker (it would slow the first frame)
            self.call_after_refresh(start)
        else:
            start()

    def _read_done(self, key: tuple[object, ...], places: list[Disagreement], decided: set[str], by_hand: set[str],
                   names: dict[str, str], shown: threading.Event) -> None:
        """The places are known: the strips show them now, the panes' decorations once indexed on a worker.

        *shown* is set once the strips are on screen (or nothing is to be shown).
        """
        if key != self._reading:
            shown.set()
            return  # a newer read is under way
        self._read_at, self._reading = key, None
        changed = (places, decided, by_hand) != (self.places, self.decided, self.by_hand)
        self.places, self.decided, self.by_hand, self._tag_names = places, decided, by_hand, names
        if changed:
            self._place_marks = [(p.start, p.end, DECORATION[p.kind]) for p in places]
        pair = self.pair
        if pair is not None and changed:  # only the marks changed: the highlights are re-read on a worker
            self._apply(pair)
            self.post_message(self.Redraw(None, clear_selection=False, in_background=True))
        self.call_after_refresh(shown.set)
        self.post_message(self.ModeChanged())
        waiting, self._waiting_step = self._waiting_step, None
        if waiting is not None and waiting[0].is_mounted:
            self.step(waiting[0], forward=waiting[1])

    def _follow(self, pair: tuple[DocumentPane, DocumentPane]) -> None:
        """Once per pane: scrolling it scrolls the other to exactly the same place, and moves the strips' windows."""
        for pane in pair:
            if pane.id not in self._followed and pane.is_mounted:
                self._followed.add(pane.id or "")
                self.watch(pane.view, "scroll_y", self._scrolled(pane), init=False)
                if not self.deck.synced:  # on when comparing starts; s still turns it off
                    self.deck.toggle_sync()

    def _scrolled(self, pane: DocumentPane) -> Callable[[float], None]:
        def scrolled(y: float) -> None:
            pair = self.pair
            if pair is None or pane not in pair:
                return
            other = pair[1] if pane is pair[0] else pair[0]
            if self.deck.synced and pane is self.deck.active and other.view.scroll_y != y:
                other.view.scroll_to(y=y, animate=False)
            self._show_strips(pair)

        return scrolled

    def _show_strips(self, pair: tuple[DocumentPane, DocumentPane]) -> None:
        """The strips show the whole document's places, once they are known (until then, nothing)."""
        marks = pair[0].disagreement_marks if self.ready else []
        for pane in pair:
            strip = self.strip_of(pane)
            if strip is None:
                strip = DisagreementStrip(pane.id or "", id=f"strip-{pane.id}")  # a pane opened since
                self.deck.mount(strip, after=pane)
            # Before the view's first layout there is no window yet (asking would wrap the book at a guessed width).
            window = pane.view.visible_span() if pane.is_mounted and pane.view.laid_out else (0, 0)
            strip.show(marks, len(pane.text), window)

    def strip_of(self, pane: DocumentPane) -> DisagreementStrip | None:
        return next((s for s in self.deck.query(DisagreementStrip) if s.pane_id == pane.id), None)

    def pane_leaving(self, pane: DocumentPane) -> None:
        """A pane goes: its strip goes with it, and the other's marks when comparing ends."""
        strip = self.strip_of(pane)
        if strip is not None:
            strip.remove()
        for other in self.deck.panes:
            if other is not pane and other.disagreement_marks:
                other.disagreement_marks = []
                self.post_message(self.Redraw(other, clear_selection=False))

    # -- walking the places ------------------------------------------------------------------
    def step(self, pane: DocumentPane, *, forward: bool) -> None:
        """``]`` / ``[``: both panes to the next (previous) place, at the same offset."""
        from annotations.classroom.disagreements import kind_name, next_place

        pair = self.pair
        if pair is not None and not self.ready:
            self._waiting_step = (pane, forward)
            self.notify("Working out where the layers differ: going there in a moment.", timeout=2)
            return
        place = next_place(self.places, pane.view.cursor, forward=forward) if pair else None
        if pair is None or place is None:
            self.notify("The two layers do not differ anywhere.", timeout=3)
            return
        for each in (pane, *(p for p in pair if p is not pane)):
            each.view.move_cursor(place.start)
            each.view.scroll_to_offset(place.start, top=False)
        number = self.places.index(place) + 1
        names = (pair[0].author_layer or "", pair[1].author_layer or "")
        self.notify(f"{number} of {len(self.places)}: {kind_name(place.kind, *names)}", timeout=2)

    def go_to_share(self, start: int, end: int) -> None:
        """A click on a strip: both panes to the first place in that share of the text, else to its start."""
        pair = self.pair
        if pair is None:
            return
        offset = next((p.start for p in self.places if start <= p.start < end or p.start <= start < p.end), start)
        for each in pair:
            each.view.move_cursor(min(offset, len(each.text)))
            each.view.scroll_to_offset(min(offset, len(each.text)), top=False)
        (self.deck.active or pair[0]).view.focus()

    def pick_layer(self, pane: DocumentPane) -> None:
        """``ctrl+l``: show another annotator's layer, or the consensus, in this pane."""
        from annotations.classroom.consensus import authors_of

        pair = self.pair
        if pair is None:
            return
        other = pair[1] if pane is pair[0] else pair[0]
        try:
            names = authors_of(self.store, pane.document.id)
        except LIBRARY_ERRORS as error:
            self.fail(error)
            return
        choices = [(n, n) for n in [*names, CONSENSUS] if n not in (pane.author_layer, other.author_layer)]
        if not choices:
            self.notify("No other layer in this document.", severity="warning")
            return

        def chosen(name: str | None) -> None:
            if name and pane.is_mounted:
                pane.author_layer = name
                pane.show_title(pane.view.top_offset)
                self.post_message(self.Redraw(None, f"Showing {name}'s layer", clear_selection=False))

        from ..screens.choices import ChoicePicker  # the dialog's module (and Textual's widgets in it): loaded when first shown

        self.app.push_screen(ChoicePicker(f"Layer to show instead of {pane.author_layer}", choices), chosen)

    def decide(self, pane: DocumentPane, side: str | None) -> None:
        """``<`` / ``>`` keep the left or right layer's side of the place under the cursor; ``-`` keeps nothing."""
        from annotations.classroom.consensus import adopt, reject
        from annotations.classroom.disagreements import place_at

        pair = self.pair
        place = place_at(self.places, pane.view.cursor)
        if pair is not None and not self.ready:
            self.notify("Still working out where the layers differ: nothing was decided.", severity="warning")
            return
        if pair is None or place is None:
            self.notify("Put the cursor on a marked place (] goes to the next).", severity="warning")
            return
        document = self.current_document(pane, "to curate it")
        if document is None:
            return
        try:
            decision = reject(self.store, document, place) if side is None else adopt(self.store, document, place, side)  # type: ignore[arg-type]
        except LIBRARY_ERRORS as error:
            self.fail(error)
            return
        if decision.outcome == "rejected":
            said = "Decided: nothing kept here"
        else:
            kept = pair[0].author_layer if side == "a" else pair[1].author_layer
            said = f"Kept {kept}'s {short_quote(decision.made[0].exact, 30)} in the consensus · u undoes"
        self.post_message(self.Redraw(None, said, clear_selection=False, in_background=True))

    # -- what the screen asks every component ------------------------------------------
    def hint(self, pane: DocumentPane) -> str | None:
        pair = self.pair
        if pair is None:
            return None
        if not self.ready:
            return "working out where the layers differ… · ] and [ walk the places once they are marked · ctrl+l layer"
        from annotations.classroom.disagreements import kind_name, place_at

        place = place_at(self.places, pane.view.cursor)
        if place is None:
            return f"{len(self.places)} place{'s' if len(self.places) != 1 else ''} differ · ] next · [ previous · ctrl+l layer"
        left, right = pair
        sides = (f"{left.author_layer}: {self._names(place.a_tags) if place.a else 'nothing'} · "
                 f"{right.author_layer}: {self._names(place.b_tags) if place.b else 'nothing'}")
        weighed = set(place.ids)
        state = " · decided" if weighed & self.decided else ""
        state += " by hand in the consensus" if state and weighed & self.by_hand and not weighed & (self.decided - self.by_hand) else ""
        keys = "" if self._has_consensus(pair) else " · < keeps left · > keeps right · - neither"
        return f"{kind_name(place.kind, left.author_layer or '', right.author_layer or '')}{state}: {sides}{keys}"

    def _names(self, tag_ids: tuple[str | None, ...]) -> str:
        return ", ".join("(untagged)" if t is None else self._tag_names.get(t, "?") for t in tag_ids)

    @staticmethod
    def _has_consensus(pair: tuple[DocumentPane, DocumentPane]) -> bool:
        return any(p.author_layer == CONSENSUS for p in pair)

    def allows(self, action: str, pane: DocumentPane | None) -> bool | None:
        pair = self.pair
        if action in ("next_disagreement", "previous_disagreement", "pick_layer"):
            return pair is not None
        if action in CURATING:
            return pair is not None and not self._has_consensus(pair)
        if action in WRITING and pane is not None and pane.author_layer is not None:
            return pane.author_layer in (CONSENSUS, self.store.author)
        return None
