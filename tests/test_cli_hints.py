"""What the command line suggests: close matches for a mistyped name, and a review command to copy."""

from __future__ import annotations

import shlex

import pytest
from click.testing import CliRunner

from reader.cli import cli
from reader.samples import sample_paths


@pytest.fixture
def run(db_path):
    runner = CliRunner()

    def invoke(*args: str, code: int = 0):
        result = runner.invoke(cli, ["--db", str(db_path), "--author", "ada", *args], catch_exceptions=False)
        assert result.exit_code == code, result.output + result.stderr
        return result

    return invoke


def test_open_with_a_mistyped_file_name_suggests_the_file(run, tmp_path, monkeypatch):
    (tmp_path / "article.txt").write_text("The bridge is shut.\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("# Notes\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("open", "artcle.txt", code=1)
    assert result.stderr == "Error: no such file or document: artcle.txt (did you mean article.txt?)\n"
    typed = str(tmp_path / "note.md")
    result = run("open", typed, code=1)
    assert result.stderr == f"Error: no such file or document: {typed} (did you mean {tmp_path / 'notes.md'}?)\n"


def test_open_with_a_mistyped_title_suggests_the_document(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run("import", *map(str, sample_paths()))
    result = run("open", "Harbor Bridge", code=1)
    assert result.stderr == (
        "Error: no such file or document: Harbor Bridge (did you mean “Harbour Bridge Shut After Safety Scare”?)\n"
    )


def test_open_with_nothing_alike_says_so_plainly(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("open", "zzqx.txt", code=1).stderr == "Error: no such file or document: zzqx.txt\n"


EDITS = ("The bridge is safe.", "The bridge is said to be safe.")


@pytest.mark.parametrize(
    "title",
    ['Memo: "Safety" at $5', "Bridge memo", "It's the memo"],
)
def test_refresh_names_each_document_to_review_in_a_command_that_works(run, tmp_path, title):
    paths = []
    for name in ("first.md", "second.md"):
        path = tmp_path / name
        path.write_text(f"# {name}\n\nThe closure is a precaution. {EDITS[0]}\n", encoding="utf-8")
        run("import", str(path))
        run("annotate", name, "--quote", EDITS[0])
        paths.append(path)
    run("docs", "rename", "first.md", title)
    for path in paths:
        path.write_text(path.read_text(encoding="utf-8").replace(*EDITS), encoding="utf-8")
    lines = [line for line in run("refresh").output.splitlines() if "to review" in line and "margin review" in line]
    assert len(lines) == 2 and "DOC" not in "".join(lines)
    for line in lines:
        command = shlex.split(line.split(": margin ", 1)[1])
        assert command[0] == "review"
        listed = run(*command).output  # the hint, pasted, runs
        assert "fuzzy" in listed
    assert f"in “{title}”" in lines[0] + lines[1]
