"""Comparing two annotators' layers in the reader: one layer per pane, differences marked and walked, curated."""

from __future__ import annotations

from annotations.anchoring import anchor_span
from annotations.classroom.consensus import CONSENSUS, provenance
from annotations.store import Store
from reader.tui.app import MarginApp
from reader.tui.screens.choices import ChoicePicker
from reader.tui.widgets.disagreement_strip import DisagreementStrip, strip_rows
from reader.tui.widgets.text_bar import TextBar

from .conftest import add_document, fixed_clock

SIZE = (140, 30)
# Long enough to scroll: the places differ near the start, the middle and the end.
PARAGRAPH = "The council met on Tuesday. The bridge is safe, the engineer said. Costs will rise next year.\n\n"
TEXT = "Notice\n\n" + PARAGRAPH * 40


def _mark(store: Store, author: str, start: int, length: int, *tags: str):
    document = store.documents.all()[0]
    return store.as_author(author).annotations.create(document, anchor_span(TEXT, start, start + length), tags=tags)


def _library(tmp_path) -> Store:
    store = Store.open(tmp_path / "teacher.db", author="teacher", clock=fixed_clock())
    add_document(store, text=TEXT, title="Council notice")
    first = TEXT.index("The bridge is safe")
    middle = TEXT.index("The bridge is safe", len(TEXT) // 2)
    last = TEXT.rindex("Costs will rise")
    _mark(store, "ada", first, 18, "Claim")
    _mark(store, "bo", first, 18, "Claim")          # agreed: no place
    _mark(store, "ada", middle, 18, "Claim")
    _mark(store, "bo", middle + 4, 14, "Claim")     # different boundaries
    _mark(store, "bo", last, 15, "Cost")            # only in bo's layer
    return store


def _compare_app(store: Store, a: str = "ada", b: str = "bo") -> MarginApp:
    document = store.documents.all()[0]
    return MarginApp(store, document_ids=[document.id, document.id], layers=(a, b), watch_seconds=None)


def _status(pane) -> str:
    return str(pane.query_one(".pane-status", TextBar).text)


async def _settle(pilot, app) -> None:
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def test_compare_opens_one_layer_per_pane_with_the_differences_marked(tmp_path):
    store = _library(tmp_path)
    app = _compare_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        left, right = app.screen.panes
        assert (left.author_layer, right.author_layer) == ("ada", "bo")
        authors = lambda pane: {store.annotations.get(s.id).author for s in pane.spans}  # noqa: E731
        assert authors(left) == {"ada"} and authors(right) == {"bo"}
        kinds = [mark[2] for mark in left.disagreement_marks]
        assert kinds == [3, 2] and right.disagreement_marks == left.disagreement_marks  # boundaries, then only bo
        assert left.synced and right.synced
        strips = list(app.screen.query(DisagreementStrip))
        assert len(strips) == 2
        lines = strips[0].lines()
        assert "".join(line[0] for line in lines).strip(" ") .replace(" ", "") == "~B"
        assert lines.index(next(line for line in lines if line[0] == "~")) < lines.index(
            next(line for line in lines if line[0] == "B"))
        assert lines[0][1] == "▐"  # the window: the top of the document is on screen


async def test_jumps_move_both_panes_to_the_same_place_and_wrap(tmp_path):
    store = _library(tmp_path)
    app = _compare_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        left, right = app.screen.panes
        places = [(start, end) for start, end, _ in left.disagreement_marks]
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert left.view.cursor == right.view.cursor == places[0][0]
        assert left.view.scroll_y == right.view.scroll_y and left.view.top_offset == right.view.top_offset
        assert "different boundaries" in _status(left) and "ada: Claim" in _status(left)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert left.view.cursor == right.view.cursor == places[1][0]
        assert left.view.top_offset == right.view.top_offset
        assert "only in bo's layer" in _status(left) and "ada: nothing" in _status(left)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert left.view.cursor == places[0][0]  # round again
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert left.view.cursor == right.view.cursor == places[1][0]
        strip = next(s for s in app.screen.query(DisagreementStrip) if s.pane_id == left.id)
        window = [i for i, line in enumerate(strip.lines()) if line[1] == "▐"]
        assert window and window[-1] >= len(strip.lines()) - 3  # the end of the document is on screen now


async def test_scrolling_one_pane_scrolls_the_other_exactly(tmp_path):
    store = _library(tmp_path)
    app = _compare_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        left, right = app.screen.panes
        await pilot.press("pagedown", "pagedown", "j", "j")
        await pilot.pause()
        assert left.view.scroll_y > 0
        assert left.view.scroll_y == right.view.scroll_y and left.view.top_offset == right.view.top_offset


async def test_keeping_a_side_writes_the_consensus_layer_one_undo_step_each(tmp_path):
    store = _library(tmp_path)
    app = _compare_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        left, _ = app.screen.panes
        await pilot.press("right_square_bracket")
        await pilot.press("greater_than_sign")  # keep bo's edges
        await _settle(pilot, app)
        [kept] = store.annotations.list(authors=[CONSENSUS])
        assert kept.exact == "bridge is safe" and [a.author for a in provenance(store, kept.id)] == ["bo"]
        assert "decided" in _status(left)
        await pilot.press("right_square_bracket", "minus")  # nothing kept where only bo marked
        await _settle(pilot, app)
        assert len(store.annotations.list(authors=[CONSENSUS])) == 1
        await pilot.press("u")
        await pilot.pause()
        assert store.annotations.list(authors=[CONSENSUS]) == []


async def test_the_layer_picker_switches_a_pane_to_the_consensus_and_tagging_there_writes_to_it(tmp_path):
    store = _library(tmp_path)
    app = _compare_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        _, right = app.screen.panes
        right.view.focus()
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, ChoicePicker)
        await pilot.press(*CONSENSUS, "enter")
        await _settle(pilot, app)
        left, right = app.screen.panes
        assert right.author_layer == CONSENSUS and right.spans == []
        assert {m[2] for m in left.disagreement_marks} == {1}  # everything of ada's is only in ada's layer now
        assert not app.screen.check_action("adopt_left", ())  # with the consensus shown, curating is tagging
        right.view.focus()
        right.view.move_cursor(TEXT.index("Costs"))
        await pilot.press("v", "e", "a")
        await pilot.pause()
        await pilot.press(*"Cost", "enter")
        await _settle(pilot, app)
        [made] = store.annotations.list(authors=[CONSENSUS])
        assert made.exact == "Costs" and [t.name for t in made.tags] == ["Cost"]
        assert [s.id for s in right.spans] == [made.id]


async def test_another_annotators_layer_cannot_be_written_in(tmp_path):
    store = _library(tmp_path)
    app = _compare_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        assert not app.screen.check_action("tag", ())
        assert not app.screen.check_action("delete", ())


async def test_the_library_screen_asks_for_two_layers(tmp_path):
    store = _library(tmp_path)
    app = MarginApp(store, watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"bo", "enter")
        await pilot.pause()
        await pilot.press(*"ada", "enter")
        await _settle(pilot, app)
        assert [p.author_layer for p in app.screen.panes] == ["bo", "ada"]
        assert [m[2] for m in app.screen.panes[0].disagreement_marks] == [3, 1]  # only bo's is on the left now


def test_the_strip_puts_each_place_in_its_share_of_the_document():
    rows = strip_rows([(0, 10, 1), (500, 510, 4), (505, 600, 2), (990, 1000, 3)], 1000, (0, 100), 10)
    assert [r[0] for r in rows] == ["A", " ", " ", " ", " ", "≠", " ", " ", " ", "~"]
    assert [r[1] for r in rows] == ["▐"] + [" "] * 9
    assert strip_rows([], 0, (0, 0), 0) == []


async def test_the_panel_lists_only_the_layer_of_the_pane_it_is_opened_from(tmp_path):
    from reader.tui.widgets.annotations_panel import AnnotationsPanel

    store = _library(tmp_path)
    app = _compare_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        panel = app.screen.query_one(AnnotationsPanel)
        await pilot.press("p")
        await _settle(pilot, app)
        assert {a.author for a in panel._annotations} == {"ada"} and len(panel._annotations) == 2
        await pilot.press("p")  # back to the text
        await pilot.press("tab")
        await pilot.press("p", "p")
        await _settle(pilot, app)
        assert {a.author for a in panel._annotations} == {"bo"} and len(panel._annotations) == 3


async def test_a_reader_opens_the_consensus_beside_their_own_layer(tmp_path):
    from annotations.classroom.consensus import pre_accept

    store = _library(tmp_path)
    document = store.documents.all()[0]
    pre_accept(store, document, ["ada", "bo"], 2)
    app = _compare_app(store.as_author("ada"), "ada", CONSENSUS)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        mine, agreed = app.screen.panes
        assert {store.annotations.get(s.id).author for s in agreed.spans} == {CONSENSUS}
        assert len(agreed.spans) == 2  # the place all agree on, and the one whose edges differ
        assert app.screen.check_action("tag", ())  # one's own layer can be written in
        assert not app.screen.check_action("adopt_left", ())


async def test_a_click_on_the_strip_takes_both_panes_to_the_difference_there(tmp_path):
    store = _library(tmp_path)
    app = _compare_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        left, right = app.screen.panes
        strip = next(s for s in app.screen.query(DisagreementStrip) if s.pane_id == right.id)
        row = next(i for i, line in enumerate(strip.lines()) if line[0] == "B")
        await pilot.click(strip, offset=(0, row))
        await pilot.pause()
        only_bo = left.disagreement_marks[-1][0]
        assert left.view.cursor == right.view.cursor == only_bo
        assert left.view.top_offset == right.view.top_offset


def test_each_kind_of_difference_has_its_own_style_with_or_without_colour():
    from rich.color import Color

    from reader.tui.widgets.painting import DECORATIONS, Highlight, PaintIndex, paint_style

    spans = [Highlight(0, 10, "#ff0000", "a1")] + [
        Highlight(20 * n, 20 * n + 10, "#000000", f"d{n}", decoration=n) for n in range(1, 5)
    ]
    paint = PaintIndex(spans, 100)
    background = Color.parse("#101010")
    styles = {}
    for no_color in (False, True):
        for n in range(1, 5):
            (_, _, run), = paint.runs(20 * n, 20 * n + 1)
            assert run is not None and run.decoration == n and not run.tinted
            style = paint_style(run, background, no_color=no_color)
            assert style.bgcolor is None  # a difference adds no colour of its own
            styles[(no_color, n)] = (style.bold, style.italic, style.underline, style.reverse)
        assert len({styles[(no_color, n)] for n in range(1, 5)}) == 4  # four kinds, four looks
    (_, _, highlight), = paint.runs(0, 1)
    assert highlight is not None and highlight.decoration == 0 and highlight.tinted  # annotations keep their tint
    assert len(DECORATIONS) == 4
    assert [h.key for h in paint.at(25)] == ["d1"]


async def test_sync_can_be_turned_off_and_stays_off(tmp_path):
    store = _library(tmp_path)
    app = _compare_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        left, right = app.screen.panes
        await pilot.press("s")
        await pilot.press("right_square_bracket")  # a jump still moves both
        await _settle(pilot, app)
        assert not app.screen.deck.synced
        assert left.view.cursor == right.view.cursor
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        assert left.view.scroll_y != right.view.scroll_y


async def test_a_place_tagged_by_hand_in_the_consensus_shows_as_decided_by_hand(tmp_path):
    store = _library(tmp_path)
    middle = TEXT.index("The bridge is safe", len(TEXT) // 2)
    _mark(store, CONSENSUS, middle + 4, 10, "Claim")  # tagged straight into the consensus, over the boundaries place
    app = _compare_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        left, _ = app.screen.panes
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert "different boundaries · decided by hand in the consensus" in _status(left)
        await pilot.press("right_square_bracket")  # only in bo's layer: nothing of the consensus there
        await pilot.pause()
        assert "decided" not in _status(left)


async def test_keys_pressed_before_the_places_are_known_wait_for_them_or_change_nothing(tmp_path, monkeypatch):
    import threading

    from annotations.classroom import disagreements

    release = threading.Event()
    real = disagreements.disagreements_in

    def slow(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202 - working the places out takes a while on a big book
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(disagreements, "disagreements_in", slow)  # looked up when the places are worked out
    store = _library(tmp_path)
    before = len(store.annotations.list(authors=[CONSENSUS]))
    app = _compare_app(store)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(500):  # until the text is laid out (the places cannot be known yet)
            await pilot.pause(0.02)
            if getattr(app.screen, "panes", None) and app.screen.panes[0].view.laid_out and _status(app.screen.panes[0]):
                break
        left, right = app.screen.panes
        assert left.view.laid_out
        # The places around the reading position (here, the whole short text) are painted with the text at once;
        # the strips, which show the whole document's, wait for the whole read.
        first = list(left.disagreement_marks)
        assert [kind for _, _, kind in first] == [3, 2] and right.disagreement_marks == first
        assert [h.decoration for h in left.view.highlights_at(first[0][0]) if h.decoration] == [3]
        assert not any(strip.marks for strip in app.screen.query(DisagreementStrip))
        assert "working out where the layers differ" in _status(left)
        await pilot.press("greater_than_sign")  # keep the right side: there is no place known yet
        await pilot.pause()
        assert len(store.annotations.list(authors=[CONSENSUS])) == before
        await pilot.press("right_square_bracket")  # next place: taken once the places are known
        await pilot.pause(0.1)
        assert left.view.cursor == 0
        release.set()
        await _settle(pilot, app)
        assert left.disagreement_marks == first  # the places read first are the whole read's there
        places = [start for start, _, _ in left.disagreement_marks]
        assert places and left.view.cursor == right.view.cursor == places[0]
        assert "different boundaries" in _status(left)
        assert all(strip.marks for strip in app.screen.query(DisagreementStrip))
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert left.view.cursor == places[1]


async def test_opening_the_compare_view_reads_each_layer_once(tmp_path, monkeypatch):
    """The differences arrive while the panes' highlights are read: those reads are used, not done again.

    Marking the differences asks both panes for their highlights anew; a read
    already under way (or done but superseded) serves the new request, and the
    differences' worker keeps its turn until the strips are drawn, so no
    highlight worker starts in between.
    """
    from annotations.store.annotating import AnnotationRepo

    store = _library(tmp_path)
    document = store.documents.all()[0]
    for n in range(300):  # enough highlights that the panes read them on workers
        start = (n * 97) % (len(TEXT) - 40)
        _mark(store, "ada" if n % 2 else "bo", start, 5 + n % 30, "Claim")
    reads: list[str | None] = []
    spans = AnnotationRepo.spans

    def counted(self, version_id, author=None, within=None):
        if within is None:
            reads.append(author)
        return spans(self, version_id, author, within)

    monkeypatch.setattr(AnnotationRepo, "spans", counted)
    app = MarginApp(store, document_ids=[document.id, document.id], layers=("ada", "bo"), watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        left, right = app.screen.panes
        assert left.disagreement_marks and right.disagreement_marks
        assert len(left.spans) == len(store.annotations.spans(document.version_id, "ada"))
        assert len(right.spans) == len(store.annotations.spans(document.version_id, "bo"))
        reads = [r for r in reads if r is not None][:-2]  # the two reads just above
        assert sorted(reads) == ["ada", "bo"]


async def test_the_compare_view_wraps_its_text_once_at_the_width_beside_its_strip(tmp_path, monkeypatch):
    """The strips are there from the first layout: the text is never shown at a width they then take away."""
    from reader.tui.widgets.later_layout import LaterLayout

    widths: list[tuple[int, int]] = []
    resized = LaterLayout._resized_layout

    def recorded(self, layout, width):  # noqa: ANN001, ANN202
        widths.append((layout.width, width))
        return resized(self, layout, width)

    monkeypatch.setattr(LaterLayout, "_resized_layout", recorded)
    store = _library(tmp_path)
    app = _compare_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        left, right = app.screen.panes
        assert len(app.screen.query(DisagreementStrip)) == 2
        assert widths and all(old == new for old, new in widths)  # laid out again only at the width it had
        assert left.view.layout_index.width == right.view.layout_index.width
