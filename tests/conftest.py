"""Shared fixtures: every test gets its own library file; nothing touches the user's."""

from __future__ import annotations

import gc
import hashlib
import itertools
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from annotations.errors import FormatError
from annotations.model import LoadedDocument, Section
from annotations.store import Store

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session", autouse=True)
def private_tmux_server(tmp_path_factory):
    """The real-terminal tests' tmux sessions on a server of this test process's own, sized by tmux alone.

    On one server, sessions of tests running side by side (``pytest -n``) share its
    options, and a test's ``resize-window`` or a session's size reached the others';
    inside a developer's tmux (``TMUX`` set) they would open in the developer's server.
    A worker of ``pytest -n`` is given ``COLUMNS=80 LINES=24``, which a reader started
    there took over its terminal's size (and a rich console over its width).
    """
    socket_dir = tmp_path_factory.mktemp("tmux")
    saved = {name: os.environ.get(name) for name in ("TMUX_TMPDIR", "TMUX", "COLUMNS", "LINES")}
    os.environ["TMUX_TMPDIR"] = str(socket_dir)
    for name in ("TMUX", "COLUMNS", "LINES"):
        os.environ.pop(name, None)
    yield
    if shutil.which("tmux"):
        subprocess.run(["tmux", "kill-server"], capture_output=True, check=False)
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory, monkeypatch):
    """Point margin's data, config and failure logs away from the real home, for every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("MARGIN_LOG_DIR", str(home / "log"))  # tests that make a command fail leave their logs here
    monkeypatch.setenv("MARGIN_CONFIG", str(home / "config" / "margin" / "config.toml"))
    monkeypatch.delenv("MARGIN_DB", raising=False)
    monkeypatch.delenv("MARGIN_NER_MODEL", raising=False)
    yield
    # A test that opens the reader through the command line freezes every object alive (reader.collector),
    # the test session's among them: hand them back to the collector.
    if gc.get_freeze_count():
        gc.unfreeze()


@pytest.fixture
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the repository")
    return SHARED


def fixed_clock():
    """A clock that ticks one second per call, so ordering is deterministic."""
    counter = itertools.count()

    def tick() -> str:
        n = next(counter)
        return f"2026-11-23T10:{n // 60 % 60:02d}:{n % 60:02d}.000000Z"

    return tick


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "library.db"


@pytest.fixture
def store(db_path):
    opened = Store.open(db_path, author="ada", clock=fixed_clock())
    yield opened
    opened.close()


def import_samples(store: Store) -> None:
    """Import the sample documents bundled with margin (the ones ``margin demo`` opens)."""
    from reader.formats import read_source
    from reader.samples import sample_paths

    for path in sample_paths():
        source = read_source(path)
        store.documents.import_loaded(str(source.path), source.sha256, source.document)


NOTICE = (
    "Notice\n\nThe bridge will close from 10 March until 28 April. "
    "The closure is a precaution. The bridge is safe.\n\nCosts\n\n"
    "The remainder will be met from reserves. The bridge reopens in April.\n"
)


def loaded(text: str = NOTICE, title: str = "Harbour notice", sections: tuple[Section, ...] | None = None) -> LoadedDocument:
    if sections is None:
        split = text.find("Costs")
        sections = (Section(0, split, 1, "Notice"), Section(split, len(text), 1, "Costs")) if split > 0 else ()
    return LoadedDocument(text=text, title=title, format="text", sections=sections)


def add_document(store: Store, text: str = NOTICE, title: str = "Harbour notice", path: str | None = None):
    digest = hashlib.sha256(text.encode()).hexdigest()
    return store.documents.import_loaded(path or f"/docs/{title}.txt", digest, loaded(text, title)).document


def fingerprint(path: Path) -> str:
    """A digest of every row of every table: equal before and after means nothing changed."""
    if not path.exists():
        return "absent"
    conn = sqlite3.connect(path)
    try:
        digest = hashlib.sha256()
        for line in conn.iterdump():
            digest.update(line.encode())
        return digest.hexdigest()
    except sqlite3.DatabaseError:  # not a database at all: compare its bytes
        return hashlib.sha256(path.read_bytes()).hexdigest()
    finally:
        conn.close()


def refusal(path: Path | str, *fragments: str) -> str:
    """Read *path* (a file margin should refuse), expecting a FormatError: one line, naming the file, saying *fragments*."""
    from reader.formats import read_source

    with pytest.raises(FormatError) as caught:
        read_source(path)
    message = str(caught.value)
    assert "\n" not in message and "\r" not in message, message
    assert "Traceback" not in message
    assert Path(path).name in message, message
    for fragment in fragments:
        assert fragment in message, message
    return message


async def focus_left_in_step(app, pilot):
    """Focus the left of two side-by-side panes with scrolling synced (``s`` when it is not): their views."""
    left, right = (pane.view for pane in app.screen.panes)
    left.focus()
    await pilot.pause()
    if not app.screen.deck.synced:
        await pilot.press("s")
        await pilot.pause()
    return left, right
