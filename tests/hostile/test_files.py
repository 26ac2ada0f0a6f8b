"""Files from strangers: XML entities in any encoding, archives that multiply, links out of a folder, endless inputs."""

from __future__ import annotations

import csv
import io
import json
import os
import time
import zipfile
from pathlib import Path

import pytest

from ..conftest import fingerprint
from ..test_hostile_input import epub, opf, xhtml
from .harness import env_for, margin

QDE_HEAD = '<?xml version="1.0" encoding="{encoding}"?>'
BOMB = '<!DOCTYPE Project [<!ENTITY a "{a}">' + "".join(
    f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(7)
) + "]>"


def project(body: str, *, encoding: str = "UTF-8", doctype: str = "") -> bytes:
    text = (
        QDE_HEAD.format(encoding=encoding) + doctype
        + '<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="elsewhere">' + body + "</Project>"
    )
    return text.encode("utf-16" if encoding.upper().startswith("UTF-16") else "utf-8")


def qdpx(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def library(tmp_path) -> Path:
    db = tmp_path / "library.db"
    margin(db, "docs")
    return db


NOTE_BOMB = '<Notes><Note guid="n1" name="n"><PlainTextContent>&h;</PlainTextContent></Note></Notes>'


@pytest.mark.parametrize("encoding", ["UTF-8", "UTF-16"])
@pytest.mark.parametrize("suffix", [".qdpx", ".qde", ".qdc"])
def test_xml_entities_are_refused_in_any_encoding(library, tmp_path, encoding, suffix):
    doctype = BOMB.format(a="x" * 50)
    if suffix == ".qdc":
        data = (QDE_HEAD.format(encoding=encoding) + doctype.replace("Project", "CodeBook")
                + '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="c" name="&h;"/></Codes></CodeBook>')
        payload = data.encode("utf-16" if encoding == "UTF-16" else "utf-8")
    else:
        payload = project(NOTE_BOMB, encoding=encoding, doctype=doctype)
        if suffix == ".qdpx":
            payload = qdpx({"project.qde": payload})
    path = tmp_path / f"bomb{suffix}"
    path.write_bytes(payload)
    before = fingerprint(library)
    run = margin(library, "import-annotations", str(path))  # a bare .qde needs no --format
    run.refused("declares XML entities")
    assert fingerprint(library) == before
    assert run.peak_mb < 150


def test_a_bare_qde_is_recognised(library, tmp_path):
    path = tmp_path / "project.qde"
    path.write_bytes(project('<CodeBook><Codes><Code guid="3f2504e0-4f89-11d3-9a0c-0305e82c3301" name="Theme"/></Codes></CodeBook>'))
    run = margin(library, "import-annotations", str(path))
    assert run.code == 0, run.err


def _sources(count: int) -> str:
    return "<Sources>" + "".join(
        f'<TextSource guid="{i:08d}-0000-0000-0000-000000000000" name="s{i}" plainTextPath="internal://big.txt"/>'
        for i in range(count)
    ) + "</Sources>"


def test_a_member_named_by_many_sources_is_read_once_and_counted_each_time(library, tmp_path):
    big = ("All work and no play. " * 50_000).encode()  # ~1.1 MB, deflates to a few KB
    path = tmp_path / "many.qdpx"
    path.write_bytes(qdpx({"project.qde": project(_sources(40)), "sources/big.txt": big}))
    assert path.stat().st_size < 50_000
    before = fingerprint(library)
    run = margin(library, "import-annotations", str(path), env=env_for(tmp_path, MARGIN_MAX_DOCUMENT_MB="20"))
    run.refused("over the limit", "MARGIN_MAX_DOCUMENT_MB")
    assert fingerprint(library) == before
    assert run.peak_mb < 250, run.peak_mb


def test_an_epub_spine_repeating_a_chapter_reads_it_once(library, tmp_path):
    chapter = xhtml("<p>" + "A long chapter. " * 60_000 + "</p>")  # ~1 MB
    items = {f"c{i}": "c.xhtml" for i in range(300)}
    path = tmp_path / "repeat.epub"
    path.write_bytes(epub({"OEBPS/c.xhtml": chapter}, package=opf(items)))
    started = time.monotonic()
    run = margin(library, "import", str(path))
    assert run.code == 0, run.err
    assert time.monotonic() - started < 30
    assert run.peak_mb < 400, run.peak_mb
    listed = json.loads(margin(library, "docs", "--format", "json").out)
    assert listed[0]["length"] < 1_100_000  # one chapter, not three hundred


def test_an_epub_over_the_budget_is_refused(library, tmp_path):
    chapters = {f"OEBPS/c{i}.xhtml": xhtml("<p>" + f"Chapter {i} words. " * 40_000 + "</p>") for i in range(6)}
    path = tmp_path / "long.epub"
    path.write_bytes(epub(chapters, package=opf({f"c{i}": f"c{i}.xhtml" for i in range(6)})))
    before = fingerprint(library)
    margin(library, "import", str(path), env=env_for(tmp_path, MARGIN_MAX_DOCUMENT_MB="3")).refused("over the 3.0 MB limit")
    assert fingerprint(library) == before


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_an_epub_with_two_members_of_one_name_is_refused(library, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", b"application/epub+zip")
        archive.writestr("META-INF/container.xml", b"<container/>")
        archive.writestr("OEBPS/c.xhtml", xhtml("<p>one</p>"))
        archive.writestr("OEBPS/c.xhtml", xhtml("<p>two</p>"))
    path = tmp_path / "twice.epub"
    path.write_bytes(buffer.getvalue())
    margin(library, "import", str(path)).refused("two entries named")


def test_a_broken_epub_says_what_is_wrong_in_words(library, tmp_path):
    path = tmp_path / "empty.epub"
    path.write_bytes(epub({"OEBPS/c.xhtml": xhtml("<p>text</p>")}))  # no package document
    line = margin(library, "import", str(path)).refused("not a valid EPUB: ")
    assert "NoneType" not in line and "object" not in line


def test_brat_never_follows_a_link_out_of_the_folder(library, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/sh\n", encoding="utf-8")
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "pw.txt").symlink_to(secret)
    (folder / "pw.ann").write_text("T1\tPerson 0 4\troot\n", encoding="utf-8")
    before = fingerprint(library)
    line = margin(library, "import-annotations", str(folder)).refused("outside", "refused")
    assert "root:x" not in line and fingerprint(library) == before


def test_a_huge_ann_file_is_refused_before_it_is_read(library, tmp_path):
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "a.txt").write_text("Ada wrote.\n", encoding="utf-8")
    with open(folder / "a.ann", "w", encoding="utf-8") as ann:
        for i in range(60_000):
            ann.write(f"T{i}\tPerson 0 3\tAda\n")
    run = margin(library, "import-annotations", str(folder), env=env_for(tmp_path, MARGIN_MAX_IMPORT_MB="0.5"))
    run.refused("over the", "MARGIN_MAX_IMPORT_MB")
    assert run.peak_mb < 150


def test_html_has_a_stricter_size_bound(library, tmp_path):
    path = tmp_path / "page.html"
    path.write_text("<p>" + "word " * 300_000 + "</p>", encoding="utf-8")  # 1.5 MB
    run = margin(library, "import", str(path), env=env_for(tmp_path, MARGIN_MAX_HTML_MB="1"))
    run.refused("HTML", "MARGIN_MAX_HTML_MB")
    assert run.peak_mb < 150


@pytest.mark.parametrize("kind", ["dev-zero", "fifo"])
@pytest.mark.parametrize("use", ["import-annotations", "template"])
def test_a_file_that_never_ends_is_refused(library, tmp_path, kind, use):
    path = tmp_path / ("input.json" if use == "import-annotations" else "t.j2")
    if kind == "dev-zero":
        path.symlink_to("/dev/zero")
    else:
        os.mkfifo(path)
    args = ["import-annotations", str(path)] if use == "import-annotations" else ["export", "--template", str(path)]
    run = margin(library, *args, timeout=30)
    run.refused("not a regular file")
    assert run.peak_mb < 150


def test_deeply_nested_json_is_one_line(library, tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    margin(library, "import-annotations", str(path)).refused("nested too deeply")


def test_a_codebook_of_many_new_tags_imports_in_linear_time(library, tmp_path):
    def codebook(count: int) -> Path:
        path = tmp_path / f"codebook-{count}.csv"
        with open(path, "w", newline="", encoding="utf-8") as stream:
            writer = csv.writer(stream)
            writer.writerow(["tag", "description"])
            writer.writerows([f"Theme/Group {i % 40}/Tag {i}", f"about {i}"] for i in range(count))
        return path

    timings = []
    for count in (2_000, 8_000):
        db = tmp_path / f"codebook-{count}.db"
        started = time.monotonic()
        run = margin(db, "import-annotations", str(codebook(count)))
        timings.append(time.monotonic() - started)
        assert run.code == 0, run.err
    # Four times the tags in well under sixteen times the time (quadratic was 12 s for 8,000).
    assert timings[1] < 8 * max(timings[0], 0.5), timings
