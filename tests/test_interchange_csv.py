"""CSV: annotation rows for spreadsheets (no formula can run), and codebooks in Taguette's layout, in and out."""

from __future__ import annotations

import csv
import io

import pytest

from annotations.anchoring import anchor_quote
from annotations.errors import MarginError
from annotations.interchange.selection import select
from annotations.interchange.tabular import (
    FORMULA_STARTS,
    export_annotations_csv,
    export_codebook_csv,
    import_codebook_csv,
)
from annotations.model import TagKind
from annotations.store import Store
from tests.conftest import NOTICE, add_document, fingerprint, fixed_clock


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.fixture
def notice(store):
    return add_document(store, NOTICE, "Harbour notice")


def test_one_row_per_annotation_and_tag_with_where_and_what(store, notice):
    two = store.annotations.create(
        notice, anchor_quote(NOTICE, "The remainder will be met from reserves."),
        tags=["Claim/Money", "Organization:Port Authority"], note="Which reserves?\nAsk.",
    )
    plain = store.annotations.create(notice, anchor_quote(NOTICE, "The closure is a precaution."))
    rows = rows_of(export_annotations_csv(select(store)))
    assert [r["annotation_id"] for r in rows] == [plain.id, two.id, two.id]  # reading order
    first, *tagged = rows
    assert (first["tag"], first["tag_kind"], first["note"]) == ("", "", "")
    assert first["section"] == "Notice"
    assert {(r["tag"], r["tag_kind"], r["entity_type"]) for r in tagged} == {
        ("Claim/Money", "topic", ""), ("Port Authority", "entity", "Organization")
    }
    for row in tagged:
        assert row["document"] == "Harbour notice" and row["section"] == "Costs"
        assert NOTICE[int(row["start"]) : int(row["end"])] == row["quote"] == two.exact
        assert row["note"] == "Which reserves?\nAsk." and row["author"] == "ada"
        assert row["created"] == two.created and row["document_id"] == notice.id


def test_rows_say_how_a_passage_was_found_after_its_document_changed(store, notice):
    kept = store.annotations.create(notice, anchor_quote(NOTICE, "The closure is a precaution."))
    changed = "A new first paragraph.\n\n" + NOTICE
    add_document(store, changed, "Harbour notice")  # same path: a new version, annotations re-anchored
    (row,) = rows_of(export_annotations_csv(select(store)))
    assert row["annotation_id"] == kept.id and row["anchor_state"] == "moved"
    assert changed[int(row["start"]) : int(row["end"])] == "The closure is a precaution."


NASTY_CELLS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+2", "-3-4", "@SUM(A1)", "\tTab", "\rCR", "=1"]


def test_no_cell_can_start_a_formula(store, notice, db_path):
    text = NOTICE + "".join(f"\n{cell}\n" for cell in NASTY_CELLS)
    document = add_document(store, text, "=cmd|' /C calc'!A0")
    with Store.open(db_path, author="+author", clock=fixed_clock()) as other:
        for n, cell in enumerate(NASTY_CELLS):
            other.annotations.create(document, anchor_quote(text, cell), tags=[f"@tag{n}"], note=cell)
    rows = rows_of(export_annotations_csv(select(store)))
    assert len(rows) == len(NASTY_CELLS)
    for row in rows:
        for column, value in row.items():
            assert not value.startswith(FORMULA_STARTS), (column, value)
        assert row["quote"] == row["note"] and row["quote"][0] == "'" and row["quote"][1:] in NASTY_CELLS
        assert row["author"] == "'+author" and row["document"] == "'=cmd|' /C calc'!A0"
    codebook = rows_of(export_codebook_csv(select(store)))
    assert all(row["tag"].startswith("'@tag") for row in codebook)


def test_codebook_lists_every_tag_with_its_use(store, notice):
    store.tags.add("Unused/Topic", TagKind.TOPIC, description="Never used")
    store.annotations.create(notice, anchor_quote(NOTICE, "The closure is a precaution."), tags=["Person:Ada"])
    rows = {r["tag"]: r for r in rows_of(export_codebook_csv(select(store)))}
    assert list(rows_of(export_codebook_csv(select(store)))[0])[:4] == [
        "tag", "description", "number of highlights", "number of documents"
    ]
    assert rows["Unused/Topic"]["number of highlights"] == "0" and rows["Unused/Topic"]["description"] == "Never used"
    assert rows["Person:Ada"]["number of highlights"] == "1" and rows["Person:Ada"]["kind"] == "entity"


def test_codebook_round_trip_keeps_kinds_types_colours_aliases_descriptions(store, notice, tmp_path):
    store.tags.add("Theme/Secrecy", TagKind.TOPIC, colour="#123456", description="=Hidden things")
    store.tags.add("Ada Lovelace", TagKind.ENTITY, entity_type="Person", aliases=("Countess", "A. L."))
    store.tags.add("Lowmere", TagKind.ENTITY, entity_type="Place", description="A town")
    path = tmp_path / "codebook.csv"
    path.write_text(export_codebook_csv(select(store)), encoding="utf-8")
    with Store.open(tmp_path / "fresh.db", author="carol", clock=fixed_clock()) as fresh:
        report = import_codebook_csv(fresh, path)
        assert report.tags == 3

        def described(repo):
            return {(t.name, t.kind, t.entity_type, t.colour, tuple(sorted(t.aliases)), t.description) for t in repo.all()}

        assert described(fresh.tags) == described(store.tags)


TAGUETTE = (
    "tag,description,number of highlights,number of documents\r\n"
    "interesting,Passages worth a second look,12,3\r\n"
    "people,\"Names, roles, \"\"quoted\"\"\",4,2\r\n"
    "Person:Mara Ilves,The spokesperson,1,1\r\n"
)


def test_taguette_codebook_imports(store, tmp_path):
    path = tmp_path / "codebook.csv"
    path.write_bytes(TAGUETTE.encode("utf-8"))
    report = import_codebook_csv(store, path)
    assert report.tags == 3 and report.summary().startswith("imported 3 tags")
    tags = {t.name: t for t in store.tags.all()}
    assert tags["interesting"].kind is TagKind.TOPIC and tags["interesting"].description == "Passages worth a second look"
    assert tags["people"].description == 'Names, roles, "quoted"'
    assert tags["Mara Ilves"].kind is TagKind.ENTITY and tags["Mara Ilves"].entity_type == "Person"


def test_older_taguette_layout_semicolons_bom_and_parents(store, tmp_path):
    path = tmp_path / "codebook.csv"
    path.write_bytes("\ufeffName;Description;Parent\nSecrecy;Kept hidden;Theme\nTheme;;\n".encode("utf-8"))
    assert import_codebook_csv(store, path).tags == 2
    assert {t.name for t in store.tags.all()} == {"Theme/Secrecy", "Theme"}


def test_existing_tags_are_kept_and_only_gain_a_missing_description(store, tmp_path):
    store.tags.add("interesting", TagKind.TOPIC)
    store.tags.add("people", TagKind.TOPIC, description="Ours")
    path = tmp_path / "codebook.csv"
    path.write_bytes(TAGUETTE.encode("utf-8"))
    report = import_codebook_csv(store, path)
    assert report.tags == 1
    tags = {t.name: t for t in store.tags.all()}
    assert tags["interesting"].description == "Passages worth a second look"
    assert tags["people"].description == "Ours"


def test_importing_a_codebook_twice_adds_nothing(store, db_path, tmp_path):
    path = tmp_path / "codebook.csv"
    path.write_bytes(TAGUETTE.encode("utf-8"))
    import_codebook_csv(store, path)
    before = fingerprint(db_path)
    assert import_codebook_csv(store, path).tags == 0
    assert fingerprint(db_path) == before


@pytest.mark.parametrize("content, message", [
    ("description,count\nx,1\n", "needs one column named tag, name or path"),
    ("tag,name\nx,y\n", "(it has tag, name)"),
    ("tag,description\nfine,ok\n,no name here\n", "line 3: the tag name is empty"),
    ("", "is empty"),
])
def test_bad_codebooks_are_refused_whole(store, db_path, tmp_path, content, message):
    path = tmp_path / "codebook.csv"
    path.write_text(content, encoding="utf-8")
    before = fingerprint(db_path)
    with pytest.raises(MarginError) as caught:
        import_codebook_csv(store, path)
    assert message in str(caught.value)
    assert fingerprint(db_path) == before
