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
from reader.tui import key_routing
from reader.tui.key_routing import KeyRoute, KeyTrailer, passes_keys
from reader.tui.reading import ReadingScreen
from reader.tui.reading.deck import PaneDeck
from reader.tui.widgets.document_view import DocumentView
from reader.tui.widgets.pane import DocumentPane

from .conftest import fixed_clock, import_samples


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


async def test_a_trailer_is_given_up_with_its_widget_only():
    """A trailer not back while its widget is there is a key still on its way, however long it takes."""
    app = Log(Container)
    async with app.run_test():
        route = KeyRoute()
        route._trip = (KeyTrailer(), app.screen)
        assert route._travelling()
        route._trip = (KeyTrailer(), Target())  # a widget no longer in the app
        assert not route._travelling()


def click_at(app: App[None], widget: Widget, x: int, y: int) -> None:
    """Post a click on *widget* at (*x*, *y*) in its region, as the terminal sends one."""
    x, y = widget.region.x + x, widget.region.y + y
    for kind in (events.MouseDown, events.MouseUp):
        app.post_message(kind(None, x, y, 0, 0, 1, False, False, False, x, y))


async def settle(app: App[None], pilot, turns: int) -> None:  # noqa: ANN001
    """Let the app's workers and messages run, *turns* times."""
    for _ in range(turns):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def reader_after(make_app, steps, monkeypatch, *, shortcut: bool = True):  # noqa: ANN001, ANN201
    """The reader's panes (cursor, selection, focus) and notifications after *steps*, each posting one
    event, all posted at once; with *shortcut* off, every key makes Textual's trip."""
    if not shortcut:
        async def never(app, event):  # noqa: ANN001, ANN202
            return False

        monkeypatch.setattr(key_routing, "act_on_arrival", never)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot, 3)
        for step in steps:
            step(app)
        await settle(app, pilot, 6)
        panes = [(p.view.cursor, p.view.selection, p.view.has_focus) for p in app.screen.panes]
        said = [n.message for n in app._notifications]
    monkeypatch.undo()
    return panes, said


def key(name: str):  # noqa: ANN201
    return lambda app: app.post_message(events.Key(name, name if len(name) == 1 else None))


def click(pane: int, x: int, y: int):  # noqa: ANN201
    return lambda app: click_at(app, app.screen.panes[pane].view, x, y)


@pytest.mark.parametrize("steps", [
    # A click on the text, then v and j: the selection starts where the click put the cursor.
    [click(0, 10, 4), key("v"), key("j")],
    # A click in the other pane, then page down.
    [click(1, 3, 3), key("pagedown")],
    [click(1, 4, 2), key("k"), key("j"), click(0, 6, 3), key("v"), key("l")],
], ids=["click-v-j", "click-other-pane-pagedown", "clicks-and-keys"])
async def test_keys_after_a_click_act_as_after_textuals_trip(tmp_path, monkeypatch, steps):
    """A key never overtakes a click sent just before it: the same cursors, selections, focus and messages as
    when every key makes Textual's trip. (A key sent before a click acts first: on Textual's trip, the
    click, which has fewer widgets to pass, can overtake it.)"""
    libraries = []

    def make_app() -> MarginApp:  # each run on a library of its own: a run leaves its reading places
        store = Store.open(tmp_path / f"library-{len(libraries)}.db", author="ada", clock=fixed_clock())
        import_samples(store)
        libraries.append(store)
        return MarginApp(store, document_ids=[d.id for d in store.documents.all()][:2], watch_seconds=None)

    usual = await reader_after(make_app, steps, monkeypatch, shortcut=False)
    assert await reader_after(make_app, steps, monkeypatch) == usual
    for store in libraries:
        store.close()


async def test_a_click_into_another_readers_layer_then_x_deletes_nothing(tmp_path, monkeypatch):
    """Two layers compared; a click into the other annotator's pane and x at once: x is refused there, as always."""
    from .test_reader_compare import TEXT, _mark
    from .conftest import add_document

    store = Store.open(tmp_path / "teacher.db", author="teacher", clock=fixed_clock())
    document = add_document(store, text=TEXT, title="Council notice")
    place = TEXT.index("The bridge is safe")
    _mark(store, "teacher", place, 18, "Claim")
    theirs = _mark(store, "bo", place, 18, "Claim")

    def make_app() -> MarginApp:
        return MarginApp(store, document_ids=[document.id, document.id], layers=("teacher", "bo"), watch_seconds=None)

    def cursors(app: MarginApp) -> None:
        for pane in app.screen.panes:
            pane.view.move_cursor(place + 2)

    def click_right(app: MarginApp) -> None:
        right = app.screen.panes[1].view
        click_at(app, right, 2, right.region.height - 2)

    steps = [cursors, click_right, key("x")]

    await reader_after(make_app, steps, monkeypatch)
    assert not store.annotations.get(theirs.id).deleted
    store.close()


async def reader_typed(make_app, keys, *, ahead: bool):  # noqa: ANN001, ANN201
    """What the reader shows after *keys*: all typed ahead (posted at once), or each handled before the next."""
    from textual.widgets import Input

    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot, 3)
        for name in keys:
            app.post_message(events.Key(name, name if len(name) == 1 else None))
            if not ahead:
                await settle(app, pilot, 4)
        await settle(app, pilot, 8)
        screen = app.screen
        panes = [(p.view.cursor, p.view.selection) for p in getattr(screen, "panes", [])]
        return (type(screen).__name__, type(app.focused).__name__, panes, [box.value for box in screen.query(Input)])


@pytest.mark.parametrize("keys", [
    ["slash", *"harbour"],  # the letters are the search's, not the text's keys (a tags)
    ["slash", "h", "escape", "j"],
    ["slash", *"bridge", "enter", "n", "v", "l"],
    ["p", "x", "a"],  # the panel's filter, not x deleting what is under the cursor
    ["p", "p", "j"],
    ["tab", "pagedown", "j"],  # the other pane pages
    ["v", "j", "j", "escape", "k"],
], ids=lambda keys: "-".join(keys))
async def test_keys_typed_ahead_end_as_keys_typed_one_by_one(tmp_path, keys):
    """A key typed while the one before is still being handled goes where that one left the focus."""
    libraries = []

    def make_app() -> MarginApp:
        store = Store.open(tmp_path / f"library-{len(libraries)}.db", author="ada", clock=fixed_clock())
        import_samples(store)
        libraries.append(store)
        return MarginApp(store, document_ids=[d.id for d in store.documents.all()][:2], watch_seconds=None)

    one_by_one = await reader_typed(make_app, keys, ahead=False)
    assert await reader_typed(make_app, keys, ahead=True) == one_by_one
    for store in libraries:
        store.close()


async def test_a_key_typed_ahead_waits_at_most_a_moment_for_widgets_that_are_never_idle(monkeypatch):
    """Should the widgets around the focus never run out of messages, a key typed ahead still goes, soon."""
    monkeypatch.setattr(KeyRoute, "_settled", staticmethod(lambda app: False))
    app = Log(Container)
    async with app.run_test() as pilot:
        await pilot.pause()
        for name in ("j", "k", "j"):
            app.post_message(events.Key(name, name))  # typed ahead: each after the one before is done
        await pilot.pause(1.0)
        assert app.acted == ["j", "k", "j"]
