"""The reader's side of re-anchoring: the review screen, orphans in the panel, and refresh on open."""

from __future__ import annotations

import asyncio
import time
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from annotations.anchoring import anchor_quote
from annotations.store import Store
from reader.tui.app import MarginApp
from reader.formats import read_source
from reader.tui.reading import ReadingScreen
from reader.tui.reading.highlights import HighlightDrawing
from reader.tui.screens.review import ReviewScreen
from reader.tui.widgets.annotations_panel import AnnotationsPanel
from reader.tui.widgets.document_view import DocumentView

from .conftest import fixed_clock


async def until(pilot, condition, timeout: float) -> None:
    """Let the app run (messages, timers, workers) until *condition* holds; fail after *timeout* seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"the reader did not get there in {timeout} s"
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.05)

SIZE = (140, 40)

ORIGINAL = (
    "# Memo\n\nThe bridge will close from 10 March until 28 April. The closure is a precaution. "
    "The bridge is safe.\n\n## Costs\n\nThe remainder will be met from reserves.\n"
)
# "10 March" becomes "ten March" (fuzzy), the precaution sentence goes (orphaned),
# "The bridge is safe." shifts within an edited paragraph (moved).
EDITED = (
    "# Memo\n\nThe bridge will close from ten March until 28 April. The bridge is safe.\n\n"
    "## Costs\n\nThe remainder will be met from the reserves.\n"
)
QUOTES = ("10 March", "The closure is a precaution.", "The bridge is safe.")


def _import(store: Store, path: Path) -> str:
    source = read_source(path)
    return store.documents.import_loaded(str(source.path), source.sha256, source.document).document.id


def _annotate(store: Store, document_id: str, quotes=QUOTES) -> dict[str, str]:
    document = store.documents.get(document_id)
    text = store.documents.text(document.version_id)
    return {q: store.annotations.create(document, anchor_quote(text, q), note=f"on {q}").id for q in quotes}


@pytest.fixture
def changed(tmp_path):
    """A memo annotated on version 1, then changed on disk and imported again: version 2."""
    path = tmp_path / "memo.md"
    path.write_text(ORIGINAL, encoding="utf-8")
    store = Store.open(tmp_path / "reader.db", author="ada", clock=fixed_clock())
    document_id = _import(store, path)
    ids = _annotate(store, document_id)
    path.write_text(EDITED, encoding="utf-8")
    assert _import(store, path) == document_id
    yield store, document_id, ids
    store.close()


async def _open_review(pilot, app) -> ReviewScreen:
    await pilot.press("R")
    await pilot.pause()
    assert isinstance(app.screen, ReviewScreen)
    return app.screen


async def test_review_lists_fuzzy_and_orphan_then_accepts_and_deletes(changed):
    store, document_id, ids = changed
    states = {q: store.annotations.get(i).anchor_state for q, i in ids.items()}
    assert states == {"10 March": "fuzzy", "The closure is a precaution.": "orphaned", "The bridge is safe.": "moved"}
    app = MarginApp(store, document_ids=[document_id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        review = await _open_review(pilot, app)
        listed = [a.id for a in review.queue]
        # the orphan first, then the fuzzy one; the intact move needs no review
        assert listed == [ids["The closure is a precaution."], ids["10 March"]]
        before = str(review.query_one("#before").render())
        now = str(review.query_one("#now").render())
        assert "The closure is a precaution." in before and "not found in version 2" in now

        await pilot.press("down")
        await pilot.pause()
        assert "ten March" in str(review.query_one("#now").render())
        await pilot.press("a")
        await pilot.pause()
        assert not store.annotations.get(ids["10 March"]).needs_review
        assert [a.id for a in review.queue] == [ids["The closure is a precaution."]]

        await pilot.press("enter")  # an orphan has no place to go to: the dialog stays
        await pilot.pause()
        assert app.screen is review

        await pilot.press("x")
        await pilot.pause()
        assert store.annotations.get(ids["The closure is a precaution."]).deleted
        assert isinstance(app.screen, ReadingScreen)  # the queue is empty: the review closes
        assert store.annotations.review_queue([document_id]) == []

        await pilot.press("u")  # the reader's undo brings the deleted orphan back
        await pilot.pause()
        back = store.annotations.get(ids["The closure is a precaution."])
        assert not back.deleted and back.orphaned and back.needs_review


async def test_review_go_to_lands_on_the_new_place(changed):
    store, document_id, ids = changed
    app = MarginApp(store, document_ids=[document_id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _open_review(pilot, app)
        await pilot.press("down", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReadingScreen)
        pane = screen.panes[0]
        assert pane.view.cursor == pane.text.index("ten March")


async def test_reattach_an_orphan_to_a_selected_passage(changed):
    store, document_id, ids = changed
    orphan = ids["The closure is a precaution."]
    app = MarginApp(store, document_ids=[document_id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        review = await _open_review(pilot, app)
        assert review.queue[0].id == orphan
        await pilot.press("r")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReadingScreen) and screen.on_demand.review.reattaching == orphan
        pane = screen.panes[0]
        quote = "until 28 April"
        pane.view.move_cursor(pane.text.index(quote))
        await pilot.press("v", *["l"] * (len(quote) - 1))
        await pilot.press("r")
        await pilot.pause()
        placed = store.annotations.get(orphan)
        current = store.documents.get(document_id)
        assert (placed.version_id, placed.exact, placed.anchor_state, placed.needs_review) == (
            current.version_id, quote, "exact", False
        )
        assert placed.note == "on The closure is a precaution."
        assert screen.on_demand.review.reattaching is None
        assert pane.view.highlights_at(placed.start + 1)


async def test_reattach_uses_a_selection_made_before_the_review(changed):
    store, document_id, ids = changed
    app = MarginApp(store, document_ids=[document_id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = app.screen.panes[0]
        quote = "28 April"
        pane.view.move_cursor(pane.text.index(quote))
        await pilot.press("v", *["l"] * (len(quote) - 1))
        await _open_review(pilot, app)
        await pilot.press("r")
        await pilot.pause()
        placed = store.annotations.get(ids["The closure is a precaution."])
        assert (placed.exact, placed.anchor_state) == (quote, "exact")


async def test_panel_lists_an_orphan_as_not_found_and_does_not_jump_to_it(changed):
    store, document_id, ids = changed
    app = MarginApp(store, document_ids=[document_id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        cursor = screen.panes[0].view.cursor
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await pilot.pause()
        listing = screen.query_one(AnnotationsPanel).query_one("#panel-list")
        rows = {listing.get_option_at_index(i).id: str(listing.get_option_at_index(i).prompt)
                for i in range(listing.option_count)}
        assert set(rows) == set(ids.values())
        orphan_row = rows[ids["The closure is a precaution."]]
        assert orphan_row.startswith("not found") and "The closure is a precaution." in orphan_row
        assert rows[ids["10 March"]].startswith("≈")
        assert not rows[ids["The bridge is safe."]].startswith(("≈", "not found"))
        listing.highlighted = list(rows).index(ids["The closure is a precaution."])
        await pilot.press("enter")
        await pilot.pause()
        assert screen.panes[0].view.cursor == cursor  # its offsets are in the old text: no jump


async def test_opening_a_changed_file_makes_a_new_version_and_moves_its_annotations(tmp_path):
    path = tmp_path / "memo.md"
    path.write_text(ORIGINAL, encoding="utf-8")
    store = Store.open(tmp_path / "reader.db", author="ada", clock=fixed_clock())
    try:
        document_id = _import(store, path)
        ids = _annotate(store, document_id, quotes=("met from reserves", "The bridge is safe."))
        path.write_text("# Memo\n\nA new opening line.\n\n" + ORIGINAL.removeprefix("# Memo\n\n"), encoding="utf-8")
        app = MarginApp(store, document_ids=[document_id], watch_seconds=None)
        async with app.run_test(size=SIZE) as pilot:

            def refreshed() -> bool:
                panes = getattr(app.screen, "panes", [])
                if not panes or not panes[0].query(DocumentView):  # the new pane, not yet composed
                    return False
                if not panes[0].text.startswith("# Memo\n\nA new opening line."):
                    return False
                moved = store.annotations.get(ids["The bridge is safe."])
                return bool(panes[0].view.highlights_at(moved.start + 1))

            # The file is compared on a worker, the pane rebuilt after it and its highlights
            # drawn on another: wait for all of that, up to a generous bound on a busy machine.
            await until(pilot, refreshed, timeout=60)
            document = store.documents.get(document_id)
            assert document.version == 2
            pane = app.screen.panes[0]
            assert pane.document.version_id == document.version_id
            assert pane.text.startswith("# Memo\n\nA new opening line.")
            moved = store.annotations.get(ids["The bridge is safe."])
            assert moved.version_id == document.version_id and moved.anchor_state == "moved"
            assert pane.text[moved.start : moved.end] == "The bridge is safe."
            assert pane.view.highlights_at(moved.start + 1)
    finally:
        store.close()


@asynccontextmanager
async def replacing_a_pane(tmp_path):
    """A reader showing an annotated memo, whose file has just changed: the pane is being replaced by
    the new version's. Yields the pilot, the screen and the pane being replaced."""
    path = tmp_path / "memo.md"
    path.write_text(ORIGINAL, encoding="utf-8")
    store = Store.open(tmp_path / "reader.db", author="ada", clock=fixed_clock())
    try:
        document_id = _import(store, path)
        _annotate(store, document_id)
        app = MarginApp(store, document_ids=[document_id], watch_seconds=None)
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            await until(pilot, lambda: screen.panes and screen.panes[0].spans, timeout=60)
            old = screen.panes[0]
            path.write_text(EDITED, encoding="utf-8")
            _import(store, path)
            screen.deck.reload(old)
            yield pilot, screen, old
            await until(pilot, lambda: screen.panes and screen.panes[0].spans, timeout=60)
            assert app.screen is screen and app.return_value is None
            assert [p.document.version for p in screen.panes] == [2]
            assert screen.panes[0].text == EDITED
    finally:
        store.close()


async def test_highlights_arriving_for_a_pane_just_replaced_by_a_new_version_are_let_go(tmp_path):
    """The race behind a once-flaky test: a pane's highlights are drawn (and say so by a message)
    just as its file's new version replaces the pane; the message must not reach for the gone pane."""
    async with replacing_a_pane(tmp_path) as (pilot, screen, old):
        await until(pilot, lambda: not old.is_attached, timeout=60)
        # What a highlights worker finishing just then posts: too late, the pane is gone.
        screen.highlights.post_message(HighlightDrawing.Drawn(old))
        await pilot.pause()


async def test_highlights_arriving_while_a_replaced_pane_is_being_removed_are_let_go(tmp_path):
    """Textual takes a removed pane's children away before the pane itself: a message about the pane
    arriving in between must not reach for its view (it crashed the reader once)."""
    async with replacing_a_pane(tmp_path) as (_, screen, old):
        assert old not in screen.deck.panes and screen.deck.current is not old
        seen_without_view = False
        while old.is_attached:  # a message at every await point, through the whole removal
            seen_without_view = seen_without_view or not old.query(DocumentView)
            screen.highlights.post_message(HighlightDrawing.Drawn(old))
            await asyncio.sleep(0)
        assert seen_without_view  # the test went through the state that crashed


async def test_opening_a_document_whose_file_is_gone_shows_the_stored_text(tmp_path):
    path = tmp_path / "memo.md"
    path.write_text(ORIGINAL, encoding="utf-8")
    store = Store.open(tmp_path / "reader.db", author="ada", clock=fixed_clock())
    try:
        document_id = _import(store, path)
        path.unlink()
        app = MarginApp(store, document_ids=[document_id], watch_seconds=None)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert store.documents.get(document_id).version == 1
            assert app.screen.panes[0].text == store.documents.text(store.documents.get(document_id).version_id)
    finally:
        store.close()


async def test_opening_a_document_with_annotations_to_review_says_how_many_once(changed):
    store, document_id, _ = changed
    app = MarginApp(store, document_ids=[document_id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: any("to review" in str(n.message) for n in app._notifications), 5)
        said = [str(n.message) for n in app._notifications if "to review" in str(n.message)]
        assert said == ["2 annotations in Memo to review after its text changed: press R"]
        app.screen.deck.reload(app.screen.panes[0])  # the pane made again, as after a refresh
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [str(n.message) for n in app._notifications if "to review" in str(n.message)] == said
