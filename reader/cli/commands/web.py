"""``margin web``: the reader in a web browser, one margin per visitor, all on one library (textual-serve).

On loopback anyone on this machine may visit. With a token file (needed for
any other address) a visitor signs in first: the token typed into a small
form, or a ``?token=`` link; the browser then keeps a cookie derived from the
token. Without it every page, and the WebSocket that starts a visitor's
margin, answers 401, so a wrong token never gets a session.
"""

from __future__ import annotations

import hashlib
import hmac
import shlex
import socket
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import click

from annotations.errors import MarginError

from ..context import Context, pass_context
from .sync import _say, server_token

#: What to tell someone whose margin lacks textual-serve.
WEB_HINT = "margin web needs the web extra: pip install 'margin[web]'"

#: The cookie a signed-in browser keeps: a digest of the token, never the token itself.
COOKIE = "margin_signed_in"

SIGN_IN_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>margin: sign in</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:sans-serif;max-width:28em;margin:4em auto;padding:0 1em}}
input{{font-size:1.1em;width:100%;margin:.4em 0}}p.wrong{{color:#a00}}</style></head>
<body><h1>margin</h1>{wrong}
<form method="get" action="/"><label for="token">The token you were given</label>
<input id="token" name="token" type="password" autocomplete="current-password" autofocus>
<input type="submit" value="Sign in"></form>
<p>Your name is asked next; what you make carries it.</p></body></html>
"""


def pass_for(token: str) -> str:
    """What a signed-in browser's cookie holds: a digest of *token*, so the cookie does not reveal it."""
    return hmac.new(token.encode(), b"margin web sign-in", hashlib.sha256).hexdigest()


def signed_in_middleware(token: str) -> Any:
    """An aiohttp middleware that lets through only requests signed in with *token*."""
    from aiohttp import web

    expected = pass_for(token)

    @web.middleware
    async def sign_in(request: Any, handler: Any) -> Any:
        if hmac.compare_digest(request.cookies.get(COOKIE, "").encode(), expected.encode()):
            return await handler(request)
        given = request.query.get("token")
        if given is not None and hmac.compare_digest(given.strip().encode(), token.encode()):
            answer = web.Response(status=303, headers={"Location": "/"})  # the token leaves the address bar
            answer.set_cookie(COOKIE, expected, httponly=True, samesite="Strict", secure=request.secure)
            return answer
        wrong = '<p class="wrong">That is not the token.</p>' if given is not None else ""
        return web.Response(status=401, text=SIGN_IN_PAGE.format(wrong=wrong), content_type="text/html")

    return sign_in


def web_server(command: str, host: str, port: int, token: str | None) -> Any:
    """textual-serve's server for *command*, behind the sign-in when there is a *token*.

    The page tells each browser to connect back to the address it used, so a
    visitor reaching the machine by any of its names gets a working terminal.
    """
    from textual_serve.server import Server

    class Serving(Server):
        async def _make_app(self) -> Any:
            app = await super()._make_app()
            if token is not None:
                app.middlewares.append(signed_in_middleware(token))
            return app

        async def handle_index(self, request: Any) -> Any:
            scheme = request.headers.get("X-Forwarded-Proto", request.scheme)
            self.public_url = f"{'https' if scheme == 'https' else 'http'}://{request.host}"
            return await super().handle_index(request)

    return Serving(command, host=host, port=port, title="margin", templates_path=offline_templates())


def offline_templates() -> Path:
    """textual-serve's page, without the web font it links from a font service: margin fetches nothing.

    The page falls back to the browser's monospace font; made once per run in a temporary folder.
    """
    import atexit
    import re
    import shutil
    import tempfile

    import textual_serve

    page = (Path(textual_serve.__file__).parent / "templates" / "app_index.html").read_text(encoding="utf-8")
    page = re.sub(r"<link[^>]*fonts\.(?:googleapis|gstatic)\.com[^>]*>", "", page)
    folder = Path(tempfile.mkdtemp(prefix="margin-web-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    (folder / "app_index.html").write_text(page, encoding="utf-8")
    return folder


@click.command("web", short_help="Serve the reader to web browsers.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on; any but loopback needs --token-file.")
@click.option("--token-file", type=click.Path(path_type=Path, dir_okay=False),
              help="File holding the token visitors sign in with; made with a new random token if absent.")
@pass_context
def web(ctx: Context, port: int, host: str, token_file: Path | None) -> None:
    """Serve the reader at http://HOST:PORT until ctrl+c: each visitor gets a margin of their own, asked
    for their name first, all on this library; what one makes, the others see.

    With --token-file (needed on any address but loopback) a visitor signs in
    with the token first, or follows the ?token= link printed at the start.
    """
    try:
        import textual_serve.server  # noqa: F401
    except ImportError:
        raise MarginError(WEB_HINT) from None
    token = server_token(host, token_file, exposed="gets a margin on this library", hand_to="your visitors")
    store = ctx.store  # opened (made, or upgraded) once here, before any visitor's margin opens it
    library = store.path
    ctx.close()
    session = shlex.join([sys.executable, "-m", "reader.cli", "--db", library, "library", "--ask-author"])
    shown = socket.gethostname() if host in ("0.0.0.0", "::", "") else host  # every address: this machine's name
    _say(f"Serving the reader on {library} at http://{shown}:{port}; ctrl+c stops.")
    if token is not None:
        _say(f"Visitors sign in with the token in {token_file}, or open http://{shown}:{port}/?token={quote(token)}")
    web_server(session, host, port, token).serve()


COMMANDS = [web]
