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

from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar, cast

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
    from .navigating import Navigating
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


P = TypeVar("P", bound=ReadingPart)


class _Made(Generic[P]):
    """A component of :class:`PartsOnDemand`: made by *make* the first time it is asked for, then kept by name."""

    def __init__(self, make: Callable[[PartsOnDemand], P]) -> None:
        self._make = make
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, parts: PartsOnDemand, owner: type | None = None) -> P:
        part = parts.made.get(self._name)
        if part is None:
            part = parts.add(self._name, self._make(parts))
        return cast(P, part)


# How each is made; its module is imported then, not with the screen.

def _annotating(parts: PartsOnDemand) -> Annotating:
    from .annotating import Annotating

    return Annotating(parts.store, parts.editor, parts.deck)


def _links(parts: PartsOnDemand) -> LinkMaking:
    from .links import LinkMaking

    return LinkMaking(parts.store, parts.editor, parts.deck)


def _search(parts: PartsOnDemand) -> PaneSearch:
    from .search import PaneSearch

    return PaneSearch()


def _review(parts: PartsOnDemand) -> ReviewFlow:
    from .review import ReviewFlow

    return ReviewFlow(parts.store, parts.deck)


def _entities(parts: PartsOnDemand) -> EntityWork:
    from .entities import EntityWork

    return EntityWork(parts.store)


def _suggesting(parts: PartsOnDemand) -> Suggesting:
    from .suggesting import Suggesting

    return Suggesting(parts.store, parts.deck)


def _alignment(parts: PartsOnDemand) -> AlignmentSuggestions:
    from .alignment import AlignmentSuggestions

    return AlignmentSuggestions(parts.store, parts.deck)


def _navigating(parts: PartsOnDemand) -> Navigating:
    from .navigating import Navigating

    return Navigating(parts.store, parts.deck)


def _fragments(parts: PartsOnDemand) -> FragmentHolding:
    from .fragments import FragmentHolding

    return FragmentHolding()


def _comparing(parts: PartsOnDemand) -> Comparing:
    from .comparing import Comparing

    return Comparing(parts.store, parts.deck)


class PartsOnDemand:
    """The reading screen's components by name, each made and mounted when first asked for."""

    annotating = _Made(_annotating)
    links = _Made(_links)
    search = _Made(_search)
    review = _Made(_review)
    entities = _Made(_entities)
    suggesting = _Made(_suggesting)
    alignment = _Made(_alignment)
    fragments = _Made(_fragments)
    comparing = _Made(_comparing)
    navigating = _Made(_navigating)

    def __init__(self, screen: Screen[None], store: Store, deck: PaneDeck) -> None:
        self._screen = screen
        self.store = store
        self.deck = deck
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

            self._editor = Editor(self.store)
        return self._editor
