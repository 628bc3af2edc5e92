"""Spreadsheet export of registered technology contracts (技术合同登记表), for the registration office.

The columns and their names follow the national registration system's fields and are Chinese
whatever the user's language; choices are written as their Chinese labels, amounts as numbers with
two decimals and dates as dates, so the sheet can be summed and filtered as it is.
"""

import io
import re
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from . import choices
from .models import Contract

SHEET_TITLE = "技术合同登记"
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
# Text a spreadsheet program would read as a formula (or a DDE call): =, +, -, @, tab, carriage return.
FORMULA_START = re.compile(r"^[=+\-@\t\r]")

# (header, value of a contract, kind: "text", "money" or "date", width in characters)
COLUMNS = [
    ("登记编号", lambda c: c.registration_number or "", "text", 16),
    ("项目名称", lambda c: c.project_name, "text", 40),
    ("合同类型", lambda c: c.get_contract_type_display(), "text", 16),
    ("技术转让/许可标的", lambda c: c.get_transfer_object_display(), "text", 18),
    ("许可方式", lambda c: c.get_licence_kind_display(), "text", 10),
    ("卖方名称", lambda c: c.seller_name, "text", 30),
    ("卖方性质", lambda c: c.get_seller_nature_display(), "text", 18),
    ("卖方所在地区代码", lambda c: c.seller_region_code, "text", 10),
    ("买方名称", lambda c: c.buyer_name, "text", 30),
    ("买方性质", lambda c: c.get_buyer_nature_display(), "text", 18),
    ("买方所在地区代码", lambda c: c.buyer_region_code, "text", 10),
    ("合同成交额（元）", lambda c: c.contract_amount, "money", 16),
    ("技术交易额（元）", lambda c: c.technology_amount, "money", 16),
    ("签订日期", lambda c: c.signed_on, "date", 12),
    ("起始日期", lambda c: c.starts_on, "date", 12),
    ("终止日期", lambda c: c.ends_on, "date", 12),
    ("支付方式", lambda c: c.get_payment_method_display(), "text", 14),
    ("关联交易", lambda c: "是" if c.related_party else "否", "text", 8),
    ("知识产权类型", lambda c: c.get_ip_type_display(), "text", 16),
    ("技术领域", lambda c: c.get_tech_field_display(), "text", 18),
    ("社会经济目标", lambda c: c.get_socio_economic_objective_display(), "text", 18),
    ("计划来源", lambda c: c.get_plan_source_display(), "text", 12),
    ("登记日期", lambda c: c.registered_on, "date", 12),
]
HEADERS = [header for header, *_rest in COLUMNS]


def safe_text(value) -> str:
    """Text as a spreadsheet shows it: never a formula, never a character XML forbids."""
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value or ""))
    return "'" + text if FORMULA_START.match(text) else text


def _width(header: str, base: int) -> int:
    # CJK characters take about two columns of width.
    return max(base, 2 * len(header) + 2)


def contracts_xlsx(queryset: QuerySet[Contract]) -> bytes:
    """An .xlsx workbook with one row per approved contract of `queryset`, by registration date."""
    contracts = queryset.filter(status=choices.ContractStatus.APPROVED).order_by(
        "registered_on", "registration_number", "pk"
    )
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    ws.append(HEADERS)
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="E8EEF7")
    for cell in ws[1]:
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.freeze_panes = "A2"

    with translation.override("zh-hans"):
        for row_number, contract in enumerate(contracts.iterator(chunk_size=500), start=2):
            for col, (_header, value_of, kind, _w) in enumerate(COLUMNS, start=1):
                value = value_of(contract)
                cell = ws.cell(row=row_number, column=col)
                if kind == "money":
                    cell.value = Decimal(value)
                    cell.number_format = MONEY_FORMAT
                elif kind == "date":
                    cell.value = value
                    cell.number_format = DATE_FORMAT
                else:
                    cell.value = safe_text(value)

    for col, (header, _value_of, _kind, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = _width(header, width)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(ws.max_row, 1)}"

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
