"""Full-text search over documents (FTS5) and over annotation notes.

FTS5 finds the documents and ranks them; the hit positions are then found in
the stored text itself, so a hit can name its section and open the reader at
the exact offset.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .database import Database

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


_WORD = re.compile(r"\w[\w'’-]*")


def query_words(query: str) -> list[str]:
    words = _WORD.findall(query)
    if not words:
        raise MarginError(f"nothing to search for in “{query}”")
    return words


def fts_query(query: str) -> str:
    """Quote every word so user punctuation is never FTS syntax; words are ANDed."""
    return " ".join('"' + w.replace('"', '""') + '"' for w in query_words(query))


@lru_cache(maxsize=1)
def _accent_classes() -> dict[str, str]:
    """Each Latin base letter and the accented letters that fold to it (``e`` → ``eéèêë…``).

    The full-text index ignores accents, so finding the hits in the text must
    too: ``cafe`` finds ``café`` in both.
    """
    variants: dict[str, set[str]] = {}
    for code in range(0x00C0, 0x0250):
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0].lower()
        if base.isascii() and base.isalpha() and base != char.lower():
            variants.setdefault(base, {base}).add(char.lower())
    return {base: "[" + "".join(sorted(chars)) + "]" for base, chars in variants.items()}


def _fold_pattern(word: str) -> str:
    classes = _accent_classes()
    plain = unicodedata.normalize("NFD", word)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return "".join(classes.get(c.lower(), re.escape(c)) for c in plain)


#: Scripts written without spaces between words (code point ranges): the index sees a whole run as one token.
#: (A character class of them compiled at import cost every command 4 ms.)
_UNSPACED = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0x0E00, 0x0E7F))


def unspaced(word: str) -> bool:
    return any(low <= ord(c) <= high for c in word for low, high in _UNSPACED)


def _bounded(word_pattern: str, word: str) -> str:
    """Whole words in spaced scripts; any substring in scripts without spaces."""
    return word_pattern if unspaced(word) else rf"(?<!\w){word_pattern}(?!\w)"


def _pattern(query: str) -> re.Pattern[str]:
    words = query_words(query)
    phrase = r"\W*".join(_fold_pattern(w) for w in words) if any(map(unspaced, words)) else r"\W+".join(
        _fold_pattern(w) for w in words
    )
    alternatives = [_bounded(phrase, " ".join(words))] + [
        _bounded(_fold_pattern(w), w) for w in words if len(words) > 1
    ]
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _flat(text: str) -> str:
    return " ".join(text.split())


def snippet_parts(text: str, start: int, end: int) -> tuple[str, str, str]:
    before = _flat(text[max(0, start - SNIPPET_CONTEXT) : start])
    after = _flat(text[end : end + SNIPPET_CONTEXT])
    before = ("…" if start > SNIPPET_CONTEXT else "") + before + (" " if text[start - 1 : start].isspace() else "")
    after = (" " if text[end : end + 1].isspace() else "") + after + ("…" if end + SNIPPET_CONTEXT < len(text) else "")
    return before, _flat(text[start:end]), after


class Searcher:
    def __init__(self, db: Database, sections: Callable[[str], Sequence[Section]]) -> None:
        self.db = db
        self._sections = sections
        """How to read a version's sections (the document repository's)."""

    def _outline(self, version_id: str) -> Outline:
        return Outline(self._sections(version_id))

    def documents(self, query: str, *, per_document: int = 5, limit: int = 50) -> list[SearchHit]:
        """Hits in the current version of every document, best-ranked documents first.

        *limit* counts documents; a document whose title alone matches gives one
        hit at its start.
        """
        words = query_words(query)
        if any(map(unspaced, words)):
            # The index cannot find a word inside a run of Chinese or Japanese text:
            # scan the texts for each such word instead (SQLite's instr is fast).
            tests = " AND ".join("instr(v.text, ?) > 0" for w in words if unspaced(w))
            rows = self.db.execute(
                f"""SELECT d.id, v.title, v.id, v.text FROM documents d
                    JOIN versions v ON v.id = d.current_version WHERE {tests}
                    ORDER BY v.title COLLATE NOCASE""",
                [w for w in words if unspaced(w)],
            )
        else:
            rows = self.db.execute(
                """SELECT d.id, v.title, v.id, v.text FROM versions_fts
                   JOIN versions v ON v.rowid = versions_fts.rowid
                   JOIN documents d ON d.current_version = v.id
                   WHERE versions_fts MATCH ? ORDER BY versions_fts.rank""",
                (fts_query(query),),
            )
        pattern = _pattern(query)
        hits: list[SearchHit] = []
        documents = 0
        for document_id, title, version_id, text in rows:
            if documents >= limit:
                break
            documents += 1
            before_count = len(hits)
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
            if len(hits) == before_count:  # the words are in the title, or spread over the text
                hits.append(SearchHit(document_id, title, version_id, 0, 0, "", "", "", snippet_parts(text, 0, 0)[2]))
        return hits

    def notes(self, query: str, *, limit: int = 100) -> list[SearchHit]:
        """Live annotations whose note matches, best first."""
        outlines: dict[str, Outline] = {}
        rows = self.db.execute(
            """SELECT d.id, v.title, v.id, a.id, a.start, a."end", a.note FROM notes_fts
               JOIN annotations a ON a.rowid = notes_fts.rowid
               JOIN versions v ON v.rowid = a.version_key
               JOIN documents d ON d.id = v.document_id
               WHERE notes_fts MATCH ? AND a.deleted IS NULL
               ORDER BY notes_fts.rank LIMIT ?""",
            (fts_query(query), limit),
        ).fetchall()
        pattern = _pattern(query)
        hits: list[SearchHit] = []
        for document_id, title, version_id, annotation_id, start, end, note in rows:
            body = note
            match = pattern.search(body)
            before, found, after = snippet_parts(body, match.start(), match.end()) if match else ("", _flat(body)[:80], "")
            if version_id not in outlines:
                outlines[version_id] = self._outline(version_id)
            hits.append(
                SearchHit(document_id, title, version_id, start, end,
                          outlines[version_id].label(start), before, found, after, annotation_id)
            )
        return hits
