"""Taguette's highlights: its highlights CSV export, and its project file (``.sqlite3``).

**Highlights CSV** (``id,document,tag,content``): one row per highlight and
tag (a highlight without tags has one row with the tag empty); ``document``
is the document's name in Taguette and ``content`` the highlighted text made
plain (text pieces joined by single spaces). Rows are grouped by ``id`` into
one highlight with all its tags, placed by its text (any run of spacing
matching any other) on the library document of that name, or the one named
with ``--doc``.

**Project file**: the SQLite database Taguette keeps (``documents``,
``highlights``, ``tags``, ``highlight_tags``, ``commands``). A document's
text is the text of its HTML ``contents``; a highlight's ``start_offset`` and
``end_offset`` count UTF-8 bytes of that text, tags left out, which is how
Taguette counts them. They are converted to code points here. Each document
becomes a library document (block elements as line breaks), each highlight
an annotation credited to whoever added it (Taguette's command log names
them), each tag a topic with its description. The file is opened read only.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
from collections import Counter
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from ..errors import MarginError
from ..export.files import read_input
from ..model import TagKind
from ..store import Store
from ..text import normalise
from .intake import Intake, iso_timestamp
from .placing import Incoming, place, stable_id
from .report import ImportReport

HIGHLIGHT_COLUMNS = ("id", "document", "tag", "content")
_BLOCKS = frozenset({
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "td", "th", "blockquote", "pre",
    "section", "article", "ul", "ol", "table", "hr", "dt", "dd",
})
_SKIPPED = frozenset({"script", "style"})


def is_highlights_csv(header: Iterable[str]) -> bool:
    """Whether a CSV header is Taguette's highlights export."""
    cells = [cell.strip().lower() for cell in header]
    return all(column in cells for column in HIGHLIGHT_COLUMNS)


# --------------------------------------------------------------------------
# Highlights CSV
# --------------------------------------------------------------------------


def import_highlights_csv(store: Store, path: Path, *, document_ref: str | None = None) -> ImportReport:
    """Import Taguette's highlights CSV onto library documents (by name, or the ``--doc`` one)."""
    path = path.expanduser()
    name = path.name or str(path)
    try:
        text = read_input(path).decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise MarginError(f"{name} is not UTF-8 (byte {error.start})") from error
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or not is_highlights_csv(rows[0]):
        raise MarginError(f"{name}: not Taguette's highlights CSV (it needs columns {', '.join(HIGHLIGHT_COLUMNS)})")
    header = [cell.strip().lower() for cell in rows[0]]
    at = {column: header.index(column) for column in HIGHLIGHT_COLUMNS}
    highlights: dict[str, Incoming] = {}
    for line, row in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            raise MarginError(f"{name}, line {line}: {len(row)} cells where the header has {len(header)}")
        key = row[at["id"]].strip()
        if not key:
            raise MarginError(f"{name}, line {line}: a highlight without an id")
        item = highlights.get(key)
        if item is None:
            item = highlights[key] = Incoming(
                key=f"taguette:{name}:{key}", label=f"highlight {key}", source=row[at["document"]].strip(),
                exact=row[at["content"]],
            )
        tag = row[at["tag"]].strip()
        if tag and tag not in item.tags:
            item.tags.append(tag)
    if not highlights:
        raise MarginError(f"{name} holds no highlights")
    report = ImportReport(source=name)
    # The CSV gives no positions: highlights of one text in one document are taken to be its successive
    # occurrences, in the order they were made (Taguette's ids count up), rather than all on the first.
    seen: Counter[tuple[str, str]] = Counter()
    for item in sorted(highlights.values(), key=lambda i: _made_order(i.key)):
        same = (item.source, " ".join(normalise(item.exact or "").split()))
        item.occurrence = seen[same]
        seen[same] += 1
    repeated = sum(count - 1 for count in seen.values() if count > 1)
    if repeated:
        report.warnings.append(
            f"{repeated} highlight{'s repeat' if repeated != 1 else ' repeats'} the text of an earlier one in its"
            " document: each is put on the next place that text occurs (the CSV gives no positions)"
        )
    return place(store, report, list(highlights.values()), document_ref=document_ref, by_title=True)


def _made_order(key: str) -> tuple[int, int | str]:
    """Taguette's highlight ids count up as highlights are made; ids that are not numbers come after, by name."""
    given = key.rpartition(":")[2]
    return (0, int(given)) if given.isdigit() else (1, given)


# --------------------------------------------------------------------------
# Project file
# --------------------------------------------------------------------------


class _Text(HTMLParser):
    """The text of Taguette's HTML: every text piece in order (as Taguette counts), blocks as line breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.counted: list[str] = []
        """The text pieces as Taguette counts them: no tags, nothing added."""
        self.out: list[str] = []
        self.length = 0
        self.starts: list[tuple[int, int]] = []
        """(offset in the counted text, offset in the output) at the start of every piece."""
        self.counted_length = 0
        self._skip = 0

    def _break(self) -> None:
        if self.out and not self.out[-1].endswith("\n"):
            self.out.append("\n")
            self.length += 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skip += 1
        elif tag in _BLOCKS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self._break()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.starts.append((self.counted_length, self.length))
        self.counted.append(data)
        self.counted_length += len(data)
        # Spacing between blocks (the HTML's own line breaks) counts for Taguette but is not shown twice.
        shown = data
        if not data.strip() and (not self.out or self.out[-1].endswith("\n")):
            shown = ""
        if shown:
            self.out.append(shown)
            self.length += len(shown)
        if len(shown) != len(data):
            self.starts.append((self.counted_length, self.length))


def html_text(html: str) -> tuple[str, str, list[tuple[int, int]]]:
    """The counted text (as Taguette counts offsets), the shown text, and how offsets map from one to the other."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.counted), "".join(parser.out), parser.starts


def _shown_offset(counted_offset: int, starts: list[tuple[int, int]], shown_length: int) -> int:
    """Where a counted offset falls in the shown text (inside a dropped run of spacing: at its end)."""
    best = (0, 0)
    for counted, shown in starts:
        if counted > counted_offset:
            break
        best = (counted, shown)
    return min(best[1] + (counted_offset - best[0]), shown_length)


def _code_point(text: str, byte_offset: int) -> int:
    """A UTF-8 byte offset into *text* as a code-point offset (inside a character: that character's start)."""
    return len(text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))


def _open(path: Path) -> sqlite3.Connection:
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        raise MarginError(f"{path.name} is not a readable SQLite file ({error})") from error
    if not {"documents", "highlights", "tags", "highlight_tags"} <= tables:
        connection.close()
        raise MarginError(f"{path.name} is an SQLite file but not a Taguette project (no highlights table)")
    return connection


def _authors(connection: sqlite3.Connection) -> dict[int, str]:
    """Who added each highlight, from Taguette's command log (JSON payloads)."""
    found: dict[int, str] = {}
    try:
        rows = connection.execute("SELECT user_login, payload FROM commands ORDER BY id").fetchall()
    except sqlite3.DatabaseError:
        return found
    for login, payload in rows:
        try:
            value: Any = json.loads(payload)
        except (TypeError, ValueError):
            continue
        if isinstance(value, dict) and value.get("type") == "highlight_add" and isinstance(value.get("highlight_id"), int):
            found.setdefault(value["highlight_id"], login)
    return found


def import_project(store: Store, path: Path) -> ImportReport:
    """Import a Taguette project file: its documents, tags and highlights; all or nothing."""
    path = path.expanduser()
    if not path.is_file():
        raise MarginError(f"{path} is not a file")
    connection = _open(path)
    try:
        documents = connection.execute("SELECT id, name, contents FROM documents ORDER BY id").fetchall()
        tags = connection.execute("SELECT id, path, description FROM tags ORDER BY id").fetchall()
        highlights = connection.execute(
            "SELECT id, document_id, start_offset, end_offset FROM highlights ORDER BY document_id, start_offset, id"
        ).fetchall()
        tagged = connection.execute("SELECT highlight_id, tag_id FROM highlight_tags").fetchall()
        authors = _authors(connection)
        created = {
            row[0]: row[1]
            for row in connection.execute("SELECT id, created FROM documents").fetchall()
        }
    except sqlite3.DatabaseError as error:
        raise MarginError(f"{path.name}: cannot read the Taguette project ({error})") from error
    finally:
        connection.close()
    tags_of: dict[int, list[int]] = {}
    for highlight_id, tag_id in tagged:
        tags_of.setdefault(highlight_id, []).append(tag_id)
    report = ImportReport(source=path.name)
    with store.importing(total=len(highlights)) as batch:
        intake = Intake(store, batch, report)
        tag_ids = {
            tag_id: intake.tag(TagKind.TOPIC, tag_path or "untitled", description=description or "")
            for tag_id, tag_path, description in tags
        }
        placed: dict[int, tuple[Any, str, str, list[tuple[int, int]]]] = {}
        digest = hashlib.sha256(path.name.encode("utf-8")).hexdigest()[:16]
        for document_id, title, contents in documents:
            counted, shown, starts = html_text(contents or "")
            text = normalise(shown)
            if not text.strip():
                count = sum(1 for h in highlights if h[1] == document_id)
                report.skipped += 1 + count
                report.warnings.append(f"“{title}” has no text; left out with its {count} highlights")
                continue
            document = intake.document(
                title=title or f"document {document_id}", text=text, raw=(contents or "").encode("utf-8"),
                source_path=f"{path.resolve()}#{document_id}", origin="Taguette",
            )
            placed[document_id] = (document, shown, counted, starts)
        outside = 0
        for highlight_id, document_id, start, end in highlights:
            batch.advance(1)  # each highlight counts once, placed or left out
            if document_id not in placed:
                continue
            document, shown, counted, starts = placed[document_id]
            first = _shown_offset(_code_point(counted, start), starts, len(shown))
            last = _shown_offset(_code_point(counted, end), starts, len(shown))
            span = _normalised_span(shown, first, last)
            if span is None:
                outside += 1
                continue
            intake.annotation(
                document, *span,
                tag_ids=[tag_ids[t] for t in tags_of.get(highlight_id, []) if t in tag_ids],
                author=authors.get(highlight_id),
                created=iso_timestamp(str(created.get(document_id) or "")),
                annotation_id=stable_id(f"taguette:{digest}:{document_id}:{highlight_id}:{start}:{end}"),
            )
        if outside:
            report.skipped += outside
            report.warnings.append(f"highlights outside their document's text: {outside} left out")
        intake.finish()
    return report


def _normalised_span(shown: str, first: int, last: int) -> tuple[int, int] | None:
    """*first*–*last* in the shown text as offsets into its normalised form (the library's text)."""
    if not 0 <= first < last <= len(shown):
        return None
    text = normalise(shown)
    if text == shown:
        return first, last
    start, end = len(normalise(shown[:first])), len(normalise(shown[:last]))
    return (start, end) if 0 <= start < end <= len(text) else None
