"""Spreadsheet export of registered technology contracts (技术合同登记表), for the registration office.

The columns and their names follow the national registration system's fields and are Chinese
whatever the user's language; choices are written as their Chinese labels, amounts as numbers with
two decimals and dates as dates, so the sheet can be summed and filtered as it is.
"""

from decimal import Decimal

from django.db.models import QuerySet
from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from keqiao.common.spreadsheets import safe_text, text_cell, workbook_bytes  # noqa: F401 (safe_text: public)

from .models import Contract

SHEET_TITLE = "技术合同登记"
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"


# (header, value of a contract, kind: "text", "money" or "date", width in characters)
class _label:
    """A column showing a choice field's label. The labels are looked up once per export (Django's
    get_FOO_display rebuilds its mapping on every call, which was half the time of a large export)."""

    labels: dict[str, dict] = {}

    def __init__(self, field: str):
        self.field = field

    def __call__(self, contract) -> str:
        return self.labels[self.field].get(getattr(contract, self.field), "")

    @classmethod
    def load(cls) -> None:
        names = {column[1].field for column in COLUMNS if isinstance(column[1], cls)}
        cls.labels = {n: {k: str(v) for k, v in Contract._meta.get_field(n).flatchoices} for n in names}


COLUMNS = [
    ("登记编号", lambda c: c.registration_number or "", "text", 16),
    ("项目名称", lambda c: c.project_name, "text", 40),
    ("合同类型", _label("contract_type"), "text", 16),
    ("技术转让/许可标的", _label("transfer_object"), "text", 18),
    ("许可方式", _label("licence_kind"), "text", 10),
    ("卖方名称", lambda c: c.seller_name, "text", 30),
    ("卖方性质", _label("seller_nature"), "text", 18),
    ("卖方所在地区代码", lambda c: c.seller_region_code, "text", 10),
    ("买方名称", lambda c: c.buyer_name, "text", 30),
    ("买方性质", _label("buyer_nature"), "text", 18),
    ("买方所在地区代码", lambda c: c.buyer_region_code, "text", 10),
    ("合同成交额（元）", lambda c: c.contract_amount, "money", 16),
    ("技术交易额（元）", lambda c: c.technology_amount, "money", 16),
    ("签订日期", lambda c: c.signed_on, "date", 12),
    ("起始日期", lambda c: c.starts_on, "date", 12),
    ("终止日期", lambda c: c.ends_on, "date", 12),
    ("支付方式", _label("payment_method"), "text", 14),
    ("关联交易", lambda c: "是" if c.related_party else "否", "text", 8),
    ("知识产权类型", _label("ip_type"), "text", 16),
    ("技术领域", _label("tech_field"), "text", 18),
    ("社会经济目标", _label("socio_economic_objective"), "text", 18),
    ("计划来源", _label("plan_source"), "text", 12),
    ("登记日期", lambda c: c.registered_on, "date", 12),
]
HEADERS = [header for header, *_rest in COLUMNS]


def _width(header: str, base: int) -> int:
    # CJK characters take about two columns of width.
    return max(base, 2 * len(header) + 2)


def contracts_xlsx(queryset: QuerySet[Contract]) -> bytes:
    """An .xlsx workbook with one row per approved contract of `queryset`, by registration date.

    Written in openpyxl's write-only mode (rows streamed, not kept as cell objects), which keeps a year of
    a busy city's contracts to seconds and little memory.
    """
    contracts = queryset.registered().order_by("registered_on", "registration_number", "pk")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET_TITLE)
    ws.freeze_panes = "A2"
    for col, (header, _value_of, _kind, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = _width(header, width)
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="E8EEF7")
    header_alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    header_row = []
    for header in HEADERS:
        cell = WriteOnlyCell(ws, value=header)
        cell.font, cell.fill, cell.alignment = header_font, header_fill, header_alignment
        header_row.append(cell)
    ws.append(header_row)

    rows = 1
    with translation.override("zh-hans"):
        _label.load()
        for contract in contracts.iterator(chunk_size=2000):
            row = []
            for _header, value_of, kind, _w in COLUMNS:
                value = value_of(contract)
                if kind == "money":
                    cell = WriteOnlyCell(ws, value=Decimal(value))
                    cell.number_format = MONEY_FORMAT
                elif kind == "date":
                    cell = WriteOnlyCell(ws, value=value)
                    cell.number_format = DATE_FORMAT
                else:
                    cell = text_cell(ws, value)
                row.append(cell)
            ws.append(row)
            rows += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{rows}"

    return workbook_bytes(wb)
