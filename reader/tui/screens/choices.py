"""Pick one of many: a fuzzy filter over a list, plus the pieces margin's pickers share.

Library-wide search results and "which link should I follow?" both come down
to choosing one short text among many.  Typing narrows the list as you go,
best matches first, so nobody scrolls through hundreds of rows; ``enter``
takes the highlighted row.  The outline picker is the same dialog over
headings, so both are built on :class:`FilterPicker`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import ClassVar, Generic, NamedTuple, TypeVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.fuzzy import Matcher

from reader.tui.screens.dialog import Dialog
from reader.tui.widgets.typing_redirect import redirect_typing
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

__all__ = [
    "ChoicePicker",
    "EdgeHandoff",
    "FilterPicker",
    "PickList",
    "Ranked",
    "fuzzy_rank",
    "fuzzy_score",
]

EntryT = TypeVar("EntryT")
ResultT = TypeVar("ResultT")

#: Above this many possible letter alignments the exhaustive fuzzy search is
#: skipped in favour of the first in-order alignment, so a long query against a
#: long search result cannot stall a keystroke.
_MAX_ALIGNMENTS = 4096
#: Only the start of a long candidate is matched; the rest never decides a pick.
_MAX_CANDIDATE = 160


def fuzzy_score(matcher: Matcher, candidate: str) -> float:
    """How well ``candidate`` matches the matcher's query; 0 when it does not.

    The search behind :class:`~textual.fuzzy.Matcher` tries every alignment of
    the query's letters, which explodes for long, repetitive texts.  Those
    cases are scored on the first in-order alignment instead: the ranking is a
    little coarser, the dialog stays responsive.
    """
    query = matcher.query.lower()
    if not query:
        return 1.0
    candidate = candidate[:_MAX_CANDIDATE]
    lowered = candidate.lower()
    if query in lowered:
        return matcher.match(candidate)
    offsets: list[int] = []
    position = 0
    for letter in query:
        found = lowered.find(letter, position)
        if found < 0:
            return 0.0
        offsets.append(found)
        position = found + 1
    alignments = 1
    for letter in query:
        alignments *= lowered.count(letter)
        if alignments > _MAX_ALIGNMENTS:
            return matcher.fuzzy_search.score(lowered, offsets)
    return matcher.match(candidate)


class Ranked(NamedTuple, Generic[EntryT]):
    """One entry that survived the filter, with its score and the text that matched best."""

    entry: EntryT
    score: float
    text: str


def fuzzy_rank(
    query: str, entries: Iterable[EntryT], texts: Callable[[EntryT], Sequence[str]]
) -> list[Ranked[EntryT]]:
    """Entries whose texts match ``query``, best first; ties keep the order given.

    An empty query keeps every entry in order, so callers sort once for the
    unfiltered view and get a sensible tie-break for free.
    """
    query = query.strip()
    if not query:
        return [Ranked(entry, 0.0, (texts(entry) or ("",))[0]) for entry in entries]
    matcher = Matcher(query)
    ranked: list[tuple[float, int, EntryT, str]] = []
    for index, entry in enumerate(entries):
        best, best_text = 0.0, ""
        for text in texts(entry):
            score = fuzzy_score(matcher, text)
            if score > best:
                best, best_text = score, text
        if best > 0:
            ranked.append((best, index, entry, best_text))
    ranked.sort(key=lambda item: (-item[0], item[1]))
    return [Ranked(entry, score, text) for score, _, entry, text in ranked]


class EdgeHandoff:
    """For option lists: moving past the first or last option moves focus on instead.

    Lists sit under (or over) a text input; arrowing out of the list should
    land back in the input rather than wrap around to the far end.
    """

    handoff_up: bool = True
    handoff_down: bool = False

    def _edge_index(self, last: bool) -> int | None:
        options = self.options  # type: ignore[attr-defined]
        indices = range(len(options) - 1, -1, -1) if last else range(len(options))
        for index in indices:
            if not options[index].disabled:
                return index
        return None

    def action_cursor_up(self) -> None:
        if self.handoff_up and self.highlighted in (None, self._edge_index(last=False)):  # type: ignore[attr-defined]
            self.screen.focus_previous()  # type: ignore[attr-defined]
            return
        super().action_cursor_up()  # type: ignore[misc]

    def action_cursor_down(self) -> None:
        if self.handoff_down and self.highlighted in (None, self._edge_index(last=True)):  # type: ignore[attr-defined]
            self.screen.focus_next()  # type: ignore[attr-defined]
            return
        super().action_cursor_down()  # type: ignore[misc]


class PickList(EdgeHandoff, OptionList):
    """An option list that hands focus back to its neighbour at the edges."""

    def __init__(self, *, handoff_up: bool = True, handoff_down: bool = False, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.handoff_up = handoff_up
        self.handoff_down = handoff_down


class FilterPicker(Dialog[ResultT]):
    """A titled dialog: a filter input over a list; ``enter`` returns the highlighted entry.

    Subclasses say what the entries are (:meth:`entries`), which texts the
    filter matches (:meth:`texts`), how a row looks (:meth:`prompt`) and what
    picking one returns (:meth:`result`).
    """

    DEFAULT_CSS = """
    FilterPicker #filter {
        margin-bottom: 0;
    }
    FilterPicker #choices {
        height: auto;
        max-height: 14;
        border: none;
        padding: 0;
        background: $surface;
    }
    FilterPicker #choices:focus {
        background-tint: $foreground 4%;
    }
    FilterPicker .hint {
        color: $text-muted;
        height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "focus_list", "To list", show=False, id="dialog.to_list"),
    ]

    HINT = "type to filter · ↑↓ move · enter pick · esc cancel"
    EMPTY = "Nothing matches"

    def __init__(self, title: str, placeholder: str = "Filter…") -> None:
        super().__init__()
        self._title = title
        self._placeholder = placeholder
        self._shown: list[int] = []

    # hooks -------------------------------------------------------------------
    def entries(self) -> Sequence[object]:
        raise NotImplementedError

    def texts(self, index: int) -> Sequence[str]:
        raise NotImplementedError

    def prompt(self, index: int, filtering: bool) -> Content:
        raise NotImplementedError

    def result(self, index: int) -> ResultT:
        raise NotImplementedError

    def initial_index(self) -> int | None:
        """The entry highlighted before anything is typed."""
        return 0

    # building ----------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = Content(self._title)
            yield Input(placeholder=self._placeholder, id="filter", select_on_focus=False)
            yield PickList(id="choices")
            yield Static(self.HINT, classes="hint", markup=False)

    def on_mount(self) -> None:
        self._refilter("")
        self.query_one("#filter", Input).focus()

    def _refilter(self, query: str) -> None:
        ranked = fuzzy_rank(query, range(len(self.entries())), self.texts)
        self._shown = [item.entry for item in ranked]
        filtering = bool(query.strip())
        options = [Option(self.prompt(index, filtering), id=str(index)) for index in self._shown]
        if not options:
            options = [Option(Content.styled(self.EMPTY, "dim italic"), disabled=True)]
        choices = self.query_one("#choices", PickList)
        choices.set_options(options)
        if not self._shown:
            choices.highlighted = None
        elif filtering:
            choices.highlighted = 0
        else:
            initial = self.initial_index()
            choices.highlighted = self._shown.index(initial) if initial in self._shown else 0

    # events ------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._refilter(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._pick(self.query_one("#choices", PickList).highlighted_option)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._pick(event.option)

    def on_key(self, event: events.Key) -> None:
        redirect_typing(self, event, self.query_one("#filter", Input))

    def _pick(self, option: Option | None) -> None:
        if option is None or option.disabled or option.id is None:
            return
        self.dismiss(self.result(int(option.id)))

    # actions -----------------------------------------------------------------
    def action_focus_list(self) -> None:
        choices = self.query_one("#choices", PickList)
        if choices.option_count:
            self.set_focus(choices)  # now, so keys typed right after go to it



class ChoicePicker(FilterPicker[str | None]):
    """Choose one of several ``(id, prompt)`` pairs; returns the id, or None on escape.

    Used for library-wide search results and for picking which link to
    follow: the caller decides what the ids mean.
    """

    DEFAULT_CSS = """
    ChoicePicker #choices {
        max-height: 16;
    }
    """

    def __init__(self, title: str, choices: Sequence[tuple[str, str]], placeholder: str = "Filter…") -> None:
        super().__init__(title, placeholder)
        self._choices = list(choices)

    def entries(self) -> Sequence[tuple[str, str]]:
        return self._choices

    def texts(self, index: int) -> Sequence[str]:
        return (self._choices[index][1],)

    def prompt(self, index: int, filtering: bool) -> Content:
        return Content(self._choices[index][1])

    def result(self, index: int) -> str | None:
        return self._choices[index][0]
