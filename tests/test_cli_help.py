"""`margin --help` and each group's help list every command with a whole phrase, never one cut short."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from reader.cli import cli


def _walk(group: click.Group, prefix: tuple[str, ...] = ()):
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _walk(command, (*prefix, name))


COMMANDS = list(_walk(cli))
GROUPS = [((), cli)] + [(path, command) for path, command in COMMANDS if isinstance(command, click.Group)]


@pytest.mark.parametrize("path,command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_has_a_summary_that_is_a_whole_sentence(path, command):
    summary = command.get_short_help_str(limit=20)  # as narrow as any terminal makes it
    assert command.short_help, f"margin {' '.join(path)} has no short_help"
    assert summary == command.short_help
    assert summary.endswith(".") and not summary.endswith(("...", "e.g.", "i.e.")), summary
    assert summary[0].isupper() and len(summary) <= 60, summary


@pytest.mark.parametrize("width", [40, 80, 120])
@pytest.mark.parametrize("path,group", GROUPS, ids=["margin " + " ".join(p) for p, _ in GROUPS])
def test_help_lists_every_summary_whole_at_any_width(path, group, width):
    result = CliRunner().invoke(cli, [*path, "--help"], prog_name="margin", terminal_width=width)
    assert result.exit_code == 0
    listing = " ".join(result.output.split("Commands:", 1)[1].split())
    assert "..." not in listing
    context = click.Context(group)
    for name in group.list_commands(context):
        summary = group.get_command(context, name).short_help
        assert f"{name} {summary}" in listing
