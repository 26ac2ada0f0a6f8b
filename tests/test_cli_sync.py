"""`margin serve` and `margin sync` on the command line: refusals in one line, a round trip on loopback."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotations.store import Store
from reader.cli import cli

from .conftest import add_document


def _margin(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_serve_refuses_an_address_beyond_loopback_without_a_token(tmp_path):
    result = _margin("--db", str(tmp_path / "lib.db"), "serve", "--host", "0.0.0.0")
    _one_line_error(result, "0.0.0.0", "--token-file")
    assert not (tmp_path / "lib.db").exists()  # refused before the library was opened


def test_without_the_sync_extra_both_commands_say_how_to_install_it(tmp_path, monkeypatch):
    import annotations.sync

    monkeypatch.setattr(annotations.sync, "missing", lambda: annotations.sync.INSTALL_HINT)
    _one_line_error(_margin("--db", str(tmp_path / "lib.db"), "serve"), "pip install 'margin[sync]'")
    _one_line_error(_margin("--db", str(tmp_path / "lib.db"), "sync", "ws://127.0.0.1:1"), "pip install 'margin[sync]'")


def test_sync_refuses_an_address_that_is_not_a_websocket(tmp_path):
    pytest.importorskip("pycrdt")
    _one_line_error(_margin("--db", str(tmp_path / "lib.db"), "sync", "http://example.org/"), "ws://")


@pytest.mark.parametrize("url", ["ws://127.0.0.1:99999", "ws://[::1", "ws://host:port", "ws://", "ws://:8765"])
def test_sync_refuses_an_address_with_no_host_or_an_impossible_port_in_one_line(tmp_path, url):
    pytest.importorskip("pycrdt")
    for args in (["sync", url, "--once"], ["library", "--sync", url]):
        _one_line_error(_margin("--db", str(tmp_path / "lib.db"), *args), url)


def test_a_token_file_that_is_a_device_too_long_or_holds_controls_is_refused_at_once(tmp_path):
    pytest.importorskip("pycrdt")
    long, odd = tmp_path / "long.token", tmp_path / "odd.token"
    long.write_text("x" * 5000)
    odd.write_text("abc\x1b[2Jdef\n")
    for token_file, said in (("/dev/zero", "not a regular file"), (str(long), "holds no token"), (str(odd), "holds no token")):
        _one_line_error(_margin("--db", str(tmp_path / "lib.db"), "sync", "ws://127.0.0.1:1", "--token-file", token_file, "--once"), said)
    fine = tmp_path / "fine.token"
    fine.write_text("A-b_c.1~" * 512 + "\r\n")  # the longest a token may be, with a CRLF
    _one_line_error(_margin("--db", str(tmp_path / "lib.db"), "sync", "ws://127.0.0.1:1", "--token-file", str(fine), "--once"), "cannot reach")


class _Server:
    """`serve` for one library on a free loopback port, in a thread; stops by itself when the test ends."""

    def __init__(self, path: Path, token: str | None) -> None:
        self.path, self.token = path, token
        self.port: int | None = None
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import anyio

        from annotations.sync.network import serve

        async def main() -> None:
            stop = anyio.Event()

            async def watch() -> None:
                while not self.done.is_set():
                    await anyio.sleep(0.02)
                stop.set()

            with Store.open(self.path, author="teacher") as store:
                async with anyio.create_task_group() as group:
                    group.start_soon(watch)
                    await serve(store, "127.0.0.1", 0, self.token, ready=self._ready, stop=stop)

        anyio.run(main)

    def _ready(self, port: int) -> None:
        self.port = port

    def __enter__(self) -> "_Server":
        self.thread.start()
        for _ in range(500):
            if self.port is not None:
                return self
            self.done.wait(0.02)
        raise AssertionError("the server did not start")

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join(timeout=10)


def test_sync_once_brings_the_shared_library_and_a_wrong_token_is_refused(tmp_path):
    pytest.importorskip("pycrdt")
    pytest.importorskip("websockets")
    shared = tmp_path / "shared.db"
    with Store.open(shared, author="teacher") as store:
        add_document(store)
    (tmp_path / "token").write_text("right-token\n")
    (tmp_path / "wrong").write_text("wrong-token\n")
    mine = str(tmp_path / "mine.db")
    with _Server(shared, "right-token") as server:
        url = f"ws://127.0.0.1:{server.port}"
        _one_line_error(_margin("--db", mine, "sync", url, "--token-file", str(tmp_path / "wrong"), "--once"), "token")
        result = _margin("--db", mine, "sync", url, "--token-file", str(tmp_path / "token"), "--once")
        assert result.exit_code == 0, result.output
        assert "1 change taken in" in result.output
    assert [d.title for d in Store.open(mine, author="x").documents.all()] == ["Harbour notice"]
    checked = _margin("--db", mine, "check")
    assert checked.exit_code == 0 and "healthy" in checked.output


def test_an_open_reader_notices_what_sync_writes_as_it_notices_another_process(tmp_path):
    pytest.importorskip("pycrdt")
    from pycrdt import Doc

    from annotations.sync.replica import Replica
    from reader.tui.elsewhere import ChangeWatch

    source = Store.open(tmp_path / "a.db", author="ada")
    add_document(source)
    reader_store = Store.open(tmp_path / "b.db", author="bo")  # the reader's own connection
    watch = ChangeWatch(reader_store)
    a_doc, b_doc = Doc(), Doc()
    Replica(source, a_doc).start()
    sync = Replica(Store.open(tmp_path / "b.db", author="bo"), b_doc)  # `margin sync`'s connection
    sync.start()
    assert not watch.changed()
    b_doc.apply_update(a_doc.get_update())
    assert sync.tick() > 0
    assert watch.changed()
    assert len(reader_store.documents.all()) == 1


async def test_the_open_reader_shows_what_a_background_sync_brings(tmp_path):
    pytest.importorskip("pycrdt")
    pytest.importorskip("websockets")
    import anyio

    from annotations.anchoring import anchor_quote
    from annotations.sync.network import Background
    from reader.tui.app import MarginApp

    shared = tmp_path / "shared.db"
    with Store.open(shared, author="teacher") as store:
        add_document(store)
    mine = tmp_path / "mine.db"
    reading = Store.open(mine, author="ada")
    heard: list[str] = []
    with _Server(shared, None) as server:
        live = Background(str(mine), "ada", f"ws://127.0.0.1:{server.port}", None, heard.append)
        try:
            app = MarginApp(reading, watch_seconds=None)
            async with app.run_test():
                live.start()
                with anyio.fail_after(15):
                    while not reading.documents.all():
                        await anyio.sleep(0.05)
                assert app.check_library()  # the document arrived as another process's change does
                with Store.open(shared, author="teacher") as teacher:
                    document = teacher.documents.all()[0]
                    teacher.annotations.create(
                        document, anchor_quote(teacher.documents.text(document.version_id), "The bridge is safe."),
                        note="from the teacher",
                    )
                with anyio.fail_after(15):
                    while not reading.annotations.list():
                        await anyio.sleep(0.05)
                assert app.check_library()
                assert reading.annotations.list()[0].note == "from the teacher"
        finally:
            live.stop()
    assert any("in step" in line for line in heard)
    reading.close()


def test_reading_with_sync_refuses_a_bad_address_before_opening_anything(tmp_path):
    pytest.importorskip("pycrdt")
    result = _margin("--db", str(tmp_path / "lib.db"), "library", "--sync", "http://example.org")
    _one_line_error(result, "ws://")
    result = _margin("--db", str(tmp_path / "lib.db"), "library", "--token-file", __file__)
    _one_line_error(result, "--sync")


async def test_the_reader_shows_who_else_is_reading_in_its_key_bar(tmp_path):
    pytest.importorskip("pycrdt")
    pytest.importorskip("websockets")
    import anyio

    from annotations.sync.network import Background
    from reader.tui.app import MarginApp
    from reader.tui.widgets.key_bar import KeyBar

    shared = tmp_path / "shared.db"
    Store.open(shared, author="teacher").close()
    reading = Store.open(tmp_path / "ada.db", author="ada")
    with _Server(shared, None) as server:
        url = f"ws://127.0.0.1:{server.port}"
        app = MarginApp(reading, watch_seconds=None)
        live = Background(str(tmp_path / "ada.db"), "ada", url, None, lambda line: None)
        other = Background(str(tmp_path / "bo.db"), "Bo Lind", url, None, lambda line: None)
        try:
            async with app.run_test() as pilot:
                live.present = lambda names: app.call_from_thread(app.show_present, names)
                live.start()
                other.start()
                with anyio.fail_after(15):
                    while app.present != ("Bo Lind",):
                        await anyio.sleep(0.05)
                await pilot.pause()
                assert "reading now Bo Lind" in str(app.screen.query_one(KeyBar).render())
                other.stop()  # Bo closes the reader
                with anyio.fail_after(15):
                    while app.present:
                        await anyio.sleep(0.05)
                await pilot.pause()
                assert "reading now" not in str(app.screen.query_one(KeyBar).render())
        finally:
            live.stop()
            other.stop()
    reading.close()


def test_a_background_sync_never_started_stops_without_a_fuss(tmp_path):
    pytest.importorskip("pycrdt")
    from annotations.sync.network import Background

    Background(str(tmp_path / "lib.db"), "ada", "ws://127.0.0.1:1", None, lambda line: None).stop()  # the reader closed first
