"""The annotations of the focused document, in reading order, with a tag legend.

It is told what to list (attributes down) and says which annotation was
chosen, or that it should close (messages up); the screen moves the reader
there. ``space`` shows the highlighted annotation whole (quote, tags, the full
note, its links) below the list, and ``→``/``←`` widen and narrow the panel,
since 38 columns cut notes mid-sentence.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from annotations.model import Annotation
from annotations.text import shorten

from .typing_redirect import redirect_typing
from .pane import UNTAGGED

#: Options shown at once: building each costs time, and a filter narrows a long list
#: faster than scrolling through thousands.
MAX_SHOWN = 200


def _matches(annotation: Annotation, needle: str) -> bool:
    haystack = " ".join([annotation.quote, annotation.note, *(t.name for t in annotation.tags), *(t.entity_type or "" for t in annotation.tags)])
    return needle in haystack.casefold()


@dataclass(frozen=True)
class LinkLine:
    """One link of a listed annotation, as the panel shows it."""

    relation: str
    outgoing: bool
    """True when the listed annotation is the link's source."""
    other_quote: str
    other_title: str


class AnnotationsPanel(Vertical):
    """A filterable list of annotations, the highlighted one shown whole on request, and a tag legend."""

    DEFAULT_CSS = """
    AnnotationsPanel {
        border-left: vkey $panel;
        & > Input { margin: 0; }
        & > OptionList { height: 1fr; border: none; }
        & > .detail { height: auto; max-height: 60%; padding: 0 1; background: $boost; display: none; overflow-y: auto; }
        & > .detail.visible { display: block; }
        & > .legend { height: auto; max-height: 12; padding: 0 1; background: $panel; }
    }
    """

    BINDINGS = [
        Binding("escape", "close", "Close panel", id="panel.close"),
        Binding("space", "toggle_detail", "Show whole", id="panel.detail"),
        Binding("right", "widen", "Wider", id="panel.wider"),
        Binding("left", "narrow", "Narrower", show=False, id="panel.narrower"),
    ]

    #: Panel widths, in columns or a share of the screen, narrowest first.
    WIDTHS = ("38", "60", "50%", "75%")

    class Chosen(Message):
        """The person picked an annotation to go to."""

        def __init__(self, annotation_id: str) -> None:
            super().__init__()
            self.annotation_id = annotation_id

    class Closed(Message):
        """The person closed the panel (``esc``): the reader goes back to the text."""

    def __init__(self) -> None:
        super().__init__()
        self._annotations: list[Annotation] = []
        self._links: dict[str, list[LinkLine]] = {}
        self._document_id = ""
        self._width = 0
        """Index into :attr:`WIDTHS`."""

    def compose(self) -> ComposeResult:
        # The filter, list, detail and legend are made when the panel is first shown (see show):
        # a reader who never opens it does not pay for them, nor for their styles, at the first frame.
        return ()

    def show(self) -> None:
        """Show the panel (its contents are made the first time)."""
        if not self.children:
            self.mount(
                Input(placeholder="Filter: text, note or tag", id="panel-filter", select_on_focus=False),
                OptionList(id="panel-list"),
                Static("", classes="detail", markup=False),
                Static("", classes="legend"),
            )
        self.add_class("visible")

    def on_mount(self) -> None:
        self.styles.width = self.WIDTHS[self._width]

    # -- keys ----------------------------------------------------------------------------
    def action_close(self) -> None:
        self.post_message(self.Closed())

    def action_widen(self) -> None:
        self._set_width(self._width + 1)

    def action_narrow(self) -> None:
        self._set_width(self._width - 1)

    def _set_width(self, index: int) -> None:
        self._width = max(0, min(index, len(self.WIDTHS) - 1))
        self.styles.width = self.WIDTHS[self._width]
        self._fill(self._highlighted_id())

    def action_toggle_detail(self) -> None:
        detail = self.query_one(".detail", Static)
        detail.toggle_class("visible")
        self._show_detail()

    def _highlighted_id(self) -> str | None:
        listing = self.query_one(OptionList)
        if listing.highlighted is None or not listing.option_count:
            return None
        return listing.get_option_at_index(listing.highlighted).id

    @on(OptionList.OptionHighlighted, "#panel-list")
    def _highlight_moved(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        """The highlighted annotation whole: every word of quote and note, tags, links, who and when."""
        detail = self.query_one(".detail", Static)
        if not detail.has_class("visible"):
            return
        chosen = self._highlighted_id()
        annotation = next((a for a in self._annotations if a.id == chosen), None)
        if annotation is None:
            detail.update(Text("Nothing highlighted.", style="dim"))
            return
        text = Text()
        if annotation.orphaned:
            text.append("Not found in this version (R reviews it)\n", style="bold red")
        text.append(f"“{' '.join(annotation.quote.split())}”\n", style="italic")
        for tag in annotation.tags:
            text.append("● ", style=tag.colour)
            text.append(tag.label + "\n")
        if annotation.note:
            text.append("\n" + annotation.note.strip() + "\n")
        for link in self._links.get(annotation.id, []):
            arrow = "→" if link.outgoing else "←"
            text.append(f"\n{arrow} {link.relation}: ", style="bold")
            text.append(f"“{' '.join(link.other_quote.split())}”", style="italic")
            text.append(f" ({link.other_title})", style="dim")
        text.append(f"\n\n{annotation.author} · {annotation.created[:16].replace('T', ' ')}", style="dim")
        detail.update(text)


    def focus_list(self) -> None:
        self.query_one(OptionList).focus()

    def refresh_for(
        self,
        annotations: Sequence[Annotation],
        document_id: str = "",
        links: dict[str, list[LinkLine]] | None = None,
    ) -> None:
        """List *annotations* (of *document_id*) with their *links*, keeping the filter.

        Listing the same document again (after a change here or elsewhere)
        keeps the highlighted annotation, or the row it was on if it is gone.
        """
        # Orphans first: their offsets are in an older text, and they wait for someone to deal with them.
        self._annotations = sorted(annotations, key=lambda a: (not a.orphaned, a.start, a.end, a.created))
        self._links = links or {}
        listing = self.query_one(OptionList)
        keep: str | None = None
        index = 0
        if document_id == self._document_id and listing.highlighted is not None and listing.option_count:
            index = listing.highlighted
            keep = listing.get_option_at_index(index).id
        self._document_id = document_id
        self._fill(keep, index)
        self._legend()
        self._show_detail()

    def _fill(self, keep: str | None = None, index: int = 0) -> None:
        """Rebuild the list; the cursor goes to *keep* if listed, else stays near row *index*."""
        needle = self.query_one(Input).value.strip().casefold()
        shown = [a for a in self._annotations if not needle or _matches(a, needle)]
        # Wider panels show more of each quote and note; space shows one whole.
        quote_room = 80 * (self._width + 1)
        note_room = 70 * (self._width + 1) * 2
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
            prompt.append(shorten(" ".join(annotation.quote.split()), quote_room), style="dim italic" if annotation.orphaned else "")
            if annotation.tags:
                prompt.append("\n  " + ", ".join(t.name for t in annotation.tags), style="dim")
            if annotation.note:
                prompt.append("\n  " + shorten(" ".join(annotation.note.split()), note_room), style="italic dim")
            links = self._links.get(annotation.id, [])
            if links:
                relations = ", ".join(dict.fromkeys(link.relation for link in links))
                prompt.append(f"\n  ⇄ {len(links)} link{'s' if len(links) != 1 else ''}: {relations}", style="dim")
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
