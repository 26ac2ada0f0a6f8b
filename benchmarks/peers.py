"""Other terminal readers measured beside margin, by the same tmux driver, on the same book.

``less`` (the floor of a pager: it shows the file's first screen and pages in
C) is used where it is installed. epy (a curses e-book reader in Python) is
installed by this script into its own environment, ``benchmarks/.peers``
(ignored by git, made once and reused), so nothing of it reaches margin's own
environment. epy reads EPUB and FictionBook, not plain text, so the book is
handed to it as a FictionBook file, its paragraphs as the plain text has them,
in sections at its chapter headings (see :func:`fictionbook`). Each reader starts in a home folder of its own, so no reading
position or settings from an earlier run count.

Two Textual readers are measured the same way, each installed into an
environment of its own under ``benchmarks/.peers`` (each pins its own old
Textual): baca, an e-book reader, given the book as an EPUB made here
(:func:`epub`), and frogmouth, a Markdown browser, given the plain text as a
Markdown file. Both take well over ten seconds to show a 3 MB book, so each
is launched once, and its page keys timed in that session (:attr:`Peer.slow`).
baca is GPL-3.0: it runs here as a program of its own, never imported nor
shipped with margin.

A peer that cannot be installed or started is reported as skipped, with why.
"""

from __future__ import annotations

import shutil
import subprocess
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
PEERS = HERE / ".peers"
#: The epy release measured (the newest on the package index when this was written).
EPY = "epy-reader==2023.6.11"
#: The baca and frogmouth releases measured (the newest on the package index, December 2026).
BACA = "baca==0.1.17"
FROGMOUTH = "frogmouth==0.9.2"
#: Paragraphs in a section of the FictionBook file when no chapter heading comes sooner.
SECTION_PARAGRAPHS = 200


@dataclass
class Peer:
    name: str
    argv: list[str]
    marker: str
    env: dict[str, str]
    slow: bool = False
    """Takes many seconds to open the book: launched once, its page keys timed in that session."""


def _installed(where: Path, requirement: str, name: str) -> tuple[Path | None, str]:
    """The program *name* of *requirement* in an environment at *where*, installing it there first if
    needed; or None and why not."""
    program = where / "bin" / name
    if program.exists():
        return program, ""
    try:
        if not (where / "bin" / "python").exists():
            venv.EnvBuilder(with_pip=True, clear=True).create(where)
        done = subprocess.run(
            [str(where / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check", requirement],
            capture_output=True, text=True, timeout=600,
        )
    except (OSError, subprocess.SubprocessError) as error:
        return None, f"could not make {where}: {error}"
    if done.returncode != 0 or not program.exists():
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return None, f"pip could not install {requirement}: {last}"
    return program, ""


def _sections(text: str) -> list[list[str]]:
    """The paragraphs of *text* (each run of non-blank lines, its lines joined), in sections: one starts at
    each paragraph beginning with "Chapter", and after every :data:`SECTION_PARAGRAPHS` without one."""
    paragraphs = [" ".join(block.split()) for block in text.split("\n\n")]
    sections: list[list[str]] = [[]]
    for paragraph in filter(None, paragraphs):
        if sections[-1] and (paragraph.lower().startswith("chapter") or len(sections[-1]) >= SECTION_PARAGRAPHS):
            sections.append([])
        sections[-1].append(paragraph)
    return sections


def epub(text: str, title: str, path: Path) -> None:
    """Write *text* to *path* as an EPUB 2 book: a document per section (see :func:`_sections`), in the spine
    and the table of contents in order."""
    parts = _sections(text)
    items, spine, points = [], [], []
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as book:
        book.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        book.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0"?>\n<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
            '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>",
        )
        for number, paragraphs in enumerate(parts):
            name = f"part{number:04d}.xhtml"
            body = "\n".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)
            book.writestr(
                f"OEBPS/{name}",
                '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
                f"<head><title>Part {number + 1}</title></head><body>\n{body}\n</body></html>",
            )
            items.append(f'<item id="p{number}" href="{name}" media-type="application/xhtml+xml"/>')
            spine.append(f'<itemref idref="p{number}"/>')
            points.append(
                f'<navPoint id="n{number}" playOrder="{number + 1}"><navLabel><text>Part {number + 1}</text>'
                f'</navLabel><content src="{name}"/></navPoint>'
            )
        book.writestr(
            "OEBPS/content.opf",
            '<?xml version="1.0" encoding="utf-8"?>\n<package xmlns="http://www.idpf.org/2007/opf" version="2.0"'
            ' unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'<dc:title>{escape(title)}</dc:title><dc:identifier id="id">peer-book</dc:identifier>'
            '<dc:language>en</dc:language></metadata><manifest>'
            '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>'
            f'{"".join(items)}</manifest><spine toc="ncx">{"".join(spine)}</spine></package>',
        )
        book.writestr(
            "OEBPS/toc.ncx",
            '<?xml version="1.0" encoding="utf-8"?>\n<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">'
            '<head><meta name="dtb:uid" content="peer-book"/></head>'
            f'<docTitle><text>{escape(title)}</text></docTitle><navMap>{"".join(points)}</navMap></ncx>',
        )


def fictionbook(text: str, title: str) -> str:
    """*text* as a FictionBook 2 document, a paragraph per run of non-blank lines.

    As an e-book has chapters, a section starts at each paragraph that begins
    with "Chapter" and after every :data:`SECTION_PARAGRAPHS` paragraphs
    without one (epy lays out a section at a time).
    """
    body = "".join(
        "<section>\n" + "\n".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs) + "\n</section>\n"
        for paragraphs in _sections(text)
    )
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
    program, why = _installed(PEERS, EPY, "epy")
    if program is not None:
        book = folder / "peer-book.fb2"
        book.write_text(fictionbook(text, title), encoding="utf-8")
        found.append(Peer("epy", [str(program), str(book)], marker, home("epy")))
    else:
        skipped.append(f"epy: {why}")
    program, why = _installed(PEERS / "baca", BACA, "baca")
    if program is not None:
        book = folder / "peer-book.epub"
        epub(text, title, book)
        found.append(Peer("baca", [str(program), str(book)], marker, home("baca"), slow=True))
    else:
        skipped.append(f"baca: {why}")
    program, why = _installed(PEERS / "frogmouth", FROGMOUTH, "frogmouth")
    if program is not None:
        book = folder / "peer-book.md"
        book.write_text(text, encoding="utf-8")
        found.append(Peer("frogmouth", [str(program), str(book)], marker, home("frogmouth"), slow=True))
    else:
        skipped.append(f"frogmouth: {why}")
    return found, skipped


__all__ = ["BACA", "EPY", "FROGMOUTH", "PEERS", "Peer", "epub", "fictionbook", "peers"]
