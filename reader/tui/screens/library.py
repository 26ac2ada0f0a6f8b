"""The library screen: every document with its annotation count; open one or several."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from annotations.model import Document
from annotations.store import Store

from reader.config import MAX_PANES
from ..elsewhere import LIBRARY_ERRORS, source_gone, write_failure
from ..widgets.key_bar import KeyBar
from ..widgets.measured_table import MeasuredTable
from .entities import EntityOutcome, EntityScreen

#: The library table's columns: a document's mark (its place side by side), then what it is.
COLUMNS = ("", "Title", "Notes", "Ver", "Format", "Source")


class LibraryScreen(Screen[None]):
    """A table of documents; marks choose which to read side by side."""

    DEFAULT_CSS = """
    LibraryScreen {
        & > .library-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
        & > DataTable { height: 1fr; }
        & > .empty { padding: 2 4; color: $text-muted; display: none; }
        & > .empty.visible { display: block; }
    }
    """

    BINDINGS = [
        Binding("enter", "open", "Open", id="library.open_one"),
        Binding("space", "mark", "Mark", id="library.mark"),
        Binding("o", "open_marked", "Open marked", id="library.open_marked"),
        Binding("i", "import_file", "Import", id="library.import"),
        Binding("S", "search_library", "Search", id="library.search"),
        Binding("f2", "rename", "Rename", id="library.rename"),
        Binding("c", "compare", "Compare layers", id="library.compare"),
        Binding("ctrl+e", "export", "Export all", id="export.markdown"),
        Binding("A", "agreement", "Agreement", id="library.agreement"),
        Binding("T", "entities", "Entities", id="entities.screen"),
        Binding("escape", "back", "Back to reading", id="screen.back"),
    ]

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        """The library listed."""
        self.marked: list[str] = []
        """Document ids marked for reading side by side, in marking order."""

    def compose(self) -> ComposeResult:
        yield Static("margin · library", classes="library-title")
        yield MeasuredTable(cursor_type="row", zebra_stripes=True)
        yield Static(
            "No documents yet.\n\nPress i to import a file (.txt .md .html .epub .pdf),\n"
            "or run `margin import FILE...` or `margin demo`.",
            classes="empty",
        )
        yield KeyBar()

    def on_mount(self) -> None:
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def library_changed(self) -> None:
        """Another process changed the library: list what it holds now, cursor and marks kept."""
        self.reload()

    def reload(self) -> None:
        """Refill the table from the store, keeping the cursor on the same document."""
        table = self.query_one(MeasuredTable)
        current = None
        if table.row_count:
            current = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        try:
            documents = self.store.documents.all()
        except LIBRARY_ERRORS as error:
            self.notify(f"Library not read: {write_failure(error)}", severity="warning")
            return
        present = {d.id for d in documents}
        self.marked = [d for d in self.marked if d in present]
        rows = []
        for document in documents:
            mark = str(self.marked.index(document.id) + 1) if document.id in self.marked else ""
            rows.append((
                Text(mark, style="bold $accent"),
                Text(document.title),
                str(document.annotation_count),
                str(document.version),
                Text(document.format),  # stored: never read as markup
                self._source_cell(document),
            ))
        table.refill(COLUMNS, rows, keys=[document.id for document in documents])
        if current is not None and current in {d.id for d in documents}:
            table.move_cursor(row=table.get_row_index(current))
        self.query_one(".empty").set_class(not documents, "visible")
        table.display = bool(documents)

    @staticmethod
    def _source_cell(document: Document) -> Text:
        """The source path; a file no longer there says so (the library still holds its text)."""
        cell = Text(overflow="ellipsis")
        if source_gone(document):
            cell.append("gone: ", style="bold $warning")
        cell.append(document.source_path, style="dim")
        return cell

    def _current(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        current = self._current()
        if current is None:
            return
        ids = list(self.marked) or [current]
        if current not in ids:
            ids = [current]
        self.app.open_documents(ids)  # type: ignore[attr-defined]

    def action_mark(self) -> None:
        current = self._current()
        if current is None:
            return
        if current in self.marked:
            self.marked.remove(current)
        elif len(self.marked) >= MAX_PANES:
            self.notify(f"At most {MAX_PANES} documents side by side.", severity="warning")
            return
        else:
            self.marked.append(current)
        self.reload()

    def action_open_marked(self) -> None:
        if not self.marked:
            self.action_open()
            return
        self.app.open_documents(list(self.marked))  # type: ignore[attr-defined]

    def action_import_file(self) -> None:
        self.app.action_import_file()  # type: ignore[attr-defined]

    def action_rename(self) -> None:
        current = self._current()
        if current is not None:
            self.app.rename_document(current)  # type: ignore[attr-defined]

    def action_compare(self) -> None:
        current = self._current()
        if current is not None:
            self.app.compare_layers(current)  # type: ignore[attr-defined]

    def action_search_library(self) -> None:
        self.app.action_search_library()  # type: ignore[attr-defined]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            stack = self.app.screen_stack
            return len(stack) > 1 and stack[-1] is self and type(stack[-2]).__name__ == "ReadingScreen"
        return True

    def action_back(self) -> None:
        self.app.return_to_reading()  # type: ignore[attr-defined]

    def action_export(self) -> None:
        self.app.action_export([])  # type: ignore[attr-defined]

    def action_agreement(self) -> None:
        from .agreement import AgreementScreen

        self.app.push_screen(AgreementScreen(self.store))

    def action_entities(self) -> None:
        """Every entity in the library; ``enter`` there opens the first mention's document at it."""

        def closed(outcome: EntityOutcome | None) -> None:
            if outcome is None:
                return
            if outcome.changed:
                self.reload()
            if outcome.go_to is not None:
                try:
                    annotation = self.store.annotations.get(outcome.go_to)
                except LIBRARY_ERRORS as error:
                    self.notify(write_failure(error), severity="warning")
                    return
                self.app.open_at(annotation.document_id, annotation.start)  # type: ignore[attr-defined]

        self.app.push_screen(EntityScreen(self.store), closed)
