"""Choose the tags of a passage, or make new ones, from one small dialog.

Tagging happens constantly while reading, so the picker is built for typing:
the filter matches names, entity types and aliases fuzzily, best first, and
``enter`` applies the highlighted tag.  Several tags are chosen by toggling
them with ``space`` in the list; choices survive further filtering, so one can
type, toggle, type again and toggle again before confirming.

When the typed text names no existing tag, the list offers to create it, read
the way the rest of margin reads tag specs: ``Theme/Secrecy`` is a topic,
``Person:Ada Lovelace`` an entity of that type, and a plain name a topic.

The dialog returns the tag specs the passage should carry: the tags already
on it that were left toggled, plus everything toggled or picked now.  An
empty list therefore means "no tags"; ``None`` means the reader cancelled.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content

from reader.tui.screens.dialog import Dialog
from textual.css.query import NoMatches
from textual.widgets import Input, OptionList, SelectionList, Static
from textual.widgets.selection_list import Selection

from annotations.errors import MarginError
from annotations.model import ENTITY_TYPES, Tag, TagKind
from annotations.store.tagging import TagSpec, parse_tag_spec
from reader.tui.screens.choices import EdgeHandoff, Ranked, fuzzy_rank
from reader.tui.widgets.typing_redirect import redirect_typing

__all__ = ["TagPicker", "tag_spec"]

#: Value prefix of the "create" row, so it can never collide with a tag id.
NEW = "new:"


def tag_spec(tag: Tag) -> str:
    """How margin names an existing tag so that applying it finds exactly that tag."""
    if tag.kind is TagKind.ENTITY:
        return f"{tag.entity_type}:{tag.name}"
    return tag.name


class _TagList(EdgeHandoff, SelectionList[str]):
    """The tag list: arrowing up past the first row returns to the filter.

    The list is rebuilt at every key typed in the filter, so a highlight
    message can arrive naming a row of a list that is already gone (a fast
    typist, a paste). Such stale messages are dropped here, before the
    selection list looks their row up by index.
    """

    def _on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        index = event.option_index
        if index >= self.option_count or self.get_option_at_index(index) is not event.option:
            event.prevent_default()
            event.stop()


class TagPicker(Dialog[list[str] | None]):
    """Pick tags for a passage; returns the specs to apply, or None on escape."""

    DEFAULT_CSS = """
    TagPicker #tags {
        height: auto;
        max-height: 12;
        border: none;
        padding: 0;
        background: $surface;
    }
    TagPicker #tags:focus {
        background-tint: $foreground 4%;
    }
    TagPicker #chosen {
        height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    TagPicker .keys {
        color: $text-muted;
        height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "confirm", "Apply", priority=True, id="dialog.confirm"),
        Binding("down", "focus_list", "To list", show=False, id="dialog.to_list"),
        Binding("ctrl+n", "cycle_entity_type", "Entity type", show=False, id="tag_picker.entity_type"),
    ]

    PLACEHOLDER = "Filter, or type a new tag: Theme/Secrecy, Person:Ada Lovelace"

    def __init__(
        self,
        tags: Sequence[Tag],
        counts: Mapping[str, int],
        selected: Iterable[str] = (),
        title: str = "Tag passage",
    ) -> None:
        super().__init__()
        self._title = title
        self._counts = dict(counts)
        self._entity_types = sorted({t.entity_type for t in tags if t.entity_type})
        self._tags = [tag for tag in tags if not tag.deleted]
        self._by_id = {tag.id: tag for tag in self._tags}
        #: What each list value applies: tag ids and "create" rows alike.
        self._specs: dict[str, str] = {tag.id: tag_spec(tag) for tag in self._tags}
        #: Toggled values in the order they were toggled; the result is built from it.
        self._toggled: dict[str, str] = {
            tag_id: self._specs[tag_id] for tag_id in dict.fromkeys(selected) if tag_id in self._by_id
        }
        self._initial = set(self._toggled)
        self._listed_for = ""
        """The filter text the list was last built for."""

    # building ----------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = self._title
            yield Input(placeholder=self.PLACEHOLDER, id="filter", select_on_focus=False)
            yield _TagList(id="tags")
            yield Static(id="chosen", markup=False)
            yield Static(
                "↓ list · space toggle · enter apply · ctrl+n entity type · esc cancel",
                classes="keys",
                markup=False,
            )

    def on_mount(self) -> None:
        self._refilter("")
        self.query_one("#filter", Input).focus()

    # the list ----------------------------------------------------------------
    def _texts(self, tag: Tag) -> Sequence[str]:
        texts = [tag.name]
        if tag.kind is TagKind.ENTITY:
            texts += [tag.label, tag_spec(tag)]
        return texts + list(tag.aliases)

    def _existing(self, spec: TagSpec) -> Tag | None:
        """The tag the store would take ``spec`` to mean (by name or alias), if any."""
        key = spec.name.casefold()
        for tag in self._tags:
            if tag.name.casefold() == key or any(alias.casefold() == key for alias in tag.aliases):
                return tag
        return None

    def _prompt(self, tag: Tag, matched: str) -> Content:
        parts: list[str | tuple[str, str]] = [("● ", tag.colour), tag.name]
        if tag.kind is TagKind.ENTITY:
            parts.append((f"  {tag.entity_type}", "italic"))
        if matched in tag.aliases:
            parts.append((f"  = {matched}", "dim"))
        count = self._counts.get(tag.id, 0)
        if count:
            parts.append((f"  {count}", "dim"))
        return Content.assemble(*parts)

    def _create_row(self, text: str) -> tuple[Selection[str] | None, Tag | None]:
        """The "create" row for ``text`` and the existing tag it names; at most one is not None.

        Neither when the text is no valid tag spec (an empty path segment, say).
        """
        try:
            spec = parse_tag_spec(text, self._entity_types)
        except MarginError:
            return None, None
        existing = self._existing(spec)
        if existing is not None:
            return None, existing
        value = NEW + text
        self._specs[value] = text
        what = spec.entity_type if spec.kind is TagKind.ENTITY else "topic"
        prompt = Content.assemble(("+ ", "bold"), f"Create {what} ", ("“" + spec.name + "”", "bold"))
        return Selection(prompt, value, value in self._toggled), None

    def _sync_from_list(self) -> None:
        """Fold the list's checkmarks into the toggled set, which outlives each filtering."""
        try:
            tags = self.query_one("#tags", _TagList)
        except NoMatches:  # keys still arriving while the dialog closes
            return
        checked = set(tags.selected)
        for option in tags.options:
            value = option.value  # type: ignore[attr-defined]
            if value in checked:
                self._toggled.setdefault(value, self._specs[value])
            else:
                self._toggled.pop(value, None)

    def _list(self) -> _TagList | None:
        """The tag list, or None while the dialog is closing (keys typed before enter still arriving)."""
        if not self.is_active:
            return None
        try:
            return self.query_one("#tags", _TagList)
        except NoMatches:
            return None

    def _refilter(self, query: str) -> None:
        if self._list() is None:  # a filter change still queued when the dialog closed
            return
        self._listed_for = query
        self._sync_from_list()
        text = query.strip()
        if text:
            ranked = fuzzy_rank(text, self._tags, self._texts)
        else:
            ordered = sorted(
                self._tags,
                key=lambda tag: (tag.id not in self._toggled, -self._counts.get(tag.id, 0), tag.label.casefold()),
            )
            ranked = fuzzy_rank("", ordered, self._texts)
        rows: list[Selection[str]] = []
        create, existing = self._create_row(text) if text else (None, None)
        if create is not None:
            rows.append(create)
        if existing is not None:
            # The tag the text names (by name or alias) comes first, however the
            # fuzzy scores fall, even when the typed entity type differs from its own.
            kept = next((item for item in ranked if item.entry.id == existing.id), None)
            ranked = [item for item in ranked if item.entry.id != existing.id]
            ranked.insert(0, kept or Ranked(existing, 0.0, existing.name))
        rows += [
            Selection(self._prompt(item.entry, item.text), item.entry.id, item.entry.id in self._toggled)
            for item in ranked
        ]
        tags = self.query_one("#tags", _TagList)
        tags.clear_options()
        tags.add_options(rows)
        if rows:
            # The best existing match is highlighted when there is one, so a
            # partly typed name plus enter applies it; otherwise the create row.
            tags.highlighted = 1 if create is not None and len(rows) > 1 else 0
        self._show_chosen()

    def _show_chosen(self) -> None:
        try:
            chosen = self.query_one("#chosen", Static)
        except NoMatches:  # the dialog is closing
            return
        if not self._toggled:
            chosen.update("")
            return
        names: list[str] = []
        for value in self._toggled:
            tag = self._by_id.get(value)
            names.append(tag.label if tag is not None else f"{self._specs[value]} (new)")
        chosen.update(Content.assemble((f"{len(names)} chosen: ", "dim"), ", ".join(names)))

    # events ------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._refilter(event.value)

    def on_selection_list_selection_toggled(self, event: SelectionList.SelectionToggled) -> None:
        event.stop()
        self._sync_from_list()
        self._show_chosen()

    def on_key(self, event: events.Key) -> None:
        redirect_typing(self, event, self.query_one("#filter", Input))

    # actions -----------------------------------------------------------------
    def action_focus_list(self) -> None:
        tags = self.query_one("#tags", _TagList)
        if tags.option_count:
            tags.focus()

    def action_confirm(self) -> None:
        """Apply once every key typed before enter has reached the filter and the list.

        Enter is a priority binding, so it can overtake letters still queued in
        the filter (a fast typist, a paste): the filter's queue is drained first,
        then this screen's, where the resulting list updates wait.
        """
        self.query_one("#filter", Input).call_later(self.call_later, self._confirm)

    def _confirm(self) -> None:
        """Apply the toggled tags; with none changed, the highlighted row is applied."""
        tags = self._list()
        if tags is None:
            return
        typed = self.query_one("#filter", Input).value
        if typed != self._listed_for:
            # The filter's change messages travel up through the dialog and can arrive after
            # enter: the list is brought up to what is typed now, so enter applies that.
            self._refilter(typed)
        self._sync_from_list()
        text = typed.strip()
        if text and tags.highlighted is not None and tags.highlighted < tags.option_count:
            value = tags.get_option_at_index(tags.highlighted).value
            # The highlighted row is meant when nothing was chosen by hand, and a
            # new tag typed out (its create row highlighted) is meant even then.
            if set(self._toggled) == self._initial or value.startswith(NEW):
                self._toggled.setdefault(value, self._specs[value])
        self.dismiss(list(self._toggled.values()))

    def action_cycle_entity_type(self) -> None:
        """Make the typed name an entity, then step through the entity types, then back to plain."""
        filter_input = self.query_one("#filter", Input)
        text = filter_input.value.strip()
        if not text:
            return
        try:
            spec = parse_tag_spec(text, self._entity_types)
        except MarginError:
            return
        if spec.kind is TagKind.ENTITY:
            name, current = spec.name, spec.entity_type
        else:
            name, current = text, None
        if current in ENTITY_TYPES:
            position = ENTITY_TYPES.index(current) + 1
            following = ENTITY_TYPES[position] if position < len(ENTITY_TYPES) else None
        else:
            following = ENTITY_TYPES[0]
        filter_input.value = f"{following}:{name}" if following else name
        filter_input.cursor_position = len(filter_input.value)
        filter_input.focus()

