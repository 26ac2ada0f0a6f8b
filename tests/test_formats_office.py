"""Word and OpenDocument texts import as documents, headings as sections; a damaged or disguised one is refused."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from odfdo import Document as OdfDocument
from odfdo import Header, Paragraph

from annotations.errors import FormatError
from reader.formats import read_source


def test_a_word_document_reads_with_its_headings_as_sections(tmp_path):
    document = docx.Document()
    document.add_heading("Methods", 1)
    document.add_paragraph("We interviewed twelve café owners.")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Owner", "Years"
    document.add_heading("Results", 1)
    document.add_paragraph("Most opened before 2010.")
    path = tmp_path / "paper.docx"
    document.save(path)
    loaded = read_source(path).document
    assert loaded.text == "Methods\nWe interviewed twelve café owners.\nOwner\nYears\nResults\nMost opened before 2010."
    assert [(s.title, loaded.text[s.start : s.end].split("\n")[0]) for s in loaded.sections] == [
        ("Methods", "Methods"), ("Results", "Results"),
    ]
    assert loaded.format == "docx" and loaded.title == "paper"


def test_an_opendocument_text_reads_with_its_headings_as_sections(tmp_path):
    document = OdfDocument("text")
    document.body.append(Header(1, "Interview"))
    document.body.append(Paragraph("Mabel: Coke, as always."))
    document.body.append(Header(2, "Follow-up"))
    document.body.append(Paragraph("Roy: Tea."))
    path = tmp_path / "interview.odt"
    document.save(str(path))
    loaded = read_source(path).document
    assert loaded.text.strip("\n") == "Interview\nMabel: Coke, as always.\nFollow-up\nRoy: Tea."
    assert [(s.title, s.level) for s in loaded.sections] == [("Interview", 1), ("Follow-up", 2)]


@pytest.mark.parametrize("suffix", [".docx", ".odt"])
def test_a_zip_that_is_not_such_a_document_is_refused_in_one_line(tmp_path, suffix):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    path = tmp_path / f"fake{suffix}"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(FormatError) as caught:
        read_source(path)
    assert "fake" in str(caught.value) and "\n" not in str(caught.value)


def test_text_that_merely_claims_to_be_a_word_document_is_refused(tmp_path):
    path = tmp_path / "notes.docx"
    path.write_text("just text", encoding="utf-8")
    with pytest.raises(FormatError, match="not a Word document"):
        read_source(path)
