"""Which tags a typed text names, by name or alias, compared as mention finding compares names.

The tag picker's fuzzy filter works on the characters as written; a person
typing ``Petro-China``, ``o'brien`` or ``CNPC`` should also find the tag
whose alias is ``PetroChina``, ``O’Brien`` or ``CNPC``, exactly as ``M``
would find those names in a text. Every name and alias is folded once
(:func:`annotations.mentions.name_key`: case, quotes, dashes, spacing), so a
key press costs a comparison of short strings per name, not a folding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from annotations.errors import MarginError
from annotations.model import Tag, TagKind
from annotations.store.tagging import parse_tag_spec
from reader.tui.screens.choices import Ranked, fuzzy_rank

__all__ = ["NameMatch", "TagNames", "rank_tags", "starts_a_word", "tag_spec", "typed_name"]


def tag_spec(tag: Tag) -> str:
    """How margin names an existing tag so that applying it finds exactly that tag."""
    if tag.kind is TagKind.ENTITY:
        return f"{tag.entity_type}:{tag.name}"
    return tag.name


def starts_a_word(text: str, texts: Sequence[str]) -> bool:
    """True when *text* begins one of the words of *texts* (case folded): the person is typing that name."""
    needle = text.casefold()
    for candidate in texts:
        folded = candidate.casefold()
        if folded.startswith(needle):
            return True
        for separator in (" ", "/", ":", "-"):
            if any(word.startswith(needle) for word in folded.split(separator)[1:]):
                return True
    return False


def typed_name(text: str, entity_types: Sequence[str]) -> tuple[str, str | None] | None:
    """The name typed and its entity type, if one is given (``Person:Ada`` → Ada, Person); None for no valid name."""
    text = text.strip()
    try:
        spec = parse_tag_spec(text, entity_types) if text else None
    except MarginError:
        return None
    if spec is None:
        return None
    return (spec.name, spec.entity_type) if spec.kind is TagKind.ENTITY else (text, None)


class NameMatch(NamedTuple):
    """A tag the typed text names: by which of its names, and whether the whole name."""

    tag: Tag
    name: str
    """The name or alias, as the tag spells it, that the text matched."""
    whole: bool
    """The text is that whole name (folded), not only its start."""


class TagNames:
    """Every name and alias of a set of tags, folded once, looked up as the person types."""

    def __init__(self, tags: Iterable[Tag]) -> None:
        self._names: dict[str, list[tuple[str, str]]] = {}
        """Per tag id: (folded key, name as written), its own name first."""
        self._tags: dict[str, Tag] = {}
        for tag in tags:
            self.update(tag)

    def update(self, tag: Tag) -> None:
        """Take *tag* as it is now (an alias added, say)."""
        from annotations.mentions import name_key  # the mention finder loads when first used, not at launch

        self._tags[tag.id] = tag
        names = [tag.name, *tag.aliases]
        self._names[tag.id] = [(name_key(name), name) for name in names]

    def matching(self, text: str) -> list[NameMatch]:
        """The tags with a name or alias that *text* begins (folded), whole names first, in the order given.

        For each tag the best of its names: the whole name over a start, its
        own name over an alias.
        """
        from annotations.mentions import name_key

        key = name_key(text)
        if not key:
            return []
        whole: list[NameMatch] = []
        starts: list[NameMatch] = []
        for tag_id, names in self._names.items():
            best: NameMatch | None = None
            for folded, name in names:
                if folded == key:
                    best = NameMatch(self._tags[tag_id], name, True)
                    break
                if best is None and folded.startswith(key):
                    best = NameMatch(self._tags[tag_id], name, False)
            if best is not None:
                (whole if best.whole else starts).append(best)
        return whole + starts

    def named(self, text: str) -> Tag | None:
        """The tag whose name or alias *text* is (folded), if one is; its own name wins over another's alias."""
        from annotations.mentions import name_key

        key = name_key(text)
        found: Tag | None = None
        for tag_id, names in self._names.items():
            for position, (folded, _) in enumerate(names):
                if folded == key:
                    if position == 0:
                        return self._tags[tag_id]
                    found = found or self._tags[tag_id]
        return found


def rank_tags(text: str, tags: Sequence[Tag], texts: Callable[[Tag], Sequence[str]], names: TagNames) -> list[Ranked[Tag]]:
    """Tags matching *text*: fuzzily over *texts*, then those only a folded name or alias matches (``petro-china``).

    A tag whose alias the text names whole shows that alias, even when its
    fuzzy match was on another of its texts.
    """
    ranked = fuzzy_rank(text, tags, texts)
    found = {item.entry.id: index for index, item in enumerate(ranked)}
    for match in names.matching(text):
        index = found.get(match.tag.id)
        if index is None:
            found[match.tag.id] = len(ranked)
            ranked.append(Ranked(match.tag, 0.0, match.name))
        elif match.whole and ranked[index].text not in (match.name, match.tag.name):
            ranked[index] = ranked[index]._replace(text=match.name)
    return ranked
