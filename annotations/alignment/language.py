"""What a text is written in, its words, and the numbers it names.

Enough to tell a translation from a same-language pair without a language
model: the dominant script of each text, and for two texts in one script the
overlap of their commonest words (two English texts share *the*, *of*,
*and*; English and German share almost none of theirs).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

# Scripts by code-point range: enough to tell the world's common writing systems apart.
_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x024F, "latin"), (0x0370, 0x03FF, "greek"), (0x0400, 0x052F, "cyrillic"),
    (0x0530, 0x058F, "armenian"), (0x0590, 0x05FF, "hebrew"), (0x0600, 0x06FF, "arabic"),
    (0x0900, 0x097F, "devanagari"), (0x0E00, 0x0E7F, "thai"), (0x10A0, 0x10FF, "georgian"),
    (0x1100, 0x11FF, "hangul"), (0x1E00, 0x1EFF, "latin"), (0x3040, 0x30FF, "kana"),
    (0x3130, 0x318F, "hangul"), (0x3400, 0x4DBF, "han"), (0x4E00, 0x9FFF, "han"),
    (0xAC00, 0xD7AF, "hangul"), (0xF900, 0xFAFF, "han"), (0xFF21, 0xFF5A, "latin"),
)
#: Scripts written without spaces between words: tokens are character bigrams.
UNSPACED = frozenset({"han", "kana", "thai"})


def script_of(char: str) -> str | None:
    code = ord(char)
    for low, high, name in _RANGES:
        if low <= code <= high:
            return name
    return None


def scripts(text: str, sample: int = 50_000) -> Counter[str]:
    """How many letters of each script the text (its first *sample* characters) holds."""
    counts: Counter[str] = Counter()
    for char in text[:sample]:
        if char.isalpha():
            name = script_of(char)
            if name is not None:
                counts[name] += 1
    return counts


def dominant_script(text: str) -> str:
    counts = scripts(text)
    if not counts:
        return "none"
    # Japanese mixes kana and kanji: any real share of kana makes it Japanese.
    if counts["kana"] > 0.1 * sum(counts.values()):
        return "kana"
    return counts.most_common(1)[0][0]


_WORD = re.compile(r"\w+")
_DIGITS = re.compile(r"\d+")


def words(text: str) -> list[str]:
    """Tokens for comparing texts in one language: case-folded words; bigrams of unspaced scripts."""
    found: list[str] = []
    for word in _WORD.findall(text.casefold()):
        if len(word) > 1 and script_of(word[0]) in UNSPACED:
            found.extend(word[i : i + 2] for i in range(len(word) - 1))
        else:
            found.append(word)
    return found


def same_language(text_a: str, text_b: str) -> bool:
    """Whether two texts look like the same language: same script and a shared vocabulary of common words."""
    script_a, script_b = dominant_script(text_a), dominant_script(text_b)
    if script_a != script_b:
        return False
    if script_a in UNSPACED or script_a == "hangul":
        return True
    common_a = Counter(words(text_a[:100_000])).most_common(60)
    common_b = Counter(words(text_b[:100_000])).most_common(60)
    vector_a, vector_b = dict(common_a), dict(common_b)
    dot = sum(count * vector_b.get(word, 0) for word, count in common_a)
    norm = math.sqrt(sum(c * c for c in vector_a.values()) * sum(c * c for c in vector_b.values()))
    return norm > 0 and dot / norm >= 0.35


_HAN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_HAN_UNITS = {"十": 10, "百": 100, "千": 1000}
_HAN_NUMBER = re.compile("[零〇一二两三四五六七八九十百千]+")


def han_number(numeral: str) -> int | None:
    """The value of a Chinese numeral such as 二十九 (29) or 十 (10); None when it is not one."""
    total, digit = 0, None
    for char in numeral:
        if char in _HAN_DIGITS:
            digit = _HAN_DIGITS[char]
        elif char in _HAN_UNITS:
            total += (1 if digit is None else digit) * _HAN_UNITS[char]
            digit = None
        else:
            return None
    return total + (digit or 0)


def numbers(text: str) -> frozenset[int]:
    """The numbers a passage names: digits in any script (full-width too), and Chinese numerals in
    an ordinal frame (第…条, 第…章) or of two or more characters, so a lone 一 ("one", "a") is not counted."""
    found = {int(d) for d in _DIGITS.findall(unicodedata.normalize("NFKC", text)) if len(d) < 7}
    for match in _HAN_NUMBER.finditer(text):
        numeral = match.group()
        framed = match.start() > 0 and text[match.start() - 1] == "第"
        if framed or len(numeral) >= 2:
            value = han_number(numeral)
            if value is not None:
                found.add(value)
    return frozenset(found)


# A capitalised word of three letters or more, not at the start of a sentence or quotation.
_NAME = re.compile(r"(?<=[^\s.!?:;\"“«„(]\s)[A-ZÀ-ÖØ-ÞА-ЯЁΑ-Ω][^\W\d_]{2,}")


def names(text: str) -> frozenset[str]:
    """Capitalised words that are not sentence-initial: likely names, the same in most translations."""
    return frozenset(word for word in _NAME.findall(text) if not word.isupper())
