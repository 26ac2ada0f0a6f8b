"""A key that only a binding can take, acted on where it arrives instead of after its trip up the screen.

Textual gives a key to the focused widget, which passes it to its parent,
and so on up to the screen and the app; only there, after four or five
message queues, does it look for a binding (``App._on_key``). Reading with
the text focused, every hop but the last does nothing: neither the view nor
the pane, the deck or the screen holding it has a handler of its own that
acts on a page key. Those hops were about a tenth of a page key's own work
(``benchmarks/key_timeline.py``, "to action").

:func:`act_on_arrival` looks for the binding when the key reaches the app,
as Textual would after the trip, but only when no widget on the way could
have acted on it first: every class of every node from the focused widget to
its screen passes keys up unread (:func:`passes_keys`). Else the key makes
the usual trip.

Order is kept, and keys typed ahead go where the keys before them left the
focus. Keys reach the app one at a time, in the order typed, but one sent
the usual way is still on its trip when the next arrives (acting on the next
at once would act on it first: escape, then page down, typed together turned
the page in the book, then showed the library), and the focus a key moves
moves later (Textual's ``Widget.focus``). So :class:`KeyRoute` hands on one
key at a time: a key sent the usual way is followed up by a
:class:`KeyTrailer`, and the keys after it wait until it is back and what
the key set going has been handled; then each goes to the widget focused
*then* (``/`` then ``harbour`` typed ahead is a search for "harbour", where
Textual gave the letters to the text's keys). Nor does a key overtake other
messages waiting on its way: a click just before it is still moving the
focus, or the cursor, up there (a key checked against one pane would act on
the other); while any widget on the way has a message waiting, the key goes
the usual way, behind it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable
from functools import lru_cache
from time import monotonic
from typing import TYPE_CHECKING, Any

from textual import events
from textual.dom import DOMNode
from textual.message import Message
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

__all__ = ["KeyRoute", "KeyTrailer", "act_on_arrival", "passes_keys"]

#: Textual's classes whose ``_on_key`` passes a key on: it only looks for ``key_<name>`` methods, which
#: are looked for in every class (Textual's ``Screen`` has one, for escape).
_PASSING = frozenset({Widget, DOMNode, MessagePump, Screen, object})
#: The messages a handler taking a key could be declared for (``@on(events.Event)`` takes keys too).
_KEY_MESSAGES = tuple(klass for klass in events.Key.__mro__ if issubclass(klass, Message))


@lru_cache(maxsize=None)
def passes_keys(cls: type, name: str) -> bool:
    """Whether a node of *cls* lets the key called *name* (``pagedown``, ``question_mark``) go up
    unread: no ``on_key`` or ``_on_key`` handler but Textual's own pass-through, none declared
    with ``@on``, and no ``key_<name>`` method."""
    methods = (f"key_{name}", f"_key_{name}")
    for klass in cls.__mro__:
        names = vars(klass)
        if any(method in names for method in methods):
            return False
        if klass in _PASSING:
            continue
        if "on_key" in names or "_on_key" in names:
            return False
        declared = names.get("_decorated_handlers") or {}
        if any(message in declared for message in _KEY_MESSAGES):
            return False
    return True


class KeyTrailer(events.Event, bubble=True):
    """Sent after a key that makes the usual trip, to the same widget: back at the app, the key's trip is over.

    Each widget's messages are handled in the order they came, and each passes both up the same
    way, so when this reaches the app the key it follows has been handled all the way up (or
    stopped on the way), and if it reached the app, the app has handled it too.
    """


#: Seconds between looks for a trailer lost with its widget while keys wait for it.
LOST_LOOK = 0.05
#: Seconds before looking again whether what a key's handling set going has been handled.
SETTLE_LOOK = 0.001
#: Seconds a key typed ahead waits at most for that: a widget that is never idle does not hold the keys.
SETTLE_MOST = 0.1


class KeyRoute:
    """Which way each key goes, and when: straight to its binding, or Textual's usual trip up the screen.

    Keys go one at a time. A key typed while the one before is still being handled waits here until
    that one is done, its trip over (its trailer back) and what its handling left for later
    (Textual moves the focus later, ``Widget.focus``) done too; then it goes on to the widget focused
    *then*. Textual would send it at once to the widget focused when it arrived: ``/`` then ``harbour``
    typed ahead put the letters into the text's bindings (``a`` tags) instead of the search box that
    ``/`` opens. And a key acted on as it arrives (:func:`act_on_arrival`) would act before the one
    on its trip.
    """

    def __init__(self) -> None:
        self._trip: tuple[KeyTrailer, MessagePump] | None = None
        """The trailer of the key on its trip (one at a time), with the widget it was sent to."""
        self._waiting: deque[tuple[events.Key, Callable[[events.Event], Awaitable[None]]]] = deque()
        """Keys that came while another was being handled, in the order they came."""
        self._busy = False
        """A key is being handled: sent, and not yet done (see :meth:`_done`)."""
        self._settle_by = 0.0
        """When the next key goes even if what the last one set going is not all handled yet (0: not set)."""
        self._look: Timer | None = None

    def _travelling(self) -> bool:
        """Whether a key sent the usual way may still be on its trip.

        A trailer is lost only with its widget (a dialog closed by the key it follows, say), and then its
        trip is over. No time limit: a trip slowed by a busy app is still under way.
        """
        if self._trip is not None and not self._trip[1].is_attached:
            self._trip = None
        return self._trip is not None

    async def handle(self, app: App[Any], event: events.Key | KeyTrailer, usual: Callable[[events.Event], Awaitable[None]]) -> None:
        """Take *event* (a key, or a trailer back) as it reaches *app*; *usual* is Textual's own handling."""
        if isinstance(event, KeyTrailer):
            if self._trip is not None and self._trip[0] is event:
                self._trip = None
            if self._busy and not self._travelling():
                self._finished(app)
            return
        if event.is_forwarded:
            await usual(event)  # back from its trip: its binding, if any
            return
        self._waiting.append((event, usual))
        if self._busy and self._trip is not None:
            self._look_for_lost(app)  # it waits for a trip: should that trailer be lost, it still goes
        await self._next(app)

    def _finished(self, app: App[Any]) -> None:
        """The key being handled has been sent its way (and back, if it made the trip)."""
        if not self._waiting and _idle(app):
            # Nothing typed ahead (a key typed ahead is in the app's queue already): the usual case, at no
            # cost. A key typed later finds what this one set going handled, or nearly so.
            self._busy = False
        else:
            if not self._settle_by:  # from the first look on: looking again does not put it off
                self._settle_by = monotonic() + SETTLE_MOST
            app.call_later(self._done, app)  # after what the key's handling left for later

    @staticmethod
    def _settled(app: App[Any]) -> bool:
        """Whether the focused widget and those around it have nothing waiting (enter in the search box
        sends the search up, which then moves the focus)."""
        focused = app.focused or app.screen
        return all(_idle(node) for node in focused.ancestors_with_self if node is not app)

    async def _done(self, app: App[Any]) -> None:
        """The key being handled is done once what it set going is handled: the next key goes."""
        if not self._settled(app) and monotonic() < self._settle_by:
            app.set_timer(SETTLE_LOOK, lambda: app.post_message(KeyTrailer()))  # look again in the app's turn
            return
        self._busy = False
        await self._next(app)

    async def _next(self, app: App[Any]) -> None:
        if self._busy or not self._waiting:
            return
        event, usual = self._waiting.popleft()
        self._busy, self._settle_by = True, 0.0
        if not await act_on_arrival(app, event):
            await usual(event)
            if event.is_forwarded:  # Textual sent it to the focused widget (or the screen)
                trailer, target = KeyTrailer(), app.focused or app.screen
                self._trip = (trailer, target)
                target.post_message(trailer)
                return
        self._finished(app)

    def _look_for_lost(self, app: App[Any]) -> None:
        """While keys wait for a trip, look now and then whether its trailer was lost with its widget: no key
        may come to make the reader look."""
        if self._look is not None:
            return

        def look() -> None:
            if not self._busy or self._trip is None:
                if self._look is not None:
                    self._look.stop()
                    self._look = None
            elif not self._travelling():
                app.post_message(KeyTrailer())  # a trailer of no key: in the app's turn, the key is done

        self._look = app.set_interval(LOST_LOOK, look)


def _idle(node: MessagePump) -> bool:
    """Whether *node* has no message waiting: what is waiting (a click's focus change on its way up,
    a click on the text) would be handled before a key going the usual way, so such a key waits too.

    The queue is Textual's own, not public: where it cannot be read, every key goes the usual way.
    """
    queue = getattr(node, "_message_queue", None)
    empty = getattr(queue, "empty", None)
    return bool(empty()) if callable(empty) else False


async def act_on_arrival(app: App[Any], event: events.Key) -> bool:
    """Run the binding of a just-arrived *event* if no widget on its way up could take it first.

    True if a binding acted on it here; False to leave it to Textual's own handling from the start.
    """
    screen = app.screen
    focused = app.focused
    if focused is None or screen.maximized is not None or event.is_forwarded:
        return False
    names = event.name_aliases
    for node in focused.ancestors_with_self:
        if node is app:
            break
        if not all(passes_keys(type(node), name) for name in names):
            return False
        if not _idle(node):
            return False
    key = event.key
    # What Textual's App.on_event does for a key, then App._on_key at the end of the trip.
    if not app.app_focus:
        app.app_focus = True
    screen._clear_tooltip()
    # No binding taking it: False, and Textual sends it the usual way (its priority bindings asked again).
    return await app._check_bindings(key, priority=True) or await app._check_bindings(key)
