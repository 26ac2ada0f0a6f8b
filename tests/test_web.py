"""`margin web`: the reader in a browser. A Pilot test of the name asked first, and a real headless
Chromium that opens the page, makes a highlight and finds it in the library under the visitor's name.

The browser test needs textual-serve, selenium, and Debian's chromium and chromium-driver; it is
skipped cleanly without them.
"""

from __future__ import annotations

import re
import shlex
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import anyio
import pytest
from click.testing import CliRunner

from annotations.store import Store
from reader.cli import cli

from .conftest import add_document

ROOT = Path(__file__).resolve().parents[1]


async def test_a_reader_that_asks_for_a_name_writes_in_that_name(db_path):
    from reader.tui.app import MarginApp
    from reader.tui.screens.library import LibraryScreen

    store = Store.open(db_path, author="the machine's")
    add_document(store)
    app = MarginApp(store, ask_author=True, watch_seconds=None)
    told: list[str] = []
    app.when_named = told.append  # a live sync (`--sync`) starts under the name given
    async with app.run_test() as pilot:
        assert not isinstance(app.screen, LibraryScreen)
        await pilot.press("enter")  # an empty name is asked again
        assert not isinstance(app.screen, LibraryScreen)
        for key in "Grace":
            await pilot.press(key)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert app.store.author == "Grace"
        assert told == ["Grace"]
    store.close()


def test_web_refuses_an_address_beyond_this_machine_without_a_token_file(tmp_path):
    pytest.importorskip("textual_serve")
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "lib.db"), "web", "--host", "0.0.0.0"])
    assert result.exit_code == 1
    assert result.output.strip().startswith("Error: serving on 0.0.0.0 needs --token-file")
    assert len(result.output.strip().splitlines()) == 1


async def test_only_a_browser_signed_in_with_the_token_gets_a_page_or_a_session():
    pytest.importorskip("textual_serve")
    from aiohttp import WSServerHandshakeError
    from aiohttp.test_utils import TestClient, TestServer

    from reader.cli.commands.web import web_server

    quiet = shlex.join([sys.executable, "-c", "pass"])  # a session that ends at once: only whether one starts matters
    app = await web_server(quiet, "127.0.0.1", 0, "the-right-token")._make_app()
    async with TestClient(TestServer(app)) as client:
        for path in ("/", "/?token=a-wrong-token", "/static/css/xterm.css"):
            answer = await client.get(path, allow_redirects=False)
            assert answer.status == 401, path
            assert 'name="token"' in await answer.text()  # the sign-in form, and nothing of margin
        assert "not the token" in await (await client.get("/?token=a-wrong-token")).text()
        with pytest.raises(WSServerHandshakeError) as refused:
            await client.ws_connect("/ws")
        assert refused.value.status == 401
        with pytest.raises(WSServerHandshakeError):
            await client.ws_connect("/ws?token=a-wrong-token")

        signed = await client.get("/?token=the-right-token", allow_redirects=False)
        assert (signed.status, signed.headers["Location"]) == (303, "/")  # the token leaves the address bar
        page = await client.get("/")
        assert page.status == 200 and "xterm" in await page.text()
        assert f"ws://{page.url.host}:{page.url.port}/ws" in await page.text()  # back to the address the browser used
        session = await client.ws_connect("/ws")  # the cookie opens a session
        await anyio.sleep(0.5)  # its process starts, fails to speak Textual's protocol and ends
        await session.close()


async def test_on_loopback_without_a_token_file_there_is_no_sign_in():
    pytest.importorskip("textual_serve")
    from aiohttp.test_utils import TestClient, TestServer

    from reader.cli.commands.web import web_server

    app = await web_server(shlex.join([sys.executable, "-c", "pass"]), "127.0.0.1", 0, None)._make_app()
    async with TestClient(TestServer(app)) as client:
        page = await client.get("/")
        assert page.status == 200
        # Everything the page loads comes from margin's own server: no font service, nothing fetched elsewhere.
        body = await page.text()
        assert "textual.js" in body
        own = str(client.make_url("/")).rstrip("/")
        loaded = re.findall(r"""(?:href|src)=["']([^"']+)""", body)
        elsewhere = [url for url in loaded if re.match(r"(?:https?:)?//", url) and not url.startswith(own)]
        assert loaded and not elsewhere, elsewhere


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver):
        pytest.skip("Debian's chromium and chromium-driver are not installed")
    options = Options()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1200,800"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(driver), options=options)


@pytest.mark.parametrize("signing_in", [False, True], ids=["loopback", "signed-in"])
def test_a_visitor_makes_a_highlight_in_headless_chromium_and_it_is_in_the_library(tmp_path, signing_in):
    pytest.importorskip("textual_serve")
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    library = tmp_path / "class.db"
    with Store.open(library, author="teacher") as store:
        add_document(store)
    port = _free_port()
    token_file = tmp_path / "class.token"
    token_file.write_text("the-class-token\n")
    signing = ["--token-file", str(token_file)] if signing_in else []
    server = subprocess.Popen(
        [sys.executable, "-m", "reader.cli", "--db", str(library), "web", "--port", str(port), *signing],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    browser = None
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "margin web did not start"
                time.sleep(0.1)
        browser = _browser()
        browser.set_page_load_timeout(20)
        if signing_in:
            browser.get(f"http://127.0.0.1:{port}/?token=a-guess")
            assert "not the token" in browser.page_source
            assert not browser.find_elements(By.CSS_SELECTOR, "textarea.xterm-helper-textarea")  # no session
            field = browser.find_element(By.NAME, "token")
            field.send_keys("the-class-token")
            field.submit()
        else:
            browser.get(f"http://127.0.0.1:{port}")
        terminal = browser.find_element(By.CSS_SELECTOR, "textarea.xterm-helper-textarea")

        def press(*keys: str, settle: float = 0.5) -> None:
            browser.execute_script("arguments[0].focus()", terminal)
            ActionChains(browser).send_keys(*keys).perform()
            time.sleep(settle)

        def annotations() -> list[tuple[str, str]]:
            with sqlite3.connect(library) as conn:
                return conn.execute("SELECT exact, author FROM annotations").fetchall()

        time.sleep(3)  # the visitor's margin starts
        press("Grace Hopper", settle=0.3)
        press(Keys.ENTER, settle=1.5)  # named; the library screen
        press(Keys.ENTER, settle=2.0)  # open the document
        press("v")
        press("e")
        press("a")
        press("Theme/Web", settle=0.3)
        press(Keys.ENTER)
        deadline = time.monotonic() + 15
        while not annotations():
            assert time.monotonic() < deadline, "no highlight reached the library"
            time.sleep(0.2)
        assert annotations() == [("Notice", "Grace Hopper")]
    finally:
        if browser is not None:
            browser.quit()
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
