"""Finding every mention of a name: folding, breaks, possessives, word boundaries in every script."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.mentions import find_mentions, kwic, without_possessive


def spans(text: str, *names: str, fold_case: bool = False) -> list[str]:
    return [text[m.start : m.end] for m in find_mentions(text, {"e": names}, fold_case=fold_case)]


def test_curly_and_straight_quotes_and_dashes_are_one():
    text = "O’Brien met O'Brien at Hewlett–Packard and Hewlett-Packard."
    assert spans(text, "O'Brien", "Hewlett-Packard") == ["O’Brien", "O'Brien", "Hewlett–Packard", "Hewlett-Packard"]


def test_a_name_broken_across_lines_is_found_and_a_paragraph_break_is_not_crossed():
    text = "the China National\n   Petroleum Corporation said.\n\nChina National\n\nPetroleum Corporation"
    assert spans(text, "China National Petroleum Corporation") == ["China National\n   Petroleum Corporation"]


def test_hyphenation_at_a_line_end_and_soft_hyphens_are_no_break():
    text = "shares of Petro-\nChina rose; Petro\u00adChina fell; Petro-China held"
    assert spans(text, "PetroChina") == ["Petro-\nChina", "Petro\u00adChina"]
    # A hyphen the name has may be missing from the text, so a hyphenated name finds all three.
    assert spans(text, "Petro-China") == ["Petro-\nChina", "Petro\u00adChina", "Petro-China"]


def test_possessives_leave_the_name_found_and_outside_the_mention():
    text = "CNPC's output, Lovelace’s notes, and the Joneses’ house; CNPCs are not it"
    assert spans(text, "CNPC", "Lovelace", "Joneses") == ["CNPC", "Lovelace", "Joneses"]
    assert without_possessive("CNPC's") == "CNPC"
    assert without_possessive("Lovelace’s") == "Lovelace"
    assert without_possessive("Ada") == "Ada"


def test_whole_words_only_and_the_fullest_name_wins():
    text = "Adam and Ada; the Bank of England, not a bank-note, and the Bank."
    assert spans(text, "Ada", "Bank", "Bank of England") == ["Ada", "Bank of England", "Bank"]


def test_case_is_folded_only_when_asked():
    text = "CNPC, cnpc and Cnpc"
    assert spans(text, "CNPC") == ["CNPC"]
    assert spans(text, "CNPC", fold_case=True) == ["CNPC", "cnpc", "Cnpc"]
    # A letter whose lower case is longer does not shift the offsets.
    assert spans("İİ Ada", "ada", fold_case=True) == ["Ada"]


def test_names_shared_by_two_keys_yield_a_mention_for_each():
    found = find_mentions("Paris is not Paris Hilton", {"city": ["Paris"], "hotel": ["Paris", "Paris Hilton"]})
    assert [(m.key, m.start, m.end) for m in found] == [("city", 0, 5), ("hotel", 0, 5), ("hotel", 13, 25)]


def test_latin_names_inside_chinese_text_need_no_spaces():
    assert spans("在CNPC公司工作，CNPC的员工", "CNPC") == ["CNPC", "CNPC"]


@pytest.mark.parametrize(
    ("file", "name", "at_least"),
    [
        ("eng.txt", "United Nations", 5),
        ("fra.txt", "Nations Unies", 5),
        ("deu_1996.txt", "Vereinten Nationen", 5),
        ("rus.txt", "Объединенных Наций", 2),
        ("cmn_hans.txt", "联合国", 5),
        ("jpn.txt", "国際連合", 5),
        ("kor.txt", "국제연합", 3),
    ],
)
def test_the_udhr_in_every_script(shared: Path, file: str, name: str, at_least: int):
    text = (shared / "corpus" / "udhr" / file).read_text(encoding="utf-8")
    found = spans(text, name)
    assert len(found) >= at_least
    # Found exactly where the text has it: as many as a plain count (no name here is part of a longer word).
    assert len(found) == text.count(name)


def test_spaced_scripts_respect_word_boundaries_in_cyrillic():
    assert spans("Наций и Нациями", "Наций") == ["Наций"]


def test_korean_names_are_found_with_their_particles_attached():
    assert spans("국제연합의 헌장과 국제연합은", "국제연합") == ["국제연합", "국제연합"]


def test_keyword_in_context_is_one_line_with_the_hit_apart():
    text = "Before the line\nChina National\nPetroleum Corporation after it and more words"
    left, hit, right = kwic(text, 16, 52, width=10)
    assert hit == "China National Petroleum Corporation"
    assert left.endswith("the line ") and "\n" not in left + right
    assert right.startswith(" after")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Ada went home", ["Ada"]),  # at the very start
        ("(ADA) and ada,Ada", ["ADA", "ada", "Ada"]),  # after punctuation, one right after another
        ("我们Ada说", ["Ada"]),  # after a character of a script without spaces
        ("Adam, madam, éAda, ada_x, 1ada", []),  # inside words, an accented letter or a digit before it
        ("Prof. ’t Hooft and 'T HOOFT", ["’t Hooft", "'T HOOFT"]),  # a name that starts with a quote
    ],
)
def test_case_folded_names_are_found_only_where_a_word_can_begin(text, found):
    names = {"ada": ["Ada"], "hooft": ["'t Hooft"]}
    assert [text[m.start:m.end] for m in find_mentions(text, names, fold_case=True)] == found
