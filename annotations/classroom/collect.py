"""Collecting students' files into a teacher's library: a state merge by id.

Every annotation and link is a row with an id, an ``updated`` time and a
state (its passage, note, tags, and ``deleted`` when deleted). Collecting keeps,
per id, the state with the later ``updated``; on equal times, the state with
the larger digest, a tie-break that depends on the states alone. So the
result is the same whatever order files come in, and collecting a file again
changes nothing; a deletion is a state like any other, so it travels, and an
older edit cannot bring the annotation back.

Each student's work stays their own layer: annotations keep their author.
Documents and tags line up by id (a pack and its copies share them); a file
not made from a pack is matched by the documents' text and by tag name and kind.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import MarginError, StoreError
from ..progress import tracked
from ..schema import VERSION_KEY
from ..store import Store
from ..store.documents import FALLBACK_FORMAT, is_format_name
from ..store.tag_specs import is_colour, stored_colour
from ..model import Anchor
from ..store.fragments import write_fragments
from ..store.transaction import writing
from .consensus import CONSENSUS
from .packs import Pack, _copy_rows, _record, pack_of, packs_made

_ANNOTATION = (
    "id", "version_id", "start", "end", "exact", "prefix", "suffix", "note", "author", "created", "updated",
    "deleted", "anchor_state", "anchor_score", "needs_review", "attributes",
)
_LINK = ("id", "source_id", "target_id", "relation", "note", "author", "created", "updated", "deleted")
#: Fields a digest leaves out: ids of rows the two libraries may name differently.
_UNSHARED = {"version_id"}


@dataclass
class Collected:
    """What collecting one file did."""

    path: Path
    author: str | None = None
    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    links: int = 0
    documents: int = 0
    tags: int = 0
    left_out: int = 0
    """Annotations the file holds that are not its author's to bring: the consensus layer, another's layer."""


def _digest(state: dict[str, Any], tag_names: Sequence[str]) -> str:
    shared = {key: value for key, value in state.items() if key not in _UNSHARED}
    shared["tags"] = sorted(tag_names)
    return hashlib.sha256(json.dumps(shared, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _columns(names: Sequence[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def _chunks(items: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _open(path: Path) -> Store:
    if not path.is_file():
        raise MarginError(f"no file {path}")
    if path.stat().st_size == 0:
        raise MarginError(f"{path.name} is not a margin library (it is empty)")
    try:
        return Store.open(path, author="collect", create_folder=False)
    except StoreError as error:
        raise MarginError(f"{path.name}: {error}") from error


class _Merge:
    """One collect: the teacher's library and the tag and version maps built while taking files in."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.conn = store.db.conn

    # tags --------------------------------------------------------------------
    def map_tags(self, source: Store, report: Collected) -> dict[str, str]:
        """Each of the file's tags → the teacher's tag: same id, else same name and kind, else added."""
        mapped: dict[str, str] = {}
        for tag_id, name, kind in source.db.conn.execute(
            "SELECT id, name, kind FROM tags WHERE deleted IS NULL ORDER BY rowid"
        ).fetchall():
            here: str | None
            if self.conn.execute("SELECT 1 FROM tags WHERE id = ?", (tag_id,)).fetchone():
                here = self.store.tags.live_id(tag_id)  # merged here since: its heir; deleted here: dropped
            else:
                same = self.conn.execute(
                    "SELECT id, kind FROM tags WHERE deleted IS NULL AND name = ? COLLATE NOCASE", (name,)
                ).fetchone()
                if same is not None and same[1] == kind:
                    here = same[0]
                else:
                    _copy_rows(source.db.conn, self.conn, "tags", "id = ?", (tag_id,))
                    self._clean_colour(tag_id)
                    if same is not None:  # the name is taken by a tag of the other kind
                        self.conn.execute("UPDATE tags SET name = ? WHERE id = ?", (f"{name} ({kind})", tag_id))
                    here = tag_id
                    report.tags += 1
            if here is not None:
                mapped[tag_id] = here
        return mapped

    def _clean_colour(self, tag_id: str) -> None:
        """A copied tag's colour as margin writes them: a student's file may hold any text there (drawn as a style)."""
        (colour,) = self.conn.execute("SELECT colour FROM tags WHERE id = ?", (tag_id,)).fetchone()
        if colour and not is_colour(colour):
            self.conn.execute("UPDATE tags SET colour = ? WHERE id = ?", (stored_colour(colour), tag_id))

    # documents ---------------------------------------------------------------
    def _clean_format(self, version_id: str) -> None:
        """A copied version's format as a format's name (it is shown in the library and by the command line)."""
        (format_,) = self.conn.execute("SELECT format FROM versions WHERE id = ?", (version_id,)).fetchone()
        if not is_format_name(format_):
            self.conn.execute("UPDATE versions SET format = ? WHERE id = ?", (FALLBACK_FORMAT, version_id))

    def map_versions(self, source: Store, report: Collected) -> dict[str, str]:
        """Each of the file's versions → the teacher's: same id, else the same text, else the document is added."""
        mapped: dict[str, str] = {}
        by_text: dict[str, str] | None = None
        for version_id, document_id, text in source.db.conn.execute("SELECT id, document_id, text FROM versions"):
            if self.conn.execute("SELECT 1 FROM versions WHERE id = ?", (version_id,)).fetchone():
                mapped[version_id] = version_id
                continue
            if by_text is None:
                by_text = {
                    hashlib.sha256(t.encode()).hexdigest(): v
                    for v, t in self.conn.execute("SELECT id, text FROM versions ORDER BY document_id, number")
                }
            same = by_text.get(hashlib.sha256(text.encode()).hexdigest())
            if same is not None:
                mapped[version_id] = same
                continue
            if not self.conn.execute("SELECT 1 FROM documents WHERE id = ?", (document_id,)).fetchone():
                _copy_rows(source.db.conn, self.conn, "documents", "id = ?", (document_id,))
                report.documents += 1
            else:  # a version the teacher never had: kept beside theirs, not made current
                number = self.conn.execute(
                    "SELECT coalesce(max(number), 0) + 1 FROM versions WHERE document_id = ?", (document_id,)
                ).fetchone()[0]
                _copy_rows(source.db.conn, self.conn, "versions", "id = ?", (version_id,))
                self._clean_format(version_id)
                self.conn.execute("UPDATE versions SET number = ? WHERE id = ?", (number, version_id))
                _copy_rows(source.db.conn, self.conn, "sections", "version_id = ?", (version_id,))
                mapped[version_id] = by_text[hashlib.sha256(text.encode()).hexdigest()] = version_id
                continue
            _copy_rows(source.db.conn, self.conn, "versions", "id = ?", (version_id,))
            self._clean_format(version_id)
            _copy_rows(source.db.conn, self.conn, "sections", "version_id = ?", (version_id,))
            mapped[version_id] = by_text[hashlib.sha256(text.encode()).hexdigest()] = version_id
        return mapped

    # annotations -------------------------------------------------------------
    def _states(self, conn: Any, ids: Sequence[str]) -> dict[str, tuple[dict, list[str]]]:
        """States of the annotations *ids* in a library: fields and tag ids, by id."""
        found: dict[str, tuple[dict, list[str]]] = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            for row in conn.execute(f"SELECT {_columns(_ANNOTATION)} FROM annotations WHERE id IN ({marks})", chunk):
                found[row[0]] = (dict(zip(_ANNOTATION, row)), [])
            for annotation_id, tag_id in conn.execute(
                f"SELECT annotation_id, tag_id FROM annotation_tags WHERE annotation_id IN ({marks})", chunk
            ):
                found[annotation_id][1].append(tag_id)
            # A passage in fragments: its fragments are part of its state (absent for one stretch of text).
            for annotation_id, *fragment in conn.execute(
                'SELECT annotation_id, start, "end", exact, prefix, suffix FROM annotation_fragments'
                f" WHERE annotation_id IN ({marks}) ORDER BY annotation_id, seq", chunk
            ):
                found[annotation_id][0].setdefault("fragments", []).append(fragment)
        return found

    def _check_fits(self, state: dict[str, Any], texts: dict[str, str | None], path: Path) -> None:
        """Refuse the file, in one line, when an annotation of it does not fit its text: a copy damaged or forged."""
        version_id = state["version_id"]
        if version_id not in texts:
            row = self.conn.execute("SELECT text FROM versions WHERE id = ?", (version_id,)).fetchone()
            texts[version_id] = row[0] if row else None
        text = texts[version_id]
        pieces = [(state["start"], state["end"], state["exact"])] + [(f[0], f[1], f[2]) for f in state.get("fragments", [])]
        if text is None or not all(
            isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text) and text[start:end] == exact
            for start, end, exact in pieces
        ):
            raise MarginError(
                f"{path.name}: annotation {str(state['id'])[:8]} does not fit its text (its offsets or quote were changed);"
                " nothing was collected"
            )

    def _names(self, conn: Any) -> dict[str, str]:
        return {tag_id: f"{kind}:{name.casefold()}" for tag_id, kind, name in conn.execute("SELECT id, kind, name FROM tags")}

    def annotations(self, source: Store, versions: dict[str, str], tags: dict[str, str], report: Collected) -> None:
        """Bring the file's annotations; of a student's copy (*report.author*), only that student's own.

        The consensus layer is built here by curating, so a file's rows by ``consensus`` are left out,
        and no row moves from one layer to another (a file cannot rewrite someone else's annotation).
        """
        ids = [row[0] for row in source.db.conn.execute("SELECT id FROM annotations")]
        theirs = self._states(source.db.conn, ids)
        ours = self._states(self.conn, ids)
        names = self._names(self.conn)
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        tag_rows: list[tuple[str, str]] = []
        noted: list[tuple[str, str]] = []
        texts: dict[str, str | None] = {}
        for annotation_id, (state, tag_ids) in theirs.items():
            state = {**state, "version_id": versions.get(state["version_id"], state["version_id"])}
            self._check_fits(state, texts, report.path)
            mapped_tags = sorted({tags[t] for t in tag_ids if t in tags})
            incoming = (state["updated"], _digest(state, [names.get(t, t) for t in mapped_tags]))
            here = ours.get(annotation_id)
            if state["author"] == CONSENSUS or (report.author is not None and state["author"] != report.author) \
                    or (here is not None and here[0]["author"] != state["author"]):
                report.left_out += 1
                continue
            if here is not None:
                current, current_tags = here
                if incoming <= (current["updated"], _digest(current, [names.get(t, t) for t in current_tags])):
                    report.unchanged += 1
                    continue
                updates.append(state)
                if state["deleted"] is not None and current["deleted"] is None:
                    report.deleted += 1
                else:
                    report.updated += 1
            else:
                inserts.append(state)
                if state["deleted"] is not None:
                    report.deleted += 1  # made and deleted since the last collect: it arrives as a deletion
                else:
                    report.added += 1
            tag_rows.extend((annotation_id, t) for t in mapped_tags)
            noted.append((annotation_id, state["note"]))
        if inserts:
            self.conn.executemany(
                f"INSERT INTO annotations ({_columns(_ANNOTATION)}, version_key)"
                f" VALUES ({','.join('?' * len(_ANNOTATION))}, {VERSION_KEY})",
                [(*(s[k] for k in _ANNOTATION), s["version_id"]) for s in inserts],
            )
        if updates:
            fields = [k for k in _ANNOTATION if k != "id"]
            self.conn.executemany(
                f"UPDATE annotations SET {', '.join(f'{chr(34)}{k}{chr(34)} = ?' for k in fields)},"
                f" version_key = {VERSION_KEY} WHERE id = ?",
                [(*(s[k] for k in fields), s["version_id"], s["id"]) for s in updates],
            )
            self.conn.executemany("DELETE FROM annotation_tags WHERE annotation_id = ?", [(s["id"],) for s in updates])
        for state in (*inserts, *updates):
            write_fragments(self.store.db, state["id"], [Anchor(*f) for f in state.get("fragments", [])], replace=True)
        self.conn.executemany("INSERT OR IGNORE INTO annotation_tags (annotation_id, tag_id) VALUES (?, ?)", tag_rows)
        self._index_notes(noted)

    def _index_notes(self, noted: list[tuple[str, str]]) -> None:
        for annotation_id, note in noted:
            rowid = self.conn.execute("SELECT rowid FROM annotations WHERE id = ?", (annotation_id,)).fetchone()[0]
            self.conn.execute("DELETE FROM notes_fts WHERE rowid = ?", (rowid,))
            if note.strip():
                self.conn.execute("INSERT INTO notes_fts (rowid, note) VALUES (?, ?)", (rowid, note))

    # links -------------------------------------------------------------------
    def links(self, source: Store, report: Collected) -> None:
        for row in source.db.conn.execute(f"SELECT {_columns(_LINK)} FROM links").fetchall():
            state = dict(zip(_LINK, row))
            ends = self.conn.execute(
                "SELECT count(*) FROM annotations WHERE id IN (?, ?)", (state["source_id"], state["target_id"])
            ).fetchone()[0]
            if ends < (1 if state["source_id"] == state["target_id"] else 2):
                continue
            current = self.conn.execute(f"SELECT {_columns(_LINK)} FROM links WHERE id = ?", (state["id"],)).fetchone()
            # As with annotations: a student's file brings that student's links only, and moves none between layers.
            if (report.author is not None and state["author"] != report.author) \
                    or (current is not None and dict(zip(_LINK, current))["author"] != state["author"]):
                report.left_out += 1
                continue
            if current is None:
                self.conn.execute(f"INSERT INTO links ({_columns(_LINK)}) VALUES ({','.join('?' * len(_LINK))})", row)
                report.links += 1
                continue
            here = dict(zip(_LINK, current))
            if (state["updated"], _digest(state, [])) > (here["updated"], _digest(here, [])):
                fields = [k for k in _LINK if k != "id"]
                self.conn.execute(
                    f"UPDATE links SET {', '.join(f'{chr(34)}{k}{chr(34)} = ?' for k in fields)} WHERE id = ?",
                    (*(state[k] for k in fields), state["id"]),
                )
                report.links += 1


def _check_packs(store: Store, opened: list[tuple[Path, Store]]) -> list[Pack]:
    """Refuse a file from a pack this library did not make; return packs to remember as collected here."""
    own = pack_of(store.db.conn)
    if own is not None and own.role == "pack":
        raise MarginError("cannot collect into a class pack: collect into your own library (--into LIB)")
    known = packs_made(store.db.conn)
    adopted: list[Pack] = []
    for path, source in opened:
        pack = pack_of(source.db.conn)
        if pack is None:
            continue
        if known and pack.id not in known:
            raise MarginError(
                f"{path.name} belongs to another class pack (“{pack.title}”), not one this library handed out;"
                " nothing was collected"
            )
        if not known:
            known[pack.id] = pack.title
            adopted.append(Pack(pack.id, "made", pack.title, pack.instructions, pack.locked, None, pack.created))
    return adopted


def collect(store: Store, paths: Sequence[Path]) -> list[Collected]:
    """Bring every file's annotations, notes, tags, links and deletions into *store*, in one transaction."""
    if not paths:
        raise MarginError("name at least one file to collect")
    if store.path and any(Path(store.path).resolve() == p.expanduser().resolve() for p in paths):
        raise MarginError("a library cannot collect itself")
    reports: list[Collected] = []
    with ExitStack() as stack:
        opened = [(path, stack.enter_context(_open(path.expanduser()))) for path in paths]
        adopted = _check_packs(store, opened)
        merge = _Merge(store)
        with writing(store.db):
            for pack in adopted:
                _record(store.db.conn, pack)
            for path, source in tracked("collecting", opened):
                copy = pack_of(source.db.conn)
                report = Collected(path, author=copy.author if copy is not None else None)
                versions = merge.map_versions(source, report)
                tags = merge.map_tags(source, report)
                merge.annotations(source, versions, tags, report)
                merge.links(source, report)
                reports.append(report)
    return reports
