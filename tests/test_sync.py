"""Live sharing: libraries kept in step through a shared CRDT document, merged by the classroom rule.

The first tests pass the engine's updates between documents by hand, so each
merge rule is checked without a network; the last ones start a real server on
127.0.0.1 with three clients. Skipped when the ``sync`` extra is not installed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest

pytest.importorskip("pycrdt")
pytest.importorskip("pycrdt.websocket")
pytest.importorskip("websockets")

from pycrdt import Doc, Map  # noqa: E402

from annotations.anchoring import anchor_quote, anchor_span  # noqa: E402
from annotations.store import Store  # noqa: E402
from annotations.store.maintenance import examine  # noqa: E402
from annotations.sync import digest  # noqa: E402
from annotations.sync.replica import Replica  # noqa: E402

from .conftest import NOTICE, add_document  # noqa: E402


def clock_at(*times: str):
    """A clock that gives *times* in turn, then keeps giving the last."""
    given = list(times)

    def now() -> str:
        return given.pop(0) if len(given) > 1 else given[0]

    return now


class Peer:
    """One library with its sync replica (its own connection, as `margin sync` has) and a person's store."""

    def __init__(self, path: Path, author: str, times: tuple[str, ...] = ("2026-11-23T10:00:00.000000Z",)) -> None:
        self.path = path
        self.user = Store.open(path, author=author, clock=clock_at(*times))
        self.link = Store.open(path, author=author)
        self.doc = Doc()
        self.replica = Replica(self.link, self.doc)
        self.replica.start()

    def set_times(self, *times: str) -> None:
        self.user.clock = self.user.annotations.clock = self.user.links.clock = clock_at(*times)
        self.user.tags.clock = self.user.history.clock = self.user.annotations.clock
        self.user.documents.clock = self.user.documents.reanchorer.clock = self.user.annotations.clock

    def close(self) -> None:
        self.user.close()
        self.link.close()


def exchange(*peers: Peer, rounds: int = 4) -> None:
    """Every peer ticks and hears every other's document, until nothing more moves."""
    for _ in range(rounds):
        for peer in peers:
            peer.replica.tick()
        for a in peers:
            for b in peers:
                if a is not b:
                    b.doc.apply_update(a.doc.get_update(b.doc.get_state()))
    for peer in peers:
        peer.replica.tick()


@pytest.fixture
def pair(tmp_path):
    first = Store.open(tmp_path / "a.db", author="ada", clock=clock_at("2026-11-23T09:00:00.000000Z"))
    add_document(first)
    first.close()
    a = Peer(tmp_path / "a.db", "ada")
    b = Peer(tmp_path / "b.db", "bo")
    exchange(a, b)
    yield a, b
    a.close()
    b.close()


def _annotate(peer: Peer, quote: str, **extra):
    document = peer.user.documents.all()[0]
    return peer.user.annotations.create(
        document, anchor_quote(peer.user.documents.text(document.version_id), quote), **extra
    )


def test_a_document_and_an_annotation_arrive_with_tags_note_and_author(pair):
    a, b = pair
    assert [d.title for d in b.user.documents.all()] == ["Harbour notice"]
    made = _annotate(a, "The closure is a precaution.", tags=["Theme/Safety", "Person: Mayor"], note="Why now?")
    exchange(a, b)
    got = b.user.annotations.get(made.id)
    assert (got.exact, got.note, got.author) == ("The closure is a precaution.", "Why now?", "ada")
    assert sorted((t.name, t.kind) for t in got.tags) == [("Mayor", "entity"), ("Theme/Safety", "topic")]
    assert [hit.annotation_id for hit in b.user.search.notes("now")] == [made.id]  # the note index is kept
    assert digest(a.user) == digest(b.user)
    assert examine(b.user.db).ok


def test_different_fields_edited_at_once_both_stay(pair):
    a, b = pair
    made = _annotate(a, "The bridge is safe.")
    exchange(a, b)
    a.set_times("2026-11-23T11:00:00.000000Z")
    b.set_times("2026-11-23T11:00:05.000000Z")
    a.user.annotations.set_note(made.id, "from ada")
    b.user.annotations.add_tags(made.id, ["Theme/Trust"])  # later, but another field
    exchange(a, b)
    for peer in (a, b):
        got = peer.user.annotations.get(made.id)
        assert got.note == "from ada"
        assert [t.name for t in got.tags] == ["Theme/Trust"]
    assert digest(a.user) == digest(b.user)


@pytest.mark.parametrize("first", ["a", "b"])
def test_the_later_edit_of_one_field_wins_whoever_is_heard_first(pair, first):
    a, b = pair
    made = _annotate(a, "The bridge is safe.")
    exchange(a, b)
    a.set_times("2026-11-23T12:00:09.000000Z")
    b.set_times("2026-11-23T12:00:01.000000Z")
    a.user.annotations.set_note(made.id, "later, by ada")
    b.user.annotations.set_note(made.id, "earlier, by bo")
    order = (a, b) if first == "a" else (b, a)
    exchange(*order)
    assert {p.user.annotations.get(made.id).note for p in (a, b)} == {"later, by ada"}


def test_equal_times_are_settled_the_same_way_everywhere(pair):
    a, b = pair
    made = _annotate(a, "The bridge is safe.")
    exchange(a, b)
    a.set_times("2026-11-23T12:00:00.000000Z")
    b.set_times("2026-11-23T12:00:00.000000Z")
    a.user.annotations.set_note(made.id, "one")
    b.user.annotations.set_note(made.id, "two")
    exchange(b, a)
    notes = {p.user.annotations.get(made.id).note for p in (a, b)}
    assert len(notes) == 1 and notes <= {"one", "two"}


def test_a_deletion_racing_an_edit_stays_deleted_and_keeps_the_edit(pair):
    a, b = pair
    made = _annotate(a, "The bridge is safe.")
    exchange(a, b)
    a.set_times("2026-11-23T13:00:00.000000Z")
    b.set_times("2026-11-23T13:00:02.000000Z")
    a.user.annotations.delete(made.id)
    b.user.annotations.set_note(made.id, "written while ada deleted it")  # later, but a deletion is its own field
    exchange(a, b)
    for peer in (a, b):
        row = peer.user.db.execute("SELECT deleted, note FROM annotations WHERE id = ?", (made.id,)).fetchone()
        assert row == ("2026-11-23T13:00:00.000000Z", "written while ada deleted it")
    assert digest(a.user) == digest(b.user)
    assert examine(a.user.db).ok and examine(b.user.db).ok


def test_a_passage_in_fragments_arrives_with_its_fragments(pair):
    from annotations.anchoring import anchor_fragments

    a, b = pair
    document = a.user.documents.all()[0]
    text = a.user.documents.text(document.version_id)
    first, second = text.index("The closure"), text.index("The bridge is safe")
    anchor, fragments = anchor_fragments(text, [(first, first + 11), (second, second + 10)])
    made = a.user.annotations.create(document, anchor, fragments=fragments, note="two stretches")
    exchange(a, b)
    got = b.user.annotations.get(made.id)
    assert [f.exact for f in got.fragments] == ["The closure", "The bridge"]
    assert examine(b.user.db).ok
    assert digest(a.user) == digest(b.user)


def test_numbers_keep_their_types(pair):
    a, b = pair
    made = _annotate(a, "The bridge is safe.")
    a.user.db.execute("UPDATE annotations SET anchor_score = 1.0, needs_review = 1, updated = ? WHERE id = ?",
                      ("2026-11-23T14:00:00.000000Z", made.id))
    a.user.db.conn.commit()
    exchange(a, b)
    row = b.user.db.execute(
        'SELECT typeof(start), typeof("end"), typeof(anchor_score), anchor_score, typeof(needs_review), needs_review'
        " FROM annotations WHERE id = ?", (made.id,)
    ).fetchone()
    assert row == ("integer", "integer", "real", 1.0, "integer", 1)


def test_edits_made_offline_send_only_the_fields_they_changed(tmp_path, pair):
    a, b = pair
    made = _annotate(a, "The bridge is safe.")
    exchange(a, b)
    # b goes offline: its sync stops, and b edits the tags; meanwhile a edits the note.
    b.link.close()
    b.set_times("2026-11-23T15:00:00.000000Z")
    b.user.annotations.add_tags(made.id, ["Theme/Offline"])
    a.set_times("2026-11-23T15:30:00.000000Z")
    a.user.annotations.set_note(made.id, "online edit")
    a.replica.tick()
    # b comes back: a new process, a fresh document, the agreement it had remembered.
    b.link = Store.open(b.path, author="bo")
    b.doc = Doc()
    b.doc.apply_update(a.doc.get_update())
    b.replica = Replica(b.link, b.doc)
    b.replica.start()
    exchange(a, b)
    for peer in (a, b):
        got = peer.user.annotations.get(made.id)
        assert (got.note, [t.name for t in got.tags]) == ("online edit", ["Theme/Offline"])


def test_a_renamed_tag_travels_as_the_new_name_and_the_old_one_deleted(pair):
    a, b = pair
    made = _annotate(a, "The bridge is safe.", tags=["Theme/Safty"])
    exchange(a, b)
    a.set_times("2026-11-23T16:00:00.000000Z")
    a.user.tags.rename("Theme/Safty", "Theme/Safety")
    exchange(a, b)
    assert [t.name for t in b.user.annotations.get(made.id).tags] == ["Theme/Safety"]
    assert [t.name for t in b.user.tags.all()] == ["Theme/Safety"]
    assert digest(a.user) == digest(b.user)


def _hostile(peer: Peer, key: str, fields: dict) -> None:
    """A peer writes *fields* straight into the shared document, as a malicious client could."""
    encoded = {name: json.dumps(entry) for name, entry in fields.items()}
    with peer.doc.transaction():
        peer.doc.get("annotations", type=Map)[key] = Map(encoded)


@pytest.mark.parametrize(
    "anchor",
    [
        [0, 9999, 10010, "x", "", "", "exact", None, []],  # offsets outside the text
        [0, 0, 6, "Wrong!", "", "", "exact", None, []],  # a quote that is not the text there
        [0, "0", 6, "Notice", "", "", "exact", None, []],  # a number as text
        [0, 0, 6, "Notice", "", "", "rm -rf", None, []],  # an unknown state
        [0, 0, 6, "Notice", "", "", "exact", None, [[0, 2, "No", "", ""], [3, 99, "x", "", ""]]],  # a fragment outside
        [0, 0, 6, "Notice", "", "", "fuzzy", float("nan"), []],  # a score that is no number
        [0, 0, 6, "Notice", "", "", "fuzzy", 1e308, []],  # a score past 1
        [0, 2**64, 2**64 + 6, "Notice", "", "", "exact", None, []],  # past what SQLite holds
    ],
)
def test_a_peers_bad_annotation_is_refused_and_nothing_is_written(tmp_path, pair, anchor):
    a, b = pair
    heard: list[str] = []
    b.replica.report = heard.append
    key = b.replica.rows.versions()
    anchor = [next(iter(key)), *anchor[1:]]
    before = digest(b.user)
    _hostile(a, "evil", {
        "anchor": ["2030-01-01T00:00:00.000000Z", anchor],
        "author": ["2030-01-01T00:00:00.000000Z", "mallory"],
        "created": ["2030-01-01T00:00:00.000000Z", "2030-01-01T00:00:00.000000Z"],
    })
    exchange(a, b)
    assert digest(b.user) == before
    assert b.user.db.execute("SELECT count(*) FROM annotations").fetchone()[0] == 0
    assert heard and all("\n" not in line for line in heard)
    assert examine(b.user.db).ok


def _send_new_document(peer: Peer, **fields) -> None:
    """*peer* shares a second document, its fields those of the first but for *fields*, as a malicious client could."""
    documents = peer.doc.get("documents", type=Map)
    shared = {name: json.loads(value) for name, value in next(iter(documents.values())).items()}
    text = "A second text.\n"
    later = "2030-01-01T00:00:00.000000Z"
    shared.update(text=[later, text], document=[later, "doc-two"], **{name: [later, value] for name, value in fields.items()})
    with peer.doc.transaction():
        documents[hashlib.sha256(text.encode()).hexdigest()] = Map({k: json.dumps(v) for k, v in shared.items()})


@pytest.mark.parametrize("section", [[0, 3, 2**64, "x"], [2**64, 2**64 + 1, 1, "x"], [-1, 3, 1, "x"]])
def test_a_new_document_with_a_section_number_past_what_sqlite_holds_is_taken_without_it(pair, section):
    a, b = pair
    heard: list[str] = []
    b.replica.report = heard.append
    _send_new_document(a, sections=[section])
    exchange(a, b)
    assert heard and "section" in heard[0]
    assert examine(b.user.db).ok


@pytest.mark.parametrize("colour", ["@click=app.quit", "link https://evil.example/\x1b]0;PWNED\x07", "bold red"])
def test_a_peers_tag_colour_that_is_no_hex_colour_is_refused_and_the_good_one_restored(pair, colour):
    """A colour is drawn as a style: held at intake, the stored data stays clean, not only what the reader draws."""
    a, b = pair
    _annotate(a, "The bridge is safe.", tags=["Theme/Safety"])
    exchange(a, b)
    (tag,) = b.user.tags.all()
    (key,) = a.doc.get("tags", type=Map).keys()
    with a.doc.transaction():
        a.doc.get("tags", type=Map)[key]["colour"] = json.dumps(["2030-01-01T00:00:00.000000Z", colour])
    exchange(a, b)
    assert b.user.db.execute("SELECT colour FROM tags").fetchall() == [(tag.colour,)]
    assert json.loads(a.doc.get("tags", type=Map)[key]["colour"])[1] == tag.colour  # the good value went back


@pytest.mark.parametrize("format_", ["[/x] [@click=app.bell]ring[/]", "text\x1b[2J", "", "Markdown"])
def test_a_new_document_whose_format_is_no_formats_name_is_refused(pair, format_):
    a, b = pair
    heard: list[str] = []
    b.replica.report = heard.append
    _send_new_document(a, format=format_)
    exchange(a, b)
    assert [d.format for d in b.user.documents.all()] == ["text"]
    assert heard and "format" in heard[0]


def test_a_row_under_a_key_margin_never_makes_is_refused(pair):
    a, b = pair
    heard: list[str] = []
    b.replica.report = heard.append
    _hostile(a, "x" * 5000 + "\x1b[2J", {"note": ["2030-01-01T00:00:00.000000Z", "hi"]})
    exchange(a, b)
    assert b.user.db.execute("SELECT count(*) FROM annotations").fetchone()[0] == 0
    assert heard and all(len(line) < 300 for line in heard)


def test_a_peers_oversized_or_mistyped_field_is_dropped_and_the_good_value_restored(pair):
    a, b = pair
    made = _annotate(a, "The bridge is safe.", note="kept")
    exchange(a, b)
    with a.doc.transaction():
        row = a.doc.get("annotations", type=Map)[made.id]
        row["note"] = json.dumps(["2030-01-01T00:00:00.000000Z", {"not": "text"}])
        row["needs_review"] = "not even JSON"
    exchange(a, b)
    assert b.user.annotations.get(made.id).note == "kept"
    assert json.loads(a.doc.get("annotations", type=Map)[made.id]["note"])[1] == "kept"  # the good value went back


def test_nothing_is_written_when_the_library_is_already_in_step(pair):
    a, b = pair
    _annotate(a, "The bridge is safe.")
    exchange(a, b)
    version = b.user.data_version()
    exchange(a, b)
    assert b.user.data_version() == version


def test_a_text_both_libraries_imported_is_one_document(tmp_path):
    for name in ("a.db", "b.db"):
        with Store.open(tmp_path / name, author="x") as store:
            add_document(store, NOTICE, title=f"Notice as {name}")
    a, b = Peer(tmp_path / "a.db", "ada"), Peer(tmp_path / "b.db", "bo")
    exchange(a, b)
    assert len(b.user.documents.all()) == 1
    made = _annotate(b, "The bridge is safe.")
    exchange(a, b)
    assert a.user.annotations.get(made.id).exact == "The bridge is safe."
    a.close()
    b.close()



def test_a_new_version_of_a_text_arrives_as_the_current_one_with_its_annotations_moved(pair):
    a, b = pair
    made = _annotate(a, "The bridge is safe.", note="follows the text")
    exchange(a, b)
    changed = NOTICE.replace("Notice\n\n", "Notice (revised)\n\n")
    a.set_times("2026-11-23T17:00:00.000000Z")
    add_document(a.user, changed, path="/docs/Harbour notice.txt")  # the same file, changed: a new version
    exchange(a, b)
    document = b.user.documents.all()[0]
    assert b.user.documents.text(document.version_id) == changed
    got = b.user.annotations.get(made.id)
    assert (got.version_id, got.exact, got.note) == (document.version_id, "The bridge is safe.", "follows the text")
    assert digest(a.user) == digest(b.user)


def test_a_renamed_document_travels_and_the_later_rename_wins(pair):
    a, b = pair
    document = a.user.documents.all()[0]
    a.set_times("2026-11-23T11:00:00.000000Z")
    a.user.documents.rename(document.id, "Notice from the harbour master")
    exchange(a, b)
    assert [d.title for d in b.user.documents.all()] == ["Notice from the harbour master"]
    assert b.user.search.documents("master")  # found by its new name, as a rename made there would be
    # Both rename it while apart: the later rename wins everywhere, whoever hears first.
    a.set_times("2026-11-23T12:00:05.000000Z")
    b.set_times("2026-11-23T12:00:00.000000Z")
    a.user.documents.rename(document.id, "Ada's title, later")
    b.user.documents.rename(b.user.documents.all()[0].id, "Bo's title, earlier")
    exchange(a, b)
    assert [d.title for d in a.user.documents.all()] == [d.title for d in b.user.documents.all()] == ["Ada's title, later"]
    assert digest(a.user) == digest(b.user)
    # A new version of the file keeps the title given, on both sides.
    a.set_times("2026-11-23T17:00:00.000000Z")
    add_document(a.user, NOTICE.replace("Notice\n\n", "Notice (revised)\n\n"), path="/docs/Harbour notice.txt")
    exchange(a, b)
    assert [(d.title, d.version) for d in b.user.documents.all()] == [("Ada's title, later", 2)]
    assert digest(a.user) == digest(b.user)
    assert examine(b.user.db).ok


def test_a_title_that_is_not_one_clean_line_is_refused(pair):
    a, b = pair
    key = next(iter(a.doc.get("documents", type=Map).keys()))
    a.doc.get("documents", type=Map)[key]["renamed"] = json.dumps(["2026-11-24T10:00:00.000000Z", "two\nlines"])
    exchange(a, b)
    assert [d.title for d in b.user.documents.all()] == ["Harbour notice"]


def test_a_busy_library_is_tried_again_at_the_next_tick(tmp_path, pair):
    a, b = pair
    made = _annotate(a, "The bridge is safe.", note="waits its turn")
    a.replica.tick()
    b.link.db.conn.execute("PRAGMA busy_timeout = 50")
    blocker = Store.open(b.path, author="other")
    blocker.db.conn.execute("BEGIN IMMEDIATE")  # another margin holds the write lock
    b.doc.apply_update(a.doc.get_update(b.doc.get_state()))
    assert b.replica.tick() == 0
    blocker.db.conn.execute("ROLLBACK")
    blocker.close()
    assert b.replica.tick() == 1
    assert b.user.annotations.get(made.id).note == "waits its turn"


# On loopback: a real server, three clients ---------------------------------------------

import anyio  # noqa: E402

from annotations.sync.network import keep_in_step, serve  # noqa: E402

TOKEN = "a-test-token"
WAIT = 15.0  # seconds any one wait may take before the test fails (it takes well under one)


class Running:
    """A server and its clients in one event loop; each client can be stopped and started again."""

    def __init__(self, group, tmp_path: Path, server_store: Store) -> None:
        self.group = group
        self.tmp_path = tmp_path
        self.server = server_store
        self.stop_server = anyio.Event()
        self.stops: dict[str, anyio.Event] = {}
        self.links: dict[str, Store] = {}
        self.url = ""

    async def start_server(self) -> None:
        bound: list[int] = []
        self.group.start_soon(lambda: serve(self.server, "127.0.0.1", 0, TOKEN, ready=bound.append, stop=self.stop_server))
        with anyio.fail_after(WAIT):
            while not bound:
                await anyio.sleep(0.01)
        self.url = f"ws://127.0.0.1:{bound[0]}"

    def start_client(self, name: str) -> Store:
        path = self.tmp_path / f"{name}.db"
        self.links.setdefault(name, Store.open(path, author=name))
        self.stops[name] = stop = anyio.Event()
        self.group.start_soon(lambda: keep_in_step(self.links[name], self.url, TOKEN, stop=stop, retry=0.1))
        return Store.open(path, author=name)

    def stop_client(self, name: str) -> None:
        self.stops[name].set()

    def stop_all(self) -> None:
        for stop in self.stops.values():
            stop.set()
        self.stop_server.set()


async def until(condition, what: str) -> None:
    with anyio.fail_after(WAIT):
        while not condition():
            await anyio.sleep(0.02)


async def test_three_clients_on_loopback_converge_through_every_race(tmp_path):
    server_store = Store.open(tmp_path / "server.db", author="teacher")
    add_document(server_store)
    async with anyio.create_task_group() as group:
        run = Running(group, tmp_path, server_store)
        try:
            await run.start_server()
            users = {name: run.start_client(name) for name in ("ada", "bo", "cy")}
            everyone = [server_store, *users.values()]
            await until(lambda: all(len(u.documents.all()) == 1 for u in users.values()), "the text reaches everyone")

            ada, bo, cy = users["ada"], users["bo"], users["cy"]
            document = ada.documents.all()[0]
            text = ada.documents.text(document.version_id)
            first = ada.annotations.create(document, anchor_quote(text, "The bridge is safe."), tags=["Theme/Safety"])
            second = ada.annotations.create(document, anchor_quote(text, "The closure is a precaution."))
            await until(lambda: all(len(u.annotations.list()) == 2 for u in everyone), "two annotations everywhere")

            # Concurrent edits: different fields of one annotation, and the same field of another.
            bo.annotations.set_note(first.id, "bo's note")
            cy.annotations.add_tags(first.id, ["Person: Mayor"])
            bo.annotations.set_note(second.id, "bo first")
            cy.annotations.set_note(second.id, "cy second")  # the later edit of the same field
            # A deletion racing an edit.
            link = ada.links.create(first.id, second.id, "see-also")
            await until(lambda: all(u.db.execute("SELECT count(*) FROM links").fetchone()[0] == 1 for u in everyone), "link")

            # cy goes offline; the others edit; so does cy; then cy comes back.
            run.stop_client("cy")
            await anyio.sleep(0.2)
            ada.annotations.delete(second.id)
            bo.annotations.set_note(first.id, "bo's note, revised while cy was away")
            cy.annotations.set_note(second.id, "cy, offline, on a passage ada deleted")
            cy.links.delete(link.id)
            offline = cy.annotations.create(
                cy.documents.all()[0], anchor_quote(text, "The bridge reopens in April."), note="made offline"
            )
            await anyio.sleep(0.3)
            assert all(u.annotations.get(first.id).note == "bo's note, revised while cy was away" for u in (ada, bo))
            run.start_client("cy")

            def settled() -> bool:
                return len({digest(store) for store in everyone}) == 1

            await until(settled, "every library the same")
            for store in everyone:
                got = store.annotations.get(first.id)
                assert got.note == "bo's note, revised while cy was away"
                assert sorted(t.name for t in got.tags) == ["Mayor", "Theme/Safety"]
                row = store.db.execute("SELECT deleted, note FROM annotations WHERE id = ?", (second.id,)).fetchone()
                assert row[0] is not None and row[1] == "cy, offline, on a passage ada deleted"
                assert store.db.execute("SELECT deleted FROM links WHERE id = ?", (link.id,)).fetchone()[0] is not None
                assert store.annotations.get(offline.id).note == "made offline"
                health = examine(store.db)
                assert health.ok, health.problems
        finally:
            run.stop_all()
    for store in (*run.links.values(), server_store):
        store.close()


async def test_a_document_renamed_in_one_library_is_renamed_in_the_others_on_loopback(tmp_path):
    server_store = Store.open(tmp_path / "server.db", author="teacher")
    add_document(server_store)
    async with anyio.create_task_group() as group:
        run = Running(group, tmp_path, server_store)
        try:
            await run.start_server()
            ada, bo = run.start_client("ada"), run.start_client("bo")
            await until(lambda: all(len(u.documents.all()) == 1 for u in (ada, bo)), "the text reaches everyone")
            ada.documents.rename(ada.documents.all()[0].id, "Week 3: the harbour notice")
            everyone = (server_store, ada, bo)
            await until(lambda: all(u.documents.all()[0].title == "Week 3: the harbour notice" for u in everyone), "renamed")
            await until(lambda: len({digest(store) for store in everyone}) == 1, "every library the same")
        finally:
            run.stop_all()
    for store in (*run.links.values(), server_store, ada, bo):
        store.close()


async def test_thirty_clients_each_writing_fifty_annotations_at_once_all_converge(tmp_path):
    """Thirty libraries writing fifty annotations each at once end identical (benchmarks/sync.py times it)."""
    clients, each = 30, 50
    server_store = Store.open(tmp_path / "server.db", author="teacher")
    add_document(server_store)
    text = server_store.documents.text(server_store.documents.all()[0].version_id)
    words = [(m.start(), m.end()) for m in re.finditer(r"\w+", text)]
    async with anyio.create_task_group() as group:
        run = Running(group, tmp_path, server_store)
        try:
            await run.start_server()
            users = [run.start_client(f"p{n}") for n in range(clients)]
            everyone = [server_store, *users]
            await until(lambda: all(len(u.documents.all()) == 1 for u in users), "the text reaches everyone")
            for n, user in enumerate(users):
                document = user.documents.all()[0]
                for k in range(each):  # every client at once, on words that overlap other clients' passages
                    start, end = words[(n * each + k) % len(words)]
                    user.annotations.create(document, anchor_span(text, start, end), note=f"p{n} #{k}")
            total = clients * each
            with anyio.fail_after(90):
                while not (all(len(u.annotations.list()) == total for u in everyone)
                           and len({digest(u) for u in everyone}) == 1):
                    await anyio.sleep(0.1)
            for store in everyone:
                health = examine(store.db)
                assert health.ok, health.problems
        finally:
            run.stop_all()
    for store in (*run.links.values(), server_store, *users):
        store.close()


async def test_a_client_with_a_wrong_token_is_refused_in_one_line(tmp_path):
    from annotations.sync.network import Refused

    server_store = Store.open(tmp_path / "server.db", author="teacher")
    async with anyio.create_task_group() as group:
        run = Running(group, tmp_path, server_store)
        await run.start_server()
        with Store.open(tmp_path / "intruder.db", author="mallory") as intruder:
            with pytest.raises(Refused) as refused:
                await keep_in_step(intruder, run.url, "not-the-token", once=True)
        run.stop_all()
    assert "\n" not in str(refused.value) and "token" in str(refused.value)
    server_store.close()


async def test_each_reader_sees_who_else_is_connected_and_a_name_goes_when_its_reader_leaves(tmp_path):
    server_store = Store.open(tmp_path / "server.db", author="teacher")
    seen: dict[str, list[str]] = {}
    async with anyio.create_task_group() as group:
        run = Running(group, tmp_path, server_store)
        await run.start_server()
        stops = {}
        scopes = {}

        def join(name: str) -> None:
            stops[name] = stop = anyio.Event()
            scopes[name] = scope = anyio.CancelScope()
            store = run.links.setdefault(name, Store.open(tmp_path / f"{name}.db", author=name))

            async def client() -> None:
                with scope:
                    await keep_in_step(store, run.url, TOKEN, stop=stop, retry=0.1,
                                       present=lambda names: seen.__setitem__(name, names))

            group.start_soon(client)

        try:
            join("Ada")
            join("bo")
            await until(lambda: seen.get("Ada") == ["bo"] and seen.get("bo") == ["Ada"], "each sees the other")
            join("Cy \x1b[31mRed")  # a name is shown as text, never obeyed by the terminal
            await until(lambda: len(seen.get("Ada", [])) == 2, "a third reader")
            assert seen["Ada"][0] == "bo" and seen["Ada"][1].startswith("Cy ") and "\x1b" not in seen["Ada"][1]
            stops["bo"].set()  # leaves, saying so
            await until(lambda: "bo" not in seen["Ada"], "bo's name goes")
            scopes["Cy \x1b[31mRed"].cancel()  # drops without a word: the server withdraws the name
            await until(lambda: seen["Ada"] == [], "the dropped reader's name goes too, well before it would expire")
        finally:
            for stop in stops.values():
                stop.set()
            run.stop_all()
    for store in (*run.links.values(), server_store):
        store.close()


async def _raw_client(url: str, doc: Doc, write, stop: anyio.Event) -> None:
    """A peer with the token that writes into the document itself, past any check of margin's."""
    from pycrdt import Provider
    from websockets.asyncio.client import connect

    from annotations.sync.network import _Channel

    try:
        async with connect(url, additional_headers={"Authorization": f"Bearer {TOKEN}"}) as websocket:
            async with Provider(doc, _Channel(websocket)) as provider:
                await provider.synced.wait()
                write(doc)
                with anyio.move_on_after(2.0):  # time enough to be heard, or hung up on
                    while websocket.state.name == "OPEN" and not stop.is_set():
                        await anyio.sleep(0.02)
    except Exception:  # noqa: BLE001 — the server hanging up on it is what is tested
        pass


async def _served_with(tmp_path, allowance, write):
    """Serve a library held to *allowance*; a raw peer writes *write*; returns the server's log and the rows a newcomer hears."""
    from annotations.sync.network import serve as serve_library

    said: list[str] = []
    tmp_path.mkdir(exist_ok=True)
    server_store = Store.open(tmp_path / "server.db", author="teacher")
    add_document(server_store)
    stop_server, stop_peer = anyio.Event(), anyio.Event()
    bound: list[int] = []
    async with anyio.create_task_group() as group:
        group.start_soon(lambda: serve_library(
            server_store, "127.0.0.1", 0, TOKEN, ready=bound.append, stop=stop_server, report=said.append, allowance=allowance
        ))
        with anyio.fail_after(WAIT):
            while not bound:
                await anyio.sleep(0.01)
        url = f"ws://127.0.0.1:{bound[0]}"
        await _raw_client(url, Doc(), write, stop_peer)
        newcomer, done = Doc(), anyio.Event()
        done.set()
        await _raw_client(url, newcomer, lambda doc: None, done)
        stop_server.set()
    server_store.close()
    return said, set(newcomer.get("annotations", type=Map).keys())


async def test_a_peer_sending_an_update_over_the_size_limit_is_disconnected_and_nothing_of_it_applied(tmp_path):
    from annotations.sync.network import Allowance

    def big(doc):
        doc.get("annotations", type=Map)["oversized"] = Map({"note": json.dumps(["2026-11-24T10:00:00.000000Z", "x" * 200_000])})

    said, heard = await _served_with(tmp_path / "held", Allowance(update_bytes=100_000), big)
    assert len(said) == 1 and said[0].startswith("disconnected 127.0.0.1:") and "nothing of it was applied" in said[0]
    assert "oversized" not in heard  # a newcomer hears no trace of it
    said, heard = await _served_with(tmp_path / "allowed", Allowance(), big)  # the default allows it
    assert said == [] and "oversized" in heard


async def test_a_peer_sending_too_many_updates_is_disconnected_in_one_line(tmp_path):
    from annotations.sync.network import Allowance

    def many(doc):
        notes = doc.get("annotations", type=Map)
        for n in range(40):
            notes[f"flood{n}"] = Map({"note": json.dumps(["2026-11-24T10:00:00.000000Z", str(n)])})  # one update each

    said, heard = await _served_with(tmp_path, Allowance(updates_per_minute=20), many)
    assert len(said) == 1 and said[0].startswith("disconnected 127.0.0.1:") and "20 updates" in said[0]
    assert "\n" not in said[0]
    assert 0 < len(heard) <= 20  # what came within the allowance stays; nothing after it


def test_the_rate_allows_a_minutes_updates_at_once_then_waits():
    from annotations.sync.network import Allowance, _Bucket

    bucket = _Bucket(Allowance().updates_per_minute)
    assert all(bucket.take(1) for _ in range(3_000))  # a burst the size of a minute's allowance
    assert not bucket.take(1)


# Any edits, heard in any order ----------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from annotations.store.clock import utc_now  # noqa: E402

QUOTES = ("The bridge is safe.", "The closure is a precaution.", "The bridge reopens in April.")
STEP = st.one_of(
    st.tuples(st.just("create"), st.integers(0, 2), st.integers(0, 2)),
    st.tuples(st.just("note"), st.integers(0, 2), st.text(max_size=12)),
    st.tuples(st.just("tag"), st.integers(0, 2), st.sampled_from(["Theme/A", "Theme/B", "Person: C"])),
    st.tuples(st.just("untag"), st.integers(0, 2), st.sampled_from(["Theme/A", "Theme/B", "Person: C"])),
    st.tuples(st.just("delete"), st.integers(0, 2), st.none()),
    st.tuples(st.just("drop tag"), st.integers(0, 2), st.sampled_from(["Theme/A", "Theme/B", "Person: C"])),
    st.tuples(st.just("rename tag"), st.integers(0, 2), st.sampled_from(["Theme/A", "Theme/B"])),
    st.tuples(st.just("hear"), st.integers(0, 2), st.integers(0, 2)),
    st.tuples(st.just("rename document"), st.integers(0, 2), st.sampled_from(["Week 1", "Week 2"])),
)


@settings(
    max_examples=int(os.environ.get("MARGIN_SYNC_EXAMPLES", "15")),
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, max_size=14), seed=st.integers(0, 2))
def test_any_edits_heard_in_any_order_leave_every_library_the_same(tmp_path_factory, steps, seed):
    folder = tmp_path_factory.mktemp("peers")
    first = Store.open(folder / "p0.db", author="p0", clock=clock_at("2026-11-23T09:00:00.000000Z"))
    add_document(first)
    first.close()
    peers = [Peer(folder / f"p{n}.db", f"p{n}") for n in range(3)]
    made: list[str] = []
    try:
        exchange(*peers)
        for peer in peers:  # real time from here: edits made in quick succession, as people make them
            peer.user.clock = peer.user.annotations.clock = peer.user.tags.clock = peer.user.history.clock = utc_now
            peer.user.documents.clock = utc_now
        for op, who, arg in steps:
            peer = peers[who]
            if op == "hear":
                if arg != who:
                    exchange(peer, peers[arg], rounds=1)
                continue
            if op == "create":
                made.append(_annotate(peer, QUOTES[arg]).id)
                continue
            if op == "rename document":
                peer.user.documents.rename(peer.user.documents.all()[0].id, arg)
                continue
            if op in ("drop tag", "rename tag"):
                found = peer.user.tags.find(arg.split(": ")[-1])
                if found is not None and op == "drop tag":
                    peer.user.tags.delete(found.id, force=True)
                elif found is not None and peer.user.tags.find(arg + "2") is None:
                    peer.user.tags.rename(found.id, arg + "2")
                continue
            if not made:
                continue
            target = made[(who + seed) % len(made)]
            try:
                live = peer.user.annotations.live(target)
            except Exception:
                continue  # not here yet, or deleted here
            if op == "note":
                peer.user.annotations.set_note(live.id, arg)
            elif op == "tag":
                peer.user.annotations.add_tags(live.id, [arg])
            elif op == "untag" and any(t.name == arg.split(": ")[-1] for t in live.tags):
                peer.user.annotations.remove_tags(live.id, [arg])
            elif op == "delete":
                peer.user.annotations.delete(live.id)
        exchange(*peers)
        assert len({digest(peer.user) for peer in peers}) == 1
        assert len({peer.user.documents.all()[0].title for peer in peers}) == 1
        for peer in peers:
            assert examine(peer.user.db).ok, examine(peer.user.db).problems
    finally:
        for peer in peers:
            peer.close()


def test_a_name_not_renewed_expires_and_a_long_or_garbled_name_is_cut_to_one_short_line():
    import time

    from annotations.sync.presence import EXPIRES, NAME_CHARS, Presence

    ada, bo = Presence(Doc(), "ada"), Presence(Doc(), "bo " + "o" * 200 + "\n\x07")
    now = time.time()
    ada.hear(bo.announcement(now))
    ada.hear(b"\x01\xff\xff garbage")  # ignored
    (name,) = ada.names()
    assert name.startswith("bo ") and len(name) == NAME_CHARS and "\n" not in name and "\x07" not in name
    assert bo.announcement(now + 1) is None  # renewed every 15 s, not every tick
    ada.expire(now + EXPIRES - 5)
    assert len(ada.names()) == 1
    ada.expire(now + EXPIRES + 1)
    assert ada.names() == []
