"""Renaming a document: from the command line and the store, kept by later versions, seen by exports and search."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from annotations.errors import MarginError, NotFound
from reader.cli import cli
from reader.formats import read_source

from .conftest import add_document


@pytest.fixture
def run(db_path):
    runner = CliRunner()

    def invoke(*args: str, ok: bool = True):
        result = runner.invoke(cli, ["--db", str(db_path), "--author", "ada", *args], catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output + result.stderr
        return result

    return invoke


def _import(store, path):
    source = read_source(path)
    return store.documents.import_loaded(str(source.path), source.sha256, source.document).document


def test_rename_from_the_command_line_shows_in_docs_and_exports(run, tmp_path):
    path = tmp_path / "article.txt"
    path.write_text("the article.\n\nThe bridge is shut until May.\n", encoding="utf-8")
    run("import", str(path))
    run("annotate", "article", "--quote", "shut until May")
    result = run("docs", "rename", "article", "Harbour Bridge Shut")
    assert "article → Harbour Bridge Shut" in result.output
    assert [d["title"] for d in json.loads(run("docs", "--format", "json").output)] == ["Harbour Bridge Shut"]
    exported = run("export").output
    assert "# Harbour Bridge Shut" in exported and "# article" not in exported
    assert "Harbour Bridge Shut" in run("search", "Harbour").output  # found by its new name alone


def test_rename_errors_are_one_line(run, tmp_path):
    for name in ("notice one.txt", "notice two.txt"):
        (tmp_path / name).write_text(f"{name}.\n\nText of {name}.\n", encoding="utf-8")
        run("import", str(tmp_path / name))
    unknown = run("docs", "rename", "nothing like it", "New", ok=False)
    ambiguous = run("docs", "rename", "notice", "New", ok=False)
    empty = run("docs", "rename", "notice one", "  \n ", ok=False)
    for result, words in (
        (unknown, "no document matches “nothing like it”"),
        (ambiguous, "“notice” matches 2 documents"),
        (empty, "a title cannot be empty"),
    ):
        assert result.exit_code == 1
        assert result.stderr.count("\n") == 1 and words in result.stderr, result.stderr
    titles = {d["title"] for d in json.loads(run("docs", "--format", "json").output)}
    assert titles == {"notice one", "notice two"}  # nothing changed


def test_a_second_document_with_the_same_title_is_allowed_with_a_warning(run, tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(f"Text of {name}.\n", encoding="utf-8")
        run("import", str(tmp_path / name))
    run("docs", "rename", "a", "Minutes")
    result = run("docs", "rename", "b", "minutes")
    assert "also titled “minutes”" in result.stderr


def test_store_rename_cleans_the_title_and_reindexes_it(store):
    document = add_document(store)
    renamed = store.documents.rename(document.id, "  Harbour\n\tnotice\x00 (final)  ")
    assert renamed.title == "Harbour notice (final)"
    assert store.documents.resolve("Harbour notice (final)").id == document.id
    assert [h.title for h in store.search.documents("final")] == ["Harbour notice (final)"]
    with pytest.raises(MarginError, match="at most 500 characters"):
        store.documents.rename(document.id, "x" * 501)
    with pytest.raises(NotFound):
        store.documents.rename("no-such-id", "Title")


def test_a_new_version_keeps_the_title_given_by_the_user(store, tmp_path):
    path = tmp_path / "memo.md"
    path.write_text("# Memo\n\nThe meeting is on Monday.\n", encoding="utf-8")
    document = _import(store, path)
    store.documents.rename(document.id, "Board meeting")
    path.write_text("# Memo, revised\n\nThe meeting is on Tuesday.\n", encoding="utf-8")
    assert _import(store, path).title == "Board meeting"
    # Back to the first bytes: the old version is current again, under the same title.
    path.write_text("# Memo\n\nThe meeting is on Monday.\n", encoding="utf-8")
    reverted = _import(store, path)
    assert (reverted.version, reverted.title) == (1, "Board meeting")
    assert [h.title for h in store.search.documents("board")] == ["Board meeting"]


def test_without_a_rename_a_new_version_takes_the_title_its_file_gives(store, tmp_path):
    path = tmp_path / "memo.md"
    path.write_text("# Memo\n\nThe meeting is on Monday.\n", encoding="utf-8")
    _import(store, path)
    path.write_text("# Memo, revised\n\nThe meeting is on Tuesday.\n", encoding="utf-8")
    assert _import(store, path).title == "Memo, revised"
    path.write_text("# Memo\n\nThe meeting is on Monday.\n", encoding="utf-8")
    assert _import(store, path).title == "Memo"
