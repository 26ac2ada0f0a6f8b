"""One library kept in step with a shared CRDT document (pycrdt, the Yjs engine in Rust).

The document holds one map per kind of row (:data:`~annotations.sync.rows.KINDS`);
each row is a map from field name to ``[time, value]`` as JSON text (JSON keeps
whole numbers whole and fractions fractional, which the engine's own numbers
would not). The engine makes every copy of the document end up the same; on
top of it each library applies the classroom rule, field by field: the later
time wins, equal times go to the larger digest of the value, so the outcome
never depends on who heard what first. A deletion is the field ``deleted``,
so an edit made at the same moment can neither bring the row back nor be lost.

The library stays the source of truth. :class:`Replica` remembers, per row,
the fields it last agreed on (table ``sync_rows``); a field of the library that
differs from that was edited here, since or while offline, and goes out with
its row's edit time. A field the document holds with a later time comes in,
through :class:`~annotations.sync.rows.Rows`, checked like an imported file.
A field the document holds with an earlier time (two peers wrote at once and
the engine kept the older) is written back, so every peer settles on the rule's
winner. Everything runs on the caller's thread: the engine's callbacks only
note which rows changed.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from pycrdt import Doc, Map

from ..store import Store
from ..store.clock import Clock, stamp, utc_now
from ..store.connection import is_busy
from ..store.transaction import writing
from .checks import Invalid, check_field, check_key, check_time
from .rows import KINDS, Missing, Rows

Entry = tuple[str, Any]  # (time, value)
Fields = dict[str, Entry]

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def _rank(entry: Entry) -> tuple[str, str]:
    """Later time first; on equal times the larger digest of the value: the same answer everywhere."""
    return entry[0], hashlib.sha256(json.dumps(entry[1], sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _after(time: str) -> str:
    """A time one microsecond after *time*: an edit made here after seeing *time* comes after it."""
    try:
        return stamp(datetime.strptime(time, _FORMAT) + timedelta(microseconds=1))
    except ValueError:
        return time


def _encode(entry: Entry) -> str:
    return json.dumps([entry[0], entry[1]], ensure_ascii=False, sort_keys=True)


class Replica:
    """A library and a CRDT document, kept in step by :meth:`tick` (call it often, on one thread)."""

    def __init__(self, store: Store, doc: Doc, *, clock: Clock = utc_now, report: Callable[[str], None] | None = None) -> None:
        self.store = store
        self.doc = doc
        self.rows = Rows(store)
        self.clock = clock
        self.report = report or (lambda line: None)
        self.maps = {kind: doc.get(kind, type=Map) for kind in KINDS}
        self.shadow = self._agreed()
        #: Each row's time in the library when last reconciled: a changed time means a local edit.
        self.seen: dict[tuple[str, str], str] = {}
        self.dirty: set[tuple[str, str]] = set()
        self.waiting: set[tuple[str, str]] = set()
        self.refused: dict[tuple[str, str], str] = {}
        self._version: int | None = None
        self._writing = False
        self._retagged: set[str] = set()
        self._tag_keys: dict[str, str] = {}
        self.applied = 0
        for kind, shared in self.maps.items():
            shared.observe_deep(partial(self._heard, kind))

    def _agreed(self) -> dict[tuple[str, str], Fields]:
        """What this library last agreed with its peers, row by row (table ``sync_rows``)."""
        return {
            (kind, key): {name: (entry[0], entry[1]) for name, entry in json.loads(state).items()}
            for kind, key, state in self.store.db.conn.execute("SELECT kind, key, state FROM sync_rows")
        }

    # hearing -----------------------------------------------------------------
    def _heard(self, kind: str, events: Iterable[Any]) -> None:
        if self._writing:
            return
        for event in events:
            path = list(getattr(event, "path", []) or [])
            if path:
                self.dirty.add((kind, str(path[0])))
            else:
                self.dirty.update((kind, str(key)) for key in getattr(event, "keys", {}))

    def _doc_fields(self, kind: str, key: str) -> Fields:
        """The row's valid fields in the document; anything malformed counts as absent."""
        row = self.maps[kind].get(key)
        if not isinstance(row, Map):
            return {}
        try:
            check_key(kind, key)
        except Invalid as error:
            self._refuse(kind, key, str(error))
            return {}
        found: Fields = {}
        for name, raw in (row.to_py() or {}).items():  # one copy out of the engine: quicker than item by item
            try:
                time, value = json.loads(raw) if isinstance(raw, str) and len(raw) < 256 * 1024 * 1024 else (None, None)
                found[name] = (check_time(time), check_field(kind, name, value))
            except (Invalid, ValueError, TypeError):
                self._refuse(kind, key, f"a malformed field {name!r}")
                found.pop(name, None)
        return found

    def _refuse(self, kind: str, key: str, why: str) -> None:
        if self.refused.get((kind, key)) != why:
            self.refused[(kind, key)] = why
            shown = key if len(key) <= 80 else key[:77] + "..."
            self.report(f"refused a change from a peer to {kind} {shown}: {why}")

    # the loop ----------------------------------------------------------------
    def start(self) -> int:
        """Reconcile every row the library, the document or the last agreement knows; returns rows written here."""
        keys = set(self.shadow) | {(kind, str(key)) for kind, shared in self.maps.items() for key in shared.keys()}
        self._version = self.store.data_version()
        self._tag_keys = self.rows.tag_keys()
        for kind in KINDS:
            times = self.rows.times(kind)
            keys.update((kind, key) for key in times)
        return self._reconcile(keys)

    def local_changes(self) -> set[tuple[str, str]]:
        """Rows whose time in the library moved since last reconciled (another process edited them)."""
        changed: set[tuple[str, str]] = set()
        for kind in KINDS:
            times = self.rows.times(kind)
            fresh = {(kind, key) for key, time in times.items() if self.seen.get((kind, key)) != time}
            changed |= fresh
            if kind == "documents" and fresh and self.seen:
                changed |= self._moved({key for _, key in fresh})
            if kind == "tags":  # a renamed tag leaves its old name behind: that row is gone here
                changed.update(k for k in self.seen if k[0] == "tags" and k[1] not in times)
                changed.update(self._renamed())
        return changed

    def _moved(self, texts: set[str]) -> set[tuple[str, str]]:
        """Annotations a new version re-anchored here: re-anchoring moves them without a new edit time."""
        moved = self.rows.on_documents_of(texts)
        for annotation_id in moved:
            self.seen.pop(("annotations", annotation_id), None)
        return {("annotations", annotation_id) for annotation_id in moved}

    def _renamed(self) -> set[tuple[str, str]]:
        """Annotations whose tags were renamed here: their tags field changed though they did not."""
        keys = self.rows.tag_keys()
        moved = [tag_id for tag_id, key in keys.items() if self._tag_keys.get(tag_id, key) != key]
        self._tag_keys = keys
        if not moved:
            return set()
        carrying = self.rows.carrying(moved)
        for annotation_id in carrying:
            self.seen.pop(("annotations", annotation_id), None)
        return {("annotations", annotation_id) for annotation_id in carrying}

    def tick(self) -> int:
        """Take in what changed on either side since the last tick; returns rows written to the library."""
        version = self.store.data_version()
        keys = set(self.dirty)
        if version != self._version:
            self._version = version
            keys |= self.local_changes()
        if self.waiting and (keys or self.dirty):
            keys |= self.waiting
        if not keys:
            return 0
        try:
            return self._reconcile(keys)
        except sqlite3.OperationalError as error:
            if not is_busy(error):
                raise
            # Another margin held the library past the busy timeout: nothing was written; try again next tick.
            self.shadow = self._agreed()
            for key in keys:
                self.seen.pop(key, None)
            self.dirty |= keys
            return 0

    # one pass ----------------------------------------------------------------
    def _reconcile(self, keys: set[tuple[str, str]]) -> int:
        self.dirty -= keys
        ordered = sorted(keys, key=lambda k: (KINDS.index(k[0]), k[1]))
        to_doc: list[tuple[str, str, Fields]] = []
        written = 0
        self._retagged = set()
        with self.doc.transaction():  # one read of the document for the whole pass
            heard = {key: self._doc_fields(*key) for key in ordered}
        with writing(self.store.db):
            for kind, key in ordered:
                outcome = self._one(kind, key, heard[(kind, key)])
                if outcome is not None:
                    written += outcome[0]
                    if outcome[1]:
                        to_doc.append((kind, key, outcome[1]))
            # A tag that arrived or changed here changes how annotations already written carry it.
            touched = {
                k for k, fields in self.shadow.items()
                if k[0] == "annotations" and k not in keys and self._retagged & set(fields.get("tags", (None, ()))[1])
            }
            for kind, key in sorted(touched):
                outcome = self._one(kind, key, self._doc_fields(kind, key), force=True)
                if outcome is not None and outcome[1]:
                    to_doc.append((kind, key, outcome[1]))
        self._send(to_doc)
        self.applied += written
        return written

    def _local(self, kind: str, key: str, shadow: Fields) -> Fields:
        """The library's fields that were edited here since the last agreement, with their edit time."""
        fields = self.rows.read(kind, key)
        times = self.rows.time_of(kind, key) if fields is not None else None
        current = (kind, key)
        if fields is None:
            # A tag agreed on before is gone under that name here: renamed or removed, so deleted.
            if kind == "tags" and shadow and shadow.get("deleted", ("", None))[1] is None:
                now = self.clock()
                self.seen.pop(current, None)
                return {"deleted": (max(now, _after(max(t for t, _ in shadow.values()))), now)}
            return {}
        assert times is not None
        if self.seen.get(current) == times and shadow:
            return {}
        if kind == "documents" and shadow:
            # A text never changes (the same text imported twice keeps its first agreed fields); its title can.
            agreed_title = shadow.get("renamed", ("", None))
            if fields["renamed"] == agreed_title[1]:
                return {}
            time = times if times > agreed_title[0] else _after(agreed_title[0])
            return {"renamed": (time, fields["renamed"])}
        agreed = self.rows.as_written(kind, {name: value for name, (_, value) in shadow.items()})
        edits: Fields = {}
        for name, value in fields.items():
            if name in shadow and agreed.get(name) == value:
                continue
            time = times if name not in shadow or times > shadow[name][0] else _after(shadow[name][0])
            edits[name] = (time, value)
        return edits

    def _one(self, kind: str, key: str, theirs: Fields, force: bool = False) -> tuple[int, Fields] | None:
        """Merge one row with *theirs*, its fields in the document: write the library where the document
        won, and return the fields the document lacks or holds older."""
        current = (kind, key)
        shadow = self.shadow.get(current, {})
        local = self._local(kind, key, shadow)
        mine = {**shadow, **local}
        merged = dict(mine)
        for name, entry in theirs.items():
            if name not in merged or _rank(entry) > _rank(merged[name]):
                merged[name] = entry
        if not merged:
            return None
        wrote = 0
        if force or merged != mine or current in self.waiting or self.rows.read(kind, key) is None:
            values = {name: value for name, (_, value) in merged.items()}
            try:
                with writing(self.store.db):  # a savepoint: a row that fails leaves no trace
                    at = {name: time for name, (time, _) in merged.items()}
                    self.rows.write(kind, key, values, max(at.values()), at)
            except Missing:
                self.waiting.add(current)
                return None
            except Invalid as error:
                self._refuse(kind, key, str(error))
                self.waiting.discard(current)
                return None
            wrote = 1
            self.waiting.discard(current)
            if kind == "tags":
                self._retagged.add(key)
        if merged != shadow:
            self.shadow[current] = merged
            self.store.db.conn.execute(
                "INSERT OR REPLACE INTO sync_rows (kind, key, state) VALUES (?, ?, ?)",
                (kind, key, json.dumps({n: [t, v] for n, (t, v) in merged.items()}, ensure_ascii=False)),
            )
        self.refused.pop(current, None)
        time = self.rows.time_of(kind, key)
        if time is not None:
            self.seen[current] = time
        send = {name: entry for name, entry in merged.items() if theirs.get(name) != entry}
        return wrote, send

    def _send(self, rows: list[tuple[str, str, Fields]]) -> None:
        if not rows:
            return
        self._writing = True
        try:
            with self.doc.transaction():
                for kind, key, fields in rows:
                    shared = self.maps[kind]
                    row = shared.get(key)
                    if not isinstance(row, Map):
                        shared[key] = Map({name: _encode(entry) for name, entry in fields.items()})
                        continue
                    for name, entry in fields.items():
                        row[name] = _encode(entry)
        finally:
            self._writing = False
