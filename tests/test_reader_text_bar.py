"""A pane's title and status bars draw their rows themselves: the same cells as Textual's own drawing of them, in
every state they have; long lines wrap onto the rows later lines do not need, and end in an ellipsis."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widget import Widget

from annotations.store import Store
from reader.tui.app import MarginApp
from reader.tui.widgets.text_bar import TextBar

from annotations.anchoring import anchor_span

from .conftest import add_document, fixed_clock
from .test_reader_paging import cells as styled_cells

LONG_TITLE = "Notice of Temporary Closure: Eastquay Harbour Footbridge and the Ferry Steps Beside It"


def cells(strips: list) -> list:
    """Each line's cells as they look (Textual's own drawing adds each cell's offset, for mouse selection)."""
    return [[(char, style.clear_meta_and_links() if style is not None else None) for char, style in line]
            for line in styled_cells(strips)]


def _as_textual_draws(bar: TextBar) -> list:
    bar._styles_cache.clear()
    return Widget.render_lines(bar, Region(0, 0, bar.region.width, bar.region.height))


def _drawn(bar: TextBar) -> list:
    return bar.render_lines(Region(0, 0, bar.region.width, bar.region.height))


async def test_the_title_bar_draws_as_textual_would_in_every_pane_state(tmp_path):
    store = Store.open(tmp_path / "library.db", author="ada", clock=fixed_clock())
    text = "Chapter 1\n\n" + "The ferry steps were closed on Tuesday. " * 200
    first = add_document(store, text=text, title=LONG_TITLE)
    note = "Closed for repairs to the steps, which the harbour master found unsafe after the storm of March. " * 2
    store.annotations.create(first, anchor_span(text, 0, 9), tags=("Place:Ferry steps",), note=note)
    second = add_document(store, text=text.replace("ferry", "bridge"), title="Harbour Bridge")
    app = MarginApp(store, document_ids=[first.id, second.id], watch_seconds=None)
    async with app.run_test(size=(120, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        states = []
        # On a highlight with a long note, further in, synced, the other pane active.
        for keys in ((), ("pagedown",), ("s",), ("tab",)):
            await pilot.press(*keys)
            await pilot.pause()
            for pane in app.screen.panes:
                for bar in pane.query(TextBar):  # the title and the status
                    assert cells(_drawn(bar)) == cells(_as_textual_draws(bar)), (keys, str(bar.render()))
                states.append(str(pane.query_one(".pane-title", TextBar).render()))
        assert any("⇅" in state for state in states) and any(state.startswith("▶") for state in states)
        # A title longer than its bar ends in an ellipsis, whole words or not.
        assert any(state.endswith("…") for state in states)
        app.theme = "textual-light"  # another theme
        await pilot.pause()
        for pane in app.screen.panes:
            for bar in pane.query(TextBar):
                assert cells(_drawn(bar)) == cells(_as_textual_draws(bar))
    store.close()


class Bars(App[None]):
    CSS = """
    TextBar { height: 1; padding: 0 2; background: $panel; color: $text-muted; text-style: bold; }
    TextBar.boxed { height: 3; border: round $accent; }
    TextBar.two { height: 2; }
    """

    def compose(self) -> ComposeResult:
        yield TextBar("plain", id="plain")
        yield TextBar("in a box", id="boxed", classes="boxed")
        yield TextBar("", id="two", classes="two")


async def test_a_new_title_is_drawn_and_a_bar_with_more_than_padding_is_drawn_by_textual():
    app = Bars()
    async with app.run_test(size=(40, 10)) as pilot:
        plain = app.query_one("#plain", TextBar)
        title = Text("▶ ", style="bold")
        title.append(" 42% ", style="dim not bold")
        title.append("Emma", style="bold")
        plain.show(title)
        await pilot.pause()
        drawn = _drawn(plain)
        assert "".join(segment.text for segment in drawn[0]).strip() == "▶  42% Emma"
        assert cells(drawn) == cells(_as_textual_draws(plain))
        boxed = app.query_one("#boxed", TextBar)
        assert cells(_drawn(boxed)) == cells(_as_textual_draws(boxed))
        assert "in a box" in "".join(segment.text for segment in _drawn(boxed)[1])


async def test_a_title_holding_terminal_controls_reaches_the_screen_without_them(tmp_path):
    """A document's title is untrusted: escape sequences, C1 controls and bidi overrides in it never reach the
    terminal from the title bar (the app's terminal filter runs on the bar's own drawing too)."""
    from annotations.terminal import has_hidden

    store = Store.open(tmp_path / "library.db", author="ada", clock=fixed_clock())
    hostile = "Minutes\x1b[2J\x1b]0;owned\x07 of the \x9b31m council\u202e meeting\x08"
    document = add_document(store, text="The council met on Tuesday.\n\n" * 40, title=hostile)
    app = MarginApp(store, document_ids=[document.id], watch_seconds=None)
    async with app.run_test(size=(100, 20)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        bar = app.screen.panes[0].query_one(TextBar)
        row = "".join(segment.text for segment in _drawn(bar)[0] if not segment.control)
        assert "Minutes" in row and "meeting" in row
        assert not has_hidden(row), repr(row)
        whole = app.screen._compositor.render_update(full=True).strips  # what the terminal is sent, whole
        assert not any(
            has_hidden(segment.text) for line in whole for strip in line for segment in strip if not segment.control
        )
    store.close()


async def test_long_lines_wrap_onto_the_rows_later_lines_do_not_need_and_end_in_an_ellipsis():
    app = Bars()
    async with app.run_test(size=(40, 10)) as pilot:
        bar = app.query_one("#two", TextBar)

        async def rows(text: str) -> list[str]:
            bar.show(Text(text))
            await pilot.pause()
            drawn = _drawn(bar)
            assert cells(drawn) == cells(_as_textual_draws(bar))
            return ["".join(segment.text for segment in line).strip() for line in drawn]

        # 36 cells of room (40 less the padding): one line too long for one row takes both, broken at a word.
        short = "The bridge is safe, the engineer said on Tuesday morning."
        wrapped = await rows(short)
        assert " ".join(wrapped) == short and all(len(row) <= 36 for row in wrapped) and wrapped[1]
        # Too long for both: its second row ends in an ellipsis.
        long = "The bridge is safe, the engineer said on Tuesday morning, and the ferry runs again from May."
        second = (await rows(long))[1]
        assert second.startswith("said on Tuesday") and second.endswith("…") and len(second) <= 36
        # Two lines: each keeps a row of its own, the first cut short rather than wrapped over the second.
        first, then = await rows(long + "\nselected 12 characters")
        assert first.startswith("The bridge is safe") and first.endswith("…")
        assert then == "selected 12 characters"
        # Wide characters are cut whole: no half-character gap before the ellipsis.
        wide = "东码头港口人行天桥临时关闭通知" * 6
        cut = (await rows(wide))[1]
        assert cut.endswith("…") and not cut.endswith(" …") and cell_len(cut) <= 36
        # A third line has no row: not drawn.
        assert await rows("one\ntwo\nthree") == ["one", "two"]
        # A note written without spaces goes on on the row its tag starts (not moved whole to the next),
        # broken between characters, never before closing punctuation.
        note = "● 通告  东码头港口人行天桥临时关闭，通知市民改道。  — ada"
        first, second = await rows(note)
        assert first.startswith("● 通告  东码头") and cell_len(first) >= 34, first
        assert (first + second).replace(" ", "") == note.replace(" ", "")  # every character, in order


def test_rows_of_chinese_and_japanese_never_start_with_closing_nor_end_with_opening_punctuation():
    from reader.tui.widgets.text_bar import _row_spans
    from reader.tui.wrapping.clusters import NO_ROW_END as _NO_END, NO_ROW_START as _NO_START

    for text in ("「引用」と書いた。それから、「次」へ。", "东码头港口（人行天桥）临时关闭，通知市民改道。"):
        for width in range(8, 31):  # (narrower, a row may have no break it may take: it is cut at the width)
            rows = [text[start:end] for start, end in _row_spans(text, width)]
            assert "".join(rows) == text
            assert all(cell_len(row) <= width for row in rows), (width, rows)
            assert not any(row[0] in _NO_START for row in rows[1:]), (width, rows)
            assert not any(row[-1] in _NO_END for row in rows[:-1]), (width, rows)
