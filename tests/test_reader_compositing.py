"""The reading screen's frames: the sparing compositor shows exactly what Textual's own would, with less work.

``reader/tui/compositing.py`` skips rendering and dividing the widgets whose
every piece in a frame is hidden. These tests hold its frames to Textual's own
compositor's, piece by piece, on the screens a reader meets (one book, two
side by side, the panel and the search box open, two layers compared, a
narrow terminal): whole frames line by line, and the partial ones keys make by
the bytes written to the terminal, less the cursor moves that write nothing;
and they check that a page key no longer renders the containers behind the
text (nor the pane whose edge is beside it), nor, with two books, the other pane.
"""

from __future__ import annotations

import random
import re

from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from annotations.anchoring import anchor_span
from annotations.store import Store
from reader.tui.app import MarginApp
from reader.tui.compositing import SparingCompositor
from reader.tui.widgets.text_canvas import TextCanvas
from reader.tui.widgets.text_bar import TextBar

from .conftest import add_document, fixed_clock

PARAGRAPH = "Elizabeth walked on to Pemberley, and the housekeeper showed the rooms. " * 3 + "\n\n"
TEXT = "Chapter 1\n\n" + PARAGRAPH * 60


def _library(tmp_path) -> tuple[Store, list[str]]:
    store = Store.open(tmp_path / "library.db", author="ada", clock=fixed_clock())
    first = add_document(store, text=TEXT, title="Pride and Prejudice")
    second = add_document(store, text=TEXT.replace("Elizabeth", "Élisabeth"), title="Orgueil et préjugés")
    for start in range(20, len(TEXT) - 400, 900):
        store.annotations.create(first, anchor_span(TEXT, start, start + 120), tags=("Place:Pemberley",), note="seen")
    bo = store.as_author("bo")
    for start in range(60, len(TEXT) - 400, 1300):
        bo.annotations.create(first, anchor_span(TEXT, start, start + 80), tags=("Theme/Pride",))
    return store, [first.id, second.id]


def _same_frames(app: MarginApp, compositor: Compositor, seed: int) -> None:
    """Whole frames from the sparing compositor are Textual's line by line, and partial ones byte for byte."""
    assert isinstance(compositor, SparingCompositor)
    width, height = compositor.size
    whole = Region(0, 0, width, height)
    ours = compositor._render_chops(whole, lambda y: True)
    textuals = Compositor._render_chops(compositor, whole, lambda y: True)
    assert [list(Strip.join(line.values())) for line in ours] == [list(Strip.join(line.values())) for line in textuals]
    # The partial frames keys make: a widget's region (the text, the title, the status, the key bar)...
    updates: list[list[Region]] = []
    for widget, (region, clip) in compositor.visible_widgets.items():
        shown = region.intersection(clip)
        if shown.width and shown.height:
            updates.append([shown])
    # ...and regions apart on the screen, as a page key's title row, text and scroll bar cells are.
    chance = random.Random(seed)
    for _ in range(12):
        regions = []
        for _ in range(chance.randint(1, 4)):
            x, y = chance.randrange(width), chance.randrange(height)
            regions.append(Region(x, y, chance.randint(1, width - x), chance.randint(1, height - y)))
        updates.append(regions)
    console = app.console
    for regions in updates:
        crop = Region.from_union(regions).intersection(whole)
        spans = list(compositor._regions_to_spans(regions))
        rows = {y for y, _, _ in spans}.__contains__
        chop_ends = [cut_set[1:] for cut_set in compositor.cuts]
        ours = ChopsUpdate(compositor._render_chops(crop, rows), spans, chop_ends).render_segments(console)
        textuals = ChopsUpdate(Compositor._render_chops(compositor, crop, rows), spans, chop_ends).render_segments(console)
        assert ours == textuals, f"the frame written differs for {regions}"
        # The partial frame itself leaves out only the cursor moves that write nothing.
        compositor._dirty_regions.clear()
        compositor._dirty_regions.update(regions)
        partial = compositor.render_partial_update()
        assert partial is not None and not compositor._dirty_regions
        assert _written(partial.render_segments(console)) == _written(textuals), f"the frame written differs for {regions}"


#: A cursor move straight followed by another, a new line or the frame's end: it writes nothing.
_NO_OP_MOVE = re.compile(r"\x1b\[\d+;\d+H(?=\x1b\[\d+;\d+H|\n|$)")


def _written(frame: str) -> str:
    """What a frame puts on the screen: the frame without its cursor moves that write nothing."""
    return _NO_OP_MOVE.sub("", frame)


async def test_frames_are_textuals_on_the_screens_a_reader_meets(tmp_path):
    store, ids = _library(tmp_path)
    app = MarginApp(store, document_ids=ids, watch_seconds=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        compositor = app.screen._compositor
        _same_frames(app, compositor, 1)
        await pilot.press("pagedown", "j", "v", "j", "j")  # a selection, on a highlight or two
        await pilot.pause()
        _same_frames(app, compositor, 2)
        await pilot.press("p")  # the annotations panel beside the panes
        await app.workers.wait_for_complete()
        await pilot.pause()
        _same_frames(app, compositor, 3)
        await pilot.press("p", "slash")  # the search box over the pane's foot
        await pilot.pause()
        _same_frames(app, compositor, 4)
        await pilot.press("escape")
        await pilot.resize_terminal(61, 20)  # narrow: the panes, their bars and the key bar cut short
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        _same_frames(app, app.screen._compositor, 5)


async def test_frames_are_textuals_when_two_layers_are_compared(tmp_path):
    store, ids = _library(tmp_path)
    app = MarginApp(store, document_ids=[ids[0], ids[0]], layers=("ada", "bo"), watch_seconds=None)
    async with app.run_test(size=(140, 30)) as pilot:
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        _same_frames(app, app.screen._compositor, 6)
        await pilot.press("right_square_bracket", "pagedown")
        await pilot.pause()
        _same_frames(app, app.screen._compositor, 7)


async def test_a_page_key_renders_the_text_and_title_not_the_widgets_behind_them_nor_the_other_pane(
    tmp_path, monkeypatch
):
    store, ids = _library(tmp_path)
    app = MarginApp(store, document_ids=ids, watch_seconds=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("pagedown", "pageup")  # both panes laid out whole, titles and all
        await pilot.pause(0.3)
        rendered: list[Widget] = []

        def noting(render_lines):  # noqa: ANN001, ANN202
            def noted(widget: Widget, crop: Region):  # noqa: ANN202
                rendered.append(widget)
                return render_lines(widget, crop)

            return noted

        monkeypatch.setattr(Widget, "render_lines", noting(Widget.render_lines))
        monkeypatch.setattr(TextCanvas, "render_lines", noting(TextCanvas.render_lines))
        monkeypatch.setattr(TextBar, "render_lines", noting(TextBar.render_lines))
        left, right = app.screen.panes
        before = left.view.scroll_offset.y
        await pilot.press("pagedown")
        await pilot.pause()
        assert left.view.scroll_offset.y > before
        # The title bar changed and is drawn; the screen, the deck and the pane behind the text, the status
        # and key bars below it, and the other pane, are not (Textual's own compositor renders them all).
        names = {type(widget).__name__ for widget in rendered}
        assert "TextBar" in names
        assert not {"ReadingScreen", "PaneDeck", "KeyBar"} & names, names
        # Nor the pane, whose edge beside the text Textual's frame moves the cursor to and writes nothing of.
        assert left not in rendered
        assert left.view in rendered
        assert not any(widget is right or right in widget.ancestors for widget in rendered), rendered


def test_a_textual_whose_rendering_loop_has_moved_keeps_its_own_compositor(monkeypatch):
    from reader.tui import compositing

    assert compositing._knows_textual()  # the Textual this suite runs with
    assert isinstance(compositing.sparing_compositor(), SparingCompositor)

    def moved(self, crop, is_rendered_line, screen_stack):  # noqa: ANN001, ANN202
        return []

    monkeypatch.setattr(Compositor, "_render_chops", moved)
    assert not compositing._knows_textual()


class Terminal:
    """A grid of cells holding what the app has sent, whole frames and partial ones, as a terminal would."""

    def __init__(self, app: MarginApp) -> None:
        from textual._compositor import CompositorUpdate

        self.app = app
        self.grid: list[list[tuple[str, str]]] = []
        display = app._display

        def sent(screen, update) -> None:  # noqa: ANN001
            if isinstance(update, CompositorUpdate):
                self._apply(update)
            display(screen, update)

        app._display = sent  # type: ignore[method-assign]

    @staticmethod
    def _cells(text: str, style) -> list[tuple[str, str]]:  # noqa: ANN001
        from rich.cells import cell_len

        look = str(style.clear_meta_and_links()) if style is not None else ""
        cells = []
        for char in text:
            cells.append((char, look))
            cells.extend(("", look) for _ in range(cell_len(char) - 1))  # a wide character's second cell
        return cells

    def _apply(self, update) -> None:  # noqa: ANN001
        from rich.segment import ControlType

        width, height = self.app.size
        if len(self.grid) != height or any(len(row) != width for row in self.grid):
            self.grid = [[("?", "")] * width for _ in range(height)]
        x = y = 0
        for segment in update.__rich_console__(self.app.console, self.app.console.options):
            if segment.control:
                for control in segment.control:
                    if control[0] == ControlType.CURSOR_MOVE_TO:
                        x, y = control[1], control[2]
                continue
            if segment.text == "\n":
                continue
            for cell in self._cells(segment.text, segment.style):
                if 0 <= y < height and 0 <= x < width:
                    self.grid[y][x] = cell
                x += 1

    def differs_from_textual(self) -> list[str]:
        """Rows where what was sent differs from the whole screen drawn now by Textual's own compositor."""
        compositor = self.app.screen._compositor
        chops = Compositor._render_chops(compositor, compositor.size.region, lambda y: True)
        differing = []
        for y, (sent_row, line) in enumerate(zip(self.grid, chops)):
            whole = [cell for strip in line.values() for s in strip if not s.control for cell in self._cells(s.text, s.style)]
            if sent_row != whole[: len(sent_row)]:
                differing.append(f"row {y}: sent {''.join(c for c, _ in sent_row)!r}")
        return differing


async def test_what_the_terminal_holds_after_partial_frames_is_textuals_whole_screen(tmp_path):
    """Frame after frame (pages, a notification over the text, the panel, the command palette over the screen,
    the mouse over the scroll bar, a resize), the cells the terminal holds are Textual's whole screen."""
    store, ids = _library(tmp_path)
    app = MarginApp(store, document_ids=ids, watch_seconds=None)
    async with app.run_test(size=(110, 30), notifications=True) as pilot:
        terminal = Terminal(app)
        await app.workers.wait_for_complete()
        await pilot.resize_terminal(111, 30)  # a whole frame into the terminal first
        await pilot.pause(0.2)

        async def settled(step: str) -> None:
            for _ in range(3):
                await pilot.pause(0.05)
            assert terminal.differs_from_textual() == [], f"after {step}"

        await settled("the first frame")
        for step in ("pagedown", "pagedown", "end", "pageup", "tab", "pagedown", "j", "v", "j", "escape", "home"):
            await pilot.press(step)
            await settled(step)
        app.notify("Exported 12 annotations to notes.md")
        await settled("a notification")
        assert any("Exported 12" in "".join(c for c, _ in row) for row in terminal.grid)
        await pilot.press("pagedown", "pageup")
        await settled("paging under the notification")
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await settled("the panel")
        await pilot.press("p")
        await settled("the panel closed")
        await pilot.press("ctrl+p")
        await settled("the command palette")
        await pilot.press("escape")
        await settled("the palette closed")
        view = app.screen.panes[0].view
        await pilot.hover(offset=(view.vertical_scrollbar.region.x, view.vertical_scrollbar.region.y + 2))
        await settled("the mouse over the scroll bar")
        await pilot.press("pagedown")
        await settled("paging under the mouse")
        await pilot.hover(offset=(5, 5))
        await pilot.resize_terminal(90, 26)
        await pilot.pause(0.3)
        await settled("a resize")
        await pilot.press("end")
        await settled("end after the resize")
