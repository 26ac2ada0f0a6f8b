"""Candidate entity mentions found by rules: names, acronyms with their expansions, dates.

Pure functions over a document's text; the store decides which candidates
become suggestions (never a span already tagged, never one a person rejected).
Every candidate carries a proposed tag spec (``Organization:World Bank``), the
source that found it and a score between 0 and 1: how often, in our tests on
news and history texts, such a candidate was right.
"""

from __future__ import annotations

import re
import bisect
from dataclasses import dataclass
from functools import cache


#: Words that make a capitalised name an organisation or a place.
ORGANISATION_WORDS = frozenset(
    "Agency Association Authority Bank Board Church College Commission Committee Company Corporation Council "
    "Court Department Foundation Group Inc Institute Limited Ltd Ministry Museum Office Organisation Organization "
    "Parliament Party Press School Service Society Union University".split()
)
PLACE_WORDS = frozenset("Bay Bridge City County Harbour Island Lake Mount Mountains Province River Sea Street Valley".split())
PERSON_TITLES = frozenset("Mr Mrs Ms Miss Dr Sir Lady Lord Madam Madame Captain Colonel General President Professor".split())
#: Capitalised words that start sentences rather than names; dropped from the front of a candidate.
LEADING_WORDS = frozenset(
    "A An And As At But By For From He Her His How I If In It Its My No Not Of On Or She So That The Their Then "
    "There These They This Those To We What When Where Which While Who Why With You Your".split()
)
#: Lower-case words allowed inside a name: "Bank of England", "Ludwig van Beethoven".
CONNECTORS = "of|and|for|the|de|la|le|du|der|van|von|da|di|y"

MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A span that may mention an entity: where, which tag it would get, who proposed it and how sure."""

    start: int
    end: int
    tag: str
    """A tag spec: ``Type:Name`` for an entity (see :func:`annotations.store.tagging.parse_tag_spec`)."""
    source: str
    score: float


@cache
def _upper() -> str:
    """Every upper-case (and title-case) letter of the BMP, as the inside of a character class (``re`` has no ``\\p{Lu}``)."""
    letters = "".join(chr(c) for c in range(0x10000) if chr(c).isupper() or chr(c).istitle())
    return re.escape(letters).replace("\\-", "-").replace("-", "\\-")


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    upper = _upper()
    word = rf"[{upper}][\w'’\-]*"
    gap = r"(?:[ \t]+\n?[ \t]*|\n[ \t]*)"  # spaces, or one line break: never a paragraph break
    names = re.compile(rf"(?<![\w'’\-]){word}(?:{gap}(?:(?:{CONNECTORS}){gap})*{word})+")
    acronym = re.compile(
        rf"((?<!\w){word}(?:\s+(?:(?:{CONNECTORS})\s+)*{word}){{1,9}})\s*\(\s*([{upper}][{upper}0-9&]{{1,9}})\s*\)"
    )
    dates = re.compile(
        rf"\b(?:\d{{4}}-\d{{2}}-\d{{2}}"
        rf"|(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?:{MONTHS})\.?(?:\s+\d{{1,2}}(?:st|nd|rd|th)?,?)?\s+\d{{4}}"
        rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})\b)(?!\w)"
    )
    return names, acronym, dates


def _entity_type(words: list[str]) -> tuple[str, float]:
    last = words[-1].rstrip(".")
    if last in ORGANISATION_WORDS or words[0] in ORGANISATION_WORDS:
        return "Organization", 0.7
    if last in PLACE_WORDS or words[0] in PLACE_WORDS:
        return "Place", 0.6
    return "Thing", 0.4


def _initials(expansion: str) -> str:
    return "".join(w[0] for w in expansion.split() if w[0].isupper())


def rule_candidates(text: str) -> list[Candidate]:
    """Capitalised multi-word names, acronyms defined by an expansion and used later, and dates, in order."""
    names, acronym, dates = _patterns()
    found: dict[tuple[int, int], Candidate] = {}
    acronyms: dict[str, str] = {}
    for match in acronym.finditer(text):
        expansion, short = match.group(1), match.group(2)
        words = expansion.split()
        while words and words[0] in LEADING_WORDS:
            words = words[1:]
        if len(words) < 2:
            continue
        start = match.start(1) + expansion.index(words[0])
        expansion = text[start : match.end(1)]
        initials = _initials(" ".join(expansion.split()))
        if not (initials.startswith(short[:2]) or short in initials or initials in short):
            continue
        name = " ".join(expansion.split())
        spec = f"Organization:{name}"
        acronyms.setdefault(short, spec)
        found[(start, match.end(1))] = Candidate(start, match.end(1), spec, "rules", 0.9)
    if acronyms:
        from .mentions import find_mentions  # its patterns compile at import; the store imports this module

        for mention in find_mentions(text, {spec: [short] for short, spec in acronyms.items()}):
            found.setdefault((mention.start, mention.end), Candidate(mention.start, mention.end, mention.key, "rules", 0.8))
    taken = sorted(found)
    for match in names.finditer(text):
        words = match.group().split()
        drop = 0
        while drop < len(words) and words[drop] in LEADING_WORDS | PERSON_TITLES:
            drop += 1
        kept = words[drop:]
        if len(kept) < 2 or all(w.isupper() for w in kept) or kept[-1] in {c for c in CONNECTORS.split("|")}:
            continue
        start = match.start() + match.group().index(kept[0], sum(len(w) for w in words[:drop]))
        end = match.end()
        if any(s < end and start < e for s, e in taken if s <= end):
            continue
        kind, score = ("Person", 0.6) if drop and words[drop - 1] in PERSON_TITLES else _entity_type(kept)
        found[(start, end)] = Candidate(start, end, f"{kind}:{' '.join(kept)}", "rules", score)
    spans = sorted(found)
    for match in dates.finditer(text):
        start, end = match.span()
        i = bisect.bisect_left(spans, (end, end))  # spans starting before this date ends: only the nearest can overlap
        if i and spans[i - 1][1] > start:
            continue
        found[(start, end)] = Candidate(start, end, f"Date:{' '.join(match.group().split())}", "rules", 0.8)
    return [found[key] for key in sorted(found)]
