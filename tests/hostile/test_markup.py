"""The reader shows stored and typed text as written: never read as Textual markup.

Textual reads markup in notifications, border titles, options, table cells
and ``Static`` by default. Read there, a title holding ``[/x]`` stopped the
reader with an error, ``[@click=…]`` made an action of a click and
``[link=…]`` a hyperlink. Every screen here is opened on a library whose
every string holds such markup, and each frame is held to three things: the
reader still runs, no drawn cell carries the markup's action or link, and the
brackets are on screen as typed.
"""

from __future__ import annotations

import pytest
from textual.geometry import Region

from annotations.anchoring import anchor_span
from annotations.store import Store
from reader.tui.app import MarginApp
from reader.tui.reading import ReadingScreen
from reader.tui.screens.library import LibraryScreen

from .conftest import build_library, text_holding

SIZE = (120, 40)

#: A closing tag that opens nothing (an error, if read), an action on click, a link; no ``//`` (a tag path).
MARKUP = "[/x] [@click=app.bell]ring[/] [link=evil.example]go[/link] [b]"
#: What shows that the markup was drawn as text.
LITERAL = "[@click=app.bell]ring[/]"

TEXT = text_holding(MARKUP)


@pytest.fixture
def store(tmp_path) -> Store:
    """A library whose title, headings, text, tags, aliases, note and authors all hold :data:`MARKUP`."""
    db = tmp_path / "library.db"
    with build_library(db, MARKUP) as setup:
        document = setup.documents.all()[0]
        setup.as_author(f"Bo {MARKUP}").annotations.create(document, anchor_span(TEXT, 0, 12), tags=["Theme/y"])
        setup.tags.add_alias(f"Person:Eve{MARKUP}", f"Evie {MARKUP}")
    opened = Store.open(db, author="ada")
    yield opened
    opened.close()


def drawn(app: MarginApp) -> list[list]:
    """Every visible widget's lines, and the whole frame the compositor would send, as lists of segments."""
    lines: list[list] = []
    for widget in [app.screen, *app.screen.walk_children()]:
        if not widget.display or widget.size.area == 0:
            continue
        try:
            lines.extend(list(strip) for strip in widget.render_lines(Region(0, 0, widget.size.width, widget.size.height)))
        except Exception:  # noqa: BLE001 - a widget between layouts; the compositor's frame is checked below
            continue
    for line in app.screen._compositor.render_update(full=True).strips:
        lines.append([segment for strip in line for segment in strip])
    return lines


def assert_shown_as_written(app: MarginApp, expect: str = LITERAL) -> None:
    """The reader runs, no cell is the markup's action or link, and *expect* is on screen."""
    assert app.is_running, app._exception
    for line in drawn(app):
        for segment in line:
            style = segment.style
            if style is None:
                continue
            assert "evil.example" not in (style.link or ""), segment
            assert "bell" not in str((style.meta or {}).get("@click", "")), segment
    text = ["".join(segment.text for segment in line) for line in drawn(app)]
    assert any(expect in line for line in text), f"{expect!r} is not on screen:\n" + "\n".join(text)


async def test_the_library_its_search_and_a_notification(store):
    app = MarginApp(store, watch_seconds=None)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert_shown_as_written(app)
        await pilot.press("S")
        await pilot.pause()
        await pilot.press(*"words", "enter")
        await pilot.pause(0.3)
        assert_shown_as_written(app)
        app.screen.notify(f"notice {MARKUP}", title=f"T {MARKUP}")  # a widget asks with markup on
        await pilot.pause(0.3)
        assert_shown_as_written(app, "notice [/x]")


async def test_searching_for_brackets_in_a_document(store):
    document = store.documents.all()[0]
    app = MarginApp(store, document_ids=[document.id], watch_seconds=None)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"[/nowhere]", "enter")  # not found: a notification names the search
        await pilot.pause(0.3)
        assert_shown_as_written(app, "[/nowhere]")


async def test_the_reading_screen_panel_contents_and_tag_picker(store):
    document = store.documents.all()[0]
    app = MarginApp(store, document_ids=[document.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReadingScreen)
        assert_shown_as_written(app)
        await pilot.press("p")  # the annotations panel: quote, tags, note, author
        await pilot.pause()
        assert_shown_as_written(app, "note [/x]")
        app.screen.panes[0].view.focus()  # type: ignore[attr-defined]
        await pilot.press("t")  # contents
        await pilot.pause()
        assert not isinstance(app.screen, ReadingScreen)
        assert_shown_as_written(app)
        await pilot.press("escape")
        await pilot.pause()
        pane = app.screen.panes[0]  # type: ignore[attr-defined]
        pane.view.focus()
        pane.view.move_cursor(TEXT.index("words"))
        await pilot.press("v", "l", "l", "a")  # select and open the tag picker
        await pilot.pause()
        assert_shown_as_written(app, "Eve")


async def test_the_entity_screen_its_mentions_and_aliases(store):
    document = store.documents.all()[0]
    app = MarginApp(store, document_ids=[document.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.panes[0].view.focus()  # type: ignore[attr-defined]
        await pilot.press("T")
        await pilot.pause(0.3)
        assert not isinstance(app.screen, ReadingScreen)
        assert_shown_as_written(app)
        await pilot.press("a")  # its aliases
        await pilot.pause(0.3)
        assert_shown_as_written(app, "Evie [/x]")
        await pilot.press("escape")
        await pilot.pause(0.3)
        await pilot.press("enter")  # the entity's mentions, or its detail
        await pilot.pause(0.3)
        assert_shown_as_written(app)


async def test_comparing_layers_and_agreement(store):
    document = store.documents.all()[0]
    layers = tuple(sorted({a.author for a in store.annotations.list()}))
    app = MarginApp(store, document_ids=[document.id, document.id], layers=layers, watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        assert_shown_as_written(app)
        await pilot.press("]")  # the next place they differ, named in the status line
        await pilot.pause(0.3)
        assert_shown_as_written(app)
        await pilot.press("ctrl+l")  # the layers to choose from, by author
        await pilot.pause(0.3)
        assert_shown_as_written(app, "Bo [/x]")
    app = MarginApp(store, watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("A")
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        assert_shown_as_written(app, "all tags")
        assert_shown_as_written(app, "Theme/x[/x]")


def test_markup_reaches_every_string(store):
    """The fixture's strings all hold the markup (a guard on the guard)."""
    document = store.documents.all()[0]
    assert MARKUP in document.title
    annotation = next(a for a in store.annotations.list() if a.note)
    assert MARKUP in annotation.note and MARKUP in annotation.author


async def test_a_tag_colour_or_a_format_from_another_library_is_never_a_style_nor_markup(store):
    """Sync and collect take a peer's tag colour and document format as text: drawn, they are neither a style
    (an action or a link on the tag's dot, or the reader stopped by a style no one names) nor markup."""
    from annotations.store.tag_specs import FALLBACK_COLOUR

    store.db.execute("UPDATE tags SET colour = 'link https://evil.example/\x1b]0;PWNED\x07'")
    store.db.execute(f"UPDATE versions SET format = '{MARKUP}'")
    store.db.conn.commit()
    assert {tag.colour for tag in store.tags.all()} == {FALLBACK_COLOUR}
    app = MarginApp(store, watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert_shown_as_written(app, "[/x] [@click")  # the format column
    document = store.documents.all()[0]
    app = MarginApp(store, document_ids=[document.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("p")  # the panel's legend and list draw each tag's dot in its colour
        await pilot.pause()
        assert_shown_as_written(app)
