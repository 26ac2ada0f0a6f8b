"""A table filled while the app runs shows every cell whole, even when a frame is drawn before it goes idle."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region

from reader.tui.widgets.measured_table import MeasuredTable

ROWS = [
    (Text("Theme/a tag with a long name"), "-0.103", "3"),
    (Text("all tags", style="bold"), "0.203", "12"),
]


class TableApp(App[None]):
    CSS = "MeasuredTable { height: 1fr; }"  # a size the rows do not change, as in the reader's screens

    def compose(self) -> ComposeResult:
        yield MeasuredTable()

    def on_mount(self) -> None:
        self.query_one(MeasuredTable).add_columns("Tag", "α", "Spans")


def lines(table: MeasuredTable) -> list[str]:
    return [strip.text for strip in table.render_lines(Region(0, 0, table.size.width, table.size.height))]


async def test_a_frame_drawn_between_the_rows_and_the_idle_pass_is_not_kept_at_the_old_widths():
    """Textual sizes columns without a width when the table next goes idle and keeps the lines drawn before
    under the same key; the agreement screen showed 'all' for 'all tags' until the cursor moved."""
    app = TableApp()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(MeasuredTable)
        table.refill(("Tag", "α", "Spans"), ROWS)
        lines(table)  # a frame drawn at once, before the table's idle pass
        await pilot.pause()
        shown = "\n".join(lines(table))
        assert "Theme/a tag with a long name" in shown and "all tags" in shown, shown
        assert "-0.103" in shown and "12" in shown, shown


async def test_refill_replaces_columns_rows_and_keys_and_reads_no_markup():
    app = TableApp()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(MeasuredTable)
        table.refill(("Tag", "α", "Spans"), ROWS, keys=["a", "b"])
        table.refill(("Name", "Count"), [("[b]not bold[/b]", "1")], keys=["x"])
        await pilot.pause()
        assert [column.label.plain for column in table.columns.values()] == ["Name", "Count"]
        assert table.row_count == 1 and table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == "x"
        assert "[b]not bold[/b]" in "\n".join(lines(table))
