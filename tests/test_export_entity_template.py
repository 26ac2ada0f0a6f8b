"""Entity notes laid out by a template: ``--split-by entity --template FILE``, sandboxed like a document's."""

from __future__ import annotations

import pytest

from annotations.errors import MarginError
from annotations.export.entity_notes import entity_notes
from annotations.export.markdown import DocumentNotes
from annotations.export.template import default_template, lays_out_entities
from annotations.model import Section, Tag, TagKind
from tests.test_cli import run, samples  # noqa: F401  (fixtures)
from tests.test_export_entity_notes import tag_bridge
from tests.test_export_markdown import make_annotation, make_document
from tests.test_export_vault import links

BOTH = """{% if entity %}
# {{ entity.label }}
Known as: {% for alias in entity.aliases %}{{ alias }}{% if not loop.last %}; {% endif %}{% endfor %}

{% for d in documents %}
{{ d.title }} ({{ d.mentions | length }}):
{% for m in d.mentions %}
* {{ m.quote }} → {{ m.target }}
{% endfor %}
{% endfor %}
{% else %}
{% for a in annotations %}
{{ a.quote }} ^{{ a.block_id }}
{% endfor %}
{% endif %}
"""


def varied_entities() -> list:
    """Entities with and without aliases, identifiers and a description, odd names, mentions in sections."""
    first = make_document(title="Ada")
    second = make_document("d2", title="Letters: 1843")
    ada = Tag("t1", "Ada", TagKind.ENTITY, "#123456", "Person", ("A. L.", "Countess of Lovelace"),
              "Mathematician; wrote the *Notes*.", identifiers=("wikidata:Q7259",))
    odd = Tag("t2", "../[[Trick]] #x", TagKind.ENTITY, "#123456", None)
    babbage = Tag("t3", "- Babbage", TagKind.ENTITY, "#123456", "Person")
    sections = (Section(0, 500, 1, "Chapter 1"), Section(5, 300, 2, "A > B"))
    notes = [
        DocumentNotes(first, sections, (
            make_annotation("aaaaaaaa1", exact="Ada", tags=(ada,)),
            make_annotation("bbbbbbbb2", 30, 42, exact="trick *text*\nover two lines", tags=(ada, odd)),
        )),
        DocumentNotes(second, (), (
            make_annotation("cccccccc3", 5, 9, doc_id="d2", exact="Babbage’s engine", tags=(babbage, ada)),
        )),
    ]
    return notes


def test_the_built_in_entity_template_renders_the_built_in_layout_byte_for_byte():
    notes = varied_entities()
    built_in = entity_notes(notes)
    templated = entity_notes(notes, template=default_template("entity"))
    assert len(built_in) == 3
    for plain, through in zip(built_in, templated):
        assert through.file_name == plain.file_name
        assert through.markdown == plain.markdown, plain.tag.name


def test_a_template_without_entity_leaves_entity_notes_to_the_built_in_layout():
    notes = varied_entities()
    assert not lays_out_entities(default_template())
    assert lays_out_entities(BOTH) and lays_out_entities(default_template("entity"))
    assert [n.markdown for n in entity_notes(notes, template=default_template())] == [
        n.markdown for n in entity_notes(notes)
    ]


def test_one_template_lays_out_document_and_entity_notes_and_their_links_reach(run, samples, tmp_path):  # noqa: F811
    tag_bridge(run)
    template = tmp_path / "vault.md.j2"
    template.write_text(BOTH, encoding="utf-8")
    folder = tmp_path / "vault"
    run("export", "--split", str(folder), "--split-by", "entity", "--template", str(template))
    notes = {path.stem: path.read_text(encoding="utf-8") for path in folder.glob("*.md")}
    entity = notes.pop("Eastquay Harbour Footbridge")
    assert entity.startswith("# Place: Eastquay Harbour Footbridge\nKnown as: the footbridge\n")
    assert "(1):\n* Eastquay Harbour Footbridge → [[" in entity
    reached = links(entity)
    assert len(reached) == 2
    for note, block_id in reached:
        assert block_id in notes[note], f"{note} lacks ^{block_id}"  # the document notes, by the same template
    assert all(not text.startswith("#") for text in notes.values())  # the document branch: quotes and block ids


def test_entity_templates_escape_what_they_print_and_stay_in_the_sandbox():
    notes = varied_entities()
    shown = entity_notes(notes, template="{% if entity %}{{ entity.name }}: {{ mentions[0].quote }}{% endif %}")
    odd = next(n for n in shown if n.tag.id == "t2")
    assert odd.markdown == "../\\[\\[Trick\\]\\] \\#x: trick \\*text\\*&#10;over two lines\n"  # one line, as `md` shows
    babbage = next(n for n in shown if n.tag.id == "t3")
    assert babbage.markdown.startswith("\\- Babbage")  # no list made of a name
    with pytest.raises(MarginError, match=r"^mine\.j2, line 1: .*unsafe"):
        entity_notes(notes, template="{{ entity.__class__.__mro__ }}", template_name="mine.j2")
    with pytest.raises(MarginError, match=r"^mine\.j2, line 2: "):
        entity_notes(notes, template="{% if entity %}\n{{ entity.nonexistent }}{% endif %}", template_name="mine.j2")


def test_a_broken_entity_template_writes_nothing(run, samples, tmp_path):  # noqa: F811
    tag_bridge(run)
    template = tmp_path / "broken.md.j2"
    template.write_text("{% if entity %}{{ entity.nope }}{% else %}{{ title }}{% endif %}\n", encoding="utf-8")
    folder = tmp_path / "vault"
    refused = run("export", "--split", str(folder), "--split-by", "entity", "--template", str(template), ok=False)
    assert refused.exit_code != 0 and "broken.md.j2" in refused.output + refused.stderr
    assert not folder.exists() or not list(folder.iterdir())


def test_show_template_with_split_by_entity_prints_the_entity_layout(run):
    shown = run("export", "--show-template", "--split-by", "entity")
    assert shown.output == default_template("entity") and "entity.aliases" in shown.output
    assert run("export", "--show-template").output == default_template()
