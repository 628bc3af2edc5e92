"""Files the site hands out (spreadsheets, PDF reports, uploaded attachments): one response shape for all.

Every download names its file in Content-Disposition twice (RFC 6266): ``filename="…"`` in ASCII for old
clients, and ``filename*=UTF-8''…`` with the real (usually Chinese) name that current browsers use.
"""

import unicodedata
from urllib.parse import quote

from django.http import FileResponse, HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
_ASCII_KEEP = " ._-()"


def ascii_filename(filename: str, fallback: str = "") -> str:
    """An ASCII name for old clients: `fallback` if given, else `filename` without its other characters
    (accents folded), keeping its extension; "download" plus the extension when nothing is left."""
    name = fallback or unicodedata.normalize("NFKD", filename)
    kept = "".join(ch for ch in name if ch.isascii() and (ch.isalnum() or ch in _ASCII_KEEP)).strip(" .")
    stem, dot, ext = filename.rpartition(".")
    if not kept or kept.startswith(".") or (dot and kept == ext):
        kept = f"download.{ext}" if dot and ext.isascii() and ext.isalnum() else "download"
    return kept


def content_disposition(filename: str, *, ascii_name: str = "", inline: bool = False) -> str:
    """The Content-Disposition value naming `filename`, with an ASCII fallback."""
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_filename(filename, ascii_name)}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _protect(response: HttpResponse) -> HttpResponse:
    # never sniffed, never kept by shared caches: downloads hold the caller's private figures or files
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def attachment_response(
    content: bytes, filename: str, content_type: str, *, ascii_name: str = ""
) -> HttpResponse:
    """Generated `content` (a workbook, a PDF) as a download named `filename`."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, ascii_name=ascii_name)
    return _protect(response)


def file_response(file, filename: str, content_type: str, *, inline: bool = False) -> FileResponse:
    """A stored file (an upload) streamed under its original `filename`; `inline` lets the browser show
    it instead of saving it."""
    response = FileResponse(file, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    return _protect(response)
