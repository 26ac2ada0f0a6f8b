"""Alignment: segmenting any script, telling translations apart, and pairing passages a reader would pair."""

from __future__ import annotations

import pytest

from annotations.alignment import align, choose_method
from annotations.alignment.language import dominant_script, han_number, numbers, same_language
from annotations.alignment.lengths import Passage
from annotations.alignment.lengths import align as align_lengths
from annotations.alignment.segmenting import Span, paragraphs, sentences

from . import alignment_gold as gold


def _sentences(text: str) -> list[str]:
    return [text[s.start : s.end] for p in paragraphs(text) for s in sentences(text, p)]


def test_sentences_end_at_western_and_cjk_terminators_but_not_at_abbreviations():
    assert _sentences("Dr. Smith came. He left at 9 p.m. on Friday! Why?") == [
        "Dr. Smith came.", "He left at 9 p.m. on Friday!", "Why?"]
    assert _sentences("人人生而自由。他们赋有理性和良心！对吗？") == ["人人生而自由。", "他们赋有理性和良心！", "对吗？"]
    assert _sentences("すべての人間は、生まれながらにして自由である。人間は、理性と良心とを授けられている。") == [
        "すべての人間は、生まれながらにして自由である。", "人間は、理性と良心とを授けられている。"]
    assert _sentences("«Он ушёл.» Она осталась.") == ["«Он ушёл.»", "Она осталась."]


def test_paragraphs_are_blank_line_separated_or_lines_when_there_are_no_blank_lines():
    text = "One\nstill one\n\n  Two  \n\n\nThree"
    assert [text[s.start : s.end] for s in paragraphs(text)] == ["One\nstill one", "Two", "Three"]
    lines = "a\nb\nc"
    assert [lines[s.start : s.end] for s in paragraphs(lines)] == ["a", "b", "c"]


def test_numbers_are_read_in_every_script_the_corpus_uses():
    assert numbers("Article 12") == {12}
    assert numbers("第１２条") == {12}  # full-width digits
    assert numbers("第二十九条") == {29}
    assert numbers("제 3 조") == {3}
    assert numbers("一个人") == frozenset()  # a lone 一 is "a", not a number
    assert han_number("十") == 10 and han_number("二十") == 20 and han_number("三十一") == 31


def test_auto_tells_a_translation_from_two_texts_in_one_language(shared):
    english = gold.udhr("German").text_a
    assert dominant_script(english) == "latin"
    for language in gold.UDHR_LANGUAGES:
        assert not same_language(english, gold.udhr(language).text_b), language
    fixture = gold.report_fixture()
    assert choose_method(fixture.text_a, fixture.text_b) == "lexical"


@pytest.mark.parametrize("language", list(gold.UDHR_LANGUAGES))
def test_udhr_articles_pair_with_their_translation(shared, language):
    result = gold.run(gold.udhr(language))
    assert result.precision >= 0.95
    assert result.recall >= 0.9


@pytest.mark.parametrize("language", ["German", "Chinese", "Japanese"])
def test_articles_cut_from_the_translation_are_left_unmatched(shared, language):
    result = gold.run(gold.udhr(language, removed=frozenset({3, 7, 8, 19, 25})))
    assert result.precision >= 0.95
    assert result.left_unmatched == 1.0
    assert result.recall >= 0.85


def test_a_literary_translation_pairs_speech_with_speech(shared):
    result = gold.run(gold.dutchman())
    assert result.precision >= 0.95 and result.recall >= 0.9


def test_the_ratio_is_measured_on_the_pair():
    # B is a third as long (as Chinese is to English): every passage still pairs one to one.
    lengths = [120, 40, 300, 80, 200, 60, 150]
    a = [Passage(n) for n in lengths]
    b = [Passage(n // 3) for n in lengths]
    beads = align_lengths(a, b)
    assert [(x.a_start, x.b_start) for x in beads] == [(i, i) for i in range(len(lengths))]


def test_a_passage_naming_other_numbers_is_not_forced_onto_a_neighbour():
    a = [Passage(10, frozenset({1})), Passage(100), Passage(10, frozenset({2})), Passage(100),
         Passage(10, frozenset({3})), Passage(100)]
    b = [Passage(10, frozenset({1})), Passage(100), Passage(10, frozenset({3})), Passage(100)]
    matched = {(x.a_start, x.b_start) for x in align_lengths(a, b) if x.a_end > x.a_start and x.b_end > x.b_start}
    assert (4, 2) in matched and (5, 3) in matched
    assert not any(i in (2, 3) for i, _ in matched)


def test_quotes_paraphrases_and_distortions_of_a_source_at_the_default_threshold():
    fixture = gold.report_fixture()
    result = gold.run(fixture)
    assert result.precision >= 0.8 and result.recall >= 0.8
    pairs = align(fixture.text_a, fixture.text_b)
    quoted = [p for p in pairs if p.method == "quote"]
    assert [fixture.text_b[p.b_start : p.b_end] for p in quoted] == [
        "has leaked into the reading room during heavy rain for three winters"]
    assert fixture.text_a[quoted[0].a_start : quoted[0].a_end] == fixture.text_b[quoted[0].b_start : quoted[0].b_end]
    assert quoted[0].relation == "quotes" and all(p.relation == "paraphrases" for p in pairs if p.method == "lexical")


def test_a_slightly_misquoted_string_is_still_found():
    source = "The minister said the plan was sound and would be funded in full next year."
    report = "He claimed the plan “was sound and would be fundid in full” soon."
    quoted = [p for p in align(source, report, method="lexical") if p.method == "quote"]
    assert len(quoted) == 1
    assert source[quoted[0].a_start : quoted[0].a_end].startswith("was sound")
    assert 0.9 <= quoted[0].score < 1.0


def test_unrelated_texts_in_one_language_give_few_pairs():
    one = "The harbour bridge will close for repairs in March. Boats will run instead."
    other = "Tomatoes need sun and regular water. Pick them when they are red."
    assert align(one, other, method="lexical") == []


def test_spans_are_offsets_into_the_texts_given(shared):
    fixture = gold.udhr("Korean")
    for pair in align(fixture.text_a, fixture.text_b):
        assert fixture.text_a[pair.a_start : pair.a_end].strip() == fixture.text_a[pair.a_start : pair.a_end]
        assert pair.a_end > pair.a_start and pair.b_end > pair.b_start
        assert isinstance(Span(pair.a_start, pair.a_end).length, int)


def test_offsets_follow_the_anchors_and_interpolate_between_them():
    from annotations.alignment.offsets import OffsetMap

    mapping = OffsetMap(1000, 300, trusted=[(500, 100)])
    assert mapping.a_to_b(500) == 100
    assert mapping.a_to_b(250) == 50  # halfway to the anchor
    assert mapping.a_to_b(750) == 200  # halfway from the anchor to the end
    assert mapping.b_to_a(200) == 750
    assert mapping.a_to_b(0) == 0 and mapping.a_to_b(1000) == 300


def test_a_suggestion_against_the_order_of_accepted_links_is_left_out():
    from annotations.alignment.offsets import OffsetMap

    mapping = OffsetMap(1000, 1000, trusted=[(400, 600)], suggested=[(300, 700), (700, 800), (100, 100)])
    assert mapping.points == [(0, 0), (100, 100), (400, 600), (700, 800), (1000, 1000)]
    assert mapping.anchors == 3
