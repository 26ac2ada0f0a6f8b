"""Hostile and broken input: one clear line, nothing stored, memory bounded, nothing run or fetched.

Every bad file is made here, in code: truncated and corrupt EPUB, PDF and
ZIP files, decompression bombs, archive entries that point outside the
archive, markup with scripts, styles and remote resources, a 10 MB line,
NUL bytes, invalid UTF-8. Each refusal is checked through ``margin import``:
exit status 1, one line starting ``Error:``, no traceback, the library
exactly as it was. Then every line of the Big List of Naughty Strings goes
in as a document, a tag, a note and a title, and must read back as it went in.
"""

from __future__ import annotations

import hashlib
import io
import socket
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotations.anchoring import anchor_span
from annotations.errors import FormatError, MarginError
from annotations.store import Store, parse_tag_spec
from annotations.store.maintenance import examine
from annotations.text import normalise
from reader.cli import cli
from reader.formats import read_source

from .conftest import add_document, fingerprint

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024


# building bad files ----------------------------------------------------------
CONTAINER = (
    b'<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
    b'<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>'
)


def opf(items: dict[str, str], *, doctype: str = "", title: str = "A Hostile Book") -> bytes:
    """A package document listing *items* (id → href) in its manifest and spine."""
    manifest = "".join(f'<item id="{i}" href="{href}" media-type="application/xhtml+xml"/>' for i, href in items.items())
    spine = "".join(f'<itemref idref="{i}"/>' for i in items)
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{doctype}'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<dc:identifier id="id">hostile</dc:identifier><dc:title>{title}</dc:title><dc:language>en</dc:language>'
        f"</metadata><manifest>{manifest}</manifest><spine>{spine}</spine></package>"
    ).encode()


def xhtml(body: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head>'
        f"<body>{body}</body></html>"
    ).encode()


def epub(members: dict[str, bytes], *, package: bytes | None = None) -> bytes:
    """An EPUB (a ZIP) with the usual first members, then *members* as given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), b"application/epub+zip")
        archive.writestr("META-INF/container.xml", CONTAINER)
        if package is not None:
            archive.writestr("OEBPS/content.opf", package)
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def good_epub() -> bytes:
    chapters = {f"c{n}": f"chapter{n}.xhtml" for n in range(1, 4)}
    return epub(
        {f"OEBPS/chapter{n}.xhtml": xhtml(f"<h1>Chapter {n}</h1><p>{'Words of the chapter. ' * 200}</p>") for n in range(1, 4)},
        package=opf(chapters),
    )


def flipped(data: bytes, at: float) -> bytes:
    """*data* with a run of bytes near the fraction *at* of its length inverted."""
    out = bytearray(data)
    start = int(len(out) * at)
    for index in range(start, min(start + 64, len(out))):
        out[index] ^= 0xFF
    return bytes(out)


def declared_larger(data: bytes, member: str, size: int) -> bytes:
    """A ZIP whose directory claims *member* unpacks to *size* bytes (its data is unchanged)."""
    out = bytearray(data)
    central = out.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", out, central + 28)[0]
        if out[central + 46 : central + 46 + name_length] == member.encode():
            struct.pack_into("<I", out, central + 24, size)
        central = out.find(b"PK\x01\x02", central + 4)
    return bytes(out)


def bomb_epub(unpacked: int) -> bytes:
    """An EPUB whose one chapter really unpacks to *unpacked* bytes of blank space (compressed tiny)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), b"application/epub+zip")
        archive.writestr("META-INF/container.xml", CONTAINER)
        archive.writestr("OEBPS/content.opf", opf({"c1": "bomb.xhtml"}))
        with archive.open("OEBPS/bomb.xhtml", "w", force_zip64=True) as member:
            member.write(b'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>')
            block = b" " * MB
            for _ in range(unpacked // MB):
                member.write(block)
            member.write(b"</p></body></html>")
    return buffer.getvalue()


def lying_epub() -> bytes:
    """A chapter whose directory entry says 100 bytes while its data inflates to 20 MB."""
    good = epub({"OEBPS/chapter1.xhtml": xhtml("<p>" + " " * (20 * MB) + "</p>")}, package=opf({"c1": "chapter1.xhtml"}))
    out = bytearray(good)
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = out.find(signature)
        while at != -1:
            length_at = 26 if signature == b"PK\x03\x04" else 28
            name_length = struct.unpack_from("<H", out, at + length_at)[0]
            start = at + (30 if signature == b"PK\x03\x04" else 46)
            if out[start : start + name_length] == b"OEBPS/chapter1.xhtml":
                struct.pack_into("<I", out, at + size_at, 100)
            at = out.find(signature, at + 4)
    return bytes(out)


def pdf(content: bytes, *, compress: bool = False) -> bytes:
    """A one-page PDF whose page content stream is *content* (deflated when *compress*)."""
    stream = zlib.compress(content, 1) if compress else content
    filters = " /Filter /FlateDecode" if compress else ""
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>",
        f"<< /Length {len(stream)}{filters} >>\nstream\n".encode() + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(bodies) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(bodies) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


TEXT_PAGE = b"BT /F1 12 Tf 72 720 Td (A page of plain words.) Tj ET"


def many_entries() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("mimetype", b"application/epub+zip")
        for number in range(20_001):
            archive.writestr(f"OEBPS/{number}.xhtml", b"")
    return buffer.getvalue()


# the refusals ----------------------------------------------------------------
BAD_FILES: list[tuple[str, Callable[[], bytes], tuple[str, ...]]] = [
    ("truncated.epub", lambda: good_epub()[: len(good_epub()) // 2], ("not a valid EPUB",)),
    ("corrupt.epub", lambda: flipped(good_epub(), 0.4), ("not a valid EPUB",)),
    ("corrupt-directory.epub", lambda: flipped(good_epub(), 0.97), ("not a valid EPUB",)),
    ("no-container.epub", lambda: zipfile_with({"mimetype": b"application/epub+zip"}), ("not a valid EPUB",)),
    ("garbage-package.epub", lambda: epub({}, package=b"\x00\xff not xml at all <<<"), ()),
    ("no-text.epub", lambda: epub({"OEBPS/c.xhtml": xhtml("<img src='x.png'/>")}, package=opf({"c": "c.xhtml"})), ("no text",)),
    ("plain-zip.epub", lambda: zipfile_with({"readme.txt": b"just a zip"}), ("not a valid EPUB",)),
    ("bomb-declared.epub", lambda: declared_larger(good_epub(), "OEBPS/chapter1.xhtml", 3_000_000_000), ("unpacks to", "limit")),
    ("bomb-lying.epub", lying_epub, ("not a valid EPUB",)),
    ("many-entries.epub", many_entries, ("20,002 entries",)),
    ("escape.epub", lambda: epub({"../../escaped.xhtml": xhtml("<p>out</p>")}, package=opf({"c": "../../escaped.xhtml"})), ("points outside",)),
    ("absolute.epub", lambda: epub({"/tmp/absolute.xhtml": xhtml("<p>out</p>")}, package=opf({"c": "c.xhtml"})), ("points outside",)),
    ("truncated.pdf", lambda: pdf(TEXT_PAGE)[:60], ()),
    ("corrupt.pdf", lambda: b"%PDF-1.7\n" + bytes(range(256)) * 40, ()),
    ("no-text.pdf", lambda: pdf(b""), ("no text layer",)),
    ("bomb.pdf", lambda: pdf(b" " * (80 * MB), compress=True), ("unpacks to more than",)),
    ("archive.zip", lambda: zipfile_with({"a.txt": b"words"}), ("not supported",)),
    ("nul.txt", lambda: b"words\x00and\x00more words\n" * 50, ("binary",)),
    ("nul.html", lambda: b"<p>words\x00</p>" * 50, ("binary",)),
    ("controls.md", lambda: bytes(range(1, 9)) * 200, ("binary",)),
    ("empty.txt", lambda: b"", ("no text",)),
    ("blank.txt", lambda: b" \n\t\n \r\n" * 100, ("no text",)),
    ("pdf-named.txt", lambda: pdf(TEXT_PAGE), ("PDF",)),
    ("text-named.pdf", lambda: b"plain words\n", ("not a PDF",)),
    ("scripts-only.html", lambda: b"<script>document.write('x')</script><style>p{}</style>", ("no text",)),
]


def zipfile_with(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def library(db_path) -> Path:
    with Store.open(db_path, author="ada") as store:
        add_document(store)
    return db_path


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to resolve a name or open a connection is recorded and fails."""
    attempts: list[str] = []

    def refuse(*args, **kwargs):
        attempts.append(repr(args[:2]))
        raise OSError("network use in a test of hostile input")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


def import_file(db_path: Path, path: Path, **env: str):
    return CliRunner().invoke(cli, ["--db", str(db_path), "import", str(path)], env=env or None)


def refused(db_path: Path, path: Path, *fragments: str, **env: str) -> str:
    before = fingerprint(db_path)
    result = import_file(db_path, path, **env)
    assert isinstance(result.exception, SystemExit), result.exception  # no uncaught exception
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output
    assert path.name in lines[0]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert fingerprint(db_path) == before
    return lines[0]


@pytest.mark.parametrize("name, build, fragments", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_bad_file_is_refused_in_one_line_and_stores_nothing(library, tmp_path, no_network, name, build, fragments):
    path = tmp_path / name
    path.write_bytes(build())
    refused(library, path, *fragments)
    assert no_network == []


def test_escaping_entries_are_never_written_anywhere(library, tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    path = books / "escape.epub"
    path.write_bytes(epub({"../../escaped.xhtml": xhtml("<p>out</p>")}, package=opf({"c": "../../escaped.xhtml"})))
    around = {p for p in tmp_path.parent.rglob("*escaped*")}
    refused(library, path, "points outside")
    assert {p for p in tmp_path.parent.rglob("*escaped*")} == around
    assert not (ROOT / "escaped.xhtml").exists()


def test_the_size_limit_is_configurable_and_says_how_to_raise_it(library, tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"words and more words\n" * 150_000)  # about 3 MB
    message = refused(library, path, "over the 1.0 MB limit", MARGIN_MAX_DOCUMENT_MB="1")
    assert "MARGIN_MAX_DOCUMENT_MB" in message
    config = tmp_path / "config.toml"
    config.write_text("max_document_mb = 2\n", encoding="utf-8")
    refused(library, path, "over the 2.0 MB limit", MARGIN_CONFIG=str(config))
    assert import_file(library, path, MARGIN_MAX_DOCUMENT_MB="5").exit_code == 0


@pytest.mark.parametrize("value", ["lots", "-3", "0", "inf"])
def test_a_nonsense_size_limit_is_one_line(library, tmp_path, value):
    path = tmp_path / "small.txt"
    path.write_text("A few words.\n", encoding="utf-8")
    before = fingerprint(library)
    result = import_file(library, path, MARGIN_MAX_DOCUMENT_MB=value)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: MARGIN_MAX_DOCUMENT_MB must be") and result.stderr.count("\n") == 1
    assert fingerprint(library) == before


def test_an_epub_over_the_limit_once_unpacked_is_refused(library, tmp_path):
    path = tmp_path / "bomb.epub"
    path.write_bytes(bomb_epub(12 * MB))
    assert path.stat().st_size < MB  # small on disk, large unpacked
    refused(library, path, "unpacks to", "over the 5.0 MB limit", MARGIN_MAX_DOCUMENT_MB="5")


# what margin takes in, safely ---------------------------------------------------
def test_scripts_styles_and_remote_resources_are_dropped_and_never_fetched(library, tmp_path, no_network):
    page = tmp_path / "page.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>Page</title><script src='http://example.invalid/a.js'></script>"
        "<link rel='stylesheet' href='https://example.invalid/s.css'><style>p { color: red }</style>"
        "<meta http-equiv='refresh' content='0; url=http://example.invalid/'></head><body>"
        "<p>Visible words.</p><script>document.body.innerHTML = 'replaced'</script>"
        "<img src='http://example.invalid/track.png' onerror='alert(1)'><iframe src='http://example.invalid/'>framed</iframe>"
        "<noscript>no script text</noscript><p onclick='alert(2)'>More words.</p></body></html>",
        encoding="utf-8",
    )
    result = import_file(library, page)
    assert result.exit_code == 0, result.output
    with Store.open(library, author="ada") as store:
        document = store.documents.resolve("Page")
        text = store.documents.text(document.version_id)
    assert "Visible words." in text and "More words." in text
    for hidden in ("innerHTML", "replaced", "color: red", "alert", "framed", "no script text", "example.invalid"):
        assert hidden not in text
    assert no_network == []


def test_an_epub_cannot_pull_in_local_files_or_the_network(library, tmp_path, no_network):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-WORDS-ON-DISK", encoding="utf-8")
    doctype = f'<!DOCTYPE package [<!ENTITY leak SYSTEM "file://{secret}"><!ENTITY remote SYSTEM "http://example.invalid/x">]>'
    chapter = xhtml(
        f"<p>Readable chapter.</p><img src='file://{secret}'/><img src='http://example.invalid/i.png'/>"
        "<script>steal()</script><style>p{}</style>"
    )
    book = tmp_path / "book.epub"
    book.write_bytes(epub({"OEBPS/c.xhtml": chapter}, package=opf({"c": "c.xhtml"}, doctype=doctype, title="Book &leak;&remote;")))
    # Entity declarations are refused outright (defusedxml), in the package as anywhere else.
    message = refused(library, book, "declares XML entities")
    assert "SECRET" not in message

    book.write_bytes(epub({"OEBPS/c.xhtml": chapter}, package=opf({"c": "c.xhtml"})))
    result = import_file(library, book)
    assert result.exit_code == 0, result.output
    with Store.open(library, author="ada") as store:
        document = store.documents.resolve("A Hostile")
        text = store.documents.text(document.version_id)
    assert text == "Readable chapter."

    # A manifest entry leading out of the book is looked for inside the archive only, and is not there.
    book.write_bytes(epub({"OEBPS/c.xhtml": chapter}, package=opf({"c": "c.xhtml", "o": "../../secret.txt"})))
    message = refused(library, book, "not a valid EPUB")
    assert "SECRET" not in message
    assert no_network == []


def test_invalid_utf8_in_a_file_is_read_with_a_warning(library, tmp_path):
    path = tmp_path / "legacy.txt"
    path.write_bytes("Café société, naïve façade.\n".encode("cp1252") + b"\xff\xfe\x81 stray bytes\n")
    result = import_file(library, path)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "not UTF-8" in warnings[0]
    with Store.open(library, author="ada") as store:
        text = store.documents.text(store.documents.resolve("legacy").version_id)
    assert "stray bytes" in text and "soci" in text  # which code page was guessed is the decoder's business


def test_invalid_utf8_on_the_command_line_is_one_line(library, tmp_path, monkeypatch):
    """Bytes that are not UTF-8 reach Python as lone surrogates; SQLite cannot store them."""
    logs = tmp_path / "logs"
    monkeypatch.setenv("MARGIN_LOG_DIR", str(logs))
    with Store.open(library, author="ada") as store:
        document = store.documents.all()[0]
        made = store.annotations.create(document, anchor_span(store.documents.text(document.version_id), 0, 6))
    before = fingerprint(library)
    for args in ([b"note", made.id.encode(), b"bad \xff\xfe bytes"], [b"tag", made.id.encode(), b"Theme/\xff"],
                 [b"tags", b"add", b"Person:\xc3("]):
        result = subprocess.run(
            [sys.executable.encode(), b"-m", b"reader.cli", b"--db", str(library).encode(), *args],
            cwd=ROOT, capture_output=True, timeout=120,
        )
        stderr = result.stderr.decode("utf-8", "replace")
        assert result.returncode == 1, stderr
        assert stderr.startswith("Error: some text is not valid UTF-8") and stderr.count("\n") == 1, stderr
        assert stderr.rstrip().endswith("nothing was changed"), stderr
        assert fingerprint(library) == before
    assert not logs.exists() or not any(logs.iterdir())  # said plainly, not as a failure with a log to read


# VmHWM, not ru_maxrss: the latter keeps the test process's size across exec (see tests/hostile/peak.py).
PEAK_RSS = """
import sys
from reader.cli import cli
code = cli.main(sys.argv[1:], prog_name="margin", standalone_mode=False)
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print("peak-rss-mb", peak // 1024, file=sys.stderr)
sys.exit(code or 0)
"""


def peak_rss(db_path: Path, path: Path, **env: str) -> tuple[int, int, str]:
    """Import *path* in a fresh process; its exit status, peak memory in MB and other stderr."""
    import os

    result = subprocess.run(
        [sys.executable, "-c", PEAK_RSS, "--db", str(db_path), "import", str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ, **env},
    )
    lines = result.stderr.strip().splitlines()
    peak = int(lines[-1].split()[-1])
    return result.returncode, peak, "\n".join(lines[:-1])


def test_a_decompression_bomb_is_refused_before_it_takes_memory(library, tmp_path):
    """The guard is real: without it the book would unpack to 100 MB in memory."""
    small = tmp_path / "small.epub"
    small.write_bytes(good_epub())
    bomb = tmp_path / "bomb.epub"
    bomb.write_bytes(bomb_epub(100 * MB))
    code, baseline, _ = peak_rss(library, small, MARGIN_MAX_DOCUMENT_MB="20")
    assert code == 0
    code, peak, errors = peak_rss(library, bomb, MARGIN_MAX_DOCUMENT_MB="20")
    assert code == 1 and errors.startswith("Error: bomb.epub: unpacks to"), errors
    print(f"peak memory: small book {baseline} MB, 100 MB bomb refused at {peak} MB")
    assert peak < baseline + 60


def test_a_10_mb_line_without_a_newline_imports(library, tmp_path):
    path = tmp_path / "one-line.txt"
    line = ("word " * (2 * MB))[: 10 * MB]
    path.write_text(line, encoding="utf-8")
    code, peak, errors = peak_rss(library, path)
    assert code == 0, errors
    print(f"peak memory importing a 10 MB single line: {peak} MB")
    with Store.open(library, author="ada") as store:
        document = store.documents.resolve("one-line")
        assert store.documents.text(document.version_id) == line
        assert examine(store.db).ok


# every naughty string, everywhere ------------------------------------------------
@pytest.fixture
def naughty(shared) -> list[str]:
    """Every non-blank line of blns.txt, split on newlines only (it holds other line breaks on purpose)."""
    raw = (shared / "corpus" / "unicode" / "blns.txt").read_bytes()
    return [line.decode("utf-8") for line in raw.split(b"\n") if line.strip()]


def test_every_naughty_string_as_a_document(store, tmp_path, naughty):
    stored = 0
    for number, line in enumerate(naughty):
        path = tmp_path / f"naughty-{number}.txt"
        path.write_bytes(line.encode("utf-8"))
        try:
            source = read_source(path)
        except FormatError as error:
            assert "\n" not in str(error) and path.name in str(error)
            continue
        assert source.document.text == normalise(line)
        result = store.documents.import_loaded(str(path), source.sha256, source.document)
        assert store.documents.text(result.document.version_id) == source.document.text
        stored += 1
    assert stored > len(naughty) * 0.9
    assert examine(store.db).ok


def test_every_naughty_string_as_a_note(store, naughty):
    document = add_document(store)
    annotation = store.annotations.create(document, anchor_span(store.documents.text(document.version_id), 0, 6))
    for number, line in enumerate(naughty):
        store.annotations.set_note(annotation.id, line)
        assert store.annotations.get(annotation.id).note == line
        indexed = store.db.execute(
            "SELECT note FROM notes_fts WHERE rowid = (SELECT rowid FROM annotations WHERE id = ?)", (annotation.id,)
        ).fetchall()
        assert indexed == ([(line,)] if line.strip() else [])
        try:
            if number % 4 == 0:
                store.search.notes(line)
        except MarginError as error:  # e.g. nothing searchable in it: one line, not a crash
            assert "\n" not in str(error)
    assert examine(store.db).ok


def test_every_naughty_string_as_a_tag(store, naughty):
    document = add_document(store)
    annotation = store.annotations.create(document, anchor_span(store.documents.text(document.version_id), 0, 6))
    refused_tags = 0
    for number, line in enumerate(naughty):
        try:
            if number % 10 == 0:  # through an annotation, as `margin tag` does
                tag = next(t for t in store.annotations.add_tags(annotation.id, [line]).tags if t.id == store.tags.resolve(line).id)
            else:
                tag = store.tags.ensure(line)
        except MarginError as error:
            assert "\n" not in str(error)
            refused_tags += 1
            continue
        spec = parse_tag_spec(line, store.tags.entity_types())
        assert store.tags.resolve(line).id == tag.id
        assert tag.name.casefold() == spec.name.casefold() or spec.name.casefold() in (a.casefold() for a in tag.aliases)
    assert refused_tags < len(naughty) * 0.1
    assert examine(store.db).ok


def test_every_naughty_string_as_a_title(store, naughty):
    for number, line in enumerate(naughty):
        titled = add_document(store, f"Document {number}: {hashlib.sha256(line.encode()).hexdigest()}", line, f"/n/{number}.txt")
        assert store.documents.get(titled.id).title == line
    assert examine(store.db).ok
