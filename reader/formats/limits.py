"""How much a document may cost to read: memory is bounded by refusing, never by running out.

One number bounds it: the largest document margin reads (200 MB unless
``MARGIN_MAX_DOCUMENT_MB`` or ``max_document_mb`` in the config says
otherwise). It applies to the file on disk, to what an EPUB's archive
unpacks to (checked from the archive's directory before anything is
unpacked, and enforced while unpacking, since a member cannot yield more
than its declared size, and each member is read once), to the characters
of text a book yields, and to the text a PDF yields. HTML, whose parse takes
many times its size in memory, has a stricter bound of its own
(:func:`check_markup_size`); the numbers live in :mod:`annotations.limits`.
"""

from __future__ import annotations

import io

from annotations.errors import FormatError
from annotations.limits import current, over

#: The default limit, in bytes, when neither the environment nor the config sets one.
DEFAULT_MAX_BYTES = 200 * 1024 * 1024

#: Members an archive may have: books have hundreds; a million tiny entries is an attack on time.
MAX_ARCHIVE_MEMBERS = 20_000

_HOW_TO_RAISE = "raise it with MARGIN_MAX_DOCUMENT_MB or max_document_mb in the config"


def megabytes(size: int) -> str:
    """A size for people: ``3.2 MB``, ``250 MB``."""
    value = size / (1024 * 1024)
    return f"{value:.1f} MB" if value < 10 else f"{value:,.0f} MB"


def too_large(name: str, what: str, size: int, limit: int) -> FormatError:
    """The one-line refusal for anything over the limit, saying by how much and how to raise it."""
    shown = megabytes(size) if megabytes(size) != megabytes(limit) else f"{size:,} bytes"
    return FormatError(f"{name}: {what} {shown}, over the {megabytes(limit)} limit ({_HOW_TO_RAISE})")


def check_markup_size(name: str, size: int) -> None:
    """Refuse HTML larger than the HTML limit: parsing takes about 120 times the file's size in memory,
    so HTML has a bound of its own, stricter than other text (``MARGIN_MAX_HTML_MB``, 16 MB unless set)."""
    limit = current().html_bytes
    if size > limit:
        raise over(name, "is HTML of", size, limit, "html_bytes")


def check_archive(data: bytes, name: str, limit: int, kind: str) -> None:
    """Refuse a ZIP that would unpack to more than *limit*, has too many entries, or names paths outside itself.

    Nothing is unpacked here: the central directory says what each member
    holds, and :mod:`zipfile` never yields more than that from a member.
    """
    # Here, not at the top: zipfile is 1.2 MB of modules the reader would hold all the while for
    # nothing, since it reads this package only to see whether a book's file changed.
    import zipfile

    from annotations.interchange.zipped import unsafe_member_name

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise FormatError(f"{name}: not a valid {kind} (damaged ZIP archive: {exc})") from exc
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise FormatError(f"{name}: has {len(members):,} entries, more than the {MAX_ARCHIVE_MEMBERS:,} margin reads; refused")
    names = [member.filename.replace("\\", "/") for member in members]
    if len(set(names)) != len(names):
        twice = next(n for n in names if names.count(n) > 1)
        shown = twice.encode("unicode_escape").decode("ascii")[:80]
        raise FormatError(f"{name}: holds two entries named {shown}; refused")
    for member in members:
        if unsafe_member_name(member.filename):
            shown = member.filename.encode("unicode_escape").decode("ascii")[:80]
            raise FormatError(f"{name}: has an entry that points outside the {kind} ({shown}); refused")
    unpacked = sum(member.file_size for member in members)
    if unpacked > limit:
        raise too_large(name, "unpacks to", unpacked, limit)


__all__ = ["DEFAULT_MAX_BYTES", "check_archive", "check_markup_size", "megabytes", "too_large"]
