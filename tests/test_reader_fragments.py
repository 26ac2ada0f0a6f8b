"""A passage in fragments in the reader: + holds a stretch, the next is selected, a tags them as one;
only the fragments are drawn, and the status line shows them joined with " … "."""

from __future__ import annotations

from annotations.anchoring import anchor_quotes
from reader.tui.app import MarginApp
from reader.tui.reading import ReadingScreen
from reader.tui.widgets.annotations_panel import AnnotationsPanel
from reader.tui.widgets.text_bar import TextBar

from .test_reader_flows import SIZE, ids, library, select  # noqa: F401  (the fixture is used by name)


async def test_hold_a_fragment_select_the_next_and_tag_them_as_one_passage(library):
    app = MarginApp(library, document_ids=ids(library))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReadingScreen)
        pane = screen.panes[0]
        await select(pilot, screen, 0, "The closure")
        await pilot.press("plus")
        await pilot.pause()
        assert pane.held_fragments and pane.view.selected_span is None
        assert "in fragments" in str(pane.query_one(".pane-status", TextBar).text)
        await select(pilot, screen, 0, "a precaution")
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Claim/Safety", "enter")
        await pilot.pause()
        (annotation,) = library.annotations.list()
        assert annotation.quote == "The closure … a precaution"
        assert [t.name for t in annotation.tags] == ["Claim/Safety"] and pane.held_fragments == []
        first, second = annotation.fragments
        gap = (first.end + second.start) // 2
        # Only the fragments are drawn: the words between them are not highlighted.
        assert pane.view.highlights_at(first.start) and pane.view.highlights_at(second.start)
        assert not pane.view.highlights_at(gap)
        pane.view.move_cursor(second.start + 1)
        await pilot.pause()
        assert "The closure … a precaution" in str(pane.query_one(".pane-status", TextBar).text)


async def test_esc_drops_held_fragments_and_plus_without_a_selection_says_what_to_do(library):
    app = MarginApp(library, document_ids=ids(library))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        pane = screen.panes[0]
        pane.view.focus()
        await pilot.press("plus")
        await pilot.pause()
        assert pane.held_fragments == []
        await select(pilot, screen, 0, "The closure")
        await pilot.press("plus")
        await pilot.pause()
        assert pane.held_fragments
        await pilot.press("escape")
        await pilot.pause()
        # esc drops the held fragments first; the reading screen stays.
        assert pane.held_fragments == [] and library.annotations.list() == [] and app.screen is screen


async def test_a_passage_in_fragments_made_elsewhere_is_drawn_only_where_its_fragments_are(library):
    document = library.documents.resolve("Notice of Temporary")
    text = library.documents.text(document.version_id)
    anchor, fragments = anchor_quotes(text, ["The closure", "precaution"])
    made = library.annotations.create(document, anchor, fragments=fragments, tags=["Claim"])
    app = MarginApp(library, document_ids=ids(library))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = app.screen.panes[0]
        for _ in range(50):
            if pane.spans:
                break
            await pilot.pause(0.05)
        assert [(s.start, s.end) for s in pane.spans] == [(f.start, f.end) for f in made.fragments]
        assert not pane.view.highlights_at(fragments[0].end + 2)
        await pilot.press("p")  # the panel lists it as its fragments joined
        await pilot.pause()
        listing = app.screen.query_one(AnnotationsPanel).query_one("OptionList")
        shown = str(listing.get_option_at_index(0).prompt)
        assert "The closure … precaution" in shown


async def test_a_link_from_held_fragments_starts_from_one_passage_in_fragments(library):
    app = MarginApp(library, document_ids=ids(library))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        article = screen.panes[1]
        await select(pilot, screen, 1, "not expected")
        await pilot.press("plus")
        await pilot.pause()
        await select(pilot, screen, 1, "before May")
        await pilot.press("L")
        await pilot.pause()
        await select(pilot, screen, 0, "until 28 April")
        await pilot.press("L")
        await pilot.pause()
        await pilot.press(*"contradicts", "enter")
        await pilot.pause()
        (source,) = [a for a in library.annotations.list() if a.fragments]
        assert source.quote == "not expected … before May" and article.held_fragments == []
        assert [l.relation for l in library.links.for_annotations([source.id])] == ["contradicts"]
