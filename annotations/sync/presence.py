"""Who else is reading now: each client's name, through the engine's awareness protocol.

Yjs clients announce a small state besides the document ("awareness"); the
server relays it to every other client and forgets nothing it is not told to.
A margin client announces ``{"name": author}``, renews it every 15 seconds and
withdraws it on leaving; the server withdraws it for a client that drops
without saying so (:func:`claimed`); and a state not renewed for 30 seconds
expires anyway. Names from peers are untrusted: each is cut to one short line
of visible characters before anyone shows it.
"""

from __future__ import annotations

from typing import Any

from pycrdt import Awareness, Decoder, Doc, YMessageType, create_awareness_message, read_message

from ..terminal import terminal_safe

__all__ = ["Presence", "claimed", "is_presence"]

#: Longest name shown; more names than this many are counted, not listed.
NAME_CHARS, MOST_NAMES = 60, 12
#: Seconds a name stays without being renewed (the engine's default), and between renewals.
EXPIRES, RENEW = 30.0, 15.0


def is_presence(message: bytes) -> bool:
    """Whether *message* is an awareness message rather than a document update."""
    return len(message) > 1 and message[0] == YMessageType.AWARENESS


def claimed(message: bytes, most: int = 16) -> list[int]:
    """The client ids an awareness *message* speaks for (at most *most*); none when it is malformed."""
    try:
        decoder = Decoder(read_message(message[1:]))
        ids = []
        for _ in range(min(decoder.read_var_uint(), most)):
            ids.append(decoder.read_var_uint())
            decoder.read_var_uint()  # its clock
            decoder.read_var_string()  # its state
        return ids
    except Exception:  # noqa: BLE001 — garbage from a peer claims nothing
        return []


class Presence:
    """This client's name, announced on a connection, and the names the others announce."""

    def __init__(self, doc: Doc, name: str) -> None:
        self.awareness = Awareness(doc, outdated_timeout=int(EXPIRES * 1000))
        self.awareness.set_local_state({"name": name})
        self._renewed = 0.0

    def hear(self, message: bytes) -> None:
        """Take in an awareness *message* from the server; a malformed one is ignored."""
        try:
            self.awareness.apply_awareness_update(read_message(message[1:]), "remote")
        except Exception:  # noqa: BLE001 — a peer's garbage must not end the connection
            pass

    def announcement(self, now: float) -> bytes | None:
        """The message announcing this client, when it is due (first, then every :data:`RENEW` seconds)."""
        if now - self._renewed < RENEW:
            return None
        self._renewed = now
        self.awareness.set_local_state(self.awareness.get_local_state())  # a fresh clock: still here
        return self._message()

    def farewell(self) -> bytes:
        """The message withdrawing this client's name."""
        self.awareness.set_local_state(None)
        return self._message()

    def _message(self) -> bytes:
        return create_awareness_message(self.awareness.encode_awareness_update([self.awareness.client_id]))

    def expire(self, now: float) -> None:
        """Forget the names not renewed for :data:`EXPIRES` seconds."""
        stale = [
            client for client, meta in self.awareness.meta.items()
            if client != self.awareness.client_id and client in self.awareness.states
            and now * 1000 - meta["lastUpdated"] >= EXPIRES * 1000
        ]
        if stale:
            self.awareness.remove_awareness_states(stale, "timeout")

    def names(self) -> list[str]:
        """The others' names, each once, sorted; past :data:`MOST_NAMES`, the rest counted."""
        found: set[str] = set()
        for client, state in self.awareness.states.items():
            name = state.get("name") if isinstance(state, dict) and client != self.awareness.client_id else None
            if isinstance(name, str) and name.strip():
                found.add(_shown(name))
        shown = sorted(found, key=str.casefold)
        if len(shown) > MOST_NAMES:
            return [*shown[:MOST_NAMES], f"{len(shown) - MOST_NAMES} more"]
        return shown


def _shown(name: Any) -> str:
    line = " ".join(terminal_safe(str(name), lines=False).split())
    return line if len(line) <= NAME_CHARS else line[: NAME_CHARS - 1] + "…"
