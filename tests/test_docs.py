"""Every command has help and is documented; every key is in the keymap; the documentation site builds.

The README is the short tour; the reference lives in ``docs/`` (an MkDocs site).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from reader.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS_PAGE = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
READER_PAGE = (ROOT / "docs" / "reader.md").read_text(encoding="utf-8")


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None and command.name == name, name
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


COMMANDS = list(all_commands(cli))


@pytest.mark.parametrize("path,command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_command_has_help(path, command):
    result = CliRunner().invoke(cli, [*path, "--help"], prog_name="margin")
    assert result.exit_code == 0
    assert command.help and len(command.help.strip()) > 10
    assert "Usage: margin " + " ".join(path) in result.output


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=[" ".join(p) for p, _ in COMMANDS])
def test_command_is_in_the_command_reference(path):
    assert f"margin {' '.join(path)}" in COMMANDS_PAGE


KEY_NAMES = {"question_mark": "?", "slash": "/", "dollar_sign": "$", "left_parenthesis": "(",
             "right_parenthesis": ")", "left_curly_bracket": "{", "right_curly_bracket": "}", "equals_sign": "=",
             "left_square_bracket": "[", "right_square_bracket": "]", "less_than_sign": "<",
             "greater_than_sign": ">", "minus": "-", "plus": "+"}


def reader_bindings():
    from reader.tui.app import MarginApp
    from reader.tui.screens.library import LibraryScreen
    from reader.tui.reading import ReadingScreen
    from reader.tui.widgets.annotations_panel import AnnotationsPanel
    from reader.tui.widgets.document_view import DocumentView

    for owner in (DocumentView, ReadingScreen, AnnotationsPanel, LibraryScreen, MarginApp):
        for binding in owner.BINDINGS:
            yield owner.__name__, binding


@pytest.mark.parametrize("owner,binding", list(reader_bindings()), ids=lambda x: getattr(x, "id", None) or str(x))
def test_every_reader_key_is_in_the_readme_keymap(owner, binding):
    keymap = READER_PAGE.split("## Keymap", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in keymap.splitlines() if binding.description in line]
    assert rows, f"{owner}: {binding.description!r} is missing from the keymap in docs/reader.md"
    for key in binding.key.split(","):
        shown = f"`{KEY_NAMES.get(key, key)}`"
        assert any(shown in row for row in rows), f"{owner}: key {shown} for {binding.description!r}"
    assert binding.id, f"{owner}: binding {binding.key} has no id"


def test_every_command_module_is_reachable_from_the_cli():
    import importlib
    import pkgutil

    import reader.cli.commands
    from reader.cli import LAZY_COMMANDS

    for info in pkgutil.iter_modules(reader.cli.commands.__path__):
        module = importlib.import_module(f"reader.cli.commands.{info.name}")
        for command in getattr(module, "COMMANDS", []):
            assert LAZY_COMMANDS.get(command.name) == info.name, command.name


def test_the_readme_leads_with_what_a_newcomer_does_first():
    headings = [line for line in README.splitlines() if line.startswith("## ")]
    assert headings[:4] == ["## Quick start", "## Open your own files", "## The keys that matter", "## Exporting"]
    assert len(README.split()) < 1200, "the README is the short tour; the reference goes in docs/"
    for page in (ROOT / "docs").glob("*.md"):
        if page.name != "index.md":
            assert f"docs/{page.name}" in README, f"the README does not link {page.name}"


def test_the_documentation_site_builds_without_a_warning(tmp_path):
    mkdocs = shutil.which("mkdocs", path=str(Path(sys.executable).parent)) or shutil.which("mkdocs")
    assert mkdocs, "mkdocs is a test dependency"
    done = subprocess.run(
        [mkdocs, "build", "--strict", "--site-dir", str(tmp_path / "site")], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "site" / "reader" / "index.html").read_text(encoding="utf-8").count("<table>") >= 4
