"""``margin export --split FOLDER --split-by entity``: one note per entity, each mention linked to its passage.

The vault is made as a user makes it, on the bundled samples, and read as
Obsidian would: every ``[[note#^block|label]]`` in an entity's note must name a
note that was written and a block id that note holds right under the quote.
"""

from __future__ import annotations

from annotations.export.entity_notes import entity_notes
from annotations.export.markdown import DocumentNotes
from annotations.model import Tag, TagKind
from tests.test_cli import run, samples  # noqa: F401  (fixtures)
from tests.test_export_markdown import make_annotation, make_document, split_front_matter
from tests.test_export_vault import blocks, links


def tag_bridge(run) -> None:
    """The footbridge tagged where each sample names it; an alias; a topic alongside."""
    run("tags", "add", "Place:Eastquay Harbour Footbridge", "--alias", "the footbridge")
    run("annotate", "Notice", "--quote", "Eastquay Harbour Footbridge", "--occurrence", "1",
        "--tag", "Place:Eastquay Harbour Footbridge")
    run("annotate", "Harbour Bridge", "--quote", "Eastquay Harbour footbridge", "--occurrence", "1",
        "--tag", "Eastquay Harbour Footbridge", "--tag", "Theme/Safety")


def test_each_entity_gets_a_note_whose_links_reach_the_passages(run, samples, tmp_path):  # noqa: F811
    tag_bridge(run)
    folder = tmp_path / "vault"
    result = run("export", "--split", str(folder), "--split-by", "entity")
    notes = {path.stem: path.read_text(encoding="utf-8") for path in folder.glob("*.md")}
    assert "Eastquay Harbour Footbridge" in notes and len(notes) == 3  # two documents and one entity (topics get no note)
    assert "3 files" in result.stderr
    entity = notes["Eastquay Harbour Footbridge"]
    front, body = split_front_matter(entity)
    front = "\n".join(front) if isinstance(front, list) else front
    assert 'type: "Place"' in front and 'aliases:\n  - "the footbridge"' in front and "mentions: 2" in front
    reached = links(body)
    assert len(reached) == 2
    for note, block_id in reached:
        assert note in notes, f"the entity note links to {note}, which was not written"
        assert block_id in blocks(notes[note]), f"{note} lacks ^{block_id}"
    assert {blocks(notes[note])[block_id] for note, block_id in reached} == {"Eastquay Harbour Footbridge", "Eastquay Harbour footbridge"}
    assert "Place · also the footbridge · 2 mentions in 2 documents" in body


def test_without_entity_the_split_writes_documents_only_and_split_by_needs_split(run, samples, tmp_path):  # noqa: F811
    tag_bridge(run)
    run("export", "--split", str(tmp_path / "plain"), "--split-by", "document")
    assert len(list((tmp_path / "plain").glob("*.md"))) == 2
    refused = run("export", "--split-by", "entity", ok=False)
    assert refused.exit_code != 0 and "--split-by applies with --split FOLDER only" in refused.output + refused.stderr


def test_an_entity_named_like_a_document_gets_a_name_of_its_own_and_odd_names_stay_safe():
    document = make_document(title="Ada")
    ada = Tag(id="t1", name="Ada", kind=TagKind.ENTITY, colour="#123456", entity_type="Person", aliases=("A. L.",))
    odd = Tag(id="t2", name="../[[Trick]] #x", kind=TagKind.ENTITY, colour="#123456", entity_type="Thing")
    one = make_annotation("aaaaaaaa1", exact="Ada", tags=(ada,))
    two = make_annotation("bbbbbbbb2", exact="trick *text*", tags=(ada, odd))
    made = entity_notes([DocumentNotes(document, (), (one, two))])
    assert [(n.tag.name, n.file_name, n.mentions) for n in made] == [("Ada", "Ada (2).md", 2), (odd.name, "[[Trick]] #x.md", 1)]
    assert "# ../\\[\\[Trick\\]\\] \\#x\n" in made[1].markdown  # the heading shows the name, as text
    assert "[[Ada#^aaaaaaaa|Ada]]" in made[0].markdown and "[[Ada#^bbbbbbbb|Ada]]" in made[0].markdown
    assert "“trick \\*text\\*”" in made[0].markdown  # the quote shows as written, not as emphasis
