"""REFI-QDA projects as other tools write them arrive whole: each coder's work stays theirs,
nobody's work is credited to the importer, bare source paths and NVivo's .docx texts are read,
and nothing is merged or dropped without a line saying so."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from annotations.interchange.refiqda import import_qdpx

ADA = "11111111-1111-4111-8111-111111111111"
BOB = "22222222-2222-4222-8222-222222222222"
CODE_A = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
CODE_B = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"
TEXT = "Interviewer: How was breakfast?\nMabel: Coke, as always.\n"


def project(sources: str, notes: str = "") -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Two coders" origin="qc">
 <Users><User guid="{ADA}" name="Ada"/><User guid="{BOB}" name="Bob"/></Users>
 <CodeBook><Codes>
  <Code guid="{CODE_A}" name="Drinks" isCodable="true"/>
  <Code guid="{CODE_B}" name="Habits" isCodable="true"/>
 </Codes></CodeBook>
 <Sources>{sources}</Sources>{notes}
</Project>"""


def qdpx(tmp_path, qde: str, files: dict[str, bytes]):
    path = tmp_path / "project.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def coding(code: str, user: str | None, note: str = "") -> str:
    who = f' creatingUser="{user}"' if user else ""
    return f'<Coding guid="{code[:8]}-0000-4000-8000-{(user or "0" * 12)[-12:]}"{who}><CodeRef targetGUID="{code}"/>{note}</Coding>'


def selection(quote: str, inner: str, user: str | None = ADA, guid: str = "5e1ec7ed-0000-4000-8000-000000000001") -> str:
    start = TEXT.index(quote)
    who = f' creatingUser="{user}"' if user else ""
    return (f'<PlainTextSelection guid="{guid}" name="{quote}" startPosition="{start}"'
            f' endPosition="{start + len(quote)}"{who}>{inner}</PlainTextSelection>')


def by_author(store):
    return {
        (a.author, a.exact, frozenset(t.name for t in a.tags)) for a in store.annotations.list()
    }


def test_a_selection_coded_by_two_coders_is_each_coders_own_annotation(store, tmp_path):
    sources = f"""<TextSource guid="50000000-0000-4000-8000-000000000001" name="Mabel" plainTextPath="internal://mabel.txt">
      {selection("Coke, as always", coding(CODE_A, ADA) + coding(CODE_B, BOB) + coding(CODE_A, BOB))}
    </TextSource>"""
    report = import_qdpx(store, qdpx(tmp_path, project(sources), {"sources/mabel.txt": TEXT.encode()}))
    assert by_author(store) == {
        ("Ada", "Coke, as always", frozenset({"Drinks"})),
        ("Bob", "Coke, as always", frozenset({"Drinks", "Habits"})),
    }
    assert report.annotations == 2
    assert any("more than one coder: 1" in w for w in report.warnings)
    # Importing again adds nothing: each coder's annotation has a stable id.
    again = import_qdpx(store, tmp_path / "project.qdpx")
    assert again.annotations == 0 and len(store.annotations.list()) == 2


def test_work_whose_maker_the_file_does_not_name_is_credited_to_unknown_not_the_importer(store, tmp_path):
    sources = f"""<TextSource guid="50000000-0000-4000-8000-000000000001" name="Mabel" plainTextPath="internal://mabel.txt">
      {selection("Coke, as always", coding(CODE_A, None), user=None)}
      {selection("How was breakfast", coding(CODE_B, "99999999-9999-4999-8999-999999999999"), user=None,
                 guid="5e1ec7ed-0000-4000-8000-000000000002")}
    </TextSource>"""
    report = import_qdpx(store, qdpx(tmp_path, project(sources), {"sources/mabel.txt": TEXT.encode()}))
    assert {a.author for a in store.annotations.list()} == {"unknown"}
    assert store.author == "ada"
    assert any("not listed in the project" in w for w in report.warnings)


def test_a_bare_plain_text_path_is_read_from_the_archives_sources_folder(store, tmp_path):
    # qc writes plainTextPath="board_2017.txt" and stores the file at sources/board_2017.txt.
    sources = f"""<TextSource guid="50000000-0000-4000-8000-000000000001" name="board_2017" plainTextPath="board_2017.txt">
      {selection("Coke, as always", coding(CODE_A, ADA))}
    </TextSource>"""
    report = import_qdpx(store, qdpx(tmp_path, project(sources), {"sources/board_2017.txt": TEXT.encode()}))
    assert [a.exact for a in store.annotations.list()] == ["Coke, as always"]
    assert report.skipped == 0


def test_a_source_without_a_name_is_titled_by_its_file_name_outside_the_archive(store, tmp_path):
    # qc 1.3 writes no name at all; archive files (internal://GUID.txt) give no better title.
    sources = """<TextSource guid="50000000-0000-4000-8000-000000000001" plainTextPath="board_2017.txt"/>
      <TextSource guid="50000000-0000-4000-8000-000000000002" plainTextPath="internal://50000000-0000-4000-8000-000000000002.txt"/>"""
    files = {"sources/board_2017.txt": TEXT.encode(), "sources/50000000-0000-4000-8000-000000000002.txt": b"Other text.\n"}
    import_qdpx(store, qdpx(tmp_path, project(sources), files))
    assert sorted(d.title for d in store.documents.all()) == ["Untitled source", "board_2017.txt"]


def word_file(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_nvivo_sources_with_only_a_docx_arrive_with_their_text_and_stay_apart(store, tmp_path):
    first = "Interviewer: How was breakfast?\nMabel: Coke, as always."
    second = "Interviewer: And lunch?\nRoy: Tea."
    sources = f"""
    <TextSource guid="50000000-0000-4000-8000-000000000001" name="Mabel" plainTextPath="internal://m.txt"
        richTextPath="internal://m.docx">
      {selection("Coke, as always", coding(CODE_A, ADA))}
    </TextSource>
    <TextSource guid="50000000-0000-4000-8000-000000000002" name="Roy" plainTextPath="internal://r.txt"
        richTextPath="internal://r.docx">
      <PlainTextSelection guid="5e1ec7ed-0000-4000-8000-000000000009" startPosition="{second.index('Tea')}"
        endPosition="{second.index('Tea') + 3}" creatingUser="{BOB}"><Coding guid="c0000000-0000-4000-8000-000000000009"
        creatingUser="{BOB}"><CodeRef targetGUID="{CODE_B}"/></Coding></PlainTextSelection>
    </TextSource>"""
    files = {
        "sources/m.txt": b"", "sources/r.txt": b"",
        "sources/m.docx": word_file(first.split("\n")), "sources/r.docx": word_file(second.split("\n")),
    }
    import_qdpx(store, qdpx(tmp_path, project(sources), files))
    documents = {d.title: store.documents.text(d.version_id) for d in store.documents.all()}
    assert documents == {"Mabel": first, "Roy": second}
    assert {(a.author, a.exact) for a in store.annotations.list()} == {("Ada", "Coke, as always"), ("Bob", "Tea")}


def test_sources_with_no_text_are_reported_not_merged(store, tmp_path):
    sources = f"""
    <TextSource guid="50000000-0000-4000-8000-000000000001" name="Empty one" plainTextPath="internal://a.txt"/>
    <TextSource guid="50000000-0000-4000-8000-000000000002" name="Empty two" plainTextPath="internal://b.txt"/>
    <TextSource guid="50000000-0000-4000-8000-000000000003" name="Mabel" plainTextPath="internal://m.txt">
      {selection("Coke, as always", coding(CODE_A, ADA))}
    </TextSource>"""
    files = {"sources/a.txt": b"", "sources/b.txt": b"", "sources/m.txt": TEXT.encode()}
    report = import_qdpx(store, qdpx(tmp_path, project(sources), files))
    assert [d.title for d in store.documents.all()] == ["Mabel"]
    assert sum("has no text" in w for w in report.warnings) == 2


def test_two_sources_with_the_same_text_are_named_in_a_warning(store, tmp_path):
    sources = f"""
    <TextSource guid="50000000-0000-4000-8000-000000000001" name="Copy one" plainTextPath="internal://a.txt"/>
    <TextSource guid="50000000-0000-4000-8000-000000000002" name="Copy two" plainTextPath="internal://b.txt"/>"""
    files = {"sources/a.txt": TEXT.encode(), "sources/b.txt": TEXT.encode()}
    report = import_qdpx(store, qdpx(tmp_path, project(sources), files))
    assert any("“Copy two” has the same text as “Copy one”" in w for w in report.warnings)


@pytest.mark.parametrize("entity", ['<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'])
def test_a_docx_source_declaring_entities_is_refused(store, db_path, tmp_path, entity):
    from annotations.errors import MarginError

    original = word_file(["Coke, as always"])
    with zipfile.ZipFile(io.BytesIO(original)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    body = parts["word/document.xml"].decode()
    head, rest = body.split("?>", 1)
    parts["word/document.xml"] = (head + "?>" + entity + rest).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    sources = """<TextSource guid="50000000-0000-4000-8000-000000000001" name="M" plainTextPath="internal://m.txt"
        richTextPath="internal://m.docx"/>"""
    path = qdpx(tmp_path, project(sources), {"sources/m.txt": b"", "sources/m.docx": buffer.getvalue()})
    with pytest.raises(MarginError, match="DTD"):
        import_qdpx(store, path)
    assert store.documents.all() == []
