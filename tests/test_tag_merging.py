"""Merging two entities is one transaction and one undo step, from the CLI and the reader alike."""

from __future__ import annotations

import pytest

from annotations.anchoring import anchor_span
from annotations.errors import MarginError
from annotations.model import TagKind
from annotations.store import Store

from .conftest import NOTICE, add_document, fingerprint


@pytest.fixture
def two_names(store: Store):
    document = add_document(store, NOTICE)
    cnpc = store.tags.add("CNPC", TagKind.ENTITY, entity_type="Organization", aliases=("PetroChina",))
    full = store.tags.add("China National Petroleum Corporation", TagKind.ENTITY, entity_type="Organization",
                          identifiers=("Wikidata:Q1075468",))
    topic = store.tags.add("Theme/Oil", TagKind.TOPIC)
    one = store.annotations.create(document, anchor_span(NOTICE, 0, 3), tags=[cnpc.id, topic.id])
    both = store.annotations.create(document, anchor_span(NOTICE, 4, 9), tags=[cnpc.id, full.id])
    store.annotations.create(document, anchor_span(NOTICE, 10, 14), tags=[full.id])
    return cnpc, full, one, both


def tags_of(store: Store) -> dict[str, list[str]]:
    return {a.id: sorted(t.name for t in a.tags) for a in store.annotations.list()}


def codebook(store: Store) -> set[tuple]:
    return {(t.name, t.aliases, t.identifiers) for t in store.tags.all()}


def test_a_merge_is_undone_in_one_step_and_redone(store, two_names):
    cnpc, full, one, both = two_names
    before_tags, before_book = tags_of(store), codebook(store)
    merged, moved = store.merging.merge("CNPC", "China National Petroleum Corporation")
    assert moved == 2 and merged.aliases == ("CNPC", "PetroChina")
    assert store.tags.find("CNPC").id == full.id  # the old name now finds the target
    assert tags_of(store)[one.id] == ["China National Petroleum Corporation", "Theme/Oil"]
    after_tags, after_book = tags_of(store), codebook(store)

    step = store.history.undo()
    assert step.count == 4 and step.label.startswith("merge Organization: CNPC into")  # 2 annotations, 2 tags
    assert tags_of(store) == before_tags and codebook(store) == before_book
    assert store.tags.find("CNPC").id == cnpc.id

    store.history.redo()
    assert tags_of(store) == after_tags and codebook(store) == after_book


def test_a_refused_merge_changes_nothing(store, two_names, db_path):
    before = fingerprint(db_path)
    with pytest.raises(MarginError, match="into itself"):
        store.merging.merge("CNPC", "PetroChina")
    with pytest.raises(MarginError, match="cannot merge entity"):
        store.merging.merge("CNPC", "Theme/Oil")
    assert fingerprint(db_path) == before


def test_margin_undo_takes_back_margin_tags_merge(db_path):
    from click.testing import CliRunner

    from reader.cli import cli

    def margin(*args: str) -> str:
        result = CliRunner().invoke(cli, ["--db", str(db_path), "--author", "ada", *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    with Store.open(db_path, author="ada") as store:
        document = add_document(store, NOTICE)
        store.annotations.create(document, anchor_span(NOTICE, 0, 3), tags=[store.tags.ensure("Person:Ada").id])
        store.tags.add("Ada Lovelace", TagKind.ENTITY, entity_type="Person")
    assert "1 annotation moved" in margin("tags", "merge", "Ada", "Ada Lovelace")
    margin("undo")
    with Store.open(db_path, author="ada") as store:
        assert [t.name for a in store.annotations.list() for t in a.tags] == ["Ada"]
        assert store.tags.find("Ada Lovelace").aliases == ()
