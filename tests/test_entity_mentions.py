"""Every mention of an entity in the library, tagged in one change and undone in one step."""

from __future__ import annotations

from annotations.anchoring import anchor_quote
from annotations.model import TagKind

from .conftest import add_document

ARTICLE = (
    "China National Petroleum Corporation (CNPC) reported profits. CNPC's listed arm,\n"
    "PetroChina, said the China National\nPetroleum Corporation would invest. Petro China denied it.\n"
)


def test_every_name_and_alias_is_found_and_already_tagged_hits_are_marked(store):
    doc = add_document(store, ARTICLE, "Article")
    cnpc = store.tags.add("China National Petroleum Corporation", TagKind.ENTITY, entity_type="Organization",
                          aliases=("CNPC", "PetroChina", "Petro China"))
    store.annotations.create(doc, anchor_quote(ARTICLE, "PetroChina"), tags=[cnpc.id])
    hits = store.mentions.of(cnpc, [doc])
    assert [h.exact for h in hits] == [
        "China National Petroleum Corporation", "CNPC", "CNPC", "PetroChina",
        "China National\nPetroleum Corporation", "Petro China",
    ]
    assert [h.tagged for h in hits] == [False, False, False, True, False, False]


def test_tagging_every_mention_is_one_transaction_and_one_undo_step(store):
    doc = add_document(store, ARTICLE, "Article")
    other = add_document(store, "Nothing about CNPC here, except CNPC.", "Other")
    cnpc = store.tags.add("CNPC", TagKind.ENTITY, entity_type="Organization", aliases=("PetroChina",))
    store.annotations.create(doc, anchor_quote(ARTICLE, "PetroChina"), tags=[cnpc.id])
    before = len(store.annotations.list())
    hits = store.mentions.of(cnpc, [doc, other])
    done = store.mentions.tag_all(hits, [cnpc.id])
    assert (done.created, done.added_to, done.already) == (4, 0, 1)
    assert len(store.annotations.list(tag_ids=[cnpc.id])) == 5
    assert all(h.tagged for h in store.mentions.of(cnpc, [doc, other]))

    step = store.history.undo()
    assert step.count == 4
    assert len(store.annotations.list()) == before
    step = store.history.redo()
    assert step.count == 4
    assert len(store.annotations.list(tag_ids=[cnpc.id])) == 5
    # The single annotation made before is still its own step.
    store.history.undo()
    store.history.undo()
    assert store.annotations.list() == []


def test_a_hit_on_an_existing_highlight_gets_the_tag_rather_than_a_second_highlight(store):
    doc = add_document(store, ARTICLE, "Article")
    plain = store.annotations.create(doc, anchor_quote(ARTICLE, "PetroChina"))
    done = store.mentions.tag_all(store.mentions.find(["PetroChina"], [doc]), ["Organization:PetroChina"])
    assert (done.created, done.added_to) == (0, 1)
    assert [t.name for t in store.annotations.get(plain.id).tags] == ["PetroChina"]
    store.history.undo()
    assert store.annotations.get(plain.id).tags == ()


def test_tagging_again_changes_nothing(store):
    doc = add_document(store, ARTICLE, "Article")
    hits = store.mentions.find(["CNPC"], [doc])
    store.mentions.tag_all(hits, ["Organization:CNPC"])
    count = len(store.annotations.list())
    again = store.mentions.tag_all(store.mentions.find(["CNPC"], [doc]), ["Organization:CNPC"])
    assert (again.changed, again.already) == (0, 2)
    assert len(store.annotations.list()) == count


def test_untagged_highlights_at_every_occurrence(store):
    doc = add_document(store, ARTICLE, "Article")
    done = store.mentions.tag_all(store.mentions.find(["CNPC"], [doc]), [])
    assert done.created == 2
    assert store.mentions.tag_all(store.mentions.find(["CNPC"], [doc]), []).already == 2


def test_a_new_name_is_one_mention_finding_would_not_already_find():
    from annotations.model import Tag, TagKind
    from annotations.store.mentioning import new_name

    entity = Tag(id="t", name="PetroChina", kind=TagKind.ENTITY, colour="#123456", entity_type="Organization",
                 aliases=("O'Brien Oil", "CNPC"))
    assert new_name(entity, "China National Petroleum") == "China National Petroleum"
    assert new_name(entity, "CNPC’s") is None  # a possessive of an alias
    assert new_name(entity, "petro\u2011china") is None  # case and dashes folded, the hyphen optional
    assert new_name(entity, "O’Brien  Oil") is None  # curly quote, doubled space
    assert new_name(entity, "Petro China") == "Petro China"  # a space is a new form: matching would not find it
    topic = Tag(id="u", name="Theme/Oil", kind=TagKind.TOPIC, colour="#123456")
    assert new_name(topic, "petroleum") is None  # topics are not offered aliases
