"""Entity work on the command line: every occurrence, every mention, the entity index, suggestions."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from reader.cli import cli

from .conftest import fingerprint

ARTICLE = (
    "China National Petroleum Corporation (CNPC) reported profits on 3 March 2024. CNPC’s listed arm\n"
    "PetroChina said the China National\nPetroleum Corporation would invest. The World Bank and cnpc agreed.\n"
)


@pytest.fixture
def run(db_path, tmp_path):
    runner = CliRunner()

    def invoke(*args: str, ok: bool = True):
        result = runner.invoke(cli, ["--db", str(db_path), "--author", "ada", *args], catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output + result.stderr
        return result

    source = tmp_path / "article.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    invoke("import", str(source))
    return invoke


def annotations(run) -> list[dict]:
    return json.loads(run("annotations", "--format", "json").output)


def test_annotate_every_occurrence_is_one_undo_step(run):
    result = run("annotate", "article", "--quote", "CNPC", "--all", "--tag", "Organization:CNPC")
    assert "annotated 2 of 2 occurrences" in result.output
    assert [a["exact"] for a in annotations(run)] == ["CNPC", "CNPC"]
    assert "already" in run("annotate", "article", "--quote", "CNPC", "--all", "--tag", "CNPC").output
    assert "undid annotate every occurrence on 2 annotations" in run("undo").output
    assert annotations(run) == []
    assert "redid" in run("redo").output and len(annotations(run)) == 2


def test_annotate_every_occurrence_can_fold_case(run):
    run("annotate", "article", "--quote", "CNPC", "--all", "-i")
    assert [a["exact"] for a in annotations(run)] == ["CNPC", "CNPC", "cnpc"]


@pytest.mark.parametrize(
    "args",
    [
        ("--quote", "CNPC", "--all", "--occurrence", "1"),
        ("--start", "0", "--end", "4", "--all"),
        ("--quote", "Shell", "--all"),
        ("--quote", "CNPC", "-i"),
    ],
)
def test_bad_every_occurrence_requests_fail_in_one_line_and_change_nothing(run, db_path, args):
    before = fingerprint(db_path)
    result = run("annotate", "article", *args, ok=False)
    assert result.exit_code != 0 and len(result.stderr.strip().splitlines()) == 1
    assert fingerprint(db_path) == before


def test_mentions_lists_names_and_aliases_in_context_and_marks_the_tagged(run):
    run("tags", "add", "Organization:China National Petroleum Corporation", "--alias", "CNPC", "--alias", "PetroChina")
    run("annotate", "article", "--quote", "PetroChina", "--tag", "CNPC")
    listed = json.loads(run("mentions", "CNPC", "--format", "json").output)
    assert [(m["exact"], m["tagged"]) for m in listed] == [
        ("China National Petroleum Corporation", False), ("CNPC", False), ("CNPC", False), ("PetroChina", True),
        ("China National\nPetroleum Corporation", False),
    ]
    assert listed[1]["before"].endswith("Corporation (") and listed[1]["after"].startswith(") reported")
    table = run("mentions", "CNPC").output
    assert "✓" in table and "5 mentions in 1 document, 1 tagged" in table


def test_mentions_tag_all_then_one_undo(run):
    run("tags", "add", "Organization:CNPC", "--alias", "PetroChina")
    assert "tagged 3 mentions" in run("mentions", "CNPC", "--tag-all").output
    assert "3 mentions in 1 document, 3 tagged" in run("mentions", "CNPC").output
    run("undo")
    assert annotations(run) == []


def test_mentions_of_an_unknown_entity_is_a_one_line_error(run):
    result = run("mentions", "Shell", ok=False)
    assert result.exit_code == 1 and "no tag" in result.stderr


def test_entities_lists_types_aliases_counts_and_first_mention(run):
    run("tags", "add", "Organization:CNPC", "--alias", "PetroChina")
    run("tags", "add", "Organization:World Bank")
    run("mentions", "CNPC", "--tag-all")
    index = json.loads(run("entities", "--format", "json").output)
    assert [(e["name"], e["type"], e["aliases"], e["mentions"]) for e in index] == [
        ("CNPC", "Organization", ["PetroChina"], 3), ("World Bank", "Organization", [], 0),
    ]
    assert index[0]["documents"][0]["mentions"] == 3
    assert index[0]["first_mention"]["exact"] == "CNPC" and index[1]["first_mention"] is None
    assert "PetroChina" in run("entities").output


def test_suggest_then_review_from_the_command_line(run, db_path):
    run("tags", "add", "Organization:PetroChina")
    made = run("suggest", "article").output
    assert "from aliases" in made and "from rules" in made
    assert annotations(run) == []
    listed = json.loads(run("suggestions", "--format", "json").output)
    by_text = {s["exact"]: s for s in listed}
    assert by_text["PetroChina"]["source"] == "aliases" and by_text["3 March 2024"]["tag"] == "Date:3 March 2024"
    acronym = next(s for s in listed if s["exact"] == "CNPC")
    assert "alias added: CNPC" in run("suggestions", "--accept", acronym["id"][:8]).output
    assert "not proposed again" in run("suggestions", "--reject", by_text["3 March 2024"]["id"]).output
    assert "0 new suggestions" in run("suggest", "article", "--from", "rules").output
    assert "accepted" in run("suggestions", "--accept-all", "--source", "aliases").output
    assert {a["exact"] for a in annotations(run)} == {"CNPC", "PetroChina"}


@pytest.mark.parametrize(
    "args",
    [("suggestions", "--accept-all"), ("suggestions", "--tag", "X"), ("suggestions", "--accept", "zzzz"),
     ("suggestions", "--accept", "abcd", "--reject", "abcd"), ("suggest", "nothing-like-it")],
)
def test_bad_suggestion_requests_fail_in_one_line_and_change_nothing(run, db_path, args):
    run("suggest", "article")
    before = fingerprint(db_path)
    result = run(*args, ok=False)
    assert result.exit_code != 0 and len(result.stderr.strip().splitlines()) == 1
    assert fingerprint(db_path) == before


def test_suggest_from_ner_without_spacy_or_model_says_what_to_install(run, db_path):
    before = fingerprint(db_path)
    result = run("suggest", "article", "--from", "ner", "--model", "no_such_model_xx", ok=False)
    assert result.exit_code == 1 and ("spaCy" in result.stderr)
    assert fingerprint(db_path) == before


def test_suggest_from_ner_with_a_broken_pipeline_folder_fails_in_one_line(run, db_path, tmp_path):
    pytest.importorskip("spacy")
    broken = tmp_path / "broken-model"
    broken.mkdir()
    (broken / "meta.json").write_text('{"lang": "en", "name": "broken", "version": "0.0.0"}', encoding="utf-8")
    (broken / "config.cfg").write_text("[nlp\nnot a config", encoding="utf-8")
    before = fingerprint(db_path)
    result = run("suggest", "article", "--from", "ner", "--model", str(broken), ok=False)
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "spaCy could not load" in result.stderr and fingerprint(db_path) == before
