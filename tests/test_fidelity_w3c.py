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
