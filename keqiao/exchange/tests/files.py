"""Files for the import tests: .xlsx, .csv and .json built in memory."""

import io
import json
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

HEADERS = ["外部编号", "成果名称", "技术领域", "成果简介", "关键词", "完成人"]


def rows(n: int = 3, changes: dict | None = None) -> list[list]:
    """`n` valid achievement rows; `changes` = {row index: {column index: value}}."""
    out = [
        [
            f"EXT-{i}",
            f"竹纤维复合材料技术第{i}号",
            "新材料及其应用",
            f"以眉山慈竹为原料的复合板材工艺，第{i}种配方，已完成中试。",
            "竹；复合材料",
            "陈竹；刘林",
        ]
        for i in range(1, n + 1)
    ]
    for index, cells in (changes or {}).items():
        for column, value in cells.items():
            out[int(index)][column] = value
    return out


def xlsx(data: list[list], headers=HEADERS, name="成果.xlsx") -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in data:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def csv_file(data: list[list], headers=HEADERS, encoding="utf-8", name="成果.csv") -> SimpleUploadedFile:
    text = "\n".join(",".join(map(str, row)) for row in [headers, *data])
    return SimpleUploadedFile(name, text.encode(encoding))


def json_file(records, name="成果.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, json.dumps(records, ensure_ascii=False).encode())


def zip_bomb(name="bomb.xlsx", size=300 * 1024 * 1024) -> SimpleUploadedFile:
    """A zip named .xlsx whose one part expands to `size` bytes of zeros (a few hundred KB compressed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                part.write(chunk)
    return SimpleUploadedFile(name, out.getvalue())
