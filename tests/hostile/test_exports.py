"""No export destroys a file: the library, its journal, devices, pipes and links are refused; temporary files are unguessable."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotations.errors import MarginError
from annotations.export import files
from annotations.terminal import HIDDEN_CODES
from reader.cli import cli

from ..conftest import fingerprint

from .harness import margin


@pytest.mark.parametrize("target", ["library", "wal", "shm"])
def test_export_never_replaces_the_library_or_its_journal(hostile_db, target):
    path = {"library": hostile_db, "wal": Path(f"{hostile_db}-wal"), "shm": Path(f"{hostile_db}-shm")}[target]
    before = fingerprint(hostile_db)
    run = margin(hostile_db, "export", "-o", str(path), "--force")
    run.refused("is the library itself")
    assert fingerprint(hostile_db) == before
    assert run.peak_mb < 200


def test_export_refuses_another_name_for_the_library(hostile_db, tmp_path):
    alias = tmp_path / "alias.db"
    os.link(hostile_db, alias)
    before = fingerprint(hostile_db)
    margin(hostile_db, "export", "-o", str(alias), "--force").refused("is the library itself")
    assert fingerprint(hostile_db) == before


@pytest.mark.parametrize("kind", ["device", "fifo", "symlink", "folder"])
def test_force_never_replaces_what_is_not_a_regular_file(hostile_db, tmp_path, kind):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    target = tmp_path / "target"
    if kind == "device":
        target = Path("/dev/null")
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "symlink":
        target.symlink_to(victim)
    else:
        target.mkdir()
    mode = os.lstat(target).st_mode
    run = margin(hostile_db, "export", "-o", str(target), "--force")
    run.refused(str(target))
    assert os.lstat(target).st_mode == mode and victim.read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize("fmt", ["markdown", "csv", "qdpx", "brat", "split"])
def test_a_planted_link_beside_the_target_is_never_followed(hostile_db, tmp_path, fmt):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    for name in ("notes.md", "notes.csv", "p.qdpx", "annotation.conf", "visual.conf"):
        (out / f".{name}.tmp").symlink_to(victim)
    args = {
        "markdown": ["-o", str(out / "notes.md")], "csv": ["--format", "csv", "-o", str(out / "notes.csv")],
        "qdpx": ["--format", "qdpx", "-o", str(out / "p.qdpx")], "brat": ["--format", "brat", "-o", str(out)],
        "split": ["--split", str(out)],
    }[fmt]
    run = margin(hostile_db, "export", *args)
    assert run.code == 0, run.err
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp") and not p.is_symlink()]


def test_a_folder_export_into_a_link_is_refused(hostile_db, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "link").symlink_to(elsewhere)
    margin(hostile_db, "export", "--format", "brat", "-o", str(tmp_path / "link")).refused("symbolic link")
    margin(hostile_db, "export", "--split", str(tmp_path / "link")).refused("symbolic link")
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
@pytest.mark.parametrize("fmt", ["markdown", "brat", "split"])
def test_a_full_or_read_only_disk_is_one_line_and_leaves_nothing(hostile_db, tmp_path, monkeypatch, code, fmt):
    def failing(descriptor: int) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(files.os, "fsync", failing)
    destination = tmp_path / "out"
    args = {"markdown": ["-o", str(destination)], "brat": ["--format", "brat", "-o", str(destination)],
            "split": ["--split", str(destination)]}[fmt]
    before = fingerprint(hostile_db)
    result = CliRunner().invoke(cli, ["--db", str(hostile_db), "export", *args])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: cannot write") and os.strerror(code) in lines[0], result.output
    assert not destination.exists()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left
    assert fingerprint(hostile_db) == before


def test_the_temporary_name_is_unpredictable_and_made_exclusively(tmp_path, monkeypatch):
    seen: list[str] = []
    real = files.tempfile.mkstemp

    def spy(*args, **kwargs):
        handle, name = real(*args, **kwargs)
        seen.append(name)
        return handle, name

    monkeypatch.setattr(files.tempfile, "mkstemp", spy)
    files.write_atomically(tmp_path / "a.md", "one")
    files.write_atomically(tmp_path / "a.md", "two")
    assert len(set(seen)) == 2 and all(Path(n).parent == tmp_path for n in seen)
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == "two"
    with pytest.raises(MarginError, match="already exists"):
        files.write_atomically(tmp_path / "a.md", "three", overwrite=False)


def test_entity_notes_under_hostile_names_stay_in_the_folder_with_safe_names(hostile_db, tmp_path):
    out = tmp_path / "vault"
    around = set(tmp_path.rglob("*"))
    run = margin(hostile_db, "export", "--split", str(out), "--split-by", "entity")
    assert run.code == 0, run.err
    written = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert len(written) == 2  # the document's note and Eve's
    for path in written:
        assert len(path.parts) == 1
        assert not any(ord(ch) in HIDDEN_CODES for ch in path.name), path.name
    assert {p for p in tmp_path.rglob("*") if out not in (p, *p.parents)} == around  # nothing beside the folder
