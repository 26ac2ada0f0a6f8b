"""``margin export --split FOLDER --split-by author``: one Markdown file per student, safely named.

Author names come from students' files, so they are treated like any untrusted
title: a name may try to climb out of the folder, be a Windows device name, or
fold onto another student's name.
"""

from __future__ import annotations

from click.testing import CliRunner

from annotations.anchoring import anchor_span
from annotations.store import Store
from reader.cli import cli
from tests.test_export_vault import blocks, links

from .conftest import add_document, fixed_clock

POEM = "The sea is calm tonight. The tide is full, the moon lies fair upon the straits."
ESSAY = "Reading closely means reading slowly, and reading again what one thought one had understood."


def _class_library(path) -> dict[str, str]:
    """Two documents annotated by four students with awkward names; a link from one student's passage to another's."""
    store = Store.open(path, author="teacher", clock=fixed_clock())
    try:
        poem, essay = add_document(store, POEM, title="Dover Beach"), add_document(store, ESSAY, title="On Reading")
        made = {}
        for author, document, text, quote, tag in (
            ("Ada", poem, POEM, "The sea is calm", "Theme/Sea"),
            ("Ada", essay, ESSAY, "reading slowly", "Theme/Pace"),
            ("ADA", poem, POEM, "the moon lies fair", "Theme/Sea"),
            ("../../escape", poem, POEM, "The tide is full", "Theme/Sea"),
            ("CON", essay, ESSAY, "reading again", "Theme/Pace"),
        ):
            start = text.index(quote)
            made[(author, quote)] = store.as_author(author).annotations.create(
                document, anchor_span(text, start, start + len(quote)), tags=[tag]).id
        store.links.create(made[("Ada", "The sea is calm")], made[("CON", "reading again")], "see-also")
    finally:
        store.close()
    return made


def _export(tmp_path, *args: str):
    db = tmp_path / "class.db"
    if not db.exists():
        _class_library(db)
    return CliRunner().invoke(cli, ["--db", str(db), "export", *args])


def test_one_file_per_author_each_with_only_their_annotations_per_document(tmp_path):
    folder = tmp_path / "by-student"
    result = _export(tmp_path, "--split", str(folder), "--split-by", "author")
    assert result.exit_code == 0, result.output
    assert "exported 5 annotations to 4 files" in result.stderr
    files = {path.name: path.read_text(encoding="utf-8") for path in folder.iterdir()}
    # Nothing outside the folder; the device name made harmless; two names that fold together kept apart.
    assert sorted(files) == ["ADA.md", "Ada (2).md", "CON_.md", "escape.md"]
    assert not (tmp_path / "escape.md").exists()
    ada = files["Ada (2).md"]
    assert "# Dover Beach" in ada and "# On Reading" in ada
    assert sorted(blocks(ada).values()) == ["The sea is calm", "reading slowly"]
    assert "authors:\n  - \"Ada\"\n" in ada
    assert list(blocks(files["escape.md"]).values()) == ["The tide is full"]
    assert "# On Reading" not in files["escape.md"]


def test_a_link_to_another_students_passage_reaches_its_block_in_their_file(tmp_path):
    folder = tmp_path / "by-student"
    assert _export(tmp_path, "--split", str(folder), "--split-by", "author").exit_code == 0
    notes = {path.stem: path.read_text(encoding="utf-8") for path in folder.glob("*.md")}
    found = [(name, note, block) for name, text in notes.items() for note, block in links(text)]
    assert {(name, note) for name, note, _ in found} == {("Ada (2)", "CON_"), ("CON_", "Ada (2)")}
    for name, note, block in found:
        assert block in blocks(notes[note])


def test_documents_stay_the_default_and_split_by_needs_a_folder(tmp_path):
    folder = tmp_path / "by-document"
    assert _export(tmp_path, "--split", str(folder)).exit_code == 0
    assert sorted(p.name for p in folder.iterdir()) == ["Dover Beach.md", "On Reading.md"]
    lonely = _export(tmp_path, "--split-by", "author")
    assert lonely.exit_code == 2 and "--split-by applies with --split" in lonely.stderr
    unknown = _export(tmp_path, "--split", str(tmp_path / "x"), "--split-by", "colour")
    assert unknown.exit_code == 2 and not (tmp_path / "x").exists()


def test_filters_apply_and_an_existing_file_is_never_replaced_without_force(tmp_path):
    folder = tmp_path / "by-student"
    folder.mkdir()
    (folder / "Ada.md").write_text("mine", encoding="utf-8")
    refused = _export(tmp_path, "--split", str(folder), "--split-by", "author", "--doc", "On Reading")
    assert refused.exit_code != 0 and "already exists" in refused.stderr
    assert (folder / "Ada.md").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in folder.iterdir()) == ["Ada.md"]
    done = _export(tmp_path, "--split", str(folder), "--split-by", "author", "--doc", "On Reading", "--force")
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in folder.iterdir()) == ["Ada.md", "CON_.md"]  # ADA wrote nothing in the essay
    assert "reading slowly" in (folder / "Ada.md").read_text(encoding="utf-8")
    assert "The sea is calm" not in (folder / "Ada.md").read_text(encoding="utf-8")
