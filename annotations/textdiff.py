"""Carrying positions from one version of a text to the next.

Most changes to a document are local: a typo fixed, a paragraph added, a
footnote removed. The stretch both versions share at the start and at the end
is found in a few comparisons of whole slices; only what lies between is
compared line by line. A position inside an unchanged stretch maps exactly;
one inside changed text maps to the nearest unchanged boundary, which is only
a hint for the quote search that follows.
"""

from __future__ import annotations

import bisect
import difflib
from collections import Counter
from dataclasses import dataclass


def common_prefix_length(a: str, b: str) -> int:
    """Length of the longest common prefix, by binary search over slice comparisons (C speed)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def common_suffix_length(a: str, b: str, limit: int) -> int:
    """Length of the longest common suffix, at most *limit* (so it never overlaps the prefix)."""
    low, high = 0, min(len(a), len(b), limit)
    while low < high:
        middle = (low + high + 1) // 2
        if a[len(a) - middle :] == b[len(b) - middle :]:
            low = middle
        else:
            high = middle - 1
    return low


#: Changed lines up to this many characters (both sides) are compared character by character.
CHARACTER_DIFF_LIMIT = 8000
#: Shorter runs of shared characters inside a changed paragraph are coincidence, not kept text.
MIN_CHARACTER_BLOCK = 8


@dataclass(frozen=True, slots=True)
class Block:
    """``old[old_start:old_start+length] == new[new_start:new_start+length]``."""

    old_start: int
    new_start: int
    length: int


class OffsetMap:
    """Maps offsets in *old* to offsets in *new* through the stretches they share."""

    def __init__(self, old: str, new: str) -> None:
        self.old_length = len(old)
        self.new_length = len(new)
        head = common_prefix_length(old, new)
        tail = common_suffix_length(old, new, min(len(old), len(new)) - head)
        blocks = [Block(0, 0, head)] if head else []
        old_middle = old[head : len(old) - tail]
        new_middle = new[head : len(new) - tail]
        if old_middle and new_middle:
            blocks.extend(self._line_blocks(old_middle, new_middle, head))
        if tail:
            blocks.append(Block(len(old) - tail, len(new) - tail, tail))
        self.blocks = blocks
        self._starts = [b.old_start for b in blocks]

    @staticmethod
    def _line_blocks(old: str, new: str, offset: int) -> list[Block]:
        """Unchanged lines between the two middles, as character blocks.

        Lines that occur once in each version anchor the alignment (the longest
        run of them in the same order), equal neighbours extend it, and gaps
        small enough are compared character by character. Linear-ish in the
        number of lines, where a general sequence diff is quadratic on a book.
        """
        old_lines = old.splitlines(keepends=True)
        new_lines = new.splitlines(keepends=True)
        old_at = _line_offsets(old_lines)
        new_at = _line_offsets(new_lines)
        pairs = _matched_lines(old_lines, new_lines)
        blocks: list[Block] = []
        previous_i = previous_j = 0
        for i, j, size in pairs + [(len(old_lines), len(new_lines), 0)]:
            if i > previous_i and j > previous_j:
                blocks.extend(_gap_blocks(old, new, old_lines, new_lines, old_at, new_at, previous_i, i, previous_j, j, offset))
            if size:
                blocks.append(Block(offset + old_at[i], offset + new_at[j], old_at[i + size] - old_at[i]))
            previous_i, previous_j = i + size, j + size
        return blocks

    def map(self, offset: int) -> int:
        """Where *offset* went: exact inside a shared stretch, else the nearest shared boundary."""
        index = bisect.bisect_right(self._starts, offset) - 1
        if index >= 0:
            block = self.blocks[index]
            if offset <= block.old_start + block.length:
                return block.new_start + (offset - block.old_start)
            # In changed text after this block: measure from its end.
            after_block = block.new_start + block.length
            following = self.blocks[index + 1].new_start if index + 1 < len(self.blocks) else self.new_length
            return min(after_block + (offset - block.old_start - block.length), max(after_block, following))
        # Before the first shared stretch.
        first = self.blocks[0].new_start if self.blocks else self.new_length
        return min(offset, first)

    def map_span(self, start: int, end: int) -> tuple[int, int] | None:
        """The new span of ``[start, end)`` when it lies wholly in one shared stretch, else None."""
        index = bisect.bisect_right(self._starts, start) - 1
        if index < 0:
            return None
        block = self.blocks[index]
        if end <= block.old_start + block.length:
            shift = block.new_start - block.old_start
            return start + shift, end + shift
        return None


def _line_offsets(lines: list[str]) -> list[int]:
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    return offsets


def _matched_lines(old: list[str], new: list[str]) -> list[tuple[int, int, int]]:
    """Runs of equal lines ``(old index, new index, length)``, in order.

    A line that occurs as often in both versions pairs its occurrences in
    order (the k-th with the k-th): unique lines are the common case, and a
    refrain or a text repeated whole still anchors the alignment. The longest
    chain of such pairs in the same order is kept and grown over equal
    neighbours.
    """
    old_counts, new_counts = Counter(old), Counter(new)
    seen: Counter[str] = Counter()
    new_index: dict[tuple[str, int], int] = {}
    for j, line in enumerate(new):
        if old_counts[line] == new_counts[line]:
            new_index[(line, seen[line])] = j
            seen[line] += 1
    seen.clear()
    anchors = []
    for i, line in enumerate(old):
        if old_counts[line] == new_counts[line]:
            anchors.append((i, new_index[(line, seen[line])]))
            seen[line] += 1
    chain = _longest_increasing(anchors)
    runs: list[tuple[int, int, int]] = []
    covered_i = covered_j = 0
    for i, j in chain:
        if i < covered_i or j < covered_j:
            continue  # already inside a run grown from an earlier anchor
        start_i, start_j = i, j
        while start_i > covered_i and start_j > covered_j and old[start_i - 1] == new[start_j - 1]:
            start_i -= 1
            start_j -= 1
        end_i, end_j = i + 1, j + 1
        while end_i < len(old) and end_j < len(new) and old[end_i] == new[end_j]:
            end_i += 1
            end_j += 1
        runs.append((start_i, start_j, end_i - start_i))
        covered_i, covered_j = end_i, end_j
    return runs


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest chain of *pairs* (sorted by their first item) whose second items increase."""
    tails: list[int] = []  # tails[k]: new index ending the best chain of length k + 1
    ends: list[int] = []  # index into pairs of that chain's last pair
    back = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        k = bisect.bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            ends.append(index)
        else:
            tails[k] = j
            ends[k] = index
        back[index] = ends[k - 1] if k else -1
    chain = []
    at = ends[-1] if ends else -1
    while at != -1:
        chain.append(pairs[at])
        at = back[at]
    return chain[::-1]


def _character_blocks(old: str, new: str, old_start: int, old_end: int, new_start: int, new_end: int,
                      offset: int) -> list[Block]:
    """Shared runs inside a changed stretch, when it is small enough to compare character by character.

    A paragraph edited in place keeps most of its characters; finding them
    means a typo fixed in one sentence does not unsettle the rest.
    """
    if (old_end - old_start) + (new_end - new_start) > CHARACTER_DIFF_LIMIT:
        return []
    matcher = difflib.SequenceMatcher(None, old[old_start:old_end], new[new_start:new_end], autojunk=False)
    return [
        Block(offset + old_start + a, offset + new_start + b, size)
        for a, b, size in matcher.get_matching_blocks()
        if size >= MIN_CHARACTER_BLOCK
    ]


def _gap_blocks(old: str, new: str, old_lines: list[str], new_lines: list[str], old_at: list[int],
                new_at: list[int], i1: int, i2: int, j1: int, j2: int, offset: int) -> list[Block]:
    """Shared text between two anchors: by characters when the gap is small, else by lines.

    Repeated lines (a refrain, boilerplate, a text pasted twice) cannot anchor
    the alignment; a general line diff of the gap finds them.
    """
    if (old_at[i2] - old_at[i1]) + (new_at[j2] - new_at[j1]) <= CHARACTER_DIFF_LIMIT:
        return _character_blocks(old, new, old_at[i1], old_at[i2], new_at[j1], new_at[j2], offset)
    a, b = old_lines[i1:i2], new_lines[j1:j2]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=len(a) > 2000)
    blocks: list[Block] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            blocks.append(Block(offset + old_at[i1 + a1], offset + new_at[j1 + b1], old_at[i1 + a2] - old_at[i1 + a1]))
        elif op == "replace":
            blocks.extend(_character_blocks(old, new, old_at[i1 + a1], old_at[i1 + a2], new_at[j1 + b1], new_at[j1 + b2], offset))
    return blocks
