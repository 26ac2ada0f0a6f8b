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

from .typing_redirect import redirect_typing
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
        self._document_id = ""

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Filter: text, note or tag", id="panel-filter", select_on_focus=False)
        yield OptionList(id="panel-list")
        yield Static("", classes="legend")

    def focus_list(self) -> None:
        self.query_one(OptionList).focus()

    def refresh_for(self, annotations: Sequence[Annotation], document_id: str = "") -> None:
        """List *annotations* (of *document_id*), keeping the filter.

        Listing the same document again (after a change here or elsewhere)
        keeps the highlighted annotation, or the row it was on if it is gone.
        """
        # Orphans first: their offsets are in an older text, and they wait for someone to deal with them.
        self._annotations = sorted(annotations, key=lambda a: (not a.orphaned, a.start, a.end, a.created))
        listing = self.query_one(OptionList)
        keep: str | None = None
        index = 0
        if document_id == self._document_id and listing.highlighted is not None and listing.option_count:
            index = listing.highlighted
            keep = listing.get_option_at_index(index).id
        self._document_id = document_id
        self._fill(keep, index)
        self._legend()

    def _fill(self, keep: str | None = None, index: int = 0) -> None:
        """Rebuild the list; the cursor goes to *keep* if listed, else stays near row *index*."""
        needle = self.query_one(Input).value.strip().casefold()
        shown = [a for a in self._annotations if not needle or _matches(a, needle)]
        options = []
        for annotation in shown[:MAX_SHOWN]:
            prompt = Text()
            if annotation.orphaned:
                prompt.append("not found ", style="bold red")
            elif annotation.anchor_state == "fuzzy" and annotation.needs_review:
                prompt.append("≈ ", style="bold yellow")
            for tag in annotation.tags[:3] or ():
                prompt.append("● ", style=tag.colour)
            if not annotation.tags:
                prompt.append("● ", style=UNTAGGED)
            prompt.append(" ".join(annotation.exact.split())[:80], style="dim italic" if annotation.orphaned else "")
            if annotation.tags:
                prompt.append("\n  " + ", ".join(t.name for t in annotation.tags), style="dim")
            if annotation.note:
                prompt.append("\n  " + " ".join(annotation.note.split())[:70], style="italic dim")
            options.append(Option(prompt, id=annotation.id))
        listing = self.query_one(OptionList)
        listing.clear_options()
        listing.add_options(options)
        if options:
            ids = [option.id for option in options]
            listing.highlighted = ids.index(keep) if keep in ids else min(index, len(ids) - 1)
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
