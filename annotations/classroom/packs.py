"""Class packs: one library file a teacher hands out, and each student's copy of it.

A pack holds the documents' current texts, a codebook (tags with their ids),
the instructions, and a row in ``packs`` saying what it is. A student's copy is
the same file with that row turned into a ``copy`` carrying their name, so the
ids of documents and tags are the same in every copy and the work lines up
when the teacher collects it. The library a pack was made from remembers the
pack (role ``made``) so that files from another class are told apart.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import MarginError
from ..store import Store
from ..store.clock import new_id
from ..store.transaction import refuse_writes, writing


@dataclass(frozen=True)
class Pack:
    """What a ``packs`` row says: which pack, what this file is to it, and how it is to be used."""

    id: str
    role: str
    title: str
    instructions: str
    locked: bool
    author: str | None
    created: str


def pack_of(conn: sqlite3.Connection) -> Pack | None:
    """The pack this file is (``pack``) or is a copy of (``copy``); None for any other library."""
    row = conn.execute(
        "SELECT id, role, title, instructions, locked, author, created FROM packs"
        " WHERE role IN ('pack', 'copy') ORDER BY role LIMIT 1"
    ).fetchone()
    return None if row is None else Pack(row[0], row[1], row[2], row[3], bool(row[4]), row[5], row[6])


def packs_made(conn: sqlite3.Connection) -> dict[str, str]:
    """Titles of the packs a library made (or took in by collecting), by pack id."""
    return dict(conn.execute("SELECT id, title FROM packs WHERE role = 'made'").fetchall())


def opening_the_pack_message(pack: Pack, path: str) -> str:
    """What someone who opened the handed-out pack itself, instead of their own copy, is told."""
    return (
        f"{Path(path).name} is the class pack “{pack.title}”, to copy rather than to write in:"
        f" make your own copy with `margin join {path} --author YOUR-NAME` and work in that"
    )


def guard(store: Store) -> Pack | None:
    """Refuse writes to a pack file; return the pack (or copy) the library is, if any."""
    pack = pack_of(store.db.conn)
    if pack is not None and pack.role == "pack":
        refuse_writes(store.db, opening_the_pack_message(pack, store.path))
    return pack


def _fresh(out: Path) -> Path:
    """A partial file beside *out*, written first and renamed at the end, so a failure leaves nothing."""
    if out.exists():
        raise MarginError(f"{out} already exists; choose another file name")
    if not out.parent.is_dir():
        raise MarginError(f"folder {out.parent} does not exist")
    partial = out.with_name(f".{out.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    return partial


def _copy_rows(source: sqlite3.Connection, target: sqlite3.Connection, table: str, where: str, params: Sequence[object]) -> int:
    """Copy rows of *table* matching *where*, column by column where both files have the column."""
    cursor = source.execute(f"SELECT * FROM {table} WHERE {where}", tuple(params))
    source_columns = [d[0] for d in cursor.description]
    target_columns = {row[1] for row in target.execute(f"PRAGMA table_info({table})")}
    keep = [i for i, name in enumerate(source_columns) if name in target_columns]
    names = ", ".join(f'"{source_columns[i]}"' for i in keep)
    rows = [tuple(row[i] for i in keep) for row in cursor.fetchall()]
    target.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(keep))})", rows)
    return len(rows)


def create_pack(
    source: Store,
    out: Path,
    *,
    title: str,
    document_ids: Iterable[str],
    tag_ids: Iterable[str] | None,
    codebook: Path | None = None,
    instructions: str = "",
    locked: bool = False,
) -> Pack:
    """Write a pack of *document_ids* (current texts) and a codebook to *out*; remember it in *source*.

    The codebook is *tag_ids* (every live tag when None) with their ids, plus
    the tags of a ``.qdc`` or codebook ``.csv`` file.
    """
    documents = list(dict.fromkeys(document_ids))
    if not documents:
        raise MarginError("a pack needs at least one document (give --doc, or import documents first)")
    if not title.strip():
        raise MarginError("a pack's title is empty")
    partial = _fresh(out)
    pack = Pack(new_id(), "pack", title.strip(), instructions, locked, None, source.clock())
    try:
        with Store.open(partial, author=source.author, clock=source.clock) as target:
            conn, src = target.db.conn, source.db.conn
            marks = ",".join("?" * len(documents))
            with writing(target.db):
                _copy_rows(src, conn, "documents", f"id IN ({marks})", documents)
                conn.execute("UPDATE documents SET source_path = title")  # the teacher's folders are theirs
                current = f"(SELECT current_version FROM documents WHERE id IN ({marks}))"
                _copy_rows(src, conn, "versions", f"id IN {current}", documents)
                _copy_rows(src, conn, "sections", f"version_id IN {current}", documents)
                if tag_ids is None:
                    _copy_rows(src, conn, "tags", "deleted IS NULL", ())
                else:
                    wanted = sorted(set(tag_ids))
                    if wanted:
                        _copy_rows(src, conn, "tags", f"deleted IS NULL AND id IN ({','.join('?' * len(wanted))})", wanted)
            if codebook is not None:
                _import_codebook(target, codebook)
            with writing(target.db):
                _record(conn, pack)
            if locked and not target.tags.all():
                raise MarginError("a locked codebook needs tags: give --tag or --codebook, or create tags first")
        with writing(source.db):
            _record(source.db.conn, Pack(pack.id, "made", pack.title, instructions, locked, None, pack.created))
        os.replace(partial, out)
    finally:
        for leftover in (partial, partial.with_name(partial.name + "-wal"), partial.with_name(partial.name + "-shm")):
            leftover.unlink(missing_ok=True)
    return pack


def _import_codebook(target: Store, codebook: Path) -> None:
    suffix = codebook.suffix.lower()
    if suffix == ".qdc":
        from ..interchange.refiqda import import_qdc

        import_qdc(target, codebook)
    elif suffix == ".csv":
        from ..interchange.tabular import import_codebook_csv

        import_codebook_csv(target, codebook)
    else:
        raise MarginError(f"{codebook.name}: a codebook is a REFI-QDA .qdc file or a codebook .csv")


def _record(conn: sqlite3.Connection, pack: Pack) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO packs (id, role, title, instructions, locked, author, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (pack.id, pack.role, pack.title, pack.instructions, int(pack.locked), pack.author, pack.created),
    )


def join_pack(pack_path: Path, out: Path, *, author: str) -> Pack:
    """Make a student's own library *out* from the pack at *pack_path*, in their name."""
    from ..store.maintenance import backup_database  # not loaded by every command that checks for a pack

    if not author.strip():
        raise MarginError("the author name is empty")
    if not pack_path.is_file():
        raise MarginError(f"no pack file {pack_path}")
    with Store.open(pack_path, author=author, create_folder=False) as opened:
        pack = pack_of(opened.db.conn)
        if pack is None or pack.role != "pack":
            what = "a student's copy" if pack is not None else "an ordinary library"
            raise MarginError(f"{pack_path.name} is {what}, not a class pack (a teacher makes one with `margin pack create`)")
        partial = _fresh(out)
        try:
            backup_database(opened.db.conn, partial)
            copy = sqlite3.connect(partial)
            try:
                with copy:
                    copy.execute(
                        "UPDATE packs SET role = 'copy', author = ? WHERE id = ? AND role = 'pack'", (author.strip(), pack.id)
                    )
            finally:
                copy.close()
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
    return Pack(pack.id, "copy", pack.title, pack.instructions, pack.locked, author.strip(), pack.created)


def default_copy_name(pack_path: Path, author: str) -> Path:
    """``class.margin`` joined by Ada Lovelace → ``class-ada-lovelace.margin``, beside the working folder."""
    slug = "-".join("".join(c if c.isalnum() else " " for c in author.casefold()).split()) or "student"
    return Path(f"{pack_path.stem}-{slug}{pack_path.suffix or '.db'}")
