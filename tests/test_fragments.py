"""Discontinuous passages: stored as fragments, drawn and found per fragment, re-anchored per fragment, undone."""

from __future__ import annotations

import pytest

from annotations.anchoring import anchor_fragments, anchor_quotes
from annotations.errors import MarginError, NotFound
from annotations.store import Store

from .conftest import NOTICE, add_document, fixed_clock, loaded

PATH = "/docs/notice.txt"


def new_version(store: Store, text: str, sha: str):
    return store.documents.import_loaded(PATH, sha, loaded(text))


def fragmented(store: Store, doc, *quotes: str, **kwargs):
    text = store.documents.text(doc.version_id)
    anchor, fragments = anchor_quotes(text, quotes)
    return store.annotations.create(doc, anchor, fragments=fragments, **kwargs)


def test_anchor_fragments_orders_merges_and_falls_back_to_one_passage():
    text = "abcdefghijklmnop"
    anchor, fragments = anchor_fragments(text, [(10, 12), (0, 3)])
    assert [(f.start, f.end, f.exact) for f in fragments] == [(0, 3, "abc"), (10, 12, "kl")]
    assert (anchor.start, anchor.end) == (0, 12)
    anchor, fragments = anchor_fragments(text, [(0, 3), (2, 5)])
    assert fragments == () and (anchor.start, anchor.end, anchor.exact) == (0, 5, "abcde")
    with pytest.raises(MarginError):
        anchor_fragments(text, [(0, 3), (15, 40)])


def test_later_quotes_are_found_after_the_one_before():
    anchor, fragments = anchor_quotes(NOTICE, ["The remainder", "The bridge"])
    assert fragments[1].start == NOTICE.index("The bridge reopens")
    with pytest.raises(NotFound):
        anchor_quotes(NOTICE, ["The bridge reopens", "Notice"])


def test_a_passage_in_fragments_is_stored_shown_and_drawn_as_its_fragments(store):
    doc = add_document(store)
    made = fragmented(store, doc, "The bridge will close", "until 28 April", tags=["Topic/Dates"])
    got = store.annotations.get(made.id)
    assert got.quote == "The bridge will close … until 28 April"
    assert [f.exact for f in got.fragments] == ["The bridge will close", "until 28 April"]
    # The single-span columns are the covering span, for everything that knows no fragments.
    assert (got.start, got.end) == (got.fragments[0].start, got.fragments[1].end)
    spans = store.annotations.spans(doc.version_id)
    assert [(s.id, s.start, s.end) for s in spans] == [(made.id, f.start, f.end) for f in got.fragments]
    gap = NOTICE.index("from 10 March")
    assert store.annotations.overlapping(doc.version_id, gap, gap + 4) == []
    assert [a.id for a in store.annotations.overlapping(doc.version_id, got.fragments[1].start, got.fragments[1].start + 1)] == [made.id]


def test_undo_of_a_move_gives_the_fragments_back(store):
    doc = add_document(store)
    made = fragmented(store, doc, "The bridge will close", "until 28 April")
    text = store.documents.text(doc.version_id)
    anchor, _ = anchor_fragments(text, [(0, 6)])
    store.annotations.move(made.id, anchor)
    assert store.annotations.get(made.id).fragments == ()
    store.history.undo()
    assert store.annotations.get(made.id).fragments == made.fragments


def test_each_fragment_is_re_anchored_like_a_passage(store):
    doc = new_version(store, NOTICE, "v1").document
    made = fragmented(store, doc, "The closure is a precaution.", "The bridge reopens in April.")
    changed = "Preface.\n\n" + NOTICE.replace("The remainder will be met from reserves. ", "Reserves pay the rest. ")
    result = new_version(store, changed, "v2")
    moved = store.annotations.get(made.id)
    assert moved.version_id == result.document.version_id and moved.anchor_state == "moved"
    assert [changed[f.start : f.end] for f in moved.fragments] == ["The closure is a precaution.", "The bridge reopens in April."]
    assert (moved.start, moved.end) == (moved.fragments[0].start, moved.fragments[-1].end)
    assert moved.exact == changed[moved.start : moved.end]


def test_a_passage_with_a_fragment_not_found_is_orphaned_whole_and_keeps_every_fragment(store):
    doc = new_version(store, NOTICE, "v1").document
    made = fragmented(store, doc, "The closure is a precaution.", "The bridge reopens in April.")
    result = new_version(store, NOTICE.replace("The bridge reopens in April.", "Work goes on."), "v2")
    assert result.reanchored.orphaned == 1 and result.reanchored.fragments_lost == 1
    assert "1 fragment of passages in fragments not found (kept on the old text)" in result.reanchored.describe()
    orphan = store.annotations.get(made.id)
    assert orphan.orphaned and orphan.version_id == doc.version_id and orphan.fragments == made.fragments
    assert store.annotations.spans(result.document.version_id) == []



def test_collecting_a_students_passage_in_fragments_keeps_its_fragments(tmp_path):
    from annotations.classroom.collect import collect

    from .test_classroom_collect import _student, _teacher

    library, pack = _teacher(tmp_path)
    with _student(pack, tmp_path, "ada") as ada:
        doc = ada.documents.all()[0]
        made = fragmented(ada, doc, "The bridge will close", "until 28 April", tags=["Claim/Safety"])
    with Store.open(library, author="teacher") as store:
        collect(store, [tmp_path / "ada.margin"])
        assert store.annotations.get(made.id).fragments == made.fragments
    with Store.open(tmp_path / "ada.margin", author="ada") as ada:
        ada.annotations.move(made.id, ada.annotations.get(made.id).fragments[0])
    with Store.open(library, author="teacher") as store:
        collect(store, [tmp_path / "ada.margin"])
        assert store.annotations.get(made.id).fragments == ()


def test_agreement_counts_a_passage_in_fragments_where_its_fragments_are(store):
    from annotations.anchoring import anchor_quote
    from annotations.classroom.agreement import measure

    doc = add_document(store)
    fragmented(store.as_author("ada"), doc, "The bridge will close", "until 28 April", tags=["Claim"])
    bo = store.as_author("bo")
    for quote in ("The bridge will close", "until 28 April"):
        bo.annotations.create(doc, anchor_quote(NOTICE, quote), tags=["Claim"])
    (row,) = [r for r in measure(store).rows if r.tag == "Claim"]
    # The same characters, gap left out by both: full agreement, and the same spans.
    assert row.alpha == 1.0 and row.f1_exact == 1.0 and row.spans == {"ada": 2, "bo": 2}


def test_the_health_check_looks_at_each_fragment(store):
    from annotations.store.maintenance import examine

    doc = add_document(store)
    made = fragmented(store, doc, "The bridge will close", "until 28 April")
    assert not [p for p in examine(store.db).problems if p.startswith("annotations:")]
    store.db.execute("UPDATE annotation_fragments SET exact = 'something else' WHERE annotation_id = ? AND seq = 1", (made.id,))
    store.db.conn.commit()
    (problem,) = [p for p in examine(store.db).problems if p.startswith("annotations:")]
    assert "1 annotation whose quote is not the text" in problem and made.id[:8] in problem
