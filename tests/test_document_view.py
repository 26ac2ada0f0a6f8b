"""Tests for the reading pane: pure helpers, then Pilot-driven behaviour."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.style import Style
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.color import Color

from reader.tui.widgets.document_view import (
    HIGHLIGHT_TINT,
    DocumentView,
    Highlight,
    PaintIndex,
    next_paragraph_start,
    next_sentence_start,
    next_word_start,
    previous_paragraph_start,
    previous_sentence_start,
    previous_word_start,
    word_end,
    blank_word_end,
    next_blank_word_start,
    previous_blank_word_start,
)

ORANGE = "#e6a23c"
GREEN = "#67c23a"

PARAGRAPH = (
    "Hello world, this is margin. It shows a document in a pane that wraps "
    "long lines at the width of the terminal! Does it keep going? It does."
)
TEXT = "Chapter One\n\n" + "\n\n".join(f"{index:03d} {PARAGRAPH}" for index in range(60))
HELLO = "Hello world, reading is fun. Second sentence here.\n\nNext paragraph starts."


class ViewApp(App[None]):
    """One DocumentView, recording where its cursor goes and the selections it posts."""

    BINDINGS = [Binding("escape", "app_escape", "Back")]

    def __init__(self, text: str, sections=()) -> None:
        super().__init__()
        self.text = text
        self.sections = sections
        self.cursor_moves: list[int] = []
        self.selections: list[tuple[int, int] | None] = []
        self.escaped = 0

    def compose(self) -> ComposeResult:
        yield DocumentView(self.text, sections=self.sections, id="doc")

    def on_mount(self) -> None:
        self.watch(self.query_one(DocumentView), "cursor", self._cursor_moved, init=False)

    def _cursor_moved(self, offset: int) -> None:
        self.cursor_moves.append(offset)

    def on_document_view_selection_changed(self, message: DocumentView.SelectionChanged) -> None:
        self.selections.append(message.selection)

    def action_app_escape(self) -> None:
        self.escaped += 1


def in_app(test: Callable[[], Awaitable[None]]) -> Callable[[], None]:
    """Run an async Pilot test on its own event loop (no async plugin needed)."""

    @functools.wraps(test)
    def run() -> None:
        asyncio.run(test())

    return run


def segments_for(strip, text: str) -> list[Style]:
    return [segment.style for segment in strip if text in segment.text]


# -- pure helpers ----------------------------------------------------------------


def test_word_motions() -> None:
    text = "Hello, world  foo_bar\nnext"
    assert next_word_start(text, 0) == 5  # onto the comma
    assert next_word_start(text, 5) == 7
    assert next_word_start(text, 7) == 14
    assert next_word_start(text, 14) == 22
    assert next_word_start(text, len(text)) == len(text)
    # e lands on a word's last character (vim): the selection then holds it
    assert word_end(text, 0) == 4  # the o of Hello
    assert word_end(text, 4) == 5  # from a word's end, the next run's: the comma
    assert word_end(text, 5) == 11  # the d of world
    assert word_end(text, 12) == 20  # over the blanks to foo_bar's r
    assert word_end(text, len(text) - 1) == len(text) - 1  # stays on the last character
    named = "the Corporation (CNPC) said"
    paren = named.index("(")
    assert named[paren : blank_word_end(named, paren - 1) + 1] == "(CNPC)"  # E takes punctuation along
    assert next_blank_word_start(named, paren) == named.index("said")
    assert previous_blank_word_start(named, named.index("said")) == paren
    assert previous_word_start(text, 14) == 7
    assert previous_word_start(text, 9) == 7
    assert previous_word_start(text, 7) == 5
    assert previous_word_start(text, 0) == 0


def test_word_motions_over_other_scripts() -> None:
    text = "café naïve Ελληνικά слово e\u0301te"
    assert next_word_start(text, 0) == 5
    assert word_end(text, 5) == 9  # the e of naïve
    assert word_end(text, 26) == len(text) - 1  # a combining mark stays inside the word: on to the last e


def test_sentence_motions() -> None:
    assert next_sentence_start(HELLO, 0) == HELLO.index("Second")
    assert next_sentence_start(HELLO, HELLO.index("Second")) == HELLO.index("Next")
    assert next_sentence_start(HELLO, HELLO.index("Next")) == len(HELLO)
    assert previous_sentence_start(HELLO, HELLO.index("here")) == HELLO.index("Second")
    assert previous_sentence_start(HELLO, HELLO.index("Second")) == 0
    assert next_sentence_start("一句。二句！三句", 0) == 3


def test_paragraph_motions() -> None:
    text = "one\ntwo\n\nthree\n \nfour"
    assert next_paragraph_start(text, 0) == text.index("three")
    assert next_paragraph_start(text, text.index("three")) == text.index("four")
    assert next_paragraph_start(text, text.index("four")) == len(text)
    assert previous_paragraph_start(text, text.index("four") + 2) == text.index("four")
    assert previous_paragraph_start(text, text.index("four")) == text.index("three")
    assert previous_paragraph_start(text, 2) == 0


def test_paint_index_runs_and_overlaps() -> None:
    index = PaintIndex(
        [
            Highlight(2, 6, ORANGE, "a"),
            Highlight(4, 8, GREEN, "b", marked=True),
            Highlight(30, 20, ORANGE, "empty"),
        ],
        100,
    )
    runs = index.runs(0, 10)
    assert [(start, end) for start, end, _ in runs] == [(0, 2), (2, 4), (4, 6), (6, 8), (8, 10)]
    paints = [paint for _, _, paint in runs]
    assert paints[0] is None and paints[4] is None
    assert not paints[1].overlap and not paints[1].marked
    assert paints[2].overlap and paints[2].marked
    assert not paints[3].overlap and paints[3].marked
    assert [span.key for span in index.at(5)] == ["a", "b"]
    assert index.at(9) == []
    assert len(index) == 2


def test_paint_index_lookup_is_local_with_many_highlights() -> None:
    spans = [Highlight(start, start + 7, ORANGE, str(start)) for start in range(0, 200_000, 20)]
    spans.append(Highlight(0, 200_000, GREEN, "everything"))
    index = PaintIndex(spans, 200_000)
    runs = index.runs(100_000, 100_040)
    assert runs[0][0] == 100_000 and runs[-1][1] == 100_040
    assert len(runs) <= 6
    assert all(paint is not None for _, _, paint in runs)
    assert {span.key for span in index.at(100_003)} == {"100000", "everything"}


# -- the widget ------------------------------------------------------------------


@in_app
async def test_keys_move_the_cursor() -> None:
    app = ViewApp(TEXT)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(DocumentView)
        layout = view.layout_index
        assert view.cursor == 0
        await pilot.press("l", "l", "right")
        assert view.cursor == 3
        await pilot.press("h")
        assert view.cursor == 2
        await pilot.press("j", "j")
        assert layout.cell_of(view.cursor) == (2, 2)
        await pilot.press("w")
        assert view.cursor == next_word_start(TEXT, layout.row_start(2) + 2)
        await pilot.press("G")
        assert view.cursor == len(TEXT)
        assert view.scroll_offset.y == view.max_scroll_y
        await pilot.press("g")
        assert view.cursor == 0 and view.scroll_offset.y == 0
        await pilot.press("right_curly_bracket")
        assert view.cursor == TEXT.index("000 ")
        await pilot.press("right_parenthesis")
        assert view.cursor == TEXT.index("It shows")
        await pilot.press("dollar_sign")
        row = layout.row_of(view.cursor)
        assert view.cursor == layout.row_span(row)[1] - 1
        await pilot.press("0")
        assert view.cursor == layout.row_start(row)
        assert app.cursor_moves and app.cursor_moves[-1] == view.cursor


@in_app
async def test_vertical_motion_keeps_the_column() -> None:
    text = "abcdefghij\nab\nabcdefghij"
    app = ViewApp(text)
    async with app.run_test(size=(40, 10)) as pilot:
        view = app.query_one(DocumentView)
        view.move_cursor(8)
        await pilot.press("j")
        assert view.cursor == 13  # end of the short line
        await pilot.press("j")
        assert view.cursor == 14 + 8  # back to column 8


@in_app
async def test_v_then_w_selects_a_word() -> None:
    app = ViewApp(HELLO)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(DocumentView)
        await pilot.press("v", "e")  # e lands on the o; the selection holds it
        assert view.selection == (0, 4)
        assert view.selected_span == (0, 5)
        assert HELLO[slice(*view.selected_span)] == "Hello"
        assert app.selections[-1] == (0, 4)
        await pilot.press("escape")
        assert view.selection is None and app.selections[-1] is None
        assert app.escaped == 0
        await pilot.press("g", "v", "w")
        assert view.selection == (0, 6)  # onto the next word, which is selected too
        assert HELLO[slice(*view.selected_span)] == "Hello w"
        await pilot.press("w")
        assert app.selections[-1] == (0, 11)  # onto the comma
        await pilot.press("v", "g", "v")
        assert view.selected_span == (0, 1)  # v alone selects the character under the cursor
        await pilot.press("v")  # toggles off
        assert view.selection is None
        await pilot.press("escape")  # nothing to clear: the app gets it
        assert app.escaped == 1


@in_app
async def test_selection_is_drawn_and_wins_over_highlights() -> None:
    app = ViewApp(HELLO)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(DocumentView)
        view.set_highlights([Highlight(0, 11, ORANGE, "h")])
        await pilot.press("v", "e")
        strip = view.render_line(0)
        selected = segments_for(strip, "Hell")[0]
        highlighted = segments_for(strip, "world")[0]
        assert selected.bgcolor != highlighted.bgcolor
        cursor = [segment for segment in strip if segment.style.reverse]
        assert [segment.text for segment in cursor] == ["o"]  # the cursor is on the word's last character, selected


@in_app
async def test_page_down_moves_the_top_offset() -> None:
    app = ViewApp(TEXT)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(DocumentView)
        assert view.top_offset == 0
        await pilot.press("pagedown")
        height = view.scrollable_content_region.height
        assert view.scroll_offset.y == height
        assert view.top_offset == view.layout_index.row_start(height)
        start, end = view.visible_span()
        assert start <= view.cursor <= end
        await pilot.press("pageup")
        assert view.top_offset == 0


@in_app
async def test_resize_keeps_the_reading_position() -> None:
    app = ViewApp(TEXT)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(DocumentView)
        view.scroll_to_offset(TEXT.index("030 "))
        await pilot.pause()
        top = view.top_offset
        assert top == TEXT.index("030 ")
        await pilot.resize_terminal(50, 20)
        await pilot.pause()
        assert view.layout_index.width == view.scrollable_content_region.width - 1
        assert view.layout_index.row_of(top) == view.scroll_offset.y
        await pilot.resize_terminal(120, 30)
        await pilot.pause()
        assert view.layout_index.row_of(top) == view.scroll_offset.y
        assert view.top_offset == top


@in_app
async def test_mouse_click_and_drag() -> None:
    app = ViewApp(HELLO)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(DocumentView)
        await pilot.click(DocumentView, offset=(4, 0))
        assert view.cursor == 4
        assert view.selection is None
        await pilot.mouse_down(DocumentView, offset=(6, 0))
        await pilot.hover(DocumentView, offset=(10, 0))
        await pilot.mouse_up(DocumentView, offset=(10, 0))
        assert view.selection == (6, 10)  # the cell under the pointer is selected too
        assert HELLO[slice(*view.selected_span)] == "world"
        assert app.selections[-1] == (6, 10)
        # A click past the end of a line lands on the line's end.
        await pilot.click(DocumentView, offset=(70, 0))
        assert view.cursor == HELLO.index("\n\nNext")
        await pilot.click(DocumentView, offset=(70, 1))  # the blank line
        assert view.cursor == HELLO.index("\n\nNext") + 1
        await pilot.click(DocumentView, offset=(70, 9))  # below the text
        assert view.cursor == len(HELLO)


@in_app
async def test_highlights_render_with_their_colour() -> None:
    app = ViewApp(HELLO)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(DocumentView)
        view.set_highlights(
            [
                Highlight(6, 11, ORANGE, "one"),
                Highlight(13, 20, ORANGE, "two"),
                Highlight(17, 27, GREEN, "three", marked=True),
            ]
        )
        await pilot.pause()
        strip = view.render_line(0)
        base = view.rich_style
        background = Color.from_rich_color(base.bgcolor)
        single = segments_for(strip, "world")[0]
        assert single.bgcolor == background.blend(Color.parse(ORANGE), HIGHLIGHT_TINT).rich_color
        assert not single.underline and not single.bold
        overlap = segments_for(strip, "ing")[0]  # "read|ing" is covered twice
        assert overlap.underline and overlap.bold
        assert overlap.bgcolor not in (single.bgcolor, base.bgcolor)
        marked = segments_for(strip, " is fun")[0]
        assert marked.bold and not marked.underline
        plain = segments_for(strip, ". Second")[0]
        assert plain.bgcolor == base.bgcolor
        assert [span.key for span in view.highlights_at(18)] == ["two", "three"]


@in_app
async def test_headings_wide_text_and_tabs_render_to_width() -> None:
    text = "Chapter One\n\n世界人权宣言。" * 5 + "\n\ta\tb\tc\n" + "e\u0301" * 90
    app = ViewApp(text, sections=[(0, 40, 1, "Chapter One")])
    async with app.run_test(size=(30, 24)) as pilot:
        view = app.query_one(DocumentView)
        width = view.scrollable_content_region.width
        for y in range(view.layout_index.row_count):
            assert view.render_line(y).cell_length == width
        heading = segments_for(view.render_line(0), "hapter")[0]
        assert heading.bold
        layout = view.layout_index
        tab_row = layout.row_of(text.index("\ta"))
        assert view.render_line(tab_row).text.startswith("    a   b")
        await pilot.press("G")
        assert view.cursor == len(text)
        await pilot.press("h")
        assert view.cursor == len(text) - 2  # one cluster back


@in_app
async def test_cursor_and_highlights_can_be_set_by_the_app() -> None:
    app = ViewApp(TEXT)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(DocumentView)
        target = TEXT.index("040 ")
        view.cursor = target
        await pilot.pause()
        start, end = view.visible_span()
        assert start <= target <= end
        assert app.cursor_moves[-1] == target
        view.move_cursor(target + 3, select=True)
        assert view.selection == (target, target + 3)
        view.clear_selection()
        assert view.selection is None


@in_app
async def test_cursor_set_before_mount_is_shown() -> None:
    class EarlyApp(ViewApp):
        def compose(self) -> ComposeResult:
            view = DocumentView(self.text, id="doc")
            view.cursor = self.text.index("050 ")
            yield view

    app = EarlyApp(TEXT)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        view = app.query_one(DocumentView)
        start, end = view.visible_span()
        assert start <= view.cursor <= end


def test_highlights_stay_visible_without_colour(monkeypatch):
    """With NO_COLOR set, a highlight is an underline and an overlap adds italics."""
    import asyncio

    from textual.app import App

    from reader.tui.widgets.document_view import DocumentView, Highlight

    monkeypatch.setenv("NO_COLOR", "1")

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield DocumentView("alpha beta gamma delta\n")

    async def run() -> None:
        app = One()
        async with app.run_test(size=(40, 5)) as pilot:
            view = app.query_one(DocumentView)
            view.set_highlights([Highlight(0, 10, "#ff0000", "a"), Highlight(6, 16, "#00ff00", "b")])
            await pilot.pause()
            styles = {segment.text: segment.style for segment in view.render_line(0) if segment.text.strip()}
            single = next(style for text, style in styles.items() if text.startswith("lpha"))
            overlap = next(style for text, style in styles.items() if "beta" in text)
            assert single.underline and not single.italic
            assert overlap.underline and overlap.italic

    asyncio.run(run())


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(1, 20), st.sampled_from(["#ff0000", "#00ff00"]),
                       st.booleans(), st.booleans()), max_size=8),
    st.lists(st.tuples(st.integers(0, 60), st.integers(1, 20), st.integers(1, 4)), max_size=6),
)
def test_decorations_laid_over_an_index_paint_as_one_index_of_both(spans, decorations):
    # The compare view indexes its differences apart from the highlights under them: what is drawn is the same.
    from reader.tui.widgets.painting import DecoratedPaint

    under = [Highlight(s, s + n, colour, f"h{i}", marked, faint) for i, (s, n, colour, marked, faint) in enumerate(spans)]
    over = [Highlight(s, s + n, "#3a3a3a", f"d{i}", decoration=d) for i, (s, n, d) in enumerate(decorations)]
    whole, layered = PaintIndex(under + over, 70), DecoratedPaint(PaintIndex(under, 70), PaintIndex(over, 70))

    def cells(index: PaintIndex, start: int, end: int) -> list[object]:
        runs = index.runs(start, end)
        assert runs[0][0] == start and runs[-1][1] == end and all(a[1] == b[0] for a, b in zip(runs, runs[1:]))
        return [paint for run_start, run_end, paint in runs for _ in range(run_start, run_end)]

    for start, end in ((0, 70), (5, 33), (40, 41)):
        assert cells(layered, start, end) == cells(whole, start, end)
    for offset in (0, 10, 35, 69):
        assert sorted(h.key for h in layered.at(offset)) == sorted(h.key for h in whole.at(offset))
    assert len(layered) == len(whole)
