"""A class's files from strangers: annotators' names carrying terminal controls, at a real terminal."""

from __future__ import annotations

import os
import pty
import sys
from pathlib import Path

from annotations.anchoring import anchor_span
from annotations.store import Store

from ..conftest import NOTICE, add_document
from .harness import HOSTILE, ROOT, assert_clean, env_for

EVIL = f"Eve{HOSTILE}\nSecond line"


def _class(db: Path) -> None:
    """Two readers of the notice who differ at one place, one of them named with terminal controls."""
    with Store.open(db, author="teacher") as store:
        document = add_document(store)
        start = NOTICE.index("precaution")
        store.as_author("ada").annotations.create(document, anchor_span(NOTICE, start, start + 10), tags=["Claim"])
        store.as_author(EVIL).annotations.create(document, anchor_span(NOTICE, 0, 12), tags=["Claim"])


def _at_terminal(db: Path, *args: str, typed: bytes) -> bytes:
    """Run margin on a pseudo-terminal, type *typed* once it is running; every byte it sent the terminal."""
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "reader.cli", "--db", str(db), *args], env_for(db.parent))
    os.write(fd, typed)
    received = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        received += chunk
    os.waitpid(pid, 0)
    os.close(fd)
    return received


def test_curating_at_a_terminal_never_sends_an_annotators_controls(tmp_path):
    db = tmp_path / "library.db"
    _class(db)
    received = _at_terminal(db, "curate", "Harbour notice", "--authors", f"ada,{EVIL}", typed=b"q\n")
    text = received.decode("utf-8", "replace")
    assert "keep ada's" in text  # the prompt was shown
    assert_clean(text)
