"""Suggestions: candidate entity mentions waiting for a person to accept or reject them.

A suggestion is never an annotation: exports, counts and the annotation list
do not see it, and making suggestions changes no annotation. Accepting one
annotates its span with its tag (or the tag a person chose instead);
rejecting keeps the row, marked, so the same span is never proposed again,
whatever tag a later run would give it.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .database import Database

from ..candidates import Candidate
from ..errors import Ambiguous, MarginError, NotFound
from ..model import Annotation, Document, Tag, TagKind
from ..progress import tracked
from .clock import Clock, new_ids
from .mentioning import Hit, MentionRepo, names_of, new_name
from .tagging import TagRepo
from .transaction import writing

SOURCES = ("aliases", "rules", "ner")
#: How sure a library name or alias found untagged is.
ALIAS_SCORE = 0.95


@dataclass(frozen=True, slots=True)
class Suggestion:
    id: str
    document_id: str
    version_id: str
    start: int
    end: int
    exact: str
    tag: str
    """The proposed tag, as a spec (``Organization:CNPC``)."""
    source: str
    score: float
    status: str
    annotation_id: str | None = None


#: An accepted suggestion whose annotation was undone (or deleted) is open again.
_STATUS = (
    "CASE WHEN s.status = 'accepted' AND EXISTS (SELECT 1 FROM annotations a WHERE a.id = s.annotation_id"
    " AND a.deleted IS NOT NULL) THEN 'open' ELSE s.status END"
)
_COLUMNS = f's.id, v.document_id, s.version_id, s.start, s."end", s.exact, s.tag, s.source, s.score, {_STATUS}, s.annotation_id'


class SuggestionRepo:
    def __init__(self, db: Database, author: str, clock: Clock, tags: TagRepo, mentions: MentionRepo) -> None:
        self.db = db
        self.author = author
        self.clock = clock
        self.tags = tags
        self.mentions = mentions

    # making ------------------------------------------------------------------
    def alias_candidates(self, document: Document) -> builtins.list[Candidate]:
        """Every library entity's name and aliases, where the document has them and they are not tagged."""
        entities = {t.id: t for t in self.tags.all() if t.kind is TagKind.ENTITY}
        if not entities:
            return []
        from ..mentions import find_mentions  # compiled patterns: loaded when first needed

        text = self.mentions.documents.text(document.version_id)
        found = find_mentions(text, {tag_id: names_of(tag) for tag_id, tag in entities.items()})
        tagged = {
            (a.start, a.end, t.id) for a in self.mentions.annotations.list(document_ids=[document.id]) for t in a.tags
        }
        marked = self.mentions.annotations.list(document_ids=[document.id], tag_ids=list(entities))
        candidates = []
        for mention in found:
            if (mention.start, mention.end, mention.key) in tagged or any(
                a.start < mention.end and mention.start < a.end and any(t.id == mention.key for t in a.tags) for a in marked
            ):
                continue
            tag = entities[mention.key]
            candidates.append(Candidate(mention.start, mention.end, f"{tag.entity_type}:{tag.name}", "aliases", ALIAS_SCORE))
        return candidates

    def add(self, document: Document, candidates: Iterable[Candidate]) -> int:
        """Store the candidates worth a person's time; returns how many new suggestions there are.

        Left out: a span a person rejected before (whatever its tag), one already
        suggested, and one an annotation already marks with the proposed tag.
        """
        candidates = [c for c in candidates if 0 <= c.start < c.end <= document.length]
        if not candidates:
            return 0
        text = self.mentions.documents.text(document.version_id)
        known = self.db.execute(
            'SELECT start, "end", tag, status FROM suggestions WHERE version_id = ?', (document.version_id,)
        ).fetchall()
        rejected = {(s, e) for s, e, _, status in known if status == "rejected"}  # (an accepted one undone stays known)
        suggested = {(s, e, tag.casefold()) for s, e, tag, _ in known}
        annotated = {
            (a.start, a.end, t.label.replace(": ", ":", 1).casefold())
            for a in self.mentions.annotations.list(document_ids=[document.id]) for t in a.tags
        }
        rows = []
        for candidate in candidates:
            key = (candidate.start, candidate.end, candidate.tag.casefold())
            if (candidate.start, candidate.end) in rejected or key in suggested or key in annotated:
                continue
            suggested.add(key)
            rows.append(candidate)
        now = self.clock()
        with writing(self.db):
            self.db.conn.executemany(
                'INSERT INTO suggestions (id, version_id, start, "end", exact, tag, source, score, author, created, updated)'
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (sid, document.version_id, c.start, c.end, text[c.start : c.end], c.tag, c.source, c.score,
                     self.author, now, now)
                    for sid, c in zip(new_ids(len(rows)), rows)
                ],
            )
        return len(rows)

    # reading -----------------------------------------------------------------
    def list(
        self, *, document_ids: Iterable[str] = (), source: str | None = None, status: str | None = "open"
    ) -> builtins.list[Suggestion]:
        """Suggestions on documents' current versions, in reading order (open ones unless *status* says)."""
        where = ["v.id = (SELECT current_version FROM documents WHERE id = v.document_id)"]
        params: builtins.list[object] = []
        ids = builtins.list(document_ids)
        if ids:
            where.append(f"v.document_id IN ({','.join('?' * len(ids))})")
            params.extend(ids)
        if source is not None:
            where.append("s.source = ?")
            params.append(source)
        if status is not None:
            where.append(f"{_STATUS} = ?")
            params.append(status)
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM suggestions s JOIN versions v ON v.id = s.version_id WHERE {' AND '.join(where)}"
            ' ORDER BY v.document_id, s.start, s."end", s.tag',
            params,
        ).fetchall()
        return [Suggestion(*row) for row in rows]

    def resolve(self, ref: str) -> Suggestion:
        """A suggestion by id or a unique prefix of 4+ characters."""
        ref = ref.strip().lower()
        if len(ref) < 4:
            raise NotFound(f"suggestion id “{ref}” is too short: give at least 4 characters")
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM suggestions s JOIN versions v ON v.id = s.version_id WHERE substr(s.id, 1, ?) = ? LIMIT 2",
            (len(ref), ref),
        ).fetchall()
        if not rows:
            raise NotFound(f"no suggestion with id “{ref}” (see `margin suggestions`)")
        if len(rows) > 1:
            raise Ambiguous(f"suggestion id “{ref}” is ambiguous; give more characters")
        return Suggestion(*rows[0])

    # deciding ----------------------------------------------------------------
    def _open(self, ref: str) -> Suggestion:
        suggestion = self.resolve(ref)
        if suggestion.status != "open":
            raise MarginError(f"suggestion {suggestion.id[:8]} is already {suggestion.status}")
        return suggestion

    def reject(self, ref: str) -> Suggestion:
        suggestion = self._open(ref)
        with writing(self.db):
            self.db.execute(
                "UPDATE suggestions SET status = 'rejected', updated = ? WHERE id = ?", (self.clock(), suggestion.id)
            )
        return self.resolve(suggestion.id)

    def accept(
        self, ref: str, *, tag: str | None = None, add_aliases: bool = True
    ) -> tuple[Annotation | None, builtins.list[str]]:
        """Annotate the suggestion's span with its tag (or *tag*); one undo step. Returns the annotation and aliases added."""
        return self.accept_many([self._open(ref)], tag=tag, add_aliases=add_aliases)

    def accept_many(
        self, suggestions: Sequence[Suggestion], *, tag: str | None = None, add_aliases: bool = True
    ) -> tuple[Annotation | None, builtins.list[str]]:
        """Accept *suggestions* in one transaction and one undo step.

        With *add_aliases*, a surface form that is neither the entity's name
        nor an alias yet (the acronym of a spelled-out name, say; compared as
        :func:`~annotations.store.mentioning.new_name` compares) becomes an
        alias; the reader passes False and offers each instead. Returns the
        last annotation made or tagged, and the aliases added.
        """
        documents = {d.id: d for d in self.mentions.documents.all()}
        aliases: builtins.list[str] = []
        last: Annotation | None = None
        with self.mentions.history.together("accept suggestions" if len(suggestions) > 1 else "accept suggestion"):
            for suggestion in tracked("accepting suggestions", suggestions, every=20):
                document = documents[suggestion.document_id]
                if document.version_id != suggestion.version_id:
                    raise MarginError(f"suggestion {suggestion.id[:8]} was made on an older version of {document.title}")
                chosen = self.tags.ensure(tag) if tag else self._proposed(suggestion)
                hit = Hit(document, suggestion.start, suggestion.end, suggestion.exact, suggestion.exact)
                self.mentions.tag_all([hit], [chosen.id], label="accept suggestion")
                surface = new_name(self.tags.get(chosen.id), suggestion.exact) if add_aliases else None
                if surface is not None:
                    try:
                        self.tags.add_alias(chosen.id, surface)
                        aliases.append(f"{surface} → {chosen.name}")
                    except MarginError:
                        pass  # the form already names another tag: the annotation is made, the alias is not
                last = next(iter(self.mentions.annotations.overlapping(document.version_id, hit.start, hit.end)), None)
                self.db.execute(
                    "UPDATE suggestions SET status = 'accepted', tag = ?, annotation_id = ?, updated = ? WHERE id = ?",
                    (chosen.label.replace(": ", ":", 1) if chosen.kind is TagKind.ENTITY else chosen.name,
                     last.id if last else None, self.clock(), suggestion.id),
                )
        return last, aliases

    def _proposed(self, suggestion: Suggestion) -> Tag:
        """The suggestion's own tag; an entity already in the library under that name keeps its type.

        Rules and models guess a type ("Thing" for a capitalised name); a person who
        typed the entity, or an earlier acceptance, has already settled it.
        """
        spec = self.tags.parse(suggestion.tag)
        existing = self.tags.find(spec.name)
        if existing is not None and spec.kind is TagKind.ENTITY and existing.kind is TagKind.ENTITY:
            return existing
        return self.tags.ensure(suggestion.tag)

    def accept_all(self, *, source: str, document_ids: Iterable[str] = ()) -> int:
        """Accept every open suggestion from *source* (in the documents named): one undo step."""
        if source not in SOURCES:
            raise MarginError(f"no suggestion source “{source}”: choose {', '.join(SOURCES)}")
        chosen = self.list(document_ids=document_ids, source=source)
        if chosen:
            self.accept_many(chosen)
        return len(chosen)
