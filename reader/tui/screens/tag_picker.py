"""Choose the tags of a passage, or make new ones, from one small dialog.

Tagging happens constantly while reading, so the picker is built for typing:
the filter matches names, entity types and aliases fuzzily, best first, and
names and aliases also as mention finding compares them (case, quotes,
dashes and spacing folded: ``petro-china`` finds the alias ``PetroChina``);
a row found by an alias shows it, ``China National Petroleum Corporation
(CNPC)``. ``ctrl+o`` adds the typed text as an alias of the highlighted
entity or tag (when the dialog is given a way to write it). ``enter``
applies the chosen tags plus the highlighted row. What ``enter`` will
apply is always spelled out under the list, so it never has to be guessed.
``tab`` adds the highlighted row (an existing tag, or a new one typed out)
and clears the filter for the next, so several new tags are made in one dialog; ``space`` toggles rows in the list. Choices survive further
filtering. Ticked rows read ``[x]``, unticked ``[ ]``, with or without colour.

When the typed text names no existing tag, the list offers to create it, read
the way the rest of margin reads tag specs: ``Theme/Secrecy`` is a topic,
``Person:Ada Lovelace`` an entity of that type, and a plain name a topic.

The dialog returns the tag specs the passage should carry: the tags already
on it that were left toggled, plus everything toggled or picked now.  An
empty list therefore means "no tags"; ``None`` means the reader cancelled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content

from reader.tui.elsewhere import LIBRARY_ERRORS, write_failure
from reader.tui.screens.dialog import Dialog
from textual.css.query import NoMatches
from textual.widgets import Input, SelectionList, Static
from textual.widgets.option_list import OptionDoesNotExist
from textual.widgets.selection_list import Selection

from annotations.errors import MarginError
from annotations.model import ENTITY_TYPES, Tag, TagKind
from annotations.store.tagging import TagSpec, parse_tag_spec
from annotations.terminal import terminal_safe
from annotations.text import shorten
from reader.tui.screens.choices import ChoicePicker, Ranked, fuzzy_rank
from reader.tui.screens.tag_list import FilterInput, TagList
from reader.tui.screens.tag_names import TagNames, rank_tags, starts_a_word, tag_spec, typed_name
from reader.tui.widgets.typing_redirect import redirect_typing

__all__ = ["TagPicker", "tag_spec"]

#: Value prefix of the "create" row, so it can never collide with a tag id.
NEW = "new:"
#: Rows listed at most, best first.
MAX_ROWS = 200


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
        height: auto;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "confirm", "Apply", priority=True, id="dialog.confirm"),
        Binding("tab", "add_highlighted", "Add, type the next", priority=True, id="tag_picker.add"),
        Binding("down", "focus_list", "To list", show=False, id="dialog.to_list"),
        Binding("ctrl+n", "cycle_entity_type", "Entity type", show=False, id="tag_picker.entity_type"),
        Binding("ctrl+o", "add_alias", "Add as alias", show=False, id="tag_picker.alias"),
    ]

    PLACEHOLDER = "Filter, or type a new tag: Theme/Secrecy, Person:Ada Lovelace"

    def __init__(
        self,
        tags: Sequence[Tag],
        counts: Mapping[str, int],
        selected: Iterable[str] = (),
        title: str = "Tag passage",
        locked: bool = False,
        add_alias: Callable[[str, str], Tag] | None = None,
    ) -> None:
        super().__init__()
        self._add_alias = None if locked else add_alias
        """Writes an alias (tag id, alias) and returns the tag as it is then; None: the picker cannot add aliases."""
        self._title = title
        self._locked = locked
        """The class pack's codebook is locked: only its tags are offered, none is created."""
        self._counts = dict(counts)
        self._entity_types = sorted({t.entity_type for t in tags if t.entity_type})
        self._tags = [tag for tag in tags if not tag.deleted]
        self._by_id = {tag.id: tag for tag in self._tags}
        self._names = TagNames(self._tags)
        """Every name and alias folded as mention finding folds them, for the folded match."""
        #: What each list value applies: tag ids and "create" rows alike.
        self._specs: dict[str, str] = {tag.id: tag_spec(tag) for tag in self._tags}
        #: Toggled values in the order they were toggled; the result is built from it.
        self._toggled: dict[str, str] = {
            tag_id: self._specs[tag_id] for tag_id in dict.fromkeys(selected) if tag_id in self._by_id
        }
        self._initial = set(self._toggled)
        self._touched = False
        """Rows were toggled by hand since the filter last changed: enter applies those, not the highlighted row."""
        self._pending: str | None = None
        """A filter text waiting to be applied: a burst of keys is filtered once, with the last text."""
        self._filtered_for: str | None = None
        """The filter text the list shows."""

    # building ----------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = Content(self._title)
            placeholder = "Filter the codebook (locked by your teacher: no new tags)" if self._locked else self.PLACEHOLDER
            yield FilterInput(placeholder=placeholder, id="filter", select_on_focus=False)
            yield TagList(id="tags")
            yield Static(id="chosen", markup=False)
            alias = " · ctrl+o add as alias" if self._add_alias is not None else ""
            yield Static(
                f"enter apply · tab add and type the next · ↓ list, space tick · ctrl+n entity type{alias} · esc cancel",
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
        return self._names.named(spec.name)

    def _prompt(self, tag: Tag, matched: str) -> Content:
        parts: list[str | tuple[str, str]] = [("● ", tag.colour), tag.name]
        if matched in tag.aliases and matched != tag.name:  # found by this alias: say so
            parts.append(f" ({terminal_safe(matched, lines=False)})")
        if tag.kind is TagKind.ENTITY:
            parts.append((f"  {tag.entity_type}", "italic"))
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
        if existing is not None or self._locked:
            return None, existing
        value = NEW + text
        self._specs[value] = text
        what = spec.entity_type if spec.kind is TagKind.ENTITY else "topic"
        prompt = Content.assemble(("+ ", "bold"), f"Create {what} ", ("“" + spec.name + "”", "bold"))
        return Selection(prompt, value, value in self._toggled), None

    def _sync_from_list(self) -> None:
        """Fold the list's checkmarks into the toggled set, which outlives each filtering."""
        try:
            tags = self.query_one("#tags", TagList)
        except NoMatches:  # keys still arriving while the dialog closes
            return
        checked = set(tags.selected)
        for option in tags.options:
            value = option.value  # type: ignore[attr-defined]
            if value in checked:
                self._toggled.setdefault(value, self._specs[value])
            else:
                self._toggled.pop(value, None)

    def _list(self) -> TagList | None:
        """The list, unless the dialog is closing (keys may still arrive then)."""
        try:
            return self.query_one("#tags", TagList)
        except NoMatches:
            return None

    def _refilter_later(self, query: str) -> None:
        """Filter with *query* once the keys already queued have arrived: a burst is filtered once."""
        first = self._pending is None
        self._pending = query
        if first:
            self.call_after_refresh(self._apply_pending)

    def _apply_pending(self) -> None:
        if self._pending is not None:
            query, self._pending = self._pending, None
            self._refilter(query)

    def _catch_up(self, typed: str) -> None:
        """Filter for *typed*, what the box held when enter or tab reached it: its change messages may still be on their way."""
        self._pending = None
        if typed != self._filtered_for:
            self._refilter(typed)

    def _refilter(self, query: str) -> None:
        tags = self._list()
        if not self.is_active or tags is None:  # a filter change still queued when the dialog closed
            return
        self._sync_from_list()
        text = query.strip()
        if text:
            ranked = rank_tags(text, self._tags, self._texts, self._names)
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
        # Only the best rows are built (the list shows a dozen): a key costs the same with 100 tags or 5,000.
        rows += [
            Selection(self._prompt(item.entry, item.text), item.entry.id, item.entry.id in self._toggled)
            for item in ranked[:MAX_ROWS]
        ]
        tags.border_subtitle = f"best {MAX_ROWS} of {len(ranked)}: type to narrow" if len(ranked) > MAX_ROWS else ""
        tags.clear_options()
        tags.add_options(rows)
        if rows:
            # The best existing match is highlighted when the typed text begins one
            # of its names (the person is typing it); otherwise the create row.
            best = ranked[0].entry if ranked else None
            typing_a_name = best is not None and starts_a_word(text, self._texts(best))
            tags.highlighted = 1 if create is not None and len(rows) > 1 and typing_a_name else 0
        self._touched = False
        self._filtered_for = query
        self._show_chosen()

    def _show_chosen(self) -> None:
        """Say exactly what enter will apply."""
        try:
            chosen = self.query_one("#chosen", Static)
        except NoMatches:
            return
        result = self._result()
        if not result:
            chosen.update(Content.assemble(("enter: ", "dim"), "no tags" if self._initial else "nothing chosen yet"))
            return
        names: list[str] = []
        for value in result:
            tag = self._by_id.get(value)
            names.append(tag.label if tag is not None else f"“{self._specs[value]}” (new)")
        chosen.update(Content.assemble(("enter applies: ", "dim"), ", ".join(names)))

    def _highlighted_value(self) -> str | None:
        tags = self._list()
        if tags is None or tags.highlighted is None:
            return None
        try:
            return tags.get_option_at_index(tags.highlighted).value
        except OptionDoesNotExist:
            return None

    def _result(self, typed: str | None = None) -> dict[str, str]:
        """The values enter applies: everything ticked, plus the highlighted row when text is typed,
        unless rows were ticked by hand since (a new tag typed out is always meant)."""
        result = dict(self._toggled)
        if typed is None:
            typed = self.query_one("#filter", Input).value if self.query("#filter") else ""
        text = typed.strip()
        value = self._highlighted_value()
        if text and value is not None and (not self._touched or value.startswith(NEW)):
            result.setdefault(value, self._specs[value])
        return result

    # events ------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._refilter_later(event.value)

    def on_selection_list_selection_toggled(self, event: SelectionList.SelectionToggled) -> None:
        event.stop()
        self._touched = True
        self._sync_from_list()
        self._show_chosen()

    def on_selection_list_selection_highlighted(self, event: SelectionList.SelectionHighlighted) -> None:
        event.stop()
        self._show_chosen()

    def on_key(self, event: events.Key) -> None:
        redirect_typing(self, event, self.query_one("#filter", Input))

    # actions -----------------------------------------------------------------
    def action_focus_list(self) -> None:
        tags = self._list()
        if tags is not None and tags.option_count:
            self.set_focus(tags)  # now, so keys typed right after go to it

    def _when_typed(self, then: Callable[[str], None]) -> None:
        """Call *then* with the box's text once every key typed before this one has reached it.

        Enter and tab are priority bindings: they run as soon as the app sees
        them, ahead of letters still queued in the box, and keys typed after
        them (a backspace) may reach the box before this screen acts. So the
        text is read in the box's own queue, right after the letters before it.
        """
        box = self.query_one("#filter", Input)
        box.call_later(lambda: self.call_later(then, box.value))

    def action_add_highlighted(self) -> None:
        """``tab``: tick the highlighted row (a new tag typed out, too) and clear the filter for the next."""
        self._when_typed(self._add_highlighted)

    def _add_highlighted(self, typed: str) -> None:
        self._catch_up(typed)
        value = self._highlighted_value()
        if not self.is_active or value is None:
            return
        self._sync_from_list()
        self._toggled.setdefault(value, self._specs[value])
        tags = self._list()
        if tags is not None:
            tags.select(value)  # ticked in the list too, so the next filtering keeps it
        box = self.query_one("#filter", Input)
        box.value = ""
        self._refilter("")
        box.focus()

    def action_confirm(self) -> None:
        """Apply once every key typed before enter has reached the filter and the list.

        Enter is a priority binding, so it can overtake letters still queued in
        the filter (a fast typist, a paste): the filter's queue is drained first,
        then this screen's, where the resulting list updates wait.
        """
        self._when_typed(self._confirm)

    def _confirm(self, typed: str) -> None:
        """Apply what the line under the list says: the ticked tags, plus the highlighted row when typed."""
        if not self.is_active:
            return
        self._catch_up(typed)
        if self._list() is None:
            return
        self._sync_from_list()
        self.dismiss(list(self._result(typed).values()))

    def action_cycle_entity_type(self) -> None:
        """Make the typed name an entity, then step through the entity types, then back to plain."""
        filter_input = self.query_one("#filter", Input)
        typed = typed_name(filter_input.value, self._entity_types)
        if typed is None:
            return
        name, current = typed
        if current in ENTITY_TYPES:
            position = ENTITY_TYPES.index(current) + 1
            following = ENTITY_TYPES[position] if position < len(ENTITY_TYPES) else None
        else:
            following = ENTITY_TYPES[0]
        filter_input.value = f"{following}:{name}" if following else name
        filter_input.cursor_position = len(filter_input.value)
        filter_input.focus()

    def action_add_alias(self) -> None:
        """``ctrl+o``: the typed text becomes an alias of the highlighted tag, written at once."""
        self._when_typed(self._add_typed_alias)

    def _add_typed_alias(self, typed: str) -> None:
        if not self.is_active:
            return
        self._catch_up(typed)
        if self._add_alias is None:
            why = "the codebook is locked" if self._locked else "aliases are added from the entity screen (T) here"
            self.notify(f"No alias added: {why}.", severity="warning")
            return
        named = typed_name(typed, self._entity_types)
        if named is None:
            self.notify("Type the other name first, then ctrl+o.", severity="warning")
            return
        alias = named[0]
        value = self._highlighted_value()
        tag = self._by_id.get(value) if value is not None else None
        if tag is not None:
            self._write_alias(tag.id, alias, typed)
            return
        # The text names no tag yet: which one is it another name of?
        entities = sorted(self._tags, key=lambda t: (t.kind is not TagKind.ENTITY, t.label.casefold()))

        def chosen(tag_id: str | None) -> None:
            if tag_id is not None:
                self._write_alias(tag_id, alias, typed)

        self.app.push_screen(ChoicePicker(f"“{shorten(alias, 40)}” is another name of…", [(t.id, terminal_safe(t.label, lines=False)) for t in entities]),
                             chosen)

    def _write_alias(self, tag_id: str, alias: str, typed: str) -> None:
        assert self._add_alias is not None
        try:
            changed = self._add_alias(tag_id, alias)
        except LIBRARY_ERRORS as error:
            self.notify(write_failure(error), severity="error", title="Not added")
            return
        self._tags = [changed if t.id == changed.id else t for t in self._tags]
        self._by_id[changed.id] = changed
        self._names.update(changed)
        self.notify(f"“{alias}” is now an alias of {terminal_safe(changed.label, lines=False)}", timeout=3)
        self._refilter(typed)  # the tag now answers to the text: first, highlighted
