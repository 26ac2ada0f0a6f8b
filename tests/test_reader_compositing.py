"""The reading screen's frames: the sparing compositor shows exactly what Textual's own would, with less work.

``reader/tui/compositing.py`` skips rendering and dividing the widgets whose
every piece in a frame is hidden. These tests hold its frames to Textual's own
compositor's, piece by piece, on the screens a reader meets (one book, two
side by side, the panel and the search box open, two layers compared, a
narrow terminal): whole frames line by line, and the partial ones keys make by
the bytes written to the terminal; and they check that a page key no longer
renders the containers behind the text, nor, with two books, the other pane.
"""

from __future__ import annotations

import random

from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from annotations.anchoring import anchor_span
from annotations.store import Store
from reader.tui.app import MarginApp
from reader.tui.compositing import SparingCompositor
from reader.tui.widgets.text_canvas import TextCanvas
from reader.tui.widgets.title_bar import TitleBar

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
        monkeypatch.setattr(TitleBar, "render_lines", noting(TitleBar.render_lines))
        left, right = app.screen.panes
        before = left.view.scroll_offset.y
        await pilot.press("pagedown")
        await pilot.pause()
        assert left.view.scroll_offset.y > before
        # The title bar changed and is drawn; the screen, the deck and the pane behind the text, the status
        # and key bars below it, and the other pane, are not (Textual's own compositor renders them all).
        names = {type(widget).__name__ for widget in rendered}
        assert "TitleBar" in names
        assert not {"ReadingScreen", "PaneDeck", "KeyBar"} & names, names
        assert left.view in rendered
        assert not any(widget is right or right in widget.ancestors for widget in rendered), rendered
