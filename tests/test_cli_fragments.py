"""Passages in fragments from the command line: made by several quotes or offset pairs, listed joined with " … "."""

from __future__ import annotations

import json

from click.testing import CliRunner

from reader.cli import cli
from reader.samples import sample_paths

from .conftest import fingerprint


def invoke(db_path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db_path), "--author", "ada", *args], catch_exceptions=False)


def test_several_quotes_make_one_passage_in_fragments(db_path):
    notice, _ = sample_paths()
    assert invoke(db_path, "import", str(notice)).exit_code == 0
    made = invoke(db_path, "annotate", "Notice", "--quote", "The closure is", "--quote", "a precaution", "--tag", "Claim")
    assert made.exit_code == 0, made.output
    (listed,) = json.loads(invoke(db_path, "annotations", "--format", "json").output)
    assert listed["quote"] == "The closure is … a precaution"
    assert [f["exact"] for f in listed["fragments"]] == ["The closure is", "a precaution"]
    table = invoke(db_path, "annotations").output
    assert "The closure is … a" in table


def test_offset_pairs_make_fragments_and_bad_pairs_change_nothing(db_path):
    notice, _ = sample_paths()
    invoke(db_path, "import", str(notice))
    made = invoke(db_path, "annotate", "Notice", "--start", "0", "--end", "3", "--start", "10", "--end", "14")
    assert made.exit_code == 0, made.output
    (listed,) = json.loads(invoke(db_path, "annotations", "--format", "json").output)
    assert [(f["start"], f["end"]) for f in listed["fragments"]] == [(0, 3), (10, 14)]
    before = fingerprint(db_path)
    for bad in (["--start", "0", "--end", "3", "--start", "10"], ["--start", "0", "--end", "3", "--start", "5", "--end", "99999999"],
                ["--quote", "The closure", "--quote", "not in the notice at all"]):
        result = invoke(db_path, "annotate", "Notice", *bad)
        assert result.exit_code != 0 and len(result.output.strip().splitlines()) <= 3
    assert fingerprint(db_path) == before


def test_refresh_says_when_a_fragment_is_not_found_and_review_shows_the_passage(db_path, tmp_path):
    path = tmp_path / "memo.md"
    path.write_text("# Memo\n\nThe bridge will close in March. The closure is a precaution. It reopens in April.\n",
                    encoding="utf-8")
    invoke(db_path, "import", str(path))
    kept = invoke(db_path, "annotate", "Memo", "--quote", "The bridge will close", "--quote", "It reopens").output.strip()
    lost = invoke(db_path, "annotate", "Memo", "--quote", "The bridge", "--quote", "a precaution").output.strip()
    path.write_text("# Memo\n\nThe bridge will close in March. It reopens in April.\n", encoding="utf-8")
    refreshed = invoke(db_path, "refresh")
    assert refreshed.exit_code == 0 and "1 fragment of passages in fragments not found (kept on the old text)" in refreshed.output
    review = invoke(db_path, "review", "Memo").output
    assert lost[:8] in review and "a passage in 2 fragments, not all found" in review
    assert "The bridge … a precaution" in review
    (placed,) = [a for a in json.loads(invoke(db_path, "annotations", "--format", "json").output) if a["id"] == kept]
    assert placed["quote"] == "The bridge will close … It reopens"
