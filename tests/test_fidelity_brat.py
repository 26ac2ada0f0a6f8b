"""brat corpora keep their schema's names (relation and role case), and margin's brat output
reads in a strict independent brat reader (bratly): normalisation ids in word characters."""

from __future__ import annotations

from pathlib import Path

from bratly import EntityAnnotation, NormalizationAnnotation, NoteAnnotation, RelationAnnotation

from annotations.interchange.brat import export_brat, import_brat
from annotations.interchange.selection import select
from annotations.store import Store

from .conftest import fixed_clock

TEXT = "Mdm2 moves to the nucleus. p53 binds Mdm2.\n"
CONF = """[entities]
Protein
Cellular_component
[relations]
ToLoc Arg1:Protein, Arg2:Cellular_component
[events]
Binding Theme+:Protein
[attributes]
"""
ANN = (
    "T1\tProtein 0 4\tMdm2\n"
    "T2\tCellular_component 18 25\tnucleus\n"
    "R1\tToLoc Arg1:T1 Arg2:T2\t\n"
    "T3\tProtein 27 30\tp53\n"
    "T4\tBinding 31 36\tbinds\n"
    "T5\tProtein 37 41\tMdm2\n"
    "E1\tBinding:T4 Theme:T3 Theme2:T5\n"
)


def corpus(folder: Path) -> Path:
    folder.mkdir()
    (folder / "annotation.conf").write_text(CONF, encoding="utf-8")
    (folder / "doc.txt").write_text(TEXT, encoding="utf-8")
    (folder / "doc.ann").write_text(ANN, encoding="utf-8")
    return folder


def relation_types(conf: Path) -> set[str]:
    section, found = "", set()
    for line in conf.read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            section = line.strip("[]")
        elif section == "relations" and line.strip() and not line.startswith("#"):
            found.add(line.split()[0])
    return found


def test_relation_and_role_names_keep_their_case_through_a_round_trip(store, tmp_path):
    import_brat(store, corpus(tmp_path / "in"))
    relations = {link.relation for link in store.links.for_annotations([a.id for a in store.annotations.list()])}
    assert relations == {"ToLoc", "Theme"}
    export_brat(select(store), tmp_path / "out")
    assert relation_types(tmp_path / "in" / "annotation.conf") <= relation_types(tmp_path / "out" / "annotation.conf")
    with Store.open(tmp_path / "fresh.db", author="eve", clock=fixed_clock()) as fresh:
        import_brat(fresh, tmp_path / "out")
        again = {link.relation for link in fresh.links.for_annotations([a.id for a in fresh.annotations.list()])}
    assert again == relations


def read_with_bratly(ann: Path) -> dict[str, list[object]]:
    """Every line of *ann* parsed by bratly's own line readers (which refuse what brat would not read)."""
    found: dict[str, list[object]] = {"T": [], "N": [], "R": [], "#": []}
    known: dict[str, object] = {}
    for line in ann.read_text(encoding="utf-8").splitlines():
        kind = line[:1]
        if kind == "T":
            parsed: object = EntityAnnotation.from_line(line)
        elif kind == "N":
            parsed = NormalizationAnnotation.from_line(line, known)
        elif kind == "R":
            parsed = RelationAnnotation.from_line(line, known)
        elif kind == "#":
            parsed = NoteAnnotation.from_line(line, known)
        else:
            continue
        known[line.split("\t")[0]] = parsed
        found[kind].append(parsed)
    return found


def test_margins_brat_output_reads_in_bratly_with_every_tag_and_annotation(store, tmp_path):
    from annotations.anchoring import anchor_quote

    from .conftest import add_document

    text = "Ada Lovelace wrote the notes. The bridge closes in March.\n"
    document = add_document(store, text, "Notes")
    first = store.annotations.create(document, anchor_quote(text, "Ada Lovelace"),
                                     tags=["Person:Ada Lovelace", "Theme/Secrecy and spies"], note="who")
    second = store.annotations.create(document, anchor_quote(text, "closes in March"), tags=[])
    store.links.create(first.id, second.id, "see-also")
    export_brat(select(store), tmp_path / "out")
    lines = read_with_bratly(tmp_path / "out" / "Notes.ann")
    assert len(lines["T"]) == 3 and len(lines["N"]) == 3 and len(lines["R"]) == 1 and len(lines["#"]) == 1
    assert "%" not in (tmp_path / "out" / "Notes.ann").read_text(encoding="utf-8")
    with Store.open(tmp_path / "fresh.db", author="eve", clock=fixed_clock()) as fresh:
        import_brat(fresh, tmp_path / "out")
        back = {a.id: sorted((t.kind.value, t.name, t.entity_type) for t in a.tags) for a in fresh.annotations.list()}
    assert back == {
        first.id: [("entity", "Ada Lovelace", "Person"), ("topic", "Theme/Secrecy and spies", None)],
        second.id: [],
    }
