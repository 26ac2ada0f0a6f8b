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
