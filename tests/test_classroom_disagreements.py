"""Where two annotators' layers of a document differ, by kind, with both sides' annotations."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.classroom.disagreements import Claim, compare, disagreements, next_place, place_at

from .conftest import add_document


def claim(name: str, start: int, end: int, tag: str | None = "X") -> Claim:
    return Claim(name, start, end, tag)


def kinds(places) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    return [(p.kind, p.a, p.b) for p in places]


def test_the_same_spans_and_tags_are_no_disagreement():
    a = [claim("a1", 0, 10), claim("a2", 20, 30, "Y")]
    b = [claim("b1", 0, 10), claim("b2", 20, 30, "Y")]
    assert compare(a, b) == []


def test_each_kind_is_found_with_both_sides_ids_in_the_order_of_the_text():
    a = [
        claim("a-only", 100, 110),
        claim("a-edges", 40, 50),
        claim("a-tag", 60, 70, "X"),
    ]
    b = [
        claim("b-edges", 42, 55),
        claim("b-tag", 60, 70, "Y"),
        claim("b-only", 0, 5),
    ]
    assert kinds(compare(a, b)) == [
        ("only_b", (), ("b-only",)),
        ("boundaries", ("a-edges",), ("b-edges",)),
        ("tags", ("a-tag",), ("b-tag",)),
        ("only_a", ("a-only",), ()),
    ]
    place = compare(a, b)[1]
    assert (place.start, place.end) == (40, 55)


def test_a_span_the_other_split_in_two_is_one_boundary_place():
    a = [claim("long", 0, 40)]
    b = [claim("first", 0, 18), claim("second", 20, 40)]
    assert kinds(compare(a, b)) == [("boundaries", ("long",), ("first", "second"))]


def test_a_tag_only_one_side_gave_to_a_shared_span_is_a_tags_place():
    a = [claim("a", 0, 10, "X"), claim("a", 0, 10, "Y")]
    b = [claim("b", 0, 10, "X")]
    [place] = compare(a, b)
    assert (place.kind, place.a, place.b, place.a_tags) == ("tags", ("a",), ("b",), ("Y",))


def test_the_same_tag_on_overlapping_spans_is_preferred_to_another_tag_on_the_same_span():
    a = [claim("a", 10, 20, "X")]
    b = [claim("b-same-span", 10, 20, "Y"), claim("b-same-tag", 12, 25, "X")]
    found = kinds(compare(a, b))
    assert ("boundaries", ("a",), ("b-same-tag",)) in found


def test_the_layers_of_a_stored_document(store):
    document = add_document(store)
    text = store.documents.text(document.version_id)
    from annotations.anchoring import anchor_span

    def mark(author: str, quote: str, *tags: str):
        start = text.index(quote)
        return store.as_author(author).annotations.create(document, anchor_span(text, start, start + len(quote)), tags=tags)

    ada = mark("ada", "The bridge is safe", "Claim")
    mark("bo", "The bridge is safe", "Claim")
    gone = mark("bo", "precaution", "Claim")
    store.as_author("bo").annotations.delete(gone.id)
    cost = mark("bo", "met from reserves", "Cost")
    mark("cy", "closure", "Claim")  # a third layer is not compared
    found = disagreements(store.annotations.list(document_ids=[document.id]), "ada", "bo")
    assert kinds(found) == [("only_b", (), (cost.id,))]
    assert place_at(found, cost.start + 1) == found[0] and place_at(found, ada.start) is None


def test_next_place_wraps_round_both_ways():
    places = compare([claim("a", 10, 20), claim("c", 50, 60)], [])
    assert next_place(places, 0).start == 10
    assert next_place(places, 10).start == 50
    assert next_place(places, 55).start == 10
    assert next_place(places, 10, forward=False).start == 50
    assert next_place(places, 51, forward=False).start == 50
    assert next_place([], 3) is None


spans = st.tuples(st.integers(0, 60), st.integers(1, 15), st.sampled_from(["X", "Y", None]))


def _layer(prefix: str, drawn: list[tuple[int, int, str | None]]) -> list[Claim]:
    return [Claim(f"{prefix}{i}", start, start + length, tag) for i, (start, length, tag) in enumerate(drawn)]


def _overlaps(x: Claim, y: Claim) -> bool:
    return x.start < y.end and y.start < x.end


@settings(max_examples=300, deadline=None)
@given(st.lists(spans, max_size=12), st.lists(spans, max_size=12))
def test_every_claim_is_agreed_or_in_one_place_of_the_right_kind(drawn_a, drawn_b):
    a, b = _layer("a", drawn_a), _layer("b", drawn_b)
    places = compare(a, b)
    assert all(x.start <= y.start for x, y in zip(places, places[1:]))
    by_id = {c.annotation_id: c for c in a + b}
    for place in places:
        here_a = [by_id[i] for i in place.a]
        here_b = [by_id[i] for i in place.b]
        assert place.start == min(c.start for c in here_a + here_b)
        assert place.end == max(c.end for c in here_a + here_b)
        if place.kind == "only_a":
            assert here_a and not here_b and not any(_overlaps(x, y) for x in here_a for y in b)
        elif place.kind == "only_b":
            assert here_b and not here_a and not any(_overlaps(x, y) for x in a for y in here_b)
        elif place.kind == "boundaries":
            assert any(x.tag == y.tag and _overlaps(x, y) and (x.start, x.end) != (y.start, y.end)
                       for x in here_a for y in here_b)
        else:
            assert any(_overlaps(x, y) for x in here_a for y in here_b)
    in_places = {i for p in places for i in p.ids}
    # A claim in no place has a twin on the other side: the same span and tag.
    for claim_ in a:
        if claim_.annotation_id not in in_places:
            assert any((y.start, y.end, y.tag) == (claim_.start, claim_.end, claim_.tag) for y in b)
    for claim_ in b:
        if claim_.annotation_id not in in_places:
            assert any((x.start, x.end, x.tag) == (claim_.start, claim_.end, claim_.tag) for x in a)
    # Comparing a layer with itself finds nothing; swapping the layers swaps only A and only B.
    assert compare(a, _layer("c", drawn_a)) == []
    swapped = compare(b, a)
    assert sum(p.kind == "only_a" for p in places) == sum(p.kind == "only_b" for p in swapped)


def test_read_straight_from_the_library_the_places_are_the_same(store):
    from annotations.anchoring import anchor_span
    from annotations.classroom.disagreements import disagreements_in

    document = add_document(store)
    text = store.documents.text(document.version_id)
    for author, quote, tags in (
        ("ada", "The bridge is safe", ("Claim", "Safety")), ("bo", "bridge is safe", ("Claim",)),
        ("ada", "closure", ()), ("bo", "met from reserves", ("Cost",)), ("bo", "precaution", ("Gone",)),
    ):
        start = text.index(quote)
        store.as_author(author).annotations.create(document, anchor_span(text, start, start + len(quote)), tags=tags)
    store.tags.delete("Gone", force=True)
    from annotations.anchoring import anchor_fragments

    # A passage in fragments claims its fragments, not the words between them.
    first, second = text.index("Notice"), text.index("Costs")
    covering, pieces = anchor_fragments(text, [(first, first + 6), (second, second + 5)])
    split = store.as_author("ada").annotations.create(document, covering, tags=["Heading"], fragments=pieces)
    listed = disagreements(store.annotations.list(document_ids=[document.id]), "ada", "bo")
    assert disagreements_in(store, document.id, "ada", "bo") == listed
    assert {p.kind for p in listed} == {"boundaries", "tags", "only_a", "only_b"}
    assert [(p.start, p.end) for p in listed if split.id in p.a] == [(first, first + 6), (second, second + 5)]


def test_the_places_near_a_stretch_are_the_whole_documents_places_there(store, monkeypatch):
    """Read from the claims around a stretch alone, the places there are exactly those the whole read finds."""
    import random

    from annotations.anchoring import anchor_fragments, anchor_span
    from annotations.classroom import disagreements as module
    from annotations.classroom.disagreements import disagreements_in, disagreements_near

    text = ("The council met on Tuesday and the bridge is safe. " * 400).strip()
    document = add_document(store, text=text, title="Long notice")
    rng = random.Random(5)
    for index in range(400):
        author = rng.choice(("ada", "bo"))
        start = rng.randrange(0, len(text) - 60)
        length = rng.choice((5, 12, 30, 55)) if index % 50 else 3000  # a few long ones reach far back
        tags = rng.choice(((), ("Claim",), ("Cost",), ("Claim", "Cost")))
        if index % 37 == 0:  # a passage in fragments
            covering, pieces = anchor_fragments(text, [(start, start + 8), (start + 40, start + 50)])
            store.as_author(author).annotations.create(document, covering, tags=tags, fragments=pieces)
        else:
            end = min(len(text), start + length)
            store.as_author(author).annotations.create(document, anchor_span(text, start, end), tags=tags)
    # Chains of overlapping claims across a stretch's edge: each pairs by what lies beyond it.
    for offset in range(0, 90, 9):
        at = 10_000 + offset
        store.as_author("ada" if offset % 18 else "bo").annotations.create(
            document, anchor_span(text, at, at + 12), tags=("Claim",))
    whole = disagreements_in(store, document.id, "ada", "bo")
    for start, end in [(0, 1), (10_040, 10_041), (9_990, 10_030), (5_000, 9_000), (len(text) - 100, len(text))] + [
        (s, s + rng.choice((1, 200, 2_000))) for s in (rng.randrange(0, len(text)) for _ in range(40))
    ]:
        expected = [p for p in whole if p.start < end and p.end > start]
        assert disagreements_near(store, document.id, "ada", "bo", start, end) == expected, (start, end)
    monkeypatch.setattr(module, "NEAR_CLAIMS", 5)  # more claims around than it may read: it gives way
    assert disagreements_near(store, document.id, "ada", "bo", 0, len(text)) is None
