"""Real files written by other tools, imported and checked against counts read from each file
here with the standard library alone: codings per coder, codes, notes, sources, creators.

Committed files are in fixtures/foreign (README there names their sources and licences). Files
that may not be committed are read from where their tool installs them, and their tests skip
when it is not installed: qc (pip ``qualitative-coding``) ships its own demo project, written by
qc 1.3, and a project exported by NVivo for Mac 15.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import pytest

from annotations.interchange.formats import import_file
from annotations.store import Store

from .conftest import add_document, fixed_clock

FOREIGN = Path(__file__).parent / "fixtures" / "foreign"
QDA = "{urn:QDA-XML:project:1.0}"


@pytest.fixture
def importer(tmp_path):
    """A library whose user is named like none of the files' coders."""
    with Store.open(tmp_path / "importer.db", author="importer", clock=fixed_clock()) as opened:
        yield opened


def qde_facts(path: Path) -> dict[str, object]:
    """What a REFI-QDA project holds, read with zipfile and ElementTree."""
    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(archive.read("project.qde"))
    users = {u.get("guid", "").lower(): u.get("name") for u in root.iter(f"{QDA}User")}
    codings: Counter[str] = Counter()
    passages: Counter[str] = Counter()
    sources = []
    for source in root.iter(f"{QDA}TextSource"):
        sources.append(source.get("name") or source.get("plainTextPath", "").rsplit("/", 1)[-1])
        for selection in source.iter(f"{QDA}PlainTextSelection"):
            coders = set()
            for coding in selection.iter(f"{QDA}Coding"):
                who = coding.get("creatingUser") or selection.get("creatingUser") or ""
                codings[users.get(who.lower(), "unknown")] += 1
                coders.add(users.get(who.lower(), "unknown"))
            for coder in coders or {users.get((selection.get("creatingUser") or "").lower(), "unknown")}:
                passages[coder] += 1
    return {
        "codes": len(list(root.iter(f"{QDA}Code"))),
        "codings": dict(codings),
        "passages": dict(passages),
        "sources": sorted(sources),
        "notes": len(list(root.iter(f"{QDA}Note"))),
    }


def library_facts(store: Store) -> dict[str, object]:
    annotations = store.annotations.list()
    codings: Counter[str] = Counter()
    for annotation in annotations:
        codings[annotation.author] += len(annotation.tags)
    return {
        "codes": len(store.tags.all()),
        "codings": dict(codings),
        "passages": dict(Counter(a.author for a in annotations)),
        "sources": sorted(d.title for d in store.documents.all()),
        "notes": sum(1 for a in annotations if a.note),
    }


# --------------------------------------------------------------------------
# qc (qualitative-coding): a project written by qc 1.7.8 (fixtures/foreign/qc/make.py)
# --------------------------------------------------------------------------


def test_a_project_written_by_qc_keeps_each_coders_codings(importer):
    path = FOREIGN / "qc" / "qc_project.qdpx"
    expected = qde_facts(path)
    assert set(expected["codings"]) == {"mira", "tom"}  # what the file is: two coders' work
    report = import_file(importer, path)
    assert library_facts(importer) == expected
    assert report.annotations == sum(expected["passages"].values())
    # qc codes whole lines: each passage is the line, counted in characters (emoji included).
    texts = {d.title: importer.documents.text(d.version_id) for d in importer.documents.all()}
    lines = {line for text in texts.values() for line in text.splitlines(keepends=True)}
    assert {a.exact for a in importer.annotations.list()} <= lines
    assert "Mabel: Café au lait on Sundays 👩‍🍳, naïvely.\n" in {a.exact for a in importer.annotations.list()}
    # The codebook's hierarchy travels, used or not.
    assert {t.name for t in importer.tags.all()} >= {"drinks/hot_drinks", "routines/weekend", "unused_code"}


@pytest.mark.skipif(shutil.which("qc") is None, reason="qc (pip install qualitative-coding) is not installed")
def test_qc_itself_rebuilds_the_same_project(tmp_path):
    out = tmp_path / "again.qdpx"
    subprocess.run([sys.executable, str(FOREIGN / "qc" / "make.py"), str(out)], check=True)
    assert qde_facts(out) == qde_facts(FOREIGN / "qc" / "qc_project.qdpx")


@pytest.mark.skipif(shutil.which("qc") is None, reason="qc (pip install qualitative-coding) is not installed")
def test_qc_reads_margins_refiqda_export_with_every_coders_codings(importer, tmp_path):
    import sqlite3

    from annotations.interchange.refiqda import export_qdpx
    from annotations.interchange.selection import select

    import_file(importer, FOREIGN / "qc" / "qc_project.qdpx")
    export_qdpx(select(importer), tmp_path / "margin.qdpx")
    project = tmp_path / "qc"
    project.mkdir()
    # qc 1.7.8 leaves a breakpoint() in its importer; PYTHONBREAKPOINT=0 lets it run unattended.
    subprocess.run(["qc", "init", "--import", str(tmp_path / "margin.qdpx")], cwd=project, check=True,
                   capture_output=True, env={**os.environ, "PYTHONBREAKPOINT": "0"})
    db = sqlite3.connect(project / "qualitative_coding.sqlite3")
    by_coder = dict(db.execute("SELECT coder_id, count(*) FROM coded_line GROUP BY coder_id").fetchall())
    codes = {name for (name,) in db.execute("SELECT name FROM code")}
    db.close()
    # qc places each coding on a line of its own reckoning; who coded what, and how often, is compared.
    assert by_coder == library_facts(importer)["codings"]
    assert codes >= {t.name.rsplit("/", 1)[-1] for t in importer.tags.all()}
    assert sorted(p.name for p in (project / "corpus").iterdir()) == ["mabel.txt", "roy.txt"]


def installed(package: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        pytest.skip(f"{package} is not installed")
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)
    if not path.exists():
        pytest.skip(f"this {package} has no {'/'.join(parts)}")
    return path


def test_qcs_own_demo_project_arrives_whole_with_its_file_names(importer):
    # Written by qc 1.3.2: bare plainTextPath (board_2017.txt, stored under sources/), no source names.
    path = installed("qualitative_coding", "demo.qdpx")
    expected = qde_facts(path)
    report = import_file(importer, path)
    assert library_facts(importer) == expected
    assert expected["sources"] == ["admin-1.txt", "board_2017.txt"]
    assert report.skipped == 0


def test_an_nvivo_project_with_empty_texts_keeps_its_codebook_and_names_what_was_left_out(importer):
    # Exported by NVivo for Mac 15: two sources whose plain text and .docx are both empty.
    path = installed("qualitative_coding", "refi_qda", "nvivo_project.qdpx")
    expected = qde_facts(path)
    report = import_file(importer, path)
    assert len(importer.tags.all()) == expected["codes"]
    assert importer.documents.all() == [] and expected["codings"] == {}
    assert len([w for w in report.warnings if "has no text" in w]) == len(expected["sources"])


# --------------------------------------------------------------------------
# Recogito Text Annotator: highlights by two users, quote and position selectors
# --------------------------------------------------------------------------


def test_recogito_text_annotator_highlights_keep_their_creators_and_passages(importer):
    folder = FOREIGN / "recogito-text-annotator"
    items = json.loads((folder / "annotations.w3c.json").read_text(encoding="utf-8"))
    targets = [(i["target"][0] if isinstance(i["target"], list) else i["target"]) for i in items]
    quotes = [next(s["exact"] for s in t["selector"] if s["type"] == "TextQuoteSelector") for t in targets]
    creators = Counter(i["creator"]["id"] for i in items)
    add_document(importer, (folder / "odyssey.txt").read_text(encoding="utf-8"), "The Odyssey")

    report = import_file(importer, folder / "annotations.w3c.json", document_ref="The Odyssey")

    annotations = importer.annotations.list()
    assert report.annotations == len(annotations) == len(items)
    assert sorted(a.exact for a in annotations) == sorted(quotes)
    assert Counter(a.author for a in annotations) == creators
    assert [a for a in annotations if a.tags or a.note] == []  # highlights: empty bodies
