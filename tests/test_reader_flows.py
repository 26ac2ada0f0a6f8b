"""The reader's flows, driven by keys through Textual's Pilot, checked against the store."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.store import Store
from reader.tui.app import MarginApp
from reader.tui.screens.choices import ChoicePicker
from reader.samples.demo import seed_demo
from reader.formats import read_source
from reader.tui.screens.library import LibraryScreen
from reader.tui.reading import ReadingScreen
from reader.tui.widgets.annotations_panel import AnnotationsPanel
from reader.tui.widgets.text_bar import TextBar

from .conftest import fixed_clock, import_samples

SIZE = (140, 40)


@pytest.fixture
def library(tmp_path) -> Store:
    store = Store.open(tmp_path / "reader.db", author="ada", clock=fixed_clock())
    import_samples(store)
    yield store
    store.close()


def ids(store: Store) -> list[str]:
    by_title = {d.title: d.id for d in store.documents.all()}
    return [by_title["Notice of Temporary Closure: Eastquay Harbour Footbridge"], by_title["Harbour Bridge Shut After Safety Scare"]]


async def select(pilot, screen: ReadingScreen, pane_index: int, quote: str) -> None:
    """Put the cursor at the quote's start and select it with v and motions, as a person would."""
    pane = screen.panes[pane_index]
    pane.view.focus()
    start = pane.text.index(quote)
    pane.view.move_cursor(start)
    await pilot.press("v")  # v selects the character under the cursor; l extends by one
    for _ in range(len(quote) - 1):
        await pilot.press("l")
    await pilot.pause()


async def test_select_and_tag_with_a_new_topic_and_entity(library):
    app = MarginApp(library, document_ids=ids(library))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReadingScreen) and len(screen.panes) == 2
        await select(pilot, screen, 0, "The closure is a precaution.")
        assert screen.panes[0].view.selected_span is not None
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Claim/Safety", "enter")
        await pilot.pause()
        (annotation,) = library.annotations.list()
        assert annotation.exact == "The closure is a precaution."
        assert [t.name for t in annotation.tags] == ["Claim/Safety"]
        # the highlight is drawn and the status line names its tag
        assert screen.panes[0].view.highlights_at(annotation.start + 2)
        screen.panes[0].view.move_cursor(annotation.start + 4)
        await pilot.press("a")  # cursor is on the highlight: edit its tags
        await pilot.pause()
        await pilot.press(*"Organization:Port Authority", "enter")
        await pilot.pause()
        tags = {t.label for t in library.annotations.get(annotation.id).tags}
        assert "Organization: Port Authority" in tags


async def test_note_then_undo_and_redo(library):
    app = MarginApp(library, document_ids=ids(library))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await select(pilot, screen, 1, "Mara Ilves")
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"Only named source", "ctrl+s")
        await pilot.pause()
        (annotation,) = library.annotations.list()
        assert annotation.note == "Only named source" and annotation.exact == "Mara Ilves"
        await pilot.press("u")
        await pilot.pause()
        assert library.annotations.list() == []
        assert not screen.panes[1].view.highlights_at(annotation.start)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert [a.id for a in library.annotations.list()] == [annotation.id]
        await pilot.press("x")
        await pilot.pause()
        assert library.annotations.list() == []


async def test_link_across_panes_and_follow(library):
    app = MarginApp(library, document_ids=ids(library))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await select(pilot, screen, 1, "not expected to reopen before May")
        await pilot.press("L")
        await pilot.pause()
        assert screen.active is screen.panes[0]  # focus moved to the other pane
        await select(pilot, screen, 0, "until 28 April")
        await pilot.press("L")
        await pilot.pause()
        await pilot.press(*"contradicts", "enter")
        await pilot.pause()
        source, target = sorted(library.annotations.list(), key=lambda a: a.exact)
        links = library.links.for_annotations([source.id])
        assert [l.relation for l in links] == ["contradicts"]
        assert {links[0].source_id, links[0].target_id} == {source.id, target.id}
        # follow from the article's passage back to the notice
        article = screen.panes[1]
        article.view.focus()
        article.view.move_cursor(article.text.index("not expected") + 3)
        await pilot.press("f")
        await pilot.pause()
        assert screen.active is screen.panes[0]
        assert screen.panes[0].view.cursor == screen.panes[0].text.index("until 28 April")


async def test_search_moves_between_hits_and_clears(library):
    app = MarginApp(library, document_ids=ids(library))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        pane = screen.panes[0]
        await pilot.press("slash", *"customs house", "enter")
        await pilot.pause()
        hits = [i for i in range(len(pane.text)) if pane.text.lower().startswith("customs house", i)]
        assert len(hits) == 2 and pane.search_hits[0][0] == hits[0]
        assert pane.view.cursor == hits[0]
        assert "hit 1 of 2" in str(pane.query_one(".pane-status", TextBar).text)
        await pilot.press("n")
        assert pane.view.cursor == hits[1]
        assert "hit 2 of 2" in str(pane.query_one(".pane-status", TextBar).text)
        await pilot.press("n")
        assert pane.view.cursor == hits[0]
        await pilot.press("N")
        assert pane.view.cursor == hits[1]
        await pilot.press("escape")
        await pilot.pause()
        assert pane.search_hits == []
        assert isinstance(app.screen, ReadingScreen)


async def test_resize_keeps_reading_position(library):
    app = MarginApp(library, document_ids=ids(library))
    async with app.run_test(size=(120, 20)) as pilot:
        view = app.screen.panes[0].view
        await pilot.press("pagedown")
        await pilot.pause()
        top = view.top_offset
        assert top > 0
        await pilot.resize_terminal(70, 20)
        await pilot.pause()
        await pilot.pause()
        new_top = view.top_offset
        assert new_top <= top < new_top + 200  # the same passage is still at the top


async def test_export_from_the_app_matches_the_cli(library, tmp_path):
    from annotations.export.gather import markdown_export

    seeded = seed_demo(library)
    app = MarginApp(library, document_ids=[d.id for d in seeded])
    out = tmp_path / "from-app.md"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+e")
        await pilot.pause()
        prompt = app.screen.query_one("Input")
        prompt.value = str(out)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert out.exists()
    expected, count = markdown_export(library, document_refs=[d.id for d in seeded])
    assert out.read_text(encoding="utf-8") == expected and count == 7


async def test_export_from_the_app_asks_before_replacing_a_file(library, tmp_path):
    seeded = seed_demo(library)
    app = MarginApp(library, document_ids=[d.id for d in seeded])
    out = tmp_path / "notes.md"
    out.write_text("my own notes\n", encoding="utf-8")

    async def export(answer: str) -> None:
        await pilot.press("ctrl+e")
        await pilot.pause()
        app.screen.query_one("Input").value = str(out)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChoicePicker)  # asked, not replaced
        await pilot.press(*answer)  # typing filters the choices to the one named
        await pilot.pause()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()

    async with app.run_test(size=SIZE) as pilot:
        await export("keep")
        assert out.read_text(encoding="utf-8") == "my own notes\n"
        await export("replace")
        assert out.read_text(encoding="utf-8").startswith("---\n")


async def test_library_screen_opens_marked_documents_side_by_side(library):
    app = MarginApp(library)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press("space", "down", "space", "o")
        await pilot.pause()
        assert isinstance(app.screen, ReadingScreen)
        assert len(app.screen.panes) == 2
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)


async def test_reading_position_is_remembered_across_runs(library):
    document_ids = ids(library)
    app = MarginApp(library, document_ids=document_ids)
    async with app.run_test(size=(100, 15)) as pilot:
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        top = app.screen.panes[0].view.top_offset
        assert top > 0
    assert library.reading.position(document_ids[0]) == top
    again = MarginApp(library, document_ids=document_ids)
    async with again.run_test(size=(100, 15)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert again.screen.panes[0].view.top_offset == top


async def test_annotations_panel_lists_and_jumps(library):
    seeded = seed_demo(library)
    app = MarginApp(library, document_ids=[d.id for d in seeded])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await app.workers.wait_for_complete()  # the panel is filled from a worker
        await pilot.pause()
        panel = app.screen.query_one(AnnotationsPanel)
        listing = panel.query_one("OptionList")
        assert listing.option_count == 3  # the notice's three annotations
        await pilot.press("down", "enter")
        await pilot.pause()
        pane = app.screen.panes[0]
        annotations = sorted(library.annotations.list(document_ids=[seeded[0].id]), key=lambda a: a.start)
        assert pane.view.cursor == annotations[1].start


async def test_help_and_palette_come_from_the_bindings(library):
    app = MarginApp(library, document_ids=ids(library))
    async with app.run_test(size=SIZE) as pilot:
        from reader.tui.actions import current_actions

        descriptions = {a.description for a in current_actions(app.screen)}
        assert {"Tag", "Note", "Undo", "Link", "Search", "Export", "Help", "Quit"} <= descriptions
        await pilot.press("question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReadingScreen)


async def test_each_key_means_one_thing_n_steps_through_hits_c_writes_a_note(library):
    app = MarginApp(library, document_ids=ids(library))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        pane = screen.panes[0]
        await pilot.press("n")  # no search yet: n says so, and writes nothing
        await pilot.pause()
        assert type(app.screen).__name__ == "ReadingScreen"
        assert any("/ searches" in n.message for n in app._notifications)
        await pilot.press("slash", *"shuttle", "enter")
        await pilot.pause()
        assert pane.search_hits
        await pilot.press("v", *"llllll", "n")  # n during a selection still moves to the next hit
        await pilot.pause()
        assert type(app.screen).__name__ == "ReadingScreen" and not library.annotations.list()
        await pilot.press("escape", "v", *"llllll", "c")  # c writes a note, search or not
        await pilot.pause()
        assert type(app.screen).__name__ == "NoteEditor"
        await pilot.press(*"boat", "ctrl+s")
        await pilot.pause()
        (annotation,) = library.annotations.list()
        assert annotation.exact == "shuttle" and annotation.note == "boat"


async def test_keys_act_on_the_last_focused_pane_while_the_panel_has_focus(library):
    seeded = seed_demo(library)
    app = MarginApp(library, document_ids=[d.id for d in seeded])
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        notice, article = screen.panes
        target = next(a for a in library.annotations.list(document_ids=[article.document.id]) if a.exact == "Mara Ilves")
        article.view.focus()
        article.view.move_cursor(target.start + 1)
        notice_start = min(a.start for a in library.annotations.list(document_ids=[notice.document.id]))
        notice.view.move_cursor(notice_start + 1)
        await pilot.press("p")
        await app.workers.wait_for_complete()  # the panel is filled from a worker
        await pilot.pause()
        assert screen.query_one(AnnotationsPanel).query_one("OptionList").option_count == 4  # the article's
        await pilot.press("delete")  # letters would go to the panel's filter; delete reaches the reader
        await pilot.pause()
        assert library.annotations.get(target.id).deleted
        assert all(not a.deleted for a in library.annotations.list(document_ids=[notice.document.id]))


async def test_closing_the_pane_a_link_starts_from_cancels_the_link(library):
    app = MarginApp(library, document_ids=ids(library))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await select(pilot, screen, 0, "until 28 April")
        await pilot.press("L")
        await pilot.pause()
        screen.panes[0].view.focus()
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert len(screen.panes) == 1 and screen.on_demand.links.source is None
        await select(pilot, screen, 0, "Mara Ilves")
        await pilot.press("L")  # nothing to link from now: a warning, no crash
        await pilot.pause()
        assert library.links.for_annotations([a.id for a in library.annotations.list()]) == []


async def test_deleting_a_highlight_removed_elsewhere_does_not_crash(library, tmp_path):
    seeded = seed_demo(library)
    app = MarginApp(library, document_ids=[d.id for d in seeded])
    async with app.run_test(size=SIZE) as pilot:
        pane = app.screen.panes[1]
        target = next(a for a in library.annotations.list(document_ids=[pane.document.id]) if a.exact == "Mara Ilves")
        pane.view.focus()
        pane.view.move_cursor(target.start + 1)
        other = Store.open(library.path, author="bob")
        other.annotations.delete(target.id)
        other.close()
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ReadingScreen)
        assert not pane.view.highlights_at(target.start + 1)


async def test_library_search_opens_the_document_at_the_hit(library):
    app = MarginApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("S")
        await pilot.pause()
        app.screen.query_one("Input").value = "ratepayers"
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "ChoicePicker"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReadingScreen)
        pane = screen.panes[0]
        assert pane.document.title == "Harbour Bridge Shut After Safety Scare"
        assert pane.text[pane.view.cursor :].startswith("ratepayers")


@pytest.mark.parametrize("choose", ["typed", "arrows at once"])
async def test_outline_jumps_to_a_heading(library, choose):
    from textual import events

    app = MarginApp(library, document_ids=ids(library))
    async with app.run_test(size=SIZE) as pilot:
        pane = app.screen.panes[0]
        await pilot.press("t")
        await pilot.pause()
        if choose == "typed":
            await pilot.press(*"cost")
        else:
            # A terminal hands over keys typed quickly in one read: the first down goes from the filter to
            # the list, and the ones right behind it must reach the list, not the filter again.
            for _ in range(4):  # the fourth heading: the first is the current one
                app.post_message(events.Key("down", None))
            await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert pane.text[pane.view.cursor :].startswith("Cost and funding")
        assert pane.view.top_offset <= pane.view.cursor


async def test_synced_scrolling_moves_the_other_pane(library):
    app = MarginApp(library, document_ids=ids(library))
    async with app.run_test(size=(140, 16)) as pilot:
        left, right = app.screen.panes
        await pilot.press("pagedown")
        await pilot.pause()
        assert right.view.scroll_y == 0
        await pilot.press("s")
        await pilot.pause()
        assert right.view.scroll_y == 0  # turning sync on moves nothing
        assert "⇅" in str(left.query_one(".pane-title").render())
        before = left.view.scroll_y
        await pilot.press("pagedown")
        await pilot.pause()
        share = (left.view.scroll_y - before) / left.view.max_scroll_y
        assert right.view.scroll_y > 0
        assert abs(right.view.scroll_y / right.view.max_scroll_y - share) < 0.1


async def test_open_a_third_document_beside_the_others(library, tmp_path):
    source = read_source(Path(__file__).resolve().parents[1] / "README.md")
    library.documents.import_loaded(str(source.path), source.sha256, source.document)
    app = MarginApp(library, document_ids=ids(library))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await pilot.pause()
        app.screen.query_one("Input").value = "margin"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert [p.document.title for p in app.screen.panes][-1] == "margin"
        assert len(app.screen.panes) == 3


async def test_typing_in_the_panel_filters_instead_of_running_reader_keys(library):
    seeded = seed_demo(library)
    app = MarginApp(library, document_ids=[d.id for d in seeded])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await pilot.pause()
        panel = app.screen.query_one(AnnotationsPanel)
        assert panel.query_one("OptionList").has_focus
        await pilot.press("x", "o", "d")
        await pilot.pause()
        assert panel.query_one("Input").value == "xod"
        assert len(library.annotations.list()) == 7  # nothing deleted
        assert isinstance(app.screen, ReadingScreen)  # no dialog opened


async def test_escape_to_the_library_and_back_keeps_the_panes(library):
    app = MarginApp(library, document_ids=ids(library))
    async with app.run_test(size=SIZE) as pilot:
        reading = app.screen
        reading.panes[1].view.focus()
        await pilot.press("pagedown")
        top = reading.panes[1].view.top_offset
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is reading and len(reading.panes) == 2
        assert reading.panes[1].view.top_offset == top
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter")  # open one document from the library: it replaces the pair
        await pilot.pause()
        assert isinstance(app.screen, ReadingScreen) and len(app.screen.panes) == 1
        assert app.screen_stack == [app.screen]  # it replaced the first screen: nothing piles up below
        assert app.screen is not reading


async def test_starting_a_selection_says_so_before_the_first_move(library):
    app = MarginApp(library, document_ids=ids(library))
    async with app.run_test(size=SIZE) as pilot:
        pane = app.screen.panes[0]
        await pilot.press("v")
        await pilot.pause()
        assert "selecting" in str(pane.query_one(".pane-status", TextBar).text)
        await pilot.press("l", "l")
        await pilot.pause()
        assert "selected 3 characters" in str(pane.query_one(".pane-status", TextBar).text)  # both ends included


async def test_what_a_key_may_do_follows_the_pane_focus_entered_last(library):
    notice_id, article_id = ids(library)
    notice = library.documents.get(notice_id)
    text = library.documents.text(notice.version_id)
    from annotations.anchoring import anchor_quote

    first = library.annotations.create(notice, anchor_quote(text, "until 28 April"))
    second = library.annotations.create(notice, anchor_quote(text, "The closure is a precaution"))
    library.links.create(first.id, second.id, "see-also")
    app = MarginApp(library, document_ids=[notice_id, article_id])
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.active is screen.panes[0]
        assert screen.check_action("follow", ()) is True  # the notice holds linked highlights
        await pilot.press("tab")
        await pilot.pause()
        assert screen.active is screen.panes[1]
        assert screen.check_action("follow", ()) is False  # the article holds none
        await pilot.press("p")  # the panel takes focus; keys still act on the article
        await pilot.pause()
        assert screen.check_action("follow", ()) is False


async def test_the_first_frame_holds_no_search_box_nor_panel_list_and_both_come_when_asked(library):
    # Neither is on screen at first, and making them (with their styles) took time from the first frame.
    from textual.widgets import Input, OptionList

    app = MarginApp(library, document_ids=ids(library)[:1], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        pane = screen.panes[0]
        assert not screen.query(Input) and not screen.query(OptionList)
        await pilot.press("slash")
        await pilot.pause()
        assert pane.search_box().has_focus and pane.search_box().has_class("visible")
        await pilot.press(*"shuttle", "enter")
        await pilot.pause()
        assert pane.search_hits and not pane.search_box().has_class("visible") and pane.view.has_focus
        await pilot.press("p")
        await pilot.pause()
        panel = screen.query_one(AnnotationsPanel)
        assert panel.has_class("visible") and panel.query_one(OptionList).has_focus
        assert len(screen.query(Input)) == 2  # the pane's box, made once, and the panel's filter


async def test_a_move_made_before_the_first_layout_is_not_undone(library):
    """The reading position is restored once the view has its width; a move made before that stands."""
    document_id = ids(library)[0]
    text = library.documents.text(library.documents.get(document_id).version_id)
    library.reading.remember(document_id, len(text) // 2)
    app = MarginApp(library, document_ids=[document_id])
    async with app.run_test(size=SIZE) as pilot:
        pane = app.screen.panes[0]
        pane.view.move_cursor(10)  # as a key pressed at once would
        for _ in range(3):
            await pilot.pause()
        assert pane.view.cursor == 10


async def test_only_the_rightmost_pane_goes_without_a_border_as_panes_open_and_close(library):
    def borders(screen: ReadingScreen) -> list[bool]:
        return [pane.styles.border_right[0] not in ("", "none") for pane in screen.panes]

    first, second = ids(library)
    app = MarginApp(library, document_ids=[first, second], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReadingScreen)
        await pilot.pause()
        assert borders(screen) == [True, False]
        screen.panes[1].view.focus()
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert borders(screen) == [False]  # the one left is the rightmost now
        screen.deck.open(second)
        await pilot.pause()
        await pilot.pause()
        assert borders(screen) == [True, False]

