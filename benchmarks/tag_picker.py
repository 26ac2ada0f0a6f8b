"""The tag picker under typing, with a big codebook: how long one filtering of the list takes.

A library of 1,000 tags (700 topics, 300 entities with three aliases each) is
shown in the picker with Textual's headless driver; each query a typist would
type on the way to a name (one letter, then more, an alias, an alias written
with other quotes and dashes, a miss) is filtered as the picker does at a key,
list rebuild included. The median over repeats is printed beside the target.

    .venv/bin/python benchmarks/tag_picker.py
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual.app import App  # noqa: E402

from annotations.model import Tag, TagKind  # noqa: E402
from reader.tui.screens.tag_picker import TagPicker  # noqa: E402

#: A key's filtering should fit in one frame at 60 Hz.
TARGET_MS = 16.0
QUERIES = ["c", "cn", "cnp", "cnpc", "china nat", "petro-china", "o'brien", "theme/topic 99", "zzzq"]


def codebook() -> list[Tag]:
    tags = [Tag(f"t{i:04d}", f"Theme/Topic {i}", TagKind.TOPIC, "#e5a50a") for i in range(700)]
    for i in range(300):
        aliases = (f"Acronym{i}", f"Petro China {i}", f"O’Brien {i}")
        tags.append(Tag(f"e{i:04d}", f"Organization number {i}", TagKind.ENTITY, "#3584e4", entity_type="Organization",
                        aliases=aliases))
    tags.append(Tag("cnpc", "China National Petroleum Corporation", TagKind.ENTITY, "#3584e4",
                    entity_type="Organization", aliases=("CNPC", "PetroChina")))
    return tags


async def measure() -> dict[str, float]:
    tags = codebook()
    figures: dict[str, float] = {}

    class Harness(App[None]):
        pass

    app = Harness()
    async with app.run_test(size=(100, 30)) as pilot:
        picker = TagPicker(tags, {t.id: i % 7 for i, t in enumerate(tags)})
        app.push_screen(picker)
        await pilot.pause()
        for query in QUERIES:
            times = []
            for _ in range(15):
                start = time.perf_counter()
                picker._refilter(query)
                times.append((time.perf_counter() - start) * 1000)
                await pilot.pause()  # the list's own messages, as between two keys
            figures[query] = statistics.median(times)
    return figures


def main() -> int:
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    figures = asyncio.run(measure())
    print(f"{'query':18} {'ms per filtering':>17}  target ≤ {TARGET_MS:.0f} ms")
    for query, ms in figures.items():
        print(f"{query!r:18} {ms:17.2f}  {'met' if ms <= TARGET_MS else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
