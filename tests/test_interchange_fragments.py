"""Passages in fragments through every exchange format: margin → format → margin keeps each fragment,
and independent readers (bratly for brat, pyld with a local copy of the W3C context) read the same fragments."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from annotations.anchoring import anchor_quotes
from annotations.export.gather import markdown_export
from annotations.interchange.brat import export_brat, import_brat
from annotations.interchange.refiqda import export_qdpx, import_qdpx
from annotations.interchange.selection import select
from annotations.interchange.tabular import export_annotations_csv
from annotations.interchange.w3c import export_collection, import_w3c
from annotations.store import Store

from .conftest import SHARED, add_document, fixed_clock

TEXT = (
    "The harbour bridge will close in March.\n"
    "The council says the closure is a precaution,\n"
    "and the bridge will reopen in April.\n"
)
#: A passage in three fragments, the second running across a line break.
PIECES = ("The harbour bridge", "is a precaution,\nand the bridge", "reopen in April")
CONTEXT = Path(__file__).parent / "fixtures" / "w3c" / "anno.jsonld"


@pytest.fixture
def library(store: Store):
    document = add_document(store, TEXT, "Bridge")
    anchor, fragments = anchor_quotes(TEXT, PIECES)
    made = store.annotations.create(document, anchor, fragments=fragments, tags=["Topic/Closure"], note="one claim")
    plain = store.annotations.create(document, anchor_quotes(TEXT, ["in March"])[0], tags=["Date:March"])
    store.links.create(made.id, plain.id, "see-also")
    return store


@pytest.fixture
def fresh(tmp_path):
    opened = Store.open(tmp_path / "fresh.db", author="carol", clock=fixed_clock())
    yield opened
    opened.close()


def pieces(store: Store) -> set[tuple[tuple[str, ...], tuple[tuple[int, int], ...], frozenset[str], str]]:
    """Each annotation's fragments (words and offsets), tags and note."""
    return {
        (tuple(p.exact for p in a.pieces), tuple((p.start, p.end) for p in a.pieces),
         frozenset(t.name for t in a.tags), a.note)
        for a in store.annotations.list()
    }


def expected() -> tuple[tuple[str, ...], tuple[tuple[int, int], ...]]:
    spans = []
    at = 0
    for piece in PIECES:
        at = TEXT.index(piece, at)
        spans.append((at, at + len(piece)))
        at += len(piece)
    return PIECES, tuple(spans)


def test_brat_round_trip_keeps_each_fragment_and_bratly_reads_them(library, fresh, tmp_path):
    export_brat(select(library), tmp_path / "brat")
    report = import_brat(fresh, tmp_path / "brat")
    assert not [w for w in report.warnings if "pieces" in w or "fragment" in w]
    assert pieces(fresh) == pieces(library)
    words, spans = expected()
    assert (words, spans) in {(p[0], p[1]) for p in pieces(fresh)}
    from bratly import EntityAnnotation

    lines = (tmp_path / "brat" / "Bridge.ann").read_text(encoding="utf-8").splitlines()
    read = [EntityAnnotation.from_line(line) for line in lines if line.startswith("T")]
    longest = max(read, key=lambda e: len(e.fragments))
    # brat cuts a fragment at a line break, as brat itself writes one: four runs for three fragments.
    runs = [(f.start, f.end) for f in longest.fragments]
    assert runs[0] == spans[0] and runs[-1] == spans[-1] and len(runs) == 4
    assert all(TEXT[a:b] in words[1] for a, b in runs[1:3])


def test_brat_from_other_tools_keeps_discontinuous_mentions_in_fragments(fresh, tmp_path):
    folder = tmp_path / "bionlp"
    folder.mkdir()
    text = "Abnormal blood cells and platelets were seen.\n"
    (folder / "doc.txt").write_text(text, encoding="utf-8")
    # "Abnormal … platelets": the mention skips "blood cells and"; T2 spans a break only (one passage).
    (folder / "doc.ann").write_text("T1\tDisorder 0 8;25 34\tAbnormal platelets\nT2\tCell 9 20\tblood cells\n", encoding="utf-8")
    report = import_brat(fresh, folder)
    assert not any("pieces" in w for w in report.warnings)
    (disorder,) = [a for a in fresh.annotations.list() if a.fragments]
    assert disorder.quote == "Abnormal … platelets"
    assert [(f.start, f.end) for f in disorder.fragments] == [(0, 8), (25, 34)]
    assert "1 in fragments" in report.summary()


def test_w3c_round_trip_keeps_each_fragment_as_a_target_on_one_source(library, fresh, tmp_path):
    path = tmp_path / "notes.jsonld"
    path.write_text(export_collection(select(library)), encoding="utf-8")
    add_document(fresh, TEXT, "Bridge")  # the same file, another id: found by its path
    report = import_w3c(fresh, path)
    assert (report.annotations, report.links, report.fragmented) == (2, 1, 1)
    assert pieces(fresh) == pieces(library)


def test_w3c_targets_as_recogitos_text_annotator_writes_them_are_one_passage_in_fragments(fresh, tmp_path):
    document = add_document(fresh, TEXT, "Bridge")
    words, spans = expected()
    item = {
        "@context": "http://www.w3.org/ns/anno.jsonld", "id": "https://example.org/anno/1", "type": "Annotation",
        "body": [{"type": "TextualBody", "purpose": "tagging", "value": "Closure"}],
        "target": [
            {"source": "https://example.org/bridge.txt", "selector": [
                {"type": "TextQuoteSelector", "exact": word}, {"type": "TextPositionSelector", "start": a, "end": b}]}
            for word, (a, b) in zip(words, spans)
        ],
    }
    path = tmp_path / "recogito.json"
    path.write_text(json.dumps([item]), encoding="utf-8")
    report = import_w3c(fresh, path, document_ref=document.id)
    assert report.annotations == 1 and report.fragmented == 1
    (annotation,) = fresh.annotations.list()
    assert tuple(p.exact for p in annotation.pieces) == words


def test_a_w3c_passage_with_a_fragment_not_in_the_document_is_skipped_and_named(fresh, tmp_path):
    document = add_document(fresh, TEXT, "Bridge")
    item = {
        "id": "https://example.org/anno/2", "type": "Annotation",
        "target": [{"source": "https://example.org/b.txt", "selector": {"type": "TextQuoteSelector", "exact": quote}}
                   for quote in ("The harbour bridge", "a ferry instead")],
    }
    path = tmp_path / "one.json"
    path.write_text(json.dumps(item), encoding="utf-8")
    report = import_w3c(fresh, path, document_ref=document.id)
    assert report.annotations == 0 and report.skipped == 1
    assert any("fragment “a ferry instead”" in w for w in report.warnings)


def test_pyld_reads_margins_w3c_fragments_with_a_local_context(library, tmp_path):
    from pyld import jsonld

    context = json.loads(CONTEXT.read_text(encoding="utf-8"))

    def loader(url: str, options: object = None) -> dict[str, object]:
        if url.rstrip("/") != "http://www.w3.org/ns/anno.jsonld":
            raise AssertionError(f"the test may not fetch {url}")
        return {"contextUrl": None, "documentUrl": url, "document": context}

    exported = json.loads(export_collection(select(library)))
    graph = jsonld.expand(exported, {"documentLoader": loader})
    oa = "http://www.w3.org/ns/oa#"
    items = graph[0]["http://www.w3.org/ns/activitystreams#first"][0]["http://www.w3.org/ns/activitystreams#items"][0]["@list"]
    annotations = [i for i in items if oa + "Annotation" in i["@type"] and "linking" not in json.dumps(i.get(oa + "motivatedBy"))]
    found = []
    for item in annotations:
        targets = item[oa + "hasTarget"]
        sources = {t[oa + "hasSource"][0]["@id"] for t in targets}
        assert len(sources) == 1
        spans = []
        for target in targets:
            (position,) = [s for s in target[oa + "hasSelector"] if oa + "TextPositionSelector" in s["@type"]]
            spans.append((int(position[oa + "start"][0]["@value"]), int(position[oa + "end"][0]["@value"])))
        found.append(tuple(sorted(spans)))
    assert sorted(found) == sorted(p[1] for p in pieces(library))
    links = [i for i in items if oa + "linking" in json.dumps(i.get(oa + "motivatedBy"))]
    assert len(links) == 1 and len(annotations) == len(library.annotations.list())


def test_refiqda_round_trip_rejoins_the_fragments_written_as_selections(library, fresh, tmp_path):
    export_qdpx(select(library), tmp_path / "project.qdpx")
    report = import_qdpx(fresh, tmp_path / "project.qdpx")
    assert report.annotations == 2 and report.links == 1
    assert pieces(fresh) == pieces(library)


def test_refiqda_export_of_fragments_validates_against_the_schema(shared, library, tmp_path):
    from .test_interchange_refiqda import validate

    export_qdpx(select(library), tmp_path / "project.qdpx")
    assert "VALID (schema Project-mrt2019.xsd)" in validate(shared, tmp_path / "project.qdpx")


def test_refiqda_fragments_with_one_missing_stay_separate_passages(library, fresh, tmp_path):
    import zipfile

    export_qdpx(select(library), tmp_path / "project.qdpx")
    with zipfile.ZipFile(tmp_path / "project.qdpx") as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    project = files["project.qde"].decode("utf-8")
    # Take out the second of three fragments: the others can no longer be one passage.
    second = project.index("Fragment 2 of 3")
    start = project.rindex("<PlainTextSelection", 0, second)
    end = project.index("</PlainTextSelection>", second) + len("</PlainTextSelection>")
    files["project.qde"] = (project[:start] + project[end:]).encode("utf-8")
    with zipfile.ZipFile(tmp_path / "broken.qdpx", "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    report = import_qdpx(fresh, tmp_path / "broken.qdpx")
    assert report.annotations == 3 and not any(a.fragments for a in fresh.annotations.list())
    assert any("fragments of passages" in w for w in report.warnings)


def test_csv_gives_each_fragment_and_markdown_joins_them(library):
    rows = list(csv.DictReader(io.StringIO(export_annotations_csv(select(library)))))
    (row,) = [r for r in rows if r["fragments"]]
    words, spans = expected()
    assert row["fragments"] == ";".join(f"{a} {b}" for a, b in spans)
    assert row["quote"] == " … ".join(words)
    markdown, _ = markdown_export(library)
    assert "> The harbour bridge … is a precaution," in markdown
    assert "will close in March" not in markdown.split("^")[0]


def test_a_passage_in_fragments_passes_the_w3c_must_assertions(shared, library, tmp_path):
    import subprocess
    import sys

    from annotations.interchange.w3c import export_jsonl

    line = next(line for line in export_jsonl(select(library)).splitlines() if '"target":[' in line)
    single = tmp_path / "fragments.json"
    single.write_text(line, encoding="utf-8")
    result = subprocess.run([sys.executable, str(shared / "tools" / "wa_validate.py"), "-q", str(single)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "CONFORMS (all MUST" in result.stdout, result.stdout + result.stderr


def test_a_markdown_template_sees_each_fragment(library):
    template = "{% for d in documents %}{% for a in d.annotations %}{% for f in a.fragments %}[{{ f.start }}:{{ f.end }} {{ f.quote | md }}]{% endfor %}{% endfor %}{% endfor %}"
    markdown, _ = markdown_export(library, template=template)
    words, spans = expected()
    assert f"[{spans[0][0]}:{spans[0][1]} The harbour bridge]" in markdown
    assert markdown.count("[") == 3
