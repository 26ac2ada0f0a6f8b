import pytest

from annotations.anchoring import anchor_quote, anchor_span, find_all
from annotations.errors import Ambiguous, MarginError, NotFound
from annotations.model import CONTEXT_CHARS

TEXT = "The bridge closes. " * 3 + "The end. Nothing more follows after it."


def test_span_keeps_quote_and_context():
    anchor = anchor_span(TEXT, 19, 37)
    assert anchor.exact == TEXT[19:37] == "The bridge closes."
    assert anchor.prefix == TEXT[:19]
    assert anchor.suffix == TEXT[37 : 37 + CONTEXT_CHARS]
    assert len(anchor.suffix) == CONTEXT_CHARS


@pytest.mark.parametrize("start,end", [(-1, 3), (5, 5), (6, 2), (0, len(TEXT) + 1)])
def test_bad_spans_are_refused(start, end):
    with pytest.raises(MarginError):
        anchor_span(TEXT, start, end)


def test_unique_quote_anchors():
    anchor = anchor_quote(TEXT, "The end.")
    assert TEXT[anchor.start : anchor.end] == "The end."


def test_repeated_quote_needs_an_occurrence():
    with pytest.raises(Ambiguous, match="occurs 3 times"):
        anchor_quote(TEXT, "bridge")
    second = anchor_quote(TEXT, "bridge", 2)
    assert second.start == TEXT.find("bridge", TEXT.find("bridge") + 1)
    with pytest.raises(NotFound, match="no occurrence 4"):
        anchor_quote(TEXT, "bridge", 4)


def test_missing_quote_is_not_found():
    with pytest.raises(NotFound, match="quote not found"):
        anchor_quote(TEXT, "tunnel")


def test_overlapping_occurrences_are_counted():
    assert find_all("aaaa", "aa") == [0, 1, 2]


def test_offsets_are_code_points_in_wide_and_astral_text():
    text = "前言 😀 “quoted” مرحبا e\u0301"
    anchor = anchor_quote(text, "“quoted”")
    assert text[anchor.start : anchor.end] == "“quoted”"
    assert anchor.start == 5
