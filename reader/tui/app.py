"""The reader application: picks its first screen and hosts app-wide actions.

The store is handed in (the CLI builds it, tests build their own); the app
never opens a database itself.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeGuard, runtime_checkable

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.filter import LineFilter
from textual.notifications import SeverityLevel
from textual.screen import Screen

from annotations.errors import MarginError
from annotations.store import Store
from reader.collector import paused
from reader.crashlog import write_crash_log

from .actions import help_rows, palette_commands
from .key_routing import KeyRoute, KeyTrailer
from .elsewhere import LIBRARY_ERRORS, POSITION_WAIT, WATCH_SECONDS, ChangeWatch, brief_wait, write_failure
from .reading import ReadingScreen
from .terminal_filter import TerminalSafe
from .widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from .screens.library import LibraryScreen

_TERMINAL_SAFE = TerminalSafe()


@runtime_checkable
class FollowsLibrary(Protocol):
    """A screen that redraws what it shows when the library changes elsewhere."""

    def library_changed(self) -> None:
        """Another process committed to the library: re-read, keeping the person's place."""


def _library_screen() -> "type[LibraryScreen]":
    """The library screen's class, loaded when it is first shown (opening documents does not need it)."""
    from .screens.library import LibraryScreen as Library

    return Library


def _is_library(screen: Screen | None) -> "TypeGuard[LibraryScreen]":
    """Whether *screen* is the library screen (never, while that module is not loaded)."""
    module = sys.modules.get("reader.tui.screens.library")
    return module is not None and isinstance(screen, module.LibraryScreen)


class MarginApp(App[None]):
    """margin's reader: the library, and documents side by side."""

    TITLE = "margin"
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("ctrl+p", "command_palette", "Commands", show=False, id="app.palette"),
    ]

    def __init__(
        self, store: Store, *, document_ids: Sequence[str] = (), watch_seconds: float | None = WATCH_SECONDS,
        layers: Sequence[str] | None = None,
        ask_author: bool = False,
    ) -> None:
        super().__init__()
        self.store = store
        """The library every screen reads and writes."""
        self.document_ids = list(document_ids)
        """Documents to open side by side at start; none shows the library."""
        self.layers = tuple(layers or ())
        """One author's layer per pane at start, when comparing two layers of a document."""
        self.watch_seconds = watch_seconds
        """How often to look for changes made by other processes (None: only when asked)."""
        self.ask_author = ask_author
        """Ask for the reader's name before anything is shown (each visitor of `margin web`)."""
        self.changes_seen = 0
        """Times the library was found changed elsewhere (each one redrew the screens)."""
        self._watch: ChangeWatch | None = None
        self.instructions: tuple[str, str] | None = None
        """A class pack's title and instructions, when this library is a student's copy of one."""
        self.crash: tuple[BaseException, Path] | None = None
        """An exception no handler expected, and the log file its traceback went to."""
        self.present: tuple[str, ...] = ()
        """The others reading the shared library now (`--sync`), shown in the key bar."""
        self.when_named: Callable[[str], None] | None = None
        """Told the name the reader gave when asked (`ask_author`): a live sync starts under it."""
        self._terminal: int | None = None
        """Standard input's descriptor when it is a terminal to watch for a hang-up (known once running)."""
        self._until_first_frame = ExitStack()
        """Holds garbage collection off while the first screen is built (see :meth:`run`)."""
        self._key_route = KeyRoute()
        """Keys a binding takes act as they arrive when nothing on their way could take them first."""

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, KeyTrailer)):
            await self._key_route.handle(self, event, super().on_event)  # key_routing.py
        else:
            await super().on_event(event)

    # -- nothing stored reaches the terminal raw; a failure leaves one line and a log --------
    def get_line_filters(self) -> Sequence[LineFilter]:
        return [*super().get_line_filters(), _TERMINAL_SAFE]

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Textual's notification, its message never read as markup, whoever asks (widgets ask with markup on).

        Messages carry stored and typed text (a title, a quote, a search): as markup, a search
        for ``[/x]`` stopped the reader with an error, and ``[@click=…]`` in a title made an action.
        """
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def _handle_exception(self, error: Exception) -> None:
        # Textual's hook for an exception nothing handled: the app exits with status 1.
        # The traceback goes to a log file instead of the terminal; the CLI names the file.
        if self.crash is None:
            self.crash = (error, write_crash_log(error))
        super()._handle_exception(error)

    def run(self, *args: Any, **kwargs: Any) -> Any:
        """Run as Textual's ``App.run`` does, the reader's threads sharing one allocator arena (see :mod:`.allocator`).

        No garbage is collected until the first frame is drawn: the widgets,
        styles and rows made for it live as long as the screen, yet some forty
        young collections and four older ones walked them (about 3 ms before
        the text showed). Collection resumes after that frame.
        """
        from .allocator import one_arena
        from .hangup import terminal_fd

        one_arena()
        self._terminal = terminal_fd()  # asked now: once hung up, a terminal no longer says it is one
        with self._until_first_frame:
            self._until_first_frame.enter_context(paused())
            return super().run(*args, **kwargs)

    def _quit_when_hung_up(self) -> None:
        """Quit once the terminal is gone (see :mod:`.hangup`); watched from the first frame on."""
        from .hangup import quit_when_hung_up

        quit_when_hung_up(self, self._terminal)

    def _print_error_renderables(self) -> None:
        if self.crash is not None:
            self._exit_renderables.clear()
            return
        super()._print_error_renderables()

    def on_mount(self) -> None:
        self.call_after_refresh(self._until_first_frame.close)  # garbage is collected again (see run)
        self.call_after_refresh(self._quit_when_hung_up)
        if self.store.read_only:
            self.notify(f"{self.store.path} is read-only: you can read it, but changes cannot be saved",
                        title="Read-only library", severity="warning", timeout=10)
        self._watch = ChangeWatch(self.store)
        if self.watch_seconds is not None:
            self.set_interval(self.watch_seconds, self.check_library)
        if self.ask_author:
            self._ask_name()
            return
        self._show_instructions_at_first()

    def get_default_screen(self) -> Screen:
        """The first screen is the one asked for, made with the app, not pushed over a blank one once that is up.

        Pushed (as it still is after a name is asked), it was laid out and
        rendered twice before its first frame, and the blank screen below was
        drawn through to it: each time that one was laid out, Textual repainted
        the whole of the top screen, twice after the first frame. Made first, the
        text of one book came about 8 ms sooner, of two books about 30 ms.
        """
        if self.ask_author:
            return super().get_default_screen()
        screen = self._opening_screen()
        # Textual gives its first screen no result callback, as push_screen gives the others, so it could not
        # be switched for another (open_documents does): it gets the empty one a pushed screen would get.
        screen._push_result_callback(self, None)
        return screen

    def _ask_name(self) -> None:
        from .screens.path_prompt import PathPrompt  # the dialogs: loaded when first asked for

        def named(name: str | None) -> None:
            if name is None:
                self.exit()
            elif not name.strip():
                self._ask_name()
            else:
                self._until_first_frame.close()  # the prompt was drawn (a callback queued on it may be dropped with it)
                self.store = self.store.as_author(" ".join(name.split())[:100])
                if self.when_named is not None:
                    self.when_named(self.store.author)
                self._first_screen()

        self.push_screen(PathPrompt("Your name", "", "Everything you make here carries it."), named)

    def _opening_screen(self) -> Screen:
        # Opening documents straight away shows them first; the library is built only if asked for.
        if self.document_ids:
            return ReadingScreen(self.store, self.document_ids, self.layers)
        return _library_screen()(self.store)

    def _first_screen(self) -> None:
        """Once the author's name is known: the screen asked for."""
        self.push_screen(self._opening_screen())
        self._show_instructions_at_first()

    def _show_instructions_at_first(self) -> None:
        self.instructions = self._pack_instructions()
        if self.instructions is not None and self.document_ids:
            self.show_instructions()  # a student's copy opens with the teacher's instructions at hand

    def _pack_instructions(self) -> tuple[str, str] | None:
        """The title and instructions of the class pack this library is a student's copy of, if any."""
        from annotations.classroom.packs import pack_of

        try:
            pack = pack_of(self.store.db.conn)
        except sqlite3.Error:
            return None
        if pack is None or pack.role != "copy" or not pack.instructions.strip():
            return None
        return pack.title, pack.instructions

    def show_instructions(self) -> None:
        """Show the class pack's instructions (``I`` in the reader)."""
        if self.instructions is None:
            self.notify("This library is not a copy of a class pack with instructions.", severity="warning")
            return
        from .screens.instructions import InstructionsScreen

        self.push_screen(InstructionsScreen(*self.instructions))

    # -- one source for footer, help and palette --------------------------------
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from palette_commands(screen)
        yield SystemCommand("Theme", "Change the colour theme", self.action_change_theme)

    def action_help(self) -> None:
        from .screens.help import HelpScreen  # loaded when first asked for

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(help_rows(self.screen)))

    # -- changes made elsewhere ------------------------------------------------------
    def show_present(self, names: Sequence[str]) -> None:
        """Show *names*, the others reading the shared library now, in every screen's key bar."""
        self.present = tuple(names)
        for screen in self.screen_stack:
            for bar in screen.query(KeyBar):
                bar.redraw()

    def check_library(self) -> bool:
        """Redraw every screen if another process changed the library; True if it had.

        Screens below the top one are told too, so going back shows fresh data;
        dialogs are left alone, so nothing being typed is lost.
        """
        if self._watch is None or not self._watch.changed():
            return False
        self.changes_seen += 1
        for screen in list(self.screen_stack):
            if isinstance(screen, FollowsLibrary):
                screen.library_changed()
        return True

    # -- navigation between screens ------------------------------------------------
    def _below(self) -> Screen | None:
        return self.screen_stack[-2] if len(self.screen_stack) > 1 else None

    def open_documents(self, document_ids: Sequence[str], layers: Sequence[str] = ()) -> None:
        """Read *document_ids* side by side (one author's *layers* each, when given), replacing what is read."""
        if _is_library(self.screen) and isinstance(self._below(), ReadingScreen):
            self.pop_screen()  # the library was opened from the reader: go back, then swap
        if isinstance(self.screen, ReadingScreen):
            self.switch_screen(ReadingScreen(self.store, document_ids, layers))
        else:
            self.push_screen(ReadingScreen(self.store, document_ids, layers))

    def compare_layers(self, document_id: str) -> None:
        """Ask for two of a document's layers (its annotators, the consensus), then show them side by side."""
        from annotations.classroom.consensus import CONSENSUS, authors_of

        from .screens.choices import ChoicePicker  # the dialogs: loaded when first asked for

        try:
            names = [*authors_of(self.store, document_id), CONSENSUS]
        except LIBRARY_ERRORS as error:
            self.notify(write_failure(error), severity="warning")
            return
        if len(names) < 2:
            self.notify("No one has annotated this document yet: there are no layers to compare.", severity="warning")
            return

        def second(first: str | None) -> None:
            if first is None:
                return
            rest = [(n, n) for n in names if n != first]
            self.push_screen(
                ChoicePicker(f"Compare {first} with", rest),
                lambda other: self.open_documents([document_id, document_id], (first, other)) if other else None,
            )

        self.push_screen(ChoicePicker("Compare layers: the left pane shows", [(n, n) for n in names]), second)

    def action_show_library(self) -> None:
        """Show the library over the reader, so escape there returns to the same panes."""
        if isinstance(self.screen, ReadingScreen) and _is_library(self._below()):
            self.pop_screen()
        else:
            self.push_screen(_library_screen()(self.store))

    def return_to_reading(self) -> bool:
        """Back from the library to the documents open below it; False if there are none."""
        if _is_library(self.screen) and isinstance(self._below(), ReadingScreen):
            self.pop_screen()
            return True
        return False

    # -- app-wide actions ---------------------------------------------------------
    def action_import_file(self) -> None:
        from .screens.path_prompt import PathPrompt  # the dialogs: loaded when first asked for

        def chosen(path: str | None) -> None:
            if not path:
                return
            from reader.formats import read_source

            try:
                source = read_source(Path(path).expanduser())
                result = self.store.documents.import_loaded(str(source.path), source.sha256, source.document)
            except LIBRARY_ERRORS as error:
                self.notify(write_failure(error), severity="error", title="Not imported")
                return
            for warning in source.document.warnings:
                self.notify(warning, severity="warning")
            verb = {"new": "Imported", "unchanged": "Already in the library:", "new-version": "New version of",
                    "reverted": "Back to an earlier version of"}[result.status]
            self.notify(f"{verb} {result.document.title}")
            if _is_library(self.screen):
                self.screen.reload()

        self.push_screen(PathPrompt("Import file", str(Path.cwd()) + "/", ".txt .md .html .epub .pdf"), chosen)

    def rename_document(self, document_id: str) -> None:
        """Ask for a new title; every screen shows it, and exports use it from then on."""
        from .screens.path_prompt import PathPrompt  # the dialogs: loaded when first asked for

        try:
            document = self.store.documents.get(document_id)
        except LIBRARY_ERRORS as error:
            self.notify(write_failure(error), severity="error", title="Not renamed")
            return

        def chosen(title: str | None) -> None:
            if title is None or title.strip() == document.title:
                return
            try:
                self.store.documents.rename(document_id, title)
            except LIBRARY_ERRORS as error:
                self.notify(write_failure(error), severity="error", title="Not renamed")
                return
            self.notify(f"Renamed to {title.strip()}", timeout=3)
            for screen in list(self.screen_stack):
                if isinstance(screen, FollowsLibrary):
                    screen.library_changed()

        self.push_screen(PathPrompt("Rename document", document.title, "its new title"), chosen)

    def action_search_library(self) -> None:
        from .screens.choices import ChoicePicker  # the dialogs: loaded when first asked for
        from .screens.path_prompt import PathPrompt

        def searched(query: str | None) -> None:
            if not query:
                return
            try:
                hits = self.store.search.documents(query, per_document=10)
            except MarginError as error:
                self.notify(str(error), severity="warning")
                return
            if not hits:
                self.notify(f"No matches for “{query}”.", severity="warning")
                return
            by_key = {f"{h.document_id}:{h.start}": h for h in hits}
            choices = [
                (key, f"{h.title} · {h.section or 'chars ' + str(h.start)} · …{h.before[-30:]}[{h.match}]{h.after[:30]}…")
                for key, h in by_key.items()
            ]

            def go(key: str | None) -> None:
                if key:
                    hit = by_key[key]
                    self.open_at(hit.document_id, hit.start)

            self.push_screen(ChoicePicker(f"“{query}” in the library: {len(hits)} hits", choices), go)

        self.push_screen(PathPrompt("Search the library", "", "words to find in every document"), searched)

    def open_at(self, document_id: str, offset: int) -> None:
        """Show a document at an offset: in the open reading screen if any, else a new one."""
        if isinstance(self.screen, ReadingScreen):
            self.screen.go_to(document_id, offset)
            return
        try:
            with brief_wait(self.store, POSITION_WAIT):
                self.store.reading.remember(document_id, offset)
        except LIBRARY_ERRORS:
            self.notify("The library is busy: opening at the last place read, not at the hit.", severity="warning")
        self.open_documents([document_id])

    def action_export(self, document_ids: Sequence[str]) -> None:
        """Export the notes of *document_ids* (none: the whole library) to Markdown, asking where (``exporting.py``)."""
        from .exporting import ask_to_export

        ask_to_export(self, self.store, document_ids)
