"""Collecting students' copies: a state merge by id that is idempotent and does not depend on file order."""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.anchoring import anchor_quote, anchor_span
from annotations.classroom.collect import collect
from annotations.classroom.packs import create_pack, join_pack
from annotations.errors import MarginError
from annotations.store import Store

from .conftest import NOTICE, add_document, fingerprint, fixed_clock

TAGS = ("Claim/Safety", "Claim/Cost", "Person:Mayor")


def _teacher(folder: Path) -> tuple[Path, Path]:
    """A teacher's library with the notice and three tags, and a pack made from it."""
    library, pack = folder / "teacher.db", folder / "week1.margin"
    with Store.open(library, author="teacher", clock=fixed_clock()) as store:
        add_document(store)
        for tag in TAGS:
            store.tags.ensure(tag)
        create_pack(store, pack, title="Week 1", document_ids=[d.id for d in store.documents.all()], tag_ids=None)
    return library, pack


def _ticking(start: int, step: int = 1):
    """A clock that may give the same time to two students, so ties are exercised."""
    counter = itertools.count(start, step)
    return lambda: f"2026-11-23T10:00:{next(counter) // 2:02d}.000000Z"


def _student(pack: Path, folder: Path, name: str, clock=None) -> Store:
    path = folder / f"{name}.margin"
    join_pack(pack, path, author=name)
    return Store.open(path, author=name, clock=clock or fixed_clock())


def _annotate(store: Store, quote: str, *tags: str, note: str = ""):
    doc = store.documents.all()[0]
    return store.annotations.create(doc, anchor_quote(NOTICE, quote), tags=list(tags), note=note)


def dump(path: Path) -> list[tuple]:
    """What a teacher would see: every annotation (deleted too) with its tags by name, and every link."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            'SELECT a.id, a.start, a."end", a.exact, a.note, a.author, a.created, a.updated, a.deleted,'
            " (SELECT group_concat(name, '|') FROM (SELECT t.name FROM annotation_tags at JOIN tags t ON t.id = at.tag_id"
            "   WHERE at.annotation_id = a.id ORDER BY t.name))"
            " FROM annotations a ORDER BY a.id"
        ).fetchall()
        links = conn.execute("SELECT id, source_id, target_id, relation, note, updated, deleted FROM links ORDER BY id").fetchall()
        return rows + links
    finally:
        conn.close()


def _collect_into(library: Path, files: list[Path], copy_to: Path) -> list[tuple]:
    shutil.copy(library, copy_to)
    with Store.open(copy_to, author="teacher") as store:
        collect(store, files)
    return dump(copy_to)


def test_each_students_work_arrives_as_their_own_layer(tmp_path):
    library, pack = _teacher(tmp_path)
    with _student(pack, tmp_path, "ada") as ada, _student(pack, tmp_path, "bo") as bo:
        _annotate(ada, "The closure is a precaution.", "Claim/Safety", note="hedged")
        _annotate(bo, "The closure is a precaution.", "Claim/Cost")
        _annotate(bo, "The bridge is safe.", "Claim/Safety")
    with Store.open(library, author="teacher") as store:
        reports = collect(store, [tmp_path / "ada.margin", tmp_path / "bo.margin"])
        assert [(r.author, r.added) for r in reports] == [("ada", 1), ("bo", 2)]
        assert {a.author for a in store.annotations.list()} == {"ada", "bo"}
        assert len(store.documents.all()) == 1 and len(store.tags.all()) == 3  # lined up by id, nothing doubled
        assert [a.note for a in store.annotations.list(authors=["ada"])] == ["hedged"]
        assert store.search.notes("hedged")


def test_collecting_again_brings_only_what_changed_including_tag_only_edits_and_deletions(tmp_path):
    library, pack = _teacher(tmp_path)
    ada_file = tmp_path / "ada.margin"
    with _student(pack, tmp_path, "ada") as ada:
        first = _annotate(ada, "The closure is a precaution.", "Claim/Safety")
        second = _annotate(ada, "The bridge is safe.", "Claim/Safety")
    with Store.open(library, author="teacher") as store:
        collect(store, [ada_file])
        before = fingerprint(library)
        again = collect(store, [ada_file])[0]
        assert (again.added, again.updated, again.deleted, again.unchanged) == (0, 0, 0, 2)
    assert fingerprint(library) == before
    with Store.open(ada_file, author="ada", clock=fixed_clock()) as ada:
        ada.clock = ada.annotations.clock = ada.tags.clock = lambda: "2027-01-01T00:00:00.000000Z"
        ada.annotations.add_tags(first.id, ["Claim/Cost"])
        ada.annotations.delete(second.id)
    with Store.open(library, author="teacher") as store:
        report = collect(store, [ada_file])[0]
        assert (report.added, report.updated, report.deleted) == (0, 1, 1)
        assert {t.name for t in store.annotations.get(first.id).tags} == {"Claim/Safety", "Claim/Cost"}
        assert store.annotations.get(second.id).deleted


def test_an_older_copy_cannot_bring_a_deleted_annotation_back(tmp_path):
    library, pack = _teacher(tmp_path)
    with _student(pack, tmp_path, "ada") as ada:
        made = _annotate(ada, "The bridge is safe.", "Claim/Safety")
    old = tmp_path / "ada-old.margin"
    shutil.copy(tmp_path / "ada.margin", old)
    with Store.open(tmp_path / "ada.margin", author="ada", clock=fixed_clock()) as ada:
        ada.annotations.clock = lambda: "2027-01-01T00:00:00.000000Z"
        ada.annotations.delete(made.id)
    with Store.open(library, author="teacher") as store:
        collect(store, [tmp_path / "ada.margin"])
        collect(store, [old])
        assert store.annotations.get(made.id).deleted


def test_a_file_from_another_pack_or_not_margins_is_refused_and_nothing_changes(tmp_path):
    library, pack = _teacher(tmp_path)
    with _student(pack, tmp_path, "ada") as ada:
        _annotate(ada, "The bridge is safe.", "Claim/Safety")
    other_folder = tmp_path / "other"
    other_folder.mkdir()
    _, other_pack = _teacher(other_folder)
    with _student(other_pack, other_folder, "zed") as zed:
        _annotate(zed, "The bridge is safe.", "Claim/Safety")
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a library")
    before = fingerprint(library)
    with Store.open(library, author="teacher") as store:
        for files, says in (
            ([tmp_path / "ada.margin", other_folder / "zed.margin"], "another class pack"),
            ([tmp_path / "ada.margin", text_file], "not a margin library"),
            ([tmp_path / "ada.margin", tmp_path / "absent.margin"], "no file"),
        ):
            with pytest.raises(MarginError) as refused:
                collect(store, files)
            assert says in str(refused.value) and "\n" not in str(refused.value)
    assert fingerprint(library) == before


def test_a_plain_library_is_matched_by_text_and_tag_name(tmp_path):
    library, _ = _teacher(tmp_path)
    plain = tmp_path / "plain.db"
    with Store.open(plain, author="cy", clock=fixed_clock()) as cy:
        add_document(cy, path="/elsewhere/notice.txt")
        _annotate(cy, "The bridge is safe.", "Claim/Safety", "Theme/Trust")
    with Store.open(library, author="teacher") as store:
        report = collect(store, [plain])[0]
        assert (report.added, report.documents, report.tags) == (1, 0, 1)
        assert len(store.documents.all()) == 1
        made = store.annotations.list(authors=["cy"])[0]
        assert {t.name for t in made.tags} == {"Claim/Safety", "Theme/Trust"}
        assert store.tags.find("Claim/Safety").id == {t.name: t.id for t in made.tags}["Claim/Safety"]


def test_a_new_library_takes_in_the_documents_too(tmp_path):
    _, pack = _teacher(tmp_path)
    with _student(pack, tmp_path, "ada") as ada:
        _annotate(ada, "The bridge is safe.", "Claim/Safety")
    with Store.open(tmp_path / "fresh.db", author="teacher") as store:
        report = collect(store, [tmp_path / "ada.margin"])[0]
        assert (report.added, report.documents) == (1, 1)
        doc = store.documents.all()[0]
        assert doc.annotation_count == 1 and store.documents.text(doc.version_id) == NOTICE


def test_a_students_tag_colour_or_document_format_that_is_not_margins_is_taken_in_clean(tmp_path):
    """A student's file may hold any text as a tag's colour (drawn as a style) or a format (shown as text):
    collected, they are stored as margin writes them, the rest of the work untouched."""
    from annotations.store.documents import FALLBACK_FORMAT
    from annotations.store.tag_specs import FALLBACK_COLOUR

    _, pack = _teacher(tmp_path)
    with _student(pack, tmp_path, "ada") as ada:
        _annotate(ada, "The bridge is safe.", "Claim/Safety", "Theme/Trust")
        ada.db.execute("UPDATE tags SET colour = '@click=app.quit' WHERE name = 'Theme/Trust'")
        ada.db.execute("UPDATE versions SET format = '[/x] [@click=app.bell]ring[/]\x1b[2J'")
        ada.db.conn.commit()
    with Store.open(tmp_path / "fresh.db", author="teacher") as store:
        report = collect(store, [tmp_path / "ada.margin"])[0]
        assert (report.added, report.documents) == (1, 1)
        colours = dict(store.db.execute("SELECT name, colour FROM tags").fetchall())
        assert colours["Theme/Trust"] == FALLBACK_COLOUR
        assert colours["Claim/Safety"].startswith("#") and colours["Claim/Safety"] != FALLBACK_COLOUR
        assert store.db.execute("SELECT DISTINCT format FROM versions").fetchall() == [(FALLBACK_FORMAT,)]
        assert {t.name for t in store.annotations.list(authors=["ada"])[0].tags} == {"Claim/Safety", "Theme/Trust"}


# properties ------------------------------------------------------------------
SETTINGS = settings(
    max_examples=int(os.environ.get("MARGIN_PROPERTY_EXAMPLES", "25")),
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
QUOTES = ("Notice", "The bridge will close", "10 March", "The closure is a precaution.", "The bridge is safe.", "reserves")
OP = st.tuples(
    st.sampled_from(["annotate", "tag", "untag", "note", "delete", "link", "move"]),
    st.integers(0, 20), st.integers(0, 20),
)
SCRIPT = st.lists(OP, max_size=12)


def _apply(store: Store, script: list[tuple[str, int, int]]) -> None:
    """Run an edit script; steps that make no sense on the current state are skipped, as a person would."""
    doc = store.documents.all()[0]
    for kind, i, j in script:
        live = store.annotations.list()
        if kind == "annotate" or not live:
            quote = QUOTES[i % len(QUOTES)]
            store.annotations.create(doc, anchor_quote(NOTICE, quote), tags=[TAGS[j % len(TAGS)]])
            continue
        target = live[i % len(live)]
        tag = TAGS[j % len(TAGS)]
        if kind == "tag":
            store.annotations.add_tags(target.id, [tag])
        elif kind == "untag" and target.tags:
            store.annotations.set_tags(target.id, [t.id for t in target.tags][1:])
        elif kind == "note":
            store.annotations.set_note(target.id, f"note {i} {j}")
        elif kind == "delete":
            store.annotations.delete(target.id)
        elif kind == "link":
            other = live[j % len(live)]
            if other.id != target.id:
                try:
                    store.links.create(target.id, other.id, "see-also")
                except MarginError:
                    pass  # already linked that way: refused, as it should be, and skipped
        elif kind == "move":
            store.annotations.move(target.id, anchor_span(NOTICE, target.start, min(len(NOTICE), target.end + 1 + j)))


@SETTINGS
@given(before=SCRIPT, ada=SCRIPT, ada_again=SCRIPT, bo=SCRIPT)
def test_collect_is_idempotent_and_order_independent(tmp_path_factory, before, ada, ada_again, bo):
    folder = tmp_path_factory.mktemp(f"c{uuid.uuid4().hex[:8]}")
    library, pack = _teacher(folder)
    with _student(pack, folder, "ada", clock=_ticking(0)) as store:
        _apply(store, before)
    # A second file holding ada's work so far, edited apart: the same ids in two states, times that can tie.
    shutil.copy(folder / "ada.margin", folder / "ada2.margin")
    with Store.open(folder / "ada.margin", author="ada", clock=_ticking(100)) as store:
        _apply(store, ada)
    with Store.open(folder / "ada2.margin", author="ada", clock=_ticking(100)) as store:
        _apply(store, ada_again)
    with _student(pack, folder, "bo", clock=_ticking(100)) as store:
        _apply(store, bo)
    files = [folder / "ada.margin", folder / "ada2.margin", folder / "bo.margin"]
    forward = _collect_into(library, files, folder / "t1.db")
    backward = _collect_into(library, files[::-1], folder / "t2.db")
    twice = _collect_into(library, [*files, *files], folder / "t3.db")
    assert forward == backward == twice
    shutil.copy(library, folder / "t4.db")
    with Store.open(folder / "t4.db", author="teacher") as store:
        for path in (files[1], files[2], files[0], files[1]):  # one at a time, in yet another order
            collect(store, [path])
    assert dump(folder / "t4.db") == forward


def test_a_students_attributes_travel_with_their_annotation(tmp_path):
    library, pack = _teacher(tmp_path)
    with _student(pack, tmp_path, "ada") as ada:
        made = _annotate(ada, "The closure is a precaution.", "Claim/Safety")
        ada.annotations.change_attributes(made.id, [("Confidence", "High"), ("Negated", True)])
    with Store.open(library, author="teacher") as store:
        collect(store, [tmp_path / "ada.margin"])
        (collected,) = store.annotations.list(authors=["ada"])
        assert dict(collected.attributes) == {"Confidence": "High", "Negated": True}


def _forge(path: Path, sql: str, *params: object) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(sql, params)
    conn.close()


def test_a_students_file_cannot_write_the_consensus_layer_or_anothers_work(tmp_path):
    library, pack = _teacher(tmp_path)
    with _student(pack, tmp_path, "ada") as ada, _student(pack, tmp_path, "bo") as bo:
        _annotate(ada, "The bridge will close", "Claim/Safety")
        _annotate(bo, "a precaution", "Claim/Safety")
        _annotate(bo, "met from reserves", "Claim/Safety")
    with Store.open(library, author="teacher") as store:
        collect(store, [tmp_path / "ada.margin", tmp_path / "bo.margin"])
        ids = sorted(a.id for a in store.annotations.list())
        teachers = store.links.create(ids[0], ids[1], "see-also")
    before = dump(library)
    ada_id = next(row[0] for row in before if row[5] == "ada")
    forged = tmp_path / "bo.margin"
    later = "2099-01-01T00:00:00.000000Z"
    # Bo's file: one of his annotations passed off as the consensus, another as Ada's, and Ada's own rewritten.
    _forge(forged, "UPDATE annotations SET author = 'consensus', updated = ? WHERE exact = 'a precaution'", later)
    _forge(forged, "UPDATE annotations SET author = 'ada', updated = ? WHERE exact = 'met from reserves'", later)
    _forge(
        forged,
        'INSERT INTO annotations (id, version_id, start, "end", exact, prefix, suffix, note, author, created, updated)'
        " SELECT ?, version_id, start, \"end\", exact, prefix, suffix, 'rewritten', 'bo', created, ? FROM annotations LIMIT 1",
        ada_id, later,
    )
    # ... and the teacher's link between them, deleted.
    _forge(
        forged,
        'INSERT INTO links (id, source_id, target_id, relation, note, author, created, updated, deleted)'
        " VALUES (?, ?, ?, 'see-also', '', 'bo', ?, ?, ?)",
        teachers.id, ids[0], ids[1], later, later, later,
    )
    with Store.open(library, author="teacher") as store:
        (report,) = collect(store, [forged])
    assert report.left_out == 4 and report.added == report.updated == report.links == 0
    assert dump(library) == before



@pytest.mark.parametrize(
    "change",
    [
        'UPDATE annotations SET start = 9999, "end" = 10010, updated = ?',  # past the end of the text
        "UPDATE annotations SET exact = 'something else', updated = ?",  # a quote that is not the text there
        "UPDATE annotations SET version_id = 'no-such-version', updated = ?",  # a text the file does not hold
    ],
)
def test_a_copy_whose_annotation_does_not_fit_its_text_is_refused_whole(tmp_path, change):
    library, pack = _teacher(tmp_path)
    with _student(pack, tmp_path, "ada") as ada:
        _annotate(ada, "The bridge will close", "Claim/Safety")
    _forge(tmp_path / "ada.margin", change, "2099-01-01T00:00:00.000000Z")
    before = fingerprint(library)
    with Store.open(library, author="teacher") as store, pytest.raises(MarginError, match="does not fit its text"):
        collect(store, [tmp_path / "ada.margin"])
    assert fingerprint(library) == before
