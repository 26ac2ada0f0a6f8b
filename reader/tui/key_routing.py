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

Order is kept. Keys reach the app one at a time, in the order typed, but
one sent the usual way is still on its trip when the next arrives: acting on
the next at once would act on it first (escape, then page down, typed
together: the page turned in the book, then the library shown). So a key
sent the usual way is followed up by a :class:`KeyTrailer`, and until every
trailer is back at the app, :class:`KeyRoute` sends the keys after it the
usual way too. Nor does a key overtake other messages waiting on its way: a
click just before it is still moving the focus, or the cursor, up there
(a key checked against one pane would act on the other, or turn a page the
click then lands on); while any widget on the way has a message waiting,
the key goes the usual way, behind it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from textual import events
from textual.dom import DOMNode
from textual.message import Message
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.app import App

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


class KeyRoute:
    """Which way each key goes: straight to its binding, or Textual's usual trip up the screen.

    A key may be acted on as it arrives only when no key sent the usual way before it is still
    on its trip: else it would act first. The keys on their trip are known by their trailers.
    """

    def __init__(self) -> None:
        self._trailers: dict[KeyTrailer, MessagePump] = {}
        """Trailers sent and not back, with the widget each was sent to."""

    def _travelling(self) -> bool:
        """Whether a key sent the usual way may still be on its trip.

        A trailer is lost only with its widget (a dialog closed by the key it follows, say), and then its
        trip is over. No time limit: a trip slowed by a busy app is still under way.
        """
        for trailer, target in list(self._trailers.items()):
            if not target.is_attached:
                del self._trailers[trailer]
        return bool(self._trailers)

    async def handle(self, app: App[Any], event: events.Key | KeyTrailer, usual: Callable[[events.Event], Awaitable[None]]) -> None:
        """Take *event* (a key, or a trailer back) as it reaches *app*; *usual* is Textual's own handling."""
        if isinstance(event, KeyTrailer):
            self._trailers.pop(event, None)
            return
        if not event.is_forwarded and not self._travelling() and await act_on_arrival(app, event):
            return
        sent = event.is_forwarded
        await usual(event)
        if event.is_forwarded and not sent:  # Textual sent it to the focused widget (or the screen)
            trailer, target = KeyTrailer(), app.focused or app.screen
            self._trailers[trailer] = target
            target.post_message(trailer)


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
