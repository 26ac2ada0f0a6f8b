"""Entity work in the reader: tag every mention from a preview, review suggestions, edit aliases."""

from __future__ import annotations

import pytest

from annotations.anchoring import anchor_quote
from reader.tui.app import MarginApp
from reader.tui.reading import ReadingScreen
from reader.tui.reading.targets import annotations_at
from reader.tui.screens.alias_offer import AliasOffer
from reader.tui.screens.aliases import AliasDialog
from reader.tui.screens.mentions import MentionPreview
from reader.tui.screens.suggestions import SuggestionReview
from reader.tui.screens.tag_picker import TagPicker

from .conftest import add_document

SIZE = (140, 40)
REPORT = (
    "Annual report\n\nChina National Petroleum Corporation (CNPC) signed the deal. "
    "Analysts said CNPC’s offer was low.\n\nLater, PetroChina, the listed arm, "
    "confirmed it. CNPC will\nreport again in March.\n"
)
ENTITY = "Organization:China National Petroleum Corporation"


@pytest.fixture
def library(store):
    document = add_document(store, REPORT, "Annual report")
    tag = store.tags.ensure(ENTITY)
    store.tags.add_alias(tag.id, "CNPC")
    store.tags.add_alias(tag.id, "PetroChina")
    first = store.annotations.create(document, anchor_quote(REPORT, "China National Petroleum Corporation"), tags=[tag.id])
    return store, document, tag, first


async def _reading(pilot, app) -> ReadingScreen:
    await pilot.pause()
    assert isinstance(app.screen, ReadingScreen)
    return app.screen


async def test_tag_every_mention_previews_in_context_and_tags_all_in_one_undo_step(library):
    store, document, tag, first = library
    app = MarginApp(store, document_ids=[document.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _reading(pilot, app)
        pane = screen.panes[0]
        pane.view.move_cursor(first.start + 3)
        await pilot.press("M")
        await pilot.pause()
        preview = app.screen
        assert isinstance(preview, MentionPreview)
        # every name and alias, the possessive and the line break included; the tagged one marked
        assert [h.exact for h in preview.hits] == [
            "China National Petroleum Corporation", "CNPC", "CNPC", "PetroChina", "CNPC",
        ]
        assert preview.tagged == [True, False, False, False, False]
        rows = [str(preview.query_one("#hits").get_option_at_index(i).prompt) for i in range(5)]
        assert rows[0].startswith("✓ ") and "Analysts said" in rows[2] and "offer was low" in rows[2]
        assert "4" in str(preview.query_one("#tag").render()) and ENTITY in str(preview.query_one("#tag").render())

        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReadingScreen)
        tagged = store.annotations.list(document_ids=[document.id], tag_ids=[tag.id])
        assert len(tagged) == 5
        assert sorted(a.exact for a in tagged).count("CNPC") == 3

        await pilot.press("u")  # one step takes back all four
        await pilot.pause()
        assert [a.id for a in store.annotations.list(document_ids=[document.id])] == [first.id]


async def test_tag_every_mention_of_a_selection_asks_for_a_tag(library):
    store, document, tag, first = library
    app = MarginApp(store, document_ids=[document.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _reading(pilot, app)
        pane = screen.panes[0]
        pane.view.focus()
        pane.view.move_cursor(REPORT.index("listed arm"))
        await pilot.press("v", *"l" * (len("listed arm") - 1), "M")
        await pilot.pause()
        preview = app.screen
        assert isinstance(preview, MentionPreview) and len(preview.hits) == 1
        assert "no tag chosen" in str(preview.query_one("#tag").render())
        await pilot.press("enter")  # no tag yet: the tag picker opens first
        await pilot.pause()
        assert isinstance(app.screen, TagPicker)
        await pilot.press(*"Theme/Structure", "enter")
        await pilot.pause()
        assert app.screen is preview and preview.tags == ["Theme/Structure"]
        await pilot.press("enter")
        await pilot.pause()
        made = [a for a in store.annotations.list(document_ids=[document.id]) if a.exact == "listed arm"]
        assert [t.name for t in made[0].tags] == ["Theme/Structure"]


async def test_suggestions_are_faint_marks_reviewed_in_context(library):
    store, document, tag, first = library
    from annotations.candidates import rule_candidates

    store.suggestions.add(document, store.suggestions.alias_candidates(document))
    store.suggestions.add(document, rule_candidates(REPORT))
    suggested = store.suggestions.list(document_ids=[document.id])
    assert suggested
    count_before = len(store.annotations.list(document_ids=[document.id]))
    app = MarginApp(store, document_ids=[document.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _reading(pilot, app)
        pane = screen.panes[0]
        await pilot.pause()
        assert {m[2] for m in pane.suggestion_marks} == {s.id for s in suggested}
        analysts = REPORT.index("CNPC’s")
        faint = [h for h in pane.view.highlights_at(analysts) if h.faint]
        assert faint  # drawn, but never taken for an annotation
        assert annotations_at(store, pane, analysts) == []
        assert len(pane.spans) == count_before

        await pilot.press("Y")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, SuggestionReview)
        assert [s.id for s in review.open] == [s.id for s in suggested]
        row = str(review.query_one("#suggestions").get_option_at_index(0).prompt)
        assert suggested[0].exact.split()[0] in row and "proposed" in str(review.query_one("#detail").render())

        await pilot.press("x")  # reject the first: never proposed again
        await pilot.pause()
        assert store.suggestions.resolve(suggested[0].id).status == "rejected"
        assert suggested[0].id not in [s.id for s in review.open]

        first_open = review.open[0]
        await pilot.press("a")
        await pilot.pause()
        assert store.suggestions.resolve(first_open.id).status == "accepted"
        assert len(store.annotations.list(document_ids=[document.id])) == count_before + 1

        source = review.open[0].source
        left = [s for s in review.open if s.source != source]
        await pilot.press("A")  # every open one from that source, one step
        await pilot.pause()
        assert all(store.suggestions.resolve(s.id).status == "open" for s in left)
        assert not store.suggestions.list(document_ids=[document.id], source=source)
        if not left:
            assert isinstance(app.screen, ReadingScreen)
        else:
            await pilot.press("escape")
            await pilot.pause()
        assert {m[2] for m in pane.suggestion_marks} == {s.id for s in left}


async def test_accepting_a_new_surface_form_adds_it_as_an_alias(library):
    store, document, tag, first = library
    from annotations.candidates import Candidate

    start = REPORT.index("Analysts")
    store.suggestions.add(document, [Candidate(start, start + len("Analysts"), ENTITY, "rules", 0.5)])
    app = MarginApp(store, document_ids=[document.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await _reading(pilot, app)
        await pilot.press("Y")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AliasOffer)  # offered, never added unasked
        assert "Analysts" not in store.tags.get(tag.id).aliases
        assert "“Analysts” is not yet a name of Organization: China National" in str(app.screen.query_one("#names").render())
        await pilot.press("y")
        await pilot.pause()
        assert "Analysts" in store.tags.get(tag.id).aliases
        assert isinstance(app.screen, ReadingScreen)  # nothing left open: the review closed


async def test_suggest_key_runs_on_a_worker_and_changes_no_annotation(library):
    store, document, tag, first = library
    app = MarginApp(store, document_ids=[document.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _reading(pilot, app)
        await pilot.press("ctrl+y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert store.suggestions.list(document_ids=[document.id])
        assert screen.panes[0].suggestion_marks
        assert [a.id for a in store.annotations.list(document_ids=[document.id])] == [first.id]


async def test_alias_dialog_adds_and_removes_aliases_of_the_entity_under_the_cursor(library):
    store, document, tag, first = library
    app = MarginApp(store, document_ids=[document.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _reading(pilot, app)
        screen.panes[0].view.move_cursor(first.start + 2)
        await pilot.press("A")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AliasDialog)
        assert dialog.query_one("#aliases").option_count == 2
        await pilot.press(*"Petro China", "enter")
        await pilot.pause()
        assert store.tags.get(tag.id).aliases == ("CNPC", "PetroChina", "Petro China")

        await pilot.press("shift+tab")  # into the list: x removes the highlighted alias
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert store.tags.get(tag.id).aliases == ("PetroChina", "Petro China")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReadingScreen)


async def test_aliases_without_an_entity_under_the_cursor_says_what_to_do(library):
    store, document, tag, first = library
    app = MarginApp(store, document_ids=[document.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _reading(pilot, app)
        screen.panes[0].view.move_cursor(REPORT.index("Later"))
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(app.screen, ReadingScreen)


def test_faint_marks_lose_to_highlights_and_never_look_like_one():
    from rich.color import Color as RichColor

    from reader.tui.widgets.painting import Highlight, PaintIndex, paint_style

    index = PaintIndex([Highlight(0, 10, "#a0a0a0", "suggestion:1", faint=True), Highlight(5, 8, "#ff0000", "a1")], 20)
    runs = [(start, end, paint) for start, end, paint in index.runs(0, 12)]
    assert [(s, e, p.faint if p else None) for s, e, p in runs] == [(0, 5, True), (5, 8, False), (8, 10, True), (10, 12, None)]
    faint, real = runs[0][2], runs[1][2]
    assert faint is not None and real is not None
    background = RichColor.from_rgb(0, 0, 0)
    faint_style, real_style = paint_style(faint, background, no_color=False), paint_style(real, background, no_color=False)
    assert faint_style.italic and not real_style.italic
    faint_bg, real_bg = faint_style.bgcolor.get_truecolor(), real_style.bgcolor.get_truecolor()
    assert sum(faint_bg) < sum(real_bg)  # fainter than a highlight of a darker colour
    plain = paint_style(faint, background, no_color=True)
    assert plain.dim and not plain.underline and paint_style(real, background, no_color=True).underline


def test_removing_an_alias_keeps_the_others_and_refuses_one_it_lacks(store):
    from annotations.errors import MarginError

    tag = store.tags.ensure(ENTITY)
    store.tags.add_alias(tag.id, "CNPC")
    store.tags.add_alias(tag.id, "PetroChina")
    assert store.tags.remove_alias(tag.id, "cnpc").aliases == ("PetroChina",)
    with pytest.raises(MarginError, match="has no alias CNPC"):
        store.tags.remove_alias(tag.id, "CNPC")
    assert store.tags.get(tag.id).aliases == ("PetroChina",)


async def test_tagging_a_new_surface_form_offers_it_as_an_alias_and_n_leaves_the_entity_alone(library):
    store, document, tag, first = library
    app = MarginApp(store, document_ids=[document.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _reading(pilot, app)
        pane = screen.panes[0]

        async def tag_selection(quote: str, answer: str | None) -> None:
            start = REPORT.index(quote)
            pane.view.select_span(start, start + len(quote))
            await pilot.press("a")
            await pilot.pause()
            assert isinstance(app.screen, TagPicker)
            await pilot.press(*"China National", "enter")
            await pilot.pause()
            if answer is not None:
                assert isinstance(app.screen, AliasOffer), quote
                await pilot.press(answer)
                await pilot.pause()
            assert isinstance(app.screen, ReadingScreen), quote

        await tag_selection("the listed arm", None)  # words about it, not a name: nothing to ask
        await tag_selection("Annual report", "n")
        assert store.tags.get(tag.id).aliases == ("CNPC", "PetroChina")
        await tag_selection("Analysts", "y")
        assert store.tags.get(tag.id).aliases == ("CNPC", "PetroChina", "Analysts")
        await tag_selection("CNPC’s", None)  # a name it has, with a possessive and a curly quote: nothing to ask
        assert len(store.annotations.list(document_ids=[document.id], tag_ids=[tag.id])) == 5


async def test_an_entity_made_in_the_tag_dialog_is_not_offered_the_passage_as_an_alias(library):
    store, document, tag, first = library
    app = MarginApp(store, document_ids=[document.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _reading(pilot, app)
        pane = screen.panes[0]
        start = REPORT.index("Analysts")
        pane.view.select_span(start, start + len("Analysts"))
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Person:Market Analysts", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReadingScreen)  # its name was just chosen: no question about another
        made = store.tags.find("Market Analysts")
        assert made is not None and made.aliases == ()
        assert len(store.annotations.list(document_ids=[document.id], tag_ids=[made.id])) == 1
