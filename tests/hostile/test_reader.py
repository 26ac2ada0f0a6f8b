"""The reader with hostile text everywhere: nothing drawn carries a control nor is read as markup; a failure
exits non-zero with a log.

Each flow runs twice: on a library whose every string holds terminal controls,
and on one whose every string holds markup. Read as markup (Textual reads it
in notifications, border titles, options and table cells), a title holding
``[/x]`` stopped the reader with an error, ``[@click=…]`` made an action of a
click and ``[link=…]`` a hyperlink; every frame is held to the reader still
running, no drawn cell carrying such an action or link, and the brackets on
screen as typed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.segment import Segment
from textual.geometry import Region
from textual.widgets import DataTable, Static

from annotations.anchoring import anchor_span
from annotations.store import Store
from annotations.terminal import HIDDEN_CODES
from reader.tui.app import MarginApp
from reader.tui.reading import ReadingScreen
from reader.tui.screens.library import LibraryScreen

from .conftest import build_library, text_holding
from .harness import HOSTILE, MARKUP

SIZE = (120, 40)


def drawn_segments(app: MarginApp) -> list[list[Segment]]:
    """Every line every visible widget of the screen draws, after the app's line filters, and the whole frame
    the compositor would send, as segments."""
    lines: list[list[Segment]] = []
    for widget in [app.screen, *app.screen.walk_children()]:
        if not widget.display or widget.size.area == 0:
            continue
        region = Region(0, 0, widget.size.width, widget.size.height)
        try:
            strips = widget.render_lines(region)
        except Exception:  # noqa: BLE001 - a widget between layouts; the compositor's view is checked below
            continue
        lines.extend(list(strip) for strip in strips)
    update = app.screen._compositor.render_update(full=True)  # what goes to the terminal, whole
    for line in update.strips:  # each line is a run of strips, side by side
        lines.append([segment for strip in line for segment in strip])
    return lines


def drawn(app: MarginApp) -> list[str]:
    """The text of :func:`drawn_segments`' lines."""
    return ["".join(segment.text for segment in line if not segment.control) for line in drawn_segments(app)]


def assert_drawn_clean(app: MarginApp, hostile: str, expect: str = "Title") -> None:
    """The reader runs; nothing drawn is a control, nor an action or a link made of *hostile*'s markup; *expect*
    is on screen, and *hostile*'s brackets too when it holds markup."""
    assert app.is_running, app._exception
    segments = drawn_segments(app)
    lines = ["".join(segment.text for segment in line if not segment.control) for line in segments]
    bad = {hex(ord(ch)) for line in lines for ch in line if ord(ch) in HIDDEN_CODES and ch not in "\n"}
    assert not bad, bad
    for segment in (segment for line in segments for segment in line if segment.style is not None):
        assert "evil.example" not in (segment.style.link or ""), segment
        assert "bell" not in str((segment.style.meta or {}).get("@click", "")), segment
    for shown in (expect, LITERAL) if hostile == MARKUP else (expect,):
        assert any(shown in line for line in lines), f"{shown!r} is not on screen:\n" + "\n".join(lines)


#: What shows that markup was drawn as the text it is.
LITERAL = "[@click=app.bell]ring[/]"


def after(hostile: str, text: str) -> str:
    """*text* as drawn where *hostile* follows it: with markup, the markup's start, as typed."""
    return text + ("[/x]" if hostile == MARKUP else "")


@pytest.fixture(params=["controls", "markup"])
def hostile(request) -> str:
    """What every string of the library holds: terminal controls, or markup."""
    return HOSTILE if request.param == "controls" else MARKUP


@pytest.fixture
def store(tmp_path, hostile) -> Store:
    """A library whose title, headings, text, tags, note and author all hold *hostile*, opened by ada."""
    db = tmp_path / "library.db"
    build_library(db, hostile).close()
    opened = Store.open(db, author="ada")
    yield opened
    opened.close()


async def test_library_screen_and_library_search_draw_no_controls(store, hostile):
    app = MarginApp(store, watch_seconds=None)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert_drawn_clean(app, hostile)
        await pilot.press("S")
        await pilot.pause()
        await pilot.press(*"words", "enter")
        await pilot.pause(0.3)
        assert_drawn_clean(app, hostile, "words")
        app.screen.notify(f"notice {hostile}", title=f"T {hostile}")  # a widget asks with markup on
        await pilot.pause(0.5)
        assert_drawn_clean(app, hostile, after(hostile, "notice "))


async def test_reading_screen_panel_contents_and_tag_picker_draw_no_controls(store, hostile):
    document = store.documents.all()[0]
    app = MarginApp(store, document_ids=[document.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReadingScreen)
        await pilot.press("p")  # the annotations panel: quote, tags, note
        await pilot.pause()
        assert_drawn_clean(app, hostile, after(hostile, "note "))
        app.screen.panes[0].view.focus()  # type: ignore[attr-defined]
        await pilot.press("t")  # contents
        await pilot.pause()
        assert not isinstance(app.screen, ReadingScreen)
        assert_drawn_clean(app, hostile)
        await pilot.press("escape")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReadingScreen)
        pane = screen.panes[0]
        pane.view.focus()
        pane.view.move_cursor(text_holding(hostile).index("words"))
        await pilot.press("v", "l", "l", "a")  # select and open the tag picker
        await pilot.pause()
        assert_drawn_clean(app, hostile, after(hostile, "Theme/x"))


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


async def test_the_entity_screen_and_its_aliases_draw_no_controls(store, hostile):
    document = store.documents.all()[0]
    store.tags.add_alias(f"Person:Eve{hostile}", f"Evie {hostile}")
    app = MarginApp(store, document_ids=[document.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.panes[0].view.focus()  # type: ignore[attr-defined]
        await pilot.press("T")
        await pilot.pause(0.3)
        assert not isinstance(app.screen, ReadingScreen)
        assert_drawn_clean(app, hostile, "Eve")
        await pilot.press("a")  # its aliases
        await pilot.pause(0.3)
        assert_drawn_clean(app, hostile, after(hostile, "Evie "))
        await pilot.press("escape")
        await pilot.pause(0.3)
        await pilot.press("enter")  # the entity's mentions, or its detail
        await pilot.pause(0.3)
        assert_drawn_clean(app, hostile, "Eve")


async def test_comparing_layers_under_hostile_names_draws_no_controls(store, hostile):
    document = store.documents.all()[0]
    text = store.documents.text(document.version_id)
    evil = f"Bo{hostile}\nsecond line"
    store.as_author(evil).annotations.create(document, anchor_span(text, 0, 12), tags=["Theme/y"])
    layers = (store.annotations.list()[0].author, evil)
    app = MarginApp(store, document_ids=[document.id, document.id], layers=layers, watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        assert_drawn_clean(app, hostile, after(hostile, "Bo"))
        await pilot.press("]")  # the next place they differ, named in the status line
        await pilot.pause(0.3)
        assert_drawn_clean(app, hostile, after(hostile, "Bo"))
        await pilot.press("ctrl+l")  # the layers to choose from, by author
        await pilot.pause(0.3)
        assert not isinstance(app.screen, ReadingScreen)
        assert_drawn_clean(app, hostile, after(hostile, "Bo"))


async def test_the_agreement_screen_draws_no_controls(store, hostile):
    document = store.documents.all()[0]
    text = store.documents.text(document.version_id)
    store.as_author(f"Bo{hostile}\nsecond line").annotations.create(document, anchor_span(text, 0, 12), tags=["Theme/y"])
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
        assert_drawn_clean(app, hostile, "all tags")
        assert_drawn_clean(app, hostile, after(hostile, "Theme/x"))


@pytest.mark.parametrize("hostile", [MARKUP], ids=["markup"])
async def test_searching_for_brackets_in_a_document(store, hostile):
    document = store.documents.all()[0]
    app = MarginApp(store, document_ids=[document.id], watch_seconds=None)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"[/nowhere]", "enter")  # not found: a notification names the search
        await pilot.pause(0.3)
        assert_drawn_clean(app, hostile, "[/nowhere]")


@pytest.mark.parametrize("hostile", [MARKUP], ids=["markup"])
async def test_a_tag_colour_or_a_format_from_another_library_is_never_a_style_nor_markup(store, hostile):
    """A library may hold any text as a tag's colour or a document's format (a hand edit, or one synced or
    collected before those were checked at intake): drawn, they are neither a style (an action or a link on
    the tag's dot, or the reader stopped by a style no one names) nor markup."""
    from annotations.store.tag_specs import FALLBACK_COLOUR

    store.db.execute("UPDATE tags SET colour = 'link https://evil.example/\x1b]0;PWNED\x07'")
    store.db.execute(f"UPDATE versions SET format = '{MARKUP}'")
    store.db.conn.commit()
    assert {tag.colour for tag in store.tags.all()} == {FALLBACK_COLOUR}
    app = MarginApp(store, watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert_drawn_clean(app, hostile, "[/x] [@click")  # the format column
    document = store.documents.all()[0]
    app = MarginApp(store, document_ids=[document.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("p")  # the panel's legend and list draw each tag's dot in its colour
        await pilot.pause()
        assert_drawn_clean(app, hostile)


def test_the_library_holds_the_hostile_text_in_every_string(store, hostile):
    """A guard on the guard: the title, the note and the author all hold it."""
    document = store.documents.all()[0]
    assert hostile in document.title
    annotation = next(a for a in store.annotations.list() if a.note)
    assert hostile in annotation.note and hostile in annotation.author
