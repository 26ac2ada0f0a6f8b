"""``margin web``: the reader in a web browser, one margin per visitor, all on one library (textual-serve)."""

from __future__ import annotations

import shlex
import sys

import click

from annotations.errors import MarginError
from annotations.sync import is_loopback

from ..context import Context, pass_context

#: What to tell someone whose margin lacks textual-serve.
WEB_HINT = "margin web needs the web extra: pip install 'margin[web]'"


@click.command("web", short_help="Serve the reader to web browsers on this machine.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (this machine only, for now).")
@pass_context
def web(ctx: Context, port: int, host: str) -> None:
    """Serve the reader at http://HOST:PORT until ctrl+c: each visitor gets a margin of their own, asked
    for their name first, all on this library; what one makes, the others see.
    """
    try:
        from textual_serve.server import Server
    except ImportError:
        raise MarginError(WEB_HINT) from None
    if not is_loopback(host):
        raise MarginError(f"margin web serves this machine only: it has no sign-in yet, so {host} is refused")
    store = ctx.store  # opened (made, or upgraded) once here, before any visitor's margin opens it
    library = store.path
    ctx.close()
    session = shlex.join([sys.executable, "-m", "reader.cli", "--db", library, "library", "--ask-author"])
    click.echo(f"Serving the reader on {library} at http://{host}:{port}; ctrl+c stops.", err=True)
    Server(session, host=host, port=port, title="margin").serve()


COMMANDS = [web]
