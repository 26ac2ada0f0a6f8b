"""REFI-QDA: margin → .qdpx/.qdc → a fresh library keeps everything the format carries;
projects written the way other tools write them import correctly; bad files change nothing."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from annotations.anchoring import anchor_quote, anchor_span
from annotations.errors import MarginError
from annotations.interchange.refiqda import export_qdc, export_qdpx, import_qdc, import_qdpx
from annotations.interchange.selection import select
from annotations.model import TagKind
from annotations.store import Store
from annotations.text import normalise

from .conftest import add_document, fingerprint, fixed_clock

# Texts with what trips offsets up: emoji sequences (several code points, two
# UTF-16 units each), a combining mark NFC cannot fold, CJK, right-to-left
# script, a tab, a line separator and a no-break space.
NOTICE = normalise(
    "Harbour notice 👩‍👩‍👧‍👦 — the bridge\u00a0closes.\n"
    "Naïve café x\u0301 (an x with a combining acute).\n"
    "中文字符：港口桥梁关闭。\tTabbed\u2028separated.\n\nEnd.\n"
)
ARTICLE = normalise("Article: عربي نص, a flag 🇳🇿, 日本語のテキスト. The bridge is safe, says Ada Lovelace.\n")


def build_library(store: Store) -> None:
    """Two documents, annotations by two authors (two on one passage), every kind of tag, notes and links."""
    notice = add_document(store, NOTICE, "Harbour notice")
    article = add_document(store, ARTICLE, "Article: “safe” 🇳🇿")
    ann = store.annotations
    a1 = ann.create(notice, anchor_quote(NOTICE, "👩‍👩‍👧‍👦 — the bridge"),
                    tags=["Theme/Secrecy", "Person:Ada Lovelace"], note="Two lines\n\nwith a blank one\n")
    a2 = ann.create(notice, anchor_quote(NOTICE, "x\u0301 (an x"), tags=["Organization:Port Authority"])
    a3 = ann.create(notice, anchor_quote(NOTICE, "中文字符：港口桥梁关闭。\tTabbed\u2028separated."),
                    tags=["主题/港口"], note="注释 📝")
    a4 = ann.create(notice, anchor_quote(NOTICE, "End.\n"), note="untagged, ends with a line break")
    b1 = ann.create(article, anchor_quote(ARTICLE, "Ada Lovelace"), tags=["Person:Ada Lovelace", "Person"])
    b2 = ann.create(article, anchor_quote(ARTICLE, "🇳🇿"), tags=["Place:New Zealand"])
    store.tags.describe("Theme/Secrecy", "What is kept from the public")
    store.tags.recolour("Theme/Secrecy", "#123abc")
    store.tags.add("Theme/Unused", TagKind.TOPIC, colour="#00ff00", description="In the codebook, on no passage")
    store.tags.add("Beagle", TagKind.ENTITY, entity_type="Vessel class", description="A ship")
    other = Store(store.db, author="bob", clock=store.clock)
    a5 = other.annotations.create(notice, anchor_quote(NOTICE, "👩‍👩‍👧‍👦 — the bridge"),
                                  tags=["Claim/Dates"], note="Bob reads it differently")
    store.links.create(a1.id, b1.id, "contradicts", note="across documents")
    store.links.create(a1.id, a3.id, "see-also")
    store.links.create(a3.id, a4.id, "übersetzt", note="line one\nline two")
    store.links.create(b1.id, b2.id, "quotes")
    other.links.create(a5.id, a2.id, "paraphrases")


def annotation_facts(store: Store) -> dict[str, tuple]:
    """What a person sees of each annotation, by id."""
    facts = {}
    for a in store.annotations.list():
        document = store.documents.get(a.document_id)
        tags = frozenset((t.kind, t.name, t.entity_type) for t in a.tags)
        facts[a.id] = (store.documents.text(document.version_id), a.start, a.end, a.exact, a.prefix, a.suffix,
                       a.note, tags)
    return facts


def link_facts(store: Store) -> set[tuple[str, str, str, str, str]]:
    ids = [a.id for a in store.annotations.list()]
    return {
        (link.id, link.source_id, link.target_id, link.relation, link.note) for link in store.links.for_annotations(ids)
    }


@pytest.fixture
def fresh(tmp_path):
    opened = Store.open(tmp_path / "fresh.db", author="carol", clock=fixed_clock())
    yield opened
    opened.close()


def one_line_error(caught: pytest.ExceptionInfo[MarginError]) -> str:
    message = str(caught.value)
    assert message and "\n" not in message and "Traceback" not in message
    return message


# --------------------------------------------------------------------------
# Round trips
# --------------------------------------------------------------------------


def test_project_round_trip_keeps_quotes_offsets_tags_notes_links_authors_and_dates(store, fresh, tmp_path):
    build_library(store)
    written = export_qdpx(select(store), tmp_path / "project.qdpx")
    assert written == [tmp_path / "project.qdpx"]

    report = import_qdpx(fresh, tmp_path / "project.qdpx")

    assert annotation_facts(fresh) == annotation_facts(store)
    assert link_facts(fresh) == link_facts(store)
    before = {a.id: (a.author, a.created, a.updated) for a in store.annotations.list()}
    after = {a.id: (a.author, a.created, a.updated) for a in fresh.annotations.list()}
    assert after == before
    assert {(d.title, fresh.documents.text(d.version_id)) for d in fresh.documents.all()} == {
        ("Harbour notice", NOTICE), ("Article: “safe” 🇳🇿", ARTICLE)}
    assert (report.documents, report.annotations, report.links) == (2, 7, 5)


def test_project_round_trip_keeps_the_whole_codebook(store, fresh, tmp_path):
    build_library(store)
    export_qdpx(select(store), tmp_path / "project.qdpx")
    import_qdpx(fresh, tmp_path / "project.qdpx")

    def codebook(s: Store) -> set[tuple]:
        return {(t.kind, t.name, t.entity_type, t.colour, t.description) for t in s.tags.all()}

    assert codebook(fresh) == codebook(store)
    # A topic called "Person" and the entity type Person stay apart.
    assert {(t.kind, t.entity_type) for t in fresh.tags.all() if t.name == "Person"} == {(TagKind.TOPIC, None)}
    assert fresh.tags.find("Beagle").entity_type == "Vessel class"


def test_codebook_round_trip(store, fresh, tmp_path):
    build_library(store)
    export_qdc(select(store), tmp_path / "codes.qdc")

    report = import_qdc(fresh, tmp_path / "codes.qdc")

    def codebook(s: Store) -> set[tuple]:
        return {(t.kind, t.name, t.entity_type, t.colour, t.description) for t in s.tags.all()}

    assert codebook(fresh) == codebook(store)
    assert report.tags == len(store.tags.all())


def test_export_is_the_same_bytes_every_time(store, tmp_path):
    build_library(store)
    export_qdpx(select(store), tmp_path / "one.qdpx")
    export_qdpx(select(store), tmp_path / "two.qdpx")
    assert (tmp_path / "one.qdpx").read_bytes() == (tmp_path / "two.qdpx").read_bytes()


def test_importing_back_into_the_same_library_adds_nothing(store, db_path, tmp_path):
    build_library(store)
    export_qdpx(select(store), tmp_path / "project.qdpx")
    before = fingerprint(db_path)

    report = import_qdpx(store, tmp_path / "project.qdpx")

    assert (report.documents, report.annotations, report.tags, report.links) == (0, 0, 0, 0)
    assert fingerprint(db_path) == before


def test_another_annotators_project_lands_on_the_same_documents(store, fresh, tmp_path):
    """Bob exports his project; Ada imports it: his passages join her documents, not copies of them."""
    doc = add_document(store, NOTICE, "Harbour notice")
    export_qdpx(select(store), tmp_path / "empty.qdpx")
    import_qdpx(fresh, tmp_path / "empty.qdpx")
    bob_doc = fresh.documents.all()[0]
    fresh.annotations.create(bob_doc, anchor_quote(NOTICE, "Naïve café"), tags=["Theme/Food"], note="Bob's")
    export_qdpx(select(fresh), tmp_path / "bob.qdpx")

    report = import_qdpx(store, tmp_path / "bob.qdpx")

    assert report.documents == 0
    assert [d.id for d in store.documents.all()] == [doc.id]
    (only,) = store.annotations.list()
    assert (only.exact, only.note, only.author) == ("Naïve café", "Bob's", "carol")


def test_export_refuses_to_replace_a_file_unless_told(store, tmp_path):
    build_library(store)
    target = tmp_path / "project.qdpx"
    target.write_bytes(b"mine")
    with pytest.raises(MarginError) as caught:
        export_qdpx(select(store), target)
    assert "already exists" in one_line_error(caught)
    assert target.read_bytes() == b"mine"
    with pytest.raises(MarginError):
        export_qdc(select(store), target)
    assert target.read_bytes() == b"mine"

    export_qdpx(select(store), target, overwrite=True)
    assert zipfile.is_zipfile(target)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


# --------------------------------------------------------------------------
# Against the official schemas (../shared)
# --------------------------------------------------------------------------


def validate(shared: Path, path: Path) -> str:
    result = subprocess.run(
        [sys.executable, str(shared / "tools" / "qdpx_validate.py"), str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_project_and_codebook_validate_against_the_refi_qda_schemas(shared, store, tmp_path):
    build_library(store)
    export_qdpx(select(store), tmp_path / "project.qdpx")
    export_qdc(select(store), tmp_path / "codes.qdc")
    assert "VALID (schema Project-mrt2019.xsd)" in validate(shared, tmp_path / "project.qdpx")
    assert "VALID (schema Codebook-mrt2019.xsd)" in validate(shared, tmp_path / "codes.qdc")


def test_an_empty_library_still_exports_a_valid_project(shared, store, tmp_path):
    export_qdpx(select(store), tmp_path / "empty.qdpx")
    validate(shared, tmp_path / "empty.qdpx")


def test_real_texts_in_many_scripts_round_trip_and_validate(shared, store, fresh, tmp_path):
    for name in ("cmn_hans", "jpn", "kor", "rus"):
        text = normalise((shared / "corpus" / "udhr" / f"{name}.txt").read_text(encoding="utf-8"))
        doc = add_document(store, text, name)
        middle = len(text) // 2
        store.annotations.create(doc, anchor_span(text, middle, middle + 12), tags=[f"Script/{name}"],
                                 note=f"from {name}")
    export_qdpx(select(store), tmp_path / "udhr.qdpx")
    validate(shared, tmp_path / "udhr.qdpx")
    import_qdpx(fresh, tmp_path / "udhr.qdpx")
    assert annotation_facts(fresh) == annotation_facts(store)


# --------------------------------------------------------------------------
# Projects as other tools write them
# --------------------------------------------------------------------------

FOREIGN_LF = "Interviewer: How was breakfast?\nMabel: Coke, as always.\nIt is the breakfast of champions!\n"
FOREIGN_GUID = "{01106019-2518-43DD-BBD1-8F0252BACB30}"


def foreign_project(selections: str, *, text: bytes | None = None) -> bytes:
    """A .qdpx in the style of other tools: capital Sources/, braces and capitals in guids, CRLF text."""
    qde = f"""<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<Project xmlns="urn:QDA-XML:project:1.0" origin="Another QDA tool 8.4" name="Breakfast"
  creatingUserGUID="AD68FBE7-E1EE-4A82-A279-23CC698C89EB" creationDateTime="2018-03-27T17:46:39Z">
 <Users><User guid="AD68FBE7-E1EE-4A82-A279-23CC698C89EB" name="Friedrich Markgraf"/></Users>
 <CodeBook><Codes>
  <Code guid="{{0F8A1907-7E42-4739-8610-A676B4D1B69F}}" name="Feelings" isCodable="true" color="#F00082">
   <Description>thoughts about breakfast foods</Description>
  </Code>
  <Code guid="D299EFAE-5779-46DC-9827-A3D1A5D544BC" name="Coke::diet Coke" isCodable="true" color="#966450"/>
  <Code guid="9FA9BCB7-5B59-47A9-8C3E-F65CFFDC7520" name="Values" isCodable="false">
   <Code guid="12365523-1035-4AFA-9E7B-281FE0BC51C5" name="Liberals" isCodable="true"/>
  </Code>
 </Codes></CodeBook>
 <Sources>
  <TextSource guid="{FOREIGN_GUID}" name="Mabel.txt" plainTextPath="internal://01106019-2518-43DD-BBD1-8F0252BACB30.txt">
{selections}
  </TextSource>
  <TextSource guid="57C6099B-934F-4C86-90F2-CC6C2F2A3CC3" name="Inline">
   <PlainTextContent>Written inline, no file.</PlainTextContent>
   <PlainTextSelection guid="4191294A-E287-4510-95B0-69BCE4638E56" startPosition="8" endPosition="14"/>
  </TextSource>
  <PictureSource guid="02255470-09E6-400B-9E20-97D71FBEC65D" path="internal://87EAD86F.jpg" name="cornflakes.jpg"/>
 </Sources>
 <Notes>
  <Note guid="E41BE463-FDF3-4ED0-B668-119C53D8D687" name="My memo">
   <PlainTextContent>A memo linked to the quotation</PlainTextContent>
  </Note>
  <Note guid="CE15250D-46AD-42C2-B90F-A509B8D64EC8" name="Referenced">
   <PlainTextContent>A note referenced from the coding</PlainTextContent>
  </Note>
 </Notes>
 <Links>
  <Link guid="7B56978E-9D9F-4D47-B4EC-436E2F6B8BE5" name="Memo-Quotation Relation" direction="OneWay"
        originGUID="E41BE463-FDF3-4ED0-B668-119C53D8D687" targetGUID="B49D7982-BB8E-4335-80AF-DC869CCC3F45"/>
  <Link guid="3B56978E-9D9F-4D47-B4EC-436E2F6B8BE5" name="supports" direction="Associative"
        originGUID="2F24EA88-C6A7-482B-8F89-893EF66D7A21" targetGUID="B49D7982-BB8E-4335-80AF-DC869CCC3F45"/>
 </Links>
</Project>"""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.qde", qde.encode("utf-8"))
        raw = text if text is not None else FOREIGN_LF.replace("\n", "\r\n").encode("utf-8")
        archive.writestr("Sources/01106019-2518-43DD-BBD1-8F0252BACB30.TXT", raw)
        archive.writestr("Sources/87EAD86F.jpg", b"\xff\xd8\xff")
    return buffer.getvalue()


def selection_xml(guid: str, quote: str, *, name: str | None = None, inner: str = "") -> str:
    """A selection of *quote*, positioned the way tools that count CRLF as one character do (LF positions)."""
    start = FOREIGN_LF.index(quote)
    label = quote if name is None else name
    return (f'<PlainTextSelection guid="{guid}" name="{label}" startPosition="{start}" '
            f'endPosition="{start + len(quote)}" creatingUser="AD68FBE7-E1EE-4A82-A279-23CC698C89EB" '
            f'creationDateTime="2018-03-27T19:29:27Z">{inner}</PlainTextSelection>')


def test_a_project_from_another_tool_with_crlf_counted_as_one(store, tmp_path):
    selections = "\n".join([
        selection_xml("2F24EA88-C6A7-482B-8F89-893EF66D7A21", "Coke, as always.",
                      inner='<Coding guid="445A6AEC-1400-4502-919D-0867832FF211">'
                            '<CodeRef targetGUID="D299EFAE-5779-46DC-9827-A3D1A5D544BC"/>'
                            '<NoteRef targetGUID="CE15250D-46AD-42C2-B90F-A509B8D64EC8"/></Coding>'),
        selection_xml("B49D7982-BB8E-4335-80AF-DC869CCC3F45", "It is the breakfast of champions!",
                      name="It is the breakfast…",
                      inner="<Description>A comment written on the quotation</Description>"
                            '<Coding guid="89B9918E-4209-4FE0-BEA0-0C7FF56D67A4">'
                            '<CodeRef targetGUID="{0F8A1907-7E42-4739-8610-A676B4D1B69F}"/></Coding>'
                            '<Coding guid="99B9918E-4209-4FE0-BEA0-0C7FF56D67A4">'
                            '<CodeRef targetGUID="12365523-1035-4afa-9e7b-281fe0bc51c5"/></Coding>'),
    ])
    path = tmp_path / "breakfast.qdpx"
    path.write_bytes(foreign_project(selections))

    report = import_qdpx(store, path)

    by_quote = {a.exact: a for a in store.annotations.list()}
    assert set(by_quote) == {"Coke, as always.", "It is the breakfast of champions!", "inline"}
    coke = by_quote["Coke, as always."]
    assert coke.id == "2f24ea88-c6a7-482b-8f89-893ef66d7a21"
    assert [t.label for t in coke.tags] == ["Coke/diet Coke"]
    assert coke.note == "A note referenced from the coding"
    assert coke.author == "Friedrich Markgraf"
    assert coke.created == "2018-03-27T19:29:27.000000Z"
    champions = by_quote["It is the breakfast of champions!"]
    assert {t.label for t in champions.tags} == {"Feelings", "Values/Liberals"}
    assert champions.note == "A comment written on the quotation\n\nA memo linked to the quotation"
    assert [(link.source_id, link.target_id, link.relation) for link in link_objects(store)] == [
        (coke.id, champions.id, "supports")]
    feelings = store.tags.find("Feelings")
    assert (feelings.colour, feelings.description) == ("#f00082", "thoughts about breakfast foods")
    assert store.tags.find("Values") is None  # a folder, not a code
    notice = store.documents.resolve("Mabel.txt")
    assert store.documents.text(notice.version_id) == FOREIGN_LF
    assert any("CRLF" in w for w in report.warnings)
    assert any("picture" in w for w in report.warnings)
    assert report.documents == 2


def link_objects(store: Store):
    return store.links.for_annotations([a.id for a in store.annotations.list()])


def test_positions_that_only_fit_as_utf16_units_are_read_that_way(store, tmp_path):
    text = "😀😀 Ada 😀 Lovelace"
    start16 = len(text[: text.index("Lovelace")].encode("utf-16-le")) // 2
    selections = (f'<PlainTextSelection guid="89611209-A09A-491D-A949-A7E57ACBF15C" name="x" '
                  f'startPosition="{start16}" endPosition="{start16 + 8}"/>')
    path = tmp_path / "utf16.qdpx"
    path.write_bytes(foreign_project(selections, text=text.encode("utf-8")))

    report = import_qdpx(store, path)

    assert "Lovelace" in [a.exact for a in store.annotations.list()]
    assert any("UTF-16" in w for w in report.warnings)


def test_unnamed_selections_are_read_the_way_that_keeps_words_whole(store, tmp_path):
    """NVivo names no selection and counts UTF-16 units with CRLF as two; with emoji before the passages,
    counting CRLF as one also fits every position, off by a few characters. Whole words tell them apart."""
    comments = ["Na mi van? 😀 Nem mertétek kötelezővé tenni?", "Én a parazitákat követem 🙄🙄, nekik sem!",
                "Szülők, Nevelők!!! 😡 A gyerekek semmit sem nyerhetnek.", "sabbat asboth, ennyit tudtál...",
                "Ki látta ezt jönni? 🤔 Senki.", "Köszönöm a videót, nagyon hasznos volt 👍",
                "Ez már a harmadik hullám 😷 és még mindig itt tartunk.", "Mindenki maga döntsön.",
                "Az unokám is beoltatta magát 💉 és jól van.", "Várjuk a következő részt!"]
    text = "\r\n".join(f"{comment}\r\n{n}\r\n2024-08-16" for n, comment in enumerate(comments, 1))
    text += "\r\n" + "Vége a listának. " * 20  # so counting CRLF as one also fits every position
    selections = []
    for n, comment in enumerate(comments):
        start = len(text[: text.index(comment)].encode("utf-16-le")) // 2
        end = start + len(comment.encode("utf-16-le")) // 2
        selections.append(f'<PlainTextSelection guid="8961120{n}-A09A-491D-A949-A7E57ACBF15C" name="" '
                          f'startPosition="{start}" endPosition="{end}"/>')
    path = tmp_path / "nvivo.qdpx"
    path.write_bytes(foreign_project("\n".join(selections), text=text.encode("utf-8")))

    report = import_qdpx(store, path)

    assert sorted(a.exact for a in store.annotations.list() if a.exact != "inline") == sorted(comments)
    assert any("UTF-16" in w for w in report.warnings)


def test_a_codebook_from_another_tool(store, tmp_path):
    path = tmp_path / "codes.qdc"
    path.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Another tool">
<Codes>
<Code guid="{5215cc69-b628-4e02-afb9-9beeaee55808}" name="Topics" isCodable="false">
 <Code guid="{d7aa29da-519b-4946-9b90-253b6db8fd0a}" name="Economy" isCodable="true" color="#ff0">
  <Description>Anything about jobs or taxes or business</Description>
  <Code guid="{0dcef2f5-e55c-49da-8c33-9b0803c7aeb4}" name="Health care" isCodable="true" color="#33cc33"/>
 </Code>
</Code>
<Code guid="9fa9bcb7-5b59-47a9-8c3e-f65cffdc7520" name="Values" isCodable="false"/>
</Codes>
<Sets><Set guid="c29b5db8-2ed6-406b-bfd2-68e8e273c1e9" name="Mabel"/></Sets>
</CodeBook>""", encoding="utf-8")

    report = import_qdc(store, path)

    assert {(t.name, t.kind, t.colour, t.description) for t in store.tags.all()} == {
        ("Topics/Economy", TagKind.TOPIC, "#ffff00", "Anything about jobs or taxes or business"),
        ("Topics/Economy/Health care", TagKind.TOPIC, "#33cc33", ""),
    }
    assert report.tags == 2
    assert any("sets" in w for w in report.warnings)


def test_a_bare_project_file_with_inline_text(store, tmp_path):
    path = tmp_path / "project.qde"
    path.write_text("""<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources>
<TextSource guid="17FB9CB8-7858-4291-A162-65424B9942EC" name="Note">
<PlainTextContent>Mabêl 2ième</PlainTextContent>
<PlainTextSelection guid="17FB9CB8-7858-4291-A162-65424B9942ED" startPosition="6" endPosition="11"/>
</TextSource></Sources></Project>""", encoding="utf-8")
    import_qdpx(store, path)
    assert [a.exact for a in store.annotations.list()] == ["2ième"]


# --------------------------------------------------------------------------
# Bad input: one line of error, and the library exactly as it was
# --------------------------------------------------------------------------


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


GOOD_QDE = b'<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>'


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"PK\x03\x04 this is not really a zip", "zip"),
        (zipped({"sources/a.txt": b"text"}), "project.qde"),
        (zipped({"project.qde": GOOD_QDE, "../escape.txt": b"x"}), "outside"),
        (zipped({"project.qde": GOOD_QDE, "sources/../../escape.txt": b"x"}), "outside"),
        (zipped({"project.qde": GOOD_QDE, "/etc/escape.txt": b"x"}), "outside"),
        (zipped({"project.qde": b"<Project name='p'><Sources>"}), "XML"),
        (zipped({"project.qde": b'<!DOCTYPE p [<!ENTITY a "aaaa">]><Project name="&a;"/>'}), "entities"),
        (foreign_project('<PlainTextSelection guid="B49D7982-BB8E-4335-80AF-DC869CCC3F45" '
                         'startPosition="40" endPosition="4000"/>'), "past the end"),
        (foreign_project('<PlainTextSelection guid="B49D7982-BB8E-4335-80AF-DC869CCC3F45" '
                         'startPosition="9" endPosition="4"/>'), "backwards"),
        (foreign_project('<PlainTextSelection guid="B49D7982-BB8E-4335-80AF-DC869CCC3F45" startPosition="1" '
                         'endPosition="4"><Coding guid="89B9918E-4209-4FE0-BEA0-0C7FF56D67A4">'
                         '<CodeRef targetGUID="00000000-4209-4FE0-BEA0-0C7FF56D67A4"/></Coding>'
                         '</PlainTextSelection>'), "not in the codebook"),
        (foreign_project("", text="Café au lait".encode("latin-1")), "UTF-8"),
    ],
    ids=["corrupt zip", "no project.qde", "../ entry", "nested ../ entry", "absolute entry", "broken XML",
         "entity bomb", "selection outside the text", "backwards selection", "unknown code", "not UTF-8"],
)
def test_bad_projects_are_refused_whole(store, db_path, tmp_path, content, fragment):
    build_library(store)
    path = tmp_path / "bad.qdpx"
    path.write_bytes(content)
    before = fingerprint(db_path)

    with pytest.raises(MarginError) as caught:
        import_qdpx(store, path)

    assert fragment in one_line_error(caught)
    assert fingerprint(db_path) == before


def test_wrong_kind_of_file_says_which_import_to_use(store, db_path, tmp_path):
    build_library(store)
    export_qdc(select(store), tmp_path / "codes.qdc")
    export_qdpx(select(store), tmp_path / "project.qdpx")
    (tmp_path / "project.qde").write_bytes(zipfile.ZipFile(tmp_path / "project.qdpx").read("project.qde"))
    before = fingerprint(db_path)
    with pytest.raises(MarginError) as caught:
        import_qdpx(store, tmp_path / "codes.qdc")
    assert ".qdc" in one_line_error(caught)
    with pytest.raises(MarginError) as caught:
        import_qdc(store, tmp_path / "project.qde")
    assert ".qdpx" in one_line_error(caught)
    with pytest.raises(MarginError):
        import_qdpx(store, tmp_path / "missing.qdpx")
    assert fingerprint(db_path) == before


# --------------------------------------------------------------------------
# Hostile strings as text, quotes, tags and notes
# --------------------------------------------------------------------------

#: Characters XML 1.0 cannot hold in any form; an export puts U+FFFD in their place.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def naughty_library(store: Store, shared: Path) -> None:
    """The Big List of Naughty Strings as a document, each line a passage with the line as its note and tag."""
    raw = (shared / "corpus" / "unicode" / "blns.txt").read_text(encoding="utf-8")
    lines = [line for line in normalise(raw).split("\n") if line.strip() and not line.startswith("#")]
    text = "\n".join(lines) + "\n"
    doc = add_document(store, text, "Naughty strings")
    at = 0
    for line in lines:
        tags = []
        try:
            tags = [store.tags.ensure(f"blns/{line}").name]
        except MarginError:
            pass
        store.annotations.create(doc, anchor_span(text, at, at + len(line)), tags=tags, note=line)
        at += len(line) + 1


def test_naughty_strings_survive_as_far_as_xml_allows(shared, store, fresh, tmp_path):
    naughty_library(store, shared)
    export_qdpx(select(store), tmp_path / "naughty.qdpx")
    validate(shared, tmp_path / "naughty.qdpx")

    import_qdpx(fresh, tmp_path / "naughty.qdpx")

    def as_xml_keeps_it(facts: tuple) -> tuple:
        *place, note, tags = facts
        note = NOT_XML.sub("\ufffd", note.replace("\r\n", "\n").replace("\r", "\n"))
        tags = frozenset((kind, NOT_XML.sub("\ufffd", name), entity_type) for kind, name, entity_type in tags)
        return (*place, note, tags)

    expected = {key: as_xml_keeps_it(facts) for key, facts in annotation_facts(store).items()}
    assert annotation_facts(fresh) == expected
    assert len(expected) > 500


def test_texts_that_are_not_in_the_archive_are_named(store, tmp_path):
    """An archive saved without its sources (ATLAS.ti's test project is one): the warning names what is missing."""
    sources = "\n".join(
        f'<TextSource guid="0000000{n}-2518-43DD-BBD1-8F0252BACB30" name="Interview {n}.docx"'
        f' plainTextPath="internal://0000000{n}.txt"/>' for n in range(1, 6)
    )
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" origin="ATLAS.ti" name="Empty">
 <CodeBook><Codes><Code guid="0F8A1907-7E42-4739-8610-A676B4D1B69F" name="Feelings" isCodable="true"/></Codes></CodeBook>
 <Sources>{sources}</Sources>
</Project>"""
    path = tmp_path / "nosources.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
    report = import_qdpx(store, path)
    (line,) = [w for w in report.warnings if "missing" in w]
    assert line == ("texts missing from sources/: 5 left out"
                    " (“Interview 1.docx”, “Interview 2.docx”, “Interview 3.docx” …)")
    assert report.tags == 1


def test_one_selection_that_misses_a_letter_keeps_the_standard_counting(store, tmp_path):
    """A selection dragged one letter short cuts a word under the standard counting and may cut none under
    another that happens to fit: one or two such ends are no reason to leave the standard (code points)."""
    text = "Hello there.\r\nI think the vaccination campaign came too late.\r\nBye."
    quote = "I think the vaccination campaign came too lat"
    start = text.index(quote)
    selection = (f'<PlainTextSelection guid="89611209-A09A-491D-A949-A7E57ACBF15C" name="" '
                 f'startPosition="{start}" endPosition="{start + len(quote)}"/>')
    path = tmp_path / "short.qdpx"
    path.write_bytes(foreign_project(selection, text=text.encode("utf-8")))
    report = import_qdpx(store, path)
    assert quote in [a.exact for a in store.annotations.list()]
    assert not any("Mabel.txt" in w and "read as" in w for w in report.warnings)
