"""The reader in a student's copy of a pack whose codebook is locked: the tag picker offers only the codebook."""

from __future__ import annotations

from textual.app import App

from annotations.model import Tag, TagKind
from reader.tui.screens.tag_picker import TagPicker, tag_spec

CODEBOOK = [
    Tag("t1", "Claim/Safety", TagKind.TOPIC, "#e5a50a"),
    Tag("t2", "Claim/Cost", TagKind.TOPIC, "#3584e4"),
    Tag("t3", "Mayor", TagKind.ENTITY, "#2ec27e", entity_type="Person"),
]


class Harness(App[None]):
    """A bare app to show the picker on."""


async def pick(keys: list[str], *, locked: bool) -> list[object]:
    app = Harness()
    results: list[object] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(TagPicker(CODEBOOK, {}, locked=locked), results.append)
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause(0.2)
    return results


async def test_a_locked_picker_never_creates_a_tag():
    results = await pick([*"Theme/Invented", "enter"], locked=True)
    codebook = {tag_spec(tag) for tag in CODEBOOK}
    assert len(results) == 1 and set(results[0]) <= codebook  # type: ignore[arg-type]


async def test_a_locked_picker_applies_a_codebook_tag():
    assert await pick([*"Claim/Cost", "enter"], locked=True) == [[tag_spec(CODEBOOK[1])]]


async def test_an_open_picker_still_creates():
    assert await pick([*"Theme/Invented", "enter"], locked=False) == [["Theme/Invented"]]
