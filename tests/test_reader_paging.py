"""Paging, resizing and reflowed text draw the right rows, highlights, cursor and selection.

The reading pane draws its lines itself (each row once, kept while it looks the same) rather
than through Textual's per-line drawing; these tests hold it to what Textual's own drawing of
the same rows gives, cell by cell, after the moves that reuse kept rows.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from rich.style import Style
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widget import Widget

from annotations.store import Store
from reader.tui.app import MarginApp
from reader.tui.widgets.document_view import DocumentView, Highlight

from .conftest import add_document, fixed_clock, focus_left_in_step
from .test_reflow import PROSE, hard_wrapped

ORANGE = "#e6a23c"
LONG = "\n\n".join(f"Paragraph {index:04d}. " + " ".join(["words follow one another"] * 9) for index in range(600))


class PaddedApp(App[None]):
    """One view padded left and right, as the reading pane has it."""

    CSS = "DocumentView { padding: 0 1; }"

    def __init__(self, text: str, reflow: bool = False) -> None:
        super().__init__()
        self.text = text
        self.reflow = reflow

    def compose(self) -> ComposeResult:
        yield DocumentView(self.text, id="doc", reflow=self.reflow)


def looks(char: str, style: Style | None) -> tuple[str, Style | None]:
    """A cell as it looks: a space's foreground colour shows nowhere (unless it is reversed or lined)."""
    if char == " " and style is not None and style.color is not None and not (
        style.reverse or style.underline or style.strike or style.overline
    ):
        style = Style(bgcolor=style.bgcolor, bold=style.bold, italic=style.italic, dim=style.dim)
    return char, style


def cells(strips: list[Strip]) -> list[list[tuple[str, Style | None]]]:
    """Each line as its cells, as they look: character and style (however the segments are cut)."""
    return [[looks(char, segment.style) for segment in strip for char in segment.text if not segment.control]
            for strip in strips]


def drawn(view: DocumentView) -> list[Strip]:
    return view.render_lines(Region(0, 0, view.region.width, view.region.height))


def as_textual_draws(view: DocumentView) -> list[Strip]:
    """The same lines through Textual's own drawing of the view (its line cache emptied first)."""
    view._styles_cache.clear()
    return Widget.render_lines(view, Region(0, 0, view.region.width, view.region.height))


def shown_rows(view: DocumentView) -> list[str]:
    layout = view.layout_index
    top = view.scroll_offset.y
    height = view.scrollable_content_region.height
    return [layout.row_text(row) for row in range(top, min(top + height, layout.row_count))]


def styles_of(strips: list[Strip], text: str) -> list[Style | None]:
    return [segment.style for strip in strips for segment in strip if text in segment.text]


async def test_paging_draws_the_rows_of_each_page_as_textual_would():
    app = PaddedApp(LONG)
    async with app.run_test(size=(70, 20)) as pilot:
        view = app.query_one(DocumentView)
        view.focus()
        await pilot.pause()
        height = view.scrollable_content_region.height
        first = drawn(view)
        assert cells(first) == cells(as_textual_draws(view))
        await pilot.press("pagedown")
        await pilot.pause()
        assert view.scroll_offset.y == height  # one whole screen on
        assert view.layout_index.row_of(view.cursor) == height  # the cursor is on the new top row
        page = drawn(view)
        assert cells(page) == cells(as_textual_draws(view))
        assert [strip.text.strip() for strip in page] == [row.strip() for row in shown_rows(view)]
        await pilot.press("pageup")
        await pilot.pause()
        assert view.scroll_offset.y == 0
        assert cells(drawn(view)) == cells(first)  # the kept rows, and the cursor back on row 0
        await pilot.press("end")
        await pilot.pause()
        assert view.cursor == len(LONG)
        assert cells(drawn(view)) == cells(as_textual_draws(view))
        assert "Paragraph 0599." in "".join(strip.text for strip in drawn(view))


async def test_highlights_are_drawn_on_their_text_after_paging_and_after_a_resize():
    app = PaddedApp(LONG)
    async with app.run_test(size=(70, 20)) as pilot:
        view = app.query_one(DocumentView)
        view.focus()
        await pilot.pause()
        start = LONG.index("Paragraph 0040.")
        end = start + len("Paragraph 0040.")
        for _ in range(12):
            if view.visible_span()[1] > end:
                break
            await pilot.press("pagedown")
            await pilot.pause()
        assert view.visible_span()[0] <= start
        view.move_cursor(end + 40)  # off the highlight, whose row keeps its drawing otherwise
        await pilot.pause()
        drawn(view)  # rows drawn before the highlight was added must not be reused
        view.set_highlights([Highlight(start, end, ORANGE, "a1")])
        await pilot.pause()
        plain = view._styles.base
        lines = drawn(view)
        assert cells(lines) == cells(as_textual_draws(view))
        (style,) = set(styles_of(lines, "Paragraph 0040."))
        assert style is not None and style.bgcolor != plain.bgcolor  # painted
        assert set(styles_of(lines, "Paragraph 0041")) <= {plain, view._styles.style(False, None, False, True)}
        await pilot.resize_terminal(50, 20)
        await pilot.pause()
        await pilot.pause()
        assert view.layout_index.width == view.scrollable_content_region.width - 1
        view.scroll_to_offset(start)
        view.move_cursor(end + 40)
        await pilot.pause()
        lines = drawn(view)
        assert max(strip.cell_length for strip in lines) == view.region.width
        assert cells(lines) == cells(as_textual_draws(view))
        assert style in styles_of(lines, "Paragraph 0040.")


class TwoBooksApp(App[None]):
    """Two texts side by side, as the reading screen shows two books."""

    CSS = "Horizontal { height: 1fr; } DocumentView { width: 1fr; padding: 0 1; }"

    def __init__(self, first: str, second: str) -> None:
        super().__init__()
        self.texts = (first, second)

    def compose(self) -> ComposeResult:
        from textual.containers import Horizontal

        with Horizontal():
            for text in self.texts:
                yield DocumentView(text, reflow=False)


async def test_two_books_resized_narrower_and_back_keep_their_top_rows_and_highlights():
    # Going back to a width seen before takes the rows kept for it: they must be that width's rows.
    import reader.tui.wrapping.index as wrapping_index
    from reader.tui.wrapping import WrappedText

    second_text = "\n\n".join(f"Chapter {index:03d} line. " + " ".join(["another book's words"] * 7) for index in range(500))
    app = TwoBooksApp(LONG, second_text)
    async with app.run_test(size=(120, 24)) as pilot:
        first, second = app.query(DocumentView)
        await pilot.pause()
        places = {first: LONG.index("Paragraph 0300."), second: second_text.index("Chapter 250 line.")}
        for view, place in places.items():
            view.scroll_to_offset(place)
        start = places[first]
        first.set_highlights([Highlight(start, start + len("Paragraph 0300."), ORANGE, "a1")])
        await pilot.pause()
        for size in ((90, 24), (120, 24), (90, 24), (120, 24)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            for view, place in places.items():
                layout = view.layout_index
                assert layout.width == view.scrollable_content_region.width - 1
                kept = list(wrapping_index._RECENT)
                wrapping_index._RECENT.clear()  # a layout made anew, not one taken from those kept
                fresh = WrappedText(view.text, layout.width)
                wrapping_index._RECENT[:] = kept
                assert [layout.row_start(r) for r in range(layout.row_count)] == [
                    fresh.row_start(r) for r in range(fresh.row_count)
                ]
                top = round(view.scroll_offset.y)
                assert layout.row_start(top) <= place < layout.row_span(top)[1]  # the place read stays on the top row
                lines = drawn(view)
                assert cells(lines) == cells(as_textual_draws(view))
            (style,) = set(styles_of(drawn(first), "Paragraph 0300."))
            assert style is not None and style.bgcolor != first._styles.base.bgcolor


async def test_cursor_and_selection_over_a_soft_line_break_of_reflowed_text():
    text = hard_wrapped(PROSE)
    app = PaddedApp(text, reflow=True)
    async with app.run_test(size=(90, 24)) as pilot:
        view = app.query_one(DocumentView)
        view.focus()
        await pilot.pause()
        soft = text.index("\n")  # the first line break falls inside a paragraph: it is shown as a space
        assert text[soft + 1] != "\n"
        drawn(view)  # rows drawn before the selection must not be reused
        row, cell = view.layout_index.cell_of(soft)
        past = view.layout_index.row_start(row + 2) + 3  # a whole row selected between the ends
        view.select_span(soft - 5, past)
        await pilot.pause()
        lines = drawn(view)
        assert cells(lines) == cells(as_textual_draws(view))
        assert "\n" not in "".join(strip.text for strip in lines)
        selected = view._styles.style(False, None, True, False)
        line = cells(lines)[row - view.scroll_offset.y]
        padding = 1
        assert line[padding + cell] == looks(" ", selected)  # the break is drawn as a selected space
        chosen = "".join(
            char for line in cells(lines) for char, style in line
            if (char, style) in (looks(char, selected), looks(char, view._styles.style(False, None, True, True)))
        )
        assert chosen == text[soft - 5 : past].replace("\n", " ")
        assert view.selected_span == (soft - 5, past)
        await pilot.press("j")
        await pilot.pause()
        assert cells(drawn(view)) == cells(as_textual_draws(view))  # the selection moved with the cursor


async def test_two_books_scroll_together_when_synced(tmp_path):
    store = Store.open(tmp_path / "r.db", author="ada", clock=fixed_clock())
    first = add_document(store, LONG, title="first")
    second = add_document(store, LONG.replace("words", "lines"), title="second")
    app = MarginApp(store, document_ids=[first.id, second.id], watch_seconds=None)
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.pause()
        left, right = await focus_left_in_step(app, pilot)
        assert app.screen.deck.synced
        for _ in range(3):
            await pilot.press("pagedown")
            await pilot.pause()
        assert left.scroll_offset.y > 0 and right.scroll_offset.y > 0
        assert abs(left.scroll_offset.y / left.max_scroll_y - right.scroll_offset.y / right.max_scroll_y) < 0.01
        assert cells(drawn(right)) == cells(as_textual_draws(right))
        await pilot.press("s")
        await pilot.pause()
        assert not app.screen.deck.synced
        before = right.scroll_offset.y
        await pilot.press("pagedown")
        await pilot.pause()
        assert right.scroll_offset.y == before  # no longer follows
    store.close()



async def test_the_scroll_bar_of_a_long_text_follows_the_place_read_in_whole_cells():
    app = PaddedApp(LONG * 4)
    async with app.run_test(size=(70, 20)) as pilot:
        view = app.query_one(DocumentView)
        view.focus()
        for _ in range(200):  # a text this long is laid out whole shortly after the first frame
            if view.layout_whole:
                break
            await pilot.pause(0.02)
        await pilot.pause()
        bar = view.vertical_scrollbar

        def thumb_rows() -> list[int]:
            lines = bar.render_lines(Region(0, 0, bar.size.width, bar.size.height))
            return [y for y, line in enumerate(lines) if any(s.style is not None and s.style.reverse for s in line)]

        assert thumb_rows() == [0]
        kept = bar.render_lines(Region(0, 0, bar.size.width, bar.size.height))
        await pilot.press("pagedown")
        await pilot.pause()
        assert bar.render_lines(Region(0, 0, bar.size.width, bar.size.height)) is kept  # not a cell further: not redrawn
        await pilot.press("end")
        await pilot.pause()
        assert thumb_rows() == [bar.size.height - 1]
        view.scroll_to_offset(len(view.text) // 2)
        await pilot.pause()
        assert thumb_rows() == [(bar.size.height - 1) // 2] or thumb_rows() == [bar.size.height // 2]


#: A text of some 12,000 rows (laid out whole at once): the bar's thumb takes whole cells and a page moves it
#: less than one.
VERY_LONG = "\n\n".join(f"Line {index:05d} of a long list." for index in range(6_000))


def written(app: App[None]) -> list[tuple[int, int, int]]:
    """Start collecting what the app sends to the terminal: the (row, first column, end column) of each piece."""
    pieces: list[tuple[int, int, int]] = []
    display = app._display

    def collect(screen, update) -> None:  # type: ignore[no-untyped-def]
        pieces.extend(getattr(update, "spans", []))
        if hasattr(update, "region"):  # a whole region at once
            region = update.region
            pieces.extend((y, region.x, region.right) for y in range(region.y, region.bottom))
        display(screen, update)

    app._display = collect  # type: ignore[method-assign]
    return pieces


@asynccontextmanager
async def long_text_view() -> AsyncIterator[tuple[Pilot, App[None], DocumentView]]:
    """A long text's view, 60x20, focused and settled (laid out and drawn)."""
    app = PaddedApp(VERY_LONG)
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(DocumentView)
        view.focus()
        await pilot.pause(0.3)
        yield pilot, app, view


async def test_paging_sends_the_text_rows_and_not_the_scroll_bar_that_did_not_change():
    async with long_text_view() as (pilot, app, view):
        bar = view.vertical_scrollbar.region
        pieces = written(app)
        await pilot.press("pagedown")
        await pilot.pause()
        assert view.scroll_y > 0
        rows = {y for y, _, _ in pieces}
        assert set(range(view.region.y, view.region.bottom)) <= rows  # every text row was sent again
        # The bar's cell goes out only with a row sent whole for its own sake: the cursor's.
        assert len({y for y, x1, x2 in pieces if x1 <= bar.x < x2}) <= 2, "the scroll bar was sent again"


async def test_the_scroll_bar_thumb_follows_the_text_to_the_end_and_back():
    async with long_text_view() as (pilot, app, view):
        bar = view.vertical_scrollbar.region

        def bar_cells() -> list[tuple[object, ...]]:  # how each cell of the bar looks (not what a click on it does)
            lines = app.screen._compositor.render_update(full=True).strips  # what the terminal holds, whole
            cells = []
            for y in range(bar.y, bar.bottom):
                x = 0
                for strip in lines[y]:
                    for segment in strip:
                        if x <= bar.x < x + len(segment.text):
                            style = segment.style or Style()
                            cells.append((style.color, style.bgcolor, style.reverse))
                        x += len(segment.text)
            return cells

        top = bar_cells()
        assert top[0] != top[-1]  # the thumb is at the top
        await pilot.press("end")
        await pilot.pause()
        bottom = bar_cells()
        assert bottom[-1] == top[0] and bottom[0] == top[-1]  # and now at the bottom
        await pilot.press("home")
        await pilot.pause()
        assert bar_cells() == top


async def test_a_thumb_moving_one_cell_sends_those_cells_not_the_whole_bar():
    """Over a long text the thumb moves in whole cells: the bar's other rows are drawn the same, and not sent."""
    from reader.tui.widgets.steady_scrollbar import thumb_eighths

    async with long_text_view() as (pilot, app, view):
        scrollbar = view.vertical_scrollbar
        bar = scrollbar.region

        def thumb() -> tuple[int, int]:
            return thumb_eighths(bar.height, scrollbar.window_virtual_size, scrollbar.window_size, scrollbar.position, 1)

        pieces = written(app)
        for _ in range(200):  # page down until a page moves the thumb to the next cell
            before = thumb()
            pieces.clear()
            await pilot.press("pagedown")
            await pilot.pause()
            if thumb() != before:
                break
        assert thumb()[0] == before[0] + 1
        sent = {y for y, x1, x2 in pieces if x1 <= bar.x < x2}
        assert {bar.y + before[0], bar.y + thumb()[0]} <= sent  # the cell it left and the one it came to
        assert len(sent) <= 3, f"the bar's rows {sorted(sent)} were sent (the cursor's row may go whole)"


async def test_a_whole_cell_thumb_that_moves_is_drawn_from_kept_lines_as_textual_draws_it(monkeypatch):
    """A thumb that only moved is drawn from lines kept of each kind (track above, thumb, track below): the same
    cells, and the same click on each, as Textual's own drawing, without Textual drawing the bar again; and
    as Textual draws it while the mouse is over it (another style) and after the terminal is resized."""
    from textual.scrollbar import ScrollBar

    async with long_text_view() as (pilot, app, view):
        scrollbar = view.vertical_scrollbar
        textual_draws = ScrollBar.render_lines
        drawn_by_textual: list[Region] = []

        def noted(bar, crop):  # noqa: ANN001, ANN202
            drawn_by_textual.append(crop)
            return textual_draws(bar, crop)

        def as_textual(whole: Region) -> list[Strip]:
            """Textual's own drawing of the bar, made afresh, leaving the bar's caches as they were."""
            cache = scrollbar._styles_cache
            kept = (dict(cache._cache), set(cache._dirty_lines), scrollbar._render_cache, scrollbar._dirty_regions.copy())
            cache.clear()
            scrollbar._dirty_regions.add(whole)
            try:
                return textual_draws(scrollbar, whole)
            finally:
                cache.clear()
                cache._cache.update(kept[0])
                cache._dirty_lines.update(kept[1])
                scrollbar._render_cache = kept[2]
                scrollbar._dirty_regions.clear()
                scrollbar._dirty_regions.update(kept[3])

        async def check(step: str) -> None:
            await pilot.pause()
            whole = Region(0, 0, scrollbar.size.width, scrollbar.size.height)
            lines = scrollbar.render_lines(whole)
            assert [list(line) for line in lines] == [list(line) for line in as_textual(whole)], f"after {step}"

        monkeypatch.setattr(ScrollBar, "render_lines", noted)
        for index, key in enumerate(["end", "pageup", "end", "pageup", "end", "pageup", "pageup", "home", "pagedown"]):
            await pilot.press(key)
            await check(key)
            if index == 3:
                drawn_by_textual.clear()  # each kind of row has been drawn once by now
        assert drawn_by_textual == [], "the bar was drawn again by Textual though only its thumb moved"
        # The mouse over the bar draws it in another style: the thumb moving then is drawn as Textual draws it.
        await pilot.hover(offset=(scrollbar.region.x, scrollbar.region.y + 3))
        await check("hovering")
        for key in ("end", "pageup", "home", "pagedown"):
            await pilot.press(key)
            await check(f"{key} while hovering")
        await pilot.hover(offset=(2, 2))
        await check("leaving")
        await pilot.resize_terminal(70, 26)
        await pilot.pause(0.2)
        for key in ("end", "pageup", "home", "pagedown"):
            await pilot.press(key)
            await check(f"{key} after a resize")


async def test_a_click_on_the_track_pages_towards_the_thumb_after_the_thumb_moved():
    """A row the thumb passed over is drawn again though it looks the same: a click there pages the right way."""
    async with long_text_view() as (pilot, app, view):
        await pilot.press("end")
        await pilot.pause()
        at_end = view.scroll_y
        scrollbar = view.vertical_scrollbar
        await pilot.click(offset=(scrollbar.region.x, scrollbar.region.y + 5))  # above the thumb, now at the bottom
        await pilot.pause()
        assert view.scroll_y < at_end


def while_drawing_ahead(monkeypatch) -> list[bool]:  # noqa: ANN001
    """A flag, true while a view draws the screens around its own ahead (``TextCanvas._draw_ahead``)."""
    from reader.tui.widgets.text_canvas import TextCanvas

    ahead = [False]
    draw_ahead = TextCanvas._draw_ahead

    def marked_ahead(self, *args):  # noqa: ANN001, ANN002, ANN202
        ahead[0] = True
        try:
            return draw_ahead(self, *args)
        finally:
            ahead[0] = False

    monkeypatch.setattr(TextCanvas, "_draw_ahead", marked_ahead)
    return ahead


async def test_the_screens_around_are_drawn_ahead_so_paging_to_them_draws_and_divides_nothing_new(monkeypatch):
    """A moment after a frame the view draws the screen below and the one above, and divides their lines as
    Textual's compositor will: a page either way then draws one row anew (the cursor's) and divides none."""
    from rich.segment import Segment

    from reader.tui.widgets.row_render import RowPainter

    ahead = while_drawing_ahead(monkeypatch)
    drawn_rows: list[int] = []  # rows drawn, and lines divided, for the frame: not ahead of it
    divided: list[int] = []
    row_segments, divide = RowPainter.row_segments, Segment.divide

    def counted_rows(self, row, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if not ahead[0]:
            drawn_rows.append(row)
        return row_segments(self, row, *args, **kwargs)

    def counted_divide(segments, cuts):  # noqa: ANN001, ANN202
        if not ahead[0]:
            divided.append(1)
        return divide(segments, cuts)

    monkeypatch.setattr(RowPainter, "row_segments", counted_rows)
    monkeypatch.setattr(Segment, "divide", staticmethod(counted_divide))
    async with long_text_view() as (pilot, app, view):
        height = view.size.height
        for key in ("pagedown", "pagedown", "end", "pageup", "pageup"):
            await pilot.pause(0.1)  # the screens around are drawn a moment after the frame
            drawn_rows.clear()
            divided.clear()
            top = view.scroll_offset.y
            await pilot.press(key)
            await pilot.pause()
            assert view.scroll_offset.y != top
            if key != "end":  # a jump lands where nothing was drawn ahead
                assert len(drawn_rows) <= 1, f"{key}: {len(drawn_rows)} rows drawn anew"
                assert len(divided) < height // 2, f"{key}: {len(divided)} lines divided anew"


async def test_a_long_texts_opening_is_not_drawn_ahead_only_its_whole_layout_is(monkeypatch):
    """Rows drawn from the opening window are all drawn anew when the whole layout comes in: none is drawn ahead
    before it (a book's launch would hold them at its peak of memory for nothing), and the screens around are after."""
    from reader.tui.widgets.later_layout import LATER_CHARS
    from reader.tui.widgets.row_render import RowPainter

    text = "\n\n".join(f"Line {index:06d} of a longer list, past the opening window." for index in range(5_000))
    assert len(text) > LATER_CHARS
    ahead = while_drawing_ahead(monkeypatch)
    drawn_ahead: list[tuple[bool, int]] = []  # (whole layout in, row) of each row drawn ahead
    row_segments = RowPainter.row_segments

    def counted_rows(self, row, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if ahead[0]:
            drawn_ahead.append((view.layout_whole, row))
        return row_segments(self, row, *args, **kwargs)

    monkeypatch.setattr(RowPainter, "row_segments", counted_rows)
    app = PaddedApp(text)
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(DocumentView)
        for _ in range(200):
            await pilot.pause(0.02)
            if view.layout_whole:
                break
        await pilot.pause(0.1)
        assert view.layout_whole and drawn_ahead, "the screens around were not drawn once the whole layout came in"
        assert all(whole for whole, _ in drawn_ahead), "rows of the opening window were drawn ahead"
