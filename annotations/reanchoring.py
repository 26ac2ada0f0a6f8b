"""Finding annotations again in a changed document, and saying how sure we are.

Each annotation carries its position and its quote with some context (the
W3C pair of selectors). When the document's text changes, every annotation is
placed in the new text by the first of these that works:

1. **exact** — its old offsets still hold the quote;
2. **moved** — the quote is found intact elsewhere: first where the edit
   carried its offsets (:mod:`annotations.textdiff`), then by searching the
   whole text, context (prefix, suffix) choosing among repeats and nearness
   to where it was breaking ties;
3. **fuzzy** — an approximate occurrence, with at most half the quote's
   length in errors, scored on quote, prefix and suffix similarity and
   nearness (:func:`match_quote`);
4. **orphaned** — nothing acceptable: the annotation keeps its old place in
   the old version and is listed for review. It is never attached to text
   that does not support it, and never deleted.

The rules that reject a fuzzy candidate matter as much as the search: a
long quote is accepted only when every stretch of it is still recognisable
(an edited passage, not a different one that shares its opening words) or
when the text on both sides of it is unchanged; a quote whose surroundings
contradict the candidate must match it almost exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from .anchoring import anchor_span, find_all
from .matching import FoldedText, Match, best_infix_errors, distance, errors_per_piece, search
from .model import Anchor
from .textdiff import OffsetMap
from .words import ends_word, nearest_edges, spaced, starts_word, word_edge

AnchorState = Literal["exact", "moved", "fuzzy", "orphaned"]

#: Relative weights of the evidence for a candidate place.
QUOTE_WEIGHT, PREFIX_WEIGHT, SUFFIX_WEIGHT, POSITION_WEIGHT = 50.0, 20.0, 20.0, 2.0
#: Context this similar or better on every side where there is context confirms a place.
CONFIRMING_CONTEXT = 0.75
#: Context this dissimilar on every side contradicts a place.
CONTRADICTING_CONTEXT = 0.5
#: Without confirming context, a quote must keep this share of its characters…
UNCONFIRMED_QUOTE_SIMILARITY = 0.6
#: …and no stretch of this many code points may have more than this share of them changed.
PIECE = 32
PIECE_ERROR_SHARE = 0.4
#: A short quote with context that does not confirm the place must be this similar.
SHORT_UNCONFIRMED_QUOTE_SIMILARITY = 0.8
#: Against contradicting context, a quote must be this similar (and this long) to be trusted.
CONTRADICTED_QUOTE_SIMILARITY = 0.9
CONTRADICTED_MIN_LENGTH = 20
#: How far an approximate match's edges may be nudged, and how much context must meet them.
EDGE_REACH = 6
EDGE_CONTEXT = 12
#: An intact quote found by search with at least this score (its context barely changed) is not queued for review.
SETTLED_SCORE = 0.95
#: Texts longer than this are folded once for whole-text searches, not once per quote.
WHOLE_TEXT_FOLD = 100_000
#: Stands in for text the approximate search must not match (a noncharacter: never in a document).
_BLOT = "\ufffe"
#: Exact repeats of a quote scored at most (the nearest to the hint first).
MAX_OCCURRENCES = 2000
#: Approximate candidates scored at most per search.
MAX_CANDIDATES = 50


@dataclass(frozen=True, slots=True)
class QuoteMatch:
    """Where a quote was found: ``[start, end)``, its score in [0, 1] and its error count."""

    start: int
    end: int
    score: float
    errors: int


@dataclass(frozen=True, slots=True)
class Placement:
    """Where re-anchoring put one annotation; *anchor* is None when it is orphaned."""

    state: AnchorState
    anchor: Anchor | None
    score: float
    needs_review: bool


def _prefix_similarity(text: str, start: int, prefix: str) -> float | None:
    if not prefix:
        return None
    slack = len(prefix) // 4 + 2
    window = text[max(0, start - len(prefix) - slack) : start]
    return 1.0 - best_infix_errors(window, prefix) / len(prefix)


def _suffix_similarity(text: str, end: int, suffix: str) -> float | None:
    if not suffix:
        return None
    slack = len(suffix) // 4 + 2
    window = text[end : end + len(suffix) + slack]
    return 1.0 - best_infix_errors(window, suffix) / len(suffix)


def _score(quote: float, prefix: float | None, suffix: float | None, nearness: float | None) -> float:
    parts = [(QUOTE_WEIGHT, quote)]
    for weight, value in ((PREFIX_WEIGHT, prefix), (SUFFIX_WEIGHT, suffix), (POSITION_WEIGHT, nearness)):
        if value is not None:
            parts.append((weight, value))
    return sum(w * v for w, v in parts) / sum(w for w, _ in parts)


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int
    end: int
    errors: int
    quote: float
    prefix: float | None
    suffix: float | None
    score: float
    rank: tuple[float, ...]

    @property
    def context(self) -> list[float]:
        return [x for x in (self.prefix, self.suffix) if x is not None]


def _candidate(text: str, quote: str, start: int, end: int, errors: int, prefix: str, suffix: str,
               hint: int | None) -> _Candidate:
    q = 1.0 - errors / len(quote)
    p = _prefix_similarity(text, start, prefix)
    s = _suffix_similarity(text, end, suffix)
    n = None if hint is None else 1.0 - min(abs(start - hint) / max(len(text), 1), 1.0)
    score = _score(q, p, s, n)
    distance = abs(start - hint) if hint is not None else start
    return _Candidate(start, end, errors, q, p, s, score, (-score, abs((end - start) - len(quote)), distance, start))


def _confirmed(candidate: _Candidate) -> bool:
    context = candidate.context
    return bool(context) and all(x >= CONFIRMING_CONTEXT for x in context)


def _contradicted(candidate: _Candidate) -> bool:
    context = candidate.context
    return bool(context) and all(x < CONTRADICTING_CONTEXT for x in context)


def _acceptable_fuzzy(text: str, quote: str, candidate: _Candidate) -> bool:
    if candidate.errors > len(quote) // 2:
        return False
    if _confirmed(candidate):
        return True
    if _contradicted(candidate) and (
        candidate.quote < CONTRADICTED_QUOTE_SIMILARITY or len(quote) < CONTRADICTED_MIN_LENGTH
    ):
        return False
    if candidate.quote < UNCONFIRMED_QUOTE_SIMILARITY:
        return False
    if candidate.context and len(quote) < PIECE and candidate.quote < SHORT_UNCONFIRMED_QUOTE_SIMILARITY:
        # A short quote whose surroundings do not vouch for the place: a few
        # edits turn many short phrases into one another.
        return False
    found = text[candidate.start : candidate.end]
    return all(errors <= length * PIECE_ERROR_SHARE for length, errors in errors_per_piece(quote, found, PIECE))


def _edge_cost(text: str, quote: str, start: int, end: int, prefix: str, suffix: str) -> int:
    """Edits to the quote plus edits to the context that must meet it exactly at its edges."""
    cost = distance(quote, text[start:end])
    tail = prefix[-EDGE_CONTEXT:]
    if tail:
        cost += distance(tail, text[max(0, start - len(tail)) : start])
    head = suffix[:EDGE_CONTEXT]
    if head:
        cost += distance(head, text[end : end + len(head)])
    for inside, outside, original_inside, original_outside in (
        (text[start : start + 1], text[start - 1 : start], quote[:1], prefix[-1:]),
        (text[end - 1 : end], text[end : end + 1], quote[-1:], suffix[:1]),
    ):
        # A quote that began (or ended) at a word's edge should still do so.
        if word_edge(original_inside, original_outside) and not word_edge(inside, outside):
            cost += 1
    return cost


def _settle_edges(text: str, quote: str, start: int, end: int, prefix: str, suffix: str) -> tuple[int, int]:
    """Nudge an approximate match's edges to where quote and context meet best.

    Edit distance alone is indifferent between "en March" and "ten March" for
    the quote "10 March"; the context ("…close from ") and word edges are not.
    """
    reach = max(1, min(EDGE_REACH, len(quote) // 4))
    best = (_edge_cost(text, quote, start, end, prefix, suffix), start, end)
    # The start first, then the end: each edge is judged mostly by the context beside it.
    for new_start in range(max(0, start - reach), min(start + reach, end - 1) + 1):
        cost = _edge_cost(text, quote, new_start, end, prefix, suffix)
        if cost < best[0]:
            best = (cost, new_start, end)
    start = best[1]
    for new_end in range(max(start + 1, end - reach), min(len(text), end + reach) + 1):
        cost = _edge_cost(text, quote, start, new_end, prefix, suffix)
        if cost < best[0]:
            best = (cost, start, new_end)
    return best[1], best[2]


def _word_snaps(
    text: str, quote: str, start: int, end: int, prefix: str, suffix: str
) -> list[tuple[int, int]] | None:
    """Spans on word edges near a match that breaks a word edge its quote had, best first.

    "Jam[es Jay Carafano]" for the quote "James Jay Carafano": the start may go
    back to "James" or on to "Jay"; quote and context say which fits better.
    None when the match keeps the quote's word edges (or its script has none).
    """
    starts, ends = [start], [end]
    if word_edge(quote[:1], prefix[-1:]) and not starts_word(text, start) and spaced(text, start):
        starts = nearest_edges(text, start, starts=True)
    if word_edge(quote[-1:], suffix[:1]) and not ends_word(text, end) and spaced(text, end):
        ends = nearest_edges(text, end, starts=False)
    if (starts, ends) == ([start], [end]):
        return None
    spans = [(at, to) for at in starts for to in ends if at < to]
    return sorted(spans, key=lambda span: (_edge_cost(text, quote, span[0], span[1], prefix, suffix), span))


def _placed(
    text: str, quote: str, candidate: _Candidate, prefix: str, suffix: str, hint: int | None
) -> _Candidate | None:
    """An acceptable candidate with its edges settled; a quote of whole words stays on whole words.

    None when the settled span breaks a word edge the quote had and no
    acceptable span on the nearby word edges is left: the words are not there.
    """
    start, end = _settle_edges(text, quote, candidate.start, candidate.end, prefix, suffix)
    spans = _word_snaps(text, quote, start, end, prefix, suffix)
    for at, to in [(start, end)] if spans is None else spans:
        moved = candidate if (at, to) == (candidate.start, candidate.end) else _candidate(
            text, quote, at, to, distance(quote, text[at:to]), prefix, suffix, hint
        )
        if spans is None or _acceptable_fuzzy(text, quote, moved):
            return moved
    return None


def _exact_choice(text: str, quote: str, starts: list[int], prefix: str, suffix: str, hint: int | None,
                  old_count: int | None) -> _Candidate | None:
    """The best intact occurrence, if the evidence says it is this passage and not another."""
    if hint is not None and len(starts) > MAX_OCCURRENCES:
        starts = sorted(starts, key=lambda at: abs(at - hint))[:MAX_OCCURRENCES]
    candidates = sorted(
        (_candidate(text, quote, at, at + len(quote), 0, prefix, suffix, hint) for at in starts[:MAX_OCCURRENCES]),
        key=lambda c: c.rank,
    )
    best = candidates[0]
    if not best.context:
        return best  # no context to weigh: the quote is all there is
    if not _contradicted(best):
        return best
    if len(starts) == 1 and old_count in (None, 1):
        return best  # a distinctive quote, moved to new surroundings
    if old_count is not None and len(starts) >= old_count:
        return best  # no repeat was lost, so this one survived; nearness chose it
    return None


def match_quote(
    text: str,
    quote: str,
    *,
    prefix: str = "",
    suffix: str = "",
    hint: int | None = None,
    old_count: int | None = None,
    window: int | None = None,
    taken: frozenset[int] = frozenset(),
    folded: FoldedText | None = None,
) -> QuoteMatch | None:
    """Find *quote* in *text*, exactly if possible, else approximately; None when nothing is acceptable.

    *hint* is where the quote is expected (nearness breaks ties); *old_count*,
    how often the quote occurred in the text it was made on (an occurrence
    with contradicting context is trusted only if none was lost). *window*
    first limits the approximate search to that many code points around the
    hint, widening to the whole text if nothing acceptable lies there.
    *taken* are starts of occurrences known to be other passages (each is
    where another occurrence of the same words was carried by the edit).
    *folded*, the text folded once, makes searches of the whole text cheap
    when many quotes are placed in one text.
    """
    if not quote or not text:
        return None
    starts = [at for at in find_all(text, quote) if at not in taken]
    if starts:
        chosen = _exact_choice(text, quote, starts, prefix, suffix, hint, old_count)
        if chosen is not None:
            return QuoteMatch(chosen.start, chosen.end, chosen.score, 0)
    rejected = set(starts) | taken
    scopes: list[tuple[int, int]] = []
    if hint is not None and window is not None:
        scopes.append((max(0, hint - window), min(len(text), hint + len(quote) + window)))
    scopes.append((0, len(text)))
    for low, high in scopes:
        matches: Iterable[Match]
        if folded is not None and (low, high) == (0, len(text)):
            blots = [(at, min(at + len(quote), len(text))) for at in rejected]
            # Folding shares codes among rare characters: measure each match against the real text.
            matches = [
                Match(m.start, m.end, distance(quote, text[m.start : m.end]))
                for m in folded.search(quote, len(quote) // 2, blots)[:MAX_CANDIDATES]
            ]
        else:
            matches = search(_masked(text, low, high, rejected, len(quote)), quote, len(quote) // 2)
        candidates = sorted(
            (
                _candidate(text, quote, low + m.start, low + m.end, m.errors, prefix, suffix, hint)
                for m in list(matches)[:MAX_CANDIDATES]
                if not (m.errors == 0 and low + m.start in rejected)
            ),
            key=lambda c: c.rank,
        )
        for candidate in candidates:
            if _acceptable_fuzzy(text, quote, candidate):
                placed = _placed(text, quote, candidate, prefix, suffix, hint)
                if placed is not None:
                    return QuoteMatch(placed.start, placed.end, placed.score, placed.errors)
        if (low, high) == (0, len(text)):
            break
    return None


def _masked(text: str, low: int, high: int, starts: set[int], length: int) -> str:
    """``text[low:high]`` with the occurrences at *starts* blotted out.

    An approximate search reports only its best matches; an intact repeat
    that belongs to another passage would always be best and hide the edited
    one we are looking for.
    """
    inside = sorted(at for at in starts if at + length > low and at < high)
    if not inside:
        return text[low:high]
    pieces, at = [], low
    for start in inside:
        start = max(start, at)
        end = min(start + length, high)
        pieces.append(text[at:start])
        pieces.append(_BLOT * (end - start))
        at = max(at, end)
    pieces.append(text[at:high])
    return "".join(pieces)


def _context_intact(text: str, anchor: Anchor, start: int, end: int) -> bool:
    return text[max(0, start - len(anchor.prefix)) : start] == anchor.prefix and text[end : end + len(anchor.suffix)] == anchor.suffix


def reanchor(
    old_text: str, new_text: str, anchors: Sequence[Anchor], offsets: OffsetMap | None = None
) -> list[Placement]:
    """Place each anchor made on *old_text* in *new_text*, in the order given (see :func:`placing`)."""
    return list(placing(old_text, new_text, anchors, offsets))


def placing(
    old_text: str, new_text: str, anchors: Sequence[Anchor], offsets: OffsetMap | None = None
) -> Iterator[Placement]:
    """Place each anchor made on *old_text* in *new_text*, in the order given.

    Offsets are carried through the edit first (cheap, and right for nearly
    every annotation after a local change); quote search runs only for the
    rest (*offsets*, when the caller already has the map of this edit, saves
    computing it again). A placement needs review unless the edit left its
    text untouched or its quote and context are intact where it was found.
    Placements come one at a time, so long work can show its progress.
    """
    if offsets is None:
        offsets = OffsetMap(old_text, new_text)
    folded: FoldedText | None = None  # made when the first quote needs the whole text searched
    window = 4000
    for anchor in anchors:
        # "The position still holds the quote" means the position as the edit carried it:
        # the old offsets can hold an identical earlier passage that slid into their place.
        span = offsets.map_span(anchor.start, anchor.end)
        if span is not None and new_text[span[0] : span[1]] == anchor.exact:
            # Carried through text the edit did not touch: certain, whatever changed around it.
            state: AnchorState = "exact" if span == (anchor.start, anchor.end) else "moved"
            yield Placement(state, anchor_span(new_text, *span), 1.0, False)
            continue
        hint = offsets.map(anchor.start)
        if hint == anchor.start and new_text[anchor.start : anchor.end] == anchor.exact:
            # Edited around, but nothing before it moved and its words are still there.
            yield Placement("exact", anchor_span(new_text, anchor.start, anchor.end), 1.0, False)
            continue
        old_starts = find_all(old_text, anchor.exact)
        # Repeats of the same words that the edit carried intact are those passages, not this one.
        taken = frozenset(
            span[0]
            for at in old_starts
            if at != anchor.start
            and (span := offsets.map_span(at, at + len(anchor.exact))) is not None
            and new_text[span[0] : span[1]] == anchor.exact
        )
        old_count = len(old_starts) - len(taken)
        if folded is None and len(new_text) > WHOLE_TEXT_FOLD:
            folded = FoldedText(new_text)
        found = match_quote(
            new_text, anchor.exact, prefix=anchor.prefix, suffix=anchor.suffix, hint=hint,
            old_count=old_count, window=max(window, 4 * len(anchor.exact)), taken=taken, folded=folded,
        )
        if found is None:
            yield Placement("orphaned", None, 0.0, True)
        elif found.errors == 0:
            state = "exact" if found.start == anchor.start else "moved"
            # Words found once before and once now, or with (nearly) the same surroundings, need no second look.
            settled = (
                (old_count == 1 and new_text.count(anchor.exact) - len(taken) == 1)
                or found.score >= SETTLED_SCORE
                or _context_intact(new_text, anchor, found.start, found.end)
            )
            yield Placement(state, anchor_span(new_text, found.start, found.end), 1.0, not settled)
        else:
            yield (
                Placement("fuzzy", anchor_span(new_text, found.start, found.end), round(found.score, 4), True)
            )
