"""Full-text search over documents (FTS5) and over annotation notes.

FTS5 finds the documents and ranks them; the hit positions are then found in
the stored text itself, so a hit can name its section and open the reader at
the exact offset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlite_utils import Database

from ..errors import MarginError
from ..model import Section
from ..sections import Outline

SNIPPET_CONTEXT = 40


@dataclass(frozen=True, slots=True)
class SearchHit:
    document_id: str
    title: str
    version_id: str
    start: int
    end: int
    section: str
    before: str
    match: str
    after: str
    annotation_id: str | None = None

    @property
    def snippet(self) -> str:
        return f"{self.before}{self.match}{self.after}"


def fts_query(query: str) -> str:
    """Quote every word so user punctuation is never FTS syntax; words are ANDed."""
    words = [w for w in re.findall(r"\w[\w'’-]*", query)]
    if not words:
        raise MarginError(f"nothing to search for in “{query}”")
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


def _pattern(query: str) -> re.Pattern[str]:
    words = re.findall(r"\w[\w'’-]*", query)
    phrase = r"\W+".join(re.escape(w) for w in words)
    alternatives = [phrase] + [re.escape(w) for w in words if len(words) > 1]
    return re.compile("|".join(rf"(?<!\w){a}(?!\w)" for a in alternatives), re.IGNORECASE)


def _flat(text: str) -> str:
    return " ".join(text.split())


def snippet_parts(text: str, start: int, end: int) -> tuple[str, str, str]:
    before = _flat(text[max(0, start - SNIPPET_CONTEXT) : start])
    after = _flat(text[end : end + SNIPPET_CONTEXT])
    before = ("…" if start > SNIPPET_CONTEXT else "") + before + (" " if text[start - 1 : start].isspace() else "")
    after = (" " if text[end : end + 1].isspace() else "") + after + ("…" if end + SNIPPET_CONTEXT < len(text) else "")
    return before, _flat(text[start:end]), after


class Searcher:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _outline(self, version_id: str) -> Outline:
        rows = self.db.execute(
            'SELECT start, "end", level, title FROM sections WHERE version_id = ?', (version_id,)
        ).fetchall()
        return Outline([Section(*row) for row in rows])

    def documents(self, query: str, *, per_document: int = 5, limit: int = 50) -> list[SearchHit]:
        """Hits in the current version of every document, best-ranked documents first."""
        rows = self.db.execute(
            """SELECT d.id, v.title, v.id, v.text FROM versions_fts
               JOIN versions v ON v.rowid = versions_fts.rowid
               JOIN documents d ON d.current_version = v.id
               WHERE versions_fts MATCH ? ORDER BY versions_fts.rank LIMIT ?""",
            (fts_query(query), limit),
        ).fetchall()
        pattern = _pattern(query)
        hits: list[SearchHit] = []
        for document_id, title, version_id, text in rows:
            outline = None
            for count, match in enumerate(pattern.finditer(text)):
                if count >= per_document:
                    break
                outline = outline if outline is not None else self._outline(version_id)
                before, exact, after = snippet_parts(text, match.start(), match.end())
                hits.append(
                    SearchHit(document_id, title, version_id, match.start(), match.end(),
                              outline.label(match.start()), before, exact, after)
                )
        return hits

    def notes(self, query: str, *, limit: int = 100) -> list[SearchHit]:
        """Live annotations whose note matches, best first."""
        rows = self.db.execute(
            """SELECT d.id, v.title, v.id, a.id, a.start, a."end", a.note, a.exact FROM notes_fts
               JOIN annotations a ON a.rowid = notes_fts.rowid
               JOIN versions v ON v.id = a.version_id
               JOIN documents d ON d.id = v.document_id
               WHERE notes_fts MATCH ? AND a.deleted IS NULL
               ORDER BY notes_fts.rank LIMIT ?""",
            (fts_query(query), limit),
        ).fetchall()
        pattern = _pattern(query)
        hits: list[SearchHit] = []
        for document_id, title, version_id, annotation_id, start, end, note, exact in rows:
            body = note if pattern.search(note) else exact
            match = pattern.search(body)
            before, found, after = snippet_parts(body, match.start(), match.end()) if match else ("", _flat(body)[:80], "")
            hits.append(
                SearchHit(document_id, title, version_id, start, end,
                          self._outline(version_id).label(start), before, found, after, annotation_id)
            )
        return hits
