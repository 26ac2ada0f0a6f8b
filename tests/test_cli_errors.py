"""Bad input: one clear line on stderr, a non-zero exit, and a library left exactly as it was."""

from __future__ import annotations

import sqlite3
import zipfile

import pytest
from click.testing import CliRunner

from reader.cli import cli
from reader.samples import sample_paths

from .conftest import fingerprint


@pytest.fixture
def library(db_path):
    """A library holding both samples and one annotation."""
    runner = CliRunner()
    notice, article = sample_paths()
    assert runner.invoke(cli, ["--db", str(db_path), "import", str(notice), str(article)]).exit_code == 0
    made = runner.invoke(cli, ["--db", str(db_path), "annotate", "Notice", "--quote", "The closure is a precaution."])
    assert made.exit_code == 0
    return db_path


def fails_cleanly(db_path, *args, match: str) -> str:
    before = fingerprint(db_path)
    result = CliRunner().invoke(cli, ["--db", str(db_path), *args])
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert match.lower() in lines[0].lower(), lines[0]
    assert "Traceback" not in result.output
    assert fingerprint(db_path) == before
    return lines[0]


def test_missing_file(library, tmp_path):
    fails_cleanly(library, "import", str(tmp_path / "nope.txt"), match="nope.txt")


def test_a_directory(library, tmp_path):
    fails_cleanly(library, "import", str(tmp_path), match="directory")


def test_unsupported_format(library, tmp_path):
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(b"PK\x03\x04 not really")
    fails_cleanly(library, "import", str(path), match="sheet.xlsx")


def test_mislabelled_pdf(library, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_text("plain words, not a PDF", encoding="utf-8")
    fails_cleanly(library, "import", str(path), match="report.pdf")


def test_binary_file_named_txt(library, tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    fails_cleanly(library, "import", str(path), match="image.txt")


def test_empty_file(library, tmp_path):
    path = tmp_path / "empty.md"
    path.write_bytes(b"")
    fails_cleanly(library, "import", str(path), match="empty")


def test_corrupt_epub(library, tmp_path):
    path = tmp_path / "book.epub"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr("META-INF/container.xml", "<container><broken")
    fails_cleanly(library, "import", str(path), match="book.epub")


def test_corrupt_pdf(library, tmp_path):
    path = tmp_path / "paper.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\ngarbage garbage\n")
    fails_cleanly(library, "import", str(path), match="paper.pdf")


def test_one_bad_file_in_a_batch_imports_nothing(library, tmp_path):
    good = tmp_path / "good.md"
    good.write_text("# Good\n\nFine text.\n", encoding="utf-8")
    fails_cleanly(library, "import", str(good), str(tmp_path / "missing.md"), match="missing.md")


def test_database_that_is_not_margins(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.commit()
    conn.close()
    fails_cleanly(path, "docs", match="not a margin library")


def test_file_that_is_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("hello", encoding="utf-8")
    fails_cleanly(path, "docs", match="not a margin library")
    assert path.read_text(encoding="utf-8") == "hello"


def test_database_from_a_newer_margin(library):
    conn = sqlite3.connect(library)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('margin', 'm900_next', 'x')")
    conn.commit()
    conn.close()
    fails_cleanly(library, "docs", match="newer margin")


def test_quote_not_in_document(library):
    fails_cleanly(library, "annotate", "Notice", "--quote", "submarine", match="not found")


def test_ambiguous_quote_without_occurrence(library):
    fails_cleanly(library, "annotate", "Notice", "--quote", "Customs House", match="--occurrence")


def test_occurrence_out_of_range(library):
    fails_cleanly(library, "annotate", "Notice", "--quote", "Customs House", "--occurrence", "7", match="no occurrence 7")


def test_unknown_document(library):
    fails_cleanly(library, "annotate", "Gazette", "--quote", "bridge", match="no document matches")


def test_ambiguous_document(library):
    fails_cleanly(library, "annotate", "", "--quote", "bridge", match="document")


def test_span_outside_document(library):
    fails_cleanly(library, "annotate", "Notice", "--start", "10", "--end", "999999", match="outside the document")


def test_quote_and_offsets_together(library):
    fails_cleanly(library, "annotate", "Notice", "--quote", "x", "--start", "1", "--end", "2", match="not both")


def test_unknown_annotation(library):
    fails_cleanly(library, "note", "deadbeef", "x", match="no annotation")


def test_unknown_tag_filter(library):
    fails_cleanly(library, "export", "--tag", "Nonexistent", match="no tag")


def test_export_to_missing_folder(library, tmp_path):
    fails_cleanly(library, "export", "-o", str(tmp_path / "nowhere" / "x.md"), match="does not exist")


def test_nothing_to_undo(db_path):
    CliRunner().invoke(cli, ["--db", str(db_path), "docs"])
    fails_cleanly(db_path, "redo", match="nothing to redo")


def test_library_in_a_folder_that_does_not_exist(tmp_path):
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "typo" / "lib.db"), "docs"])
    assert result.exit_code == 1 and "does not exist" in result.stderr
    assert not (tmp_path / "typo").exists()


def test_annotation_id_with_wildcards_matches_nothing(library):
    fails_cleanly(library, "delete", "____", match="not an annotation id")
