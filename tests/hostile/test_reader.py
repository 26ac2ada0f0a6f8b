"""The reader with hostile text everywhere: nothing drawn carries a control; a failure exits non-zero with a log."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.geometry import Region
from textual.widgets import DataTable, Static

from annotations.anchoring import anchor_span
from annotations.store import Store
from annotations.terminal import HIDDEN_CODES
from reader.tui.app import MarginApp
from reader.tui.reading import ReadingScreen
from reader.tui.screens.library import LibraryScreen

from .conftest import TEXT
from .harness import HOSTILE

SIZE = (120, 40)


def drawn(app: MarginApp) -> list[str]:
    """The text of every line every visible widget of the screen draws, after the app's line filters."""
    lines: list[str] = []
    for widget in [app.screen, *app.screen.walk_children()]:
        if not widget.display or widget.size.area == 0:
            continue
        region = Region(0, 0, widget.size.width, widget.size.height)
        try:
            strips = widget.render_lines(region)
        except Exception:  # noqa: BLE001 - a widget between layouts; the compositor's view is checked below
            continue
        lines.extend("".join(segment.text for segment in strip if not segment.control) for strip in strips)
    update = app.screen._compositor.render_update(full=True)  # what goes to the terminal, whole
    for line in update.strips:  # each line is a run of strips, side by side
        lines.append("".join(segment.text for strip in line for segment in strip if not segment.control))
    return lines


def assert_drawn_clean(app: MarginApp, expect: str = "Title") -> None:
    lines = drawn(app)
    bad = {hex(ord(ch)) for line in lines for ch in line if ord(ch) in HIDDEN_CODES and ch not in "\n"}
    assert not bad, bad
    assert any(expect in line for line in lines), f"{expect!r} is not on screen:\n" + "\n".join(lines)


@pytest.fixture
def store(hostile_db) -> Store:
    opened = Store.open(hostile_db, author="ada")
    yield opened
    opened.close()


async def test_library_screen_and_library_search_draw_no_controls(store):
    app = MarginApp(store, watch_seconds=None)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert_drawn_clean(app)
        await pilot.press("S")
        await pilot.pause()
        await pilot.press(*"words", "enter")
        await pilot.pause(0.3)
        assert_drawn_clean(app, "words")
        app.notify(f"notice {HOSTILE}", title=f"T {HOSTILE}")
        await pilot.pause(0.5)
        assert_drawn_clean(app, "notice")


async def test_reading_screen_panel_contents_and_tag_picker_draw_no_controls(store):
    document = store.documents.all()[0]
    app = MarginApp(store, document_ids=[document.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReadingScreen)
        await pilot.press("p")  # the annotations panel: quote, tags, note
        await pilot.pause()
        assert_drawn_clean(app, "note")
        app.screen.panes[0].view.focus()  # type: ignore[attr-defined]
        await pilot.press("t")  # contents
        await pilot.pause()
        assert not isinstance(app.screen, ReadingScreen)
        assert_drawn_clean(app)
        await pilot.press("escape")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReadingScreen)
        pane = screen.panes[0]
        pane.view.focus()
        pane.view.move_cursor(TEXT.index("words"))
        await pilot.press("v", "l", "l", "a")  # select and open the tag picker
        await pilot.pause()
        assert_drawn_clean(app, "Theme/x")


async def test_a_read_only_library_says_so_in_the_reader(hostile_db, monkeypatch):
    from annotations.store import connection

    monkeypatch.setattr(connection, "_cannot_write", lambda path: True)
    with Store.open(hostile_db, author="ada") as store:
        assert store.read_only
        app = MarginApp(store, watch_seconds=None)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert any("read-only" in str(n.message) for n in app._notifications)
            assert isinstance(app.screen, LibraryScreen)


class _Failing(MarginApp):
    def on_mount(self) -> None:
        raise ZeroDivisionError("a bug in the reader")


def test_an_unexpected_failure_in_the_reader_is_one_line_naming_a_log(hostile_db, tmp_path, monkeypatch):
    from reader.tui import app as app_module

    monkeypatch.setenv("MARGIN_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setattr(app_module, "MarginApp", _Failing)
    run = MarginApp.run
    monkeypatch.setattr(MarginApp, "run", lambda self, **kw: run(self, headless=True, size=SIZE))
    result = CliRunner().invoke(__import__("reader.cli", fromlist=["cli"]).cli, ["--db", str(hostile_db), "library"])
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 1, result.output
    assert len(lines) == 1 and "unexpected error (ZeroDivisionError)" in lines[0], result.output
    log = Path(lines[0].rsplit(" ", 1)[1])
    assert log.parent == tmp_path / "logs" and "a bug in the reader" in log.read_text(encoding="utf-8")
    assert "Traceback" not in result.output


def test_an_unexpected_failure_in_a_command_is_one_line_naming_a_log(hostile_db, tmp_path, monkeypatch):
    from annotations.store.documents import DocumentRepo
    from reader.cli import cli

    monkeypatch.setenv("MARGIN_LOG_DIR", str(tmp_path / "logs"))

    def broken(self):
        raise KeyError("a bug")

    monkeypatch.setattr(DocumentRepo, "all", broken)
    result = CliRunner().invoke(cli, ["--db", str(hostile_db), "docs"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.startswith("Error: margin stopped on an unexpected error (KeyError); the details are in")
    assert anchor_span  # (imported for the fixture's text)


async def test_the_entity_screen_draws_no_controls(store):
    document = store.documents.all()[0]
    app = MarginApp(store, document_ids=[document.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.panes[0].view.focus()  # type: ignore[attr-defined]
        await pilot.press("T")
        await pilot.pause(0.3)
        assert not isinstance(app.screen, ReadingScreen)
        assert_drawn_clean(app, "Eve")
        await pilot.press("enter")  # the entity's mentions, or its detail
        await pilot.pause(0.3)
        assert_drawn_clean(app, "Eve")


async def test_comparing_layers_under_hostile_names_draws_no_controls(store):
    document = store.documents.all()[0]
    text = store.documents.text(document.version_id)
    evil = f"Bo{HOSTILE}\nsecond line"
    store.as_author(evil).annotations.create(document, anchor_span(text, 0, 12), tags=["Theme/y"])
    layers = (store.annotations.list()[0].author, evil)
    app = MarginApp(store, document_ids=[document.id, document.id], layers=layers, watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        assert_drawn_clean(app, "Bo")
        await pilot.press("]")  # the next place they differ, named in the status line
        await pilot.pause(0.3)
        assert_drawn_clean(app, "Bo")
        await pilot.press("ctrl+l")  # the layers to choose from, by author
        await pilot.pause(0.3)
        assert not isinstance(app.screen, ReadingScreen)
        assert_drawn_clean(app, "Bo")


async def test_the_agreement_screen_draws_no_controls(store):
    document = store.documents.all()[0]
    text = store.documents.text(document.version_id)
    store.as_author(f"Bo{HOSTILE}\nsecond line").annotations.create(document, anchor_span(text, 0, 12), tags=["Theme/y"])
    app = MarginApp(store, watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("A")
        for _ in range(100):  # the figures are measured on a worker: up to 10 s on a loaded machine
            await pilot.pause(0.1)
            if any("all tags" in line for line in drawn(app)):
                break
        assert not isinstance(app.screen, LibraryScreen)
        summary = app.screen.query_one("#summary", Static)
        table = app.screen.query_one(DataTable)
        workers = [(worker.name, worker.state.name, worker.error) for worker in app.workers]
        # Should the figures not come, say what the screen and its table hold, where the worker is
        # and whether the app still runs (an error elsewhere stops it, leaving the last frame).
        assert any("all tags" in line for line in drawn(app)), (
            str(summary.render()), workers, app._exception, app.is_running,
            table.row_count, table.size, table.virtual_size, "\n".join(drawn(app)),
        )
        assert_drawn_clean(app, "all tags")
