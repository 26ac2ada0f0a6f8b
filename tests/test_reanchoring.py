"""Re-anchoring after the edits that happen to real documents, and properties over random edits."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from annotations.anchoring import anchor_quote, anchor_span, find_all
from annotations.reanchoring import match_quote, reanchor
from annotations.textdiff import OffsetMap

ARTICLE = (
    "The Harbour Bridge\n\n"
    "The council announced on Monday that the harbour bridge will close for repairs from 10 March. "
    "Engineers found corrosion in two of the main cables during a routine inspection last autumn. "
    "\"The bridge is safe today,\" said the chief engineer, \"but it will not stay safe without work.\"\n\n"
    "Ferries will run every twenty minutes while the bridge is closed. Tickets will cost the same as the bus "
    "fare, and season passes will be honoured on every crossing.\n\n"
    "The repairs are expected to cost 4.2 million pounds. The remainder will be met from reserves, "
    "and no increase in local taxes is planned for this year.\n\n"
    "Residents can read the full engineering report at the town library — or online from next week.\n"
)


def place(old: str, new: str, quote: str, occurrence: int = 1):
    anchor = anchor_quote(old, quote, occurrence)
    return anchor, reanchor(old, new, [anchor])[0]


def test_unchanged_text_keeps_every_annotation_exact():
    anchor, placed = place(ARTICLE, ARTICLE, "corrosion in two of the main cables")
    assert placed.state == "exact" and placed.anchor == anchor and not placed.needs_review


def test_paragraph_inserted_before_moves_the_quote_and_keeps_its_text():
    new = ARTICLE.replace("The council", "Update: this notice replaces the one of 2 February.\n\nThe council")
    anchor, placed = place(ARTICLE, new, "season passes will be honoured")
    assert placed.state == "moved"
    assert new[placed.anchor.start : placed.anchor.end] == "season passes will be honoured"
    assert placed.anchor.start == anchor.start + len("Update: this notice replaces the one of 2 February.\n\n")
    assert not placed.needs_review  # the same words in the same surroundings: nothing to check


def test_typo_fixed_inside_the_quote_is_found_fuzzily_at_the_same_place():
    old = ARTICLE.replace("routine inspection", "routien inspection")
    anchor, placed = place(old, ARTICLE, "found corrosion in two of the main cables during a routien inspection")
    assert placed.state == "fuzzy" and placed.needs_review
    assert ARTICLE[placed.anchor.start : placed.anchor.end] == (
        "found corrosion in two of the main cables during a routine inspection"
    )
    assert 0.9 < placed.score < 1


def test_typo_fixed_just_outside_the_quote_keeps_it_exact_or_moved():
    old = ARTICLE.replace("Ferries will", "Feries will")
    anchor, placed = place(old, ARTICLE, "every twenty minutes")
    assert placed.state == "moved" and ARTICLE[placed.anchor.start : placed.anchor.end] == "every twenty minutes"
    assert placed.anchor.start == anchor.start + 1


def test_line_breaks_and_spaces_reflowed_still_find_the_passage():
    quote = "Tickets will cost the same as the bus fare, and season passes will be honoured"
    new = ARTICLE.replace("the same as the bus fare, and", "the same as\nthe bus fare,  and")
    anchor, placed = place(ARTICLE, new, quote)
    assert placed.state == "fuzzy"
    found = new[placed.anchor.start : placed.anchor.end]
    assert found.split() == quote.split()


def test_straight_and_curly_quotes_and_dashes_swapped():
    quote = "\"The bridge is safe today,\" said the chief engineer"
    new = ARTICLE.replace("\"The bridge is safe today,\"", "“The bridge is safe today,”").replace(" — ", " -- ")
    anchor, placed = place(ARTICLE, new, quote)
    assert placed.state == "fuzzy"
    assert new[placed.anchor.start : placed.anchor.end] == "“The bridge is safe today,” said the chief engineer"
    dash_quote = "at the town library — or online"
    anchor, placed = place(ARTICLE, new, dash_quote)
    assert placed.state == "fuzzy" and new[placed.anchor.start : placed.anchor.end] == "at the town library -- or online"


def test_paragraphs_reordered_follow_the_quote():
    paragraphs = ARTICLE.split("\n\n")
    new = "\n\n".join([paragraphs[0], paragraphs[3], paragraphs[2], paragraphs[1], paragraphs[4]])
    for quote in ("4.2 million pounds", "Ferries will run every twenty minutes", "routine inspection last autumn"):
        anchor, placed = place(ARTICLE, new, quote)
        assert placed.state == "moved", quote
        assert new[placed.anchor.start : placed.anchor.end] == quote
        assert placed.anchor.start == new.index(quote)


def test_sentence_removed_inside_the_quote_shrinks_it_to_what_is_left():
    quote = (
        "Ferries will run every twenty minutes while the bridge is closed. Tickets will cost the same as the bus "
        "fare, and season passes will be honoured on every crossing."
    )
    new = ARTICLE.replace("Tickets will cost the same as the bus fare, and season passes will be honoured on every crossing.", "")
    new = new.replace("closed. \n", "closed.\n")
    anchor, placed = place(ARTICLE, new, quote)
    assert placed.state == "orphaned" or placed.state == "fuzzy"
    # Half the passage is gone: it may be found (what is left) but never somewhere else.
    if placed.state == "fuzzy":
        assert new[placed.anchor.start : placed.anchor.end].startswith("Ferries will run every twenty minutes")


def test_short_sentence_removed_inside_a_long_quote_is_found():
    quote = (
        "Engineers found corrosion in two of the main cables during a routine inspection last autumn. "
        "\"The bridge is safe today,\" said the chief engineer, \"but it will not stay safe without work.\""
    )
    new = ARTICLE.replace("\"The bridge is safe today,\" said the chief engineer, ", "The chief engineer said ")
    anchor, placed = place(ARTICLE, new, quote)
    assert placed.state == "fuzzy"
    found = new[placed.anchor.start : placed.anchor.end]
    assert found.startswith("Engineers found corrosion") and found.endswith("without work.\"")


def test_quote_deleted_entirely_is_orphaned_never_moved_elsewhere():
    for quote in ("no increase in local taxes is planned for this year", "the bridge", "Residents"):
        occurrence = 1
        anchor = anchor_quote(ARTICLE, quote, occurrence) if len(find_all(ARTICLE, quote)) == 1 else None
        if anchor is None:
            anchor = anchor_span(ARTICLE, ARTICLE.index("while the bridge") + 6, ARTICLE.index("while the bridge") + 16)
        sentence_start = ARTICLE.rfind(". ", 0, anchor.start) + 2
        sentence_end = ARTICLE.find(".", anchor.end) + 1
        new = ARTICLE[:sentence_start] + ARTICLE[sentence_end:]
        placed = reanchor(ARTICLE, new, [anchor])[0]
        if placed.state != "orphaned":
            # Only another occurrence of the very same words, in matching surroundings, may take it.
            assert placed.state in {"moved", "fuzzy"} and placed.needs_review
            assert new[placed.anchor.start : placed.anchor.end] == anchor.exact


def test_quote_now_appearing_twice_stays_with_its_context():
    quote = "the chief engineer"
    new = ARTICLE.replace("Residents can read", "Questions go to the chief engineer. Residents can read")
    anchor, placed = place(ARTICLE, new, quote)
    assert placed.state in {"exact", "moved"}
    assert placed.anchor.start == new.index(quote)  # the original one, not the new copy
    copy_first = "A word from the chief engineer opens this notice.\n\n" + ARTICLE
    anchor, placed = place(ARTICLE, copy_first, quote)
    assert placed.anchor.start == copy_first.index(quote, 60)


def test_empty_new_text_orphans_everything():
    anchor = anchor_quote(ARTICLE, "4.2 million pounds")
    assert reanchor(ARTICLE, "", [anchor])[0].state == "orphaned"


def test_offset_map_carries_positions_through_a_local_edit():
    new = ARTICLE.replace("10 March", "the tenth of March")
    offsets = OffsetMap(ARTICLE, new)
    at = ARTICLE.index("Ferries")
    assert offsets.map(at) == new.index("Ferries")
    assert offsets.map_span(at, at + 7) == (new.index("Ferries"), new.index("Ferries") + 7)
    assert offsets.map(5) == 5
    assert OffsetMap(ARTICLE, ARTICLE).map_span(10, 20) == (10, 20)


def test_an_identical_passage_sliding_onto_the_old_offsets_does_not_take_the_annotation():
    text = "The dog. The cat. The cat. Tail.\n"
    second = anchor_span(text, 18, 25)  # the second "The cat"
    assert second.exact == "The cat"
    # Nine characters inserted at the top: the first "The cat" now sits on the old offsets.
    shifted = "New line " + text
    assert shifted[18:25] == "The cat"
    placed = reanchor(text, shifted, [second])[0]
    assert (placed.state, placed.anchor.start) == ("moved", 27)  # carried with its text, not left on a copy


def test_match_quote_prefers_the_hint_among_equal_repeats():
    text = "alpha beta gamma. alpha beta gamma. alpha beta gamma."
    assert match_quote(text, "beta", hint=20).start == text.index("beta", 18)
    assert match_quote(text, "beta").start == text.index("beta")


# Properties -----------------------------------------------------------------------------

WORDS = (
    "harbour bridge council engineer cable ferry ticket season reserve library report repair corrosion "
    "inspection autumn crossing notice window lantern orchard meadow river quarry chapel market bakery "
    "kettle ledger compass anchor signal harvest timber granite copper velvet saddle thimble whistle "
    "marble pepper cinder amber"
).split()


@st.composite
def documents_and_quotes(draw):
    rng = random.Random(draw(st.integers(0, 10**9)))
    paragraphs = []
    for _ in range(draw(st.integers(3, 8))):
        sentences = []
        for _ in range(rng.randint(1, 4)):
            words = [rng.choice(WORDS) for _ in range(rng.randint(4, 12))]
            sentences.append(" ".join(words).capitalize() + ".")
        paragraphs.append(" ".join(sentences))
    target = rng.randrange(len(paragraphs))
    para = paragraphs[target]
    start = rng.randrange(0, max(1, len(para) - 12))
    length = rng.randint(12, min(120, len(para) - start)) if len(para) - start >= 12 else len(para) - start
    return paragraphs, target, start, length, rng


def _compose(paragraphs):
    return "\n\n".join(paragraphs) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents_and_quotes(), st.sampled_from(["insert-before", "insert-after", "reorder", "edit-other", "keep"]))
def test_a_quote_that_survives_once_is_found_at_its_new_place(case, edit):
    paragraphs, target, start, length, rng = case
    old = _compose(paragraphs)
    base = old.index(paragraphs[target]) if paragraphs[target] in old else 0
    base = sum(len(p) + 2 for p in paragraphs[:target])
    anchor = anchor_span(old, base + start, base + start + length)
    assume(anchor.exact.strip())
    new_paragraphs = list(paragraphs)
    if edit == "insert-before":
        new_paragraphs.insert(target, "Inserted paragraph about the " + rng.choice(WORDS) + ".")
    elif edit == "insert-after":
        new_paragraphs.insert(target + 1, "Another inserted paragraph.")
    elif edit == "reorder":
        rng.shuffle(new_paragraphs)
    elif edit == "edit-other" and len(new_paragraphs) > 1:
        other = (target + 1) % len(new_paragraphs)
        new_paragraphs[other] = new_paragraphs[other].replace("a", "e", 2)
    new = _compose(new_paragraphs)
    occurrences = find_all(new, anchor.exact)
    assume(len(occurrences) == 1)
    placed = reanchor(old, new, [anchor])[0]
    assert placed.state in {"exact", "moved"}
    assert (placed.anchor.start, placed.anchor.end) == (occurrences[0], occurrences[0] + len(anchor.exact))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents_and_quotes())
def test_a_deleted_quote_is_never_silently_attached_elsewhere(case):
    paragraphs, target, start, length, rng = case
    old = _compose(paragraphs)
    base = sum(len(p) + 2 for p in paragraphs[:target])
    anchor = anchor_span(old, base + start, base + start + length)
    assume(len(anchor.exact.strip()) >= 12)
    new_paragraphs = list(paragraphs)
    del new_paragraphs[target]  # the passage goes, with the paragraph it was in
    new = _compose(new_paragraphs)
    assume(anchor.exact not in new)
    placed = reanchor(old, new, [anchor])[0]
    assert placed.state in {"orphaned", "fuzzy"}
    if placed.state == "fuzzy":
        # Never silent: it is flagged for review, and it is a near-copy of the same words.
        from annotations.matching import similarity

        assert placed.needs_review
        assert similarity(anchor.exact, new[placed.anchor.start : placed.anchor.end]) >= 0.6


def _novel_paragraphs(shared) -> tuple[str, list[str]]:
    book = (shared / "corpus" / "gutenberg" / "pg1342-pride-and-prejudice.txt").read_text(encoding="utf-8")
    text = book.replace("\r\n", "\n")[50_000:200_000]
    return text, text.split("\n\n")


def _random_quote(rng: random.Random, paragraphs: list[str], shortest: int):
    while True:
        k = rng.randrange(len(paragraphs))
        if len(paragraphs[k]) >= shortest + 20:
            break
    base = sum(len(p) + 2 for p in paragraphs[:k])
    length = rng.randint(shortest, min(200, len(paragraphs[k])))
    start = rng.randrange(0, len(paragraphs[k]) - length + 1)
    return k, base + start, base + start + length


def test_passages_deleted_from_a_novel_are_orphaned_not_misplaced(shared):
    """A paragraph of a real novel deleted: its annotations are orphaned, or at worst flagged near-copies."""
    from annotations.matching import similarity

    text, paragraphs = _novel_paragraphs(shared)
    rng = random.Random(3)
    outcomes = []
    for _ in range(150):
        k, start, end = _random_quote(rng, paragraphs, 12)
        anchor = anchor_span(text, start, end)
        new = "\n\n".join(paragraphs[:k] + paragraphs[k + 1 :])
        if anchor.exact in new:
            continue
        placed = reanchor(text, new, [anchor])[0]
        outcomes.append(placed.state)
        if placed.state != "orphaned":
            assert placed.needs_review
            assert similarity(anchor.exact, new[placed.anchor.start : placed.anchor.end]) >= 0.6
    assert outcomes.count("orphaned") >= 0.95 * len(outcomes)


def test_typos_corrected_inside_passages_of_a_novel_keep_them_in_place(shared):
    text, paragraphs = _novel_paragraphs(shared)
    rng = random.Random(4)
    right = 0
    trials = 150
    for _ in range(trials):
        k, start, end = _random_quote(rng, paragraphs, 20)
        anchor = anchor_span(text, start, end)
        chars = list(text)
        for _ in range(max(1, (end - start) // 30)):
            chars[rng.randrange(start, end)] = rng.choice("abcdefghij")
        new = "".join(chars)
        placed = reanchor(text, new, [anchor])[0]
        if placed.anchor is not None and abs(placed.anchor.start - start) <= 2 and abs(placed.anchor.end - end) <= 2:
            right += 1
    assert right >= 0.95 * trials


def test_an_edited_copy_of_a_repeated_paragraph_keeps_its_annotation():
    refrain = "Tickets will cost the same as the bus fare on every crossing."
    old = f"One.\n\n{refrain}\n\nTwo.\n\n{refrain}\n\nThree.\n"
    second = anchor_span(old, old.rindex(refrain), old.rindex(refrain) + len(refrain))
    new = old[: second.start] + refrain.replace("bus fare", "bus fares") + old[second.end :]
    placed = reanchor(old, new, [second])[0]
    # Not moved onto the untouched first copy: found, edited, where it was.
    assert placed.state == "fuzzy"
    assert placed.anchor.start == second.start
    assert new[placed.anchor.start : placed.anchor.end] == refrain.replace("bus fare", "bus fares")


def test_short_quotes_from_a_deleted_sentence_do_not_latch_onto_its_neighbours(shared):
    """A sentence cut from a paragraph leaves its neighbours' words right beside where it was:
    the annotations on it are orphaned, or at worst flagged on a near-identical phrase."""
    import re

    from annotations.matching import similarity

    text, _ = _novel_paragraphs(shared)
    sentences = list(re.finditer(r"[A-Z][^.!?]{20,200}[.!?] ", text))
    rng = random.Random(5)
    states = []
    for _ in range(200):
        sentence = rng.choice(sentences)
        length = rng.randint(8, 30)
        offset = rng.choice([0, max(0, (sentence.end() - sentence.start()) - length - 2)])
        anchor = anchor_span(text, sentence.start() + offset, sentence.start() + offset + length)
        new = text[: sentence.start()] + text[sentence.end() :]
        if anchor.exact in new:
            continue
        placed = reanchor(text, new, [anchor])[0]
        states.append(placed.state)
        if placed.state != "orphaned":
            assert placed.needs_review
            assert similarity(anchor.exact, new[placed.anchor.start : placed.anchor.end]) >= 0.7
    assert states.count("orphaned") >= 0.95 * len(states)
