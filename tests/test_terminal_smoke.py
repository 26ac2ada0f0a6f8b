"""margin in a real terminal: tmux runs it, keys are typed, the export must hold the exact quote."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

QUOTE = "the lighthouse keeper"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False).stdout


def wait_for(predicate, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


#: What a session must see of the test's environment. A tmux server that was already running
#: gives new sessions its own environment, not the client's, so these are set in the command.
PASSED_ON = ("MARGIN_DB", "MARGIN_CONFIG", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "PYTHONPATH", "TERM")


def start(tmp_path, session: str, db, command_args: str, cwd=None) -> dict:
    """Run margin in a new tmux session, in *cwd* (the repository by default)."""
    env = {**os.environ, "MARGIN_DB": str(db), "TERM": "xterm-256color"}
    exports = " ".join(f"{name}={shlex.quote(env[name])}" for name in PASSED_ON if name in env)
    command = (
        f"cd {shlex.quote(str(cwd or ROOT))} && export {exports}; {shlex.quote(sys.executable)} -m reader.cli --author smoke "
        f"{command_args}; echo MARGIN-EXITED-$?; sleep 30"
    )
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "30", command], env=env, check=True, cwd=ROOT)
    return env


def export(env: dict) -> str:
    return subprocess.run(
        [sys.executable, "-m", "reader.cli", "export"], env=env, capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout


def test_a_killed_reader_loses_nothing_it_showed_as_saved(tmp_path):
    document = tmp_path / "memo.md"
    document.write_text("# Memo\n\nThe committee met in secret on Tuesday.\n", encoding="utf-8")
    session = f"margin-kill-{uuid.uuid4().hex[:8]}"
    env = start(tmp_path, session, tmp_path / "kill.db", f"open {document}")
    try:
        screen = lambda: tmux("capture-pane", "-p", "-t", session)  # noqa: E731
        assert wait_for(lambda: "met in secret" in screen()), screen()
        tmux("send-keys", "-t", session, "/")
        assert wait_for(lambda: "Search this document" in screen()), screen()
        tmux("send-keys", "-t", session, "-l", "in secret")
        tmux("send-keys", "-t", session, "Enter")
        assert wait_for(lambda: "hit 1 of 1" in screen()), screen()
        tmux("send-keys", "-t", session, "v", *["l"] * (len("in secret") - 1), "c")
        assert wait_for(lambda: "ctrl+s" in screen()), screen()
        tmux("send-keys", "-t", session, "-l", "Who decided?")
        tmux("send-keys", "-t", session, "C-s")
        assert wait_for(lambda: "Note saved" in screen()), screen()
        pid = tmux("display-message", "-p", "-t", session, "#{pane_pid}").strip()
        children = subprocess.run(["pgrep", "-P", pid], capture_output=True, text=True).stdout.split()
        for child in children:
            os.kill(int(child), 9)
        assert wait_for(lambda: "MARGIN-EXITED-137" in screen()), screen()
    finally:
        tmux("kill-session", "-t", session)
    exported = export(env)
    assert "> in secret\n" in exported and "Who decided?" in exported


def test_open_annotate_quit_and_export(tmp_path):
    first = tmp_path / "log.md"
    second = tmp_path / "letter.txt"
    first.write_text(
        "# Harbour log\n\nAt dusk the lighthouse keeper wrote that the lamp had failed twice.\n", encoding="utf-8"
    )
    second.write_text("Dear sir,\n\nThe lamp never failed.\n", encoding="utf-8")
    session = f"margin-smoke-{uuid.uuid4().hex[:8]}"
    env = start(tmp_path, session, tmp_path / "smoke.db", f"open {first} {second}")
    try:
        screen = lambda: tmux("capture-pane", "-p", "-t", session)  # noqa: E731
        assert wait_for(lambda: "lighthouse keeper" in screen() and "lamp never failed" in screen()), screen()
        tmux("send-keys", "-t", session, "/")
        assert wait_for(lambda: "Search this document" in screen()), screen()
        tmux("send-keys", "-t", session, "-l", QUOTE)
        tmux("send-keys", "-t", session, "Enter")
        time.sleep(0.3)
        tmux("send-keys", "-t", session, "v")
        for _ in QUOTE[1:]:  # v selects the first character; each l takes one more
            tmux("send-keys", "-t", session, "l")
        assert wait_for(lambda: f"selected {len(QUOTE)} characters" in screen()), screen()
        tmux("send-keys", "-t", session, "a")
        assert wait_for(lambda: "Tag passage" in screen()), screen()
        tmux("send-keys", "-t", session, "-l", "Person:Keeper")
        assert wait_for(lambda: "Create Person" in screen()), screen()
        tmux("send-keys", "-t", session, "Enter")
        assert wait_for(lambda: "Saved" in screen()), screen()
        tmux("send-keys", "-t", session, "q")
        assert wait_for(lambda: "MARGIN-EXITED-0" in screen()), screen()
    finally:
        tmux("kill-session", "-t", session)
    exported = export(env)
    assert f"> {QUOTE}\n" in exported
    assert "[[Keeper]] (#Person)" in exported


def test_a_window_shrunk_to_a_few_cells_and_back_redraws(tmp_path):
    document = tmp_path / "memo.md"
    document.write_text("# Memo\n\nThe committee met in secret on Tuesday.\n", encoding="utf-8")
    session = f"margin-tiny-{uuid.uuid4().hex[:8]}"
    start(tmp_path, session, tmp_path / "tiny.db", f"open {document}")
    try:
        screen = lambda: tmux("capture-pane", "-p", "-t", session)  # noqa: E731
        assert wait_for(lambda: "met in secret" in screen()), screen()
        tmux("resize-window", "-t", session, "-x", "20", "-y", "5")
        # redrawn for 20 columns: the key bar is cut to fit and the sentence wraps away
        assert wait_for(lambda: "Help" in screen() and "met in secret" not in screen()), screen()
        assert all(len(line) <= 20 for line in screen().splitlines()), screen()
        tmux("resize-window", "-t", session, "-x", "1", "-y", "1")
        time.sleep(0.5)
        tmux("resize-window", "-t", session, "-x", "120", "-y", "30")
        assert wait_for(lambda: "met in secret" in screen()), screen()
        assert "MARGIN-EXITED" not in screen()
        tmux("send-keys", "-t", session, "q")
        assert wait_for(lambda: "MARGIN-EXITED-0" in screen()), screen()
    finally:
        tmux("kill-session", "-t", session)


def test_a_file_changed_on_disk_is_taken_in_on_open_and_reviewed(tmp_path):
    """The whole re-anchoring loop in a real terminal: change the file, open it, review, accept, re-attach."""
    document = tmp_path / "memo.md"
    document.write_text(
        "# Memo\n\nThe bridge will close from 10 March. The closure is a precaution. The bridge is safe.\n",
        encoding="utf-8",
    )
    db = tmp_path / "review.db"
    env = {**os.environ, "MARGIN_DB": str(db)}

    def cli(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "reader.cli", "--author", "smoke", *args], env=env,
                              capture_output=True, text=True, check=True, cwd=ROOT)
        return done.stdout

    cli("import", str(document))
    cli("annotate", "Memo", "--quote", "10 March", "--note", "date")
    cli("annotate", "Memo", "--quote", "The bridge is safe.", "--note", "claim")
    document.write_text("# Memo\n\nThe bridge will close from ten March. The closure is a precaution.\n", encoding="utf-8")

    session = f"margin-review-{uuid.uuid4().hex[:8]}"
    start(tmp_path, session, db, "open Memo")
    try:
        screen = lambda: tmux("capture-pane", "-p", "-t", session)  # noqa: E731
        assert wait_for(lambda: "from ten March" in screen() and "press R to review" in screen()), screen()
        tmux("send-keys", "-t", session, "R")
        assert wait_for(lambda: "not found in version 2" in screen()), screen()  # the orphan comes first
        tmux("send-keys", "-t", session, "Down")
        assert wait_for(lambda: "fuzzy" in screen() and "now" in screen()), screen()
        tmux("send-keys", "-t", session, "a")  # accept "ten March"
        assert wait_for(lambda: "1 to review" in screen() or "not found" in screen()), screen()
        tmux("send-keys", "-t", session, "x")  # delete the orphan: its words are gone
        assert wait_for(lambda: "Review done" in screen()), screen()
        tmux("send-keys", "-t", session, "q")
        assert wait_for(lambda: "MARGIN-EXITED-0" in screen()), screen()
    finally:
        tmux("kill-session", "-t", session)
    listed = cli("review", "Memo", "--all")
    assert "ten March" in listed and "bridge is safe" not in listed
    exported = cli("export")
    assert "> ten March" in exported and "bridge is safe" not in exported


def test_hostile_text_never_reaches_the_terminal(tmp_path):
    """A title, tag and note that try to set the window title, write the clipboard and clear the screen do none of it."""
    from annotations.anchoring import anchor_span
    from annotations.store import Store

    from .conftest import add_document

    attack = "\x1b]0;PWNED\x07\x1b]52;c;cHduZWQ=\x07\x1b[2J\u009b2J\u202eevil"
    text = f"Plain words and {attack} more words.\n"
    db = tmp_path / "hostile.db"
    with Store.open(db, author="smoke") as store:
        document = add_document(store, text=text, title=f"Shown title {attack}")
        store.annotations.create(document, anchor_span(text, 0, 11), tags=[f"Theme/t{attack}"], note=f"note {attack}")
    session = f"margin-hostile-{uuid.uuid4().hex[:8]}"
    start(tmp_path, session, db, "library")
    try:
        screen = lambda: tmux("capture-pane", "-p", "-t", session)  # noqa: E731
        assert wait_for(lambda: "Shown title" in screen()), screen()
        tmux("send-keys", "-t", session, "Enter")
        assert wait_for(lambda: "Plain words" in screen()), screen()
        tmux("send-keys", "-t", session, "p")
        assert wait_for(lambda: "note" in screen()), screen()
        title = tmux("display-message", "-p", "-t", session, "#{pane_title}")
        assert "PWNED" not in title, title
        assert "Shown title" in screen() or "Plain words" in screen()  # the screen was never cleared by the text
        buffers = tmux("list-buffers")
        assert "pwned" not in buffers.lower()  # nothing reached the clipboard (OSC 52)
    finally:
        tmux("kill-session", "-t", session)
