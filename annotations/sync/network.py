"""The wire: one shared library served over WebSockets, and libraries kept in step with it.

The server is pycrdt-websocket's room (the Yjs sync protocol, as Jupyter's
real-time collaboration uses it) behind the ``websockets`` server, which
refuses a connection without the right token before any byte of a document
is read. The server is itself a peer: its own library is kept in step with the
room like any client's, so it holds the class's work when every laptop is shut.
Nothing here executes or fetches anything a peer sends; a peer's changes reach
a library only through :class:`~annotations.sync.replica.Replica`, which checks them.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import anyio
from pycrdt import Doc, Provider
from pycrdt.websocket import WebsocketServer
from websockets.asyncio.client import connect
from websockets.asyncio.server import serve as websocket_serve
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI

from .. import limits
from ..errors import MarginError
from ..store import Store
from . import is_loopback
from .presence import Presence, claimed, is_presence
from .replica import Replica

__all__ = ["Allowance", "Background", "Refused", "is_loopback", "keep_in_step", "serve"]

#: The one room a server holds: one library per server.
ROOM = "/margin"
#: Seconds between two looks at the library and the document.
TICK = 0.05
#: Seconds a client waits for the server's copy of the library before it gives up on that connection.
SYNC_WAIT = 60.0


class Refused(MarginError):
    """The server would not let this client in (a wrong or missing token)."""


def _max_message() -> int:
    # The first message carries the whole library: room for the largest document margin would import.
    return limits.current().document_bytes * 2 + 16 * 1024 * 1024


@dataclass(frozen=True)
class Allowance:
    """What one connection may send the server; a peer that sends more is disconnected.

    The first update a client sends holds everything the server lacks (a whole
    library joining for the first time), so the size allows the largest document
    margin would import. The rate allows a burst of *updates_per_minute* at once,
    then that many a minute; bytes are allowed four largest updates a minute.
    """

    update_bytes: int = 256 * limits.MB
    updates_per_minute: int = 3_000

    @property
    def bytes_per_minute(self) -> int:
        return self.update_bytes * 4


class _Bucket:
    """A token bucket: *capacity* at most, filling at *capacity* a minute."""

    def __init__(self, capacity: int) -> None:
        self.capacity = self.level = float(capacity)
        self.at = time.monotonic()

    def take(self, amount: float) -> bool:
        now = time.monotonic()
        self.level = min(self.capacity, self.level + (now - self.at) * self.capacity / 60)
        self.at = now
        if amount > self.level:
            return False
        self.level -= amount
        return True


#: WebSocket close codes: a message over the size the endpoint accepts; a policy (the rate) broken.
TOO_BIG, POLICY = 1009, 1008


class _Channel:
    """A ``websockets`` connection as the channel pycrdt's sync protocol speaks through.

    With *presence* (a client), awareness messages go to it rather than to the sync protocol.
    """

    def __init__(self, websocket: Any, presence: Presence | None = None) -> None:
        self._websocket = websocket
        self.presence = presence

    @property
    def path(self) -> str:
        return ROOM

    def __aiter__(self) -> "_Channel":
        return self

    async def __anext__(self) -> bytes:
        try:
            while True:
                message = await self.recv()
                if self.presence is None or not is_presence(message):
                    return message
                self.presence.hear(message)
        except ConnectionClosed:
            raise StopAsyncIteration from None

    async def send(self, message: bytes) -> None:
        await self._websocket.send(message)

    async def recv(self) -> bytes:
        message = await self._websocket.recv()
        return message.encode() if isinstance(message, str) else bytes(message)


class _Guarded(_Channel):
    """A client's connection on the server, held to an :class:`Allowance`: a message over it is never passed on."""

    def __init__(self, websocket: Any, allowance: Allowance, report: Callable[[str], None]) -> None:
        super().__init__(websocket)
        self.allowance = allowance
        self.report = report
        self.updates = _Bucket(allowance.updates_per_minute)
        self.bytes = _Bucket(allowance.bytes_per_minute)
        #: The awareness client ids this connection spoke for: withdrawn when it ends.
        self.claimed: set[int] = set()

    def _peer(self) -> str:
        address = getattr(self._websocket, "remote_address", None)
        return f"{address[0]}:{address[1]}" if isinstance(address, tuple) and len(address) >= 2 else "a peer"

    async def recv(self) -> bytes:
        try:
            message = await super().recv()
        except ConnectionClosed as error:
            if error.sent is not None and error.sent.code == TOO_BIG:  # refused by websockets before it was read whole
                self.report(
                    f"disconnected {self._peer()}: it sent an update over {limits.megabytes(self.allowance.update_bytes)}"
                    " (--max-update-mb); nothing of it was applied"
                )
            raise
        if not self.updates.take(1) or not self.bytes.take(len(message)):
            self.report(
                f"disconnected {self._peer()}: it sent more than {self.allowance.updates_per_minute:,} updates"
                f" or {limits.megabytes(self.allowance.bytes_per_minute)} a minute (--max-updates-per-minute, --max-update-mb)"
            )
            await self._websocket.close(POLICY, "over the server's rate limit")
            raise ConnectionClosed(None, None)
        if is_presence(message) and len(self.claimed) < 64:
            self.claimed.update(claimed(message))
        return message


def _authorised(header: str | None, token: str | None) -> bool:
    if token is None:
        return True
    given = (header or "").removeprefix("Bearer ").strip()
    return hmac.compare_digest(given.encode(), token.encode())


def _ignore(exception: Exception, log: Any) -> bool:
    return True  # a client that sent garbage or vanished is dropped; the room goes on for the others


async def serve(
    store: Store,
    host: str,
    port: int,
    token: str | None,
    *,
    ready: Callable[[int], None] | None = None,
    stop: anyio.Event | None = None,
    report: Callable[[str], None] | None = None,
    allowance: Allowance = Allowance(),
) -> None:
    """Serve *store*'s library on *host*:*port* until *stop* is set (or forever); *ready* hears the port.

    Each connection is held to *allowance*; *report* hears who was disconnected for going over it.
    """
    server = WebsocketServer(auto_clean_rooms=False, exception_handler=_ignore)
    async with server:
        room = await server.get_room(ROOM)
        replica = Replica(store, room.ydoc, report=report)
        replica.start()

        def check(connection: Any, request: Any) -> Any:
            if not _authorised(request.headers.get("Authorization"), token):
                return connection.respond(HTTPStatus.UNAUTHORIZED, "wrong or missing token\n")
            return None

        async def handler(websocket: Any) -> None:
            channel = _Guarded(websocket, allowance, report or (lambda line: None))
            try:
                await server.serve(channel)
            finally:  # a client that left without saying so: the others stop showing its name now
                gone = [client for client in channel.claimed if client in room.awareness.states]
                if gone and not (stop is not None and stop.is_set()):  # a stopping server tells no one
                    room.awareness.remove_awareness_states(gone, "local")

        serving = websocket_serve(handler, host, port, process_request=check, max_size=allowance.update_bytes)
        async with serving as listening:
            if ready is not None:
                ready(next(iter(listening.sockets)).getsockname()[1])
            while stop is None or not stop.is_set():
                replica.tick()
                await anyio.sleep(TICK)
        listening.close()


async def keep_in_step(
    store: Store,
    url: str,
    token: str | None,
    *,
    stop: anyio.Event | None = None,
    once: bool = False,
    report: Callable[[str], None] | None = None,
    retry: float = 1.0,
    present: Callable[[list[str]], None] | None = None,
) -> int:
    """Keep *store* in step with the server at *url*, reconnecting after a drop, until *stop* is set.

    Unless *once*, the client announces its author's name to the others on the
    server, and *present* hears the others' names whenever they change (none
    while disconnected). With *once*, take in the server's copy, send what this library changed, and
    return. Returns the rows written to the library. A refused token raises
    :class:`Refused`; an unreachable server is retried (every *retry* seconds,
    doubling up to a minute) unless *once*.
    """
    told = {"state": ""}

    def say(line: str, state: str) -> None:
        """Tell *report* when the connection's state changes, not at every try."""
        if report is not None and told["state"] != state:
            report(line)
        told["state"] = state

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    shown: list[list[str]] = [[]]
    written = 0
    wait = retry
    while stop is None or not stop.is_set():
        doc: Doc = Doc()
        replica = Replica(store, doc, report=report)
        presence = None if once else Presence(doc, store.author)
        try:
            async with connect(url, additional_headers=headers, max_size=_max_message(), open_timeout=10) as websocket:
                async with Provider(doc, _Channel(websocket, presence)) as provider:
                    with anyio.fail_after(SYNC_WAIT):
                        await provider.synced.wait()
                    written += replica.start()
                    say(f"in step with {url}", "in step")
                    wait = retry
                    while not once and (stop is None or not stop.is_set()):
                        if websocket.state.name != "OPEN":
                            break
                        written += replica.tick()
                        if presence is not None:
                            await _keep_present(websocket, presence, present, shown)
                        await anyio.sleep(TICK)
                    if once:
                        await anyio.sleep(TICK)  # let the last changes leave before the connection closes
                    elif presence is not None and websocket.state.name == "OPEN":
                        with anyio.move_on_after(1):
                            await websocket.send(presence.farewell())
                held = websocket.close_code in (TOO_BIG, POLICY)
            if once:
                return written
            if stop is not None and stop.is_set():
                break
            if held:
                say(f"{url} disconnected this client: it sent more than the server allows; trying again", "held")
            else:
                say(f"lost {url}; edits are kept here and sent on reconnecting", "away")
        except InvalidStatus as error:
            if error.response.status_code in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN):
                raise Refused(f"{url} refused this client: wrong or missing token") from None
            if once:
                raise MarginError(f"{url} answered {error.response.status_code}, not a margin server") from None
            say(f"{url} answered {error.response.status_code}; trying again", "away")
        except InvalidURI:
            raise MarginError(f"{url} is not a ws:// or wss:// address") from None
        except (OSError, TimeoutError, ConnectionClosed, InvalidHandshake) as error:
            if once:
                raise MarginError(f"cannot reach {url}: {error}") from None
            say(f"cannot reach {url} ({error}); edits are kept here, trying again", "away")
        _show(present, shown, [])  # away: nobody is known to be reading
        if stop is not None:
            with anyio.move_on_after(wait):
                await stop.wait()
        else:
            await anyio.sleep(wait)
        wait = min(wait * 2, 60.0)
    return written


async def _keep_present(
    websocket: Any, presence: Presence, present: Callable[[list[str]], None] | None, shown: list[list[str]]
) -> None:
    """Announce this client when due, forget names gone stale, and tell *present* of any change."""
    now = time.time()
    message = presence.announcement(now)
    if message is not None:
        try:
            await websocket.send(message)
        except ConnectionClosed:
            return  # the loop sees the connection gone and says so
    presence.expire(now)
    _show(present, shown, presence.names())


def _show(present: Callable[[list[str]], None] | None, shown: list[list[str]], names: list[str]) -> None:
    if present is not None and names != shown[0]:
        shown[0] = names
        present(names)


class Background:
    """:func:`keep_in_step` on a thread of its own, with its own connection to the library at *path*.

    For a front end with an event loop of its own (the reader): what arrives is
    committed by that connection, so the front end sees it as it sees any other
    process's changes. *report* and *present* (the others reading now) are called on the sync thread.
    """

    def __init__(
        self, path: str, author: str, url: str, token: str | None, report: Callable[[str], None],
        present: Callable[[list[str]], None] | None = None,
    ) -> None:
        self.path, self.author, self.url, self.token, self.report = path, author, url, token, report
        self.present = present
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="margin-sync", daemon=True)

    def start(self) -> "Background":
        self._thread.start()
        return self

    def stop(self, wait: float = 5.0) -> None:
        """Ask the sync to stop, and wait up to *wait* seconds for it to close its connection."""
        self._done.set()
        if self._thread.ident is not None:  # never started (the reader closed before its name was given)
            self._thread.join(wait)

    def _run(self) -> None:
        async def main() -> None:
            stop = anyio.Event()

            async def watch() -> None:
                while not self._done.is_set():
                    await anyio.sleep(TICK)
                stop.set()

            with Store.open(self.path, author=self.author) as store:
                async with anyio.create_task_group() as group:
                    group.start_soon(watch)
                    try:
                        await keep_in_step(
                            store, self.url, self.token, stop=stop, report=self.report, present=self.present
                        )
                    except MarginError as error:
                        self.report(f"not syncing: {error}")
                    except Exception as error:  # the reader goes on without live sharing, and says so
                        self.report(f"sync stopped: {error}")
                    group.cancel_scope.cancel()

        try:
            anyio.run(main)
        except Exception as error:  # the library could not be opened on this thread, say
            self.report(f"sync stopped: {error}")
