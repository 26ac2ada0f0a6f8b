"""The entity screen: every entity by type, with its names, identifiers and mentions, and the work on them.

Opened with ``T`` from the reading screen or the library. Each row is an
entity (under a line per type): its name, its aliases, its identifiers, and
how many passages carry it in the documents being read and in all. Below the
list, the highlighted entity in full: every alias and identifier, its
mentions per document, its first mention.

From the list: ``enter`` jumps to the first mention; ``a`` edits the
aliases; ``r`` renames; ``m`` merges the entity into another (one
transaction, one undo step: the same store call as ``margin tags merge``);
``M`` finds every mention of its names in the documents being read (every
document, from the library) and tags them after a keyword-in-context preview.
When a class pack's codebook is locked, renaming, merging and aliases are
refused in one line; tagging mentions with the codebook's entities is not.

The dialog returns an :class:`EntityOutcome`: whether the library changed
(so the caller redraws) and which annotation to go to, if any.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static
from textual.widgets.option_list import Option

from annotations.store import Store
from annotations.store.mentioning import IndexEntry, names_of
from annotations.terminal import terminal_safe
from annotations.text import shorten

from ..elsewhere import LIBRARY_ERRORS, write_failure
from .aliases import AliasDialog
from .choices import ChoicePicker, PickList
from .dialog import Dialog
from .mentions import MentionPreview, MentionScopes, keys_line
from .path_prompt import PathPrompt
from .tag_picker import tag_spec

__all__ = ["EntityOutcome", "EntityScreen", "LOCKED"]

#: What a change to a locked codebook is told, in one line.
LOCKED = "The class pack's codebook is locked: entities keep the names, aliases and merges the teacher gave them."


@dataclass(frozen=True, slots=True)
class EntityOutcome:
    """What the entity screen did: whether the library changed, and an annotation to go to."""

    changed: bool = False
    go_to: str | None = None


def _safe(text: str, limit: int) -> str:
    return shorten(terminal_safe(text), limit)


class EntityScreen(Dialog[EntityOutcome]):
    """Every entity with its names and mentions; rename, merge, aliases, tag every mention, jump."""

    DEFAULT_CSS = """
    EntityScreen > #dialog { width: 110; }
    EntityScreen #entities { height: auto; max-height: 18; border: none; padding: 0; background: $surface; }
    EntityScreen #detail { margin: 1 0 0 0; height: auto; max-height: 6; color: $text; }
    EntityScreen .keys { color: $text-muted; height: auto; margin: 1 0 0 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "first_mention", "First mention", id="entities.first_mention"),
        Binding("a", "aliases", "Aliases", id="entities.edit_aliases"),
        Binding("r", "rename", "Rename", id="entities.rename"),
        Binding("m", "merge", "Merge into…", id="entities.merge"),
        Binding("M", "tag_every", "Tag every mention", id="entities.tag_every_listed"),
    ]

    def __init__(self, store: Store, document_ids: Sequence[str] = ()) -> None:
        super().__init__()
        self.store = store
        self.document_ids = list(document_ids)
        """The documents being read (their counts are shown as "here"); none from the library."""
        self.entries: list[IndexEntry] = []
        """The entities listed, in the list's order."""
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Entities"
            yield PickList(handoff_up=False, id="entities")
            yield Static("", id="detail")
            yield Static(keys_line(self, self.BINDINGS), classes="keys")

    def on_mount(self) -> None:
        self._fill()
        self.query_one("#entities", PickList).focus()

    # -- the list ---------------------------------------------------------------------------
    def _fill(self, keep: str | None = None) -> None:
        listing = self.query_one("#entities", PickList)
        try:
            self.entries = self.store.mentions.index()
            titles = {d.id: d.title for d in self.store.documents.all()}
        except LIBRARY_ERRORS as error:
            self.notify(f"Entities not read: {write_failure(error)}", severity="warning")
            return
        self._titles = titles
        listing.clear_options()
        options: list[Option | None] = []
        kind = None
        for index, entry in enumerate(self.entries):
            if entry.tag.entity_type != kind:
                kind = entry.tag.entity_type
                options.append(Option(Content.styled(_safe(kind or "Thing", 40), "bold $accent"), disabled=True))
            options.append(Option(self._row(entry), id=str(index)))
        listing.add_options(options)
        here = " (here / in all)" if self.document_ids else ""
        listing.border_subtitle = Content(f"{len(self.entries)} entit{'ies' if len(self.entries) != 1 else 'y'}{here}")
        if not self.entries:
            self.query_one("#detail", Static).update(
                "No entities yet: tag a passage with Person:…, Organization:… (a), or run margin tags add.")
            return
        ids = [e.tag.id for e in self.entries]
        at = ids.index(keep) if keep in ids else 0
        listing.highlighted = listing.get_option_index(str(at))
        self._show_detail()

    def _row(self, entry: IndexEntry) -> Content:
        tag = entry.tag
        here = sum(entry.per_document.get(d, 0) for d in self.document_ids)
        count = f"{here} / {entry.total}" if self.document_ids else str(entry.total)
        parts: list[str | tuple[str, str]] = [("  " + _safe(tag.name, 40), "bold"), f"  {count}"]
        if tag.aliases:
            parts.append(("  also " + _safe(", ".join(tag.aliases), 40), "dim"))
        if tag.identifiers:
            parts.append(("  " + _safe(" ".join(tag.identifiers), 30), "italic dim"))
        return Content.assemble(*parts)

    @property
    def current(self) -> IndexEntry | None:
        listing = self.query_one("#entities", PickList)
        index = listing.highlighted
        if index is None:
            return None
        option = listing.get_option_at_index(index)
        return self.entries[int(option.id)] if option.id is not None else None

    def on_option_list_option_highlighted(self, event: PickList.OptionHighlighted) -> None:
        event.stop()
        self._show_detail()

    def on_option_list_option_selected(self, event: PickList.OptionSelected) -> None:
        event.stop()
        self.action_first_mention()

    def _show_detail(self) -> None:
        entry = self.current
        detail = self.query_one("#detail", Static)
        if entry is None:
            detail.update("")
            return
        tag = entry.tag
        lines = [Content.assemble((_safe(tag.label, 80), "bold"))]
        if tag.aliases:
            lines.append(Content("aliases: " + _safe(", ".join(tag.aliases), 150)))
        if tag.identifiers:
            lines.append(Content("identifiers: " + _safe(" ".join(tag.identifiers), 150)))
        per = "; ".join(f"{_safe(self._titles.get(d, d), 30)} {n}" for d, n in entry.per_document.items())
        lines.append(Content(f"mentions: {entry.total}" + (f" ({per})" if per else " (none tagged yet: M finds them)")))
        if entry.first is not None:
            where = _safe(self._titles.get(entry.first.document_id, ""), 30)
            lines.append(Content(f"first: {where} · “{_safe(entry.first.exact, 60)}” (enter goes there)"))
        detail.update(Content("\n").join(lines))

    # -- the work ---------------------------------------------------------------------------
    def _open_codebook(self) -> bool:
        """Whether names may change; says why not, in one line, when the codebook is locked."""
        try:
            locked = self.store.tags.codebook_locked()
        except LIBRARY_ERRORS as error:
            self.notify(write_failure(error), severity="warning")
            return False
        if locked:
            self.notify(LOCKED, severity="warning")
        return not locked

    def _done(self, message: str, keep: str | None) -> None:
        self.changed = True
        self.notify(message, timeout=3)
        self._fill(keep)

    def action_first_mention(self) -> None:
        entry = self.current
        if entry is None:
            return
        if entry.first is None:
            self.notify(f"{_safe(entry.tag.label, 50)} tags no passage yet: M finds its mentions.", severity="warning")
            return
        self.dismiss(EntityOutcome(self.changed, entry.first.id))

    def action_aliases(self) -> None:
        entry = self.current
        if entry is None or not self._open_codebook():
            return

        def closed(changed: bool | None) -> None:
            if changed:
                self._done(f"Aliases of {_safe(entry.tag.name, 40)} changed", entry.tag.id)

        self.app.push_screen(AliasDialog(self.store, entry.tag), closed)

    def action_rename(self) -> None:
        entry = self.current
        if entry is None or not self._open_codebook():
            return

        def named(name: str | None) -> None:
            if not name or name == entry.tag.name:
                return
            try:
                self.store.tags.rename(entry.tag.id, name)
            except LIBRARY_ERRORS as error:
                self.notify(write_failure(error), severity="error", title="Not renamed")
                return
            self._done(f"Renamed {_safe(entry.tag.name, 30)} to {_safe(name, 30)}", entry.tag.id)

        self.app.push_screen(PathPrompt(f"Rename {_safe(entry.tag.label, 50)}", entry.tag.name), named)

    def action_merge(self) -> None:
        entry = self.current
        if entry is None or not self._open_codebook():
            return
        others = [
            (e.tag.id, f"{e.tag.label}  ({e.total})") for e in self.entries if e.tag.id != entry.tag.id
        ]
        if not others:
            self.notify("There is no other entity to merge into.", severity="warning")
            return

        def into(target_id: str | None) -> None:
            if target_id is None:
                return
            try:
                merged, moved = self.store.merging.merge(entry.tag.id, target_id)
            except LIBRARY_ERRORS as error:
                self.notify(write_failure(error), severity="error", title="Not merged")
                return
            self._done(
                f"Merged {_safe(entry.tag.name, 30)} into {_safe(merged.name, 30)}: {moved} passage"
                f"{'s' if moved != 1 else ''} moved, its names kept as aliases · u undoes it", merged.id,
            )

        self.app.push_screen(ChoicePicker(f"Merge {_safe(entry.tag.label, 40)} into…", others), into)

    def action_tag_every(self) -> None:
        entry = self.current
        if entry is None:
            return
        try:
            documents = [self.store.documents.get(d) for d in self.document_ids] or self.store.documents.all()
            hits = self.store.mentions.of(entry.tag, documents)
            texts = {d.id: self.store.documents.text(d.version_id) for d in documents if any(h.document.id == d.id for h in hits)}
        except LIBRARY_ERRORS as error:
            self.notify(write_failure(error), severity="warning")
            return
        where = "the documents being read" if self.document_ids else "the library"
        scopes = None
        if self.document_ids:  # s in the preview looks in the whole library too
            widths = ((where, tuple(self.document_ids)), ("every document", None))
            scopes = MentionScopes(names_of(entry.tag), (entry.tag,), widths)
        if not hits and scopes is None:
            self.notify(f"No mention of {_safe(entry.tag.label, 50)} in {where}.", timeout=3)
            return
        preview = MentionPreview(self.store, entry.tag.label, hits, texts, [tag_spec(entry.tag)], scopes=scopes)

        def accepted(specs: list[str] | None) -> None:
            if not specs:
                return
            try:
                done = self.store.mentions.tag_all(preview.hits, specs)
            except LIBRARY_ERRORS as error:
                self.notify(write_failure(error), severity="error", title="Not tagged")
                return
            self._done(done.describe() + (" · u undoes them all" if done.changed > 1 else ""), entry.tag.id)

        self.app.push_screen(preview, accepted)

    def action_cancel(self) -> None:
        self.dismiss(EntityOutcome(self.changed))
