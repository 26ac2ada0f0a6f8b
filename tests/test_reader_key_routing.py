"""Keys a binding takes act as they arrive, yet exactly as after Textual's trip up the screen.

``reader/tui/key_routing.py`` acts on a bound key when it reaches the app,
instead of after it has gone through the focused widget and each of its
parents. It may only do so when none of them could have taken the key first,
and never ahead of a key typed earlier that is still on that trip.
"""

from __future__ import annotations

import pytest
from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from annotations.store import Store
from reader.tui.app import MarginApp
from reader.tui.key_routing import KeyRoute, KeyTrailer, passes_keys
from reader.tui.reading import ReadingScreen
from reader.tui.reading.deck import PaneDeck
from reader.tui.widgets.document_view import DocumentView
from reader.tui.widgets.pane import DocumentPane

from .conftest import import_samples


class Reads(Widget):
    def on_key(self, event: events.Key) -> None:
        pass


class ReadsPrivately(Widget):
    async def _on_key(self, event: events.Key) -> None:
        pass


class ReadsThroughOn(Widget):
    @on(events.Key)
    def seen(self, event: events.Key) -> None:
        pass


class ReadsAnyEvent(Widget):
    @on(events.Event)
    def seen(self, event: events.Event) -> None:
        pass


class HasKeyMethod(Widget):
    def key_x(self) -> None:
        pass


class InheritsReading(Reads):
    pass


def test_a_widget_that_could_take_a_key_itself_is_not_passed_by():
    assert passes_keys(Widget, "pagedown") and passes_keys(Container, "pagedown")
    for reads in (Reads, ReadsPrivately, ReadsThroughOn, ReadsAnyEvent, InheritsReading, Input):
        assert not passes_keys(reads, "pagedown"), reads
    assert not passes_keys(HasKeyMethod, "x") and passes_keys(HasKeyMethod, "y")
    # Textual's screens clear a mouse selection on escape, before any binding.
    assert not passes_keys(Screen, "escape") and passes_keys(Screen, "pagedown")


def test_the_reading_screen_lets_page_keys_go_straight_to_the_text():
    """Every widget between the text and the app passes a page key up unread: it acts as it arrives."""
    for node in (DocumentView, DocumentPane, PaneDeck, ReadingScreen):
        for key in ("pagedown", "pageup", "end", "home", "j", "k"):
            assert passes_keys(node, key), (node, key)


class Log(App[None]):
    """Keys bound at the app; a box that reads x itself; what acted, in order."""

    BINDINGS = [Binding(key, f"note('{key}')") for key in ("x", "j", "k", "escape")]

    def __init__(self, box: type[Container]) -> None:
        super().__init__()
        self.acted: list[str] = []
        self._key_route = KeyRoute()
        self._box = box

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, KeyTrailer)):
            await self._key_route.handle(self, event, super().on_event)
        else:
            await super().on_event(event)

    def compose(self) -> ComposeResult:
        yield self._box(Target())

    def on_mount(self) -> None:
        self.query_one(Target).focus()

    def action_note(self, key: str) -> None:
        self.acted.append(key)


class Target(Widget, can_focus=True):
    pass


class Box(Container):
    def on_key(self, event: events.Key) -> None:
        if event.key == "x":
            self.app.acted.append("box took x")  # type: ignore[attr-defined]
            event.stop()


async def test_a_key_a_widget_on_the_way_reads_reaches_it_first():
    app = Log(Box)
    async with app.run_test() as pilot:
        await pilot.press("x", "j")
        assert app.acted == ["box took x", "j"]


@pytest.mark.parametrize("box, keys", [
    # Escape goes the usual way (Textual's screen reads it), the others straight to their binding.
    (Container, ("escape", "j", "escape", "k")),
    (Container, ("j", "escape", "k", "k", "escape", "j")),
    # Every key goes the usual way while the box reads keys; x is stopped on the way, its trip over.
    (Box, ("x", "j", "k")),
])
async def test_keys_typed_ahead_act_in_the_order_typed(box, keys):
    """Keys arriving together: one acted on as it arrives never overtakes one still on its way up."""
    app = Log(box)
    async with app.run_test() as pilot:
        await pilot.pause()
        for key in keys:
            app.post_message(events.Key(key, None))  # all queued before any is handled
        for _ in range(5):
            await pilot.pause()
        expected = ["box took x" if key == "x" else key for key in keys]
        assert app.acted == expected
        assert not app._key_route._travelling()


@pytest.fixture
def library(store: Store) -> Store:
    import_samples(store)
    return store


async def test_escape_in_a_search_box_closes_it_and_a_second_goes_back_to_the_library(library):
    app = MarginApp(library, document_ids=[library.documents.all()[0].id], watch_seconds=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        screen = app.screen
        pane = screen.panes[0]
        await pilot.press("slash", *"harbour")
        await pilot.pause()
        box = pane.search_box()
        assert box.has_focus and box.value == "harbour"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and not box.has_class("visible") and pane.view.has_focus
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "LibraryScreen"


async def test_page_keys_typed_after_escape_move_the_library_not_the_book_left(library):
    """Escape (the usual way) then page down at once: the page down waits for escape, as typed."""
    document = library.documents.all()[0]
    app = MarginApp(library, document_ids=[document.id], watch_seconds=None)
    async with app.run_test(size=(60, 16)) as pilot:
        await pilot.pause()
        view = app.screen.panes[0].view
        place = view.cursor
        app.post_message(events.Key("escape", None))
        app.post_message(events.Key("pagedown", None))
        for _ in range(5):
            await pilot.pause()
        assert type(app.screen).__name__ == "LibraryScreen"
        assert view.cursor == place


class Asking(Screen[None]):
    BINDINGS = [Binding("escape", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        yield Input()


async def test_a_key_whose_widget_goes_with_it_leaves_the_way_clear():
    """Escape closing a dialog takes with it the widget its trailer was sent to: later keys go straight."""
    app = Log(Container)
    async with app.run_test() as pilot:
        await app.push_screen(Asking())
        await pilot.pause()
        assert isinstance(app.focused, Input)
        app.post_message(events.Key("escape", None))
        await pilot.pause()
        await pilot.pause()
        assert not isinstance(app.screen, Asking)
        assert not app._key_route._travelling()
        await pilot.press("j")
        assert app.acted == ["j"]


async def test_a_trailer_is_given_up_with_its_widget_or_after_a_while():
    from time import monotonic

    from reader.tui.key_routing import LOST_AFTER

    app = Log(Container)
    async with app.run_test():
        route = KeyRoute()
        route._trailers[KeyTrailer()] = (app.screen, monotonic())
        assert route._travelling()  # its widget is there: the key may still be on its way
        route._trailers = {KeyTrailer(): (Target(), monotonic())}  # a widget no longer in the app
        assert not route._travelling()
        route._trailers = {KeyTrailer(): (app.screen, monotonic() - LOST_AFTER - 1)}
        assert not route._travelling()
