"""What every hostile case asserts, and the tools to assert it.

Each case runs margin as a person would (a child process, or through a
pseudo-terminal) and checks: one clear line on stderr, a non-zero exit, no
traceback, the library unchanged (a dump of every row), memory under a
stated bound (the child's own peak resident size, see ``peak.py``), and nothing
written to the terminal outside the expected set (printable text, line
ends, tabs and the colour and bold sequences margin's tables use).
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from annotations.terminal import HIDDEN_CODES

from ..conftest import fingerprint

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024

#: Sent by a child to the terminal only as its own styling: SGR sequences (colour, bold).
_SGR = re.compile(r"\x1b\[[0-9;]*m")
#: Raw controls anywhere in a string: what stored text must never bring to a terminal.
HOSTILE = "\x1b]0;PWNED\x07\x1b]52;c;cHduZWQ=\x07\x1b[2J\x1b[31m\u009b31m\u202eevil\u2066\x07\x7f\x85"
#: Markup in a string, which must never be read as such (Textual reads it in notifications, border titles,
#: options, table cells): a closing tag that opens nothing (an error, if read), an action on click, a link.
#: No ``//``: in a tag's name that is a path with an empty part.
MARKUP = "[/x] [@click=app.bell]ring[/] [link=evil.example]go[/link] [b]"


@dataclass
class Run:
    code: int
    out: str
    err: str
    peak_mb: float

    def refused(self, *fragments: str) -> str:
        """The run failed with exactly one ``Error:`` line saying *fragments*, and no traceback; returns the line."""
        lines = [line for line in self.err.splitlines() if line.strip() and not line.startswith("warning:")]
        assert self.code != 0, (self.code, self.out, self.err)
        assert "Traceback" not in self.err and "Traceback" not in self.out, self.err
        assert len(lines) == 1 and lines[0].startswith("Error: "), self.err
        for fragment in fragments:
            assert fragment in lines[0], lines[0]
        assert_clean(lines[0])
        return lines[0]


def env_for(home: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("MARGIN_")}
    env.update(
        XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"), XDG_STATE_HOME=str(home / "state"),
        MARGIN_CONFIG=str(home / "config.toml"), MARGIN_LOG_DIR=str(home / "logs"), PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


class _Measured(subprocess.Popen):  # type: ignore[type-arg]
    """A Popen that reaps its child with ``wait4``, keeping the child's own peak resident size."""

    peak_mb = 0.0

    def _try_wait(self, wait_flags: int):  # type: ignore[no-untyped-def]
        try:
            pid, status, usage = os.wait4(self.pid, wait_flags)
        except ChildProcessError:
            return (self.pid, 0)
        if pid:
            self.peak_mb = usage.ru_maxrss / 1024  # ru_maxrss is in kilobytes on Linux
        return (pid, status)


def margin(db: Path, *args: str, env: dict[str, str] | None = None, stdin: str = "", timeout: float = 120) -> Run:
    """``margin --db DB ARGS`` in a child process, with that child's own peak memory (see ``peak.py``)."""
    peak_file = db.parent / f".peak-{os.getpid()}-{len(args)}"
    peak_file.unlink(missing_ok=True)
    process = _Measured(
        [sys.executable, str(Path(__file__).with_name("peak.py")), "--db", str(db), *args], cwd=ROOT,
        env={**(env or env_for(db.parent)), "MARGIN_TEST_PEAK_FILE": str(peak_file)},
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    out, err = process.communicate(stdin.encode(), timeout=timeout)
    peak = process.peak_mb
    if peak_file.exists():  # the program's own figure; wait4's is only a bound from above
        peak = int(peak_file.read_text(encoding="ascii") or 0) / 1024
        peak_file.unlink()
    return Run(process.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), peak)


def through_pty(db: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, bytes]:
    """Run margin with a pseudo-terminal as stdout and stderr; every byte it sent the terminal, and its exit code."""
    environment = env or env_for(db.parent)
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "reader.cli", "--db", str(db), *args], environment)
    received = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        received += chunk
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), received


def outside_expected(text: str) -> list[str]:
    """Characters in *text* a terminal would obey, other than margin's own styling, line ends and tabs."""
    plain = _SGR.sub("", text)
    return [ch for ch in plain if ord(ch) in HIDDEN_CODES and ch not in "\n\r\t"]


def assert_clean(text: str) -> None:
    bad = outside_expected(text)
    assert not bad, f"sent to the terminal: {[hex(ord(c)) for c in bad[:10]]} in {text[:300]!r}"


def unchanged(db: Path, before: str) -> None:
    assert fingerprint(db) == before, "the library changed"
