"""``margin import-annotations``: annotations (or a codebook) made elsewhere, brought into the library."""

from __future__ import annotations

from pathlib import Path

import click

from annotations.errors import MarginError
from annotations.interchange.formats import IMPORTS

from ..context import Context, pass_context
from ..progress import shows_progress
from ..output import warn

#: Warnings shown before the rest are summed up in one line.
MAX_WARNINGS = 20


@click.command("import-annotations", short_help="Import annotations made elsewhere.")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["auto", *IMPORTS]), default="auto", show_default=True,
    help="What FILE is; auto tells by its suffix and content.",
)
@click.option(
    "--doc", "document",
    help="W3C, JSON Lines, Hypothesis: put annotations whose document matches none in the library on this one.",
)
@pass_context
@shows_progress
def import_annotations(ctx: Context, file: Path, fmt: str, document: str | None) -> None:
    """Import annotations from FILE: W3C Web Annotation (collection or JSON Lines), Hypothesis JSON,
    REFI-QDA (.qdpx project, .qdc codebook), brat (.ann, or a folder) or a codebook CSV.

    The whole file is taken or, on an error, nothing. Importing the same file
    again adds nothing: what is already in the library is left as it is.
    """
    from annotations.interchange.formats import import_file

    report = import_file(ctx.store, file, fmt, document_ref=document)
    for message in report.warnings[:MAX_WARNINGS]:
        warn(message)
    if len(report.warnings) > MAX_WARNINGS:
        warn(f"… and {len(report.warnings) - MAX_WARNINGS} more")
    if report.took_nothing():
        raise MarginError(report.summary())
    click.echo(report.summary())


COMMANDS = [import_annotations]
