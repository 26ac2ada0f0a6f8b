"""The footer: the keys shown for what can be done here, drawn as one line of text.

It reads the same active bindings as the help screen and the command palette
(see :mod:`reader.actions`), so they cannot disagree. One ``Static`` is used
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

    def _bindings_changed(self, screen: Screen) -> None:
        if not self.is_mounted or screen is not self.screen:
            return
        parts: list[str | tuple[str, str]] = []
        for keys, description in shown_actions(screen):
            parts += [(keys, "bold $accent"), f" {description}  "]
        parts += [("ctrl+p", "bold $accent"), " commands"]
        line = Content.assemble(*parts)
        if line.plain != self._shown:
            self._shown = line.plain
            self.update(line, layout=False)

    _shown = ""
