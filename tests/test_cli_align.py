"""`margin align`: suggestions listed, saved, read back, accepted into links and rejected for good."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from reader.cli import cli
from reader.samples import sample_paths

from .conftest import fingerprint


@pytest.fixture
def run(db_path):
    runner = CliRunner()

    def invoke(*args: str, ok: bool = True):
        result = runner.invoke(cli, ["--db", str(db_path), "--author", "ada", *args], catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output + result.stderr
        return result

    notice, article = sample_paths()
    invoke("import", str(notice), str(article))
    return invoke


NOTICE, ARTICLE = "Notice of Temporary", "Harbour Bridge Shut"


def _pairs(run, *extra: str) -> list[dict]:
    return json.loads(run("align", NOTICE, ARTICLE, "--format", "json", *extra).stdout)


def test_json_lists_pairs_with_ids_offsets_text_score_and_method(run):
    pairs = _pairs(run)
    assert pairs and {"a", "b", "score", "method"} <= set(pairs[0])
    quoted = [p for p in pairs if p["method"] == "quote"]
    assert any(p["b"]["text"] == "have reached the end of their service life" for p in quoted)
    for pair in pairs:
        assert pair["a"]["document"] != pair["b"]["document"]
        assert pair["a"]["end"] - pair["a"]["start"] == len(pair["a"]["text"])
    table = run("align", NOTICE, ARTICLE).stdout
    assert "quote" in table and "service life" in table


def test_min_score_and_method_are_honoured(run):
    assert all(p["score"] >= 0.9 for p in _pairs(run, "--min-score", "0.9"))
    assert {p["method"] for p in _pairs(run, "--method", "length")} == {"length"}


def test_accepting_makes_two_annotations_and_a_link_and_the_pair_is_not_proposed_again(run, db_path):
    before = _pairs(run)
    quoted = next(i for i, p in enumerate(before, start=1) if p["method"] == "quote")
    assert run("align", NOTICE, ARTICLE, "--accept", str(quoted)).stdout.strip() == "accepted 1, rejected 0"
    listing = json.loads(run("annotations", "--format", "json").stdout)
    assert len(listing) == 2
    exported = run("export").stdout
    assert "quotes" in exported
    assert len(_pairs(run)) == len(before) - 1


def test_a_rejected_pair_is_remembered(run):
    before = _pairs(run)
    run("align", NOTICE, ARTICLE, "--reject", "1")
    after = _pairs(run)
    assert len(after) == len(before) - 1 and before[0] not in after
    # the other way round it is the same pair
    swapped = json.loads(run("align", ARTICLE, NOTICE, "--format", "json").stdout)
    assert all((p["b"]["start"], p["a"]["start"]) != (before[0]["a"]["start"], before[0]["b"]["start"]) for p in swapped)


def test_saved_suggestions_are_read_back(run, tmp_path):
    saved = tmp_path / "pairs.json"
    pairs = _pairs(run)
    saved.write_text(json.dumps(pairs[:2]), encoding="utf-8")
    assert _pairs(run, "--from", str(saved)) == pairs[:2]
    run("align", NOTICE, ARTICLE, "--from", str(saved), "--accept", "all")
    assert len(json.loads(run("annotations", "--format", "json").stdout)) == 4


def test_bad_input_is_one_line_and_changes_nothing(run, db_path, tmp_path):
    stale = tmp_path / "stale.json"
    pair = _pairs(run)[0]
    pair["a"]["text"] = "something else"
    stale.write_text(json.dumps([pair]), encoding="utf-8")
    before = fingerprint(db_path)
    for args in (["--from", str(stale), "--accept", "all"], ["--accept", "999"], ["--accept", "x"],
                 ["--accept", "1", "--reject", "1"], ["--from", str(tmp_path / "missing.json")]):
        result = run("align", NOTICE, ARTICLE, *args, ok=False)
        assert result.exit_code != 0
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert run("align", NOTICE, NOTICE, ok=False).exit_code != 0
    assert fingerprint(db_path) == before
