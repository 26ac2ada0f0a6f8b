"""Driving a terminal program under tmux and timing what a person would wait for.

A figure taken this way includes everything between a key (or a launch) and
the changed screen: interpreter start, imports, the first frame and tmux
itself, which the in-app figures leave out. Each run gets a private tmux
server (its own socket) with sessions of 160x50; the screen is polled with
``tmux capture-pane`` as fast as it answers. The reader figures
(``tui.py``, ``tmux_figures.py``), the compare view's (``compare.py``) and
the launch timeline (``launch_timeline.py``) all use this driver, so their
harness costs are the same.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

WIDTH, HEIGHT = 160, 50
#: Launches a figure takes unless told otherwise (``tui.py --runs``).
LAUNCH_RUNS = 5
#: Presses of page down (and of page up) a figure of keys takes.
PRESSES = 20
#: Presses of G or End a figure of jumps takes.
JUMPS = 10
#: Longest wait for anything to appear on screen.
TIMEOUT = 20.0
#: Longest wait for a slow peer's first screen (baca and frogmouth take 13-19 s for a 3 MB book).
SLOW_TIMEOUT = 90.0
#: Presses of page down a slow peer's figure takes (in the session it was launched in).
SLOW_PRESSES = 5


class Tmux:
    """A private tmux server (its own socket) whose sessions are all killed at the end."""

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        self.socket = f"margin-bench-{os.getpid()}"
        self.cwd = cwd
        self.env = env
        self.count = 0
        self.socket_path = ""
        try:
            # A session that only keeps the server alive, so every measured
            # launch finds the server running (as a person's tmux would be).
            self._run("new-session", "-d", "-s", "keeper", "-x", str(WIDTH), "-y", str(HEIGHT), "sleep 100000")
            self.socket_path = self._run("display-message", "-p", "#{socket_path}").stdout.decode().strip()
            self._run("set-option", "-g", "default-terminal", "tmux-256color")
            self._run("set-option", "-g", "remain-on-exit", "on")
        except BaseException:
            self.close()
            raise

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args], capture_output=True, check=check, cwd=self.cwd
        )

    def command(self, *argv: str, env: dict[str, str] | None = None) -> str:
        assignments = [f"{k}={shlex.quote(v)}" for k, v in {**self.env, **(env or {})}.items()]
        return "exec env " + " ".join(assignments + [shlex.quote(a) for a in argv])

    def start(self, command: str) -> tuple[str, float]:
        """Start *command* in a new 160x50 session: its name, and the clock just before it was started."""
        self.count += 1
        name = f"s{self.count}"
        began = time.perf_counter()
        self._run("new-session", "-d", "-s", name, "-x", str(WIDTH), "-y", str(HEIGHT), "-c", str(self.cwd), command)
        return name, began

    def capture(self, name: str, colours: bool = False) -> str:
        """The screen's text; with *colours*, with the escape sequences of its colours and attributes."""
        result = self._run("capture-pane", "-p", *(("-e",) if colours else ()), "-t", name, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"tmux session {name} is gone: {result.stderr.decode(errors='replace').strip()}")
        return result.stdout.decode("utf-8", errors="replace")

    def send(self, name: str, *keys: str) -> None:
        self._run("send-keys", "-t", name, *keys)

    def resize(self, name: str, columns: int) -> None:
        self._run("resize-window", "-t", name, "-x", str(columns), "-y", str(HEIGHT))

    def pane_pid(self, name: str) -> int | None:
        result = self._run("display-message", "-p", "-t", name, "#{pane_pid}", check=False)
        text = result.stdout.decode().strip()
        return int(text) if text.isdigit() else None

    def kill(self, name: str) -> None:
        pid = self.pane_pid(name)
        self._run("kill-session", "-t", name, check=False)
        # Let the killed program go before the next measurement starts.
        deadline = time.perf_counter() + 3
        while pid is not None and time.perf_counter() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.01)

    def close(self) -> None:
        self._run("kill-server", check=False)
        if self.socket_path:
            Path(self.socket_path).unlink(missing_ok=True)

    # -- waiting ----------------------------------------------------------------

    def wait_for(self, name: str, began: float, markers: list[str], timeout: float = TIMEOUT) -> float:
        """Poll as fast as possible until every marker is on screen; seconds since *began*."""
        while True:
            screen = self.capture(name)
            if all(marker in screen for marker in markers):
                return time.perf_counter() - began
            if time.perf_counter() - began > timeout:
                raise RuntimeError(f"{markers} not on screen after {timeout:.0f} s; the screen shows:\n{screen}")
            if "Pane is dead" in screen:
                raise RuntimeError(f"the program exited; the screen shows:\n{screen}")

    def settled(self, name: str, quiet: float = 0.05, timeout: float = 5.0) -> str:
        """The screen once it has stopped changing for *quiet* seconds."""
        deadline = time.perf_counter() + timeout
        screen = self.capture(name)
        while time.perf_counter() < deadline:
            time.sleep(quiet)
            again = self.capture(name)
            if again == screen:
                return screen
            screen = again
        return screen

    def key_to_change(self, name: str, key: str) -> float:
        """Seconds from sending *key* to the first capture that differs from the settled screen."""
        before = self.settled(name)
        began = time.perf_counter()
        self.send(name, key)
        while True:
            if self.capture(name) != before:
                return time.perf_counter() - began
            if time.perf_counter() - began > TIMEOUT:
                raise RuntimeError(f"the screen did not change after {key}")


SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def sgr_parts(params: list[str]) -> Iterator[list[str]]:
    """One SGR sequence's parameters, one attribute at a time: a colour with its arguments (``48;2;r;g;b``,
    ``38;5;n``), any other code alone."""
    index = 0
    while index < len(params):
        param = params[index]
        kind = params[index + 1:index + 2]
        size = (5 if kind == ["2"] else 3 if kind == ["5"] else 1) if param in ("38", "48") else 1
        yield params[index:index + size]
        index += size


def backgrounds(screen: str) -> set[str]:
    """The background colours a ``capture-pane -e`` screen uses (as their SGR parameters, e.g. ``48;2;84;78;20``)."""
    found: set[str] = set()
    for match in SGR.finditer(screen):
        for part in sgr_parts(match.group(1).split(";")):
            code = part[0]
            if code == "48" and len(part) > 1:
                found.add(";".join(part))
            elif len(part) == 1 and (code in {"40", "41", "42", "43", "44", "45", "46", "47"} or code.startswith("10")):
                found.add(code)
    return found


def highlight_colours(tmux: Tmux, with_highlights: str, without: str, marker: str) -> set[str]:
    """The backgrounds margin's settled first screen has with highlights and not without them: the highlights'."""
    settled: list[set[str]] = []
    for command in (with_highlights, without):
        name, began = tmux.start(command)
        try:
            tmux.wait_for(name, began, [marker])
            tmux.settled(name, quiet=0.3)
            time.sleep(1.0)  # the highlights' worker
            settled.append(backgrounds(tmux.capture(name, colours=True)))
        finally:
            tmux.kill(name)
    return settled[0] - settled[1]


def launch_and_highlights(tmux: Tmux, command: str, marker: str, colours: set[str]) -> tuple[float, float]:
    """Seconds to *marker* on screen, and to every one of *colours* on screen (the highlights drawn)."""
    name, began = tmux.start(command)
    try:
        shown = None
        while True:
            screen = tmux.capture(name, colours=True)
            now = time.perf_counter() - began
            if shown is None and marker in SGR.sub("", screen):
                shown = now
            if shown is not None and colours <= backgrounds(screen):
                return shown, now
            if now > TIMEOUT:
                raise RuntimeError(f"{marker!r} and the highlights not on screen after {TIMEOUT:.0f} s")
            if "Pane is dead" in screen:
                raise RuntimeError(f"the program exited; the screen shows:\n{SGR.sub('', screen)}")
    finally:
        tmux.kill(name)


def launch(tmux: Tmux, command: str, markers: list[str], runs: int) -> list[float]:
    """Launch-to-markers times; one untimed warm-up launch first."""
    samples = []
    for run in range(runs + 1):
        name, began = tmux.start(command)
        try:
            elapsed = tmux.wait_for(name, began, markers)
        finally:
            tmux.kill(name)
        if run:
            samples.append(elapsed)
    return samples


def margin_argv(*document_ids: str) -> list[str]:
    return [sys.executable, "-m", "reader.cli", "open", *document_ids]


def reader_env(library: Path, folder: Path) -> dict[str, str]:
    """What the reader runs with under tmux: *library*, no settings file (none in *folder*), true colour."""
    return {"MARGIN_DB": str(library), "MARGIN_CONFIG": str(folder / "no-config.toml"), "COLORTERM": "truecolor"}


def resettled(tmux: Tmux, name: str, began: float, final: Any, quiet: float) -> tuple[float, str]:
    """Poll until the screen passes *final* and has not changed for *quiet* seconds: when it first showed, and it."""
    screen, shown_at, changed_at = tmux.capture(name), began, began
    while True:
        again = tmux.capture(name)
        now = time.perf_counter()
        if again != screen:
            screen, shown_at, changed_at = again, now, now
        elif final(screen) and now - changed_at >= quiet:
            return shown_at - began, screen
        if now - began > TIMEOUT:
            raise RuntimeError(f"the screen did not settle; it shows:\n{screen}")


def split_at(screen: str, columns: int) -> bool:
    """True once two panes are drawn for *columns*: the first pane's right edge in the middle of its title line.

    What tmux shows by itself after a resize (the old screen cut, or what it held from before a
    narrowing) has that edge where the old width put it.
    """
    edge = screen.split("\n", 1)[0].find("▕")
    return abs(edge - (columns // 2 - 1)) <= 2


def key_figures(tmux: Tmux, name: str) -> dict[str, list[float]]:
    """Page down, page up and end, each key to changed screen, from where the session's view is.

    Page down and page up alternate, so the place read stays where it was; end is pressed a page
    above where the last end press landed, so every press changes the screen.
    """
    figures: dict[str, list[float]] = {"PageDown": [], "PageUp": [], "End": []}
    for _ in range(PRESSES):
        figures["PageDown"].append(tmux.key_to_change(name, "PageDown"))
        figures["PageUp"].append(tmux.key_to_change(name, "PageUp"))
    for _ in range(JUMPS):
        figures["End"].append(tmux.key_to_change(name, "End"))
        tmux.key_to_change(name, "PageUp")
    return figures
