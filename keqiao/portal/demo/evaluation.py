"""Demo readiness assessments and valuations: the new-materials institute's bamboo composite confirmed at
TRL 6 by the technology-transfer service centre, with a valuation shared into its negotiation with the
Qingshen bamboo park; the university's assessment awaiting confirmation and a valuation shared into its
agreed transfer (so the pricing dossier has a distribution to place the price in); an agricultural
draft. Everything goes through the services."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from keqiao.accounts.models import User
from keqiao.achievements.models import Achievement
from keqiao.evaluation import services
from keqiao.evaluation.models import TrlAssessment, Valuation
from keqiao.negotiations.models import Deal

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _answers(level: int, statements: dict[int, str]) -> dict:
    return {
        n: {"met": n <= level, "statement": statements.get(n, "已完成，见所附报告。") if n <= level else ""}
        for n in range(1, 10)
    }


def _assess(
    achievement, by, level: int, statements: dict[int, str], justification: str, evidence: dict[int, str]
):
    a = services.assessment_start(achievement=achievement, by=by)
    a = services.assessment_save(
        assessment=a, by=by, answers=_answers(level, statements), justification=justification
    )
    for lv, name in evidence.items():
        services.evidence_add(assessment=a, by=by, level=lv, uploaded=_pdf(name))
    return a


def _inputs(**over) -> dict:
    data = {
        "revenue": {"kind": "triangular", "low": "3000000", "mode": "6000000", "high": "12000000"},
        "growth": {"kind": "triangular", "low": "0", "mode": "8", "high": "15"},
        "royalty": {"kind": "uniform", "low": "3", "high": "6"},
        "life": {"kind": "triangular", "low": "5", "mode": "8", "high": "10"},
        "discount": {"kind": "fixed", "mode": "10"},
        "tax": {"kind": "fixed", "mode": "25"},
        "dev_cost": {"kind": "uniform", "low": "200000", "high": "500000"},
        "reproduction_cost": {"kind": "fixed", "mode": "900000"},
        "obsolescence": {"kind": "fixed", "mode": "35"},
        "trl": "6",
        "draws": "10000",
        "seed": "20261203",
    }
    data.update(over)
    return data


@transaction.atomic
def load_evaluation() -> dict:
    if TrlAssessment.objects.exists() or Valuation.objects.exists():
        return {}
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["univ", "materials", "agri", "agency", "bamboo", "maker"])
    }
    if len(users) < 6:
        return {}
    counts = {"readiness assessments": 0, "valuations": 0}
    materials_org = users["materials"].memberships.first().organization
    univ_org = users["univ"].memberships.first().organization

    # 1. Confirmed by the agency: the composite in negotiation with the bamboo park.
    bamboo_deal = (
        Deal.objects.filter(counterpart=materials_org, achievement__isnull=False).order_by("pk").first()
    )
    if bamboo_deal is not None:
        a = _assess(
            bamboo_deal.achievement,
            users["materials"],
            6,
            {
                4: "竹纤维/树脂界面改性在实验室完成弯曲、冲击测试，指标达到设计要求。",
                5: "仁寿基地小试线制成初样板材，模拟湿热环境老化试验通过。",
                6: "中试线连续运行三个月，正样板材经省建材质检院检测合格。",
            },
            "中试完成且有第三方检测报告，达到 GB/T 22900-2022 第6级。",
            {5: "小试报告.pdf", 6: "省建材质检院检测报告.pdf"},
        )
        a = services.assessment_submit(assessment=a, by=users["materials"])
        services.assessment_confirm(
            assessment=a,
            by=users["agency"],
            level=6,
            comment="核对中试运行记录与第三方检测报告，同意第6级。",
            level_comments={6: "检测报告编号与样品批次一致。"},
        )
        counts["readiness assessments"] += 1
        v = services.valuation_create(
            by=users["materials"],
            organization=materials_org,
            title="竹基复合材料独占许可估值（四川省，5年）",
            inputs=_inputs(),
            achievement=Achievement.objects.get(pk=bamboo_deal.achievement_id),
            market={"tech_field": "new_materials", "contract_type": "licence", "ip_type": "invention_patent"},
        )
        services.valuation_share(valuation=v, by=users["materials"], deal=bamboo_deal)
        counts["valuations"] += 1

    # 2. The university's transfer agreed with the precision-parts maker: an assessment awaiting the
    #    agency, and a valuation shared into the deal (the pricing dossier places 380,000 yuan in it).
    maker_deal = (
        Deal.objects.filter(counterpart=univ_org, status="agreed", achievement__isnull=False)
        .order_by("pk")
        .first()
    )
    if maker_deal is not None:
        a = _assess(
            maker_deal.achievement,
            users["univ"],
            5,
            {5: "样机在校内实训车间完成500小时运行测试。"},
            "小试样机测试完成，尚未中试。",
            {5: "样机运行测试记录.pdf"},
        )
        services.assessment_submit(assessment=a, by=users["univ"])
        counts["readiness assessments"] += 1
        v = services.valuation_create(
            by=users["univ"],
            organization=univ_org,
            title="精密零部件加工技术转让估值",
            inputs=_inputs(
                revenue={"kind": "lognormal", "mode": "4000000", "spread": "0.5"},
                royalty={"kind": "triangular", "low": "2", "mode": "4", "high": "6"},
                trl="5",
                dev_cost={"kind": "fixed", "mode": "150000"},
                reproduction_cost={"kind": "fixed", "mode": "600000"},
            ),
            achievement=Achievement.objects.get(pk=maker_deal.achievement_id),
            market={"tech_field": "advanced_manufacturing", "contract_type": "transfer"},
        )
        services.valuation_share(valuation=v, by=users["univ"], deal=maker_deal)
        counts["valuations"] += 1

    # 3. A draft of the agricultural institute, and a private valuation of the university.
    agri_org = users["agri"].memberships.first().organization
    agri = Achievement.objects.filter(organization=agri_org, status="published").order_by("pk").first()
    if agri is not None:
        _assess(
            agri,
            users["agri"],
            4,
            {4: "泡菜发酵乳酸菌株在实验室完成产酸与亚硝酸盐降解测试。"},
            "",
            {4: "实验室测试报告.pdf"},
        )
        counts["readiness assessments"] += 1
    services.valuation_create(
        by=users["univ"],
        organization=univ_org,
        title="内部测算：多晶硅还原炉节能控制技术（未共享）",
        inputs=_inputs(revenue={"kind": "uniform", "low": "1000000", "high": "3000000"}, trl="7"),
        market={"tech_field": "new_energy"},
    )
    counts["valuations"] += 1
    return counts
