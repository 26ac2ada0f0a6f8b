"""Commands that open the reader. Textual is imported only when one of them runs."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import click

from annotations.errors import MarginError, NotFound
from annotations.store import Store

from reader.config import MAX_PANES
from reader.crashlog import crash_line
from ..context import Context, pass_context
from .sync import live_sync, sync_options


def _refuse_the_pack(ctx: Context) -> Store:
    """The library to read in, unless it is a class pack handed out (a student works in a copy)."""
    from annotations.classroom.packs import opening_the_pack_message

    store = ctx.store
    if ctx.pack is not None and ctx.pack.role == "pack":
        raise MarginError(opening_the_pack_message(ctx.pack, store.path))
    return store


def _run_reader(
    store: Store, document_ids: list[str], layers: tuple[str, str] | None = None, live: Any = None,
    ask_author: bool = False,
) -> None:
    """Run the reader (with *live*, a background sync, running beside it); an unexpected failure in it
    ends the command with one line naming the log of it."""
    from reader.collector import importing

    with importing():  # no garbage collection over the imports' lasting objects, now or later
        from reader.tui.app import MarginApp  # the only import of Textual from the CLI

    from ..streams import unguarded

    app = MarginApp(store, document_ids=document_ids, layers=layers, ask_author=ask_author)
    if live is not None:

        def tell(line: str) -> None:  # called on the sync's thread
            try:
                app.call_from_thread(app.notify, line, title="Live sharing")
            except RuntimeError:
                pass  # the reader is starting or has closed: the line is not worth a failure

        def present(names: list[str]) -> None:  # called on the sync's thread
            try:
                app.call_from_thread(app.show_present, names)
            except RuntimeError:
                pass

        def named(name: str) -> None:  # asked first: the sync announces the name given
            live.author = name
            live.start()

        live.report = tell
        live.present = present
        if ask_author:
            app.when_named = named
        else:
            live.start()
    try:
        with unguarded():  # the reader draws the screen itself, from text it made safe
            app.run()
    finally:
        if live is not None:
            live.stop()
    if app.crash is not None:
        raise MarginError(crash_line(*app.crash))
    if app.return_code:
        raise MarginError(f"the reader stopped with status {app.return_code}")


@click.command("library", short_help="Open the library screen in the reader.")
@sync_options
@click.option("--ask-author", is_flag=True, help="Ask for the reader's name first (margin web asks each visitor).")
@pass_context
def library(ctx: Context, sync_url: str | None, sync_token: Path | None, ask_author: bool) -> None:
    """Open the library screen in the reader."""
    store = _refuse_the_pack(ctx)
    _run_reader(store, [], live=live_sync(ctx, sync_url, sync_token), ask_author=ask_author)


@click.command("open", short_help="Open files or documents side by side.")
@click.argument("targets", nargs=-1, required=True)
@sync_options
@pass_context
def open_(ctx: Context, targets: tuple[str, ...], sync_url: str | None, sync_token: Path | None) -> None:
    """Open up to three FILES or DOCUMENTS side by side (files are imported first if new)."""
    if len(targets) > MAX_PANES:
        raise MarginError(f"margin shows at most {MAX_PANES} documents side by side; {len(targets)} were given")
    _refuse_the_pack(ctx)
    live = live_sync(ctx, sync_url, sync_token)  # its mistakes are refused before any file is imported
    ids = []
    for target in targets:
        if Path(target).expanduser().exists():
            from .documents import import_paths  # tables and formats: not needed to open by id

            ids.append(import_paths(ctx, [Path(target)])[0].document.id)
            continue
        try:
            ids.append(ctx.store.documents.resolve(target, counted=False).id)
        except NotFound:
            from ..suggest import no_such

            raise MarginError(no_such(target, [d.title for d in ctx.store.documents.all()])) from None
    _run_reader(ctx.store, ids, live=live)


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


@click.command("compare", short_help="Compare two annotators' layers of a document.")
@click.argument("doc")
@click.option("--authors", required=True, help="The two layers, comma-separated: annotators' names or consensus.")
@pass_context
def compare(ctx: Context, doc: str, authors: str) -> None:
    """Open DOC twice side by side, one annotator's layer in each, their disagreements marked."""
    from annotations.classroom.consensus import check_authors

    store = _refuse_the_pack(ctx)
    document = store.documents.resolve(doc)
    names = check_authors(store, document, authors.split(","), at_least=2)
    if len(names) != 2:
        raise MarginError("name exactly two layers to compare, comma-separated")
    _run_reader(store, [document.id, document.id], (names[0], names[1]))


COMMANDS = [library, open_, demo, compare]
