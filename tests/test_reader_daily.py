"""What a day of reading needs from the reader: a visible focused pane, one meaning per key,
a panel that shows an annotation whole, and a position that says how far through a document the view is."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.anchoring import anchor_quote
from annotations.store import Store
from reader.samples.demo import seed_demo
from reader.tui.app import MarginApp
from reader.tui.widgets.annotations_panel import AnnotationsPanel
from reader.tui.widgets.text_bar import TextBar

from .conftest import add_document, fixed_clock, import_samples, loaded

SIZE = (140, 40)


@pytest.fixture
def library(tmp_path) -> Store:
    store = Store.open(tmp_path / "reader.db", author="ada", clock=fixed_clock())
    yield store
    store.close()


def title_of(pane) -> str:
    return str(pane.query_one(".pane-title").render())


def status_of(pane) -> str:
    return str(pane.query_one(".pane-status", TextBar).text)


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def marked(screen) -> list[int]:
    """Indexes of the panes that show they are the one keys act on, by text and by class."""
    by_text = [i for i, pane in enumerate(screen.panes) if title_of(pane).startswith("▶")]
    by_class = [i for i, pane in enumerate(screen.panes) if pane.has_class("-active")]
    assert by_text == by_class
    return by_text


@pytest.mark.parametrize("no_color", [False, True])
async def test_exactly_one_pane_shows_it_has_the_keys_after_tab_jumps_clicks_and_links(library, monkeypatch, no_color):
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    documents = seed_demo(library)
    app = MarginApp(library, document_ids=[d.id for d in documents], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert marked(screen) == [0]
        await pilot.press("tab")
        assert marked(screen) == [1]
        await pilot.press("G")  # a jump keeps the pane
        assert marked(screen) == [1]
        await pilot.click(f"#{screen.panes[0].view.id}", offset=(5, 3))
        await pilot.pause()
        assert marked(screen) == [0]
        await pilot.press("p")  # the panel takes focus; the keys still act on the left pane, and it says so
        await settle(pilot)
        assert marked(screen) == [0]
        # A finished link moves focus to the pane where it ended.
        await pilot.press("escape")
        notice, article = screen.panes
        notice.view.focus()
        start = notice.text.index("until 28 April")
        notice.view.select_span(start, start + len("until 28 April"))
        await pilot.press("L")
        await pilot.pause()
        assert marked(screen) == [1]


async def test_title_says_how_far_through_the_view_is_and_100_at_the_end(library):
    text = "\n\n".join(f"Paragraph {i} " + "words " * 30 for i in range(300))
    document = add_document(library, text, title="long")
    app = MarginApp(library, document_ids=[document.id], watch_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        pane = app.screen.panes[0]
        top = int(title_of(pane)[2:6].strip().rstrip("%"))
        assert 0 < top < 10  # the first screen of a long text
        await pilot.press("G")
        await pilot.pause()
        assert "100%" in title_of(pane)
        await pilot.press("g")
        await pilot.pause()
        assert int(title_of(pane)[2:6].strip().rstrip("%")) == top
        # The search box opening below the text hides its last rows: the end is no longer on screen.
        await pilot.press("G", "slash")
        await pilot.pause(0.1)
        assert "100%" not in title_of(pane) and int(title_of(pane)[2:6].strip().rstrip("%")) >= 95
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert "100%" in title_of(pane)


@pytest.mark.parametrize("width", [60, 100, 200])
async def test_the_title_names_the_section_cut_to_the_room_left_or_not_at_all(library, width):
    from annotations.model import Section

    chapter = "The Very Long Chapter Title Of A Document Read Side By Side With Another"
    text = chapter + "\n\n" + "\n\n".join(f"Paragraph {i} " + "words " * 30 for i in range(40))
    title = "A document whose own title takes up room in the bar"
    document = library.documents.import_loaded(
        "/docs/long.txt", "long", loaded(text, title, (Section(0, len(text), 1, chapter),))
    ).document
    app = MarginApp(library, document_ids=[document.id], watch_seconds=None)
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        pane = app.screen.panes[0]
        shown = title_of(pane).rstrip()
        assert not shown.endswith("›")
        if "›" in shown:  # the section's name is there only where it fits, whole or cut with an ellipsis
            assert len(shown) <= pane.query_one(".pane-title").content_region.width
            section = shown.split("›", 1)[1].strip()
            assert chapter.startswith(section.rstrip("…")) and len(section) >= 5


async def test_the_title_names_the_section_the_cursor_is_in_whatever_asks_for_the_title(library):
    """Scrolling, the panel and sync each write the title: all name the cursor's section, not the top row's."""
    from annotations.model import Section

    first = "\n\n".join(f"Opening paragraph {i}." for i in range(40))
    second = "Getting There\n\n" + "\n\n".join(f"Later paragraph {i}." for i in range(60))
    text = first + "\n\n" + second
    start = text.index("Getting There")
    document = library.documents.import_loaded(
        "/docs/two.txt", "two", loaded(text, "Guide", (Section(start, len(text), 1, "Getting There"),))
    ).document
    other = add_document(library, "Another text.\n\n" * 80, title="Other")
    app = MarginApp(library, document_ids=[document.id, other.id], watch_seconds=None)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        pane = app.screen.panes[0]
        view = pane.view
        while view.cursor < start + 20:  # down into the second section: the view scrolls, its top row stays in the first
            await pilot.press("j")
        await pilot.pause()
        assert 0 < view.top_offset < start and "Getting There" in title_of(pane)
        for keys in (("p",), ("escape",), ("s",), ("s",), ("tab", "tab")):
            await pilot.press(*keys)
            await pilot.pause()
            assert "Getting There" in title_of(pane), keys


async def test_escape_clears_one_thing_at_a_time_and_r_says_when_nothing_waits(library, tmp_path):
    documents = seed_demo(library)
    notice = documents[0]
    app = MarginApp(library, document_ids=[notice.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        pane = screen.panes[0]
        await pilot.press("r")
        await pilot.pause()
        assert any("Nothing waits to be re-attached" in message for message in notices(app))
        orphan = library.annotations.list(document_ids=[notice.id])[0]
        screen.on_demand.review.reattaching = orphan.id  # as after r in the review
        await pilot.press("slash", *"bearings", "enter")
        await pilot.pause()
        assert pane.search_hits
        await pilot.press("escape")  # the search goes first; the re-attach still waits
        await pilot.pause()
        assert not pane.search_hits and screen.on_demand.review.reattaching == orphan.id
        await pilot.press("escape")
        await pilot.pause()
        assert screen.on_demand.review.reattaching is None and type(app.screen).__name__ == "ReadingScreen"
        await pilot.press("escape")  # nothing under way: the library
        await pilot.pause()
        assert type(app.screen).__name__ == "LibraryScreen"


async def test_the_panel_closes_with_escape_shows_an_item_whole_and_widens(library):
    documents = seed_demo(library)
    notice, article = documents
    long_note = "The notice says 28 April, " + "and the article turns it into May; " * 6 + "the end of the note."
    made = library.annotations.create(
        library.documents.get(article.id), anchor_quote(library.documents.text(article.version_id), "abruptly shut"),
        note=long_note,
    )
    target = next(a for a in library.annotations.list(document_ids=[notice.id]) if a.exact.startswith("from 10 March"))
    library.links.create(made.id, target.id, "distorts")
    app = MarginApp(library, document_ids=[article.id, notice.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        panel = screen.query_one(AnnotationsPanel)
        await pilot.press("p")
        await pilot.pause()
        listing = panel.query_one("OptionList")
        assert listing.has_focus and listing.option_count == 5
        # down down enter goes to the third item, the list being there as soon as the panel opens
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        third = panel._annotations[2]
        assert screen.panes[0].view.cursor == third.start
        await pilot.press("p")
        await pilot.pause()
        ordered = panel._annotations
        listing.highlighted = next(i for i, a in enumerate(ordered) if a.id == made.id)
        await pilot.press("space")
        await pilot.pause()
        assert panel.query_one(".detail").has_class("visible")
        shown = str(panel.query_one(".detail").render())
        assert "the end of the note." in shown  # the whole note, not 70 characters of it
        assert "distorts" in shown and "from 10 March until 28 April" in shown  # its link, with the other quote
        narrow = panel.size.width
        await pilot.press("right")
        await pilot.pause()
        assert panel.size.width > narrow
        await pilot.press("escape")  # closes the panel, back to the text: not the library
        await pilot.pause()
        assert not panel.has_class("visible") and type(app.screen).__name__ == "ReadingScreen"
        assert screen.panes[0].view.has_focus


async def test_opening_a_fourth_document_replaces_the_focused_pane_and_says_so(library):
    import_samples(library)
    third = add_document(library, "A third text.\n\nWith two paragraphs.", title="third")
    fourth = add_document(library, "A fourth text.", title="fourth")
    first, second = [d.id for d in library.documents.all() if d.id not in (third.id, fourth.id)]
    app = MarginApp(library, document_ids=[first, second, third.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.panes[0].view.focus()
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        await pilot.press(*"fourth", "enter")
        await settle(pilot)
        assert [p.document.id for p in screen.panes] == [fourth.id, second, third.id]
        assert any("fourth replaces" in message for message in notices(app))


async def test_an_export_that_fails_asks_again_with_the_path_as_typed(library, tmp_path):
    documents = seed_demo(library)
    app = MarginApp(library, document_ids=[d.id for d in documents], watch_seconds=None)
    typed = tmp_path / "no-such-folder" / "notes.md"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert app.screen.query_one("Input").value == str(Path.cwd() / "reading-notes.md")  # two documents
        app.screen.query_one("Input").value = str(typed)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert type(app.screen).__name__ == "PathPrompt"  # the dialog is back
        assert app.screen.query_one("Input").value == str(typed)  # holding what was typed
        assert any(n.severity == "error" for n in app._notifications)
        fixed = tmp_path / "notes.md"
        app.screen.query_one("Input").value = str(fixed)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert fixed.read_text(encoding="utf-8").startswith("---\n")


async def test_f2_renames_a_document_from_the_reader_and_the_library(library):
    documents = seed_demo(library)
    notice = documents[0]
    app = MarginApp(library, document_ids=[d.id for d in documents], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("f2")
        await pilot.pause()
        box = app.screen.query_one("Input")
        assert box.value == notice.title
        box.value = "Closure notice, 3 March"
        await pilot.press("enter")
        await pilot.pause()
        assert library.documents.get(notice.id).title == "Closure notice, 3 March"
        assert "Closure notice, 3 March" in title_of(screen.panes[0])  # the title bar says so at once
        await pilot.press("escape")  # to the library
        await pilot.pause()
        assert type(app.screen).__name__ == "LibraryScreen"
        await pilot.press("f2")
        await pilot.pause()
        app.screen.query_one("Input").value = "Renamed again"
        await pilot.press("enter")
        await pilot.pause()
        assert {d.title for d in library.documents.all()} & {"Renamed again"}


async def test_a_key_updates_text_status_and_title_in_one_frame(library):
    """The status line and title follow the cursor as it moves, not a frame later, so a
    page-down is drawn once and text and status are never seen out of step."""
    text = "\n\n".join(f"Paragraph {i} " + "words " * 30 for i in range(300))
    document = add_document(library, text, title="long")
    start = text.index("Paragraph 40 ")
    library.annotations.create(document, anchor_quote(text, "Paragraph 40 words"), note="a landmark")
    app = MarginApp(library, document_ids=[document.id], watch_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        pane = screen.panes[0]
        pane.view.move_cursor(start)  # no pause: nothing has been drawn since
        assert "a landmark" in status_of(pane)
        await pilot.pause()

        frames = []
        original = screen._compositor_refresh

        def counted() -> None:
            frames.append(1)
            original()

        screen._compositor_refresh = counted
        before = title_of(pane)
        await pilot.press("pagedown")
        await pilot.pause(0.1)
        assert "a landmark" not in status_of(pane)
        assert title_of(pane) != before  # further through
        assert len(frames) == 1


def test_the_export_offers_a_file_named_after_the_one_document_in_the_current_folder():
    from reader.tui.exporting import default_export_path

    assert default_export_path(["Notice of Temporary Closure: Eastquay Harbour"]) == str(
        Path.cwd() / "notice-of-temporary-closure-eastquay-harbour.md")
    assert default_export_path(["«»…"]) == str(Path.cwd() / "reading-notes.md")  # nothing left of the title
    assert len(Path(default_export_path(["word " * 40])).name) <= 63


async def status_at(library: Store, document, offset: int) -> str:
    """The status line of a reader opened on *document* with the cursor at *offset*."""
    app = MarginApp(library, document_ids=[document.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.panes[0]
        pane.view.move_cursor(offset)
        await pilot.pause()
        return status_of(pane)


async def test_the_status_line_reads_evenly_and_says_when_more_are_under_the_cursor(library):
    """Two spaces between the parts whether or not there is a note; past the two shown, how many and where."""
    text = "A passage that three readers marked, each in their own way, and more words after it.\n"
    document = add_document(library, text, title="marked")
    library.annotations.create(document, anchor_quote(text, "A passage that three"), tags=["Tiny"])
    status = await status_at(library, document, 2)
    assert "● Tiny  — ada" in status and "here, p lists them" not in status, status
    library.annotations.create(document, anchor_quote(text, "A passage"), note="first")
    library.annotations.create(document, anchor_quote(text, "A passage that"), note="second")
    status = await status_at(library, document, 2)
    assert status.startswith("3 here, p lists them · "), status
    assert len(status.splitlines()) == 2, status  # two shown, the third counted
