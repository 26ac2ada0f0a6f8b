"""The tag picker under a fast typist: a burst of keys, then enter or backspace, with 50 tags listed.

The list is rebuilt at every key, so messages about rows of an older list
arrive after it is gone; none may crash the reader, and enter applies what
was typed, not what the list showed a moment before.
"""

from __future__ import annotations

import pytest
from textual import events
from textual.app import App

from annotations.model import Tag, TagKind
from reader.tui.screens.tag_picker import TagPicker

TAGS = [Tag(f"t{i:02d}", f"Theme/Topic number {i}", TagKind.TOPIC, "#e5a50a") for i in range(50)]
NAME = "Theme/Brand new topic"


class Harness(App[None]):
    """A bare app to show the picker on."""


async def burst(keys: list[str], *, then_wait: float = 0.5) -> list[object]:
    """Type *keys* as one burst (every key queued before any is handled); return what the picker gave back."""
    app = Harness()
    results: list[object] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(TagPicker(TAGS, {f"t{i:02d}": i for i in range(50)}), results.append)
        await pilot.pause()
        for key in keys:
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await pilot.pause(then_wait)
    return results


@pytest.mark.parametrize("tail", [["enter"], ["enter", "backspace"], ["enter", "enter"]])
async def test_a_burst_then_enter_creates_what_was_typed(tail):
    assert await burst([*NAME, *tail]) == [[NAME]]


@pytest.mark.parametrize("tail", [["backspace"], ["backspace"] * 6, ["backspace", "enter"], ["backspace"] * 5 + ["enter"]])
async def test_a_burst_with_backspace_never_crashes(tail):
    results = await burst([*NAME, *tail])
    # Still open, or closed with a prefix of the name (a backspace may land before or after enter).
    assert results == [] or (len(results) == 1 and NAME.startswith(results[0][0])), results  # type: ignore[index]


async def test_keys_at_a_typists_pace_with_enter():
    app = Harness()
    results: list[object] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(TagPicker(TAGS, {}), results.append)
        await pilot.pause()
        await pilot.press(*NAME, "backspace", "enter")
        await pilot.pause(0.2)
    assert results == [[NAME[:-1]]]


#: A big codebook: 700 topics and 300 entities with three aliases each.
THOUSAND = [Tag(f"t{i:04d}", f"Theme/Topic {i}", TagKind.TOPIC, "#e5a50a") for i in range(700)] + [
    Tag(f"e{i:04d}", f"Organization number {i}", TagKind.ENTITY, "#3584e4", "Organization",
        (f"Acronym{i}", f"Petro China {i}", f"O’Brien {i}"))
    for i in range(300)
]


@pytest.mark.parametrize(("typed", "applied"), [
    ("Acronym299", "Organization:Organization number 299"),  # an alias, typed out
    ("o'brien 42", "Organization:Organization number 42"),   # an alias with another quote
    (NAME, NAME),                                            # a new tag
])
async def test_a_burst_then_enter_with_a_thousand_tags_applies_what_was_typed(typed, applied):
    app = Harness()
    results: list[object] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(TagPicker(THOUSAND, {}), results.append)
        await pilot.pause()
        for key in [*typed, "enter"]:
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await pilot.pause(1.0)
    assert results == [[applied]]
