"""The reading screen's components that are made the first time they are needed.

Most readings make no link, align nothing and curate no layer. Making every
component as the screen mounts (importing its module, composing and styling
its widget) cost each launch about 6 ms before the first frame. Here each of
those is made, and mounted on the screen, when the screen first asks for it:
a key that uses it, or the first redraw for the suggestion marks. The
highlights, the source watch and annotating, which every reading uses from
its first frame or key, are made with the screen; comparing is, when the
screen shows layers.

A component not made yet has nothing under way: no hint for the status line
and nothing for ``esc`` to drop. Of the actions, only those that act on
something under way (a suggestion shown, two layers compared) are refused
until their component exists; the others make it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

from annotations.store import Store

from .deck import PaneDeck
from .part import ReadingPart

if TYPE_CHECKING:
    from ..editing import Editor
    from .alignment import AlignmentSuggestions
    from .annotating import Annotating
    from .comparing import Comparing
    from .entities import EntityWork
    from .fragments import FragmentHolding
    from .links import LinkMaking
    from .review import ReviewFlow
    from .search import PaneSearch
    from .suggesting import Suggesting

#: Who is asked first about the status line and the actions (made components only).
PRECEDENCE = ("review", "links", "annotating", "fragments", "search", "alignment", "comparing", "highlights",
              "sources", "entities", "suggesting")
#: Who ``esc`` asks, lightest first: search hits go before a link or a re-attach under way.
CANCEL_ORDER = ("search", "fragments", "links", "review", "alignment")
#: Actions on something a component has under way, refused while it is not made.
NEEDS_UNDER_WAY = {
    "accept_suggestion": "alignment",
    "reject_suggestion": "alignment",
    "next_disagreement": "comparing",
    "previous_disagreement": "comparing",
    "pick_layer": "comparing",
    "adopt_left": "comparing",
    "adopt_right": "comparing",
    "reject_place": "comparing",
}


class PartsOnDemand:
    """The reading screen's components by name, each made and mounted when first asked for."""

    def __init__(self, screen: Screen[None], store: Store, deck: PaneDeck) -> None:
        self._screen = screen
        self._store = store
        self._deck = deck
        self._editor: Editor | None = None
        self._composed = False
        self.made: dict[str, ReadingPart] = {}
        """The components made so far, by name."""

    def add(self, name: str, part: ReadingPart) -> ReadingPart:
        """Keep *part* as the component *name*: composed with the screen, or mounted on it once composed."""
        self.made[name] = part
        if self._composed:
            self._screen.mount(part)
        return part

    def compose(self) -> tuple[ReadingPart, ...]:
        """The components made before the screen is composed, to compose with it; later ones are mounted."""
        self._composed = True
        return tuple(self.made.values())

    def make(self, *names: str) -> None:
        """Make the components *names* now (those made already are kept)."""
        for name in names:
            getattr(self, name)

    def in_order(self, names: tuple[str, ...] = PRECEDENCE) -> tuple[ReadingPart, ...]:
        """The components of *names* made so far, in that order."""
        return tuple(part for name in names if (part := self.made.get(name)) is not None)

    def refused(self, action: str) -> bool:
        """Whether *action* acts on something under way in a component not made yet."""
        name = NEEDS_UNDER_WAY.get(action)
        return name is not None and name not in self.made

    @property
    def editor(self) -> Editor:
        """Writes to the library on the reader's behalf, shared by annotating and linking."""
        if self._editor is None:
            from ..editing import Editor

            self._editor = Editor(self._store)
        return self._editor

    @property
    def annotating(self) -> Annotating:
        if (part := self.made.get("annotating")) is None:
            from .annotating import Annotating

            part = self.add("annotating", Annotating(self._store, self.editor, self._deck))
        return part  # type: ignore[return-value]

    @property
    def links(self) -> LinkMaking:
        if (part := self.made.get("links")) is None:
            from .links import LinkMaking

            part = self.add("links", LinkMaking(self._store, self.editor, self._deck))
        return part  # type: ignore[return-value]

    @property
    def search(self) -> PaneSearch:
        if (part := self.made.get("search")) is None:
            from .search import PaneSearch

            part = self.add("search", PaneSearch())
        return part  # type: ignore[return-value]

    @property
    def review(self) -> ReviewFlow:
        if (part := self.made.get("review")) is None:
            from .review import ReviewFlow

            part = self.add("review", ReviewFlow(self._store, self._deck))
        return part  # type: ignore[return-value]

    @property
    def entities(self) -> EntityWork:
        if (part := self.made.get("entities")) is None:
            from .entities import EntityWork

            part = self.add("entities", EntityWork(self._store))
        return part  # type: ignore[return-value]

    @property
    def suggesting(self) -> Suggesting:
        if (part := self.made.get("suggesting")) is None:
            from .suggesting import Suggesting

            part = self.add("suggesting", Suggesting(self._store, self._deck))
        return part  # type: ignore[return-value]

    @property
    def alignment(self) -> AlignmentSuggestions:
        if (part := self.made.get("alignment")) is None:
            from .alignment import AlignmentSuggestions

            part = self.add("alignment", AlignmentSuggestions(self._store, self._deck))
        return part  # type: ignore[return-value]

    @property
    def fragments(self) -> FragmentHolding:
        if (part := self.made.get("fragments")) is None:
            from .fragments import FragmentHolding

            part = self.add("fragments", FragmentHolding())
        return part  # type: ignore[return-value]

    @property
    def comparing(self) -> Comparing:
        if (part := self.made.get("comparing")) is None:
            from .comparing import Comparing

            part = self.add("comparing", Comparing(self._store, self._deck))
        return part  # type: ignore[return-value]
