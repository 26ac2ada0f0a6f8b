"""Knowledge-base identifiers on entities and typed attributes on annotations: kept in the
library, edited and found from the command line, and carried by brat, W3C and REFI-QDA both ways.
brat's own tutorial files (tests/fixtures/foreign/brat) are checked against counts read from
their lines here, and margin's brat output against a strict independent reader (bratly)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from bratly import AttributeAnnotation, EntityAnnotation, EventAnnotation, NormalizationAnnotation
from click.testing import CliRunner

from annotations.anchoring import anchor_quote
from annotations.errors import MarginError
from annotations.interchange.brat import export_brat, import_brat
from annotations.interchange.refiqda import export_qdpx, import_qdpx
from annotations.interchange.selection import select
from annotations.interchange.w3c import export_collection, import_w3c
from annotations.interchange.w3c.writing import CONTEXT
from annotations.model import TagKind
from annotations.store import Store
from reader.cli import cli

from .conftest import add_document, fixed_clock

FOREIGN = Path(__file__).parent / "fixtures" / "foreign" / "brat"
TEXT = "The patient shows no sign of PKU. Maternal phenylketonuria was ruled out; Ada Lovelace wrote.\n"


@pytest.fixture
def fresh(tmp_path):
    with Store.open(tmp_path / "fresh.db", author="eve", clock=fixed_clock()) as opened:
        yield opened


def build(store: Store) -> dict[str, str]:
    """A library with an identified entity (two identifiers), an alias, and attributes of every type."""
    document = add_document(store, TEXT, "Case notes")
    pku = store.annotations.create(document, anchor_quote(TEXT, "PKU"), tags=["Disease:PKU"])
    store.tags.add_identifier("PKU", "UMLS:C0031485")
    store.tags.add_identifier("PKU", "Wikidata:Q193516")
    store.tags.add_alias("PKU", "phenylketonuria")
    store.annotations.change_attributes(pku.id, [("Negation", True), ("Confidence", "High"), ("Score", 3)])
    maternal = store.annotations.create(document, anchor_quote(TEXT, "Maternal phenylketonuria"),
                                        tags=["Disease:PKU", "Theme/History"])
    store.annotations.change_attributes(maternal.id, [("Weight", 0.5), ("Checked", False)])
    ada = store.annotations.create(document, anchor_quote(TEXT, "Ada Lovelace"), tags=["Person:Ada Lovelace"])
    return {"pku": pku.id, "maternal": maternal.id, "ada": ada.id}


def facts(store: Store) -> dict[str, tuple]:
    """What travels: each annotation's passage, tags with their identifiers, and attributes."""
    return {
        a.id: (a.start, a.end, sorted((t.label, t.identifiers) for t in a.tags), a.attributes)
        for a in store.annotations.list()
    }


# --------------------------------------------------------------------------
# the library
# --------------------------------------------------------------------------


def test_an_identifier_names_one_entity_and_finds_it(store):
    build(store)
    pku = store.tags.resolve("PKU")
    assert pku.identifiers == ("UMLS:C0031485", "Wikidata:Q193516")
    assert store.tags.find("umls:c0031485").id == pku.id  # by identifier, case-insensitively
    assert [t.name for t in store.tags.identified_by("UMLS:")] == ["PKU"]
    assert [a.exact for a in store.annotations.list(tag_ids=[store.tags.resolve("Wikidata:Q193516").id])] == [
        "PKU", "Maternal phenylketonuria"]
    with pytest.raises(MarginError, match="already identifies Disease: PKU"):
        store.tags.add_identifier("Person:Ada Lovelace", "UMLS:C0031485")
    with pytest.raises(MarginError, match="not an identifier"):
        store.tags.add_identifier("Person:Ada Lovelace", "no colon here")
    # A URI Wikidata or identifiers.org resolves is kept in its short form.
    assert store.tags.add_identifier("Person:Ada Lovelace", "https://www.wikidata.org/wiki/Q7259").identifiers == (
        "Wikidata:Q7259",)
    assert store.tags.remove_identifier("Ada Lovelace", "wikidata:q7259").identifiers == ()


def test_merging_two_entities_keeps_both_identifiers(store):
    build(store)
    store.tags.add("Folling disease", TagKind.ENTITY, entity_type="Disease", identifiers=("MeSH:D010661",))
    store.tags.merge("Folling disease", "PKU")
    assert store.tags.resolve("PKU").identifiers == ("UMLS:C0031485", "Wikidata:Q193516", "MeSH:D010661")
    assert store.tags.find("MeSH:D010661").name == "PKU"


def test_attributes_are_typed_filtered_and_undone(store):
    ids = build(store)
    assert dict(store.annotations.get(ids["pku"]).attributes) == {"Confidence": "High", "Negation": True, "Score": 3}
    assert dict(store.annotations.get(ids["maternal"]).attributes) == {"Checked": False, "Weight": 0.5}

    def having(*wanted: tuple[str, str | None]) -> set[str]:
        return {a.id for a in store.annotations.list(attributes=wanted)}

    assert having(("Negation", None)) == {ids["pku"]}
    assert having(("negation", "TRUE"), ("Score", "3")) == {ids["pku"]}
    assert having(("Checked", "false")) == having(("Weight", "0.5")) == {ids["maternal"]}
    assert having(("Confidence", "Low")) == set()
    store.annotations.change_attributes(ids["pku"], [("Confidence", "Low")], ["Score"])
    assert dict(store.annotations.get(ids["pku"]).attributes) == {"Confidence": "Low", "Negation": True}
    store.history.undo()
    assert dict(store.annotations.get(ids["pku"]).attributes) == {"Confidence": "High", "Negation": True, "Score": 3}
    with pytest.raises(MarginError, match="has no attribute Missing"):
        store.annotations.change_attributes(ids["pku"], [("Confidence", "Low")], ["Missing"])
    assert dict(store.annotations.get(ids["pku"]).attributes)["Confidence"] == "High"  # nothing changed


# --------------------------------------------------------------------------
# the command line
# --------------------------------------------------------------------------


def test_identifiers_and_attributes_from_the_command_line(db_path, tmp_path):
    runner = CliRunner()

    def margin(*args: str) -> str:
        result = runner.invoke(cli, ["--db", str(db_path), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    (tmp_path / "case.txt").write_text(TEXT, encoding="utf-8")
    margin("import", str(tmp_path / "case.txt"))
    annotation = margin("annotate", "case", "--quote", "PKU", "--tag", "Disease:PKU").strip()
    assert "UMLS:C0031485" in margin("tags", "ident", "PKU", "add", "UMLS:C0031485")
    assert "[UMLS:C0031485]" in margin("tags")
    assert json.loads(margin("tags", "--ident", "UMLS:", "--format", "json"))[0]["identifiers"] == ["UMLS:C0031485"]
    assert "Confidence=High, Negation" in margin("attr", annotation, "Negation", "Confidence=High")
    listed = json.loads(margin("annotations", "--attr", "Confidence=High", "--format", "json"))
    assert [(a["id"], a["attributes"]) for a in listed] == [(annotation, {"Confidence": "High", "Negation": True})]
    assert "Negation" in margin("annotations", "--attr", "Negation")
    assert "No annotations match" in margin("annotations", "--attr", "Confidence=Low")
    assert margin("attr", annotation, "--remove", "Negation").strip().endswith("Confidence=High")

    refused = runner.invoke(cli, ["--db", str(db_path), "tags", "ident", "PKU", "add", "not an id"])
    assert refused.exit_code == 1 and len(refused.output.strip().splitlines()) == 1
    nothing = runner.invoke(cli, ["--db", str(db_path), "tags", "--ident", "MeSH:D1"])
    assert nothing.exit_code == 1
    bad = runner.invoke(cli, ["--db", str(db_path), "attr", annotation, "Score=", "Other"])
    assert bad.exit_code == 1 and "empty value" in bad.output
    assert "Other" not in margin("attr", annotation)  # nothing stored on failure


# --------------------------------------------------------------------------
# round trips margin → format → margin
# --------------------------------------------------------------------------


def test_brat_round_trip_keeps_identifiers_and_attributes(store, fresh, tmp_path):
    build(store)
    export_brat(select(store), tmp_path / "brat")
    import_brat(fresh, tmp_path / "brat")
    assert facts(fresh) == facts(store)
    assert fresh.tags.resolve("PKU").identifiers == ("UMLS:C0031485", "Wikidata:Q193516")


def test_margins_brat_n_and_a_lines_read_in_bratly(store, tmp_path):
    ids = build(store)
    export_brat(select(store), tmp_path / "brat")
    ann = tmp_path / "brat" / "Case notes.ann"
    known: dict[str, object] = {}
    normalisations, attributes = [], []
    for line in ann.read_text(encoding="utf-8").splitlines():
        ident = line.split("\t")[0]
        if ident.startswith("T"):
            known[ident] = EntityAnnotation.from_line(line)
        elif ident.startswith("N"):
            normalisations.append(NormalizationAnnotation.from_line(line, known))
        elif ident.startswith("A"):
            attributes.append(AttributeAnnotation.from_line(line, known))
    foreign = sorted(":".join(n.external_resource) for n in normalisations if n.external_resource[0] != "margin")
    # PKU is tagged on two passages; each T line carries the entity's two identifiers.
    assert foreign == ["UMLS:C0031485"] * 2 + ["Wikidata:Q193516"] * 2
    assert sorted((a.label, tuple(a.values)) for a in attributes) == [
        ("Checked", ("false",)), ("Confidence", ("High",)), ("Negation", ()), ("Score", ("3",)), ("Weight", ("0.5",))]
    conf = (tmp_path / "brat" / "annotation.conf").read_text(encoding="utf-8")
    assert "Negation\tArg:<ENTITY>\n" in conf and "Confidence\tArg:<ENTITY>, Value:High" in conf
    assert ids


def test_w3c_round_trip_keeps_identifiers_and_attributes(shared, store, fresh, tmp_path):
    from .test_interchange_w3c import _validate

    build(store)
    exported = export_collection(select(store))
    for n, item in enumerate(json.loads(exported)["first"]["items"]):
        (tmp_path / f"item-{n}.json").write_text(json.dumps({"@context": CONTEXT, **item}), encoding="utf-8")
    checked = _validate(shared, *sorted(tmp_path.glob("item-*.json")))
    assert checked.returncode == 0 and checked.stdout.count("CONFORMS (all MUST") == 3, checked.stdout
    items = json.loads(exported)["first"]["items"]
    bodies = [body for item in items for body in item.get("body", [])]
    assert {"type": "SpecificResource", "purpose": "identifying", "source": "https://identifiers.org/UMLS:C0031485"} in bodies
    assert {"type": "SpecificResource", "purpose": "identifying",
            "source": "http://www.wikidata.org/entity/Q193516"} in bodies
    assert {"type": "TextualBody", "purpose": "describing", "format": "application/json",
            "value": "{\"Confidence\": \"High\"}"} in bodies
    (tmp_path / "notes.jsonld").write_text(exported, encoding="utf-8")
    add_document(fresh, TEXT, "Case notes")
    import_w3c(fresh, tmp_path / "notes.jsonld")
    assert facts(fresh) == facts(store)


def test_a_w3c_identifying_body_without_an_entity_tag_becomes_an_entity_with_aliases(store, tmp_path):
    document = add_document(store, TEXT, "Case notes")

    def item(number: int, quote: str) -> dict:
        return {"id": f"urn:example:{number}", "type": "Annotation", "motivation": "identifying",
                "body": [{"type": "SpecificResource", "purpose": "identifying",
                          "source": "http://www.wikidata.org/entity/Q193516"}],
                "target": {"source": "urn:example:doc", "selector": {"type": "TextQuoteSelector", "exact": quote}}}

    path = tmp_path / "linked.json"
    path.write_text(json.dumps([item(1, "PKU"), item(2, "phenylketonuria")]), encoding="utf-8")
    report = import_w3c(store, path, document_ref=document.id)
    assert report.annotations == 2 and report.identifiers == 1
    (entity,) = store.tags.all()
    assert (entity.label, entity.identifiers, entity.aliases) == ("Thing: PKU", ("Wikidata:Q193516",), ("phenylketonuria",))


def test_refiqda_round_trip_keeps_identifiers_and_attributes(shared, store, fresh, tmp_path):
    from .test_interchange_refiqda import validate

    build(store)
    export_qdpx(select(store), tmp_path / "project.qdpx", author="ann")
    assert "VALID" in validate(shared, tmp_path / "project.qdpx")
    import_qdpx(fresh, tmp_path / "project.qdpx")
    assert facts(fresh) == facts(store)
    assert fresh.tags.resolve("PKU").description == ""  # the identifiers line is not left in the description


# --------------------------------------------------------------------------
# real brat files and corpora's habits
# --------------------------------------------------------------------------


def lines_of(ann: Path) -> dict[str, list[list[str]]]:
    """An .ann's lines by kind, split at tabs and spaces: read here, apart from margin's reader."""
    found: dict[str, list[list[str]]] = {}
    for line in ann.read_text(encoding="utf-8").splitlines():
        if line.strip():
            ident, data, *_ = line.split("\t") + [""]
            found.setdefault(ident[0], []).append([ident, *data.split()])
    return found


@pytest.mark.parametrize("ann", ["news/000-introduction.ann", "bio/100-attribute_annotation.ann"])
def test_brats_tutorials_bring_every_normalisation_and_attribute(store, tmp_path, ann):
    folder = tmp_path / "corpus"
    shutil.copytree(FOREIGN / Path(ann).parent, folder)
    path = folder / Path(ann).name
    lines = lines_of(path)
    spans = {t[0]: (int(t[2]), int(t[-1])) for t in lines.get("T", [])}
    triggers = {e[0]: e[1].split(":")[1] for e in lines.get("E", [])}

    report = import_brat(store, path)

    by_span = {(a.start, a.end): a for a in store.annotations.list()}
    for ident, name, target, *value in lines.get("A", []) + lines.get("M", []):
        annotation = by_span[spans[triggers.get(target, target)]]
        assert dict(annotation.attributes)[name] == (value[0] if value else True), ident
    assert report.attributes == len(lines.get("A", []) + lines.get("M", []))
    for _, _, target, identifier in lines.get("N", []):
        (entity,) = [t for t in by_span[spans[target]].tags if t.kind is TagKind.ENTITY]
        assert identifier in entity.identifiers
    assert report.identifiers == len({n[3] for n in lines.get("N", [])})
    assert not [w for w in report.warnings if "attribute" in w]


def test_one_identifier_with_several_surface_texts_is_one_entity_with_aliases(store, tmp_path):
    # As NEREL writes entity links: a Wikidata id per mention, the entry's name after the tab,
    # and Wikidata:NULL for a mention linked to nothing.
    text = "Рязанской области и Рязанская область; в Кёльне. Комитет."
    folder = tmp_path / "nerel"
    folder.mkdir()
    (folder / "doc.txt").write_text(text, encoding="utf-8")
    (folder / "doc.ann").write_text(
        "T1\tSTATE_OR_PROVINCE 0 17\tРязанской области\n"
        "T2\tSTATE_OR_PROVINCE 20 37\tРязанская область\n"
        "T3\tCITY 41 47\tКёльне\n"
        "T4\tORGANIZATION 49 56\tКомитет\n"
        "N1\tReference T1 Wikidata:Q2753\tРязанская область\n"
        "N2\tReference T2 Wikidata:Q2753\tРязанская область\n"
        "N3\tReference T3 Wikidata:Q365\tКёльн\n"
        "N4\tReference T4 Wikidata:NULL\tнет данных\n",
        encoding="utf-8",
    )
    report = import_brat(store, folder)
    assert report.identifiers == 2
    tags = {t.name: t for t in store.tags.all()}
    assert tags["Рязанская область"].identifiers == ("Wikidata:Q2753",)
    assert tags["Рязанская область"].aliases == ("Рязанской области",)
    assert (tags["Кёльн"].identifiers, tags["Кёльн"].aliases) == (("Wikidata:Q365",), ("Кёльне",))
    assert tags["Комитет"].identifiers == () and "нет данных" not in tags
