"""Aliases travel: every export format that has a place for a tag's other names writes them, and reads them back."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotations.anchoring import anchor_quote
from annotations.export.gather import markdown_export
from annotations.interchange.aliases import join_aliases, split_aliases
from annotations.interchange.codetree import split_description, with_aliases
from annotations.interchange.refiqda import export_qdc, export_qdpx, import_qdc, import_qdpx
from annotations.interchange.selection import select
from annotations.interchange.tabular import export_codebook_csv, import_codebook_csv
from annotations.interchange.w3c import export_collection, import_w3c
from annotations.model import TagKind
from annotations.store import Store

from .conftest import NOTICE, add_document, fixed_clock

#: Aliases that test the formats' edges: a separator, a backslash, quotes and another script.
ALIASES = ("CNPC", "Petro China; Ltd", "back\\slash", "“中国石油”")


@pytest.fixture
def library(store):
    document = add_document(store, NOTICE, "Harbour notice")
    store.tags.add("China National Petroleum Corporation", TagKind.ENTITY, entity_type="Organization",
                   aliases=ALIASES, description="State oil company")
    store.tags.add("Theme/Oil", TagKind.TOPIC, aliases=("Petroleum",))
    store.tags.add("Lowmere", TagKind.ENTITY, entity_type="Place")
    quote = "footbridge" if "footbridge" in NOTICE else NOTICE.split("\n")[0]
    store.annotations.create(
        document, anchor_quote(NOTICE, quote, 1),
        tags=[store.tags.find(n).id for n in ("China National Petroleum Corporation", "Theme/Oil", "Lowmere")],
    )
    return store


@pytest.fixture
def fresh(tmp_path):
    with Store.open(tmp_path / "fresh.db", author="eve", clock=fixed_clock()) as opened:
        add_document(opened, NOTICE, "Harbour notice")
        yield opened


def names(store: Store) -> dict[str, tuple[str, ...]]:
    return {t.label: t.aliases for t in store.tags.all()}


def test_a_description_keeps_its_text_and_carries_aliases_with_separators_and_backslashes():
    written = with_aliases("State oil company\nsecond line", ALIASES)
    assert written.splitlines()[-1].startswith("Aliases: CNPC; ")
    assert split_description(written) == ("State oil company\nsecond line", ALIASES)
    assert split_description("no aliases here") == ("no aliases here", ())
    assert split_aliases(join_aliases(ALIASES)) == ALIASES
    assert split_aliases("a\\b; c") == ("a\\b", "c")  # another tool's lone backslash is kept
    assert with_aliases("same", ()) == "same"


def test_refi_qda_project_and_codebook_carry_aliases_and_read_them_back(library, fresh, tmp_path):
    export_qdpx(select(library), tmp_path / "project.qdpx")
    import_qdpx(fresh, tmp_path / "project.qdpx")
    assert names(fresh) == names(library)
    assert fresh.tags.resolve("Organization:China National Petroleum Corporation").description == "State oil company"
    with Store.open(tmp_path / "codebook.db", author="eve", clock=fixed_clock()) as other:
        export_qdc(select(library), tmp_path / "codes.qdc")
        import_qdc(other, tmp_path / "codes.qdc")
        assert names(other) == names(library)


def test_refi_qda_files_with_aliases_still_validate(shared, library, tmp_path):
    export_qdpx(select(library), tmp_path / "project.qdpx")
    export_qdc(select(library), tmp_path / "codes.qdc")
    for name, schema in (("project.qdpx", "Project"), ("codes.qdc", "Codebook")):
        result = subprocess.run(
            [sys.executable, str(shared / "tools" / "qdpx_validate.py"), str(tmp_path / name)],
            capture_output=True, text=True, timeout=120,
        )
        assert f"VALID (schema {schema}-mrt2019.xsd)" in result.stdout, result.stdout + result.stderr


def test_w3c_writes_a_tag_with_aliases_as_a_choice_and_reads_the_aliases_back(library, fresh, tmp_path):
    path = tmp_path / "annotations.json"
    path.write_text(export_collection(select(library)), encoding="utf-8")
    bodies = json.loads(path.read_text(encoding="utf-8"))["first"]["items"][0]["body"]
    choices = [b for b in bodies if b["type"] == "Choice"]
    assert [[item["value"] for item in c["items"]] for c in choices] == [
        ["Organization:China National Petroleum Corporation", *ALIASES], ["Theme/Oil", "Petroleum"]]
    assert {"type": "TextualBody", "purpose": "tagging", "value": "Place:Lowmere"} in bodies
    import_w3c(fresh, path)
    assert names(fresh) == names(library)
    assert len(fresh.annotations.list()) == 1


def test_w3c_with_aliases_passes_the_must_assertions(shared, library, tmp_path):
    path = tmp_path / "annotations.json"
    path.write_text(export_collection(select(library)), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(shared / "tools" / "wa_validate.py"), "-q", str(path)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0 and "CONFORMS (all MUST" in result.stdout, result.stdout + result.stderr


def test_codebook_csv_carries_aliases_and_reads_them_back(library, fresh, tmp_path):
    path = tmp_path / "codebook.csv"
    path.write_text(export_codebook_csv(select(library)), encoding="utf-8")
    import_codebook_csv(fresh, path)
    assert names(fresh) == names(library)


def test_markdown_front_matter_lists_each_tags_aliases(library):
    markdown, _ = markdown_export(library)
    front = markdown.split("---")[1]
    assert "tag_aliases:\n" in front
    assert '  "Organization: China National Petroleum Corporation": ["CNPC", "Petro China; Ltd", "back\\\\slash", "“中国石油”"]' in front
    assert '  "Theme/Oil": ["Petroleum"]' in front
    assert "Lowmere" not in front  # a tag without aliases adds nothing
