"""A reader whose terminal is gone quits, rather than running on in the background.

The hang-up signal does not always reach the reader (it ran under ``make`` or a
script, or the shell ignored it, or an SSH link just dropped); the reader is then
reading keys from a terminal that no longer exists.
"""

from __future__ import annotations

import os
import pty
import shlex
import subprocess
import sys
import uuid
from pathlib import Path

from reader.tui.hangup import hung_up

from .test_terminal_smoke import ROOT, pytestmark, tmux, wait_for  # noqa: F401 - pytestmark skips without tmux


def test_a_terminal_that_hangs_up_is_told_apart_from_one_that_waits_for_keys():
    main, reader = pty.openpty()
    try:
        assert not hung_up(reader)
        os.close(main)
        assert hung_up(reader)
    finally:
        os.close(reader)


def gone(pid: int) -> bool:
    """Whether process *pid* has ended (a zombie nobody has reaped yet counts as ended)."""
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0] == "Z"
    except (FileNotFoundError, IndexError):
        return True


def test_a_reader_that_missed_the_hang_up_quits_when_its_terminal_goes(tmp_path):
    session = f"margin-hangup-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "MARGIN_DB": str(tmp_path / "hangup.db"), "TERM": "xterm-256color"}
    # The shell ignores the hang-up signal for the reader, as nohup would: only the terminal can say it is gone.
    command = (
        f"cd {shlex.quote(ROOT)} && trap '' HUP && MARGIN_DB={shlex.quote(env['MARGIN_DB'])} "
        f"{shlex.quote(sys.executable)} -m reader.cli demo; sleep 30"
    )
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "100", "-y", "30", command], env=env, check=True)
    try:
        assert wait_for(lambda: "Harbour" in tmux("capture-pane", "-p", "-t", session)), tmux("capture-pane", "-p", "-t", session)
        shell = tmux("display-message", "-p", "-t", session, "#{pane_pid}").strip()
        (reader,) = [int(pid) for pid in subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True).stdout.split()]
    finally:
        tmux("kill-session", "-t", session)
    try:
        assert wait_for(lambda: gone(reader), timeout=10), "the reader is still running with its terminal gone"
    finally:
        if not gone(reader):
            os.kill(reader, 9)
