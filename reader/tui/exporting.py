"""Exporting notes to Markdown from the reader: where to, whether to replace a file, and the writing.

``ctrl+e`` (in the reading screen or the library) asks for a path, offering the
name ``margin export`` would choose; a file already there is replaced only when
the person says so; the export runs on a thread with its own connection, so a
big library never freezes the screen; a failure says why and asks again with
the path as typed, to be corrected rather than retyped. Loaded when first asked
for, with its dialogs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from textual.app import App

from annotations.errors import MarginError
from annotations.store import Store

from .screens.choices import ChoicePicker
from .screens.path_prompt import PathPrompt


def ask_to_export(app: App[None], store: Store, document_ids: Sequence[str], typed: str | None = None) -> None:
    """Ask where to export *document_ids* (none: the whole library); *typed* is a path to offer again."""
    titles = [store.documents.get(d, counted=False).title for d in document_ids]  # the titles alone
    ids = list(document_ids)

    def chosen(path: str | None) -> None:
        if not path:
            return
        target = Path(path).expanduser()
        if not target.exists():
            _write(app, store, ids, target, overwrite=False)
            return

        def decided(answer: str | None) -> None:
            if answer == "replace":
                _write(app, store, ids, target, overwrite=True)
            else:
                app.notify(f"Not exported: {target} is kept as it was", title="Export")

        # An export never replaces a file the person did not say it may replace.
        app.push_screen(
            ChoicePicker(
                f"{target.name} exists",
                [("keep", "Keep it (choose another name with ctrl+e)"), ("replace", f"Replace {target}")],
            ),
            decided,
        )

    app.push_screen(
        PathPrompt(
            "Export notes to Markdown",
            typed if typed is not None else default_export_path(titles or ["reading-notes"]),
            "the same output as `margin export`",
        ),
        chosen,
    )


def _write(app: App[None], store: Store, document_ids: list[str], path: Path, *, overwrite: bool) -> None:
    """Export on a worker thread with its own connection; say what was written, or why not and ask again."""
    from annotations.export.files import write_atomically
    from annotations.export.gather import markdown_export

    def export() -> None:
        try:
            with store.reopen() as own:
                markdown, count = markdown_export(own, document_refs=document_ids)
            write_atomically(path, markdown, overwrite=overwrite)
            app.call_from_thread(app.notify, f"Exported {count} annotation{'s' if count != 1 else ''} to {path}", title="Exported")
        except (MarginError, OSError) as error:
            app.call_from_thread(_failed, app, store, document_ids, path, str(error))

    app.run_worker(export, thread=True, exclusive=True, group="export")


def _failed(app: App[None], store: Store, document_ids: list[str], path: Path, message: str) -> None:
    app.notify(message, severity="error", title="Not exported")
    ask_to_export(app, store, document_ids, typed=str(path))


def default_export_path(titles: Sequence[str]) -> str:
    """A file name from the documents' titles, in the current folder."""
    stem = re.sub(r"[^\w]+", "-", titles[0] if len(titles) == 1 else "reading-notes").strip("-").lower()
    return str(Path.cwd() / f"{stem[:60] or 'reading-notes'}.md")
