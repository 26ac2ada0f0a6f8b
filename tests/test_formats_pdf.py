"""reader.formats on PDF: a text layer per page, page sections, and the refusals."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from annotations.errors import FormatError
from reader.formats import read_source

from .conftest import refusal


def pdf_string(text: str) -> str:
    """A PDF literal string, with the characters that need escaping escaped."""
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def make_pdf(pages: list[list[str]], info: dict[str, str] | None = None) -> bytes:
    """A small but well-formed PDF: one Helvetica text line per entry, a correct xref table.

    Objects: 1 catalog, 2 page tree, 3 font, then a page and its content stream
    per page, then the optional information dictionary.
    """
    bodies: dict[int, bytes] = {}
    page_ids = [4 + 2 * index for index in range(len(pages))]
    kids = " ".join(f"{number} 0 R" for number in page_ids)
    bodies[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    bodies[2] = f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode()
    bodies[3] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    for page_id, lines in zip(page_ids, pages):
        operators = ["BT", "/F1 12 Tf", "14 TL", "72 720 Td"]
        # The first line is shown where the cursor is; each later one on the next line (').
        operators += [f"{pdf_string(line)} {'Tj' if i == 0 else chr(39)}" for i, line in enumerate(lines)]
        operators.append("ET")
        stream = "\n".join(operators).encode("cp1252") if lines else b""
        bodies[page_id] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {page_id + 1} 0 R >>"
        ).encode()
        bodies[page_id + 1] = f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream"
    info_id = None
    if info is not None:
        info_id = 4 + 2 * len(pages)
        entries = " ".join(f"/{key} {pdf_string(value)}" for key, value in info.items())
        bodies[info_id] = f"<< {entries} >>".encode("cp1252")

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in sorted(bodies):
        offsets[number] = len(out)
        out += f"{number} 0 obj\n".encode() + bodies[number] + b"\nendobj\n"
    size = max(bodies) + 1
    xref_at = len(out)
    out += f"xref\n0 {size}\n".encode() + b"0000000000 65535 f \n"
    for number in range(1, size):
        out += f"{offsets[number]:010d} 00000 n \n".encode()  # each entry exactly 20 bytes
    trailer = f"<< /Size {size} /Root 1 0 R" + (f" /Info {info_id} 0 R" if info_id else "") + " >>"
    out += f"trailer\n{trailer}\nstartxref\n{xref_at}\n%%EOF\n".encode()
    return bytes(out)


TWO_PAGES = [["Hello (world)", "A second line"], ["Page two", "Caf\u00e9 au lait"]]


def test_the_helper_writes_a_pdf_pypdf_reads_strictly(tmp_path: Path) -> None:
    path = tmp_path / "strict.pdf"
    path.write_bytes(make_pdf(TWO_PAGES))
    reader = PdfReader(path, strict=True)
    assert len(reader.pages) == 2
    assert "Hello (world)" in reader.pages[0].extract_text()


def test_two_pages_become_two_page_sections(tmp_path: Path) -> None:
    path = tmp_path / "tiny.pdf"
    path.write_bytes(make_pdf(TWO_PAGES, {"Title": "A Tiny Book", "Author": "Ann Author"}))
    document = read_source(path).document
    assert document.format == "pdf"
    assert document.text == "Hello (world)\nA second line\n\nPage two\nCafé au lait"
    assert document.title == "A Tiny Book"
    assert document.metadata["author"] == "Ann Author"
    assert document.metadata["pages"] == 2
    assert [(s.title, s.level) for s in document.sections] == [("p. 1", 1), ("p. 2", 1)]
    first, second = document.sections
    assert document.text[first.start : first.end].strip() == "Hello (world)\nA second line"
    assert document.text[second.start : second.end] == "Page two\nCafé au lait"
    assert first.end == second.start and second.end == len(document.text)
    assert document.warnings == ()


def test_blank_metadata_title_falls_back_to_stem(tmp_path: Path) -> None:
    path = tmp_path / "lecture-notes.pdf"
    path.write_bytes(make_pdf([["Only page"]], {"Title": "   "}))
    assert read_source(path).document.title == "lecture-notes"
    bare = tmp_path / "bare.pdf"
    bare.write_bytes(make_pdf([["Only page"]]))
    assert read_source(bare).document.title == "bare"


def test_an_empty_page_keeps_its_number(tmp_path: Path) -> None:
    path = tmp_path / "gap.pdf"
    path.write_bytes(make_pdf([["one"], [], ["three"]]))
    document = read_source(path).document
    assert [s.title for s in document.sections] == ["p. 1", "p. 2", "p. 3"]
    third = document.sections[2]
    assert document.text[third.start :] == "three"


def test_pdf_without_a_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_pdf([[], []]))
    refusal(path, "no text layer (scanned?)")


@pytest.mark.parametrize(
    "damage",
    [
        lambda pdf: pdf[:200],  # truncated
        lambda pdf: b"%PDF-1.4\nnothing but noise here\n",
        lambda pdf: pdf.replace(b"startxref", b"startxxxx").replace(b"xref", b"xxxx").replace(b" obj", b" ojb"),
    ],
)
def test_corrupt_pdf(tmp_path: Path, damage) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(damage(make_pdf(TWO_PAGES)))
    refusal(path)


def test_pdf_that_is_not_a_pdf(tmp_path: Path) -> None:
    text = tmp_path / "notes.pdf"
    text.write_text("just some words\n")
    refusal(text, "not a PDF", "plain text")
    image = tmp_path / "picture.pdf"
    image.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    refusal(image, "not a PDF", "PNG")


def test_password_protected_pdf(tmp_path: Path) -> None:
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(make_pdf(TWO_PAGES))
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as handle:
        writer.write(handle)
    refusal(locked, "encrypted")


def test_pdf_with_empty_user_password_opens(tmp_path: Path) -> None:
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(make_pdf(TWO_PAGES))
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    protected = tmp_path / "no-copying.pdf"
    with protected.open("wb") as handle:
        writer.write(handle)
    assert read_source(protected).document.text.startswith("Hello (world)")


def test_pypdf_complaints_stay_quiet(tmp_path: Path, capsys, caplog) -> None:
    path = tmp_path / "sloppy.pdf"
    # A wrong startxref: pypdf recovers, and would normally log about it.
    pdf = make_pdf(TWO_PAGES)
    at = pdf.rindex(b"startxref\n") + len(b"startxref\n")
    path.write_bytes(pdf[:at] + b"9" + pdf[at:])
    with caplog.at_level(logging.WARNING):
        try:
            read_source(path)
        except FormatError:
            pass
    assert capsys.readouterr().err == ""
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]
