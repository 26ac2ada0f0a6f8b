"""``M`` beyond one document: the preview looks in the open documents, then the whole library, and tags them all in one step."""

from __future__ import annotations

import pytest

from annotations.anchoring import anchor_quote
from reader.tui.app import MarginApp
from reader.tui.reading import ReadingScreen
from reader.tui.screens.mentions import MentionPreview

from .conftest import add_document

SIZE = (140, 40)
REPORT = "Annual report\n\nChina National Petroleum Corporation (CNPC) signed the deal. CNPC will report in March.\n"
MEMO = "Memo\n\nThe board met CNPC twice. Nobody else came.\n"
ARCHIVE = "Archive\n\nIn 1998 PetroChina was listed; CNPC kept the rest.\n"
UNRELATED = "Weather\n\nRain all week.\n"
ENTITY = "Organization:China National Petroleum Corporation"


@pytest.fixture
def library(store):
    report = add_document(store, REPORT, "Annual report")
    memo = add_document(store, MEMO, "Board memo")
    archive = add_document(store, ARCHIVE, "Archive notes")
    add_document(store, UNRELATED, "Weather")
    tag = store.tags.ensure(ENTITY)
    store.tags.add_alias(tag.id, "CNPC")
    store.tags.add_alias(tag.id, "PetroChina")
    first = store.annotations.create(report, anchor_quote(REPORT, "China National Petroleum Corporation"), tags=[tag.id])
    return store, (report, memo, archive), tag, first


async def settled(pilot, preview: MentionPreview) -> None:
    await pilot.pause()
    await preview.workers.wait_for_complete()
    await pilot.pause()


def rows(preview: MentionPreview) -> list[str]:
    listing = preview.query_one("#hits")
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


async def test_s_widens_to_the_open_documents_then_the_library_and_enter_tags_all_in_one_undo_step(library):
    store, (report, memo, archive), tag, first = library
    app = MarginApp(store, document_ids=[report.id, memo.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReadingScreen)
        screen.panes[0].view.move_cursor(first.start + 3)
        await pilot.press("M")
        await pilot.pause()
        preview = app.screen
        assert isinstance(preview, MentionPreview)
        assert [h.document.id for h in preview.hits] == [report.id] * 3
        assert "in this document" in preview.query_one("#dialog").border_title

        await pilot.press("s")
        await settled(pilot, preview)
        assert "in the open documents" in preview.query_one("#dialog").border_title
        assert [(h.document.id, h.exact) for h in preview.hits] == [
            (report.id, "China National Petroleum Corporation"), (report.id, "CNPC"), (report.id, "CNPC"),
            (memo.id, "CNPC"),
        ]
        shown = rows(preview)
        assert all("Annual report" in row for row in shown[:3]) and "Board memo" in shown[3]
        assert "The board met" in shown[3] and preview.tagged == [True, False, False, False]

        await pilot.press("s")
        await settled(pilot, preview)
        assert "in every document" in preview.query_one("#dialog").border_title
        assert {h.document.id for h in preview.hits} == {report.id, memo.id, archive.id}
        assert [h.exact for h in preview.hits if h.document.id == archive.id] == ["PetroChina", "CNPC"]
        assert any("Archive notes" in row for row in rows(preview))

        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReadingScreen)
        tagged = store.annotations.list(tag_ids=[tag.id])
        assert len(tagged) == 6
        assert {a.document_id for a in tagged} == {report.id, memo.id, archive.id}

        await pilot.press("u")  # one undo step takes back the five, in three documents
        await pilot.pause()
        assert [a.id for a in store.annotations.list(tag_ids=[tag.id])] == [first.id]


async def test_a_phrase_missing_here_is_offered_further_and_s_comes_back_round(library):
    store, (report, memo, archive), tag, first = library
    app = MarginApp(store, document_ids=[memo.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = app.screen.panes[0]
        pane.view.focus()
        pane.view.move_cursor(MEMO.index("Nobody"))
        await pilot.press("v", *"l" * (len("Nobody") - 1), "M")
        await pilot.pause()
        preview = app.screen
        assert isinstance(preview, MentionPreview) and len(preview.hits) == 1
        # One document open: the next scope is the whole library.
        await pilot.press("s")
        await settled(pilot, preview)
        assert "in every document" in preview.query_one("#dialog").border_title and len(preview.hits) == 1
        await pilot.press("s")  # round again: this document, as first found
        await pilot.pause()
        assert "in this document" in preview.query_one("#dialog").border_title
        assert [h.document.id for h in preview.hits] == [memo.id]


async def test_an_entity_with_no_mention_here_opens_an_empty_preview_that_looks_further(library):
    store, (report, memo, archive), tag, first = library
    elsewhere = store.tags.ensure("Organization:Sinopec")
    store.tags.add_alias(elsewhere.id, "Zhongyou")
    weather = next(d for d in store.documents.all() if d.title == "Weather")
    rain = store.annotations.create(weather, anchor_quote(UNRELATED, "Rain"), tags=[elsewhere.id])
    app = MarginApp(store, document_ids=[weather.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.panes[0].view.move_cursor(rain.start)
        await pilot.press("M")
        await pilot.pause()
        preview = app.screen
        assert isinstance(preview, MentionPreview) and preview.hits == []
        assert "s looks in every document" in preview.query_one("#hits").border_subtitle
        await pilot.press("enter")  # nothing to tag: the preview stays, nothing is written
        await pilot.pause()
        assert app.screen is preview and [a.id for a in store.annotations.list(tag_ids=[elsewhere.id])] == [rain.id]


async def test_the_entity_screen_preview_looks_from_the_open_documents_to_the_library(library):
    from reader.tui.screens.entities import EntityScreen

    store, (report, memo, archive), tag, first = library
    app = MarginApp(store, document_ids=[memo.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("T")
        await pilot.pause()
        entities = app.screen
        assert isinstance(entities, EntityScreen) and entities.current.tag.id == tag.id
        await pilot.press("M")
        await pilot.pause()
        preview = app.screen
        assert isinstance(preview, MentionPreview)
        assert [h.document.id for h in preview.hits] == [memo.id]
        await pilot.press("s")
        await settled(pilot, preview)
        assert {h.document.id for h in preview.hits} == {report.id, memo.id, archive.id}
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is entities
        assert len(store.annotations.list(tag_ids=[tag.id])) == len(preview.hits) == 6


async def test_thousands_of_mentions_list_the_first_thousand_and_tag_them_all(store):
    text = "Ledger\n\n" + "".join(f"Entry {i}: paid to CNPC.\n" for i in range(1200))
    document = add_document(store, text, "Ledger")
    tag = store.tags.ensure(ENTITY)
    store.tags.add_alias(tag.id, "CNPC")
    first = store.annotations.create(document, anchor_quote(text, "CNPC", 1), tags=[tag.id])
    app = MarginApp(store, document_ids=[document.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.panes[0].view.move_cursor(first.start + 1)
        await pilot.press("M")
        await pilot.pause()
        preview = app.screen
        assert isinstance(preview, MentionPreview) and len(preview.hits) == 1200
        listing = preview.query_one("#hits")
        assert listing.option_count == 1000
        assert "1,200 mentions (the first 1,000 listed) · 1 already tagged" in listing.border_subtitle
        await pilot.press("enter")
        await pilot.pause()
        assert len(store.annotations.list(tag_ids=[tag.id])) == 1200
        await pilot.press("u")
        await pilot.pause()
        assert [a.id for a in store.annotations.list(tag_ids=[tag.id])] == [first.id]
