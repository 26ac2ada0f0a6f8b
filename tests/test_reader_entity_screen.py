"""The entity screen (T): every entity with its names and mentions; aliases, rename, merge, tag all, jump."""

from __future__ import annotations

import pytest

from annotations.anchoring import anchor_quote
from reader.tui.app import MarginApp
from reader.tui.reading import ReadingScreen
from reader.tui.screens.aliases import AliasDialog
from reader.tui.screens.choices import ChoicePicker
from reader.tui.screens.entities import LOCKED, EntityScreen
from reader.tui.screens.library import LibraryScreen
from reader.tui.screens.mentions import MentionPreview
from reader.tui.screens.path_prompt import PathPrompt

from .conftest import add_document
from .test_reader_entities import ENTITY, REPORT, SIZE

OTHER = "Later notes\n\nThe talks with Petro China went on, and PetroChina paid.\n"


@pytest.fixture
def library(store):
    report = add_document(store, REPORT, "Annual report")
    notes = add_document(store, OTHER, "Later notes")
    tag = store.tags.ensure(ENTITY)
    store.tags.add_alias(tag.id, "CNPC")
    store.tags.add_alias(tag.id, "PetroChina")
    store.tags.add_identifier(tag.id, "Wikidata:Q1075468")
    other = store.tags.ensure("Organization:Petro China")
    first = store.annotations.create(report, anchor_quote(REPORT, "PetroChina"), tags=[tag.id])
    store.annotations.create(notes, anchor_quote(OTHER, "Petro China"), tags=[other.id])
    store.tags.ensure("Person:Ada Lovelace")
    return store, report, notes, tag, other, first


def rows(screen: EntityScreen) -> list[str]:
    listing = screen.query_one("#entities")
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


async def open_entities(pilot, app) -> EntityScreen:
    await pilot.pause()
    await pilot.press("T")
    await pilot.pause()
    assert isinstance(app.screen, EntityScreen)
    return app.screen


async def highlight(pilot, screen: EntityScreen, name: str) -> None:
    listing = screen.query_one("#entities")
    for _ in range(listing.option_count):
        if screen.current is not None and screen.current.tag.name == name:
            return
        await pilot.press("down")
    raise AssertionError(f"{name} is not listed")


async def test_entities_by_type_with_names_identifiers_and_counts_here_and_in_all(library):
    store, report, notes, tag, other, first = library
    app = MarginApp(store, document_ids=[report.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_entities(pilot, app)
        listed = rows(screen)
        assert listed[0] == "Organization" and listed[3] == "Person"  # a line per type, by type then name
        assert "China National Petroleum Corporation  1 / 1  also CNPC, PetroChina  Wikidata:Q1075468" in listed[1]
        assert "Petro China  0 / 1" in listed[2]  # none here, one in the other document
        detail = str(screen.query_one("#detail").render())
        assert "Annual report 1" in detail and "first: Annual report · “PetroChina”" in detail

        await highlight(pilot, screen, "Petro China")
        await pilot.press("enter")  # to the first mention, in a document not open yet: it opens there
        reading = app.screen
        for _ in range(40):
            await pilot.pause(0.05)
            if any(p.document.id == notes.id and p.view.cursor > 0 for p in reading.panes):
                break
        assert isinstance(reading, ReadingScreen)
        assert [p.view.cursor for p in reading.panes if p.document.id == notes.id] == [OTHER.index("Petro China")]
    app = MarginApp(store, document_ids=[report.id, notes.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_entities(pilot, app)
        await highlight(pilot, screen, "Petro China")
        await pilot.press("enter")  # jump to the first mention, in the other pane
        await pilot.pause()
        reading = app.screen
        assert isinstance(reading, ReadingScreen)
        assert reading.active.document.id == notes.id and reading.active.view.cursor == OTHER.index("Petro China")


async def test_from_the_library_enter_opens_the_first_mentions_document_at_it(library):
    store, report, notes, tag, other, first = library
    app = MarginApp(store, watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_entities(pilot, app)
        await highlight(pilot, screen, "Petro China")
        await pilot.press("enter")
        reading = None
        for _ in range(40):
            await pilot.pause(0.05)
            reading = app.screen
            if isinstance(reading, ReadingScreen) and reading.panes and reading.panes[0].view.cursor > 0:
                break
        assert isinstance(reading, ReadingScreen)
        assert reading.panes[0].document.id == notes.id and reading.panes[0].view.cursor == OTHER.index("Petro China")


async def test_merge_from_the_screen_is_one_step_that_u_takes_back(library):
    store, report, notes, tag, other, first = library
    app = MarginApp(store, document_ids=[report.id, notes.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_entities(pilot, app)
        await highlight(pilot, screen, "Petro China")
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ChoicePicker)
        for key in "National":
            await pilot.press(key)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        merged = store.tags.get(tag.id)
        assert merged.aliases == ("CNPC", "PetroChina", "Petro China") and store.tags.find("Petro China").id == tag.id
        assert "China National Petroleum Corporation  2 / 2" in rows(screen)[1] and len(rows(screen)) == 4
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert store.tags.find("Petro China").id == other.id and store.tags.get(tag.id).aliases == ("CNPC", "PetroChina")
        assert [t.id for a in store.annotations.list(document_ids=[notes.id]) for t in a.tags] == [other.id]


async def test_rename_aliases_and_tag_every_mention_from_the_library(library):
    store, report, notes, tag, other, first = library
    app = MarginApp(store, watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        screen = await open_entities(pilot, app)
        await highlight(pilot, screen, "Ada Lovelace")
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, PathPrompt)
        await pilot.press(*" (1815)", "enter")
        await pilot.pause()
        assert store.tags.find("Ada Lovelace (1815)") is not None and screen.current.tag.name == "Ada Lovelace (1815)"

        await highlight(pilot, screen, "China National Petroleum Corporation")
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AliasDialog)
        await pilot.press(*"CNPC Ltd", "enter", "escape")
        await pilot.pause()
        assert store.tags.get(tag.id).aliases[-1] == "CNPC Ltd" and "CNPC Ltd" in rows(screen)[1]

        await pilot.press("M")  # every document, from the library
        await pilot.pause()
        preview = app.screen
        assert isinstance(preview, MentionPreview)
        assert {h.document.id for h in preview.hits} == {report.id, notes.id}
        assert preview.tagged.count(True) == 1  # the PetroChina already tagged
        listed = [str(preview.query_one("#hits").get_option_at_index(i).prompt) for i in range(len(preview.hits))]
        assert listed[0].startswith("Annual report") and listed[-1].startswith("Later notes")  # which document
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert len(store.annotations.list(tag_ids=[tag.id])) == len(preview.hits)


async def test_a_locked_codebook_refuses_names_in_one_line_and_changes_nothing(library):
    store, report, notes, tag, other, first = library
    store.db.execute("INSERT INTO packs (id, role, title, locked, created) VALUES ('p', 'copy', 'Week 1', 1, 'now')")
    store.db.conn.commit()
    app = MarginApp(store, document_ids=[report.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_entities(pilot, app)
        for key in ("a", "r", "m"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen, key
        said = [n.message for n in app._notifications]
        assert said.count(LOCKED) >= 1 and "\n" not in LOCKED
        assert store.tags.get(tag.id).aliases == ("CNPC", "PetroChina") and store.tags.find("Petro China").id == other.id


def test_only_a_passage_that_could_be_a_name_is_offered_as_an_alias(library):
    from reader.tui.screens.alias_offer import alias_offers

    store, report, notes, tag, other, first = library
    entity = store.tags.get(tag.id)
    assert alias_offers(store, [entity], "the listed arm") == []  # words about it, not a name
    assert alias_offers(store, [entity], "the PetroChina arm") == [(entity, "the PetroChina arm")]
    assert alias_offers(store, [entity], "中国石油") == [(entity, "中国石油")]  # a script without capitals
    assert alias_offers(store, [entity], "Analysts said the offer was low, and then left") == []  # a sentence
    assert alias_offers(store, [entity, entity], "CNPC Ltd’s") == [(entity, "CNPC Ltd")]  # once, no possessive
    assert alias_offers(store, [store.tags.ensure("Theme/Oil")], "crude") == []  # topics have no names to add
    assert alias_offers(store, [entity], "Petro\x1b[2JChina") == []  # a terminal control is no part of a name
    assert alias_offers(store, [entity], "Petro\u202eChina") == []  # nor is a direction override
    assert alias_offers(store, [entity], "Petro\nChina") == [(entity, "Petro China")]  # a name across a line


def test_a_locked_codebook_keeps_its_aliases_from_the_command_line_too(library):
    from annotations.errors import MarginError

    store, report, notes, tag, other, first = library
    store.db.execute("INSERT INTO packs (id, role, title, locked, created) VALUES ('p', 'copy', 'Week 1', 1, 'now')")
    store.db.conn.commit()
    for change in (lambda: store.tags.remove_alias(tag.id, "CNPC"), lambda: store.tags.add_alias(tag.id, "X"),
                   lambda: store.merging.merge(other.id, tag.id)):
        with pytest.raises(MarginError, match="locked"):
            change()
    assert store.tags.get(tag.id).aliases == ("CNPC", "PetroChina")
