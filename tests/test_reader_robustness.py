"""The reader when the world moves under it: other processes writing to the same
library, a library held busy, tiny and huge terminals, very wide documents, and
a source file deleted while its document is open."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from annotations.anchoring import anchor_span
from annotations.store import Store
from reader.tui.app import MarginApp
from reader.samples.demo import seed_demo
from reader.formats import read_source
from reader.samples import sample_paths
from reader.tui.screens.library import LibraryScreen
from reader.tui.reading import ReadingScreen
from reader.tui.widgets.annotations_panel import AnnotationsPanel
from reader.tui.widgets.pane import UNTAGGED

from .conftest import add_document, fingerprint, fixed_clock

SIZE = (140, 40)
ROOT = Path(__file__).resolve().parents[1]
NOTICE = "Notice of Temporary Closure: Eastquay Harbour Footbridge"
ARTICLE = "Harbour Bridge Shut After Safety Scare"
#: Polling this often keeps the tests quick; the app's own default is a second.
WATCH = 0.05


def open_library(path: Path, **options: float) -> Store:
    store = Store.open(path, author="ada", clock=fixed_clock(), **options)
    for sample in sample_paths():
        source = read_source(sample)
        store.documents.import_loaded(str(source.path), source.sha256, source.document)
    return store


@pytest.fixture
def library(tmp_path):
    store = open_library(tmp_path / "reader.db")
    yield store
    store.close()


@pytest.fixture
def busy_library(tmp_path):
    """A library whose writes give up after a fifth of a second, so a held lock shows quickly."""
    store = open_library(tmp_path / "busy.db", busy_timeout=0.2)
    yield store
    store.close()


def ids(store: Store) -> list[str]:
    by_title = {d.title: d.id for d in store.documents.all()}
    return [by_title[NOTICE], by_title[ARTICLE]]


class Watched(MarginApp):
    """The reader, remembering every notification it showed (toasts on screen expire)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.told: list[str] = []

    def notify(self, message, *args, **kwargs) -> None:
        self.told.append(str(message))
        super().notify(message, *args, **kwargs)


def notices(app: MarginApp) -> list[str]:
    assert isinstance(app, Watched)
    return app.told


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def until(pilot, condition: Callable[[], object], timeout: float = 10.0) -> None:
    """Let the app run (its timers fire, its workers finish) until *condition* holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the reader did not catch up in time"
        await pilot.pause(0.05)
        await pilot.app.workers.wait_for_complete()


async def select(pilot, screen: ReadingScreen, pane_index: int, quote: str) -> tuple[int, int]:
    """Select the quote: v at its start, then the cursor to its end (a key per character is slow)."""
    pane = screen.panes[pane_index]
    pane.view.focus()
    start = pane.text.index(quote)
    pane.view.move_cursor(start)
    await pilot.press("v")
    pane.view.move_cursor(start + len(quote) - 1)  # onto the quote's last character, which is selected
    await pilot.pause()
    assert pane.view.selected_span == (start, start + len(quote))
    return start, start + len(quote)


def listed(app: MarginApp) -> list[str]:
    listing = app.screen.query_one(AnnotationsPanel).query_one("OptionList")
    return [listing.get_option_at_index(i).id for i in range(listing.option_count)]


class WriteLock:
    """Another process's write in progress: ``BEGIN IMMEDIATE`` held until released."""

    def __init__(self, path: str | Path) -> None:
        self._conn = sqlite3.connect(str(path), isolation_level=None)
        self._conn.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        self._conn.execute("ROLLBACK")
        self._conn.close()


# -- changes made elsewhere -------------------------------------------------------------


async def test_highlights_and_tags_changed_elsewhere_show_up_without_losing_the_readers_place(library):
    notice_id, article_id = ids(library)
    app = Watched(library, document_ids=[notice_id, article_id], watch_seconds=WATCH)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await settle(pilot)
        notice, article = screen.panes
        # The person's place: a selection begun in the article, the notice scrolled with
        # its cursor on a word, and the panel open on the notice.
        selection = await select(pilot, screen, 1, "Mara Ilves")
        notice.view.focus()
        await pilot.press("pagedown", "w", "w")
        await pilot.press("p")
        await settle(pilot)
        place = (notice.view.cursor, notice.view.scroll_y, article.view.selection)
        assert notice.view.scroll_y > 0 and listed(app) == []

        quote = "until 28 April"
        start = notice.text.index(quote)
        with Store.open(library.path, author="bob") as other:
            made = other.annotations.create(
                other.documents.get(notice_id), anchor_span(notice.text, start, start + len(quote)), tags=["Claim/Elsewhere"]
            )
        await until(pilot, lambda: notice.view.highlights_at(start + 2) and listed(app) == [made.id])
        (shown,) = notice.view.highlights_at(start + 2)
        assert shown.colour != UNTAGGED
        assert "Claim/Elsewhere" in str(screen.query_one(AnnotationsPanel).query_one(".legend").render())

        with Store.open(library.path, author="bob") as other:
            other.tags.delete("Claim/Elsewhere", force=True)
        await until(pilot, lambda: [h.colour for h in notice.view.highlights_at(start + 2)] == [UNTAGGED])
        await until(pilot, lambda: "No tags yet" in str(screen.query_one(AnnotationsPanel).query_one(".legend").render()))

        with Store.open(library.path, author="bob") as other:
            other.annotations.delete(made.id)
        await until(pilot, lambda: not notice.view.highlights_at(start + 2) and listed(app) == [])

        assert (notice.view.cursor, notice.view.scroll_y, article.view.selection) == place
        assert article.view.selected_span == selection
        assert isinstance(app.screen, ReadingScreen)
        assert app.changes_seen >= 3


async def test_the_panel_keeps_its_place_when_its_list_changes_elsewhere(library):
    seeded = seed_demo(library)
    app = Watched(library, document_ids=[d.id for d in seeded], watch_seconds=WATCH)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("down", "down")
        listing = app.screen.query_one(AnnotationsPanel).query_one("OptionList")
        first, second, third = listed(app)
        assert listing.highlighted == 2
        with Store.open(library.path, author="bob") as other:
            other.annotations.delete(first)
        await until(pilot, lambda: listed(app) == [second, third])
        assert listing.highlighted == 1 and listing.has_focus  # still on the same annotation
        with Store.open(library.path, author="bob") as other:
            other.annotations.delete(third)
        await until(pilot, lambda: listed(app) == [second])
        assert listing.highlighted == 0


async def test_a_dialog_in_progress_survives_a_change_elsewhere(library):
    notice_id, article_id = ids(library)
    app = Watched(library, document_ids=[notice_id, article_id], watch_seconds=WATCH)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await settle(pilot)
        await select(pilot, screen, 0, "The closure is a precaution.")
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"Half a thought")
        notice = screen.panes[0]
        start = notice.text.index("28 April")
        with Store.open(library.path, author="bob") as other:
            other.annotations.create(other.documents.get(notice_id), anchor_span(notice.text, start, start + 8))
        await until(pilot, lambda: notice.view.highlights_at(start))
        assert type(app.screen).__name__ == "NoteEditor"
        assert app.screen.query_one("TextArea").text == "Half a thought"
        await pilot.press(*" finished", "ctrl+s")
        await pilot.pause()
        notes = {a.exact: a.note for a in library.annotations.list()}
        assert notes == {"The closure is a precaution.": "Half a thought finished", "28 April": ""}


async def test_the_readers_own_writes_are_not_taken_for_changes_elsewhere(library):
    app = Watched(library, document_ids=ids(library), watch_seconds=WATCH)
    async with app.run_test(size=(140, 16)) as pilot:
        screen = app.screen
        await settle(pilot)
        await select(pilot, screen, 0, "The closure is a precaution.")
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Claim/Safety", "enter")
        await pilot.pause()
        await pilot.press("c", *"mine", "ctrl+s")
        await pilot.pause()
        await pilot.press("x", "u", "pagedown")
        await until(pilot, lambda: library.reading.position(screen.panes[0].document.id) > 0)
        await pilot.pause(0.3)  # several more polls
        await settle(pilot)
        assert len(library.annotations.list()) == 1
        assert app.changes_seen == 0

        with Store.open(library.path, author="bob") as other:
            other.reading.remember(screen.panes[1].document.id, 5)
        await until(pilot, lambda: app.changes_seen == 1)


async def test_the_library_list_follows_an_import_by_the_cli(library, tmp_path):
    app = Watched(library, watch_seconds=WATCH)
    new = tmp_path / "minutes.md"
    new.write_text("# Minutes\n\nThe council voted to reopen the bridge early.\n", encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        table = screen.query_one("DataTable")
        await pilot.press("down", "space")
        await pilot.pause()
        chosen = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "reader.cli", "--db", library.path, "--author", "bob", "import", str(new)],
            check=True, cwd=ROOT, capture_output=True,
        )
        await until(pilot, lambda: table.row_count == 3)
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == chosen
        assert screen.marked == [chosen]
        titles = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        assert "Minutes" in titles


async def test_a_new_version_imported_elsewhere_is_announced_and_the_open_one_keeps_working(library, tmp_path):
    memo = tmp_path / "memo.md"
    memo.write_text("# Memo\n\nThe committee met in secret on Tuesday.\n", encoding="utf-8")
    source = read_source(memo)
    document = library.documents.import_loaded(str(source.path), source.sha256, source.document).document
    app = Watched(library, document_ids=[document.id], watch_seconds=WATCH)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await settle(pilot)
        memo.write_text("# Memo\n\nThe committee met in public on Tuesday.\n", encoding="utf-8")
        await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "reader.cli", "--db", library.path, "--author", "bob", "import", str(memo)],
            check=True, cwd=ROOT, capture_output=True,
        )
        await until(pilot, lambda: any("newer version" in m for m in notices(app)))
        await select(pilot, screen, 0, "in secret")
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Claim", "enter")
        await pilot.pause()
    (annotation,) = library.annotations.list(current_only=False)
    assert annotation.exact == "in secret" and annotation.version_id == document.version_id


# -- a busy library ----------------------------------------------------------------------------


async def test_a_busy_library_refuses_an_annotation_whole_and_the_retry_saves_it(busy_library):
    path = Path(busy_library.path)
    app = Watched(busy_library, document_ids=ids(busy_library), watch_seconds=WATCH)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await settle(pilot)
        span = await select(pilot, screen, 0, "The closure is a precaution.")
        before = fingerprint(path)
        lock = WriteLock(path)
        try:
            await pilot.press("a")
            await pilot.pause()
            await pilot.press(*"Claim/Safety", "enter")
            await pilot.pause()
            assert any("library is busy" in m and "not saved, try again" in m for m in notices(app)), notices(app)
            assert app.screen is screen and screen.panes[0].view.selected_span == span
            screen.library_changed()  # reading while another process writes is fine
            await settle(pilot)
        finally:
            lock.release()
        assert fingerprint(path) == before  # nothing half written: no annotation, no tag
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Claim/Safety", "enter")
        await pilot.pause()
        (annotation,) = busy_library.annotations.list()
        assert annotation.exact == "The closure is a precaution." and [t.name for t in annotation.tags] == ["Claim/Safety"]
        assert screen.panes[0].view.highlights_at(span[0])


async def test_a_note_refused_by_a_busy_library_keeps_its_words_for_the_retry(busy_library):
    path = Path(busy_library.path)
    app = Watched(busy_library, document_ids=ids(busy_library), watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await select(pilot, screen, 1, "Mara Ilves")
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"Only named source")
        lock = WriteLock(path)
        try:
            await pilot.press("ctrl+s")
            await pilot.pause()
            await pilot.pause()
            assert any("library is busy" in m for m in notices(app))
            assert type(app.screen).__name__ == "NoteEditor"
            assert app.screen.query_one("TextArea").text == "Only named source"
        finally:
            lock.release()
        assert busy_library.annotations.list() == []
        await pilot.press("ctrl+s")
        await pilot.pause()
        (annotation,) = busy_library.annotations.list()
        assert (annotation.exact, annotation.note) == ("Mara Ilves", "Only named source")
        assert app.screen is screen


async def test_delete_undo_link_and_the_reading_position_wait_out_a_busy_library(busy_library):
    path = Path(busy_library.path)
    documents = seed_demo(busy_library)
    app = Watched(busy_library, document_ids=[d.id for d in documents], watch_seconds=None)
    async with app.run_test(size=(140, 16)) as pilot:
        screen = app.screen
        await settle(pilot)
        notice, article = screen.panes
        target = next(a for a in busy_library.annotations.list(document_ids=[article.document.id]) if a.exact == "Mara Ilves")
        article.view.focus()
        article.view.move_cursor(target.start + 1)
        before = fingerprint(path)
        lock = WriteLock(path)
        try:
            await pilot.press("x")
            await pilot.pause()
            await pilot.press("u")
            await pilot.pause()
            await select(pilot, screen, 1, "as a precaution")
            await pilot.press("L")
            await pilot.pause()
            await select(pilot, screen, 0, "found no immediate danger")
            await pilot.press("L")
            await pilot.pause()
            await pilot.press(*"contradicts", "enter")
            await pilot.pause()
            assert screen.on_demand.links.source is not None  # L again asks for the relation again
            notice.view.focus()
            await pilot.press("pagedown")
            await pilot.pause(0.6)  # the reading position would be written now
            assert sum("library is busy" in m for m in notices(app)) >= 3, notices(app)
            assert isinstance(app.screen, ReadingScreen)
        finally:
            lock.release()
        assert fingerprint(path) == before
        assert not busy_library.annotations.get(target.id).deleted
        await pilot.press("L")
        await pilot.pause()
        await pilot.press(*"contradicts", "enter")
        await pilot.pause()
        assert screen.on_demand.links.source is None
        assert "contradicts" in {link.relation for a in busy_library.annotations.list() for link in busy_library.links.for_annotations([a.id])}
        article.view.focus()
        article.view.move_cursor(target.start + 1)
        await pilot.press("x")
        await pilot.pause()
        assert busy_library.annotations.get(target.id).deleted
        notice.view.focus()
        await pilot.press("pagedown")
        await until(pilot, lambda: busy_library.reading.position(notice.document.id) == notice.view.top_offset > 0)


# -- terminal faults ---------------------------------------------------------------------------

#: Terminal sizes a person can drag a window through, down to a single cell.
SIZES = [(1, 1), (1, 4), (7, 2), (300, 80), (20, 5)]


async def shake(pilot) -> None:
    for size in SIZES:
        await pilot.resize_terminal(*size)
        await pilot.pause()


def rows_fit(view) -> bool:
    """The text is wrapped for the view's width now, and every row on screen fits in it."""
    width = view.scrollable_content_region.width
    layout = view.layout_index
    top = view.scroll_offset.y
    shown = range(top, min(layout.row_count, top + view.scrollable_content_region.height))
    # One column is kept for the cursor after a full row; a trailing space may hang into it.
    return layout.width == width - 1 and all(layout.row_cells(row) <= width for row in shown)


async def test_tiny_and_changing_terminal_sizes_with_panes_panel_and_dialogs(library):
    seeded = seed_demo(library)
    app = Watched(library, document_ids=[d.id for d in seeded], watch_seconds=WATCH)
    async with app.run_test(size=(20, 5)) as pilot:
        screen = app.screen
        await settle(pilot)
        await shake(pilot)
        await pilot.press("p")  # the panel
        await settle(pilot)
        await shake(pilot)
        screen.panes[0].view.focus()
        await pilot.press("v", "l", "l", "l", "a")  # the tag picker
        await pilot.pause()
        assert type(app.screen).__name__ == "TagPicker"
        await pilot.press(*"Theme/Tiny")
        await shake(pilot)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("c")  # the note editor
        await pilot.pause()
        assert type(app.screen).__name__ == "NoteEditor"
        await shake(pilot)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("question_mark")  # help
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        await shake(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        await pilot.pause()
        view = screen.panes[0].view
        before = view.cursor
        await pilot.press("escape", "w")
        await pilot.pause()
        assert view.cursor > before  # still reading, keys still work
        for pane in screen.panes:
            assert rows_fit(pane.view)
        await pilot.press("escape")  # and the library screen
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        await shake(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


WIDE_TEXTS = {
    "a 1 MB line of words": ("lorem ipsum dolor sit amet " * 40_000)[:1_000_000],
    "a 1 MB line without a space": "x" * 1_000_000,
    "10,000 CJK characters on one line": "".join(chr(0x4E00 + (i * 7) % 20_000) for i in range(10_000)),
}


@pytest.mark.parametrize("name", list(WIDE_TEXTS))
async def test_a_very_wide_document_opens_scrolls_and_wraps(store, name):
    text = WIDE_TEXTS[name]
    document = add_document(store, text, title="wide")
    app = Watched(store, document_ids=[document.id], watch_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        view = app.screen.panes[0].view
        assert rows_fit(view)
        await pilot.press("G")
        await pilot.pause()
        assert view.cursor == len(text) and view.scroll_y == view.max_scroll_y > 0
        assert rows_fit(view)
        await pilot.press("pageup", "pageup")
        start = view.cursor
        assert 0 < start < len(text)
        await pilot.press("v", *"llll", "a")  # five characters: v takes the first
        await pilot.pause()
        await pilot.press(*"Wide", "enter")
        await pilot.pause()
        (annotation,) = store.annotations.list()
        assert annotation.exact == text[start : start + 5].strip()  # spaces at the edges are trimmed
        assert text[annotation.start : annotation.end] == annotation.exact and annotation.start >= start
        for size in [(20, 5), (300, 80), (1, 1), (80, 24)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
        assert rows_fit(view)
        top = view.top_offset
        await pilot.press("g", "pagedown")
        await pilot.pause()
        assert 0 < view.top_offset < top


async def test_a_source_file_deleted_while_open_leaves_the_stored_text_to_read_and_annotate(library, tmp_path):
    memo = tmp_path / "memo.md"
    memo.write_text("# Memo\n\nThe committee met in secret on Tuesday.\n", encoding="utf-8")
    source = read_source(memo)
    document = library.documents.import_loaded(str(source.path), source.sha256, source.document).document
    app = Watched(library, document_ids=[document.id], watch_seconds=WATCH)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await settle(pilot)
        assert not any("is gone" in m for m in notices(app))  # the file is there
        memo.unlink()
        await select(pilot, screen, 0, "in secret")
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Claim", "enter")
        await pilot.pause()
        (annotation,) = library.annotations.list()
        assert annotation.exact == "in secret"
        await pilot.press("escape")
        await pilot.pause()
        library_screen = app.screen
        assert isinstance(library_screen, LibraryScreen)
        table = library_screen.query_one("DataTable")
        row = table.get_row_index(document.id)
        assert str(table.get_row_at(row)[5]).startswith("gone: ")
        others = [i for i in range(table.row_count) if i != row]
        assert all(not str(table.get_row_at(i)[5]).startswith("gone") for i in others)
        table.move_cursor(row=row)
        await pilot.press("enter")  # open it afresh, from the library alone
        await pilot.pause()
        await settle(pilot)
        assert isinstance(app.screen, ReadingScreen)
        assert any(f"{memo} is gone; showing the stored text" in m for m in notices(app)), notices(app)
        pane = app.screen.panes[0]
        assert pane.text == library.documents.text(document.version_id)
        assert pane.view.highlights_at(annotation.start)
