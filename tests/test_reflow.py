"""Reflowing hard-wrapped paragraphs changes what is shown, never an offset."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.store import Store
from reader.tui.app import MarginApp
from reader.tui.wrapping import WrappedText, reflow
from reader.tui.wrapping.reflow import line_breaks, looks_hard_wrapped, reflowed, soft_breaks

from .conftest import SHARED, add_document, fixed_clock

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def corpus(*parts: str) -> str:
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        pytest.skip("../shared/corpus is not beside the repository")
    return path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")


def hard_wrapped(paragraphs: list[str], width: int = 68) -> str:
    """Paragraphs broken at *width* the way Gutenberg files are."""
    out = []
    for paragraph in paragraphs:
        line = ""
        lines = []
        for word in paragraph.split():
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
        out.append("\n".join(lines))
    return "\n\n".join(out)


PROSE = [
    "It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of "
    "foolishness, it was the epoch of belief, it was the epoch of incredulity, it was the season of Light.",
    "There were a king with a large jaw and a queen with a plain face, on the throne of England; there "
    "were a king with a large jaw and a queen with a fair face, on the throne of France.",
] * 6


def test_soft_breaks_become_spaces_and_nothing_else_moves():
    text = hard_wrapped(PROSE)
    shown = reflowed(text)
    assert len(shown) == len(text)
    assert [i for i, (a, b) in enumerate(zip(text, shown)) if a != b] == [
        i for i, c in enumerate(text) if c == "\n" and text[i - 1] != "\n" and text[i + 1] != "\n"
    ]
    assert shown.split("\n\n") == [" ".join(p.split()) for p in PROSE]  # one line per paragraph
    assert looks_hard_wrapped(text)


@pytest.mark.parametrize("width", [9, 20, 37, 71])
def test_wrapping_with_the_soft_breaks_lays_out_exactly_as_the_reflowed_copy(width):
    # The reader keeps the soft breaks, not a reflowed copy: rows, cells and row text must be the same.
    prose = [p.replace("king", "“king”").replace("queen", "queen\tof 漢字 hearts") for p in PROSE]
    text = hard_wrapped(prose, width=60)
    breaks = soft_breaks(text)
    assert len(breaks) > 10
    copy = WrappedText(reflowed(text), width)
    kept = WrappedText(text, width, soft=breaks)
    assert kept.row_count == copy.row_count
    soft, paragraphs = line_breaks(text)
    assert soft == breaks and paragraphs is not None
    given = WrappedText(text, width, soft=soft, paragraphs=paragraphs)  # paragraphs found in the same pass
    assert [given.row_start(row) for row in range(given.row_count)] == [
        copy.row_start(row) for row in range(copy.row_count)
    ]
    for row in range(copy.row_count):
        assert kept.row_span(row) == copy.row_span(row)
        assert kept.row_text(row) == copy.row_text(row)
        assert kept.row_ends_paragraph(row) == copy.row_ends_paragraph(row)
        assert kept.row_clusters(row) == copy.row_clusters(row)
    for offset in range(0, len(text), 7):
        assert kept.cell_of(offset) == copy.cell_of(offset)
        assert kept.cluster_span(offset) == copy.cluster_span(offset)
    for row in range(0, copy.row_count, 3):
        for cell in (0, 5, width - 1, width + 3):
            assert kept.offset_at(row, cell) == copy.offset_at(row, cell)


def test_verse_lists_headings_and_short_lines_keep_their_breaks():
    verse = "Tyger Tyger, burning bright,\nIn the forests of the night;\nWhat immortal hand or eye,\nCould frame thy fearful symmetry?"
    listing = "- first item of a list that is long enough to fill a line of the text\n- second item"
    text = hard_wrapped(PROSE) + "\n\nCHAPTER II\n\n" + verse + "\n\n" + listing + "\n\n" + hard_wrapped(PROSE[:2])
    shown = reflowed(text)
    assert verse in shown and listing in shown and "\n\nCHAPTER II\n\n" in shown
    assert " ".join(PROSE[0].split()) in shown


def test_texts_that_are_not_hard_wrapped_are_left_alone():
    one_line_paragraphs = "\n\n".join(" ".join(p.split()) for p in PROSE)
    assert not looks_hard_wrapped(one_line_paragraphs)
    assert not looks_hard_wrapped(corpus("udhr", "eng.txt"))
    assert not looks_hard_wrapped(Path("reader/samples/harbour-article.md").read_text(encoding="utf-8"))


def test_a_long_text_is_measured_from_a_sample_that_finds_the_width_every_line_gives():
    verse = "Roses are red,\nviolets are blue;\nsome lines are short\n"
    parts, width = [], 61
    while sum(map(len, parts)) < 4 * reflow.MEASURED:  # parts wrapped at 61 to 70 columns, with verse between
        parts.append(hard_wrapped(PROSE, width) + "\n\n" + verse)
        width = 61 + (width - 60) % 10
    text = "\n\n".join(parts)
    every_line = reflow.wrap_width(reflow.text_lines(text))
    assert 61 <= every_line <= 70
    assert reflow.text_wrap_width(text) == every_line
    short = text[: reflow.MEASURED // 3]
    assert reflow.text_wrap_width(short) == reflow.wrap_width(short.split("\n"))  # a short text: every line


def test_a_long_text_of_lines_longer_than_the_sample_stretches_measures_wider_than_any_hard_wrap():
    stretch = reflow.MEASURED // reflow.STRETCHES
    text = "\n".join(f"{index} " + "word " * (stretch // 4) for index in range(3 * reflow.STRETCHES))
    assert len(text) > reflow.MEASURED and reflow.text_wrap_width(text) > reflow.LONGEST_WRAP


def test_a_gutenberg_novel_reads_as_paragraphs():
    text = corpus("gutenberg", "pg1342-pride-and-prejudice.txt")
    assert looks_hard_wrapped(text)
    shown = reflowed(text)
    start = text.index("It is a truth universally acknowledged")
    paragraph = shown[start : shown.index("\n", start)]
    assert paragraph.endswith("must be in want of a wife.")
    # At 50 columns the reflowed paragraph has no stub rows; the original alternates long and short ones.
    for source, stubs_allowed in ((text, True), (shown, False)):
        chapter = source[start : start + 20_000]
        wrapped = WrappedText(chapter, 50)
        rows = [wrapped.row_text(r) for r in range(wrapped.row_count)]
        stubs = [r for r in rows[:-1] if 0 < len(r.strip()) < 20 and not r.strip().endswith((".", "!", "?", "”", ":"))]
        assert (len(stubs) > 30) is stubs_allowed, len(stubs)


async def test_the_reader_reflows_on_open_keeps_offsets_and_remembers_the_toggle(tmp_path):
    store = Store.open(tmp_path / "r.db", author="ada", clock=fixed_clock())
    text = hard_wrapped(PROSE)
    document = add_document(store, text, title="wrapped")
    start = text.index("it was the epoch of")
    app = MarginApp(store, document_ids=[document.id], watch_seconds=None)
    async with app.run_test(size=(60, 30)) as pilot:
        await pilot.pause()
        view = app.screen.panes[0].view
        assert view.reflow  # detected
        as_in_file = WrappedText(text, view.layout_index.width).row_count
        assert view.layout_index.row_count < as_in_file * 0.8
        end = text.index("Light.", start) + len("Light.")
        view.select_span(start, end)
        await pilot.press("a", *"Theme/Time", "enter")
        await pilot.pause()
        (annotation,) = store.annotations.list()
        assert (annotation.start, annotation.end) == (start, end) and annotation.exact == text[start:end]
        assert "\n" in annotation.exact  # the stored quote is the file's text, line break and all
        await pilot.press("equals_sign")
        await pilot.pause()
        assert not view.reflow and view.layout_index.row_count == as_in_file
        assert view.highlights_at(start + 1)  # the highlight is where it was
    assert store.reading.reflow(document.id) is False
    app = MarginApp(store, document_ids=[document.id], watch_seconds=None)
    async with app.run_test(size=(60, 30)) as pilot:
        await pilot.pause()
        assert not app.screen.panes[0].view.reflow  # the person's choice wins over detection
    store.close()


def test_a_book_cut_into_lines_piece_by_piece_gives_the_same_breaks(monkeypatch):
    # Lines are split a piece of the text at a time (not the whole book at once, which held a copy of it);
    # the breaks found must not depend on where the pieces end.
    paragraph = ("It is a truth universally acknowledged, that a single man in possession\n"
                 "of a good fortune, must be in want of a wife. However little known the\n"
                 "feelings or views of such a man may be on his first entering a\n"
                 "neighbourhood, this truth is so well fixed.\n\n")
    text = "CHAPTER I.\n\n" + paragraph * 40 + "  indented verse\n- a list item\n" + paragraph * 3
    expected = reflow.line_breaks(text)
    for piece in (1, 7, 70, 71, 500):
        monkeypatch.setattr(reflow, "_PIECE", piece)
        assert list(reflow.text_lines(text)) == text.split("\n")
        assert reflow.line_breaks(text) == expected
    assert len(expected[0]) > 100  # the hard-wrapped paragraphs were found soft-broken


def _wrap_width_by_sorting(lines: list[str]) -> int:
    """The definition the counted one must keep: the 80th percentile of the sorted lengths of lines with text."""
    lengths = sorted(len(line) for line in lines if line and not line.isspace())
    return 0 if len(lengths) < 8 else lengths[min(len(lengths) - 1, int(len(lengths) * 0.8))]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("ab \t\u3000\u00a0\r\x0b"), max_size=90) | st.integers(0, 120).map("x".__mul__),
                max_size=60))
def test_the_wrap_width_counted_by_length_is_the_percentile_of_the_sorted_lengths(lines):
    # Lines of whitespace only (Unicode's too) are not text; fewer than eight lines of text say nothing.
    assert reflow.wrap_width(lines) == _wrap_width_by_sorting(lines)
    text = "\n".join(lines)
    assert reflow.wrap_width(reflow.text_lines(text)) == _wrap_width_by_sorting(text.split("\n"))


def test_a_gutenberg_book_is_found_wrapped_at_its_width():
    book = SHARED / "corpus" / "gutenberg" / "pg1342-pride-and-prejudice.txt"
    if not book.exists():
        pytest.skip("the shared corpus is not beside the project")
    text = book.read_text(encoding="utf-8")
    assert reflow.wrap_width(reflow.text_lines(text)) == _wrap_width_by_sorting(text.split("\n"))
    assert 60 <= reflow.wrap_width(text.split("\n")) <= 76 and looks_hard_wrapped(text)
