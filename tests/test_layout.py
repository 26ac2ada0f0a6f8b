"""Unit tests for the wrapped-line index (no terminal, no Textual)."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

import reader.tui.wrapping.index as wrapping_index
from reader.tui.wrapping.clusters import BREAK_SPACES
from reader.tui.wrapping import WrappedText

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus"


def corpus_text(*parts: str) -> str:
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared corpus file {'/'.join(parts)} is not available")
    return path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")


def rows(wrapped: WrappedText) -> list[str]:
    return [wrapped.row_text(row) for row in range(wrapped.row_count)]


def is_hanging_space(wrapped: WrappedText, row: int) -> bool:
    clusters = wrapped.row_clusters(row)
    if not clusters:
        return False
    start, _end, cell_x, cells = clusters[-1]
    return wrapped.text[start] in BREAK_SPACES and cells == 1 and cell_x == wrapped.width


def check_invariants(wrapped: WrappedText) -> None:
    """Rows tile the text; cells fit; clusters stay whole; offsets round-trip."""
    text = wrapped.text
    width = wrapped.width
    previous_end = None
    for row in range(wrapped.row_count):
        start, end = wrapped.row_span(row)
        assert start <= end
        if previous_end is None:
            assert start == 0
        else:
            # No gap or overlap, except the newline between paragraphs.
            assert start == previous_end or (start == previous_end + 1 and text[previous_end] == "\n")
        assert "\n" not in text[start:end]
        clusters = wrapped.row_clusters(row)
        position = start
        cell = 0
        for cluster_start, cluster_end, cell_x, cells in clusters:
            assert cluster_start == position and cluster_end > cluster_start
            assert cell_x == cell
            position = cluster_end
            cell += cells
        assert position == end
        assert wrapped.row_cells(row) == cell
        visible = cell - 1 if is_hanging_space(wrapped, row) else cell
        if len(clusters) > 1:
            assert visible <= width, (row, text[start:end])
        if "\t" not in text[start:end]:
            assert cell_len(text[start:end]) == cell
        paragraph_start = start == 0 or text[start - 1] == "\n"
        if not paragraph_start:
            # A wrapped row never starts with a zero-width character.
            assert text[start] == "\t" or cell_len(text[start]) > 0, repr(text[start - 3 : start + 3])
        previous_end = end
    assert previous_end == len(text)


def check_offsets(wrapped: WrappedText, step: int = 1) -> None:
    """Every offset lies in its row's span; cluster starts round-trip through cells."""
    text = wrapped.text
    for offset in range(0, len(text) + 1, step):
        row = wrapped.row_of(offset)
        start, end = wrapped.row_span(row)
        assert start <= offset <= end, (offset, row, start, end)
        cell_row, cell_x = wrapped.cell_of(offset)
        assert cell_row == row
        assert 0 <= cell_x <= max(wrapped.width, 2)  # a lone wide character may overflow width 1
        cluster_start, _cluster_end = wrapped.cluster_span(offset)
        # (A paragraph made only of zero-width characters draws nowhere;
        # its start and its end share a cell.)
        if cluster_start == offset and (wrapped.row_cells(row) > 0 or offset == start):
            assert wrapped.offset_at(row, cell_x) == offset, (offset, row, cell_x)


def test_ascii_word_wrap() -> None:
    wrapped = WrappedText("the quick brown fox jumps over the lazy dog", 10)
    assert rows(wrapped) == ["the quick ", "brown fox ", "jumps over ", "the lazy ", "dog"]
    check_invariants(wrapped)
    check_offsets(wrapped)


def test_short_paragraphs_are_one_row_each() -> None:
    wrapped = WrappedText("one\ntwo\n\nthree", 20)
    assert rows(wrapped) == ["one", "two", "", "three"]
    assert wrapped.row_span(2) == (8, 8)
    assert wrapped.row_of(3) == 0  # the newline belongs to the row it ends
    assert wrapped.cell_of(3) == (0, 3)


def test_long_word_is_broken_hard() -> None:
    wrapped = WrappedText("a" * 25 + " end", 10)
    assert rows(wrapped) == ["a" * 10, "a" * 10, "aaaaa end"]
    check_invariants(wrapped)


def test_space_at_the_edge_hangs() -> None:
    wrapped = WrappedText("abcde fghij", 5)
    assert rows(wrapped) == ["abcde ", "fghij"]
    # The hanging space sits in the reserved cell past the edge.
    assert wrapped.cell_of(5) == (0, 5)
    assert wrapped.offset_at(0, 5) == 5
    assert wrapped.offset_at(0, 50) == 5  # past the end stays on the clicked row
    check_invariants(wrapped)
    check_offsets(wrapped)


def test_trailing_space_of_a_paragraph_does_not_hang() -> None:
    wrapped = WrappedText("abcde \nx", 5)
    assert rows(wrapped) == ["abcde", " ", "x"]
    check_invariants(wrapped)
    check_offsets(wrapped)


def test_end_of_paragraph_maps_after_last_character() -> None:
    wrapped = WrappedText("abcde\nfg", 5)
    assert wrapped.cell_of(5) == (0, 5)
    assert wrapped.offset_at(0, 9) == 5
    assert wrapped.offset_at(1, 9) == 8


def test_empty_text() -> None:
    wrapped = WrappedText("", 10)
    assert wrapped.row_count == 1
    assert wrapped.row_span(0) == (0, 0)
    assert wrapped.row_text(0) == ""
    assert wrapped.cell_of(0) == (0, 0)
    assert wrapped.offset_at(3, 4) == 0
    assert wrapped.cluster_span(0) == (0, 0)
    check_invariants(wrapped)


def test_trailing_newline_gives_an_empty_last_row() -> None:
    wrapped = WrappedText("abc\n", 10)
    assert wrapped.row_count == 2
    assert wrapped.row_span(0) == (0, 3)
    assert wrapped.row_span(1) == (4, 4)
    assert wrapped.row_of(4) == 1
    assert wrapped.cell_of(4) == (1, 0)
    check_invariants(wrapped)
    check_offsets(wrapped)


def test_offsets_out_of_range_are_clamped() -> None:
    wrapped = WrappedText("hello world", 5)
    assert wrapped.row_of(-5) == 0
    assert wrapped.row_of(500) == wrapped.row_count - 1
    assert wrapped.offset_at(-3, -3) == 0
    assert wrapped.offset_at(99, 99) == len("hello world")


def test_wide_characters_take_two_cells_and_are_never_split() -> None:
    text = "日本語のテキストです" * 3
    wrapped = WrappedText(text, 7)
    for row in range(wrapped.row_count):
        assert cell_len(wrapped.row_text(row)) <= 7
    # Seven cells hold three wide characters: the fourth moves on.
    assert wrapped.row_text(0) == "日本語"
    check_invariants(wrapped)
    check_offsets(wrapped)


def test_cjk_closing_punctuation_does_not_start_a_row() -> None:
    wrapped = WrappedText("一二三。四五六", 6)
    assert rows(wrapped)[1][0] != "。"
    check_invariants(wrapped)


def test_wide_character_wider_than_the_row_still_progresses() -> None:
    wrapped = WrappedText("日本", 1)
    assert rows(wrapped) == ["日", "本"]
    check_invariants(wrapped)


@pytest.mark.parametrize("name", ["cmn_hans.txt", "jpn.txt", "kor.txt", "rus.txt"])
@pytest.mark.parametrize("width", [9, 20, 61])
def test_udhr_translations(name: str, width: int) -> None:
    text = corpus_text("udhr", name)
    wrapped = WrappedText(text, width)
    check_invariants(wrapped)
    check_offsets(wrapped, step=7)


def test_combining_marks_stay_with_their_base() -> None:
    text = "".join("e\u0301" if index % 2 else "a\u0308\u0323" for index in range(40))
    for width in (1, 2, 3, 7):
        wrapped = WrappedText(text, width)
        check_invariants(wrapped)
        for row in range(1, wrapped.row_count):
            start, _ = wrapped.row_span(row)
            assert text[start] in "ea"
        check_offsets(wrapped)


def test_offsets_inside_a_cluster_map_to_its_cell() -> None:
    wrapped = WrappedText("xe\u0301y", 10)
    assert wrapped.cell_of(2) == (0, 1)
    assert wrapped.cluster_span(2) == (1, 3)
    assert wrapped.next_offset(1) == 3
    assert wrapped.previous_offset(3) == 1


def test_emoji_sequences_measure_like_rich() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    heart = "\u2764\ufe0f"
    text = f"{family} {heart} ok {family}{family}{heart}"
    for width in (2, 3, 5, 8):
        wrapped = WrappedText(text, width)
        check_invariants(wrapped)
        check_offsets(wrapped)


def test_tabs_expand_to_tab_stops() -> None:
    wrapped = WrappedText("a\tbc\td", 40, tab_size=4)
    clusters = wrapped.row_clusters(0)
    assert [(cell_x, cells) for _s, _e, cell_x, cells in clusters] == [
        (0, 1),
        (1, 3),
        (4, 1),
        (5, 1),
        (6, 2),
        (8, 1),
    ]
    assert wrapped.row_cells(0) == 9
    # Any cell inside the tab gives the tab's offset.
    assert wrapped.offset_at(0, 2) == 1
    assert wrapped.cell_of(2) == (0, 4)


def test_tabs_wrap_and_never_cross_the_edge() -> None:
    text = "\t".join(["ab"] * 12) + "\n\t\t\tx"
    for width in (1, 3, 5, 8, 13):
        wrapped = WrappedText(text, width, tab_size=4)
        check_invariants(wrapped)
        check_offsets(wrapped)
        for row in range(wrapped.row_count):
            for _s, _e, cell_x, cells in wrapped.row_clusters(row):
                assert cell_x + cells <= max(width, 1) + 1


def test_right_to_left_text_keeps_logical_order() -> None:
    hebrew = "שלום עולם, זהו טקסט בעברית שנכתב מימין לשמאל"
    arabic = "مرحبا بالعالم، هذا نص عربي مع تشكيل: كَتَبَ"
    text = f"{hebrew}\n{arabic}\nmixed עברית and English"
    for width in (4, 10, 17):
        wrapped = WrappedText(text, width)
        check_invariants(wrapped)
        check_offsets(wrapped)
        first_paragraph = [
            wrapped.row_text(row)
            for row in range(wrapped.row_count)
            if wrapped.row_span(row)[0] < len(hebrew)
        ]
        assert "".join(first_paragraph) == hebrew  # logical order, nothing lost


def test_control_and_format_characters_take_no_cells() -> None:
    text = "a\x00b\u202ec\u200bd\x1b[31me"
    wrapped = WrappedText(text, 3)
    check_invariants(wrapped)
    check_offsets(wrapped)


def test_rewrap_round_trip() -> None:
    text = "It is a truth universally acknowledged, that a single man in possession\n\n" * 20
    wrapped = WrappedText(text, 30)
    for width in (7, 45, 80, 13, 30):
        wrapped.rewrap(width)
        assert wrapped.width == width
        check_invariants(wrapped)
        check_offsets(wrapped, step=3)


def test_plain_and_measured_paths_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(3)
    words = ["a", "to", "the", "margin", "reading", "antidisestablishmentarianism", "x" * 30]
    paragraphs = [
        "  ".join(" ".join(rng.choice(words) for _ in range(rng.randrange(1, 40))) for _ in range(2))
        for _ in range(60)
    ]
    text = "\n".join(paragraphs) + " \n  trailing  "
    for width in (5, 11, 24, 60):
        plain = WrappedText(text, width)
        monkeypatch.setattr(wrapping_index, "is_plain", lambda _text: False)
        measured = WrappedText(text, width)
        monkeypatch.undo()
        assert rows(plain) == rows(measured), width


def test_plain_text_is_only_what_rich_measures_one_cell_a_character() -> None:
    # The fast path (a paragraph's width is its length) holds only for characters that Rich,
    # which draws the rows, measures as one cell; the set of them is told by Unicode category.
    import unicodedata

    from rich.cells import get_character_cell_size

    from reader.tui.wrapping.clusters import SINGLE_CELL_RANGES, is_plain

    checked = 0
    for low, high in SINGLE_CELL_RANGES:
        for char in map(chr, range(low, high + 1)):
            one_cell_alone = (
                get_character_cell_size(char) == 1
                and unicodedata.category(char) not in {"Cc", "Cf", "Mn", "Me", "Mc", "Zl", "Zp"}
                and (not char.isspace() or char in " \u00a0\u202f")
            )
            assert is_plain(f"a{char}b") == one_cell_alone, hex(ord(char))
            checked += 1
    assert checked > 1800
    assert not is_plain("a\u0301") and not is_plain("漢字") and not is_plain("a\u200bb") and is_plain("Ærø – «ça»")


def test_big_latin_text_wraps_consistently() -> None:
    text = corpus_text("gutenberg", "pg1342-pride-and-prejudice.txt")[:60_000]
    wrapped = WrappedText(text, 50)
    check_invariants(wrapped)
    check_offsets(wrapped, step=97)


def test_naughty_strings() -> None:
    path = CORPUS / "unicode" / "blns.json"
    if not path.exists():
        pytest.skip("blns.json is not available")
    strings = json.loads(path.read_text(encoding="utf-8"))
    text = "\n".join(strings)
    for width in (1, 6, 23, 80):
        wrapped = WrappedText(text, width)
        check_invariants(wrapped)
        check_offsets(wrapped, step=5 if width > 1 else 17)


def test_layout_does_not_load_textual() -> None:
    probe = "import sys, reader.tui.wrapping; print(any(m.split('.')[0] == 'textual' for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_two_layouts_of_one_text_agree_and_rewrapping_one_leaves_the_other():
    # Two panes showing one document (two layers compared) share the work of wrapping it, never its rows.
    text = ("A line of several words that wraps at a narrow width. " * 40 + "\n") * 5
    first, second = WrappedText(text, 30), WrappedText("".join(list(text)), 30)
    rows = [first.row_start(r) for r in range(first.row_count)]
    assert [second.row_start(r) for r in range(second.row_count)] == rows
    second.rewrap(50)
    assert [first.row_start(r) for r in range(first.row_count)] == rows
    assert second.row_count < first.row_count == WrappedText(text, 30).row_count


def test_resizing_two_books_back_to_a_width_seen_takes_its_rows_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    # Two books side by side, the terminal resized narrower and back several times: each book is wrapped
    # once per width, and the rows taken back are those a fresh layout at that width gives.
    monkeypatch.setattr(wrapping_index, "_RECENT", [])
    wrapped_anew: list[int] = []
    real = WrappedText._wrap_anew

    def counting(self: WrappedText) -> None:
        wrapped_anew.append(self.width)
        real(self)

    monkeypatch.setattr(WrappedText, "_wrap_anew", counting)
    first_text = ("One book's paragraph of words, wrapped at the pane's width. " * 30 + "\n") * 8
    second_text = ("Another book, its own words and its own rows at each width. " * 25 + "\n") * 9
    first, second = WrappedText(first_text, 79), WrappedText(second_text, 79)
    for _ in range(3):
        for width in (59, 79):
            first.rewrap(width)
            second.rewrap(width)
    assert sorted(wrapped_anew) == [59, 59, 79, 79]
    for wrapped, text in ((first, first_text), (second, second_text)):
        fresh = [wrapped.row_start(r) for r in range(wrapped.row_count)]
        monkeypatch.setattr(wrapping_index, "_RECENT", [])
        again = WrappedText(text, 79)
        assert [again.row_start(r) for r in range(again.row_count)] == fresh
