"""Looking after the library file: a consistent backup, and a health check."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click

from annotations.errors import MarginError
from annotations.store.connection import is_busy
from annotations.store.maintenance import backup_database, examine
from annotations.store.transaction import clear_damage, record_damage, structure_problem

from ..context import Context, pass_context


def _existing_library(ctx: Context) -> Path:
    """The library file, refusing to create one: backing up or checking nothing is a mistake."""
    path = ctx.path.expanduser()
    if not path.is_file():
        raise MarginError(f"there is no library at {path} (check --db or MARGIN_DB)")
    return path


def _summary(counts: dict[str, int]) -> str:
    return " · ".join(f"{name} {count:,}" for name, count in counts.items())


@click.command("backup", short_help="Copy the library safely to a file.")
@click.argument("destination", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace DESTINATION if it already exists.")
@pass_context
def backup(ctx: Context, destination: Path, force: bool) -> None:
    """Copy the library to DESTINATION: one consistent file, safe to take while margin is writing.

    Uses SQLite's backup API, so the copy holds every change saved so far and
    nothing half-written, unlike copying the file by hand.
    """
    library = _existing_library(ctx)
    destination = destination.expanduser()
    if destination.is_dir():
        raise MarginError(f"{destination} is a folder; give the name of the backup file")
    if not destination.parent.is_dir():
        raise MarginError(f"folder {destination.parent} does not exist")
    if destination.exists():
        if destination.resolve() == library.resolve():
            raise MarginError(f"{destination} is the library itself; choose another file")
        if not force:
            raise MarginError(f"{destination} already exists; pass --force to replace it")
    store = ctx.store
    damage = structure_problem(store.db)
    try:
        backup_database(store.db.conn, destination)
    except OSError as error:
        raise MarginError(f"cannot write {destination}: {error.strerror or error}") from error
    except sqlite3.Error as error:
        if is_busy(error):
            raise
        if damage is not None:
            raise MarginError(f"the library is damaged ({damage}) and could not be copied: {error}") from error
        raise MarginError(f"cannot write {destination}: {error}") from error
    if damage is not None:
        raise MarginError(
            f"the library is damaged ({damage}); {destination} holds a copy of it as it is, damage included:"
            " see `margin check`, and keep your older backups"
        )
    click.echo(f"backed up {library} to {destination} ({_summary(_counts(destination))})")


def _counts(copy: Path) -> dict[str, int]:
    """Documents and annotations in the copy itself (others may have written to the library since)."""
    conn = sqlite3.connect(copy)
    try:
        documents = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        annotations = conn.execute("SELECT count(*) FROM annotations WHERE deleted IS NULL").fetchone()[0]
    finally:
        conn.close()
    return {"documents": documents, "annotations": annotations}


@click.command("check", short_help="Check the library's health and count what it holds.")
@pass_context
def check(ctx: Context) -> None:
    """Check the library: file integrity, references, quotes against texts, search indexes; count what it holds.

    Prints one line per problem and exits 1 when there are any; exits 0 when healthy.
    """
    library = _existing_library(ctx)
    health = examine(ctx.store.db)
    damage = next((p.removeprefix("integrity: ") for p in health.problems if p.startswith("integrity:")), None)
    if damage is not None:
        record_damage(library, damage)
    elif not ctx.store.read_only:
        clear_damage(library)
    for problem in health.problems:
        click.echo(f"problem: {problem}")
    if health.counts:
        click.echo(_summary(health.counts))
    if not health.ok:
        count = len(health.problems)
        raise MarginError(f"{count} problem{'s' if count != 1 else ''} found in {library}")
    click.echo(f"ok: {library} is healthy (integrity, references, quotes and search indexes checked)")


COMMANDS = [backup, check]
