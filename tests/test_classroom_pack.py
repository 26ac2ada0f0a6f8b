"""Class packs from the command line: a teacher makes one, students join it, a locked codebook holds."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from annotations.classroom.packs import pack_of
from annotations.store import Store
from reader.cli import cli
from reader.samples import sample_paths

from .conftest import fingerprint


@pytest.fixture
def margin(tmp_path):
    runner = CliRunner()

    def invoke(*args: str, ok: bool = True, input: str | None = None):
        result = runner.invoke(cli, list(args), input=input, catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output + result.stderr
        return result

    return invoke


@pytest.fixture
def teacher(tmp_path, margin):
    library = tmp_path / "teacher.db"
    notice, article = sample_paths()
    margin("--db", str(library), "--author", "teacher", "import", str(notice), str(article))
    margin("--db", str(library), "tags", "add", "Claim/Safety")
    margin("--db", str(library), "tags", "add", "Claim/Cost")
    margin("--db", str(library), "tags", "add", "Person:Mayor")
    return library


def _docs_json(margin, library):
    return json.loads(margin("--db", str(library), "docs", "--format", "json").output)


def test_a_pack_carries_documents_codebook_and_instructions_with_the_same_ids(tmp_path, margin, teacher):
    (tmp_path / "read.md").write_text("# Week 1\n\nTag every claim.\n")
    out = tmp_path / "week1.margin"
    made = margin("--db", str(teacher), "pack", "create", str(out), "--title", "Week 1", "--doc", "Harbour Bridge",
                  "--tag", "Claim", "--lock-codebook", "--instructions", str(tmp_path / "read.md"))
    assert "margin join" in made.output
    teacher_docs = {d["id"]: d["title"] for d in _docs_json(margin, teacher)}
    pack_docs = {d["id"]: d["title"] for d in _docs_json(margin, out)}
    assert len(pack_docs) == 1 and set(pack_docs) <= set(teacher_docs)
    with Store.open(teacher, author="t") as lib, Store.open(out, author="t") as pack:
        assert {t.id: t.name for t in pack.tags.all()} == {
            t.id: t.name for t in lib.tags.all() if t.name.startswith("Claim")
        }
        info = pack_of(pack.db.conn)
        assert info is not None and info.role == "pack" and info.locked and info.title == "Week 1"
        assert "Tag every claim." in info.instructions
        doc = pack.documents.all()[0]
        assert doc.version_id == lib.documents.get(doc.id).version_id
        assert pack.documents.text(doc.version_id) == lib.documents.text(doc.version_id)
    listing = margin("--db", str(out), "docs").output
    assert "class pack “Week 1”" in listing and "margin join" in listing


def test_opening_the_pack_itself_says_to_join_and_changes_nothing(tmp_path, margin, teacher):
    out = tmp_path / "week1.margin"
    margin("--db", str(teacher), "pack", "create", str(out))
    before = fingerprint(out)
    for args in (("library",), ("open", "Harbour Bridge"), ("annotate", "Harbour Bridge", "--quote", "Thousands")):
        refused = margin("--db", str(out), "--author", "bo", *args, ok=False)
        assert refused.exit_code == 1
        assert "margin join" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert fingerprint(out) == before


def test_joining_makes_a_copy_in_the_students_name(tmp_path, margin, teacher):
    out = tmp_path / "week1.margin"
    margin("--db", str(teacher), "pack", "create", str(out))
    copy = tmp_path / "bo.margin"
    joined = margin("join", str(out), "--author", "Bo Chen", "-o", str(copy))  # not a terminal: no reader
    assert joined.output.strip() == str(copy)
    margin("--db", str(copy), "annotate", "Harbour Bridge", "--quote", "Thousands", "--tag", "Claim/Safety")
    listed = json.loads(margin("--db", str(copy), "annotations", "--format", "json").output)
    assert [a["author"] for a in listed] == ["Bo Chen"]
    assert "Bo Chen's copy" in margin("--db", str(copy), "docs").output
    again = margin("join", str(out), "--author", "Bo Chen", "-o", str(copy), ok=False)
    assert again.exit_code == 1 and "already exists" in again.stderr


def test_joining_without_a_name_outside_a_terminal_asks_for_author(tmp_path, margin, teacher):
    out = tmp_path / "week1.margin"
    margin("--db", str(teacher), "pack", "create", str(out))
    refused = margin("join", str(out), "-o", str(tmp_path / "x.margin"), ok=False)
    assert refused.exit_code == 1 and "--author" in refused.stderr
    assert not (tmp_path / "x.margin").exists()


def test_joining_something_that_is_not_a_pack_is_refused(tmp_path, margin, teacher):
    refused = margin("join", str(teacher), "--author", "bo", "-o", str(tmp_path / "x.margin"), ok=False)
    assert refused.exit_code == 1 and "not a class pack" in refused.stderr
    assert not (tmp_path / "x.margin").exists()


def test_a_locked_codebook_refuses_new_renamed_merged_and_deleted_tags(tmp_path, margin, teacher):
    out = tmp_path / "week1.margin"
    margin("--db", str(teacher), "pack", "create", str(out), "--lock-codebook")
    copy = tmp_path / "bo.margin"
    margin("join", str(out), "--author", "bo", "-o", str(copy))
    before = fingerprint(copy)
    for args in (
        ("tags", "add", "Theme/New"),
        ("tags", "rename", "Claim/Cost", "Claim/Money"),
        ("tags", "merge", "Claim/Cost", "Claim/Safety"),
        ("tags", "delete", "Claim/Cost"),
        ("annotate", "Harbour Bridge", "--quote", "Thousands", "--tag", "Invented"),
    ):
        refused = margin("--db", str(copy), *args, ok=False)
        assert refused.exit_code == 1, args
        assert "codebook of this class pack is locked" in refused.stderr, args
    assert fingerprint(copy) == before
    margin("--db", str(copy), "annotate", "Harbour Bridge", "--quote", "Thousands", "--tag", "Claim/Cost")


def test_an_unlocked_pack_lets_students_add_tags(tmp_path, margin, teacher):
    out = tmp_path / "week1.margin"
    margin("--db", str(teacher), "pack", "create", str(out))
    copy = tmp_path / "bo.margin"
    margin("join", str(out), "--author", "bo", "-o", str(copy))
    margin("--db", str(copy), "tags", "add", "Theme/Mine")


def test_a_pack_over_an_existing_file_or_without_documents_is_refused(tmp_path, margin, teacher):
    out = tmp_path / "week1.margin"
    out.write_text("keep me")
    refused = margin("--db", str(teacher), "pack", "create", str(out), ok=False)
    assert refused.exit_code == 1 and "already exists" in refused.stderr and out.read_text() == "keep me"
    empty = tmp_path / "empty.db"
    refused = margin("--db", str(empty), "pack", "create", str(tmp_path / "p.margin"), ok=False)
    assert refused.exit_code == 1 and "at least one document" in refused.stderr
    assert not (tmp_path / "p.margin").exists()
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


def test_collect_prints_per_file_what_it_did_and_refuses_foreign_files(tmp_path, margin, teacher):
    out = tmp_path / "week1.margin"
    margin("--db", str(teacher), "pack", "create", str(out))
    for name in ("ada", "bo"):
        margin("join", str(out), "--author", name, "-o", str(tmp_path / f"{name}.margin"))
    margin("--db", str(tmp_path / "ada.margin"), "annotate", "Harbour Bridge", "--quote", "Thousands", "--tag", "Claim/Safety")
    into = tmp_path / "class.db"
    done = margin("--db", str(teacher), "collect", str(tmp_path / "ada.margin"), str(tmp_path / "bo.margin"), "--into", str(into))
    assert done.output.splitlines() == [
        "ada.margin (ada): 1 added, 0 updated, 0 deleted, 0 unchanged, 2 documents added, 3 tags added",
        "bo.margin (bo): 0 added, 0 updated, 0 deleted, 0 unchanged",
    ]
    (tmp_path / "junk.margin").write_text("hello")
    before = fingerprint(teacher)
    refused = margin("--db", str(teacher), "collect", str(tmp_path / "ada.margin"), str(tmp_path / "junk.margin"), ok=False)
    assert refused.exit_code == 1 and len(refused.stderr.strip().splitlines()) == 1 and "junk.margin" in refused.stderr
    assert fingerprint(teacher) == before


def test_making_a_pack_says_how_many_documents_in_words(tmp_path, margin, teacher):
    one = margin("--db", str(teacher), "pack", "create", str(tmp_path / "one.margin"), "--doc", "Harbour Bridge").output
    both = margin("--db", str(teacher), "pack", "create", str(tmp_path / "both.margin")).output
    assert "(1 document)" in one and "(2 documents)" in both


def test_joining_under_a_name_with_control_characters_is_refused(tmp_path, margin, teacher):
    out = tmp_path / "week1.margin"
    margin("--db", str(teacher), "pack", "create", str(out))
    for name in ("Ada\nLovelace", "Ada\x1b[2J", "Ada\u202eecalevoL"):
        refused = margin("join", str(out), "--author", name, "-o", str(tmp_path / "x.margin"), ok=False)
        assert refused.exit_code == 1 and "control characters" in refused.stderr
        assert not (tmp_path / "x.margin").exists()


def test_instructions_that_are_a_device_or_too_long_are_refused_and_no_pack_is_written(tmp_path, margin, teacher):
    long = tmp_path / "long.md"
    long.write_bytes(b"x" * (1024 * 1024 + 1))
    for instructions, said in (("/dev/zero", "not a regular file"), (str(long), "longer than 1 MB")):
        out = tmp_path / "week1.margin"
        refused = margin("--db", str(teacher), "pack", "create", str(out), "--instructions", instructions, ok=False)
        assert refused.exit_code == 1 and said in refused.stderr
        assert not out.exists()
