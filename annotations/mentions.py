"""Finding every mention of a set of names in a text: the matching behind "tag every mention".

A name matches wherever a reader would say it is written, not only where the
exact characters are:

- curly and straight quotes, and every dash, count as the same character;
- a line break (with the spaces around it) counts as a space, so a name
  wrapped across two lines is found; a paragraph break does not;
- a word hyphenated at a line end (``Petro-\\nChina``) and a soft hyphen
  count as no break at all, and a hyphen in a name may be missing in the text;
- a possessive (``CNPC's``, ``Lovelace’s``) leaves the name found, the
  ``'s`` outside the mention;
- case is folded when asked;
- a name is found only as whole words: ``Ada`` is not in ``Adam``. In scripts
  written without spaces between words (Chinese, Japanese, Korean with its
  attached particles, Thai...) there are no word boundaries to respect, so a
  name next to such characters is matched by its characters alone.

The text is put once into a *search form* (quotes and dashes folded, breaks
collapsed, optionally lower-cased) with a map back to the real offsets; all
names are then found in one pass of one regular expression, longest name
first where two start at the same place. Offsets in every :class:`Mention`
are into the text as given (the normalised document text), end exclusive.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: Apostrophes and single quotes, double quotes, and dashes: each group folds to its first character.
_FOLDS = {
    "'": "\u2018\u2019\u201a\u201b\u02bc\u2032\uff07",
    '"': "\u201c\u201d\u201e\u201f\u2033\uff02\u00ab\u00bb",
    "-": "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d",
}
_TRANSLATE = str.maketrans({variant: plain for plain, variants in _FOLDS.items() for variant in variants})
#: What a folded character matches in the text (a hyphen may also be missing).
_CLASSES = {
    plain: "[" + re.escape(plain + variants) + "]" + ("?" if plain == "-" else "") for plain, variants in _FOLDS.items()
}

#: Scripts written without spaces between words: a name beside them needs no word boundary.
CONTINUOUS_SCRIPTS = (
    "\u0e00-\u0eff"  # Thai, Lao
    "\u1000-\u109f"  # Myanmar
    "\u1100-\u11ff"  # Hangul Jamo
    "\u1780-\u17ff"  # Khmer
    "\u2e80-\u2fdf"  # CJK radicals
    "\u3005-\u3007\u3021-\u3029\u3040-\u30ff\u3100-\u31ff"  # kana, bopomofo, ideographic marks
    "\u3400-\u4dbf\u4e00-\u9fff"  # CJK ideographs
    "\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff"  # Hangul
    "\uf900-\ufaff\uff66-\uff9f"  # compatibility ideographs, half-width kana
    "\U00020000-\U0003134f"  # CJK extensions
)
_CONTINUOUS = re.compile(f"[{CONTINUOUS_SCRIPTS}]")
_WORD = re.compile(r"\w")
#: A character that continues a word in a spaced script: a name may not start or end next to one.
_WORDISH = rf"[^\W{CONTINUOUS_SCRIPTS}]"

#: What the search form changes in length: soft hyphens and hyphenation at a line end vanish.
#: (Breaks and runs of spaces stay as they are: a name's spaces match them, see :func:`_name_pattern`.)
_GAPS = re.compile(r"\u00ad|-[^\S\n]*\n[^\S\n]*(?=\w)")
#: What a space in a name matches: spaces, or one line break with spaces around it; never a paragraph break.
_SPACE = r"(?:[^\S\n]+\n?|\n)[^\S\n]*"

@dataclass(frozen=True, slots=True)
class Mention:
    """One place a name is written: ``text[start:end]``, and whose name (*key*) it is."""

    start: int
    end: int
    key: str
    """What the name belongs to, as the caller keyed it (an entity's tag id, say)."""
    name: str
    """The name or alias, as given, that was found here."""


class SearchForm:
    """A text with hyphenation removed (and lower-cased, if asked), and the way back to its offsets."""

    def __init__(self, text: str, *, fold_case: bool) -> None:
        folded = text  # quotes and dashes are folded by the names' expressions: translating megabytes is slow
        pieces: list[str] = []
        # After each removed stretch: (offset in the search form, offset in the text) where copying resumes.
        self._form_at: list[int] = [0]
        self._text_at: list[int] = [0]
        copied = 0
        for gap in _GAPS.finditer(folded):
            start, end = gap.span()
            pieces.append(folded[copied:start])
            copied = end
            self._form_at.append(self._form_at[-1] + (start - self._text_at[-1]))
            self._text_at.append(end)
        pieces.append(folded[copied:])
        form = "".join(pieces)
        self.ignore_case = False
        if fold_case:
            lowered = form.lower()
            if len(lowered) == len(form):
                form = lowered
            else:  # a character whose lower case is longer (İ): let the expression fold instead
                self.ignore_case = True
        self.fold_case = fold_case
        self.form = form

    def offset(self, at: int) -> int:
        """The text offset of the character at *at* in the search form."""
        i = bisect.bisect_right(self._form_at, at) - 1
        return self._text_at[i] + (at - self._form_at[i])

    def fold_name(self, name: str) -> str:
        """A name in search form: folded as the text is, one space between words."""
        form = " ".join(name.translate(_TRANSLATE).replace("\u00ad", "").split())
        return form.lower() if self.fold_case and not self.ignore_case else form


def _piece(char: str) -> str:
    """What one character of a name matches in the text."""
    if char == " ":
        return _SPACE
    return _CLASSES.get(char) or re.escape(char)


def _trie(forms: Iterable[str]) -> str:
    """One expression for many names, sharing prefixes: far faster than a list of alternatives.

    Where one name continues another the longer is tried first, so the fullest
    name wins. A space matches any break within a paragraph; a hyphen may be missing.
    """
    root: dict[str, dict] = {}
    for form in forms:
        node = root
        for char in form:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = []
        for char in sorted(k for k in node if k):
            piece = _piece(char)
            branches.append(piece + build(node[char]))
        if not branches:
            return ""
        if ends:
            branches.append("")
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return build(root)


def _key(matched: str) -> str:
    return " ".join(matched.translate(_TRANSLATE).split()).replace("-", "")


_SPACED_WORD = re.compile(_WORDISH)


def _edges_clear(form: str, start: int, end: int) -> bool:
    """Whether a match is whole words: no letter of a spaced script runs on at either end."""
    first, last = form[start], form[end - 1]
    if start > 0 and _WORD.match(first) and not _CONTINUOUS.match(first) and _SPACED_WORD.match(form[start - 1]):
        return False
    if end < len(form) and _WORD.match(last) and not _CONTINUOUS.match(last) and _SPACED_WORD.match(form[end]):
        return False
    return True


class _OneByOne:
    """The names one at a time, longest first: for a place where the quick pass matched part of a word."""

    def __init__(self, forms: Iterable[str], flags: int) -> None:
        self._forms = sorted(forms, key=lambda f: (-len(f), f))
        self._flags = flags
        self._patterns: dict[str, tuple[re.Pattern[str], list[tuple[int, re.Pattern[str]]]]] | None = None

    def whole_words(self, text: str, at: int) -> re.Match[str] | None:
        """The longest name written at *at* as whole words, if any."""
        if self._patterns is None:  # built on first need: most searches never need it
            # Grouped by first character, so a place is tried only against the names that can start there.
            groups: dict[str, tuple[re.Pattern[str], list[tuple[int, re.Pattern[str]]]]] = {}
            for rank, form in enumerate(self._forms):
                group = groups.setdefault(form[0], (re.compile(_piece(form[0]), self._flags), []))
                group[1].append((rank, re.compile("".join(map(_piece, form)), self._flags)))
            self._patterns = groups
        tried = sorted(
            (pair for first, pairs in self._patterns.values() if first.match(text, at) for pair in pairs),
            key=lambda pair: pair[0],
        )
        for _, pattern in tried:
            match = pattern.match(text, at)
            if match is not None and _edges_clear(text, match.start(), match.end()):
                return match
        return None


#: Every character that can end a word before a name, and more: a plain set the engine scans for quickly.
#: (Wider than the truth, for speed: a place after an accented letter is checked by the edge test.)
_NOT_ASCII_WORD = "[^0-9A-Za-z_]"


class _Starts:
    """Where a name may begin, found without trying every character of the text.

    A name beginning with a letter of a spaced script may only start a word:
    it is sought after a character that cannot continue one, which the regular
    expression engine skips to quickly (the quick pass alone tries every
    letter when names are lower-cased). Names beginning otherwise are sought as
    they are. Every place returned is one where some name is written; every
    place where a name is written as whole words is returned.

    With case kept, names mostly begin with capitals, rare enough that the
    engine skips to them faster than to word breaks: then (*by_word* false)
    every name is sought as it is.
    """

    def __init__(self, forms: Iterable[str], flags: int, *, by_word: bool) -> None:
        words: list[str] = []
        others: list[str] = []
        for form in forms:
            starts_word = by_word and _WORD.match(form[0]) and not _CONTINUOUS.match(form[0])
            (words if starts_word else others).append(form)
        self._first = re.compile(_trie(words), flags) if words else None
        self._words = re.compile(f"(?-i:{_NOT_ASCII_WORD})(?:{_trie(words)})", flags) if words else None
        self._others = re.compile(_trie(others), flags) if others else None
        self._next_word = self._next_other = -1

    def next(self, text: str, at: int) -> int | None:
        """The first place at or after *at* where a name may begin, or None."""
        if self._next_word < at and self._words is not None:
            if at == 0 and self._first is not None and self._first.match(text, 0):
                self._next_word = 0
            else:
                hit = self._words.search(text, max(at - 1, 0))
                self._next_word = len(text) + 1 if hit is None else hit.start() + 1
        if self._next_other < at and self._others is not None:
            hit = self._others.search(text, at)
            self._next_other = len(text) + 1 if hit is None else hit.start()
        found = min(
            self._next_word if self._words is not None else len(text) + 1,
            self._next_other if self._others is not None else len(text) + 1,
        )
        return None if found > len(text) else found


def find_mentions(
    text: str | SearchForm, names: Mapping[str, Iterable[str]], *, fold_case: bool = False
) -> list[Mention]:
    """Every mention of every name in *text*, in reading order, never two overlapping.

    *names* maps a key (an entity) to its names and aliases. Where names
    overlap in the text the one starting first wins, then the longest. A name
    shared by two keys yields a mention for each. Pass a :class:`SearchForm`
    to search one text for several sets of names without folding it again.
    """
    form = text if isinstance(text, SearchForm) else SearchForm(text, fold_case=fold_case)
    owners: dict[str, list[tuple[str, str]]] = {}
    for key, surfaces in names.items():
        for name in surfaces:
            folded = form.fold_name(name)
            if folded.strip(" -'\""):
                owners.setdefault(_key(folded).casefold() if form.ignore_case else _key(folded), []).append((key, name))
    if not owners:
        return []
    forms = sorted({form.fold_name(name) for pairs in owners.values() for _, name in pairs})
    flags = re.IGNORECASE if form.ignore_case else 0
    quick = re.compile(_trie(forms), flags)
    careful = _OneByOne(forms, flags)
    starts = _Starts(forms, flags, by_word=form.fold_case)
    found: list[Mention] = []
    searched = form.form
    at = 0
    while (begin := starts.next(searched, at)) is not None:
        hit = quick.match(searched, begin)
        assert hit is not None  # a name begins here (see _Starts)
        match = hit if _edges_clear(searched, hit.start(), hit.end()) else careful.whole_words(searched, hit.start())
        if match is None:
            at = hit.start() + 1
            continue
        matched = _key(match.group())
        pairs = owners.get(matched.casefold() if form.ignore_case else matched, [])
        start = form.offset(match.start())
        end = form.offset(match.end() - 1) + 1
        seen: set[str] = set()
        for key, name in pairs:
            if key not in seen:
                seen.add(key)
                found.append(Mention(start, end, key, name))
        at = match.end()
    return found


def name_key(name: str) -> str:
    """A name as mention finding tells names apart: quotes, dashes, spacing, soft hyphens and case folded.

    Two names with the same key find the same mentions (with case folded), so
    ``Petro-China`` is no new name beside ``PetroChina``, nor ``o’brien`` beside ``O'Brien``.
    """
    return _key(" ".join(name.translate(_TRANSLATE).replace("\u00ad", "").split())).casefold()


_POSSESSIVE = re.compile(r"['\u2019\u02bc]s?$", re.IGNORECASE)


def without_possessive(surface: str) -> str:
    """A selected name without a trailing possessive: ``CNPC's`` → ``CNPC``, ``Jones’`` → ``Jones``."""
    stripped = " ".join(surface.split())
    bare = _POSSESSIVE.sub("", stripped).rstrip()
    return bare if bare and (bare != stripped) and bare[-1].isalnum() else stripped


def kwic(text: str, start: int, end: int, *, width: int = 30) -> tuple[str, str, str]:
    """Keyword in context: up to *width* characters either side of ``text[start:end]``, each on one line."""

    def flat(piece: str) -> str:
        return " ".join(piece.split(" ")).replace("\n", " ").replace("\t", " ")

    left = " ".join(text[max(0, start - width * 2) : start].split())
    right = " ".join(text[end : end + width * 2].split())
    if text[max(0, start - 1) : start].isspace() and left:
        left += " "
    if text[end : end + 1].isspace() and right:
        right = " " + right
    return flat(left)[-width:], " ".join(text[start:end].split()), flat(right)[:width]
