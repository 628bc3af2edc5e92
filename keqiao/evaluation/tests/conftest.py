"""Evaluation personas: the university `owner` holds the achievement; `assessor` works for a service agency,
`expert` is an independent expert, `outsider` is an enterprise (the buyer in negotiations)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from keqiao.accounts.models import Membership, Organization
from keqiao.evaluation import services
from keqiao.testing.factories import OrganizationFactory, UserFactory, member

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "检测报告.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def agency_org(db):
    return OrganizationFactory(name="眉山技术转移服务中心（测试）", kind=Organization.Kind.AGENCY)


@pytest.fixture
def assessor(agency_org):
    return member(agency_org, Membership.Role.STAFF, username="assessor")


@pytest.fixture
def expert(db):
    return UserFactory(username="expert", is_expert=True)


def answers_up_to(level: int) -> dict:
    return {
        n: {"met": n <= level, "statement": f"第{n}级：已完成并有报告。" if n <= level else ""}
        for n in range(1, 10)
    }


@pytest.fixture
def make_assessment(make_achievement, owner):
    """An assessment of a published achievement driven to `state` through the services."""

    def make(state: str = "draft", level: int = 6, achievement=None):
        achievement = achievement or make_achievement("published")
        a = services.assessment_start(achievement=achievement, by=owner)
        if state == "empty":
            return a
        a = services.assessment_save(
            assessment=a, by=owner, answers=answers_up_to(level), justification="中试已完成，第三方检测合格。"
        )
        services.evidence_add(assessment=a, by=owner, level=level, uploaded=pdf())
        if state == "draft":
            return a
        a = services.assessment_submit(assessment=a, by=owner)
        if state == "submitted":
            return a
        raise ValueError(state)

    return make


from keqiao.negotiations.tests.conftest import broker, make_contract, make_deal, stranger  # noqa: E402, F401 - shared fixtures


def valuation_inputs(**over) -> dict:
    data = {
        "revenue": {"kind": "triangular", "low": "500000", "mode": "1000000", "high": "2500000"},
        "growth": {"kind": "fixed", "mode": "5"},
        "royalty": {"kind": "uniform", "low": "3", "high": "7"},
        "life": {"kind": "triangular", "low": "4", "mode": "6", "high": "9"},
        "discount": {"kind": "normal", "mode": "10", "spread": "1.5"},
        "tax": {"kind": "fixed", "mode": "25"},
        "dev_cost": {"kind": "fixed", "mode": "30000"},
        "reproduction_cost": {"kind": "fixed", "mode": "400000"},
        "obsolescence": {"kind": "fixed", "mode": "30"},
        "trl": "5",
        "draws": "2000",
        "seed": "42",
    }
    data.update(over)
    return data


def form_data(**over) -> dict:
    """The valuation form as a browser posts it."""
    data = {
        "title": "半滑舌鳎检测技术许可估值",
        "trl": "5",
        "draws": "2000",
        "seed": "42",
        "tech_field": "agriculture",
    }
    for name, item in valuation_inputs().items():
        if isinstance(item, dict):
            data[f"{name}_kind"] = item["kind"]
            for part in ("low", "mode", "high", "spread"):
                data[f"{name}_{part}"] = item.get(part, "")
    data.update(over)
    return data


@pytest.fixture
def make_valuation(owner, holder_org):
    from keqiao.evaluation import services as evaluation_services

    def make(**kwargs):
        return evaluation_services.valuation_create(
            by=kwargs.pop("by", owner),
            organization=kwargs.pop("organization", holder_org),
            title=kwargs.pop("title", "半滑舌鳎检测技术许可估值"),
            inputs=kwargs.pop("inputs", valuation_inputs()),
            **kwargs,
        )

    return make
