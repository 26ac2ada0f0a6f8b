"""Live sharing on the command line: ``margin serve`` holds a shared library, ``margin sync`` keeps one in step."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from annotations.errors import MarginError
from annotations.terminal import terminal_safe

from ..context import Context, pass_context

DEFAULT_PORT = 8765


def _needs_extra() -> None:
    from annotations.sync import missing

    hint = missing()
    if hint is not None:
        raise MarginError(hint)


_TOKEN_BYTES = 4096


def _read_token(path: Path) -> str:
    """The token in *path*: read no further than a token can be long (a device or a big file named by mistake)."""
    if not path.is_file():
        raise MarginError(f"the token file {path} is not a regular file")
    try:
        with path.open("rb") as handle:
            data = handle.read(_TOKEN_BYTES + 3)  # a token, and the line end after it (CRLF too)
    except OSError as error:
        raise MarginError(f"cannot read the token file {path}: {error}") from error
    token = data.decode("ascii", "replace").strip()
    if not token or len(data) > _TOKEN_BYTES + 2 or not (token.isascii() and token.isprintable()) or " " in token:
        raise MarginError(f"the token file {path} holds no token (one line of letters, digits and signs, no spaces)")
    return token


def _new_token(path: Path) -> str:
    """Write a fresh random token to *path*, readable by its owner only."""
    import secrets  # here, not at the top: `margin open` imports this module, and secrets brings OpenSSL's hashes (about 5 ms)

    token = secrets.token_urlsafe(32)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(token + "\n")
    except OSError as error:
        raise MarginError(f"cannot write the token file {path}: {error}") from error
    return token


def server_token(host: str, token_file: Path | None, *, exposed: str, hand_to: str) -> str | None:
    """The token a server on *host* asks for: read from *token_file*, or made there; None on loopback without one.

    Any address but loopback needs a token file (*exposed* says what a stranger would get without one);
    a new token is announced as one to give to *hand_to*.
    """
    from annotations.sync import is_loopback

    if not is_loopback(host) and token_file is None:
        raise MarginError(f"serving on {host} needs --token-file: without a token anyone who reaches it {exposed}")
    if token_file is None:
        return None
    token_file = token_file.expanduser()
    if token_file.exists():
        return _read_token(token_file)
    token = _new_token(token_file)
    _say(f"Wrote a new token to {token_file}; give it to {hand_to}.")
    return token


def _say(line: str) -> None:
    click.echo(terminal_safe(line, lines=False), err=True)


def _run(main: Any) -> None:
    """Run *main* (an async function taking a stop event) until it ends or ctrl+c / SIGTERM asks it to stop."""
    import signal

    import anyio

    async def runner() -> None:
        stop = anyio.Event()
        async with anyio.create_task_group() as group:

            async def signals() -> None:
                with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as received:
                    async for _ in received:
                        stop.set()
                        return

            group.start_soon(signals)
            await main(stop)
            group.cancel_scope.cancel()

    try:
        anyio.run(runner)
    except BaseExceptionGroup as group:  # the task group wraps what the server or client raised
        for error in _leaves(group):
            if isinstance(error, (MarginError, OSError)):
                raise error from None
        raise


def _leaves(group: BaseExceptionGroup) -> list[BaseException]:
    found: list[BaseException] = []
    for error in group.exceptions:
        found.extend(_leaves(error) if isinstance(error, BaseExceptionGroup) else [error])
    return found


def _check_url(url: str) -> None:
    """One line unless *url* is a ``ws://`` or ``wss://`` address with a host and, if any, a port that can be."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # raises on a port past 65535 or not a number
    except ValueError:
        raise MarginError(f"{url} is not a ws:// or wss:// address with a valid host and port") from None
    if parts.scheme not in ("ws", "wss"):
        raise MarginError(f"{url} is not a ws:// or wss:// address")
    if not parts.hostname:
        raise MarginError(f"{url} names no host: ws://HOST:PORT")


@click.command("serve", short_help="Share this library live with other margins.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on; any but loopback needs --token-file.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on (0: any free one).")
@click.option("--token-file", type=click.Path(path_type=Path, dir_okay=False), help="File holding the token clients must give; made with a new random token if absent.")
@click.option("--db", "db", type=click.Path(path_type=Path, dir_okay=False), help="The library to share (default: the one margin uses).")
@click.option("--max-update-mb", default=256, show_default=True, type=click.IntRange(1, 4096),
              help="Largest update one client may send; a client sending more is disconnected.")
@click.option("--max-updates-per-minute", default=3000, show_default=True, type=click.IntRange(1, 1_000_000),
              help="Updates one client may send a minute (and at once); a client sending more is disconnected.")
@pass_context
def serve(
    ctx: Context, host: str, port: int, token_file: Path | None, db: Path | None, max_update_mb: int, max_updates_per_minute: int
) -> None:
    """Serve one library for `margin sync` clients until ctrl+c; the library keeps every change made through it.

    Listens on loopback unless --host says otherwise; any other address needs
    --token-file, and a client without that token is refused.
    """
    _needs_extra()
    from annotations import limits
    from annotations.sync.network import Allowance, serve as serve_library

    allowance = Allowance(update_bytes=max_update_mb * limits.MB, updates_per_minute=max_updates_per_minute)
    token = server_token(host, token_file, exposed="could write to the library",
                         hand_to="the people who sync with this library")
    if db is not None:
        ctx.db_path = db
    store = ctx.store

    def ready(bound: int) -> None:
        guard = "token required" if token else "no token: this machine only"
        _say(f"Serving {ctx.path} on ws://{host}:{bound} ({guard}); ctrl+c stops.")

    async def main(stop: Any) -> None:
        await serve_library(store, host, port, token, ready=ready, stop=stop, report=_say, allowance=allowance)

    try:
        _run(main)
    except OSError as error:
        raise MarginError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    _say("Stopped serving.")


@click.command("sync", short_help="Keep this library in step with a margin server.")
@click.argument("url")
@click.option("--token-file", type=click.Path(path_type=Path, dir_okay=False, exists=True), help="File holding the server's token.")
@click.option("--once", is_flag=True, help="Take in the server's changes, send this library's, and stop.")
@pass_context
def sync(ctx: Context, url: str, token_file: Path | None, once: bool) -> None:
    """Keep this library in step with the server at URL (ws://HOST:PORT) until ctrl+c.

    Annotations, notes, tags, links, deletions and documents travel both ways;
    edits made while the connection is down are sent when it is back. An open
    reader on this library shows what arrives within a second.
    """
    _needs_extra()
    from annotations.sync.network import keep_in_step

    _check_url(url)
    token = _read_token(token_file.expanduser()) if token_file is not None else None
    store = ctx.store
    taken: list[int] = []

    async def main(stop: Any) -> None:
        taken.append(await keep_in_step(store, url, token, stop=stop, once=once, report=_say))

    _run(main)
    if taken:
        click.echo(f"{taken[0]} change{'s' if taken[0] != 1 else ''} taken in from {url}.")


def sync_options(command: Any) -> Any:
    """``--sync URL`` and ``--token-file F`` for a command that opens the reader."""
    command = click.option("--token-file", "sync_token", type=click.Path(path_type=Path, dir_okay=False, exists=True),
                           help="With --sync: file holding the server's token.")(command)
    return click.option("--sync", "sync_url", metavar="URL", help="Keep the library in step with a margin server while reading.")(command)


def live_sync(ctx: Context, url: str | None, token_file: Path | None) -> Any:
    """A not yet started background sync for the reader, checked first (one-line errors), or None without --sync."""
    if url is None:
        if token_file is not None:
            raise MarginError("--token-file goes with --sync URL")
        return None
    _needs_extra()
    from annotations.sync.network import Background

    _check_url(url)
    token = _read_token(token_file.expanduser()) if token_file is not None else None
    store = ctx.store
    return Background(store.path, store.author, url, token, report=lambda line: None)


COMMANDS = [serve, sync]
