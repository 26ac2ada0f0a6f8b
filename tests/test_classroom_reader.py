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


async def test_a_students_copy_opens_with_the_instructions_and_I_shows_them_again(tmp_path):
    from annotations.classroom.packs import create_pack, join_pack
    from annotations.store import Store
    from reader.tui.app import MarginApp

    from .conftest import add_document, fixed_clock

    with Store.open(tmp_path / "teacher.db", author="teacher", clock=fixed_clock()) as teacher:
        add_document(teacher)
        create_pack(teacher, tmp_path / "week1.margin", title="Week 1", document_ids=[d.id for d in teacher.documents.all()],
                    tag_ids=None, instructions="# Week 1\n\nTag every *claim* about safety.\x1b]0;owned\x07")
    join_pack(tmp_path / "week1.margin", tmp_path / "ada.margin", author="ada")
    with Store.open(tmp_path / "ada.margin", author="ada") as store:
        app = MarginApp(store, document_ids=[d.id for d in store.documents.all()], watch_seconds=None)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert type(app.screen).__name__ == "InstructionsScreen"
            shown = app.screen.query_one("#text").source  # the Markdown as the teacher wrote it
            assert "Tag every *claim* about safety." in shown and "\x1b" not in shown and "\x07" not in shown
            await pilot.press("escape")
            await pilot.pause()
            assert type(app.screen).__name__ == "ReadingScreen"
            await pilot.press("I")
            await pilot.pause()
            assert type(app.screen).__name__ == "InstructionsScreen"
            # The pack names its texts by title, not by the teacher's files: no "file is gone" notice.
            assert not any("is gone" in n.message for n in app._notifications), [n.message for n in app._notifications]


async def test_a_library_that_is_no_students_copy_has_no_instructions_key(tmp_path):
    from annotations.store import Store
    from reader.tui.app import MarginApp

    from .conftest import add_document

    with Store.open(tmp_path / "plain.db", author="ada") as store:
        document = add_document(store)
        app = MarginApp(store, document_ids=[document.id], watch_seconds=None)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert type(app.screen).__name__ == "ReadingScreen"
            await pilot.press("I")  # no such key here: nothing opens
            await pilot.pause()
            assert type(app.screen).__name__ == "ReadingScreen"
