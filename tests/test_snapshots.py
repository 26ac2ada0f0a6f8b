"""The main layouts as SVG snapshots: side-by-side reading, the panel, the tag picker, the library.

Data is fixed (the bundled samples, a fixed clock), so the pictures only
change when the layout does. Update with ``pytest --snapshot-update`` after a
deliberate change, and look at the report before committing.
"""

from __future__ import annotations

import pytest

from annotations.store import Store
from reader.tui.app import MarginApp
from reader.samples.demo import seed_demo

from .conftest import fixed_clock

SIZE = (130, 36)


async def settle(pilot) -> None:
    """Highlights are read on a worker thread: wait for them so every picture shows them."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
def demo_app(tmp_path):
    store = Store.open(tmp_path / "snap.db", author="ada", clock=fixed_clock())
    documents = seed_demo(store)
    yield MarginApp(store, document_ids=[d.id for d in documents])
    store.close()


def test_reading_side_by_side(snap_compare, demo_app):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("j", "j", "j", "j", "w", "w")
        await pilot.pause()

    assert snap_compare(demo_app, terminal_size=SIZE, run_before=run_before)


def test_annotations_panel_and_selection(snap_compare, demo_app):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("tab", "j", "j", "j", "j", "j", "v", "e", "e", "e")
        await pilot.press("p")
        await settle(pilot)  # the panel is filled from a worker
        await pilot.pause()  # the panes re-wrap after the resize the panel causes

    assert snap_compare(demo_app, terminal_size=SIZE, run_before=run_before)


def test_tag_picker(snap_compare, demo_app):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("j", "j", "j", "v", "e", "e", "a")
        await pilot.pause()
        await pilot.press(*"cla")
        await pilot.pause()

    assert snap_compare(demo_app, terminal_size=SIZE, run_before=run_before)


def test_focus_on_the_second_pane_without_colour(snap_compare, tmp_path, monkeypatch):
    """The pane keys act on must be plain without colour too: its title bar carries a ▶."""
    monkeypatch.setenv("NO_COLOR", "1")
    store = Store.open(tmp_path / "plain.db", author="ada", clock=fixed_clock())
    documents = seed_demo(store)
    app = MarginApp(store, document_ids=[d.id for d in documents])  # made after NO_COLOR is set

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("tab", "j", "j")
        await pilot.pause()

    try:
        assert snap_compare(app, terminal_size=(100, 20), run_before=run_before)
    finally:
        store.close()


def test_hard_wrapped_text_reflowed(snap_compare, tmp_path):
    """A Gutenberg-style text in a narrow pane reads as paragraphs, not as long and stub rows."""
    from .conftest import add_document
    from .test_reflow import PROSE, hard_wrapped

    store = Store.open(tmp_path / "reflow.db", author="ada", clock=fixed_clock())
    text = "CHAPTER I\n\n" + hard_wrapped(PROSE[:4])
    source = tmp_path / "a-tale.txt"
    source.write_text(text, encoding="utf-8")  # the file is there: no notice covers the text
    document = add_document(store, text, title="A Tale", path=str(source))
    app = MarginApp(store, document_ids=[document.id])

    async def run_before(pilot) -> None:
        await settle(pilot)

    try:
        assert snap_compare(app, terminal_size=(54, 22), run_before=run_before)
    finally:
        store.close()


def test_two_layers_compared_with_their_strips(snap_compare, tmp_path):
    """The compare view: each pane one reader's layer, the differences decorated, a strip beside each pane."""
    from annotations.anchoring import anchor_span

    from .conftest import add_document

    paragraph = "The council met on Tuesday. The bridge is safe, the engineer said. Costs will rise next year.\n\n"
    text = "Notice\n\n" + paragraph * 12
    source = tmp_path / "notice.txt"
    source.write_text(text, encoding="utf-8")  # the file is there: no notice covers the text
    store = Store.open(tmp_path / "compare.db", author="teacher", clock=fixed_clock())
    document = add_document(store, text, title="Council notice", path=str(source))

    def mark(author: str, quote: str, occurrence: int, length: int, *tags: str) -> None:
        start = -1
        for _ in range(occurrence + 1):
            start = text.index(quote, start + 1)
        store.as_author(author).annotations.create(document, anchor_span(text, start, start + length), tags=tags)

    mark("ada", "The bridge is safe", 0, 18, "Claim")
    mark("bo", "The bridge is safe", 0, 18, "Claim")     # agreed
    mark("ada", "The bridge is safe", 2, 18, "Claim")
    mark("bo", "The bridge is safe", 2, 14, "Claim")     # different boundaries
    mark("ada", "Costs will rise", 4, 15, "Cost")
    mark("bo", "Costs will rise", 4, 15, "Claim")        # different tags
    mark("ada", "The council met", 6, 15, "Claim")       # only in ada's layer
    mark("bo", "the engineer said", 8, 17, "Claim")      # only in bo's layer
    app = MarginApp(store, document_ids=[document.id, document.id], layers=("ada", "bo"), watch_seconds=None)

    async def run_before(pilot) -> None:
        for _ in range(3):
            await settle(pilot)

    try:
        assert snap_compare(app, terminal_size=(120, 30), run_before=run_before)
    finally:
        store.close()
