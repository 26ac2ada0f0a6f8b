"""The consensus layer: adopting a side, rejecting, pre-accepting where k annotators agree, provenance and undo."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from annotations.anchoring import anchor_span
from annotations.classroom.consensus import (
    CONSENSUS, adopt, adopt_all, decided_ids, pre_accept, provenance, reject,
)
from annotations.classroom.disagreements import disagreements
from annotations.store import Store
from reader.cli import cli

from .conftest import NOTICE, add_document, fingerprint, fixed_clock


def _mark(store: Store, author: str, quote: str, *tags: str, shift: tuple[int, int] = (0, 0)):
    document = store.documents.all()[0]
    text = store.documents.text(document.version_id)
    start = text.index(quote) + shift[0]
    return store.as_author(author).annotations.create(
        document, anchor_span(text, start, start + len(quote) + shift[1]), tags=tags
    )


def _class(store: Store):
    """Three readers of the notice: they agree on one claim, differ on edges, tags and what to mark."""
    document = add_document(store)
    _mark(store, "ada", "The bridge is safe", "Claim")
    _mark(store, "bo", "The bridge is safe", "Claim")
    _mark(store, "cy", "The bridge is safe", "Claim")
    _mark(store, "ada", "The closure is a precaution", "Claim")
    _mark(store, "bo", "closure is a precaution", "Claim")
    _mark(store, "ada", "met from reserves", "Cost")
    _mark(store, "bo", "met from reserves", "Claim")
    _mark(store, "bo", "10 March", "Date")
    return document


def _consensus(store: Store, document) -> list[tuple[str, tuple[str, ...]]]:
    found = store.annotations.list(document_ids=[document.id], authors=[CONSENSUS])
    return [(a.exact, tuple(t.name for t in a.tags)) for a in found]


def _places(store: Store, document, a: str = "ada", b: str = "bo"):
    return disagreements(store.annotations.list(document_ids=[document.id]), a, b)


def test_adopting_a_side_copies_it_to_the_consensus_layer_with_its_provenance(store):
    document = _class(store)
    edges = next(p for p in _places(store, document) if p.kind == "boundaries")
    decision = adopt(store, document, edges, "b")
    assert _consensus(store, document) == [("closure is a precaution", ("Claim",))]
    [made] = decision.made
    assert made.author == CONSENSUS
    assert [a.author for a in provenance(store, made.id)] == ["bo"]
    assert set(edges.ids) <= decided_ids(store, document.id)


def test_an_adoption_is_one_undo_step_and_undoing_it_reopens_the_place(store):
    document = _class(store)
    tags = next(p for p in _places(store, document) if p.kind == "tags")
    adopt(store, document, tags, "a")
    assert _consensus(store, document) == [("met from reserves", ("Cost",))]
    step = store.history.undo()
    assert step.label.startswith("adopt") and step.count == 1
    assert _consensus(store, document) == []
    assert not set(tags.ids) & decided_ids(store, document.id)
    store.history.redo()
    assert _consensus(store, document) == [("met from reserves", ("Cost",))]
    assert set(tags.ids) <= decided_ids(store, document.id)


def test_deciding_a_place_again_replaces_the_earlier_decision(store):
    document = _class(store)
    tags = next(p for p in _places(store, document) if p.kind == "tags")
    adopt(store, document, tags, "a")
    adopt(store, document, tags, "b")
    assert _consensus(store, document) == [("met from reserves", ("Claim",))]
    reject(store, document, tags)
    assert _consensus(store, document) == []
    assert set(tags.ids) <= decided_ids(store, document.id)  # decided, with nothing kept


def test_adopting_the_empty_side_of_a_place_rejects_it(store):
    document = _class(store)
    only_bo = next(p for p in _places(store, document) if p.kind == "only_b")
    decision = adopt(store, document, only_bo, "a")
    assert decision.outcome == "rejected" and _consensus(store, document) == []


def test_adopt_all_skips_places_already_decided(store):
    document = _class(store)
    places = _places(store, document)
    tags = next(p for p in places if p.kind == "tags")
    reject(store, document, tags)
    decisions = adopt_all(store, document, places, "b")
    assert len(decisions) == len(places) - 1
    assert sorted(_consensus(store, document)) == [("10 March", ("Date",)), ("closure is a precaution", ("Claim",))]


def test_pre_accept_adopts_where_k_annotators_agree_once(store):
    document = _class(store)
    made = pre_accept(store, document, ["ada", "bo", "cy"], 3)
    assert [(d.agreed, d.made[0].exact) for d in made] == [(3, "The bridge is safe")]
    two = pre_accept(store, document, ["ada", "bo", "cy"], 2)
    # the overlapping claims about the closure agree too; the agreed span is the one most drew (ties: the earliest, longest)
    assert sorted((d.agreed, d.made[0].exact, d.made[0].tags[0].name) for d in two) == [
        (2, "The closure is a precaution", "Claim"),
    ]
    assert pre_accept(store, document, ["ada", "bo", "cy"], 2) == []  # decided already
    assert len(_consensus(store, document)) == 2


def test_consensus_survives_collecting_again_and_a_new_version(tmp_path):
    from annotations.classroom.collect import collect
    from annotations.classroom.packs import create_pack, join_pack

    with Store.open(tmp_path / "teacher.db", author="teacher", clock=fixed_clock()) as teacher:
        add_document(teacher)
        teacher.tags.ensure("Claim")
        create_pack(teacher, tmp_path / "pack.margin", title="Week", document_ids=[d.id for d in teacher.documents.all()],
                    tag_ids=None, instructions="")
    for name in ("ada", "bo"):
        join_pack(tmp_path / "pack.margin", tmp_path / f"{name}.margin", author=name)
        with Store.open(tmp_path / f"{name}.margin", author=name) as student:
            _mark(student, name, "The bridge is safe", "Claim", shift=(0, 0 if name == "ada" else -5))
    with Store.open(tmp_path / "teacher.db", author="teacher") as teacher:
        collect(teacher, [tmp_path / "ada.margin", tmp_path / "bo.margin"])
        document = teacher.documents.all()[0]
        [place] = _places(teacher, document)
        [made] = adopt(teacher, document, place, "a").made
        collect(teacher, [tmp_path / "ada.margin", tmp_path / "bo.margin"])
        assert [a.author for a in provenance(teacher, made.id)] == ["ada"]
        changed = "Preface.\n\n" + NOTICE
        add_document(teacher, text=changed)  # a new version of the same file: annotations are re-anchored
        document = teacher.documents.all()[0]
        moved = teacher.annotations.get(made.id)
        assert moved.version_id == document.version_id and moved.exact == "The bridge is safe"
        assert [a.author for a in provenance(teacher, made.id)] == ["ada"]
        assert set(place.ids) <= decided_ids(teacher, document.id)


def test_the_cli_pre_accepts_prints_what_it_adopted_and_export_shows_the_consensus(db_path):
    with Store.open(db_path, author="teacher", clock=fixed_clock()) as store:
        _class(store)
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", str(db_path), "curate", "Harbour", "--min-agree", "3"])
    assert result.exit_code == 0, result.output
    assert "Adopted" in result.output and "The bridge is safe" in result.output and "(3 annotators agree)" in result.output
    again = runner.invoke(cli, ["--db", str(db_path), "curate", "Harbour", "--min-agree", "3"])
    assert "0 places adopted" in again.output
    exported = runner.invoke(cli, ["--db", str(db_path), "export", "--format", "w3c", "--author", CONSENSUS])
    assert exported.exit_code == 0, exported.output
    assert re.findall(r'"exact": ?"([^"]*)"', exported.output) == ["The bridge is safe"]


def test_the_cli_adopts_one_side_everywhere_and_lists_what_is_left(db_path):
    with Store.open(db_path, author="teacher", clock=fixed_clock()) as store:
        _class(store)
    runner = CliRunner()
    listed = runner.invoke(cli, ["--db", str(db_path), "curate", "Harbour", "--authors", "ada,bo"])
    assert listed.exit_code == 0 and "3 places undecided" in listed.output
    assert "different tags" in listed.output and "ada Cost · bo Claim" in listed.output
    adopted = runner.invoke(cli, ["--db", str(db_path), "curate", "Harbour", "--authors", "ada,bo", "--adopt-all", "ada"])
    assert adopted.exit_code == 0 and "3 places decided: ada's side kept." in adopted.output
    left = runner.invoke(cli, ["--db", str(db_path), "curate", "Harbour", "--authors", "ada,bo"])
    assert "differ nowhere still undecided" in left.output


def test_bad_author_names_are_one_line_and_change_nothing(db_path):
    with Store.open(db_path, author="teacher", clock=fixed_clock()) as store:
        _class(store)
    before = fingerprint(db_path)
    runner = CliRunner()
    for args in (
        ["--authors", "ada,zed"], ["--authors", "ada"], ["--authors", "ada,bo", "--adopt-all", "cy"],
        ["--authors", "ada,consensus"], ["--min-agree", "9"], ["--authors", "ada,ada"],
    ):
        result = runner.invoke(cli, ["--db", str(db_path), "curate", "Harbour", *args])
        assert result.exit_code == 1, (args, result.output)
        assert result.output.count("\n") == 1 and result.output.startswith("Error: "), result.output
    assert "zed annotated nothing" in runner.invoke(cli, ["--db", str(db_path), "compare", "Harbour", "--authors", "ada,zed"]).output
    assert fingerprint(db_path) == before
    json.dumps(before)


def test_agreement_leaves_the_consensus_layer_out_unless_it_is_named(store):
    from annotations.classroom.agreement import measure

    document = _class(store)
    pre_accept(store, document, ["ada", "bo", "cy"], 2)
    assert measure(store).authors == ["ada", "bo", "cy"]
    assert measure(store, authors=["ada", CONSENSUS]).authors == ["ada", CONSENSUS]


def test_curate_at_a_terminal_asks_place_by_place(db_path, monkeypatch):
    with Store.open(db_path, author="teacher", clock=fixed_clock()) as store:
        document = _class(store)
    monkeypatch.setattr("reader.cli.commands.curating._interactive", lambda: True)
    result = CliRunner().invoke(
        cli, ["--db", str(db_path), "--author", "teacher", "curate", "Harbour", "--authors", "ada,bo"], input="s\nb\nq\n"
    )
    assert result.exit_code == 0, result.output
    assert "1. only in bo's layer" in result.output and "2. different boundaries" in result.output
    assert result.output.count("Adopted") == 1 and "3. different tags" in result.output  # q stops at the third
    with Store.open(db_path, author="teacher") as store:
        assert _consensus(store, document) == [("closure is a precaution", ("Claim",))]
        assert store.history.undo().label.startswith("adopt")


def test_nobody_joins_a_class_as_the_consensus(tmp_path):
    result = CliRunner().invoke(cli, ["join", str(tmp_path / "pack.margin"), "--author", "Consensus", "--no-open"])
    assert result.exit_code == 1 and "join under your own name" in result.output


def _by_hand(store: Store, quote: str, *tags: str):
    """A consensus annotation made by hand: tagged straight into the consensus layer, copied from nobody."""
    return _mark(store, CONSENSUS, quote, *tags)


def test_a_consensus_annotation_made_by_hand_decides_the_places_it_lies_over(store):
    from annotations.classroom.consensus import made_by_hand

    document = _class(store)
    places = _places(store, document)
    tags = next(p for p in places if p.kind == "tags")  # ada Cost, bo Claim on "met from reserves"
    edges = next(p for p in places if p.kind == "boundaries")
    made = _by_hand(store, "from reserves", "Cost")
    decided = decided_ids(store, document.id)
    assert set(tags.ids) <= decided and not set(edges.ids) & decided
    assert made_by_hand(store, made.id) and provenance(store, made.id) == []
    copied = adopt(store, document, edges, "a").made[0]
    assert not made_by_hand(store, copied.id)  # a copy shows where it came from instead
    store.annotations.delete(made.id)  # the hand-made annotation gone, its places are open again
    assert not set(tags.ids) & decided_ids(store, document.id)


def test_min_agree_skips_a_place_decided_by_hand(store):
    document = _class(store)
    _by_hand(store, "bridge is", "Claim")
    made = pre_accept(store, document, ["ada", "bo", "cy"], 2)
    assert [d.made[0].exact for d in made] == ["The closure is a precaution"]  # not "The bridge is safe"
    assert sorted(_consensus(store, document)) == [("The closure is a precaution", ("Claim",)), ("bridge is", ("Claim",))]


def test_curate_lists_a_place_decided_by_hand_no_longer(db_path):
    with Store.open(db_path, author="teacher", clock=fixed_clock()) as store:
        _class(store)
        _by_hand(store, "met from reserves", "Cost")
    result = CliRunner().invoke(cli, ["--db", str(db_path), "curate", "Harbour", "--authors", "ada,bo"])
    assert result.exit_code == 0, result.output
    assert "reserves" not in result.output and "closure is a precaution" in result.output
    assert "2 places undecided" in result.output


def test_min_agree_groups_a_passage_in_fragments_fragment_by_fragment(store):
    from annotations.anchoring import anchor_fragments

    document = add_document(store)
    text = store.documents.text(document.version_id)

    def span(quote: str) -> tuple[int, int]:
        return text.index(quote), text.index(quote) + len(quote)

    covering, fragments = anchor_fragments(text, [span("The bridge will close"), span("The bridge is safe")])
    store.as_author("ada").annotations.create(document, covering, fragments=fragments, tags=["Claim"])
    _mark(store, "bo", "The bridge is safe", "Claim")
    _mark(store, "cy", "The closure is a precaution", "Claim")  # in the gap between ada's fragments
    made = pre_accept(store, document, ["ada", "bo", "cy"], 2)
    # Only the fragment bo also marked agrees; the covering span would have gathered all three readers.
    assert [(d.agreed, d.made[0].exact, d.made[0].fragments) for d in made] == [(2, "The bridge is safe", ())]
    [kept] = store.annotations.list(authors=[CONSENSUS])
    assert sorted(a.author for a in provenance(store, kept.id)) == ["ada", "bo"]
    assert pre_accept(store, document, ["ada", "bo", "cy"], 3) == []
