"""The tag picker and aliases: a tag found by any of its names, folded as mention finding folds them, and aliases added from it."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import App
from textual.widgets import SelectionList

from annotations.model import TagKind
from reader.tui.screens.choices import ChoicePicker
from reader.tui.screens.tag_names import TagNames
from reader.tui.screens.tag_picker import TagPicker

SIZE = (100, 24)


class Harness(App[None]):
    """A bare app to show the picker on."""


def library(store):
    cnpc = store.tags.ensure("Organization:China National Petroleum Corporation")
    store.tags.add_alias(cnpc.id, "CNPC")
    store.tags.add_alias(cnpc.id, "PetroChina")
    obrien = store.tags.ensure("Person:Flann O’Brien")
    store.tags.add_alias(obrien.id, "Myles na gCopaleen")
    store.tags.ensure("Theme/Oil")
    store.tags.ensure("Theme/China trade")
    return store.tags.get(cnpc.id), store.tags.get(obrien.id)


def rows(picker: TagPicker) -> list[tuple[str, str]]:
    listing = picker.query_one("#tags", SelectionList)
    return [(option.value, str(option.prompt)) for option in listing.options]


def highlighted(picker: TagPicker) -> str:
    listing = picker.query_one("#tags", SelectionList)
    assert listing.highlighted is not None
    return listing.get_option_at_index(listing.highlighted).value


async def typed(pilot, app, text: str) -> None:
    app.post_message(events.Paste(text))
    await pilot.pause()
    await pilot.pause()


def test_names_are_matched_folded_as_mentions_are():
    from annotations.model import Tag

    cnpc = Tag("c", "China National Petroleum Corporation", TagKind.ENTITY, "#000", "Organization", ("CNPC", "PetroChina"))
    obrien = Tag("o", "Flann O’Brien", TagKind.ENTITY, "#000", "Person")
    names = TagNames([cnpc, obrien])
    assert names.named("cnpc") == cnpc and names.named("Petro-China") == cnpc
    assert names.named("flann o'brien") == obrien and names.named("Petro") is None
    assert [(m.tag.id, m.name, m.whole) for m in names.matching("petro")] == [("c", "PetroChina", False)]
    # A whole name before a start of one, whatever the order of the tags.
    whole_first = TagNames([Tag("p", "Petro Fund", TagKind.TOPIC, "#000"), cnpc])
    assert [m.tag.id for m in whole_first.matching("petrochina")] == ["c"]


async def test_an_alias_typed_finds_its_entity_and_the_row_says_which_alias(store):
    cnpc, _ = library(store)
    app = Harness()
    results: list[Any] = []
    async with app.run_test(size=SIZE) as pilot:
        picker = TagPicker(store.tags.all(), store.tags.counts())
        app.push_screen(picker, results.append)
        await pilot.pause()
        await typed(pilot, app, "CNPC")
        shown = rows(picker)
        assert shown[0][0] == cnpc.id and not any(value.startswith("new:") for value, _ in shown)
        assert "China National Petroleum Corporation (CNPC)" in shown[0][1]
        await pilot.press("enter")
        await pilot.pause()
    assert results == [["Organization:China National Petroleum Corporation"]]


async def test_aliases_match_with_dashes_quotes_and_case_folded(store):
    cnpc, obrien = library(store)
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        picker = TagPicker(store.tags.all(), store.tags.counts())
        app.push_screen(picker)
        await pilot.pause()
        await typed(pilot, app, "petro-china")  # the alias is PetroChina: no fuzzy match, a folded one
        assert highlighted(picker) == cnpc.id
        assert "(PetroChina)" in rows(picker)[0][1]
        assert not any(value.startswith("new:") for value, _ in rows(picker))
        picker.query_one("#filter").value = ""
        await pilot.pause()
        await typed(pilot, app, "flann o'brien")  # a straight quote for the name's curly one
        assert rows(picker)[0][0] == obrien.id and highlighted(picker) == obrien.id
        assert not any(value.startswith("new:") for value, _ in rows(picker))
        picker.query_one("#filter").value = ""
        await pilot.pause()
        await typed(pilot, app, "myles na")  # the start of an alias, its row saying so
        assert rows(picker)[1][0] == obrien.id and "Flann O’Brien (Myles na gCopaleen)" in rows(picker)[1][1]


async def test_ctrl_o_adds_the_typed_name_as_an_alias_of_the_highlighted_tag(store):
    cnpc, _ = library(store)
    app = Harness()
    results: list[Any] = []
    async with app.run_test(size=SIZE) as pilot:
        picker = TagPicker(store.tags.all(), store.tags.counts(), add_alias=store.tags.add_alias)
        app.push_screen(picker, results.append)
        await pilot.pause()
        await typed(pilot, app, "China Nat")
        assert highlighted(picker) == cnpc.id  # typing its name: the tag is highlighted, not "create"
        picker.query_one("#filter").value = "China National Petroleum"
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert "China National Petroleum" in store.tags.get(cnpc.id).aliases
        assert rows(picker)[0][0] == cnpc.id and highlighted(picker) == cnpc.id
        await pilot.press("enter")
        await pilot.pause()
    assert results == [["Organization:China National Petroleum Corporation"]]


async def test_ctrl_o_on_a_new_name_asks_which_tag_it_is_another_name_of(store):
    cnpc, _ = library(store)
    app = Harness()
    results: list[Any] = []
    async with app.run_test(size=SIZE) as pilot:
        picker = TagPicker(store.tags.all(), store.tags.counts(), add_alias=store.tags.add_alias)
        app.push_screen(picker, results.append)
        await pilot.pause()
        await typed(pilot, app, "Organization:Zhongyou")
        assert highlighted(picker).startswith("new:")
        await pilot.press("ctrl+o")
        await pilot.pause()
        chooser = app.screen
        assert isinstance(chooser, ChoicePicker)
        app.post_message(events.Paste("petroleum"))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is picker
        # The type typed before the name is not part of the alias.
        assert store.tags.get(cnpc.id).aliases == ("CNPC", "PetroChina", "Zhongyou")
        assert highlighted(picker) == cnpc.id and not any(v.startswith("new:") for v, _ in rows(picker))
        await pilot.press("enter")
        await pilot.pause()
    assert results == [["Organization:China National Petroleum Corporation"]]
    assert store.tags.find("Zhongyou").id == cnpc.id  # the CLI and mention finding know it too


async def test_an_alias_that_names_another_tag_is_refused_and_nothing_changes(store):
    cnpc, obrien = library(store)
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        picker = TagPicker(store.tags.all(), store.tags.counts(), add_alias=store.tags.add_alias)
        app.push_screen(picker)
        await pilot.pause()
        store.tags.add_alias(obrien.id, "Zhongyou")  # meanwhile, elsewhere: the picker's list predates it
        await typed(pilot, app, "Zhongyou")
        await pilot.press("ctrl+o")
        await pilot.pause()
        app.post_message(events.Paste("petroleum"))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert store.tags.get(cnpc.id).aliases == ("CNPC", "PetroChina")
        assert app.is_running and app.screen is picker
        assert any("already names" in n.message for n in app._notifications)


async def test_a_locked_codebook_adds_no_alias(store):
    cnpc, _ = library(store)
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        picker = TagPicker(store.tags.all(), store.tags.counts(), locked=True, add_alias=store.tags.add_alias)
        app.push_screen(picker)
        await pilot.pause()
        await typed(pilot, app, "China National")
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert store.tags.get(cnpc.id).aliases == ("CNPC", "PetroChina")


async def test_a_thousand_tags_list_the_best_rows_and_typing_reaches_any_of_them():
    from annotations.model import Tag

    many = [Tag(f"t{i:04d}", f"Theme/Topic {i:04d}", TagKind.TOPIC, "#e5a50a") for i in range(1000)]
    many.append(Tag("late", "Zygote", TagKind.ENTITY, "#000", "Thing", ("Zeta Holdings",)))
    app = Harness()
    results: list[Any] = []
    async with app.run_test(size=SIZE) as pilot:
        picker = TagPicker(many, {})
        app.push_screen(picker, results.append)
        await pilot.pause()
        listing = picker.query_one("#tags", SelectionList)
        assert listing.option_count == 200 and "200 of 1001" in str(listing.border_subtitle)
        await typed(pilot, app, "zeta h")  # the last tag, by the start of its alias
        assert rows(picker)[1][0] == "late" and "Zygote (Zeta Holdings)" in rows(picker)[1][1]
        assert highlighted(picker) == "late"  # typing its name: enter takes it, not "create"
        assert listing.border_subtitle == ""
        await pilot.press("enter")
        await pilot.pause()
    assert results == [["Thing:Zygote"]]
