"""Suggestions: proposed, reviewed, never counted as annotations until accepted."""

from __future__ import annotations

import re

import pytest

from annotations.candidates import rule_candidates
from annotations.model import TagKind

from .conftest import add_document

ARTICLE = (
    "China National Petroleum Corporation (CNPC) reported profits on 3 March 2024. CNPC’s listed arm\n"
    "PetroChina met the World Bank. Mr Darcy Fitzwilliam said the China National\nPetroleum Corporation would invest.\n"
)


def found(text: str) -> list[tuple[str, str]]:
    return [(text[c.start : c.end], c.tag) for c in rule_candidates(text)]


def test_rules_find_acronyms_with_expansions_names_and_dates():
    assert found(ARTICLE) == [
        ("China National Petroleum Corporation", "Organization:China National Petroleum Corporation"),
        ("CNPC", "Organization:China National Petroleum Corporation"),
        ("3 March 2024", "Date:3 March 2024"),
        ("CNPC", "Organization:China National Petroleum Corporation"),
        ("World Bank", "Organization:World Bank"),
        ("Darcy Fitzwilliam", "Person:Darcy Fitzwilliam"),
        ("China National\nPetroleum Corporation", "Organization:China National Petroleum Corporation"),
    ]


def test_rules_leave_out_headings_sentence_starts_and_lone_words():
    assert found("CHAPTER ONE\n\nThe Harbour was quiet. Then Anne left.") == []


def test_an_acronym_needs_an_expansion_that_fits_it():
    assert [tag for _, tag in found("the Red Cross (WHO) arrived")] == ["Thing:Red Cross"]


def test_suggest_never_changes_annotations_and_skips_what_is_tagged(store):
    doc = add_document(store, ARTICLE, "Article")
    store.tags.add("PetroChina", TagKind.ENTITY, entity_type="Organization")
    store.mentions.tag_all(store.mentions.find(["World Bank"], [doc]), ["Organization:World Bank"])
    before = store.annotations.list()
    assert store.suggestions.add(doc, store.suggestions.alias_candidates(doc)) == 1  # PetroChina, not World Bank
    made = store.suggestions.add(doc, rule_candidates(store.documents.text(doc.version_id)))
    assert made == 6  # every rule candidate but the tagged World Bank
    assert store.annotations.list() == before
    # Suggesting again proposes nothing new.
    assert store.suggestions.add(doc, rule_candidates(store.documents.text(doc.version_id))) == 0


def test_accept_makes_the_annotation_and_adds_the_surface_form_as_an_alias(store):
    doc = add_document(store, ARTICLE, "Article")
    store.suggestions.add(doc, rule_candidates(ARTICLE))
    acronym = next(s for s in store.suggestions.list() if s.exact == "CNPC")
    annotation, aliases = store.suggestions.accept(acronym.id)
    assert annotation is not None and annotation.exact == "CNPC"
    assert [t.name for t in annotation.tags] == ["China National Petroleum Corporation"]
    assert aliases == ["CNPC → China National Petroleum Corporation"]
    assert acronym.id not in {s.id for s in store.suggestions.list()}
    # Undo takes the annotation back, and the suggestion is open again.
    store.history.undo()
    assert store.annotations.list() == []
    assert acronym.id in {s.id for s in store.suggestions.list()}


def test_accept_with_another_tag_retags(store):
    doc = add_document(store, ARTICLE, "Article")
    store.suggestions.add(doc, rule_candidates(ARTICLE))
    darcy = next(s for s in store.suggestions.list() if s.exact == "Darcy Fitzwilliam")
    annotation, _ = store.suggestions.accept(darcy.id, tag="Person:Fitzwilliam Darcy")
    assert [t.label for t in annotation.tags] == ["Person: Fitzwilliam Darcy"]


def test_a_rejected_span_is_not_proposed_again(store):
    doc = add_document(store, ARTICLE, "Article")
    store.suggestions.add(doc, rule_candidates(ARTICLE))
    date = next(s for s in store.suggestions.list() if s.exact == "3 March 2024")
    store.suggestions.reject(date.id)
    assert date.id not in {s.id for s in store.suggestions.list()}
    again = [c for c in rule_candidates(ARTICLE) if ARTICLE[c.start : c.end] == "3 March 2024"]
    assert store.suggestions.add(doc, [again[0].__class__(again[0].start, again[0].end, "Event:Results", "ner", 0.6)]) == 0


def test_accept_all_from_a_source_is_one_undo_step(store):
    doc = add_document(store, ARTICLE, "Article")
    store.suggestions.add(doc, rule_candidates(ARTICLE))
    assert store.suggestions.accept_all(source="rules") == 7
    assert len(store.annotations.list()) == 7 and store.suggestions.list() == []
    assert store.history.undo().count == 7
    assert store.annotations.list() == [] and len(store.suggestions.list()) == 7


def test_named_entities_from_a_real_spacy_pipeline(store):
    spacy = pytest.importorskip("spacy")
    from annotations.ner import ner_candidates

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([
        {"label": "ORG", "pattern": "World Bank"},
        {"label": "PERSON", "pattern": [{"LOWER": "darcy"}, {"LOWER": "fitzwilliam"}]},
        {"label": "MONEY", "pattern": "profits"},
    ])
    doc = add_document(store, ARTICLE, "Article")
    candidates = ner_candidates(ARTICLE, nlp)
    assert [(ARTICLE[c.start : c.end], c.tag, c.source) for c in candidates] == [
        ("World Bank", "Organization:World Bank", "ner"), ("Darcy Fitzwilliam", "Person:Darcy Fitzwilliam", "ner"),
    ]
    assert store.suggestions.add(doc, candidates) == 2 and store.annotations.list() == []


def test_accept_all_keeps_the_type_an_entity_already_has(store):
    # Rules guess "Thing" for a bare name and "Person" after a title: the same name, two guesses.
    text = "Elizabeth Bennet walked out. Later Miss Elizabeth Bennet came back, and Elizabeth Bennet smiled."
    doc = add_document(store, text, "Chapter")
    store.tags.add("Elizabeth Bennet", TagKind.ENTITY, entity_type="Person")
    from annotations.candidates import Candidate

    spans = [m.span() for m in re.finditer("Elizabeth Bennet", text)]
    guesses = ["Thing:Elizabeth Bennet", "Person:Elizabeth Bennet", "Thing:Elizabeth Bennet"]
    store.suggestions.add(doc, [Candidate(a, b, tag, "rules", 0.4) for (a, b), tag in zip(spans, guesses)])
    assert store.suggestions.accept_all(source="rules") == 3
    tagged = store.annotations.list()
    assert len(tagged) == 3 and {t.label for a in tagged for t in a.tags} == {"Person: Elizabeth Bennet"}
    # A name that is a topic is not silently made into an entity.
    store.tags.add("Harbour", TagKind.TOPIC)
    store.suggestions.add(doc, [Candidate(*re.search("walked", text).span(), "Place:Harbour", "rules", 0.4)])
    with pytest.raises(Exception, match="topic"):
        store.suggestions.accept_all(source="rules")
