"""A class's loop on the command line: ``pack create``, ``join``, ``collect`` and ``agreement``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from annotations.errors import MarginError

from reader.config import load_config
from ..context import Context, pass_context
from ..progress import shows_progress


@click.group("pack", short_help="Make a class pack to hand out.")
def pack() -> None:
    """Make a class pack: documents, a codebook and instructions to hand out."""


@pack.command("create", short_help="Write a pack: texts, codebook, instructions.")
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--title", help="The pack's title (default: OUT's name).")
@click.option("--doc", "docs", multiple=True, help="A document to hand out (title, start of it, or id); repeatable. Default: every document.")
@click.option("--tag", "tags", multiple=True, help="A tag for the codebook (a topic brings its subtopics); repeatable. Default: every tag.")
@click.option("--codebook", type=click.Path(path_type=Path, dir_okay=False, exists=True), help="Add the tags of a REFI-QDA .qdc or codebook .csv file.")
@click.option("--lock-codebook", is_flag=True, help="Students may only use the codebook's tags, not create, rename, merge or delete any.")
@click.option("--instructions", type=click.Path(path_type=Path, dir_okay=False, exists=True), help="A Markdown file of instructions for the students.")
@pass_context
def pack_create(
    ctx: Context, out: Path, title: str | None, docs: tuple[str, ...], tags: tuple[str, ...],
    codebook: Path | None, lock_codebook: bool, instructions: Path | None,
) -> None:
    """Write OUT, one file a teacher hands out: documents, codebook, instructions."""
    from annotations.classroom.packs import create_pack

    store = ctx.store
    document_ids = [store.documents.resolve(ref).id for ref in docs] if docs else [d.id for d in store.documents.all()]
    tag_ids: list[str] | None = None
    if tags:
        tag_ids = [t.id for ref in tags for t in store.tags.matching(ref)]
    elif codebook is not None:
        tag_ids = []  # a codebook file given alone is the whole codebook
    text = _instructions(instructions) if instructions is not None else ""
    made = create_pack(
        store, out.expanduser(), title=title or out.stem, document_ids=document_ids, tag_ids=tag_ids,
        codebook=codebook, instructions=text, locked=lock_codebook,
    )
    locked = ", codebook locked" if made.locked else ""
    click.echo(f"Wrote class pack “{made.title}” to {out} ({len(document_ids)} document{'' if len(document_ids) == 1 else 's'}{locked}).")
    click.echo(f"Students make their own copy with: margin join {out} --author NAME")


#: Instructions are a page or a few of Markdown: a file past this is not them (a device, a book named by mistake).
INSTRUCTIONS_BYTES = 1024 * 1024


def _instructions(path: Path) -> str:
    if not path.is_file():
        raise MarginError(f"instructions {path.name}: not a regular file")
    try:
        with path.open("rb") as handle:
            data = handle.read(INSTRUCTIONS_BYTES + 1)
        if len(data) > INSTRUCTIONS_BYTES:
            raise MarginError(f"instructions {path.name}: longer than 1 MB; instructions are a page of Markdown")
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise MarginError(f"cannot read instructions {path.name}: {error}") from error


def _author(given: str | None) -> str:
    """``--author``, else the configured author, else asked for at a terminal."""
    if given and given.strip():
        return given.strip()
    configured = load_config().get("author")
    if isinstance(configured, str) and configured.strip():
        return configured.strip()
    if sys.stdin.isatty():
        answer: str = click.prompt("Your name, as your teacher should see it on your work")
        if answer.strip():
            return answer.strip()
    raise MarginError("give your name with --author NAME (it is recorded on your work)")


@click.command("join", short_help="Make your own copy of a class pack.")
@click.argument("pack_file", metavar="PACK", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--author", help="Your name, recorded on your work (default: config, else asked).")
@click.option("-o", "--output", "out", type=click.Path(path_type=Path, dir_okay=False), help="Your copy (default: PACK-NAME beside you).")
@click.option("--no-open", is_flag=True, help="Only make the copy and print its path.")
@pass_context
def join(ctx: Context, pack_file: Path, author: str | None, out: Path | None, no_open: bool) -> None:
    """Make your own library from a class PACK and open it in the reader."""
    from annotations.classroom.packs import default_copy_name, join_pack

    name = _author(author)
    from annotations.classroom.consensus import CONSENSUS

    if name.casefold() == CONSENSUS:
        raise MarginError(f"“{CONSENSUS}” is the name of a class's agreed layer: join under your own name")
    from annotations.terminal import has_hidden

    if has_hidden(name):
        raise MarginError("your name cannot hold line breaks, tabs or control characters")
    target = (out or default_copy_name(pack_file, name)).expanduser()
    join_pack(pack_file.expanduser(), target, author=name)
    if no_open or not sys.stdout.isatty():
        click.echo(str(target))
        return
    from annotations.store import Store

    from reader.config import MAX_PANES

    from .app import _run_reader

    with Store.open(target, author=name) as store:
        _run_reader(store, [d.id for d in store.documents.all()][:MAX_PANES])


@click.command("collect", short_help="Bring students' work into this library.")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--into", type=click.Path(path_type=Path, dir_okay=False), help="The library to collect into (default: --db, or yours).")
@pass_context
@shows_progress
def collect(ctx: Context, files: tuple[Path, ...], into: Path | None) -> None:
    """Bring students' FILES into your library, each student's work as their own layer."""
    from annotations.classroom.collect import collect as collect_files
    from annotations.terminal import terminal_safe

    if into is not None:
        ctx.close()
        ctx.db_path = into
    reports = collect_files(ctx.store, list(files))
    for report in reports:
        who = f" ({report.author})" if report.author else ""
        extra = "".join(
            f", {count} {word}{'s' if count != 1 else ''} added"
            for count, word in ((report.documents, "document"), (report.tags, "tag"))
            if count
        )
        links = f", {report.links} link{'s' if report.links != 1 else ''}" if report.links else ""
        if report.left_out:
            extra += f", {report.left_out} left out (the consensus layer or another annotator's)"
        click.echo(terminal_safe(
            f"{report.path.name}{who}: {report.added} added, {report.updated} updated, {report.deleted} deleted,"
            f" {report.unchanged} unchanged{links}{extra}",
            lines=False,
        ))


COMMANDS = [pack, join, collect]
