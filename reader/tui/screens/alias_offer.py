"""Offering a new surface form as an alias: one key to add it, never added without asking.

When the reader tags a passage with an entity, or accepts a suggestion,
whose text is not yet one of the entity's names (``CNPC`` tagged as China
National Petroleum Corporation), it asks here: ``y`` adds every name listed
as an alias, ``n`` or ``esc`` leaves the entity as it was. Names are compared
as mention finding compares them (:func:`annotations.store.mentioning.new_name`),
so a form differing only in case, quotes or dashes is not offered, and nor is
a passage too long to be a name (a sentence about the entity). In a class
pack whose codebook is locked nothing is offered: aliases cannot change there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from annotations.model import Tag
from annotations.store import Store
from annotations.store.mentioning import new_name
from annotations.terminal import has_hidden, terminal_safe
from annotations.text import shorten

from ..elsewhere import LIBRARY_ERRORS, write_failure
from .dialog import Dialog
from .mentions import keys_line

__all__ = ["AliasOffer", "alias_offers", "offer_aliases"]

Offer = tuple[Tag, str]


class AliasOffer(Dialog[bool]):
    """Ask whether to add each (entity, name) as an alias; returns True for ``y``."""

    DEFAULT_CSS = """
    AliasOffer #names { height: auto; max-height: 8; }
    AliasOffer .keys { color: $text-muted; height: 1; margin: 1 0 0 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "add", "Add as alias", id="alias_offer.add"),
        Binding("n", "cancel", "Leave as it is", id="alias_offer.skip"),
    ]

    def __init__(self, offers: Sequence[Offer]) -> None:
        super().__init__()
        self.offers = list(offers)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "A new name" if len(self.offers) == 1 else f"{len(self.offers)} new names"
            yield Static(
                Content("\n").join(
                    Content.assemble(
                        "“", (shorten(terminal_safe(name), 50), "bold"), "” is not yet a name of ",
                        (shorten(terminal_safe(tag.label), 50), "bold"),
                    )
                    for tag, name in self.offers
                ),
                id="names",
            )
            yield Static(keys_line(self, self.BINDINGS[:1]), classes="keys")

    def action_add(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


#: A passage longer than this (in words or characters) is a passage about an entity, not a name of it.
NAME_WORDS, NAME_CHARS = 6, 60


def alias_offers(store: Store, tags: Sequence[Tag], text: str) -> list[Offer]:
    """The (entity, name) pairs worth offering for *text* tagged with *tags*; none in a locked codebook.

    Only a passage that could be a name is offered: at most :data:`NAME_WORDS`
    words and :data:`NAME_CHARS` characters, within one paragraph, and with a
    capital letter where its script has them.
    """
    if len(text.split()) > NAME_WORDS or len(text.strip()) > NAME_CHARS or "\n\n" in text.strip():
        return []
    if has_hidden(" ".join(text.split())):
        return []  # a terminal control or direction mark in the text: no name anyone would search by
    if any(c.islower() for c in text) and not any(c.isupper() or c.istitle() for c in text):
        return []  # "the lighthouse keeper": words about someone, not a name (scripts without case pass)
    offers: list[Offer] = []
    for tag in tags:
        surface = new_name(tag, text)
        if surface is not None and (tag.id, surface.casefold()) not in {(t.id, s.casefold()) for t, s in offers}:
            offers.append((tag, surface))
    if offers and store.tags.codebook_locked():
        return []
    return offers


def offer_aliases(app: App[object], store: Store, offers: Sequence[Offer], done: Callable[[int], None]) -> None:
    """Ask about *offers*; on ``y`` add them, then call *done* with how many were added (also after no)."""
    if not offers:
        return

    def answered(add: bool | None) -> None:
        added = 0
        if add:
            for tag, name in offers:
                try:
                    store.tags.add_alias(tag.id, name)
                    added += 1
                except LIBRARY_ERRORS as error:
                    app.notify(write_failure(error), severity="warning", title=f"“{shorten(name, 30)}” not added")
            if added:
                names = ", ".join(f"{shorten(n, 30)} → {shorten(t.name, 30)}" for t, n in offers)
                app.notify(f"Alias{'es' if added != 1 else ''} added: {terminal_safe(names)}", timeout=3)
        done(added)

    app.push_screen(AliasOffer(offers), answered)
