"""reader.formats on EPUB: spine order, chapter sections, metadata, and the refusals."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from ebooklib import epub

from reader.formats import read_source

from .conftest import refusal


def build_epub(path: Path) -> Path:
    """Write a three-chapter EPUB with a nav document, an NCX and a partial table of contents."""
    book = epub.EpubBook()
    book.set_identifier("margin-test-book")
    book.set_title("A Test Book")
    book.set_language("en")
    book.add_author("Ann Author")

    opening = epub.EpubHtml(title="Opening", file_name="text/chap_01.xhtml", lang="en")
    opening.content = (
        "<html><head><title>ignored</title><style>p{}</style></head><body>"
        "<h1>One</h1><p>Hello   there,\n reader.</p></body></html>"
    )
    middle = epub.EpubHtml(title="Middle", file_name="text/chap_02.xhtml", lang="en")
    middle.content = "<h2>The Second Heading</h2><p>Cafe\u0301 society.</p>"
    cover = epub.EpubHtml(title="Image", file_name="text/plate.xhtml", lang="en")
    cover.content = '<p><img src="plate.png" alt=""/></p>'
    last = epub.EpubHtml(title="Last", file_name="text/chap_03.xhtml", lang="en")
    last.content = "<p>No heading here, only a closing paragraph.</p>"
    for item in (opening, middle, cover, last):
        book.add_item(item)

    book.toc = (epub.Link("text/chap_01.xhtml", "The Beginning", "opening"),)
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    # Spine order differs from the order items were added in, on purpose.
    book.spine = ["nav", opening, cover, last]
    book.spine.insert(3, middle)
    epub.write_epub(str(path), book)
    return path


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    return build_epub(tmp_path_factory.mktemp("epub") / "test-book.epub")


def test_epub_reads_chapters_in_spine_order(book: Path) -> None:
    document = read_source(book).document
    assert document.format == "epub"
    assert document.title == "A Test Book"
    assert document.metadata["author"] == "Ann Author"
    assert document.metadata["language"] == "en"
    assert document.text == (
        "One\n\nHello there, reader.\n\n"
        "The Second Heading\n\nCafé society.\n\n"
        "No heading here, only a closing paragraph."
    )
    assert "ignored" not in document.text  # <head> is dropped
    assert "The Beginning" not in document.text  # the nav document is not read as text


def test_each_chapter_is_a_level_one_section(book: Path) -> None:
    document = read_source(book).document
    sections = document.sections
    assert [s.title for s in sections] == [
        "The Beginning",  # from the table of contents
        "The Second Heading",  # from its first heading
        "No heading here, only a closing paragraph.",  # from its first line
    ]
    assert all(s.level == 1 for s in sections)
    assert document.text[sections[1].start :].startswith("The Second Heading")
    assert document.text[sections[2].start :].startswith("No heading here")
    assert sections[0].start == 0 and sections[-1].end == len(document.text)
    for before, after in zip(sections, sections[1:]):
        assert before.end == after.start
        assert document.text[after.start - 2 : after.start] == "\n\n"


def test_epub_that_is_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "novel.epub"
    path.write_text("Once upon a time\n")
    refusal(path, "not an EPUB")


def test_zip_that_is_not_an_epub(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "no container here")
    path = tmp_path / "archive.epub"
    path.write_bytes(buffer.getvalue())
    refusal(path, "not a valid EPUB")


def test_truncated_epub(tmp_path: Path, book: Path) -> None:
    path = tmp_path / "cut-short.epub"
    path.write_bytes(book.read_bytes()[:600])
    refusal(path, "not a valid EPUB")


def test_epub_with_a_missing_chapter_file(tmp_path: Path, book: Path) -> None:
    path = tmp_path / "hollow.epub"
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            if not info.filename.endswith("chap_02.xhtml"):
                target.writestr(info, source.read(info.filename))
    refusal(path, "not a valid EPUB")


def test_epub_with_no_text(tmp_path: Path) -> None:
    book = epub.EpubBook()
    book.set_identifier("empty")
    book.set_title("Pictures Only")
    page = epub.EpubHtml(title="Plate", file_name="plate.xhtml")
    page.content = '<p><img src="plate.png" alt=""/></p>'
    book.add_item(page)
    book.add_item(epub.EpubNav())
    book.spine = [page]
    path = tmp_path / "pictures.epub"
    epub.write_epub(str(path), book)
    refusal(path, "has no text")
