import random
import sqlite3

import pytest

from annotations.anchoring import anchor_quote, anchor_span
from annotations.errors import Ambiguous, MarginError, NothingToUndo, NotFound, StoreError
from annotations.model import Span, TagKind
from annotations.store import Store, parse_tag_spec
from annotations.store.transaction import writing

from .conftest import NOTICE, add_document, fingerprint, fixed_clock, loaded


def annotate(store, doc, quote, **kwargs):
    return store.annotations.create(doc, anchor_quote(store.documents.text(doc.version_id), quote), **kwargs)


# opening ---------------------------------------------------------------------
def test_new_library_uses_wal_foreign_keys_and_migrations(store, db_path):
    assert db_path.exists()
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    assert {"documents", "versions", "annotations", "tags", "links", "history"} <= set(store.db.table_names())


def test_writes_are_visible_to_another_connection_at_once(store, db_path):
    doc = add_document(store)
    annotate(store, doc, "The closure is a precaution.")
    other = sqlite3.connect(db_path)
    assert other.execute("SELECT count(*) FROM annotations").fetchone()[0] == 1


def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"just some notes\n" * 10)
    with pytest.raises(StoreError, match="not a margin library"):
        Store.open(path, author="ada")
    assert path.read_bytes() == b"just some notes\n" * 10


def test_another_programs_database_is_refused_untouched(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.commit()
    conn.close()
    before = fingerprint(path)
    with pytest.raises(StoreError, match="not a margin library"):
        Store.open(path, author="ada")
    assert fingerprint(path) == before


def test_a_library_from_a_newer_margin_is_refused(db_path):
    Store.open(db_path, author="ada").close()
    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('margin', 'm999_future', '2030')"
    )
    conn.commit()
    conn.close()
    before = fingerprint(db_path)
    with pytest.raises(StoreError, match="newer margin"):
        Store.open(db_path, author="ada")
    assert fingerprint(db_path) == before


def test_reopening_applies_nothing_twice(db_path):
    Store.open(db_path, author="ada").close()
    Store.open(db_path, author="ada").close()
    conn = sqlite3.connect(db_path)
    names = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")]
    assert len(names) == len(set(names))


# documents -------------------------------------------------------------------
def test_import_then_unchanged_then_new_version_carries_annotations_over(store):
    first = store.documents.import_loaded("/d/n.txt", "sha-1", loaded())
    assert first.status == "new"
    doc = first.document
    old = annotate(store, doc, "The closure is a precaution.", note="old note")
    again = store.documents.import_loaded("/d/n.txt", "sha-1", loaded())
    assert again.status == "unchanged" and again.document.id == doc.id
    changed = store.documents.import_loaded("/d/n.txt", "sha-2", loaded(NOTICE.replace("April", "May")))
    assert changed.status == "new-version"
    assert changed.document.id == doc.id and changed.document.version == 2
    kept = store.annotations.get(old.id)
    assert kept.version_id == changed.document.version_id and kept.note == "old note"
    # "April" became "May" before the passage: same words, two characters earlier.
    assert (kept.start, kept.end, kept.anchor_state) == (old.start - 2, old.end - 2, "moved")
    assert not kept.needs_review
    assert changed.reanchored is not None and changed.reanchored.moved == 1
    assert store.documents.text(doc.version_id) == NOTICE
    assert "May" in store.documents.text(changed.document.version_id)
    assert [v["number"] for v in store.documents.versions(doc.id)] == [1, 2]
    assert len(store.documents.all()) == 1


def test_documents_resolve_by_title_prefix_and_id(store):
    a = add_document(store, title="Harbour notice")
    b = add_document(store, NOTICE + "x", title="Harbour article")
    assert store.documents.resolve("harbour n").id == a.id
    assert store.documents.resolve(b.id[:6]).id == b.id
    assert store.documents.resolve("Harbour article").id == b.id
    with pytest.raises(Ambiguous, match="matches 2 documents"):
        store.documents.resolve("Harbour")
    with pytest.raises(NotFound):
        store.documents.resolve("Bridge")


def test_sections_round_trip(store):
    doc = add_document(store)
    titles = [s.title for s in store.documents.sections(doc.version_id)]
    assert titles == ["Notice", "Costs"]


def test_annotation_counts_follow_live_annotations(store):
    doc = add_document(store)
    a = annotate(store, doc, "The closure is a precaution.")
    annotate(store, doc, "The bridge is safe.")
    assert store.documents.get(doc.id).annotation_count == 2
    store.annotations.delete(a.id)
    assert store.documents.get(doc.id).annotation_count == 1


# tags ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "spec,name,kind,entity_type",
    [
        ("Organization:CNPC", "CNPC", TagKind.ENTITY, "Organization"),
        ("person: Ada Lovelace", "Ada Lovelace", TagKind.ENTITY, "Person"),
        ("Vessel:HMS Beagle", "HMS Beagle", TagKind.ENTITY, "Vessel"),
        ("Theme/Secrecy", "Theme/Secrecy", TagKind.TOPIC, None),
        (" Theme / Secrecy /", "Theme/Secrecy", TagKind.TOPIC, None),
        ("Secrecy", "Secrecy", None, None),
    ],
)
def test_tag_specs(spec, name, kind, entity_type):
    parsed = parse_tag_spec(spec)
    assert (parsed.name, parsed.kind, parsed.entity_type) == (name, kind, entity_type)


def test_annotating_creates_named_tags_once(store):
    doc = add_document(store)
    a = annotate(store, doc, "The closure is a precaution.", tags=["Organization:Port Authority", "Claim/Safety"])
    b = annotate(store, doc, "The bridge is safe.", tags=["port authority", "claim/safety"])
    assert {t.id for t in a.tags} == {t.id for t in b.tags}
    entity = next(t for t in a.tags if t.kind is TagKind.ENTITY)
    assert entity.entity_type == "Organization"
    assert len(store.tags.all()) == 2
    assert store.tags.counts()[entity.id] == 2


def test_entity_type_conflicts_are_refused(store):
    store.tags.add("CNPC", TagKind.ENTITY, entity_type="Organization")
    with pytest.raises(MarginError, match="already an entity of type Organization"):
        store.tags.ensure("Person:CNPC")


def test_rename_topic_moves_its_subtopics(store):
    store.tags.ensure("Claim/Safety")
    store.tags.ensure("Claim")
    store.tags.rename("Claim", "Assertion")
    assert sorted(t.name for t in store.tags.all()) == ["Assertion", "Assertion/Safety"]


def test_rename_onto_an_existing_name_is_refused(store):
    store.tags.ensure("Cost")
    store.tags.ensure("Money")
    with pytest.raises(MarginError, match="merge"):
        store.tags.rename("Cost", "money")


def test_recolour_validates(store):
    store.tags.ensure("Cost")
    assert store.tags.recolour("Cost", "#ABC").colour == "#aabbcc"
    with pytest.raises(MarginError, match="hex colour"):
        store.tags.recolour("Cost", "reddish")


def test_merge_moves_annotations_and_keeps_the_name_as_alias(store):
    doc = add_document(store)
    a = annotate(store, doc, "The closure is a precaution.", tags=["Organization:Port Authority"])
    b = annotate(store, doc, "The bridge is safe.", tags=["Organization:PA", "Organization:Port Authority"])
    merged, moved = store.tags.merge("PA", "Port Authority")
    assert moved == 1
    assert "PA" in merged.aliases
    assert [t.name for t in store.annotations.get(b.id).tags] == ["Port Authority"]
    assert store.tags.find("pa").id == merged.id  # the old name still finds it
    assert store.tags.counts()[merged.id] == 2 and store.annotations.get(a.id).tags[0].id == merged.id


def test_delete_refuses_a_tag_in_use_unless_forced(store):
    doc = add_document(store)
    a = annotate(store, doc, "The bridge is safe.", tags=["Claim/Safety"])
    with pytest.raises(MarginError, match="used by 1 annotation"):
        store.tags.delete("Claim/Safety")
    assert store.tags.delete("Claim/Safety", force=True) == 1
    assert store.annotations.get(a.id).tags == ()
    assert store.tags.find("Claim/Safety") is None


# annotations -----------------------------------------------------------------
def test_annotation_records_anchor_author_and_times(store):
    doc = add_document(store)
    a = annotate(store, doc, "The closure is a precaution.", note="why?")
    assert NOTICE[a.start : a.end] == a.exact == "The closure is a precaution."
    assert NOTICE.endswith(a.suffix, 0, a.end + len(a.suffix)) and a.prefix == NOTICE[a.start - 32 : a.start]
    assert a.author == "ada" and a.created == a.updated and len(a.id) == 36


def test_changing_only_tags_counts_as_a_change(store):
    """Collecting students' work picks the later edit by `updated`, so a tag-only edit must move it."""
    doc = add_document(store)
    a = annotate(store, doc, "The bridge is safe.", tags=["Claim/Safety"])
    added = store.annotations.add_tags(a.id, ["Distortion"])
    assert added.updated > a.updated
    removed = store.annotations.remove_tags(a.id, ["Distortion"])
    assert removed.updated > added.updated
    set_again = store.annotations.set_tags(a.id, [t.id for t in removed.tags])
    assert set_again.updated == removed.updated  # the same tags: nothing changed
    store.annotations.add_tags(a.id, ["Stance"])
    before = store.annotations.get(a.id).updated
    store.tags.merge("Stance", "Claim/Safety")
    merged = store.annotations.get(a.id)
    assert merged.updated > before
    store.tags.delete("Claim/Safety", force=True)
    assert store.annotations.get(a.id).updated > merged.updated


def test_filters_by_document_tag_and_author(store, db_path):
    doc = add_document(store)
    other = add_document(store, NOTICE + " Extra.", title="Article")
    annotate(store, doc, "The bridge is safe.", tags=["Claim/Safety"])
    annotate(store, other, "Extra.", tags=["Claim/Cost"])
    bob = Store.open(db_path, author="bob")
    annotate(bob, doc, "The closure is a precaution.", tags=["Claim/Safety"])
    assert len(store.annotations.list(document_ids=[doc.id])) == 2
    safety = store.tags.find("Claim/Safety")
    assert {a.exact for a in store.annotations.list(tag_ids=[safety.id])} == {"The bridge is safe.", "The closure is a precaution."}
    assert [a.author for a in store.annotations.list(authors=["bob"])] == ["bob"]
    bob.close()


def test_notes_tags_delete_and_undo_redo(store):
    doc = add_document(store)
    a = annotate(store, doc, "The bridge is safe.", tags=["Claim/Safety"])
    store.annotations.set_note(a.id[:8], "Contradicted later.")
    store.annotations.add_tags(a.id, ["Distortion"])
    store.annotations.remove_tags(a.id, ["Claim/Safety"])
    store.annotations.delete(a.id)
    assert store.annotations.list() == []
    assert store.history.undo().label == "delete"
    assert [t.name for t in store.annotations.get(a.id).tags] == ["Distortion"]
    store.history.undo()
    assert {t.name for t in store.annotations.get(a.id).tags} == {"Claim/Safety", "Distortion"}
    store.history.undo()
    store.history.undo()
    assert store.annotations.get(a.id).note == ""
    store.history.undo()  # the creation itself
    assert store.annotations.get(a.id).deleted
    with pytest.raises(NothingToUndo):
        store.history.undo()
    store.history.redo()
    store.history.redo()
    assert store.annotations.get(a.id).note == "Contradicted later." and not store.annotations.get(a.id).deleted


def test_a_new_change_drops_the_redo_branch(store):
    doc = add_document(store)
    a = annotate(store, doc, "The bridge is safe.")
    store.annotations.set_note(a.id, "one")
    store.history.undo()
    store.annotations.set_note(a.id, "two")
    with pytest.raises(NothingToUndo, match="nothing to redo"):
        store.history.redo()


def test_undo_only_reverts_your_own_changes(store, db_path):
    doc = add_document(store)
    mine = annotate(store, doc, "The bridge is safe.")
    bob = Store.open(db_path, author="bob")
    annotate(bob, doc, "The closure is a precaution.")
    step = store.history.undo()
    assert step.target_id == mine.id
    assert len(store.annotations.list()) == 1 and store.annotations.list()[0].author == "bob"
    bob.close()


def test_editing_a_deleted_annotation_is_refused(store):
    doc = add_document(store)
    a = annotate(store, doc, "The bridge is safe.")
    store.annotations.delete(a.id)
    with pytest.raises(MarginError, match="deleted"):
        store.annotations.set_note(a.id, "x")


def test_unknown_and_short_annotation_ids(store):
    with pytest.raises(NotFound):
        store.annotations.resolve("ffffffff")
    with pytest.raises(NotFound, match="at least 4"):
        store.annotations.resolve("ab")


def test_overlapping_matches_brute_force(store):
    text = "".join(random.Random(7).choice("abcdefgh \n") for _ in range(20_000))
    doc = add_document(store, text, title="Random")
    rng = random.Random(3)
    spans = []
    for _ in range(600):
        start = rng.randrange(0, len(text) - 1)
        end = min(len(text), start + rng.choice([1, 5, 40, 300, 3000]))
        spans.append((start, end))
    store.annotations.insert_many(doc.version_id, [(anchor_span(text, s, e), "") for s, e in spans])
    for window_start in range(0, len(text), 1700):
        window_end = window_start + 1000
        got = sorted((a.start, a.end) for a in store.annotations.overlapping(doc.version_id, window_start, window_end))
        want = sorted((s, e) for s, e in spans if s < window_end and e > window_start)
        assert got == want


# links, search, reading state --------------------------------------------------
def test_links_of_a_few_or_of_many_annotations_are_the_same_links(store):
    """Asked about fewer annotations than there are links, or more, the answer is read two ways: alike."""
    text = "".join(f"Sentence {n} of the notice. " for n in range(200))
    doc = add_document(store, text, title="Many")
    store.annotations.insert_many(doc.version_id, [(anchor_span(text, n * 20, n * 20 + 10), "") for n in range(60)])
    made = [a.id for a in store.annotations.list()]
    rng = random.Random(4)
    for _ in range(30):
        source, target = rng.sample(made[:40], 2)
        try:
            store.links.create(source, target, rng.choice(("quotes", "see-also")))
        except MarginError:
            pass  # the same link twice
    store.links.delete(store.links.for_annotations(made)[0].id)
    every = store.links.for_annotations(made)  # more annotations than links
    assert every and all(not link.deleted for link in every)
    for few in (made[:3], made[10:12], made[45:50]):
        expected = [link for link in every if link.source_id in few or link.target_id in few]
        assert store.links.for_annotations(few) == expected  # fewer annotations than links
    assert store.links.for_annotations(made[41:]) == []


def test_links_are_listed_both_ways_and_undoable(store):
    doc = add_document(store)
    art = add_document(store, NOTICE + " Extra.", title="Article")
    a = annotate(store, doc, "The bridge is safe.")
    b = annotate(store, art, "Extra.")
    link = store.links.create(b.id, a.id, "Contradicts")
    assert link.relation == "contradicts"
    assert [l.id for l in store.links.for_annotations([a.id])] == [link.id]
    store.history.undo()
    assert store.links.for_annotations([a.id]) == []
    with pytest.raises(MarginError, match="itself"):
        store.links.create(a.id, a.id, "see-also")


def test_search_finds_words_with_section_and_snippet(store):
    add_document(store)
    add_document(store, "Nothing about bridges here.\n", title="Other")
    hits = store.search.documents("reserves")
    assert [(h.title, h.section, h.match) for h in hits] == [("Harbour notice", "Costs", "reserves")]
    assert "met from" in hits[0].before
    assert NOTICE[hits[0].start : hits[0].end] == "reserves"


def test_search_treats_punctuation_as_text_not_syntax(store):
    add_document(store)
    for query in ('"precaution', "precaution*", "(precaution:"):
        assert [h.match for h in store.search.documents(query)][:1] == ["precaution"], query
    hits = store.search.documents("precaution)")
    assert hits and hits[0].match == "precaution"


def test_search_only_covers_current_versions(store):
    store.documents.import_loaded("/d/n.txt", "v1", loaded())
    store.documents.import_loaded("/d/n.txt", "v2", loaded(NOTICE.replace("reserves", "savings")))
    assert store.search.documents("reserves") == []
    assert len(store.search.documents("savings")) == 1


def test_search_notes(store):
    doc = add_document(store)
    annotate(store, doc, "The bridge is safe.", note="Contradicted by the article")
    hits = store.search.notes("contradicted")
    assert len(hits) == 1 and hits[0].annotation_id is not None and hits[0].section == "Notice"


def test_reading_position_is_remembered(store, db_path):
    doc = add_document(store)
    store.reading.remember(doc.id, 42)
    again = Store.open(db_path, author="ada", clock=fixed_clock())
    assert again.reading.position(doc.id) == 42
    again.close()


def test_bulk_ids_are_valid_distinct_uuid4():
    import uuid

    from annotations.store.clock import new_ids

    ids = new_ids(2000)
    assert len(set(ids)) == 2000
    leads = [identifier[:2] for identifier in ids]
    assert leads == sorted(leads)  # a bulk insert fills the id index a stretch at a time, not all across it
    assert len(set(leads)) > 200 and ids != sorted(ids)  # ordered by the first byte only; the rest as drawn
    assert new_ids(2000)[0] != ids[0]
    for identifier in ids:
        parsed = uuid.UUID(identifier)
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122 and str(parsed) == identifier


def test_bulk_insert_indexes_notes_for_search(store):
    doc = add_document(store)
    text = store.documents.text(doc.version_id)
    store.annotations.insert_many(
        doc.version_id, [(anchor_span(text, 0, 6), "mentions zeppelins"), (anchor_span(text, 8, 14), "")]
    )
    hits = store.search.notes("zeppelins")
    assert [h.match for h in hits] == ["zeppelins"]
    annotation = store.annotations.get(hits[0].annotation_id)
    store.annotations.set_note(annotation.id, "now about airships")
    assert store.search.notes("zeppelins") == [] and len(store.search.notes("airships")) == 1
    store.history.undo()
    assert len(store.search.notes("zeppelins")) == 1 and store.search.notes("airships") == []


@pytest.mark.parametrize("author", ["ada", "O'Brien; DROP TABLE annotations; --", "nul\0inside", "“Zoë” 日本"])
def test_bulk_insert_stores_each_row_as_a_single_create_would(store, author):
    """The values every row shares are written into the statement: any author's name comes back as given."""
    doc = add_document(store)
    text = store.documents.text(doc.version_id)
    writer = store.as_author(author)
    pairs = [(anchor_span(text, 0, 6), "a note"), (anchor_span(text, 8, 14), "")]
    assert writer.annotations.insert_many(doc.version_id, pairs) == 2
    made = sorted(store.annotations.list(), key=lambda a: a.start)
    one = writer.annotations.create(doc, anchor_span(text, 20, 26))
    assert [(a.author, a.version_id, a.start, a.end, a.note) for a in made] == [
        (author, doc.version_id, 0, 6, "a note"), (author, doc.version_id, 8, 14, "")]
    assert made[0].created == made[0].updated and made[0].created <= one.created
    keys = {row[0] for row in store.db.execute("SELECT version_key FROM annotations")}
    assert keys == {store.db.execute("SELECT rowid FROM versions WHERE id = ?", (doc.version_id,)).fetchone()[0]}


def test_bulk_insert_into_a_version_that_does_not_exist_stores_nothing(store):
    doc = add_document(store)
    text = store.documents.text(doc.version_id)
    with pytest.raises(NotFound, match="no-such-version"):
        store.annotations.insert_many("no-such-version", [(anchor_span(text, 0, 6), "")])
    assert store.annotations.list() == []
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1  # checked once for the rows, on again after


def test_bulk_insert_inside_a_larger_write_is_part_of_it(store):
    doc = add_document(store)
    text = store.documents.text(doc.version_id)
    with writing(store.db):
        assert store.annotations.insert_many(doc.version_id, [(anchor_span(text, 0, 6), "a note")]) == 1
        with pytest.raises(NotFound):
            store.annotations.insert_many("no-such-version", [(anchor_span(text, 0, 6), "")])
        assert store.annotations.insert_many(doc.version_id, [(anchor_span(text, 7, 12), "")]) == 1
    assert sorted(a.note for a in store.annotations.list()) == ["", "a note"]  # the larger write was kept whole
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_bulk_insert_whose_commit_fails_keeps_nothing_and_checks_foreign_keys_again(store, monkeypatch):
    doc = add_document(store)
    text = store.documents.text(doc.version_id)
    real = store.db.conn

    class BusyAtCommit:
        """The library's connection, whose COMMIT fails as SQLite's does when a reader holds it up."""

        def __getattr__(self, name):
            return getattr(real, name)

        def execute(self, sql, *args):
            if sql == "COMMIT":
                raise sqlite3.OperationalError("database is locked")
            return real.execute(sql, *args)

    monkeypatch.setattr(store.db, "conn", BusyAtCommit())
    with pytest.raises(sqlite3.OperationalError):
        store.annotations.insert_many(doc.version_id, [(anchor_span(text, 0, 6), "")])
    monkeypatch.undo()
    assert not real.in_transaction
    assert store.annotations.list() == []
    assert real.execute("PRAGMA foreign_keys").fetchone()[0] == 1


# review findings -------------------------------------------------------------
def test_undo_after_a_merge_keeps_the_merged_tag(store):
    doc = add_document(store)
    a = annotate(store, doc, "The bridge is safe.", tags=["Src"])
    store.annotations.set_note(a.id, "x")
    store.tags.add("Dst", TagKind.TOPIC)
    store.tags.merge("Src", "Dst")
    store.history.undo()  # the note, not the tags
    assert store.annotations.get(a.id).note == ""
    assert [t.name for t in store.annotations.get(a.id).tags] == ["Dst"]
    store.history.redo()
    assert [t.name for t in store.annotations.get(a.id).tags] == ["Dst"]


def test_undo_of_an_old_step_keeps_later_edits_of_other_fields(store, db_path):
    doc = add_document(store)
    a = annotate(store, doc, "The bridge is safe.", tags=["One"])
    store.annotations.add_tags(a.id, ["Two"])
    bob = Store.open(db_path, author="bob")
    bob.annotations.set_note(a.id, "bob's note")
    store.history.undo()  # ada's "add tags"
    after = store.annotations.get(a.id)
    assert after.note == "bob's note" and [t.name for t in after.tags] == ["One"]
    bob.close()


def test_rename_into_own_subtopic(store):
    store.tags.ensure("A")
    store.tags.ensure("A/B")
    store.tags.rename("A", "A/B")
    assert sorted(t.name for t in store.tags.all()) == ["A/B", "A/B/B"]


def test_alias_collisions_are_refused(store):
    store.tags.add("X", TagKind.ENTITY, entity_type="Person", aliases=("Foo",))
    with pytest.raises(MarginError, match="already names"):
        store.tags.add("Y", TagKind.ENTITY, entity_type="Person", aliases=("foo",))
    with pytest.raises(MarginError, match="own name"):
        store.tags.add_alias("X", "x")


@pytest.mark.parametrize(
    "spec,kind,name",
    [
        ("Re: secrecy", TagKind.TOPIC, "Re: secrecy"),
        ("Meeting 10:30", None, "Meeting 10:30"),
        ("Person: Ada", TagKind.ENTITY, "Ada"),
    ],
)
def test_colons_make_entities_only_when_meant(spec, kind, name):
    parsed = parse_tag_spec(spec)
    assert (parsed.kind or TagKind.TOPIC, parsed.name) == (kind or TagKind.TOPIC, name)


def test_a_url_is_not_an_entity():
    with pytest.raises(MarginError, match="empty path segment"):
        parse_tag_spec("http://example.org")


def test_library_types_allow_a_space_after_the_colon(store):
    store.tags.ensure("Vessel:Beagle")
    tag = store.tags.ensure("Vessel: Endeavour")
    assert tag.kind is TagKind.ENTITY and tag.entity_type == "Vessel" and tag.name == "Endeavour"


def test_merging_a_topic_moves_its_subtopics(store):
    doc = add_document(store)
    a = annotate(store, doc, "The bridge is safe.", tags=["Claim/Safety"])
    b = annotate(store, doc, "The closure is a precaution.", tags=["Claim/Cost"])
    store.tags.ensure("Assertion/Cost")
    store.tags.ensure("Claim")
    store.tags.ensure("Assertion")
    store.tags.merge("Claim", "Assertion")
    assert sorted(t.name for t in store.tags.all()) == ["Assertion", "Assertion/Cost", "Assertion/Safety"]
    assert [t.name for t in store.annotations.get(a.id).tags] == ["Assertion/Safety"]
    assert [t.name for t in store.annotations.get(b.id).tags] == ["Assertion/Cost"]
    with pytest.raises(MarginError, match="cannot merge"):
        store.tags.ensure("Organization:Port Authority")
        store.tags.merge("Port Authority", "Assertion")


def test_reverting_a_file_reads_the_earlier_version_again(store):
    first = store.documents.import_loaded("/d/n.txt", "v1", loaded()).document
    store.documents.import_loaded("/d/n.txt", "v2", loaded(NOTICE.replace("April", "May")))
    back = store.documents.import_loaded("/d/n.txt", "v1", loaded())
    assert back.status == "reverted" and back.document.version_id == first.version_id
    copy = store.documents.import_loaded("/elsewhere/n.txt", "v1", loaded())
    assert copy.status == "unchanged" and copy.document.id == first.id


def test_counts_separate_placed_and_orphaned_annotations(store):
    doc = store.documents.import_loaded("/d/n.txt", "v1", loaded()).document
    annotate(store, doc, "The bridge is safe.")
    annotate(store, doc, "The closure is a precaution.")
    changed = store.documents.import_loaded(
        "/d/n.txt", "v2", loaded(NOTICE.replace("The closure is a precaution. ", "") + "More.")
    ).document
    assert (changed.annotation_count, changed.orphaned_count, changed.review_count) == (1, 1, 1)
    assert [a.exact for a in store.annotations.list()] == ["The bridge is safe."]
    assert [a.exact for a in store.annotations.list(include_orphans=True) if a.orphaned] == ["The closure is a precaution."]
    assert len(store.annotations.list(current_only=False)) == 2


def test_links_to_a_deleted_passage_are_not_marked_and_duplicates_refused(store):
    doc = add_document(store)
    a = annotate(store, doc, "The bridge is safe.")
    b = annotate(store, doc, "The closure is a precaution.")
    store.links.create(a.id, b.id, "contradicts")
    with pytest.raises(MarginError, match="already linked"):
        store.links.create(a.id, b.id, "contradicts")
    assert all(s.linked for s in store.annotations.spans(doc.version_id))
    assert store.annotations.spans(doc.version_id).any_linked()
    store.annotations.delete(b.id)
    assert [s.linked for s in store.annotations.spans(doc.version_id)] == [False]
    assert not store.annotations.spans(doc.version_id).any_linked()


def test_spans_held_as_columns_read_back_as_the_records_they_hold(store):
    doc = add_document(store)
    tagged = annotate(store, doc, "The bridge is safe.", tags=["Theme/Safety"])
    plain = annotate(store, doc, "The closure is a precaution.")
    other = annotate(store, doc, "The remainder will be met from reserves.")
    store.links.create(plain.id, other.id, "see-also")
    spans = store.annotations.spans(doc.version_id)
    colour = store.tags.find("Theme/Safety").colour
    records = sorted(
        [Span(tagged.id, tagged.start, tagged.end, colour, False), Span(plain.id, plain.start, plain.end, None, True),
         Span(other.id, other.start, other.end, None, True)],
        key=lambda s: (s.start, s.end),
    )
    assert list(spans) == records and spans == records and len(spans) == 3
    assert [spans[i] for i in range(3)] == records and spans[-1] == records[-1] and spans[1:] == records[1:]
    assert spans != records[:2] and spans != list(reversed(records))


def test_two_writers_take_turns(db_path):
    import threading
    import time

    first = Store.open(db_path, author="ada")
    doc = add_document(first)
    second = Store.open(db_path, author="bob")
    holding = threading.Event()

    def hold_the_lock() -> None:
        from annotations.store.transaction import writing

        with writing(first.db):
            first.db.execute("UPDATE documents SET title = title")
            holding.set()
            time.sleep(0.3)

    worker = threading.Thread(target=hold_the_lock)
    worker.start()
    holding.wait()
    annotate(second, doc, "The bridge is safe.")  # waits for the lock instead of failing
    worker.join()
    assert len(first.annotations.list()) == 1
    first.close()
    second.close()


def test_search_ignores_accents_like_the_index_does(store):
    add_document(store, "Le café de la gare. Über alles.\n", title="Accents")
    assert [h.match for h in store.search.documents("cafe")] == ["café"]
    assert [h.match for h in store.search.documents("uber")] == ["Über"]
    assert [h.match for h in store.search.documents("CAFÉ")] == ["café"]


def test_a_title_only_match_is_still_a_hit(store):
    add_document(store, "Nothing in the body about it.\n", title="Zebra report")
    hits = store.search.documents("zebra")
    assert [(h.title, h.start) for h in hits] == [("Zebra report", 0)]


def test_limit_counts_documents(store):
    for number in range(5):
        add_document(store, f"The bridge number {number} is open.\n", title=f"Doc {number}")
    hits = store.search.documents("bridge", limit=3, per_document=1)
    assert len({h.document_id for h in hits}) == 3


def test_search_finds_words_inside_chinese_and_japanese_text(store):
    add_document(store, "人類社会のすべての構成員の固有の尊厳と平等で譲ることのできない権利\n", title="日本語")
    add_document(store, "人人生而自由,在尊严和权利上一律平等。\n", title="中文")
    hits = store.search.documents("尊厳")
    assert [(h.title, h.match) for h in hits] == [("日本語", "尊厳")]
    assert {h.title for h in store.search.documents("権利")} == {"日本語"}
    assert {h.title for h in store.search.documents("平等")} == {"日本語", "中文"}


def test_search_in_shared_udhr_translations(store, shared):
    from reader.formats import read_source

    for name in ("jpn.txt", "kor.txt", "cmn_hans.txt", "eng.txt"):
        source = read_source(shared / "corpus" / "udhr" / name)
        store.documents.import_loaded(str(source.path), source.sha256, source.document)
    # Each file's first line is its headline, so that is its title.
    assert {h.title for h in store.search.documents("人権")} == {"『世界人権宣言』"}
    assert {h.title for h in store.search.documents("인권")} == {"세 계 인 권 선 언"}
    assert any(h.match.lower() == "human rights" for h in store.search.documents("human rights"))


def test_a_second_open_in_the_same_process_keeps_the_first_ones_writes(db_path):
    """Opening the library again (as the reader's workers do) must not drop the
    first connection's locks: another process closing the library would then
    delete the write-ahead log and lose what was saved."""
    import subprocess
    import sys

    reader = Store.open(db_path, author="ada")
    doc = add_document(reader)
    worker = reader.reopen()
    worker.close()
    annotate(reader, doc, "The bridge is safe.", note="first")
    other_process = f"from annotations.store import Store; Store.open({str(db_path)!r}, author='bob').close()"
    subprocess.run([sys.executable, "-c", other_process], check=True)
    annotate(reader, doc, "The closure is a precaution.", note="second")
    other_writes = (
        "from annotations.store import Store; from annotations.anchoring import anchor_quote\n"
        f"s = Store.open({str(db_path)!r}, author='bob'); d = s.documents.all()[0]\n"
        "s.annotations.create(d, anchor_quote(s.documents.text(d.version_id), 'Costs'), note='bob')\n"
        "s.close()"
    )
    subprocess.run([sys.executable, "-c", other_writes], check=True)
    annotate(reader, doc, "The remainder will be met from reserves.", note="third")
    reader.close()
    check = Store.open(db_path, author="eve")
    assert sorted(a.note for a in check.annotations.list()) == ["bob", "first", "second", "third"]
    assert check.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    check.close()


def test_get_many_finds_deleted_ones_too_and_leaves_out_unknown_ids(store):
    doc = add_document(store)
    text = store.documents.text(doc.version_id)
    store.annotations.insert_many(doc.version_id, [(anchor_span(text, n % 180, n % 180 + 4), "") for n in range(600)])
    ids = [row[0] for row in store.db.execute("SELECT id FROM annotations ORDER BY rowid")]
    store.annotations.delete(ids[3])
    found = store.annotations.get_many([*ids, "not-an-id", ids[0]])
    assert set(found) == set(ids) and len(ids) == 600  # more than one chunk of ids
    assert found[ids[3]].deleted and not found[ids[4]].deleted
    assert found[ids[5]] == store.annotations.get(ids[5])


def test_spans_within_a_stretch_are_the_spans_overlapping_it_long_ones_included(store):
    text = " ".join(f"word{i}" for i in range(20_000))
    doc = add_document(store, text, "Long")
    rng = random.Random(4)
    pairs = []
    for _ in range(400):
        start = rng.randrange(0, len(text) - 300)
        pairs.append((anchor_span(text, start, start + rng.randrange(1, 300)), ""))
    pairs.append((anchor_span(text, 10, len(text) - 10), ""))  # longer than any usual bound: still found
    store.annotations.insert_many(doc.version_id, pairs)
    every = store.annotations.spans(doc.version_id)
    for start, end in ((0, 2_000), (50_000, 53_000), (len(text) - 500, len(text))):
        expected = [s for s in every if s.start < end and s.end > start]
        assert store.annotations.spans(doc.version_id, within=(start, end)) == expected
        assert any(s.end - s.start > 100_000 for s in expected)
    assert store.annotations.spans(doc.version_id, author="nobody", within=(0, 2_000)) == []


def test_a_new_library_has_larger_pages_and_an_existing_one_keeps_its_own(tmp_path):
    from annotations.store.connection import PAGE_SIZE

    def page_size(path):
        conn = sqlite3.connect(path)
        try:
            return conn.execute("PRAGMA page_size").fetchone()[0]
        finally:
            conn.close()

    made = tmp_path / "new.db"
    with Store.open(made, author="ada") as store:
        annotate(store, add_document(store), "The bridge is safe.")
        # the log is copied back at the same size in bytes as with SQLite's default pages
        assert store.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] * PAGE_SIZE == 1000 * 4096
    empty = tmp_path / "empty.db"
    empty.touch()  # a file made empty by another program is a new library too
    with Store.open(empty, author="ada"):
        pass
    assert page_size(made) == page_size(empty) == PAGE_SIZE == 16384
    older = tmp_path / "older.db"
    conn = sqlite3.connect(older)
    conn.execute("PRAGMA page_size=4096")
    conn.execute("VACUUM")
    conn.close()
    with Store.open(older, author="ada") as store:  # made by SQLite's default, as margin made them before
        doc = add_document(store)
        annotate(store, doc, "The bridge is safe.", note="kept")
    with Store.open(older, author="ada") as store:
        assert [a.note for a in store.annotations.list()] == ["kept"]
        assert store.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert page_size(older) == 4096


def test_a_store_reopened_for_a_worker_can_keep_a_small_page_cache_and_reads_the_same(db_path):
    reader = Store.open(db_path, author="ada")
    doc = add_document(reader)
    annotate(reader, doc, "The bridge is safe.", note="first")
    with reader.reopen() as usual, reader.reopen(cache_kib=512) as small:
        assert usual.db.execute("PRAGMA cache_size").fetchone()[0] == -65536
        assert small.db.execute("PRAGMA cache_size").fetchone()[0] == -512
        assert small.annotations.spans(doc.version_id) == usual.annotations.spans(doc.version_id) != []
    assert reader.db.execute("PRAGMA cache_size").fetchone()[0] == -65536
    reader.close()


def test_an_import_knows_an_id_it_stored_and_one_another_import_stored(store):
    doc = add_document(store)
    text = store.documents.text(doc.version_id)
    foreign = "0b1e2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d"
    with store.importing() as batch:
        assert not batch.has_annotation(foreign)
        assert not batch.has_annotation(foreign)  # asked again (the reading, the placing and the store each ask)
        assert batch.annotation(doc, anchor_span(text, 0, 6), tag_ids=[], annotation_id=foreign) == foreign
        assert batch.has_annotation(foreign)
        # Asked about again, an id already stored is not kept for a second annotation.
        other = batch.annotation(doc, anchor_span(text, 7, 12), tag_ids=[], annotation_id=foreign)
        assert other != foreign
    with store.importing() as later:
        assert later.has_annotation(foreign) and later.has_annotation(other)
    assert {a.id for a in store.annotations.list()} == {foreign, other}


def test_an_import_looks_up_many_ids_at_once_and_answers_for_each_as_before(store):
    doc = add_document(store)
    text = store.documents.text(doc.version_id)
    with store.importing() as batch:
        kept = [batch.annotation(doc, anchor_span(text, n, n + 4), tag_ids=[]) for n in range(0, 40, 5)]
    others = [f"{n:08x}-0000-4000-8000-000000000000" for n in range(1200)]  # more than one statement's worth
    with store.importing() as batch:
        statements: list[str] = []
        store.db.conn.set_trace_callback(statements.append)
        try:
            batch.look_up(others + kept + others[:3])
            assert len(statements) == 3  # 1,208 ids, 500 to a statement
            assert not any(batch.has_annotation(identifier) for identifier in others)
            assert len(statements) == 3  # the ids not in the library are known without asking again
            assert all(batch.has_annotation(identifier) for identifier in kept)
        finally:
            store.db.conn.set_trace_callback(None)
        stored = batch.annotation(doc, anchor_span(text, 50, 55), tag_ids=[], annotation_id=others[7])
        assert stored == others[7] and batch.has_annotation(others[7])
