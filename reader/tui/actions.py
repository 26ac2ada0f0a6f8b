"""What a person can do right now, read from the active key bindings.

The footer, the help screen (``?``) and the command palette all show the same
bindings, so a key added to a ``BINDINGS`` table appears in all three with
no second list to keep in step.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from textual.app import SystemCommand
from textual.screen import Screen

#: Group names for binding-id prefixes, in the order the help screen shows them.
GROUPS: dict[str, str] = {
    "cursor": "Move",
    "selection": "Select",
    "annotate": "Annotate",
    "history": "Annotate",
    "link": "Links",
    "search": "Search",
    "nav": "Move",
    "pane": "Panes",
    "panel": "Panes",
    "library": "Library",
    "export": "Export",
    "review": "Annotate",
    "screen": "App",
    "app": "App",
}


@dataclass(frozen=True)
class Action:
    """One thing to do, with every key that does it."""

    group: str
    keys: tuple[str, ...]
    description: str
    action: str
    node: object


def _group(binding_id: str | None) -> str:
    prefix = (binding_id or "app").split(".", 1)[0]
    return GROUPS.get(prefix, "Other")


def current_actions(screen: Screen) -> list[Action]:
    """Enabled bindings of *screen* (focused widget up to the app), one entry per action."""
    found: dict[tuple[int, str], Action] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        # Bindings without an id are the framework's own (scroll left, copy...), not margin's.
        if not active.enabled or not binding.description or not binding.id:
            continue
        display = screen.app.get_key_display(binding) if binding.key == key else key
        ident = (id(active.node), binding.action)
        if ident in found:
            existing = found[ident]
            if display not in existing.keys:
                found[ident] = Action(existing.group, (*existing.keys, display), existing.description, existing.action, existing.node)
        else:
            found[ident] = Action(_group(binding.id), (display,), binding.description, binding.action, active.node)
    order = list(dict.fromkeys(GROUPS.values()))
    position = {ident: index for index, ident in enumerate(found)}  # binding-table order within a group
    return sorted(
        found.values(),
        key=lambda a: (order.index(a.group) if a.group in order else len(order), position[(id(a.node), a.action)]),
    )


def palette_commands(screen: Screen) -> Iterator[SystemCommand]:
    """Every current action as a command palette entry, its keys as the help line."""
    for action in current_actions(screen):
        yield SystemCommand(
            action.description,
            f"{action.group} · {' / '.join(action.keys)}",
            partial(screen.app.run_action, action.action, action.node),  # type: ignore[arg-type]
        )


def help_rows(screen: Screen) -> list[tuple[str, str, str]]:
    """(group, keys, description) rows for the help screen."""
    return [(a.group, " / ".join(a.keys), a.description) for a in current_actions(screen)]


def shown_actions(screen: Screen) -> list[tuple[str, str, str]]:
    """(binding id, key, description) for the footer: enabled bindings marked ``show``, in binding order."""
    seen: set[tuple[int, str]] = set()
    shown = []
    for key, active in screen.active_bindings.items():
        binding = active.binding
        ident = (id(active.node), binding.action)
        if not active.enabled or not binding.show or not binding.description or ident in seen:
            continue
        seen.add(ident)
        shown.append((binding.id or "", screen.app.get_key_display(binding), binding.description))
    return shown
