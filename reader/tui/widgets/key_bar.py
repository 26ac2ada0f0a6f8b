"""The footer: the keys shown for what can be done here, drawn as one line of text, and who else is reading.

It reads the same active bindings as the help screen and the command palette
(see :mod:`reader.tui.actions`), so they cannot disagree. One ``Static`` is used
rather than a widget per key so that opening a book, moving focus or
changing mode costs one small redraw, not a rebuild of dozens of widgets.
"""

from __future__ import annotations

from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from ..actions import shown_actions


class KeyBar(Static):
    """Keys and what they do, for the bindings marked to show."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        background: $footer-background;
        color: $footer-foreground;
        padding: 0 1;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self._bindings_changed, self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self) -> None:
        self._bindings_changed(self.screen)

    def redraw(self) -> None:
        """Draw again: the others reading now (the app's ``present``) changed."""
        self._bindings_changed(self.screen)

    def _bindings_changed(self, screen: Screen) -> None:
        """Show as many keys as fit, in order; help, quit and the palette always stay."""
        if not self.is_mounted or screen is not self.screen:
            return
        shown = shown_actions(screen)  # once: each call asks the screen about every binding
        items = [(keys, description) for binding_id, keys, description in shown if not binding_id.startswith("app.")]
        always = [(keys, description) for binding_id, keys, description in shown
                  if binding_id.startswith("app.")] + [("ctrl+p", "commands")]
        present = tuple(getattr(self.app, "present", ()))  # others reading the shared library now
        if present:
            always.append(("reading now", ", ".join(present)))
        room = max(0, self.size.width - 2) - sum(len(k) + len(d) + 3 for k, d in always)
        kept = []
        for keys, description in items:
            room -= len(keys) + len(description) + 3
            if room < 0:
                break
            kept.append((keys, description))
        parts: list[str | tuple[str, str]] = []
        for keys, description in [*kept, *always]:
            parts += [(keys, "bold $accent"), f" {description}  "]
        line = Content.assemble(*parts)
        if line.plain != self._shown:
            self._shown = line.plain
            self.update(line, layout=False)

    _shown = ""
