"""Reading an uploaded table (.xlsx, .csv, .json) into headers and rows of text, refusing what is unsafe.

Each refusal is a ValidationError with a translated message the wizard shows as it is:
- files over the size limit, empty files, other formats (the bytes decide, not the file name);
- an .xlsx whose zip parts would expand beyond a limit or by a suspicious ratio (a "zip bomb"): the
  sizes are read from the zip directory before openpyxl decompresses anything;
- a .csv in neither UTF-8 nor GB18030 (the two encodings Excel and WPS write in China), or with NUL bytes;
- a .json that is not a list of objects.
Formula cells are not evaluated: an .xlsx is opened with formulas as text, and a cell whose text starts
with "=" is reported as a row error by the wizard (see `FORMULA`), never stored or computed.

Hand-written around openpyxl and the standard library: no library does the size and zip checks before
opening, and the rest is the glue between them.
"""

import csv
import datetime
import io
import json
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook

FORMULA = "="  # a cell starting with this would be a formula in a spreadsheet program

# An .xlsx is a zip of XML parts; real sheets compress 5–20 times. A part expanding more than
# MAX_RATIO times, or all parts beyond the limit, is refused before decompression.
MAX_RATIO = 200
MAX_ZIP_MEMBERS = 2000


@dataclass
class Table:
    """What a file held: its format, the encoding of a .csv, the header row and the data rows (text)."""

    format: str
    headers: list[str]
    rows: list[list[str]]
    encoding: str = ""
    warnings: list[str] = field(default_factory=list)


def _limits() -> tuple[int, int, int]:
    conf = settings.KEQIAO
    return conf["IMPORT_MAX_BYTES"], conf["IMPORT_MAX_UNCOMPRESSED_BYTES"], conf["IMPORT_MAX_ROWS"]


def cell_text(value) -> str:
    """A cell as text: dates as ISO dates, whole numbers without ".0", other values as written."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(Decimal(str(value)))
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list | tuple):
        return "；".join(cell_text(v) for v in value)
    return str(value).strip()


def _too_large(max_bytes: int) -> ValidationError:
    return ValidationError(
        _("The file is too large: at most %(mb)d MB is allowed."),
        code="too_large",
        params={"mb": max(1, max_bytes // (1024 * 1024))},
    )


def _check_zip(data: bytes, max_uncompressed: int) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ValidationError(_("The .xlsx file is damaged and cannot be opened."), code="corrupt") from exc
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ValidationError(_("The .xlsx file has too many parts to be a spreadsheet."), code="zip_bomb")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > max_uncompressed or (
            info.compress_size
            and info.file_size / info.compress_size > MAX_RATIO
            and info.file_size > 1_000_000
        ):
            raise ValidationError(
                _("The .xlsx file expands to far more data than a spreadsheet holds; it was not opened."),
                code="zip_bomb",
            )
    if total > max_uncompressed:
        raise ValidationError(
            _("The .xlsx file expands to far more data than a spreadsheet holds; it was not opened."),
            code="zip_bomb",
        )
    if "xl/workbook.xml" not in archive.namelist():
        raise ValidationError(_("The file is a zip archive but not an .xlsx workbook."), code="type")


def _trim(rows: list[list[str]]) -> list[list[str]]:
    """Drop rows that are entirely empty (spreadsheets often keep formatted empty rows at the end)."""
    return [row for row in rows if any(cell for cell in row)]


def _read_xlsx(data: bytes, max_rows: int) -> Table:
    # read_only: rows are streamed from the sheet's XML; data_only=False: a formula comes back as its
    # text ("=SUM(A1:A3)"), never as a value computed by someone else's spreadsheet program.
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        raise ValidationError(_("The .xlsx file is damaged and cannot be opened."), code="corrupt") from exc
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[str]] = []
        for values in sheet.iter_rows(values_only=True):
            if len(rows) > max_rows + 1:
                raise _too_many_rows(max_rows)
            rows.append([cell_text(v) for v in values])
    finally:
        workbook.close()
    return _table("xlsx", _trim(rows), max_rows)


def _too_many_rows(max_rows: int) -> ValidationError:
    return ValidationError(
        _("The file has more than %(max)d rows; split it into several files."),
        code="too_many_rows",
        params={"max": max_rows},
    )


def _table(fmt: str, rows: list[list[str]], max_rows: int, encoding: str = "") -> Table:
    if not rows:
        raise ValidationError(_("The file has no rows."), code="empty")
    headers = [h.strip() for h in rows[0]]
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        raise ValidationError(_("The first row must hold the column names."), code="headers")
    data = [(row + [""] * len(headers))[: len(headers)] for row in rows[1:]]
    if len(data) > max_rows:
        raise _too_many_rows(max_rows)
    if not data:
        raise ValidationError(_("The file has column names but no data rows."), code="empty")
    return Table(format=fmt, headers=headers, rows=data, encoding=encoding)


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a .csv and its encoding: UTF-8 (with or without BOM) first, then GB18030."""
    if b"\x00" in data:
        raise ValidationError(
            _("The file contains NUL bytes: it is not a text file (save it as CSV UTF-8 or as .xlsx)."),
            code="encoding",
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), "GB18030" if encoding == "gb18030" else "UTF-8"
        except UnicodeDecodeError:
            continue
    raise ValidationError(
        _("The file is neither UTF-8 nor GB18030 text; save it again as “CSV UTF-8” or as .xlsx."),
        code="encoding",
    )


def _read_csv(data: bytes, max_rows: int) -> Table:
    text, encoding = decode_text(data)
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[str]] = []
    for row in csv.reader(io.StringIO(text), dialect):
        if len(rows) > max_rows + 1:
            raise _too_many_rows(max_rows)
        rows.append([cell.strip() for cell in row])
    return _table("csv", _trim(rows), max_rows, encoding)


def _read_json(data: bytes, max_rows: int) -> Table:
    try:
        payload = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValidationError(_("The file is not valid JSON in UTF-8."), code="json") from exc
    if isinstance(payload, dict) and isinstance(payload.get("records"), list):
        payload = payload["records"]
    if not isinstance(payload, list) or not all(isinstance(item, dict) for item in payload):
        raise ValidationError(
            _("A JSON file must hold a list of records (objects), or an object with a “records” list."),
            code="json",
        )
    headers: list[str] = []
    for item in payload[: max_rows + 1]:
        for key in item:
            if str(key) not in headers:
                headers.append(str(key))
    rows = [headers] + [[cell_text(item.get(h)) for h in headers] for item in payload]
    return _table("json", rows, max_rows)


def read_table(uploaded) -> Table:
    """The table in an uploaded file (a Django UploadedFile or any object with name, size and read())."""
    max_bytes, max_uncompressed, max_rows = _limits()
    size = getattr(uploaded, "size", None)
    if size is not None and size > max_bytes:
        raise _too_large(max_bytes)
    data = uploaded.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    name = (getattr(uploaded, "name", "") or "").lower()
    if data[:4] == b"PK\x03\x04":
        _check_zip(data, max_uncompressed)
        return _read_xlsx(data, max_rows)
    if name.endswith((".xlsx", ".xlsm", ".xls")):
        raise ValidationError(
            _(
                "The file is named like a spreadsheet but is not an .xlsx workbook (old .xls files: save as .xlsx)."
            ),
            code="type",
        )
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if name.endswith(".json") or stripped[:1] in (b"[", b"{"):
        return _read_json(data, max_rows)
    if name.endswith((".csv", ".txt", ".tsv")) or not name:
        return _read_csv(data, max_rows)
    raise ValidationError(_("Upload an .xlsx, .csv or .json file."), code="type")
