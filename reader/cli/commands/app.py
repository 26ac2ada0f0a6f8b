"""Commands that open the reader. Textual is imported only when one of them runs."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from annotations.errors import MarginError, NotFound
from annotations.store import Store

from reader.config import MAX_PANES
from reader.crashlog import crash_line
from ..context import Context, pass_context



def _refuse_the_pack(ctx: Context) -> Store:
    """The library to read in, unless it is a class pack handed out (a student works in a copy)."""
    from annotations.classroom.packs import opening_the_pack_message

    store = ctx.store
    if ctx.pack is not None and ctx.pack.role == "pack":
        raise MarginError(opening_the_pack_message(ctx.pack, store.path))
    return store


def _run_reader(store: Store, document_ids: list[str]) -> None:
    """Run the reader; an unexpected failure in it ends the command with one line naming the log of it."""
    from reader.tui.app import MarginApp  # the only import of Textual from the CLI

    from ..streams import unguarded

    app = MarginApp(store, document_ids=document_ids)
    with unguarded():  # the reader draws the screen itself, from text it made safe
        app.run()
    if app.crash is not None:
        raise MarginError(crash_line(*app.crash))
    if app.return_code:
        raise MarginError(f"the reader stopped with status {app.return_code}")


@click.command("library", short_help="Open the library screen in the reader.")
@pass_context
def library(ctx: Context) -> None:
    """Open the library screen in the reader."""
    _run_reader(_refuse_the_pack(ctx), [])


@click.command("open", short_help="Open files or documents side by side.")
@click.argument("targets", nargs=-1, required=True)
@pass_context
def open_(ctx: Context, targets: tuple[str, ...]) -> None:
    """Open up to three FILES or DOCUMENTS side by side (files are imported first if new)."""
    if len(targets) > MAX_PANES:
        raise MarginError(f"margin shows at most {MAX_PANES} documents side by side; {len(targets)} were given")
    _refuse_the_pack(ctx)
    ids = []
    for target in targets:
        if Path(target).expanduser().exists():
            from .documents import import_paths  # tables and formats: not needed to open by id

            ids.append(import_paths(ctx, [Path(target)])[0].document.id)
            continue
        try:
            ids.append(ctx.store.documents.resolve(target).id)
        except NotFound:
            from ..suggest import no_such

            raise MarginError(no_such(target, [d.title for d in ctx.store.documents.all()])) from None
    _run_reader(ctx.store, ids)


@click.command("demo", short_help="Open the bundled samples on a throwaway library.")
@click.option("--print", "print_only", is_flag=True, help="Print the demo's Markdown export instead of opening the reader.")
@pass_context
def demo(ctx: Context, print_only: bool) -> None:
    """Open the bundled sample documents side by side, on a throwaway library."""
    from annotations.export.gather import markdown_export
    from reader.samples.demo import seed_demo

    with tempfile.TemporaryDirectory(prefix="margin-demo-") as folder:
        store = Store.open(Path(folder) / "demo.db", author=ctx.author)
        try:
            documents = seed_demo(store)
            if print_only:
                click.echo(markdown_export(store)[0], nl=False)
            else:
                _run_reader(store, [d.id for d in documents])
        finally:
            store.close()


COMMANDS = [library, open_, demo]
