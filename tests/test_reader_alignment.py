"""Alignment in the reader: ghost links between two panes, accepted, rejected and reviewed with keys."""

from __future__ import annotations

from annotations.store import Store
from reader.tui.app import MarginApp
from reader.tui.screens.choices import ChoicePicker
from reader.tui.widgets.text_bar import TextBar

from .test_reader_flows import SIZE, ids, library  # noqa: F401 - the fixture is shared

QUOTE = "have reached the end of their service life"


async def _aligned(pilot, app) -> None:
    screen = app.screen
    screen.panes[0].view.focus()
    await pilot.press("ctrl+a")
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


def _status(pane) -> str:
    return str(pane.query_one(".pane-status", TextBar).text)


async def test_suggestions_appear_as_ghost_links_and_accepting_one_links_both_passages(library: Store):
    app = MarginApp(library, document_ids=ids(library))
    async with app.run_test(size=SIZE) as pilot:
        await _aligned(pilot, app)
        screen = app.screen
        notice, article = screen.panes
        assert notice.ghost_marks and article.ghost_marks
        assert len(notice.ghost_marks) == len(article.ghost_marks)
        assert library.annotations.list() == []  # suggestions are not annotations until accepted
        article.view.focus()
        article.view.move_cursor(article.text.index(QUOTE) + 2)
        await pilot.pause()
        assert "suggested (quotes" in _status(article) and "service life" in _status(article)
        before = len(article.ghost_marks)
        await pilot.press("y")
        await pilot.pause()
        made = library.annotations.list()
        assert sorted(a.exact for a in made) == [QUOTE, QUOTE]
        links = library.links.for_annotations([a.id for a in made])
        assert [link.relation for link in links] == ["quotes"]
        assert len(article.ghost_marks) == before - 1
        assert "suggested (quotes" not in _status(article)  # the sentence around it is still suggested


async def test_a_rejected_suggestion_is_not_proposed_again(library: Store):
    app = MarginApp(library, document_ids=ids(library))
    async with app.run_test(size=SIZE) as pilot:
        await _aligned(pilot, app)
        screen = app.screen
        notice, article = screen.panes
        start, end = article.ghost_marks[0]
        article.view.focus()
        article.view.move_cursor(start)
        await pilot.press("X")
        await pilot.pause()
        assert (start, end) not in article.ghost_marks
        await pilot.press("escape")  # clears the suggestions
        await pilot.pause()
        assert notice.ghost_marks == [] and article.ghost_marks == []
        await _aligned(pilot, app)
        assert notice.ghost_marks and (start, end) not in article.ghost_marks
        assert library.annotations.list() == []


async def test_the_review_list_walks_suggestions_and_shows_both_passages(library: Store):
    app = MarginApp(library, document_ids=ids(library))
    async with app.run_test(size=SIZE) as pilot:
        await _aligned(pilot, app)
        screen = app.screen
        notice, article = screen.panes
        await pilot.press("ctrl+a")  # with suggestions shown, ctrl+a lists them
        await pilot.pause()
        assert isinstance(app.screen, ChoicePicker)
        notice.view.move_cursor(len(notice.text) - 1)
        article.view.move_cursor(len(article.text) - 1)
        await pilot.press("enter")  # the first, in the order of the second pane
        await pilot.pause()
        assert article.view.cursor == article.ghost_marks[0][0]
        assert notice.view.cursor == notice.ghost_marks[0][0]
        assert screen.active is article


async def test_align_needs_two_panes(library: Store):
    app = MarginApp(library, document_ids=ids(library)[:1])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+a")
        await pilot.pause()
        assert app.screen.panes[0].ghost_marks == []


async def test_sync_by_alignment_keeps_corresponding_articles_level(tmp_path, shared):
    from reader.formats import read_source

    from .conftest import fixed_clock

    store = Store.open(tmp_path / "udhr.db", author="ada", clock=fixed_clock())
    documents = []
    for name in ("eng.txt", "cmn_hans.txt"):
        source = read_source(shared / "corpus" / "udhr" / name)
        documents.append(store.documents.import_loaded(str(source.path), source.sha256, source.document).document)
    app = MarginApp(store, document_ids=[d.id for d in documents])
    async with app.run_test(size=(100, 16)) as pilot:
        await _aligned(pilot, app)
        english, chinese = app.screen.panes
        assert english.ghost_marks
        await pilot.press("z")
        await pilot.pause()
        assert app.screen.deck.sync_by_alignment
        for article, heading in ((20, "第二十条"), (5, "第五条")):
            english.view.focus()
            english.view.scroll_to_offset(english.text.index(f"Article {article}\n"), top=True)
            await pilot.pause()
            target = chinese.text.index(heading)
            assert abs(chinese.view.top_offset - target) <= 60, (article, chinese.text[chinese.view.top_offset:][:20])
        await pilot.press("s")  # back to syncing by share of length
        await pilot.pause()
        assert app.screen.deck.synced and not app.screen.deck.sync_by_alignment
    store.close()
