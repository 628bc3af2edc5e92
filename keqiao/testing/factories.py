"""factory_boy factories shared by the apps' tests; records are created through services where a
service exists, so tests see the same events and side effects as real use."""

import datetime
import itertools
import random
from decimal import Decimal

import factory
from django.utils import timezone

from keqiao.accounts.models import Membership, Organization, User
from keqiao.common.models import Region
from keqiao.common.validators import credit_code_check_char

_seq = itertools.count(1)


def valid_credit_code(seed: int | None = None) -> str:
    rng = random.Random(seed if seed is not None else next(_seq))
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91511402" + "".join(rng.choice(alphabet) for _ in range(9))
    return body + credit_code_check_char(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = Organization.Kind.UNIVERSITY
    credit_code = factory.Sequence(lambda n: valid_credit_code(1000 + n))
    region = factory.LazyFunction(lambda: Region.objects.get(code="511402"))
    status = Organization.Status.VERIFIED


def member(organization: Organization, role: str = Membership.Role.ADMIN, **user_kwargs) -> User:
    user = UserFactory(**user_kwargs)
    Membership.objects.create(user=user, organization=organization, role=role)
    return user


def achievement_data(**overrides) -> dict:
    data = {
        "title": "基于微卫星标记的半滑舌鳎遗传多样性分析技术",
        "kind": "1",
        "summary": "利用24对微卫星分子标记对养殖群体进行遗传多样性分析，可用于良种选育。",
        "keywords": ["微卫星标记", "遗传多样性", "半滑舌鳎"],
        "tech_field": "agriculture",
        "trl": 5,
        "transfer_modes": ["license", "transfer"],
        "price_negotiable": False,
        "price": "200000.00",
        "confidential_details": "核心引物序列：ACGT-SECRET-0001",
        "contact_name": "张联系人",
        "contact_phone": "028-38888888",
        "contact_email": "secret-contact@example.com",
    }
    data.update(overrides)
    return data


def demand_data(**overrides) -> dict:
    data = {
        "title": "半滑舌鳎良种选育的遗传多样性检测技术需求",
        "problem": "养殖群体遗传多样性下降，需要基于微卫星标记的快速检测方法，用于亲本选配。",
        "indicators": "检测周期不超过7天，位点数不少于20个。",
        "keywords": ["微卫星标记", "遗传多样性"],
        "tech_field": "agriculture",
        "cooperation_modes": ["license", "commissioned_dev"],
        "min_trl": 5,
        "budget_min": Decimal("100000"),
        "budget_max": Decimal("300000"),
        "budget_private": True,
        "deadline": timezone.localdate() + datetime.timedelta(days=90),
        "contact_name": "钱经理",
        "contact_phone": "028-36666666",
        "contact_email": "demand-contact@example.com",
    }
    data.update(overrides)
    return data
