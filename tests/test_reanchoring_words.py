"""Approximate placements keep whole words when the quote was whole words."""

from __future__ import annotations

import hashlib

import pytest

from annotations.anchoring import anchor_quote
from annotations.model import LoadedDocument
from annotations.reanchoring import reanchor
from annotations.words import ends_word, starts_word

STORY = (
    "Critics of the plan were quick to respond. James Jay Carafano, a senior fellow at the Heritage "
    "Foundation, said the proposal would leave the port without a plan for its own defence.\n"
)


@pytest.mark.parametrize(
    "quote,old,new,placed",
    [
        # The middle name is cut: the rest of the quote, not the tail of "James".
        ("Jay Carafano", "James Jay Carafano", "James Carafano", "Carafano"),
        ("Jay Carafano", "James Jay", "Jamie", "Carafano"),
        # The first names are cut: the quote starts at the surname, not at the full stop before it.
        ("James Jay Carafano", "James Jay Carafano", "Jay Carafano", "Jay Carafano"),
        ("James Jay Carafano", "James Jay", "Jim", "Jim Carafano"),
        # A word inserted in the middle of a quote: the whole first word is kept.
        ("Jay Carafano, a senior fellow", "Jay Carafano, a senior", "Jay Carafano, a very senior", "Jay Carafano, a very senior fellow"),
    ],
)
def test_a_fuzzy_placement_starts_and_ends_on_word_edges(quote, old, new, placed):
    edited = STORY.replace(old, new)
    anchor = anchor_quote(STORY, quote)
    (placement,) = reanchor(STORY, edited, [anchor])
    assert placement.anchor is not None
    assert placement.anchor.exact == placed
    assert starts_word(edited, placement.anchor.start) and ends_word(edited, placement.anchor.end)


def test_a_quote_that_did_not_start_on_a_word_edge_may_still_start_inside_one():
    anchor = anchor_quote(STORY, "ay Carafano")  # the user's own selection began inside a word
    (placement,) = reanchor(STORY, STORY.replace("Carafano", "Carafanno"), [anchor])
    assert placement.state == "fuzzy" and placement.anchor is not None
    assert placement.anchor.exact == "ay Carafanno"


def test_words_of_unspaced_scripts_are_left_as_found():
    text = "人人生而自由，在尊严和权利上一律平等。他们赋有理性和良心，并应以兄弟关系的精神相对待。"
    anchor = anchor_quote(text, "他们赋有理性和良心")
    (placement,) = reanchor(text, text.replace("理性", "理智"), [anchor])
    assert placement.state == "fuzzy" and placement.anchor is not None
    assert placement.anchor.exact == "他们赋有理智和良心"


def test_a_new_version_of_a_file_keeps_an_annotation_on_whole_words(store):
    def version(text: str):
        digest = hashlib.sha256(text.encode()).hexdigest()
        loaded = LoadedDocument(text=text, title="Story", format="text")
        return store.documents.import_loaded("/docs/story.txt", digest, loaded).document

    document = version(STORY)
    annotation = store.annotations.create(document, anchor_quote(STORY, "Jay Carafano"), note="who is he?")
    version(STORY.replace("James Jay Carafano", "James Carafano"))
    moved = store.annotations.get(annotation.id)
    assert (moved.anchor_state, moved.exact, moved.note) == ("fuzzy", "Carafano", "who is he?")
