"""The columns each kind of record can be imported from: the project's template (first column name), the
national registration form's wording and common patent-search exports' wording (aliases), and how a
cell's text becomes a field value.

The template's column names are the Chinese labels of the national achievement registration form (科技成果
登记表, DOMAIN.md §1) where it has one; the patent columns follow the export of the CNIPA search system
(专利检索及分析) and the commercial databases that copy it (申请号, 公开（公告）号, 申请（专利权）人 …).
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from keqiao.achievements import choices as achievement_choices
from keqiao.common.choices import TechField
from keqiao.patents import choices as patent_choices

from .choices import RecordKind

LIST_SPLIT = re.compile(r"[;；,，、\n]+")


@dataclass(frozen=True)
class Column:
    """One importable field: its name, its label, the column names it is recognised by, whether a row
    needs it, how its text is parsed, and an example value for the template."""

    name: str
    label: object
    aliases: tuple[str, ...]
    required: bool = False
    parse: str = "text"  # text, list, date, choice, int, decimal
    choices: tuple = field(default=())
    example: str = ""
    bureau_only: bool = False

    @property
    def template_header(self) -> str:
        return self.aliases[0]


def _choice_words(choices, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Every way a cell may name a choice: its value, its English and its Chinese label (lower-case)."""
    words = {}
    for value, label in choices:
        words[str(value).lower()] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                words[str(label).strip().lower()] = value
    for word, value in (extra or {}).items():
        words[word.lower()] = value
    return words


ACHIEVEMENT_KIND_WORDS = {"应用技术成果": "1", "基础理论成果": "2", "软科学成果": "3", "应用技术": "1"}
STAGE_WORDS = {
    "小试": "lab",
    "实验室": "lab",
    "中试": "pilot",
    "完成中试": "pilot",
    "小规模生产": "small_production",
    "小范围应用": "small_application",
    "大规模应用": "large_application",
    "成熟应用": "large_application",
}
TECH_FIELD_WORDS = {
    "电子信息": "electronic_information",
    "航空航天": "aerospace",
    "先进制造": "advanced_manufacturing",
    "生物、医药和医疗器械": "bio_medicine",
    "生物医药": "bio_medicine",
    "新材料及其应用": "new_materials",
    "新材料": "new_materials",
    "新能源与高效节能": "new_energy",
    "新能源": "new_energy",
    "环境保护与资源综合利用": "environment",
    "核应用": "nuclear",
    "农业": "agriculture",
    "现代交通": "modern_transport",
    "城市建设与社会发展": "urban_social",
}
PATENT_KIND_WORDS = {
    "发明": "invention",
    "发明专利": "invention",
    "发明授权": "invention",
    "发明申请": "invention",
    "实用新型": "utility_model",
    "外观设计": "design",
    "外观": "design",
}

ACHIEVEMENT_COLUMNS = (
    Column(
        "external_id",
        _("External id"),
        ("外部编号", "来源编号", "登记号", "批准登记号", "external_id", "id"),
        example="SC-2025-000123",
    ),
    Column(
        "title",
        _("Achievement name"),
        ("成果名称", "项目名称", "名称", "title"),
        required=True,
        example="高镍三元正极材料低成本连续化制备技术",
    ),
    Column(
        "organization",
        _("First completing organisation"),
        ("第一完成单位", "完成单位", "单位名称", "统一社会信用代码", "organization"),
        example="眉山示范大学",
        bureau_only=True,
    ),
    Column(
        "kind",
        _("Kind"),
        ("成果类型", "成果类别", "kind"),
        parse="choice",
        choices=tuple(achievement_choices.Kind.choices),
        example="应用技术成果",
    ),
    Column(
        "tech_field",
        _("Technology field"),
        ("技术领域", "tech_field"),
        required=True,
        parse="choice",
        choices=tuple(TechField.choices),
        example="新材料及其应用",
    ),
    Column(
        "summary",
        _("Public summary"),
        ("成果简介", "摘要", "简介", "summary"),
        required=True,
        example="以锂辉石提锂副产物为原料，连续共沉淀制备高镍前驱体，烧结能耗降低约18%，已完成中试。",
    ),
    Column("keywords", _("Keywords"), ("关键词", "keywords"), parse="list", example="锂电池；正极材料；高镍"),
    Column("completers", _("Completers"), ("完成人", "completers"), parse="list", example="张明；李华"),
    Column(
        "other_organizations",
        _("Other completing organisations"),
        ("其他完成单位", "other_organizations"),
        parse="list",
        example="眉山锂电材料有限公司",
    ),
    Column(
        "recommending_body",
        _("Recommending body"),
        ("推荐单位", "recommending_body"),
        example="眉山市科学技术局",
    ),
    Column(
        "stage",
        _("Stage"),
        ("所处阶段", "成熟度", "stage"),
        parse="choice",
        choices=tuple(achievement_choices.Stage.choices),
        example="中试",
    ),
    Column("trl", _("Technology readiness level"), ("技术就绪度", "TRL", "trl"), parse="int", example="6"),
    Column(
        "research_start",
        _("Research started"),
        ("研究起始时间", "起始日期", "research_start"),
        parse="date",
        example="2022-03-01",
    ),
    Column(
        "research_end",
        _("Research ended"),
        ("研究终止时间", "终止日期", "research_end"),
        parse="date",
        example="2024-12-31",
    ),
    Column(
        "price",
        _("Asking price (yuan)"),
        ("意向价格（元）", "意向价格", "price"),
        parse="decimal",
        example="800000",
    ),
    Column("contact_name", _("Contact person"), ("联系人", "contact_name"), example="王老师"),
    Column("contact_phone", _("Contact phone"), ("联系电话", "contact_phone"), example="028-3812 3456"),
    Column(
        "contact_email",
        _("Contact e-mail"),
        ("电子邮箱", "联系邮箱", "contact_email"),
        example="tto@example.edu.cn",
    ),
)

PATENT_COLUMNS = (
    Column("external_id", _("External id"), ("外部编号", "记录号", "external_id", "id"), example="P-0001"),
    Column(
        "application_number",
        _("Application number"),
        ("申请号", "专利号", "application_number"),
        required=True,
        example="ZL202310123456.6",
    ),
    Column(
        "publication_number",
        _("Publication number"),
        ("公开（公告）号", "公开(公告)号", "公开号", "公告号", "授权公告号", "publication_number"),
        example="CN116212345B",
    ),
    Column(
        "title",
        _("Title"),
        ("名称", "专利名称", "发明名称", "标题", "title"),
        required=True,
        example="一种竹纤维增强复合板材的制备方法",
    ),
    Column(
        "kind",
        _("Patent type"),
        ("专利类型", "类型", "kind"),
        parse="choice",
        choices=tuple(patent_choices.Kind.choices),
        example="发明",
    ),
    Column(
        "applicants",
        _("Applicants / patentees"),
        ("申请（专利权）人", "申请(专利权)人", "申请人", "专利权人", "当前权利人", "applicants"),
        parse="list",
        example="眉山示范大学",
    ),
    Column(
        "inventors",
        _("Inventors"),
        ("发明人", "发明（设计）人", "设计人", "inventors"),
        parse="list",
        example="陈竹；刘林",
    ),
    Column(
        "ipc_codes",
        _("IPC codes"),
        ("IPC分类号", "IPC", "主分类号", "分类号", "ipc_codes"),
        example="B27N 3/04；C08L 97/02",
    ),
    Column(
        "legal_status",
        _("Legal status"),
        ("法律状态", "当前法律状态", "专利状态", "legal_status"),
        example="授权",
    ),
    Column(
        "application_date",
        _("Application date"),
        ("申请日", "application_date"),
        parse="date",
        example="2023-02-14",
    ),
    Column(
        "publication_date",
        _("Publication date"),
        ("公开（公告）日", "公开(公告)日", "公开日", "publication_date"),
        parse="date",
        example="2023-05-19",
    ),
    Column(
        "grant_date",
        _("Grant date"),
        ("授权日", "授权公告日", "grant_date"),
        parse="date",
        example="2024-08-27",
    ),
    Column(
        "abstract",
        _("Abstract"),
        ("摘要", "abstract"),
        example="本发明公开了一种以慈竹纤维为增强体的复合板材制备方法。",
    ),
    Column(
        "organization",
        _("Holder on the platform"),
        ("平台持有单位", "持有单位", "organization"),
        example="眉山示范大学",
        bureau_only=True,
    ),
)

CHOICE_EXTRAS = {
    ("achievements", "kind"): ACHIEVEMENT_KIND_WORDS,
    ("achievements", "stage"): STAGE_WORDS,
    ("achievements", "tech_field"): TECH_FIELD_WORDS,
    ("patents", "kind"): PATENT_KIND_WORDS,
}

COLUMNS = {RecordKind.ACHIEVEMENTS: ACHIEVEMENT_COLUMNS, RecordKind.PATENTS: PATENT_COLUMNS}


def columns_of(kind: str, *, bureau: bool) -> tuple[Column, ...]:
    return tuple(c for c in COLUMNS[kind] if bureau or not c.bureau_only)


def _normal(header: str) -> str:
    return re.sub(r"[\s*＊]+", "", header).replace("(", "（").replace(")", "）").lower()


def suggest_mapping(kind: str, headers: list[str], *, bureau: bool, remembered: dict | None = None) -> dict:
    """Column position (as text) → field name, from a remembered mapping (by column name) first, then
    from the template's and the known exports' column names."""
    columns = columns_of(kind, bureau=bureau)
    names = {c.name for c in columns}
    by_alias = {_normal(alias): c.name for c in columns for alias in c.aliases}
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for position, header in enumerate(headers):
        name = (remembered or {}).get(header)
        if name not in names or name in used:
            name = by_alias.get(_normal(header))
        if name and name not in used:
            mapping[str(position)] = name
            used.add(name)
    return mapping


_WORDS: dict[tuple[str, str], dict[str, str]] = {}  # choice words per column, built once per process

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M:%S")


def parse_date(text: str) -> datetime.date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text.strip(), fmt).date()  # noqa: DTZ007 -- a calendar date
        except ValueError:
            continue
    raise ValidationError(_("“%(value)s” is not a date such as 2024-03-15."), params={"value": text[:30]})


def parse_cell(kind: str, column: Column, text: str):
    """The field value of a cell's text (ValidationError with a translated message when it is not one)."""
    if column.parse == "list":
        return [part.strip() for part in LIST_SPLIT.split(text) if part.strip()]
    if not text:
        return None
    if column.parse == "date":
        return parse_date(text)
    if column.parse == "int":
        try:
            return int(text)
        except ValueError as exc:
            raise ValidationError(
                _("“%(value)s” is not a whole number."), params={"value": text[:30]}
            ) from exc
    if column.parse == "decimal":
        cleaned = text.replace(",", "").replace("，", "").replace("元", "").strip()
        try:
            return str(Decimal(cleaned))
        except InvalidOperation as exc:
            raise ValidationError(_("“%(value)s” is not an amount."), params={"value": text[:30]}) from exc
    if column.parse == "choice":
        words = _WORDS.get((kind, column.name))
        if words is None:
            words = _WORDS[(kind, column.name)] = _choice_words(
                column.choices, CHOICE_EXTRAS.get((kind, column.name))
            )
        value = words.get(text.strip().lower())
        if value is None:
            raise ValidationError(
                _("“%(value)s” is not one of the available choices."), params={"value": text[:40]}
            )
        return value
    return text
