"""HTML (and the XHTML inside EPUBs) to readable plain text with heading sections.

Block elements become line breaks, paragraphs are separated by a blank line,
runs of whitespace in running text collapse to one space (``<pre>`` keeps its
own), and ``h1``-``h6`` become sections. The tree is walked with an explicit
stack, so deeply nested markup cannot exhaust Python's recursion limit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

from annotations.model import LoadedDocument
from annotations.text import BOM

from .decode import Decoded, decode
from .structure import Heading, normalise_with_offsets, spans_from_headings

#: Elements whose content is never shown as text.
DROPPED = frozenset({"script", "style", "noscript", "template", "head", "title", "svg", "iframe", "object"})

#: Elements that start and end a paragraph: a blank line either side.
PARAGRAPH_BLOCKS = frozenset(
    {
        "p", "blockquote", "pre", "ul", "ol", "dl", "table", "hr", "figure", "section", "article",
        "header", "footer", "aside", "nav", "main", "address", "details", "fieldset", "form",
        "hgroup", "listing", "xmp", "plaintext", "h1", "h2", "h3", "h4", "h5", "h6",
    }
)  # fmt: skip

#: Elements that start and end a line.
LINE_BLOCKS = frozenset(
    {
        "div", "li", "dt", "dd", "tr", "caption", "figcaption", "summary", "center", "dir",
        "menu", "body", "html", "legend", "option", "tbody", "thead", "tfoot", "textarea",
    }
)  # fmt: skip

#: Elements whose whitespace is kept as written.
PREFORMATTED = frozenset({"pre", "listing", "xmp", "plaintext", "textarea"})

#: Cells: kept on one line, separated by a space.
CELLS = frozenset({"td", "th"})

HEADING_LEVELS = {f"h{n}": n for n in range(1, 7)}

#: Whitespace as HTML defines it; a no-break space is not collapsible.
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_SKIPPED_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]+)""", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class HtmlText:
    """What a page says: normalised text, its headings (offsets into that text) and ``<title>``."""

    text: str
    headings: tuple[Heading, ...]
    title: str | None


def declared_encoding(data: bytes) -> str | None:
    """The charset a page names for itself in an XML declaration or ``<meta>``, if any."""
    head = data[:4096]
    for pattern in (_XML_ENCODING, _META_CHARSET):
        match = pattern.search(head)
        if match:
            return match.group(1).decode("ascii", "replace")
    return None


def decode_markup(data: bytes, name: str) -> Decoded:
    """Decode the bytes of an HTML or XHTML file, honouring a declared charset."""
    return decode(data, name, declared=declared_encoding(data))


def html_to_text(markup: str) -> HtmlText:
    """Convert *markup* to normalised text with heading positions and the page title."""
    soup = BeautifulSoup(markup.lstrip(BOM), "html.parser")
    builder = _TextBuilder()
    builder.walk(soup)
    raw, raw_headings = builder.finish()
    text, starts = normalise_with_offsets(raw, [h.start for h in raw_headings])
    headings = tuple(
        Heading(start, h.level, unicodedata.normalize("NFC", h.title))
        for start, h in zip(starts, raw_headings)
    )
    return HtmlText(text=text, headings=headings, title=_page_title(soup))


def load(data: bytes, path: Path) -> LoadedDocument:
    """Load an ``.html``/``.htm``/``.xhtml`` file."""
    decoded = decode_markup(data, path.name)
    page = html_to_text(decoded.text)
    title = page.title or _first_heading(page.headings, level=1) or path.stem
    metadata: dict[str, object] = {"encoding": decoded.encoding}
    language = _language(decoded.text)
    if language:
        metadata["language"] = language
    return LoadedDocument(
        text=page.text,
        title=title,
        format="html",
        sections=spans_from_headings(page.headings, len(page.text)),
        metadata=metadata,
        warnings=(decoded.warning,) if decoded.warning else (),
    )


def collapse(text: str) -> str:
    """Collapse HTML whitespace to single spaces and trim the ends."""
    return _HTML_SPACE.sub(" ", text).strip(" ")


def _first_heading(headings: tuple[Heading, ...], level: int) -> str | None:
    return next((h.title for h in headings if h.level == level and h.title), None)


def _page_title(soup: BeautifulSoup) -> str | None:
    for element in soup.find_all("title"):
        if element.find_parent("svg") is None:
            title = collapse(element.get_text())
            if title:
                return unicodedata.normalize("NFC", title)
    return None


_LANG = re.compile(r"""<html\b[^>]*?\blang\s*=\s*["']?([A-Za-z0-9-]+)""", re.IGNORECASE)


def _language(markup: str) -> str | None:
    match = _LANG.search(markup[:4096])
    return match.group(1) if match else None


class _TextBuilder:
    """Accumulates text while walking a parsed page; offsets are into the raw (pre-NFC) text.

    Breaks are requested, not written: a paragraph asks for two newlines before
    whatever text comes next, and only the newlines not already there are added.
    So nesting (``<div><p>``) never piles up blank lines, and nothing trails.
    """

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.trailing_newlines = 0
        self.pending_newlines = 0
        self.pending_space = False
        self.pending_marker = ""
        self.pre_depth = 0
        self.pre_fresh = False
        self.lists: list[list[int]] = []  # per open list: [next number] or [] for bullets
        self.heading: tuple[int, list[str]] | None = None  # level and the text written so far
        self.heading_start: int | None = None
        self.heading_tag: Tag | None = None
        self.headings: list[Heading] = []

    # -- walking ---------------------------------------------------------------

    def walk(self, root: Tag) -> None:
        stack: list[tuple[object, bool]] = [(root, False)]
        while stack:
            node, closing = stack.pop()
            if closing:
                self._close(node)  # type: ignore[arg-type]
                continue
            if isinstance(node, NavigableString):
                if not isinstance(node, _SKIPPED_STRINGS):
                    self._text(str(node))
                continue
            if not isinstance(node, Tag):
                continue
            name = (node.name or "").lower()
            if name in DROPPED or node.has_attr("hidden"):
                continue
            self._open(node, name)
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.contents))

    def finish(self) -> tuple[str, list[Heading]]:
        text = "".join(self.parts)
        stripped = text.rstrip()
        headings = [h for h in self.headings if h.start < len(stripped)]
        return stripped, headings

    # -- elements --------------------------------------------------------------

    def _open(self, node: Tag, name: str) -> None:
        if name == "br":
            self._line_break()
            return
        if name in HEADING_LEVELS:
            if self.heading is not None:
                return  # A heading inside a heading is just more of its text.
            self._break(2)
            self.heading = (HEADING_LEVELS[name], [])
            self.heading_start = None
            self.heading_tag = node
            return
        if name in PARAGRAPH_BLOCKS:
            self._break(2)
        elif name in LINE_BLOCKS:
            self._break(1)
        if name in PREFORMATTED:
            self.pre_depth += 1
            self.pre_fresh = True
        if name in ("ul", "ol", "menu", "dir"):
            self.lists.append([_list_start(node)] if name == "ol" else [])
        elif name == "li":
            self.pending_marker = self._next_marker()

    def _close(self, node: Tag) -> None:
        name = (node.name or "").lower()
        if name in HEADING_LEVELS:
            if self.heading is not None and node is self.heading_tag:
                level, written = self.heading
                title = collapse("".join(written))
                if self.heading_start is not None and title:
                    self.headings.append(Heading(self.heading_start, level, title))
                self.heading = None
                self.heading_tag = None
                self._break(2)
            return
        if name in PREFORMATTED:
            self.pre_depth = max(0, self.pre_depth - 1)
        if name in ("ul", "ol", "menu", "dir") and self.lists:
            self.lists.pop()
        elif name == "li":
            self.pending_marker = ""  # An empty item leaves no bullet behind.
        if name in PARAGRAPH_BLOCKS:
            self._break(2)
        elif name in LINE_BLOCKS:
            self._break(1)
        elif name in CELLS:
            self.pending_space = True

    def _next_marker(self) -> str:
        if not self.lists or not self.lists[-1]:
            return "• "
        counter = self.lists[-1]
        number = counter[0]
        counter[0] += 1
        return f"{number}. "

    # -- text ------------------------------------------------------------------

    def _text(self, raw: str) -> None:
        if self.length == 0:
            raw = raw.lstrip(BOM)  # Normalising would drop it later and shift every offset.
        if self.pre_depth:
            text = raw.replace("\r\n", "\n").replace("\r", "\n")
            if self.pre_fresh and text.startswith("\n"):
                text = text[1:]  # A newline straight after <pre> is not content.
            self.pre_fresh = False
            if not text:
                return
            self._flush()
            self._write(unicodedata.normalize("NFC", text))
            return
        collapsed = _HTML_SPACE.sub(" ", raw)
        if not collapsed:
            return
        core = collapsed.strip(" ")
        if not core:
            self.pending_space = True
            return
        if collapsed[0] == " ":
            self.pending_space = True
        self._flush()
        self._write(unicodedata.normalize("NFC", core))
        self.pending_space = collapsed[-1] == " "

    def _break(self, newlines: int) -> None:
        self.pending_newlines = max(self.pending_newlines, newlines)

    def _line_break(self) -> None:
        if self.length == 0:
            return
        self._flush_newlines()
        self.pending_space = False
        self._write("\n")

    def _flush_newlines(self) -> bool:
        wanted = self.pending_newlines
        self.pending_newlines = 0
        if self.length and wanted > self.trailing_newlines:
            self._write("\n" * (wanted - self.trailing_newlines))
            return True
        return False

    def _flush(self) -> None:
        """Write whatever breaks, space and list marker must come before the next text."""
        if self.length == 0:
            self.pending_newlines = 0
            self.pending_space = False
        elif self._flush_newlines() or self.trailing_newlines:
            self.pending_space = False
        elif self.pending_space:
            self._write(" ")
            self.pending_space = False
        if self.pending_marker:
            marker, self.pending_marker = self.pending_marker, ""
            self._write(marker)
        if self.heading is not None and self.heading_start is None:
            self.heading_start = self.length

    def _write(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)
        if self.heading is not None and self.heading_start is not None:
            self.heading[1].append(text)
        body = text.rstrip("\n")
        if body:
            self.trailing_newlines = len(text) - len(body)
        else:
            self.trailing_newlines += len(text)


def _list_start(node: Tag) -> int:
    try:
        return int(str(node.get("start", "1")).strip())
    except ValueError:
        return 1
