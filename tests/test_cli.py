"""The command line, end to end through click's runner, on real files and a real library."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from reader.cli import cli
from reader.samples import sample_paths


@pytest.fixture
def run(db_path):
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, ok: bool = True, author: str = "ada"):
        result = runner.invoke(cli, ["--db", str(db_path), "--author", author, *args], input=input, catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output + result.stderr
        return result

    return invoke


@pytest.fixture
def samples(run):
    notice, article = sample_paths()
    run("import", str(notice), str(article))
    return notice, article


def test_import_reports_new_then_unchanged(run, samples):
    notice, _ = samples
    again = run("import", str(notice))
    assert "unchanged" in again.output and "Notice of Temporary Closure" in again.output


def test_changed_file_becomes_a_new_version(run, tmp_path, db_path):
    path = tmp_path / "memo.md"
    path.write_text("# Memo\n\nThe meeting is on Monday.\n", encoding="utf-8")
    run("import", str(path))
    annotation_id = run("annotate", "Memo", "--quote", "Monday").output.strip()
    path.write_text("# Memo\n\nThe meeting is on Tuesday.\n", encoding="utf-8")
    result = run("import", str(path))
    assert "updated" in result.output and "version 2" in result.output
    docs = json.loads(run("docs", "--format", "json").output)
    assert len(docs) == 1 and docs[0]["version"] == 2
    # The same sentence, with one word changed: the annotation follows it and waits for review
    assert "1 found approximately" in result.output and "margin review" in result.output
    conn = sqlite3.connect(db_path)
    assert conn.execute(
        "SELECT exact, anchor_state, needs_review FROM annotations WHERE id = ?", (annotation_id,)
    ).fetchone() == ("Tuesday", "fuzzy", 1)


def test_docs_lists_titles_and_counts(run, samples):
    run("annotate", "Harbour Bridge", "--quote", "Mara Ilves", "--tag", "Person:Mara Ilves")
    docs = {d["title"]: d for d in json.loads(run("docs", "--format", "json").output)}
    assert docs["Harbour Bridge Shut After Safety Scare"]["annotation_count"] == 1
    assert docs["Notice of Temporary Closure: Eastquay Harbour Footbridge"]["annotation_count"] == 0
    table = run("docs").output
    assert "Harbour Bridge Shut After Safety Scare" in table


def test_annotate_by_quote_and_by_offsets(run, samples):
    first = run("annotate", "Notice", "--quote", "The closure is a precaution.", "--tag", "Claim/Safety",
                "--note", "Compare with the article.").output.strip()
    assert len(first) == 36
    listed = json.loads(run("annotations", "--format", "json").output)
    assert listed[0]["exact"] == "The closure is a precaution."
    assert listed[0]["section"].endswith("Summary")
    start, end = listed[0]["start"], listed[0]["end"]
    second = run("annotate", "Notice", "--start", str(start), "--end", str(end - 1)).output.strip()
    listed = {a["id"]: a for a in json.loads(run("annotations", "--format", "json").output)}
    assert listed[second]["exact"] == "The closure is a precaution"


def test_occurrence_picks_among_repeated_quotes(run, samples):
    annotation_id = run("annotate", "Notice", "--quote", "Customs House", "--occurrence", "2").output.strip()
    listed = {a["id"]: a for a in json.loads(run("annotations", "--format", "json").output)}
    first_start = json.loads(run("annotations", "--format", "json").output)[0]["start"]
    assert listed[annotation_id]["exact"] == "Customs House"
    assert listed[annotation_id]["start"] == first_start  # the only one, and it is the later occurrence
    assert "Contact" in listed[annotation_id]["section"] or "Alternative" in listed[annotation_id]["section"]


def test_filters_on_annotations(run, samples):
    run("annotate", "Notice", "--quote", "The closure is a precaution.", "--tag", "Claim/Safety")
    run("annotate", "Harbour Bridge", "--quote", "Mara Ilves", "--tag", "Person:Mara Ilves", author="bob")
    by_tag = json.loads(run("annotations", "--tag", "Claim", "--format", "json").output)
    assert [a["exact"] for a in by_tag] == ["The closure is a precaution."]
    by_author = json.loads(run("annotations", "--author", "bob", "--format", "json").output)
    assert [a["author"] for a in by_author] == ["bob"]
    by_doc = json.loads(run("annotations", "--doc", "Harbour Bridge", "--format", "json").output)
    assert [a["exact"] for a in by_doc] == ["Mara Ilves"]
    assert "Mara Ilves" in run("annotations").output


def test_edit_tag_untag_delete_undo_redo(run, samples):
    annotation_id = run("annotate", "Notice", "--quote", "The closure is a precaution.").output.strip()
    short = annotation_id[:8]
    run("note", short, "First thought.")
    run("note", short, "-", input="Piped\nnote.\n")
    run("tag", short, "Claim/Safety", "Organization:Port Authority of Lowmere")
    run("untag", short, "Claim/Safety")
    run("delete", short)
    assert json.loads(run("annotations", "--format", "json").output) == []
    assert "undid delete" in run("undo").output
    (current,) = json.loads(run("annotations", "--format", "json").output)
    assert current["note"] == "Piped\nnote.\n"
    assert [t["name"] for t in current["tags"]] == ["Port Authority of Lowmere"]
    run("undo")
    (current,) = json.loads(run("annotations", "--format", "json").output)
    assert {t["name"] for t in current["tags"]} == {"Claim/Safety", "Port Authority of Lowmere"}
    run("redo")
    run("redo")
    assert json.loads(run("annotations", "--format", "json").output) == []


def test_tags_tree_and_edits(run, samples):
    run("annotate", "Notice", "--quote", "The closure is a precaution.", "--tag", "Claim/Safety")
    run("annotate", "Harbour Bridge", "--quote", "Mara Ilves", "--tag", "Person:Mara Ilves")
    run("tags", "add", "Claim/Cost", "--colour", "#123456", "--description", "Money claims")
    run("tags", "add", "Port Authority", "--entity", "organization", "--alias", "the Authority")
    tree = run("tags").output
    assert "Entities" in tree and "Person" in tree and "Mara Ilves" in tree
    assert "Topics" in tree and "Claim" in tree and "Safety" in tree and "Money claims" in tree
    run("tags", "rename", "Claim", "Assertion")
    run("tags", "colour", "Assertion/Safety", "#abcdef")
    tags = {t["name"]: t for t in json.loads(run("tags", "--format", "json").output)}
    assert tags["Assertion/Safety"]["colour"] == "#abcdef" and tags["Assertion/Safety"]["count"] == 1
    assert tags["Port Authority"]["entity_type"] == "Organization"
    refused = run("tags", "delete", "Assertion/Safety", ok=False)
    assert refused.exit_code == 1 and "pass --force" in refused.stderr
    run("tags", "merge", "Assertion/Cost", "Assertion/Safety")
    run("tags", "delete", "Assertion/Safety", "--force")
    names = {t["name"] for t in json.loads(run("tags", "--format", "json").output)}
    assert names == {"Mara Ilves", "Port Authority"}


def test_search_documents_and_notes(run, samples):
    out = run("search", "shuttle").output
    assert "Notice of Temporary Closure" in out and "Harbour Bridge Shut" in out
    assert "Alternative routes" in out and "Getting across" in out
    run("annotate", "Notice", "--quote", "The closure is a precaution.", "--note", "Is it really?")
    notes = run("search", "really", "--notes").output
    assert "Notice of Temporary Closure" in notes
    missing = run("search", "zeppelin", ok=False)
    assert missing.exit_code == 1 and "No matches" in missing.output


def test_link_shows_in_export(run, samples, tmp_path):
    source = run("annotate", "Harbour Bridge", "--quote", "is not expected to reopen before May").output.strip()
    target = run("annotate", "Notice", "--quote", "from 10 March until 28 April").output.strip()
    run("link", source[:8], target[:8], "--relation", "contradicts")
    out = tmp_path / "notes.md"
    run("export", "-o", str(out))
    text = out.read_text(encoding="utf-8")
    assert f"→ contradicts [[#^{target[:8]}|Notice of Temporary Closure" in text
    assert f"← contradicted by [[#^{source[:8]}|Harbour Bridge Shut After Safety Scare]]" in text


def test_export_is_deterministic_and_filters(run, samples, tmp_path):
    run("annotate", "Notice", "--quote", "The closure is a precaution.", "--tag", "Claim/Safety", "--note", "# not a heading")
    run("annotate", "Harbour Bridge", "--quote", "Mara Ilves", "--tag", "Person:Mara Ilves")
    one, two = tmp_path / "one.md", tmp_path / "two.md"
    run("export", "-o", str(one))
    run("export", "-o", str(two))
    assert one.read_bytes() == two.read_bytes()
    assert run("export").output.encode() == one.read_bytes()
    text = one.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    assert "> The closure is a precaution\\." in text or "> The closure is a precaution." in text
    assert "\n# not a heading" not in text
    only_safety = run("export", "--tag", "Claim/Safety").output
    assert "Mara Ilves" not in only_safety.split("---", 2)[2]
    by_tag = run("export", "--group-by", "tag").output
    assert "# Claim/Safety" in by_tag or "Claim/Safety" in by_tag


def test_author_comes_from_config_then_flag(run, samples, tmp_path, monkeypatch, db_path):
    config = tmp_path / "config.toml"
    config.write_text('author = "grace"\n', encoding="utf-8")
    monkeypatch.setenv("MARGIN_CONFIG", str(config))
    runner = CliRunner()
    runner.invoke(cli, ["--db", str(db_path), "annotate", "Notice", "--quote", "The closure is a precaution."])
    authors = [a["author"] for a in json.loads(run("annotations", "--format", "json").output)]
    assert authors == ["grace"]


def test_library_path_from_environment(tmp_path, monkeypatch):
    path = tmp_path / "env.db"
    monkeypatch.setenv("MARGIN_DB", str(path))
    result = CliRunner().invoke(cli, ["import", str(sample_paths()[0])])
    assert result.exit_code == 0 and path.exists()


def test_an_alias_can_be_taken_away_again_and_a_missing_one_is_one_line(run):
    margin = run
    margin("tags", "add", "Organization:China National Petroleum Corporation")
    margin("tags", "alias", "China National Petroleum Corporation", "CNPC")
    result = margin("tags", "unalias", "China National Petroleum Corporation", "cnpc")
    assert "no other names" in result.output
    refused = margin("tags", "unalias", "China National Petroleum Corporation", "CNPC", ok=False)
    assert refused.exit_code == 1
    assert refused.stderr.count("\n") == 1 and "has no alias CNPC" in refused.stderr
