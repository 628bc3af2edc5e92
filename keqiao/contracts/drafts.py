"""Draft contracts from the model texts (技术合同示范文本): a deal's agreed terms poured into the model text
of its contract type, as .docx (python-docx) and PDF (reportlab), for the parties to edit and sign off
the platform.

The texts live in ``model_texts/<version>/<language>/<kind>.txt`` (their format and origin are described
in ``model_texts/README.md``). Party A is the buyer side, party B the technology side, in every kind.
The labels around the text (contract number, place of signing, the signature block) come from the
translation catalogue in the draft's language, so an English draft is English throughout.
"""

import datetime
import io
import re
import string
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

import cn2an
from django.db import models
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keqiao.common import pdf
from keqiao.common.errors import TransitionNotAllowed
from keqiao.common.money import format_yuan
from keqiao.negotiations.choices import DealMode, DealStatus, PaymentMethod
from keqiao.negotiations.models import Deal
from keqiao.negotiations.selectors import deal_visible_to, side_of

TEXTS_DIR = Path(__file__).resolve().parent / "model_texts"
CURRENT_VERSION = "2026.1"
LANGUAGES = ("zh-hans", "en")
_TEXT_LANGUAGE_DIR = {"zh-hans": "zh_Hans", "en": "en"}
DRAFT_STATUSES = (DealStatus.AGREED, DealStatus.REGISTERED, DealStatus.PERFORMING, DealStatus.COMPLETED)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class DraftKind(models.TextChoices):
    """The model texts: 技术开发（委托/合作）, 技术转让（专利权/专利申请权/技术秘密）, 技术许可, 技术咨询, 技术服务."""

    DEV_COMMISSIONED = "dev_commissioned", gettext_lazy("Technology development (commissioned)")
    DEV_COOPERATIVE = "dev_cooperative", gettext_lazy("Technology development (cooperative)")
    TRANSFER_PATENT = "transfer_patent", gettext_lazy("Technology transfer (patent right)")
    TRANSFER_PATENT_APPLICATION = (
        "transfer_patent_application",
        gettext_lazy("Technology transfer (right to apply for a patent)"),
    )
    TRANSFER_KNOW_HOW = "transfer_know_how", gettext_lazy("Technology transfer (technical secret)")
    LICENCE_PATENT = "licence_patent", gettext_lazy("Technology licence (patent exploitation)")
    LICENCE_KNOW_HOW = "licence_know_how", gettext_lazy("Technology licence (technical secret)")
    CONSULTING = "consulting", gettext_lazy("Technical consulting")
    SERVICE = "service", gettext_lazy("Technical service")


PLACEHOLDERS = frozenset(
    {
        "subject",
        "ip_list",
        "price_figures",
        "price_capitals",
        "payment",
        "term_months",
        "territory",
        "licence_kind",
        "other_terms",
        "seller",
    }
)
_LICENCE_MODES = (DealMode.LICENCE_EXCLUSIVE, DealMode.LICENCE_SOLE, DealMode.LICENCE_ORDINARY)
_PATENT_KINDS = ("invention", "utility_model", "design")


@dataclass
class Article:
    heading: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class ModelText:
    title: str
    roles: tuple[str, str]
    articles: list[Article]


@dataclass
class Party:
    role: str
    name: str
    address: str
    contact: str


@dataclass
class Draft:
    """A filled model text, ready to be written as .docx or PDF."""

    kind: str
    language: str
    version: str
    title: str
    subject: str
    party_a: Party
    party_b: Party
    articles: list[Article]
    reference: str
    generated_on: datetime.date

    def numbered_articles(self) -> list[tuple[str, Article]]:
        """The articles with their labels ("第一条", "Article 1")."""
        return [(article_label(n, self.language), a) for n, a in enumerate(self.articles, start=1)]

    @property
    def filename_stem(self) -> str:
        return f"{self.title}-{self.reference}"


class _Text(string.Template):
    # $name only: a text may contain "{" or "%" freely
    braceidpattern = r"(?!)"


def _parse(lines: list[str], common: list[Article] | None) -> tuple[str, tuple[str, str], list[Article]]:
    title, roles, articles = "", ("", ""), []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if line.startswith("## "):
            articles.append(Article(line[3:].strip()))
        elif line.startswith("# "):
            title = line[2:].strip()
        elif line.startswith("roles:"):
            a, _sep, b = line[6:].partition("|")
            roles = (a.strip(), b.strip())
        elif line == "@common":
            if common is None:
                raise ValueError("@common inside the common articles")
            articles.extend(Article(a.heading, list(a.paragraphs)) for a in common)
        elif not articles:
            raise ValueError(f"text before the first article: {line[:40]}")
        else:
            articles[-1].paragraphs.append(line)
    return title, roles, articles


@cache
def model_text(kind: str, language: str, version: str = CURRENT_VERSION) -> ModelText:
    """The model text of `kind` in `language` (``zh-hans`` or ``en``), as stored, placeholders unfilled."""
    kind = DraftKind(kind).value
    folder = TEXTS_DIR / version / _TEXT_LANGUAGE_DIR[language]
    _t, _r, common = _parse((folder / "_common.txt").read_text(encoding="utf-8").splitlines(), None)
    title, roles, articles = _parse((folder / f"{kind}.txt").read_text(encoding="utf-8").splitlines(), common)
    if not title or not all(roles) or not articles:
        raise ValueError(f"model text {version}/{language}/{kind} lacks a title, roles or articles")
    return ModelText(title, roles, articles)


def placeholders_in(text: ModelText) -> set[str]:
    """The placeholder names a model text uses (the tests check they are all known)."""
    found = set()
    for article in text.articles:
        for paragraph in [article.heading, *article.paragraphs]:
            found.update(m.group("named") for m in _Text.pattern.finditer(paragraph) if m.group("named"))
    return found


def available_versions() -> list[str]:
    return sorted(p.name for p in TEXTS_DIR.iterdir() if p.is_dir() and re.fullmatch(r"\d{4}\.\d+", p.name))


def default_kind(deal: Deal) -> str:
    """The model text that fits the deal: by its agreed mode, and for a transfer or licence by whether the
    achievement's IP is a granted patent, a patent application or a technical secret."""
    offer = deal.agreed_offer
    mode = offer.mode if offer else deal.mode
    ip = list(deal.achievement.ip_items.values_list("kind", "status")) if deal.achievement_id else []
    granted = any(kind in _PATENT_KINDS and status == "granted" for kind, status in ip)
    applied = any(kind in _PATENT_KINDS for kind, _status in ip)
    if mode in _LICENCE_MODES:
        return DraftKind.LICENCE_PATENT if applied else DraftKind.LICENCE_KNOW_HOW
    return {
        DealMode.JOINT_DEVELOPMENT: DraftKind.DEV_COOPERATIVE,
        DealMode.COMMISSIONED_DEVELOPMENT: DraftKind.DEV_COMMISSIONED,
        DealMode.CONSULTING: DraftKind.CONSULTING,
        DealMode.SERVICE: DraftKind.SERVICE,
    }.get(
        mode,
        DraftKind.TRANSFER_PATENT
        if granted
        else DraftKind.TRANSFER_PATENT_APPLICATION
        if applied
        else DraftKind.TRANSFER_KNOW_HOW,
    )


def can_draft(deal: Deal) -> bool:
    """Whether the deal has agreed terms to draft a contract from."""
    return deal.status in DRAFT_STATUSES and deal.agreed_offer_id is not None


def _blank(length: int = 8) -> str:
    return "_" * length


def _price_capitals(price: Decimal | None) -> str:
    if price is None:
        return _blank()
    capitals = cn2an.an2cn(f"{price:.2f}", "rmb")
    # 人民币大写 as printed on contracts: the currency named before the amount
    return _("in Chinese capitals: %(capitals)s") % {"capitals": f"人民币{capitals}"}


def _payment_clause(offer) -> str:
    note = (offer.payment_note or "").strip() if offer else ""
    method = offer.payment_method if offer else ""
    if method == PaymentMethod.LUMP_SUM:
        clause = _("Party A shall pay the whole price in one sum within thirty days of the entry into force.")
    elif method == PaymentMethod.INSTALMENTS:
        clause = _(
            "Party A shall pay in instalments: 30 %% within thirty days of the entry into force and the "
            "balance within thirty days of delivery and acceptance."
        ).replace("%%", "%")
    elif method == PaymentMethod.ROYALTY:
        clause = _(
            "Party A shall pay royalties on its sales (or profit) from the technology; the amount above is "
            "the parties' estimate of their total. The rate and settlement are set out in the annex."
        )
    elif method == PaymentMethod.LUMP_SUM_AND_ROYALTY:
        clause = _(
            "Party A shall pay a down payment within thirty days of the entry into force and royalties on "
            "its sales from the technology thereafter, as set out in the annex."
        )
    elif method == PaymentMethod.EQUITY:
        clause = _(
            "The price is paid by valuing the technology as a contribution to Party A's equity; the share "
            "and the registration of the change are set out in the annex."
        )
    else:
        clause = _("The price is paid as set out in the annex.")
    if note:
        clause += " " + _("Agreed details: %(note)s") % {"note": note}
    return clause


def _ip_list(deal: Deal) -> str:
    if not deal.achievement_id:
        return _("(listed by the parties in the annex)")
    items = list(deal.achievement.ip_items.all())
    if not items:
        return _("(listed by the parties in the annex)")
    return "; ".join(
        " ".join(filter(None, [item.number, f"“{item.title}”", f"({item.get_kind_display()})"]))
        for item in items
    )


def _licence_kind(mode: str) -> str:
    return {
        DealMode.LICENCE_EXCLUSIVE: _("an exclusive licence"),
        DealMode.LICENCE_SOLE: _("a sole licence"),
    }.get(mode, _("an ordinary licence"))


def _party(role: str, org) -> Party:
    contact = " ".join(filter(None, [org.contact_name, org.contact_phone]))
    return Party(role=role, name=org.name, address=org.address, contact=contact)


def build_draft(deal: Deal, kind: str, language: str) -> Draft:
    """The model text of `kind` filled with the deal's parties, subject, price and payment terms, in
    `language`. The caller has checked that the user may see the deal and that it can be drafted."""
    if language not in LANGUAGES:
        raise ValueError(language)
    offer = deal.agreed_offer
    with translation.override(language):
        text = model_text(kind, language)
        mode = offer.mode if offer else deal.mode
        price = offer.price if offer else None
        values = {
            "subject": deal.listing.title,
            "ip_list": _ip_list(deal),
            "price_figures": _("RMB %(amount)s yuan") % {"amount": format_yuan(price)}
            if price is not None
            else _blank(),
            "price_capitals": _price_capitals(price),
            "payment": _payment_clause(offer),
            "term_months": str((offer.duration_months if offer else None) or 12),
            "territory": (offer.territory if offer else "") or _("the People's Republic of China"),
            "licence_kind": _licence_kind(mode),
            "other_terms": (offer.note if offer else "") or _("None."),
            "seller": deal.seller.name,
        }
        articles = [
            Article(
                article.heading,
                [_Text(paragraph).substitute(values) for paragraph in article.paragraphs],
            )
            for article in text.articles
        ]
        return Draft(
            kind=kind,
            language=language,
            version=CURRENT_VERSION,
            title=text.title,
            subject=deal.listing.title,
            party_a=_party(text.roles[0], deal.buyer),
            party_b=_party(text.roles[1], deal.seller),
            articles=articles,
            reference=f"D{deal.pk}",
            generated_on=timezone.localdate(),
        )


def article_label(number: int, language: str) -> str:
    """ "第一条" or "Article 1"."""
    if language == "zh-hans":
        return f"第{cn2an.an2cn(number)}条"
    return f"Article {number}"


def _front_matter(draft: Draft) -> list[tuple[str, str]]:
    return [
        (_("Contract number"), _blank(16)),
        (_("Project"), draft.subject),
        (_("Place of signing"), _("Meishan, Sichuan")),
        (_("Date of signing"), _blank(16)),
    ]


def _signature_rows(draft: Draft) -> list[tuple[str, str, str]]:
    a, b = draft.party_a, draft.party_b
    return [
        ("", a.role, b.role),
        (_("Name (seal)"), a.name, b.name),
        (_("Legal representative or authorised agent (signature)"), "", ""),
        (_("Address"), a.address, b.address),
        (_("Contact"), a.contact, b.contact),
        (_("Bank and account"), "", ""),
        (_("Date"), "", ""),
    ]


def _notice(draft: Draft) -> str:
    return _(
        "Draft generated by Keqiao from the agreed terms of deal %(reference)s on %(date)s, from model text "
        "%(version)s. The parties edit it and sign it off the platform; it is not legal advice."
    ) % {"reference": draft.reference, "date": draft.generated_on.isoformat(), "version": draft.version}


def docx_bytes(draft: Draft) -> bytes:
    """The draft as a Word document."""
    # python-docx loads lxml's full parser: imported only when a draft is written
    from docx import Document  # python-docx: drafts only
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # python-docx: drafts only
    from docx.oxml.ns import qn  # python-docx: drafts only
    from docx.shared import Pt  # python-docx: drafts only

    with translation.override(draft.language):
        document = Document()
        normal = document.styles["Normal"]
        normal.font.name = "SimSun" if draft.language == "zh-hans" else "Times New Roman"
        normal.font.size = Pt(11)
        # the East Asian font is a separate attribute Word reads for Chinese characters
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
        core = document.core_properties
        core.title = f"{draft.title} — {draft.subject}"[:250]
        core.comments = _notice(draft)
        notice = document.add_paragraph()
        notice_run = notice.add_run(_notice(draft))
        notice_run.italic = True
        notice_run.font.size = Pt(9)
        heading = document.add_paragraph()
        heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
        heading_run = heading.add_run(draft.title)
        heading_run.bold = True
        heading_run.font.size = Pt(18)
        front = document.add_table(rows=0, cols=2)
        front.style = "Table Grid"
        for label, value in [
            *_front_matter(draft),
            (draft.party_a.role, draft.party_a.name),
            (draft.party_b.role, draft.party_b.name),
        ]:
            cells = front.add_row().cells
            cells[0].text, cells[1].text = label, value
        for label, article in draft.numbered_articles():
            title = document.add_paragraph()
            title.paragraph_format.space_before = Pt(10)
            title_run = title.add_run(f"{label}  {article.heading}")
            title_run.bold = True
            for text in article.paragraphs:
                document.add_paragraph(text)
        document.add_paragraph()
        signatures = document.add_table(rows=0, cols=3)
        signatures.style = "Table Grid"
        for row in _signature_rows(draft):
            cells = signatures.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = value
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()


def pdf_bytes(draft: Draft) -> bytes:
    """The draft as an A4 PDF, marked as a draft on every page."""
    # heavy (~150 ms to import): reportlab is loaded only when a PDF is made
    from reportlab.lib import colors  # reportlab: PDF only
    from reportlab.lib.pagesizes import A4  # reportlab: PDF only
    from reportlab.lib.styles import ParagraphStyle  # reportlab: PDF only
    from reportlab.lib.units import mm  # reportlab: PDF only
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle  # reportlab: PDF only

    with translation.override(draft.language):
        font = pdf.cjk_font()
        body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
        heading = ParagraphStyle("heading", parent=body, fontSize=12, leading=20, spaceBefore=6)
        small = ParagraphStyle("small", parent=body, fontSize=8, leading=11, textColor=colors.grey)
        title = ParagraphStyle("title", parent=body, fontSize=18, leading=26, alignment=1, spaceAfter=6 * mm)
        p = pdf.paragraph
        grid = TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
        front = Table(
            [
                [p(label, body), p(value, body)]
                for label, value in [
                    *_front_matter(draft),
                    (draft.party_a.role, draft.party_a.name),
                    (draft.party_b.role, draft.party_b.name),
                ]
            ],
            colWidths=[45 * mm, None],
        )
        front.setStyle(grid)
        story = [p(_notice(draft), small), Spacer(1, 4 * mm), p(draft.title, title), front, Spacer(1, 4 * mm)]
        for label, article in draft.numbered_articles():
            story.append(p(f"{label}  {article.heading}", heading))
            story.extend(p(text, body) for text in article.paragraphs)
        signatures = Table(
            [[p(cell, body) for cell in row] for row in _signature_rows(draft)],
            colWidths=[40 * mm, None, None],
        )
        signatures.setStyle(grid)
        story += [Spacer(1, 8 * mm), signatures]
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=22 * mm,
            rightMargin=22 * mm,
            topMargin=20 * mm,
            bottomMargin=20 * mm,
            title=f"{draft.title} — {draft.subject}",
            author="Keqiao",
        )
        doc.build(story, canvasmaker=pdf.numbered_canvas(font))
        return buffer.getvalue()


def deal_for_draft(user, pk: int) -> Deal:
    """The deal `user` may draft a contract from: one of its parties' members only (404 for anyone else,
    the bureau and brokers included); a deal without agreed terms is refused with a clear message."""
    deal = deal_visible_to(user, pk)
    if side_of(user, deal) is None:
        raise Http404
    if not can_draft(deal):
        raise TransitionNotAllowed(
            _(
                "A draft contract can be generated once both sides have agreed an offer in the negotiation room."
            )
        )
    return deal
