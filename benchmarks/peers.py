"""Other terminal readers measured beside margin, by the same tmux driver, on the same book.

``less`` (the floor of a pager: it shows the file's first screen and pages in
C) is used where it is installed. epy (a curses e-book reader in Python) is
installed by this script into its own environment, ``benchmarks/.peers``
(ignored by git, made once and reused), so nothing of it reaches margin's own
environment. epy reads EPUB and FictionBook, not plain text, so the book is
handed to it as a FictionBook file, its paragraphs as the plain text has them,
in sections at its chapter headings (see :func:`fictionbook`). Each reader starts in a home folder of its own, so no reading
position or settings from an earlier run count.

A peer that cannot be installed or started is reported as skipped, with why.
"""

from __future__ import annotations

import shutil
import subprocess
import venv
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
PEERS = HERE / ".peers"
#: The epy release measured (the newest on the package index when this was written).
EPY = "epy-reader==2023.6.11"
#: Paragraphs in a section of the FictionBook file when no chapter heading comes sooner.
SECTION_PARAGRAPHS = 200


@dataclass
class Peer:
    name: str
    argv: list[str]
    marker: str
    env: dict[str, str]


def _epy() -> tuple[Path | None, str]:
    """The epy program in benchmarks/.peers, installing it there first if needed; or None and why not."""
    program = PEERS / "bin" / "epy"
    if program.exists():
        return program, ""
    try:
        if not (PEERS / "bin" / "python").exists():
            venv.EnvBuilder(with_pip=True, clear=True).create(PEERS)
        done = subprocess.run(
            [str(PEERS / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check", EPY],
            capture_output=True, text=True, timeout=600,
        )
    except (OSError, subprocess.SubprocessError) as error:
        return None, f"could not make {PEERS}: {error}"
    if done.returncode != 0 or not program.exists():
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return None, f"pip could not install {EPY}: {last}"
    return program, ""


def fictionbook(text: str, title: str) -> str:
    """*text* as a FictionBook 2 document, a paragraph per run of non-blank lines.

    As an e-book has chapters, a section starts at each paragraph that begins
    with "Chapter" and after every :data:`SECTION_PARAGRAPHS` paragraphs
    without one (epy lays out a section at a time).
    """
    paragraphs = [" ".join(block.split()) for block in text.split("\n\n")]
    sections: list[list[str]] = [[]]
    for paragraph in filter(None, paragraphs):
        if sections[-1] and (paragraph.lower().startswith("chapter") or len(sections[-1]) >= SECTION_PARAGRAPHS):
            sections.append([])
        sections[-1].append(f"<p>{escape(paragraph)}</p>")
    body = "".join("<section>\n" + "\n".join(paras) + "\n</section>\n" for paras in sections)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<FictionBook xmlns="http://www.gribuser.ru/xml/fictionbook/2.0">\n'
        f"<description><title-info><book-title>{escape(title)}</book-title></title-info></description>\n"
        f"<body>\n{body}</body>\n</FictionBook>\n"
    )


def peers(text: str, title: str, marker: str, folder: Path) -> tuple[list[Peer], list[str]]:
    """The peers that can run here, ready to launch on *text*; and a line for each that cannot."""
    found: list[Peer] = []
    skipped: list[str] = []
    plain = folder / "peer-book.txt"
    plain.write_text(text, encoding="utf-8")

    def home(name: str) -> dict[str, str]:
        place = folder / f"home-{name}"
        place.mkdir(exist_ok=True)
        return {"HOME": str(place), "XDG_CONFIG_HOME": str(place / ".config"), "LESSHISTFILE": "-"}

    less = shutil.which("less")
    if less:
        found.append(Peer("less", [less, str(plain)], marker, home("less")))
    else:
        skipped.append("less: not installed")
    program, why = _epy()
    if program is not None:
        book = folder / "peer-book.fb2"
        book.write_text(fictionbook(text, title), encoding="utf-8")
        found.append(Peer("epy", [str(program), str(book)], marker, home("epy")))
    else:
        skipped.append(f"epy: {why}")
    return found, skipped


__all__ = ["EPY", "PEERS", "Peer", "fictionbook", "peers"]
