"""The registration certificate (技术合同登记证明) as a PDF, and what the public verification page shows.

The PDF prints only the certificate's frozen `printed` content and a QR code of the public verification
URL (reportlab's own QR widget); the page behind it shows the same fields and whether the register entry's
SM3 hash and SM2 signature hold. Neither shows anything else of the contract.
"""

import io
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from keqiao.common import pdf
from keqiao.common.money import format_yuan

from . import choices
from .register_models import Certificate


def verification_url(certificate: Certificate) -> str:
    """The absolute URL the QR code carries."""
    return settings.SITE_URL.rstrip("/") + reverse("contracts:certificate_verify", args=[certificate.code])


@dataclass
class PrintedField:
    label: str
    value: str
    key: str


def _type_label(code: str) -> str:
    try:
        return str(choices.ContractType(code).label)
    except ValueError:
        return code


def printed_fields(certificate: Certificate) -> list[PrintedField]:
    """The certificate's fields, labelled in the active language, in print order."""
    data = certificate.printed
    rows = [
        PrintedField(_("Registration number"), data.get("registration_number", ""), "registration_number"),
        PrintedField(_("Contract name"), data.get("project_name", ""), "project_name"),
        PrintedField(_("Contract type"), _type_label(data.get("contract_type", "")), "contract_type"),
        PrintedField(_("Seller"), data.get("seller_name", ""), "seller_name"),
        PrintedField(_("Buyer"), data.get("buyer_name", ""), "buyer_name"),
        PrintedField(
            _("Registered amount (yuan)"), format_yuan(data.get("contract_amount")), "contract_amount"
        ),
    ]
    if data.get("technology_income") is not None:
        rows.append(
            PrintedField(
                _("Verified technology income (yuan)"),
                format_yuan(data["technology_income"]),
                "technology_income",
            )
        )
    rows += [
        PrintedField(_("Registration date"), data.get("registered_on") or "", "registered_on"),
        PrintedField(_("Issued on"), data.get("issued_on") or "", "issued_on"),
        PrintedField(_("Registration office"), data.get("office", ""), "office"),
    ]
    return rows


def certificate_pdf(certificate: Certificate) -> bytes:
    """The certificate as an A4 PDF in the active language, with the QR code of its verification page."""
    # heavy (~150 ms to import): reportlab is loaded only when a PDF is made
    from reportlab.graphics.barcode.qr import QrCodeWidget  # reportlab: PDF only
    from reportlab.graphics.shapes import Drawing  # reportlab: PDF only
    from reportlab.lib import colors  # reportlab: PDF only
    from reportlab.lib.pagesizes import A4  # reportlab: PDF only
    from reportlab.lib.styles import ParagraphStyle  # reportlab: PDF only
    from reportlab.lib.units import mm  # reportlab: PDF only
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle  # PDF only

    font = pdf.cjk_font()
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=16, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=11)
    title = ParagraphStyle("title", parent=body, fontSize=20, leading=28, alignment=1, spaceAfter=8 * mm)

    def p(text, style=body):
        return pdf.paragraph(text, style)

    buffer = io.BytesIO()
    number = certificate.printed.get("registration_number", "")
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=25 * mm,
        bottomMargin=20 * mm,
        title=f"{_('Technology contract registration certificate')} {number}",
        author=certificate.printed.get("office", ""),
    )
    table = Table(
        [[p(row.label), p(row.value)] for row in printed_fields(certificate)],
        colWidths=[48 * mm, None],
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f4f7")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    url = verification_url(certificate)
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    size = 34 * mm
    qr = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    qr.add(widget)
    footer = Table(
        [
            [
                qr,
                [
                    p(
                        _("Scan the code or open the address below to check that this certificate is valid."),
                        small,
                    ),
                    Spacer(1, 2 * mm),
                    p(url, small),
                    Spacer(1, 2 * mm),
                    p(_("Verification code: %(code)s") % {"code": certificate.code}, small),
                    p(
                        _("Register entry %(sequence)d, SM3 %(hash)s")
                        % {
                            "sequence": certificate.entry.sequence,
                            "hash": certificate.entry.row_hash,
                        },
                        small,
                    ),
                ],
            ]
        ],
        colWidths=[40 * mm, None],
    )
    footer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story = [
        p(_("Technology contract registration certificate"), title),
        table,
        Spacer(1, 10 * mm),
        p(
            _(
                "This contract has been recognised and registered under the Administrative Measures for the "
                "Recognition and Registration of Technology Contracts."
            )
        ),
        Spacer(1, 10 * mm),
        footer,
    ]
    doc.build(story, canvasmaker=pdf.numbered_canvas(font))
    return buffer.getvalue()
