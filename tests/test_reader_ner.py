"""``ctrl+y`` in the reader with spaCy: named entities join the suggestions; without it, the notice says how to get it.

The pipeline is a real spaCy pipeline built here (a blank English model with
an entity ruler), saved to a folder and named as the model in the config, as
a user names theirs; the tests that need spaCy skip cleanly without it.
"""

from __future__ import annotations

import sys

import pytest

from reader.tui.app import MarginApp
from reader.tui.reading import ReadingScreen

from .conftest import add_document

SIZE = (120, 30)
ARTICLE = (
    "Markets\n\nThe World Bank lent money to Darcy Fitzwilliam last year. "
    "Nobody at the World Bank would say how much.\n"
)


@pytest.fixture
def ruler_model(tmp_path, monkeypatch):
    """A spaCy pipeline on disk that finds the World Bank and Darcy Fitzwilliam, named by MARGIN_NER_MODEL."""
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([
        {"label": "ORG", "pattern": "World Bank"},
        {"label": "PERSON", "pattern": [{"LOWER": "darcy"}, {"LOWER": "fitzwilliam"}]},
        {"label": "MONEY", "pattern": "money"},  # no margin type: never suggested
    ])
    folder = tmp_path / "ruler-model"
    nlp.to_disk(folder)
    monkeypatch.setenv("MARGIN_NER_MODEL", str(folder))
    return folder


async def suggest(store, document) -> tuple[list[str], ReadingScreen]:
    """Press ctrl+y in a reader showing *document*; the notifications once the worker is done."""
    app = MarginApp(store, document_ids=[document.id], watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReadingScreen)
        await pilot.press("ctrl+y")
        await pilot.pause()
        await screen.on_demand.suggesting.workers.wait_for_complete()
        await pilot.pause()
        return [n.message for n in app._notifications], screen


async def test_ctrl_y_adds_spacy_entities_as_suggestions_and_no_annotation(store, ruler_model):
    document = add_document(store, ARTICLE, "Markets")
    said, _ = await suggest(store, document)
    from_ner = store.suggestions.list(document_ids=[document.id], source="ner")
    # Darcy as a Person is spaCy's alone (rules guess no type for a bare name); the World Bank as an
    # Organization at both places, whichever source proposed it first; "money" has no margin type.
    assert [(ARTICLE[s.start : s.end], s.tag) for s in from_ner] == [("Darcy Fitzwilliam", "Person:Darcy Fitzwilliam")]
    every = {(ARTICLE[s.start : s.end], s.start, s.tag) for s in store.suggestions.list(document_ids=[document.id])}
    banks = [i for i in range(len(ARTICLE)) if ARTICLE.startswith("World Bank", i)]
    assert {("World Bank", i, "Organization:World Bank") for i in banks} <= every
    assert not any(text == "money" for text, _, _ in every)
    assert store.annotations.list() == []
    assert any("1 from named entities" in line for line in said), said


async def test_a_model_spacy_cannot_find_is_named_with_the_command_to_get_it(store, monkeypatch):
    pytest.importorskip("spacy")
    monkeypatch.setenv("MARGIN_NER_MODEL", "xx_no_such_model")
    document = add_document(store, ARTICLE, "Markets")
    said, _ = await suggest(store, document)
    assert any("python -m spacy download xx_no_such_model" in line for line in said), said
    assert store.suggestions.list(source="ner") == [] and store.suggestions.list(source="rules")


async def test_without_spacy_aliases_and_rules_still_suggest_and_the_notice_says_how_to_get_it(store, monkeypatch):
    monkeypatch.setitem(sys.modules, "spacy", None)  # as if it were not installed: importing it fails
    document = add_document(store, ARTICLE, "Markets")
    said, _ = await suggest(store, document)
    line = next(line for line in said if "new suggestion" in line)
    assert "pip install 'margin[ner]'" in line and "from rules" in line and "from named entities" not in line
    assert store.suggestions.list(source="rules") and store.annotations.list() == []


async def test_a_folder_that_is_no_spacy_pipeline_is_reported_in_one_line(store, tmp_path, monkeypatch):
    pytest.importorskip("spacy")
    broken = tmp_path / "not-a-model"
    broken.mkdir()
    (broken / "meta.json").write_text('{"lang": "en", "name": "broken", "version": "0.0.0"}', encoding="utf-8")
    (broken / "config.cfg").write_text("[nlp\nthis is not a config", encoding="utf-8")
    monkeypatch.setenv("MARGIN_NER_MODEL", str(broken))
    document = add_document(store, ARTICLE, "Markets")
    said, screen = await suggest(store, document)
    line = next(line for line in said if "new suggestion" in line)
    assert "no named entities: spaCy could not load" in line and "Config validation error" in line and "\n" not in line
    assert store.suggestions.list(source="rules") and store.annotations.list() == []
