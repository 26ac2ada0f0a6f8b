"""`margin export` in every format and `margin import-annotations`, end to end through the CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotations.anchoring import anchor_quote
from annotations.export.template import default_template
from annotations.store import Store
from reader.cli import cli
from tests.conftest import NOTICE, add_document, fingerprint, fixed_clock


def invoke(db_path: Path, *args: str, code: int = 0, author: str = "ada"):
    result = CliRunner().invoke(cli, ["--db", str(db_path), "--author", author, *args], catch_exceptions=False)
    assert result.exit_code == code, result.output + result.stderr
    return result


def fails_cleanly(db_path: Path, *args: str, match: str, code: int = 1) -> str:
    before = fingerprint(db_path)
    result = invoke(db_path, *args, code=code)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and match.lower() in lines[0].lower(), result.stderr
    assert fingerprint(db_path) == before
    return lines[0]


@pytest.fixture
def library(db_path):
    """Two documents, two annotations, one link."""
    with Store.open(db_path, author="ada", clock=fixed_clock()) as store:
        notice = add_document(store, NOTICE, "Harbour notice", path="/docs/notice.txt")
        other = add_document(store, NOTICE.replace("bridge", "footbridge"), "Rewrite", path="/docs/rewrite.txt")
        one = store.annotations.create(notice, anchor_quote(NOTICE, "The closure is a precaution."),
                                       tags=["Claim/Safety"], note="=1+1")
        two = store.annotations.create(other, anchor_quote(NOTICE.replace("bridge", "footbridge"), "is safe"),
                                       tags=["Person:Ada"])
        store.links.create(one.id, two.id, "paraphrases")
    return db_path


def fresh(tmp_path: Path) -> Path:
    path = tmp_path / "fresh.db"
    with Store.open(path, author="carol", clock=fixed_clock()) as store:
        add_document(store, NOTICE, "Harbour notice", path="/docs/notice.txt")
        add_document(store, NOTICE.replace("bridge", "footbridge"), "Rewrite", path="/docs/rewrite.txt")
    return path


@pytest.mark.parametrize("fmt, name", [("w3c", "notes.json"), ("jsonl", "notes.jsonl")])
def test_w3c_export_and_import_through_the_cli(library, tmp_path, fmt, name):
    out = tmp_path / name
    result = invoke(library, "export", "--format", fmt, "-o", str(out))
    assert "exported 2 annotations" in result.stderr
    assert out.read_text(encoding="utf-8") == invoke(library, "export", "--format", fmt).stdout
    target = fresh(tmp_path)
    first = invoke(target, "import-annotations", str(out))
    assert first.stdout.strip() == f"imported 2 annotations, 2 tags, 1 link from {name}"
    again = invoke(target, "import-annotations", str(out))
    assert again.stdout.startswith(f"imported nothing from {name}") and "already in the library" in again.stderr
    exported = json.loads(invoke(target, "export", "--format", "w3c").stdout)
    assert exported["total"] == 3


def test_csv_exports_to_standard_output_with_formulas_neutralised(library):
    rows = list(csv.DictReader(io.StringIO(invoke(library, "export", "--format", "csv").stdout, newline="")))
    assert [r["quote"] for r in rows] == ["The closure is a precaution.", "is safe"]
    assert rows[0]["note"] == "'=1+1"
    codebook = invoke(library, "export", "--format", "codebook-csv").stdout
    assert codebook.splitlines()[0].startswith("tag,description,number of highlights,number of documents")


def test_codebook_csv_imports_through_the_cli(library, tmp_path):
    path = tmp_path / "codebook.csv"
    path.write_text(invoke(library, "export", "--format", "codebook-csv").stdout, encoding="utf-8")
    target = fresh(tmp_path)
    assert invoke(target, "import-annotations", str(path)).stdout.strip() == "imported 2 tags from codebook.csv"


def test_hypothesis_json_is_recognised_and_placed_with_doc(library, tmp_path):
    row = {
        "id": "abc", "user": "acct:mara@hypothes.is", "uri": "https://example.org/notice", "text": "hm", "tags": [],
        "target": [{"source": "https://example.org/notice", "selector": [
            {"type": "TextQuoteSelector", "exact": "will be met from reserves"}]}],
    }
    path = tmp_path / "hypothesis.json"
    path.write_text(json.dumps({"total": 1, "rows": [row]}), encoding="utf-8")
    fails_cleanly(library, "import-annotations", str(path), match="no library document matches https://example.org/notice")
    assert invoke(library, "import-annotations", str(path), "--doc", "Harbour").stdout.startswith("imported 1 annotation")
    notes = json.loads(invoke(library, "annotations", "--author", "mara", "--format", "json").stdout)
    assert [n["exact"] for n in notes] == ["will be met from reserves"]


def test_export_never_replaces_a_file_without_force(library, tmp_path):
    out = tmp_path / "notes.md"
    out.write_bytes(b"precious \x00 bytes")
    fails_cleanly(library, "export", "-o", str(out), match="already exists; pass --force")
    fails_cleanly(library, "export", "--format", "csv", "-o", str(out), match="already exists")
    assert out.read_bytes() == b"precious \x00 bytes"
    invoke(library, "export", "-o", str(out), "--force")
    assert out.read_text(encoding="utf-8") == invoke(library, "export").stdout
    assert not list(tmp_path.glob(".*.tmp"))


TITLES = ["../../escape", "CON", "a/b\\c:d", "Notes", "notes", "\x1b[31mred\x07", "é" * 300, "..", "  .hidden. "]


def test_split_writes_one_safely_named_file_per_document(tmp_path, db_path):
    with Store.open(db_path, author="ada", clock=fixed_clock()) as store:
        for n, title in enumerate(TITLES):
            text = f"Document {n}: a passage worth noting.\n"
            document = add_document(store, text, title, path=f"/docs/{n}.txt")
            store.annotations.create(document, anchor_quote(text, "a passage worth noting"))
    folder = tmp_path / "notes"
    result = invoke(db_path, "export", "--split", str(folder))
    assert f"to {len(TITLES)} files in {folder}" in result.stderr
    written = sorted(folder.iterdir())
    assert len(written) == len(TITLES)
    assert {p.name for p in tmp_path.iterdir() if not p.name.startswith("library.db")} == {"notes"}
    for path in written:
        assert path.parent == folder and path.suffix == ".md"
        name = path.name
        assert ".." not in name and not name.startswith(".") and "\x1b" not in name and "\x07" not in name
        assert len(name.encode("utf-8")) < 255
    assert "CON_.md" in [p.name for p in written]
    assert len({p.name.casefold() for p in written}) == len(TITLES)
    # each file holds exactly its document's export
    by_title = {json.loads(p.read_text(encoding="utf-8").split("\n")[1][len("title: "):]): p for p in written}
    assert set(by_title) == set(TITLES)
    before = {p: p.read_bytes() for p in written}
    fails_cleanly(db_path, "export", "--split", str(folder), match="already exists")
    assert {p: p.read_bytes() for p in written} == before
    invoke(db_path, "export", "--split", str(folder), "--force")


def test_template_option_and_show_template(library, tmp_path):
    shown = invoke(library, "export", "--show-template").stdout
    assert shown == default_template()
    template = tmp_path / "mine.md.j2"
    template.write_text(shown, encoding="utf-8")
    assert invoke(library, "export", "--template", str(template)).stdout == invoke(library, "export").stdout
    template.write_text("{% for a in annotations %}* {{ a.quote }} — {{ a.note }}\n{% endfor %}", encoding="utf-8")
    assert invoke(library, "export", "--template", str(template)).stdout == (
        "* The closure is a precaution. — \\=1+1\n* is safe — \n"  # escaped: `=` could underline a heading
    )
    template.write_text("{{ nope }}", encoding="utf-8")
    fails_cleanly(library, "export", "--template", str(template), match="mine.md.j2")
    fails_cleanly(library, "export", "--template", str(tmp_path / "missing.j2"), match="does not exist")


@pytest.mark.parametrize("args, match", [
    (("--format", "qdpx"), "-o FILE"),
    (("--format", "brat"), "-o FOLDER"),
    (("--format", "csv", "--group-by", "tag"), "--group-by applies to Markdown"),
    (("--format", "w3c", "--split", "x"), "--split applies to Markdown"),
    (("--split", "x", "-o", "y.md"), "not both"),
])
def test_option_mistakes_are_usage_errors(library, args, match):
    fails_cleanly(library, "export", *args, match=match, code=2)


def test_import_errors_are_one_line_and_change_nothing(library, tmp_path):
    odd = tmp_path / "notes.xyz"
    odd.write_text("?", encoding="utf-8")
    fails_cleanly(library, "import-annotations", str(odd), match="name its format with --format")
    fails_cleanly(library, "import-annotations", str(tmp_path / "missing.json"), match="does not exist")
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    fails_cleanly(library, "import-annotations", str(broken), match="not JSON")
    fails_cleanly(library, "import-annotations", str(odd), "--format", "csv-codebook", "--doc", "Harbour",
                  match="--doc applies to")


@pytest.mark.parametrize("content, why", [
    ({}, "its target has no text quote or position"),
    ({"type": "Annotation", "target": {"source": "urn:x", "selector": {"type": "TextQuoteSelector",
                                                                     "exact": "words in no document here"}}},
     "is not in the document"),
], ids=["not an annotation", "a quote the document lacks"])
def test_a_file_that_gives_nothing_is_an_error_but_a_second_import_is_not(library, tmp_path, content, why):
    """Nothing imported and everything left out means the wrong file or the wrong document: exit 1, one
    line after the warnings. The same file imported twice adds nothing too, but that is success."""
    path = tmp_path / "notes.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    before = fingerprint(library)
    result = invoke(library, "import-annotations", str(path), "--doc", "Harbour", code=1)
    assert why in result.stderr
    assert result.stderr.strip().splitlines()[-1] == "Error: imported nothing from notes.json; skipped 1 (see warnings)"
    assert result.stdout == "" and fingerprint(library) == before
    exported = tmp_path / "mine.json"
    invoke(library, "export", "--format", "w3c", "-o", str(exported))
    again = invoke(library, "import-annotations", str(exported))
    assert again.stdout.startswith("imported nothing from mine.json") and "already in the library" in again.stderr


_CODEBOOK = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="by hand">
  <Codes>
    <Code guid="8a0d5d8e-2f0e-4a4e-9d55-1f0c6f2c3b11" name="{name}" isCodable="true">
      <Description>{description}</Description>
    </Code>
  </Codes>
  <Sets><Set guid="1b2c3d4e-5f60-4718-9a0b-c1d2e3f40516" name="Places"/></Sets>
</CodeBook>
"""


@pytest.mark.parametrize("description", ["", "Aliases: Harm"], ids=["the same again", "with a new alias"])
def test_a_codebook_whose_codes_are_all_here_is_no_error(library, tmp_path, description):
    """Its codes are tags already (found, or given an alias): something was taken, though its set was left out."""
    path = tmp_path / "codes.qdc"
    path.write_text(_CODEBOOK.format(name="Harbour", description=""), encoding="utf-8")
    first = invoke(library, "import-annotations", str(path))
    assert first.stdout.startswith("imported 1 tag from codes.qdc; skipped 1") and "sets: 1 left out" in first.stderr
    path.write_text(_CODEBOOK.format(name="Harbour", description=description), encoding="utf-8")
    again = invoke(library, "import-annotations", str(path))
    assert again.stdout.startswith("imported nothing from codes.qdc; skipped 1")
    with Store.open(library, author="ada") as store:
        assert store.tags.find("Harbour").aliases == (("Harm",) if description else ())
