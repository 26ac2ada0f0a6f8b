"""Every command has help and is documented in the README."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from reader.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


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
def test_command_is_in_readme(path):
    assert f"margin {' '.join(path)}" in README


KEY_NAMES = {"question_mark": "?", "slash": "/", "dollar_sign": "$", "left_parenthesis": "(",
             "right_parenthesis": ")", "left_curly_bracket": "{", "right_curly_bracket": "}", "equals_sign": "="}


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
    keymap = README.split("### Keymap", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in keymap.splitlines() if binding.description in line]
    assert rows, f"{owner}: {binding.description!r} is missing from the README keymap"
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
