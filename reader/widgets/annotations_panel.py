"""The annotations of the focused document, in reading order, with a tag legend.

It is told what to list (attributes down) and says which annotation was
chosen (a message up); the screen moves the reader there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from annotations.model import Annotation

from ..screens.choices import redirect_typing
from .pane import UNTAGGED

#: Options shown at once: building each costs time, and a filter narrows a long list
#: faster than scrolling through thousands.
MAX_SHOWN = 200


def _matches(annotation: Annotation, needle: str) -> bool:
    haystack = " ".join([annotation.exact, annotation.note, *(t.name for t in annotation.tags), *(t.entity_type or "" for t in annotation.tags)])
    return needle in haystack.casefold()


class AnnotationsPanel(Vertical):
    """A filterable list of annotations and a legend of the tags they use."""

    DEFAULT_CSS = """
    AnnotationsPanel {
        border-left: vkey $panel;
        & > Input { margin: 0; }
        & > OptionList { height: 1fr; border: none; }
        & > .legend { height: auto; max-height: 12; padding: 0 1; background: $panel; }
    }
    """

    @dataclass
    class Chosen(Message):
        """The person picked an annotation to go to."""

        annotation_id: str

    def __init__(self) -> None:
        super().__init__()
        self._annotations: list[Annotation] = []

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Filter: text, note or tag", id="panel-filter", select_on_focus=False)
        yield OptionList(id="panel-list")
        yield Static("", classes="legend")

    def focus_list(self) -> None:
        self.query_one(OptionList).focus()

    def refresh_for(self, annotations: Sequence[Annotation]) -> None:
        self._annotations = sorted(annotations, key=lambda a: (a.start, a.end, a.created))
        self._fill()
        self._legend()

    def _fill(self) -> None:
        needle = self.query_one(Input).value.strip().casefold()
        shown = [a for a in self._annotations if not needle or _matches(a, needle)]
        options = []
        for annotation in shown[:MAX_SHOWN]:
            prompt = Text()
            for tag in annotation.tags[:3] or ():
                prompt.append("● ", style=tag.colour)
            if not annotation.tags:
                prompt.append("● ", style=UNTAGGED)
            prompt.append(" ".join(annotation.exact.split())[:80])
            if annotation.tags:
                prompt.append("\n  " + ", ".join(t.name for t in annotation.tags), style="dim")
            if annotation.note:
                prompt.append("\n  " + " ".join(annotation.note.split())[:70], style="italic dim")
            options.append(Option(prompt, id=annotation.id))
        listing = self.query_one(OptionList)
        listing.clear_options()
        listing.add_options(options)
        if options:
            listing.highlighted = 0
        listing.border_subtitle = f"{len(shown)} of {len(self._annotations)}" + (
            f" · first {MAX_SHOWN} shown, type to narrow" if len(shown) > MAX_SHOWN else ""
        )

    def _legend(self) -> None:
        counts: Counter[str] = Counter()
        colours: dict[str, str] = {}
        for annotation in self._annotations:
            for tag in annotation.tags:
                counts[tag.label] += 1
                colours[tag.label] = tag.colour
        legend = Text()
        for label, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            if legend:
                legend.append("\n")
            legend.append("● ", style=colours[label])
            legend.append(f"{label} ")
            legend.append(str(count), style="bold")
        self.query_one(".legend", Static).update(legend or Text("No tags yet", style="dim"))

    def on_key(self, event: events.Key) -> None:
        """Letters typed in the list refine the filter; they must not reach the reader's keys (x deletes)."""
        redirect_typing(self.screen, event, self.query_one(Input))

    @on(Input.Changed, "#panel-filter")
    def _filter(self) -> None:
        self._fill()

    @on(Input.Submitted, "#panel-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_list()

    @on(OptionList.OptionSelected, "#panel-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Chosen(event.option.id))
