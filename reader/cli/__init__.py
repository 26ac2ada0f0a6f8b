"""margin's command line: a thin layer of click commands over :mod:`annotations`.

Headless commands never import Textual; only the commands that open the
reader do, and only when they run.
"""

from __future__ import annotations

import importlib
import sqlite3
import sys
from pathlib import Path

import click

from annotations.errors import MarginError
from annotations.store.connection import is_damage, library_failure
from annotations.terminal import terminal_safe

from .context import Context
from .streams import guarded


def _error(message: str) -> None:
    """Print *message* as the one line of an error, whatever it holds."""
    click.echo(f"Error: {terminal_safe(message, lines=False)}", err=True)

#: Command name → module under reader.cli.commands. Modules load only when their
#: command runs, so `margin open` does not pay for the table and export code.
LAZY_COMMANDS: dict[str, str] = {
    "import": "documents", "docs": "documents", "search": "documents",
    "tags": "tagging",
    "annotate": "annotating", "annotations": "annotating", "note": "annotating", "tag": "annotating",
    "untag": "annotating", "attr": "annotating", "delete": "annotating", "undo": "annotating", "redo": "annotating", "link": "annotating",
    "export": "exporting",
    "refresh": "revisions", "review": "revisions", "import-annotations": "interchange",
    "library": "app", "open": "app", "demo": "app",
    "backup": "maintenance", "check": "maintenance",
    "mentions": "entities", "entities": "entities", "suggest": "suggesting", "suggestions": "suggesting",
    "pack": "classroom", "join": "classroom", "collect": "classroom", "agreement": "agreement",
    "align": "aligning", "compare": "app", "curate": "curating",
    "serve": "sync", "sync": "sync", "web": "web",
}


def _unexpected(error: BaseException) -> None:
    """A failure no command expected: one line naming the log its traceback went to."""
    from reader.crashlog import crash_line, write_crash_log

    _error(crash_line(error, write_crash_log(error)))


class MarginGroup(click.Group):
    """Turns every error into one line on stderr and a non-zero exit status.

    :class:`MarginError` exits 1; usage mistakes exit 2 as click's do, but on one
    line that names the help to read instead of a usage block.
    """

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        # click drops escape sequences from what it prints to a pipe, but not bells and the like:
        # the guard shows them all (``␛[2J``, ``␇``), on a pipe as on a terminal. margin prints no
        # colours through click, so there is nothing of its own for click to drop.
        extra.setdefault("color", True)
        with guarded():
            try:
                result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            except click.UsageError as error:
                where = f" (see {error.ctx.command_path} --help)" if error.ctx is not None else ""
                _error(f"{error.format_message()}{where}")
                result = error.exit_code
            except click.ClickException as error:
                _error(error.format_message())
                result = error.exit_code
            except click.Abort:
                click.echo("Aborted.", err=True)
                result = 1
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(LAZY_COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        module_name = LAZY_COMMANDS.get(name)
        if module_name is None:
            return None
        module = importlib.import_module(f"reader.cli.commands.{module_name}")
        return next(command for command in module.COMMANDS if command.name == name)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except MarginError as error:
            _error(str(error))
            ctx.exit(1)
        except sqlite3.Error as error:
            if is_damage(error) and isinstance(ctx.obj, Context):
                from annotations.store.transaction import record_damage

                record_damage(ctx.obj.path.expanduser(), str(error))
            _error(library_failure(error))
            ctx.exit(1)
        except (MemoryError, RecursionError) as error:
            _error(f"the input is too large or too deeply nested to handle ({type(error).__name__}); nothing was changed")
            ctx.exit(1)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except UnicodeEncodeError as error:
            if error.reason == "surrogates not allowed":
                # Lone surrogates, which SQLite refuses: bytes that are not UTF-8 in an argument reach
                # Python as such, and so does a \ud800-style escape in a JSON file. The transaction
                # they were part of was rolled back.
                _error("some text is not valid UTF-8 (bytes in an argument, or a lone surrogate in a file); "
                       "nothing was changed")
            else:
                _unexpected(error)
            ctx.exit(1)
        except Exception as error:  # noqa: BLE001 - a failure no command expected: one line, the rest in a log
            _unexpected(error)
            ctx.exit(1)
        finally:
            if isinstance(ctx.obj, Context):
                ctx.obj.close()


@click.group(cls=MarginGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_path",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="MARGIN_DB",
    help="Library file (default: your data folder's margin/library.db; or set MARGIN_DB).",
)
@click.option("--author", "author", help="Name recorded on what you create (default: config, then login name).")
@click.version_option(package_name="margin", prog_name="margin")
@click.pass_context
def cli(ctx: click.Context, db_path: Path | None, author: str | None) -> None:
    """Read documents side by side; highlight, tag, note, link and export to Markdown.

    Run without a command to open the library in the reader.
    """
    from reader.config import apply_limits

    apply_limits()
    ctx.obj = Context(db_path, author)
    if ctx.invoked_subcommand is None:
        library = cli.get_command(ctx, "library")
        assert library is not None
        ctx.invoke(library)


def main() -> None:
    cli(prog_name="margin")


if __name__ == "__main__":
    main()
