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
