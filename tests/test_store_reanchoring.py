"""Re-anchoring inside the store: versions, links, undo, orphans tried again, reading position."""

from __future__ import annotations

from annotations.anchoring import anchor_quote, anchor_span
from annotations.store import Store

from .conftest import NOTICE, fingerprint, loaded

PATH = "/docs/notice.txt"


def new_version(store: Store, text: str, sha: str):
    return store.documents.import_loaded(PATH, sha, loaded(text))


def annotate(store: Store, doc, quote: str, **kwargs):
    text = store.documents.text(doc.version_id)
    return store.annotations.create(doc, anchor_quote(text, quote), **kwargs)


def test_links_tags_and_notes_stay_with_moved_and_orphaned_annotations(store):
    doc = new_version(store, NOTICE, "v1").document
    kept = annotate(store, doc, "The remainder will be met from reserves.", tags=["Topic/Money"], note="funding")
    lost = annotate(store, doc, "The closure is a precaution.", tags=["Person:Mara"], note="hedge")
    link = store.links.create(kept.id, lost.id, "contradicts")
    changed = "Preface.\n\n" + NOTICE.replace("The closure is a precaution. ", "")
    result = new_version(store, changed, "v2")
    assert (result.reanchored.moved, result.reanchored.orphaned) == (1, 1)
    moved, orphan = store.annotations.get(kept.id), store.annotations.get(lost.id)
    assert moved.version_id == result.document.version_id and moved.start == changed.index(kept.exact)
    assert [t.name for t in moved.tags] == ["Topic/Money"] and moved.note == "funding"
    assert orphan.orphaned and orphan.version_id == doc.version_id and orphan.exact == lost.exact
    assert [t.name for t in orphan.tags] == ["Mara"] and orphan.note == "hedge"
    assert [l.id for l in store.links.for_annotations([kept.id])] == [link.id]
    # The old version is kept, whole.
    assert store.documents.text(doc.version_id) == NOTICE


def test_an_orphan_is_found_again_when_its_words_come_back(store):
    doc = new_version(store, NOTICE, "v1").document
    lost = annotate(store, doc, "The closure is a precaution.")
    new_version(store, NOTICE.replace("The closure is a precaution. ", ""), "v2")
    assert store.annotations.get(lost.id).orphaned
    third = new_version(store, NOTICE.replace("Notice", "NOTICE", 1), "v3")
    back = store.annotations.get(lost.id)
    assert back.anchor_state == "moved" or back.anchor_state == "exact"
    assert back.version_id == third.document.version_id
    text = store.documents.text(back.version_id)
    assert text[back.start : back.end] == "The closure is a precaution."


def test_reverting_the_file_brings_annotations_back_to_the_first_text(store):
    first = new_version(store, NOTICE, "v1").document
    a = annotate(store, first, "The bridge is safe.")
    new_version(store, "Update.\n\n" + NOTICE, "v2")
    made_on_second = annotate(store, store.documents.get(first.id), "Update.")
    back = new_version(store, NOTICE, "v1")
    assert back.status == "reverted"
    placed = store.annotations.get(a.id)
    assert placed.version_id == first.version_id and (placed.start, placed.end) == (a.start, a.end)
    assert store.annotations.get(made_on_second.id).orphaned  # "Update." is not in the first text


def test_undo_of_an_edit_made_before_the_text_changed_never_misplaces_the_passage(store):
    doc = new_version(store, NOTICE, "v1").document
    a = annotate(store, doc, "The bridge is safe.")
    text = store.documents.text(doc.version_id)
    start = text.index("The closure")
    store.annotations.move(a.id, anchor_span(text, start, start + len("The closure")))
    store.annotations.set_note(a.id, "later note")
    second = new_version(store, "A new first line.\n\n" + NOTICE, "v2").document
    placed = store.annotations.get(a.id)
    assert placed.exact == "The closure"
    store.history.undo()  # the note
    store.history.undo()  # the move, recorded against the first text
    now = store.annotations.get(a.id)
    new_text = store.documents.text(second.version_id)
    # Offsets of the first text are not written onto the second: the quote still matches its place.
    assert now.version_id == second.version_id
    assert new_text[now.start : now.end] == now.exact


def test_reading_position_follows_the_edit(store):
    doc = new_version(store, NOTICE, "v1").document
    offset = NOTICE.index("Costs")
    store.reading.remember(doc.id, offset)
    new_version(store, "Preface.\n\n" + NOTICE, "v2")
    assert store.reading.position(doc.id) == offset + len("Preface.\n\n")


def test_a_failed_import_leaves_annotations_where_they_were(store, db_path, monkeypatch):
    doc = new_version(store, NOTICE, "v1").document
    annotate(store, doc, "The bridge is safe.")
    before = fingerprint(db_path)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store.documents.reanchorer, "run", broken)
    try:
        new_version(store, NOTICE + "More.\n", "v2")
    except RuntimeError:
        pass
    # The new version and the annotations' new places commit together, or not at all.
    assert fingerprint(db_path) == before


def test_an_unreviewed_placement_stays_in_review_when_the_file_changes_again(store):
    doc = new_version(store, NOTICE, "v1").document
    fuzzy = annotate(store, doc, "The closure is a precaution.")
    new_version(store, NOTICE.replace("a precaution", "a precautoin"), "v2")
    placed = store.annotations.get(fuzzy.id)
    assert placed.anchor_state == "fuzzy" and placed.needs_review
    new_version(store, NOTICE.replace("a precaution", "a precautoin") + "Appended.\n", "v3")
    still = store.annotations.get(fuzzy.id)
    assert still.anchor_state == "fuzzy" and still.needs_review and still.anchor_score == placed.anchor_score
    assert [a.id for a in store.annotations.review_queue([doc.id])] == [fuzzy.id]
    store.annotations.accept_place(fuzzy.id)
    new_version(store, NOTICE.replace("a precaution", "a precautoin") + "Appended twice.\n", "v4")
    assert not store.annotations.get(fuzzy.id).needs_review  # accepted: a later unrelated edit does not reopen it
