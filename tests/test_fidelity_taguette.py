"""Taguette's files, written by Taguette itself (fixtures/foreign/taguette/make.py): its project
file and its highlights CSV import as highlights, checked against counts read from the files."""

from __future__ import annotations

import csv
import importlib.util
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotations.errors import MarginError
from annotations.interchange.formats import detect, import_file
from annotations.store import Store
from reader.cli import cli

from .conftest import fingerprint

TAGUETTE = Path(__file__).parent / "fixtures" / "foreign" / "taguette"


def project_facts(folder: Path = TAGUETTE) -> dict[str, object]:
    """What the project file holds, read with sqlite3 alone."""
    db = sqlite3.connect(f"file:{folder / 'taguette.sqlite3'}?mode=ro", uri=True)
    try:
        by_user: dict[str, int] = {}
        for (payload,) in db.execute("SELECT payload FROM commands"):
            value = json.loads(payload)
            if value["type"] == "highlight_add":
                login = db.execute(
                    "SELECT user_login FROM commands WHERE payload = ?", (payload,)
                ).fetchone()[0]
                by_user[login] = by_user.get(login, 0) + 1
        return {
            "documents": db.execute("SELECT count(*) FROM documents").fetchone()[0],
            "highlights": db.execute("SELECT count(*) FROM highlights").fetchone()[0],
            "tags": dict(db.execute("SELECT path, description FROM tags").fetchall()),
            "codings": db.execute("SELECT count(*) FROM highlight_tags").fetchone()[0],
            "by_user": by_user,
        }
    finally:
        db.close()


def test_a_taguette_project_file_imports_documents_tags_and_each_users_highlights(store):
    facts = project_facts()
    assert detect(TAGUETTE / "taguette.sqlite3") == "taguette"
    report = import_file(store, TAGUETTE / "taguette.sqlite3")
    annotations = store.annotations.list()
    assert report.documents == len(store.documents.all()) == facts["documents"]
    assert len(annotations) == facts["highlights"]
    assert sum(len(a.tags) for a in annotations) == facts["codings"]
    tags = {t.name: t.description for t in store.tags.all()}
    assert tags == facts["tags"]
    by_user: dict[str, int] = {}
    for annotation in annotations:
        by_user[annotation.author] = by_user.get(annotation.author, 0) + 1
    assert by_user == facts["by_user"]
    # Byte offsets into the HTML's text became the right passages, emoji and accents included.
    assert {a.exact for a in annotations} == {
        "Coke, as always", "Café au lait on Sundays 👩‍🍳", "tea & toast", "breakfast", "Always tea, naïvely",
    }
    mabel = next(d for d in store.documents.all() if d.title == "Interview Mabel")
    assert store.documents.text(mabel.version_id).startswith("Interview with Mabel\nInterviewer: How was breakfast?\n")
    # Importing it again adds nothing.
    again = import_file(store, TAGUETTE / "taguette.sqlite3")
    assert again.annotations == 0 and len(store.annotations.list()) == facts["highlights"]


@pytest.mark.skipif(importlib.util.find_spec("taguette") is None, reason="Taguette is not installed")
def test_taguette_itself_rebuilds_the_same_files(tmp_path):
    subprocess.run([sys.executable, str(TAGUETTE / "make.py"), str(tmp_path)], check=True)
    assert project_facts(tmp_path) == project_facts()
    for name in ("highlights.csv", "codebook.csv"):
        assert (tmp_path / name).read_text(encoding="utf-8") == (TAGUETTE / name).read_text(encoding="utf-8")


@pytest.mark.skipif(importlib.util.find_spec("taguette") is None, reason="Taguette is not installed")
def test_taguette_reads_margins_codebook_csv_back_with_every_tag_and_description(store):
    import io

    from taguette.import_codebook import list_tags_csv

    from annotations.interchange.selection import select
    from annotations.interchange.tabular import export_codebook_csv

    import_file(store, TAGUETTE / "taguette.sqlite3")
    read = list_tags_csv(io.BytesIO(export_codebook_csv(select(store)).encode("utf-8")))
    assert {row["path"]: row["description"] for row in read} == project_facts()["tags"]


def csv_facts() -> dict[str, set[str]]:
    with (TAGUETTE / "highlights.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    highlights: dict[str, set[str]] = {}
    for row in rows:
        highlights.setdefault(row["content"], set()).add(row["tag"])
    return highlights


def html_documents(tmp_path: Path) -> list[str]:
    """The project's documents as HTML files named as Taguette names them."""
    db = sqlite3.connect(f"file:{TAGUETTE / 'taguette.sqlite3'}?mode=ro", uri=True)
    paths = []
    for name, contents in db.execute("SELECT name, contents FROM documents"):
        path = tmp_path / f"{name}.html"
        path.write_text(f"<html><body>{contents}</body></html>", encoding="utf-8")
        paths.append(str(path))
    db.close()
    return paths


def test_the_highlights_csv_is_read_as_highlights_not_as_a_codebook(tmp_path):
    db = str(tmp_path / "library.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db, "import", *html_documents(tmp_path)]).exit_code == 0
    result = runner.invoke(cli, ["--db", db, "import-annotations", str(TAGUETTE / "highlights.csv")])
    assert result.exit_code == 0, result.output
    expected = csv_facts()
    with Store.open(Path(db), author="x") as store:
        found = {a.exact: {t.name for t in a.tags} for a in store.annotations.list()}
    assert found == expected
    assert f"{len(expected)} annotations" in result.output


def test_the_highlights_csv_without_its_documents_says_so_and_changes_nothing(tmp_path):
    db = tmp_path / "library.db"
    runner = CliRunner()
    runner.invoke(cli, ["--db", str(db), "docs"])
    before = fingerprint(db)
    result = runner.invoke(cli, ["--db", str(db), "import-annotations", str(TAGUETTE / "highlights.csv")])
    assert result.exit_code != 0
    assert "Interview Mabel" in result.output and "--doc" in result.output
    assert fingerprint(db) == before


def test_a_highlights_csv_named_as_a_codebook_is_refused(store):
    with pytest.raises(MarginError, match="highlights"):
        import_file(store, TAGUETTE / "highlights.csv", "csv-codebook")


def test_an_sqlite_file_that_is_not_taguettes_is_refused_in_one_line(store, tmp_path):
    path = tmp_path / "other.sqlite3"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(MarginError, match="not a Taguette project"):
        import_file(store, path)


def test_highlights_of_a_repeated_text_go_to_its_successive_places(store, tmp_path):
    """The CSV gives no positions: three highlights of a line said three times are its three places, in the
    order they were made (Taguette's ids), not all on the first; one highlight of a text said once is as ever."""
    from annotations.anchoring import find_all

    from .conftest import add_document

    line = "(The participant reads the task again)"
    text = f"Q1. {line}\nI see a map.\nQ2. {line}\nA list of dates.\nQ3. {line}\nDone.\n"
    add_document(store, text, "P2_interview.odt")
    path = tmp_path / "all_tags.csv"
    rows = [("482", "Rereads", line), ("473", "Rereads", line), ("475", "Map", "I see a map."),
            ("490", "Rereads", line), ("490", "Confusion", line)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "document", "tag", "content"])
        writer.writerows((key, "P2_interview.odt", tag, content) for key, tag, content in rows)

    report = import_file(store, path)

    places = sorted((a.start, sorted(t.name for t in a.tags)) for a in store.annotations.list() if a.exact == line)
    assert places == [(start, tags) for start, tags in zip(
        find_all(text, line), [["Rereads"], ["Rereads"], ["Confusion", "Rereads"]])]
    assert any("2 highlights repeat the text of an earlier one" in w for w in report.warnings)
