"""W3C and Hypothesis files as other tools write them: RecogitoJS's sourceless targets and
relations, fragment selectors refined by quotes, Hypothesis rows without a page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.errors import MarginError
from annotations.interchange.formats import detect, import_file

from .conftest import add_document

FOREIGN = Path(__file__).parent / "fixtures" / "foreign"


def recogito_counts(path: Path) -> dict[str, int]:
    """What the file holds, counted from its JSON without margin's reader."""
    items = json.loads(path.read_text(encoding="utf-8"))
    passages = [i for i in items if i.get("motivation") != "linking"]
    return {
        "annotations": len(passages),
        "links": sum(1 for i in items if i.get("motivation") == "linking"),
        "tags": len({b["value"] for i in passages for b in i["body"] if b.get("purpose") == "tagging"}),
        "notes": sum(1 for i in passages if any("purpose" not in b for b in i["body"])),
    }


def test_recogito_annotations_without_a_source_land_on_the_document_named_with_doc(store):
    folder = FOREIGN / "recogito"
    text = (folder / "odyssey.txt").read_text(encoding="utf-8")
    document = add_document(store, text, "The Odyssey")
    expected = recogito_counts(folder / "annotations.w3c.json")
    report = import_file(store, folder / "annotations.w3c.json", document_ref="The Odyssey")
    annotations = store.annotations.list(document_ids=[document.id])
    assert len(annotations) == expected["annotations"] == report.annotations
    assert {a.exact for a in annotations} == {"Troy", "death in battle", "Ithaca"}
    assert len({t.name for a in annotations for t in a.tags}) == expected["tags"]
    assert sum(1 for a in annotations if a.note) == expected["notes"]
    links = store.links.for_annotations([a.id for a in annotations])
    assert len(links) == expected["links"] == report.links
    by_id = {a.id: a.exact for a in annotations}
    assert [(by_id[link.source_id], by_id[link.target_id]) for link in links] == [("Troy", "death in battle")]


def test_sourceless_targets_without_doc_are_refused_in_one_line(store):
    add_document(store, (FOREIGN / "recogito" / "odyssey.txt").read_text(encoding="utf-8"), "The Odyssey")
    with pytest.raises(MarginError, match=r"3 annotations name no document .*--doc") as caught:
        import_file(store, FOREIGN / "recogito" / "annotations.w3c.json")
    assert "\n" not in str(caught.value)
    assert store.annotations.list() == []


def test_a_fragment_selector_refined_by_a_quote_is_read(store, tmp_path):
    add_document(store, "Chapter one. The bridge closes in March.\n", "Notice")
    path = tmp_path / "refined.jsonld"
    path.write_text(json.dumps({
        "@context": "http://www.w3.org/ns/anno.jsonld", "id": "urn:x:1", "type": "Annotation",
        "body": {"type": "TextualBody", "value": "Dates", "purpose": "tagging"},
        "target": {"source": "http://example.org/notice", "selector": {
            "type": "FragmentSelector", "value": "para1",
            "refinedBy": {"type": "TextQuoteSelector", "exact": "closes in March"},
        }},
    }))
    import_file(store, path, document_ref="Notice")
    assert [(a.exact, [t.name for t in a.tags]) for a in store.annotations.list()] == [("closes in March", ["Dates"])]


def test_a_hypothesis_row_without_uri_is_read_as_hypothesis_and_placed_with_doc(store, tmp_path):
    add_document(store, "The bridge closes in March, the notice says.\n", "Notice")
    row = {
        "id": "utalbWjUQZK5ifydnohjmA", "user": "acct:gluejar@hypothes.is", "text": "check the date",
        "tags": ["Dates"], "created": "2020-01-01T00:00:00+00:00",
        "target": [{"selector": [{"type": "TextQuoteSelector", "exact": "closes in March"}]}],
    }
    path = tmp_path / "rows.json"
    path.write_text(json.dumps({"total": 1, "rows": [row]}))
    assert detect(path) == "hypothesis"
    with pytest.raises(MarginError, match="name no document|names no document"):
        import_file(store, path)
    import_file(store, path, document_ref="Notice")
    [annotation] = store.annotations.list()
    assert (annotation.exact, annotation.author, annotation.note) == ("closes in March", "gluejar", "check the date")


def _recogito_v1(start: int, exact: str, *bodies: dict) -> dict:
    """An annotation as the Recogito platform exports it: no creator or date of its own, its bodies dated."""
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation",
        "id": f"https://recogito.example/annotation/{start}",
        "generator": {"id": "https://recogito.example/", "type": "Software", "name": "Recogito"},
        "generated": "2022-07-08T10:03:32+00:00",
        "body": list(bodies),
        "target": {"source": "https://recogito.example/part/1", "type": "Text", "label": "genesis.txt",
                   "selector": [{"type": "TextPositionSelector", "start": start, "end": start + len(exact)},
                                {"type": "TextQuoteSelector", "exact": exact}]},
    }


def test_recogito_platform_entities_gazetteer_links_creators_and_dates(store, tmp_path):
    """Its identifying bodies give a class (PERSON, PLACE) or a gazetteer's IRI as their value: an entity
    named by the passage, and that entity's identifier; its bodies carry the creator and the dates."""
    text = "And Adah bore Jabal. They dwelt in Havilah, toward Assyria."
    add_document(store, text, "Genesis")
    place_iri = "http://pleiades.example/places/570718"
    items = [
        _recogito_v1(text.index("Adah"), "Adah",
                     {"type": "SpecificResource", "value": "PERSON", "purpose": "identifying",
                      "modified": "2022-07-06T14:17:21+00:00"}),
        _recogito_v1(text.index("Havilah"), "Havilah",
                     {"type": "SpecificResource", "value": place_iri, "purpose": "identifying",
                      "creator": "https://recogito.example/lauren", "modified": "2024-06-01T16:48:39+00:00"},
                     {"type": "SpecificResource", "value": "PLACE", "purpose": "identifying",
                      "modified": "2024-06-01T16:40:00+00:00"},
                     {"type": "TextualBody", "value": "River", "purpose": "tagging",
                      "creator": "https://recogito.example/lauren"},
                     {"type": "Feature", "purpose": "georeferencing",
                      "geometry": {"type": "Point", "coordinates": [21.9, 36.7]}}),
        _recogito_v1(text.index("Assyria"), "Assyria",
                     {"type": "Feature", "purpose": "georeferencing"}),
    ]
    path = tmp_path / "recogito.jsonld"
    path.write_text(json.dumps(items), encoding="utf-8")

    report = import_file(store, path, document_ref="Genesis")

    by_quote = {a.exact: a for a in store.annotations.list()}
    assert set(by_quote) == {"Adah", "Havilah", "Assyria"}
    adah, havilah = by_quote["Adah"], by_quote["Havilah"]
    assert [(t.kind.value, t.entity_type, t.name) for t in adah.tags] == [("entity", "Person", "Adah")]
    assert {(t.kind.value, t.entity_type, t.name) for t in havilah.tags} == {
        ("entity", "Place", "Havilah"), ("topic", None, "River")}
    place = next(t for t in havilah.tags if t.entity_type == "Place")
    assert place_iri in store.tags.get(place.id).identifiers
    assert havilah.author == "https://recogito.example/lauren"
    assert (havilah.created, havilah.updated) == ("2024-06-01T16:40:00.000000Z", "2024-06-01T16:48:39.000000Z")
    assert adah.created == "2022-07-06T14:17:21.000000Z" and adah.author == "unknown"
    assert [w for w in report.warnings if "not text" in w] == ["2 bodies that are not text (georeferencing Feature) left out"]


def test_several_pages_put_on_one_doc_are_named_in_a_warning(store, tmp_path):
    """A Hypothesis dump of several pages imported with --doc: every page's quotes are looked for in that one
    document, and the report says so rather than only counting the passages not found."""
    add_document(store, "The creature spoke at last.", "Frankenstein 1818")
    rows = [
        {"id": f"r{n}", "user": "acct:fv@hypothes.is", "uri": f"https://example.org/{page}", "text": "", "tags": [],
         "target": [{"source": f"https://example.org/{page}",
                     "selector": [{"type": "TextQuoteSelector", "exact": exact}]}]}
        for n, (page, exact) in enumerate([("1818", "The creature"), ("1831", "spoke"), ("1823", "nowhere")])
    ]
    path = tmp_path / "pages.json"
    path.write_text(json.dumps({"rows": rows}), encoding="utf-8")
    report = import_file(store, path, document_ref="Frankenstein")
    assert report.annotations == 2
    assert any("3 different pages or documents" in w and "Frankenstein 1818" in w for w in report.warnings)


def test_identifying_values_other_tools_write_keep_their_old_reading_and_dates_sort_by_time(store, tmp_path):
    """Only a word in capitals is a class; a plain word stays a tag and ``Person:Ada`` a typed tag. Body times
    with different offsets are ordered by the moment they name."""
    text = "Ada wrote to Hamburg."
    add_document(store, text, "Letter")

    def body(value: str, **times: str) -> dict:
        return {"type": "SpecificResource", "value": value, "purpose": "identifying", **times}

    items = [
        _recogito_v1(0, "Ada", body("Person:Ada", created="2024-01-01T18:00:00+02:00",
                                    modified="2024-01-01T17:00:00+00:00")),
        _recogito_v1(text.index("Hamburg"), "Hamburg", body("Hamburg")),
    ]
    path = tmp_path / "other.jsonld"
    path.write_text(json.dumps(items), encoding="utf-8")
    import_file(store, path, document_ref="Letter")
    by_quote = {a.exact: a for a in store.annotations.list()}
    ada, hamburg = by_quote["Ada"], by_quote["Hamburg"]
    assert [(t.kind.value, t.entity_type, t.name) for t in ada.tags] == [("entity", "Person", "Ada")]
    assert (ada.created, ada.updated) == ("2024-01-01T16:00:00.000000Z", "2024-01-01T17:00:00.000000Z")
    assert [(t.kind.value, t.name) for t in hamburg.tags] == [("topic", "Hamburg")]


def test_recogito_platform_targets_find_the_document_by_the_file_name_they_give(store, tmp_path):
    """Its targets name the upload's file (``label``): the one library document imported from a file of that
    name is theirs, without --doc; two such documents are a question only --doc answers."""
    text = "And Adah bore Jabal."
    add_document(store, text, "Genesis", path="/corpus/genesis.txt")
    path = tmp_path / "recogito.jsonld"
    path.write_text(json.dumps([_recogito_v1(text.index("Adah"), "Adah",
                                             {"type": "TextualBody", "value": "Wife", "purpose": "tagging"})]),
                    encoding="utf-8")
    assert import_file(store, path).annotations == 1
    assert [a.exact for a in store.annotations.list()] == ["Adah"]
    add_document(store, text + " Again.", "Genesis copy", path="/elsewhere/genesis.txt")
    with pytest.raises(MarginError, match="--doc"):
        import_file(store, path)
