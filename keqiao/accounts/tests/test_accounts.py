import pytest
from django.core import mail
from django.urls import reverse

from keqiao.accounts import services
from keqiao.accounts.models import Organization, OrganizationEvent, User
from keqiao.common.errors import NotPermitted, TransitionNotAllowed
from keqiao.testing.factories import valid_credit_code

pytestmark = pytest.mark.django_db


def registration(**overrides):
    data = {
        "name": "眉山新注册科技有限公司",
        "kind": "enterprise",
        "credit_code": valid_credit_code(7),
        "region": "",
        "full_name": "孙经理",
        "username": "sunjl",
        "email": "sun@example.com",
        "password1": "Keqiao-registration-2026",
        "password2": "Keqiao-registration-2026",
    }
    data.update(overrides)
    return data


@pytest.fixture
def region_id():
    from keqiao.common.models import Region

    return Region.objects.get(code="511402").pk


def test_self_registration_creates_pending_org_with_admin(client, region_id):
    response = client.post(reverse("accounts:register"), registration(region=region_id))
    assert response.status_code == 302
    org = Organization.objects.get(name="眉山新注册科技有限公司")
    assert org.status == Organization.Status.PENDING
    user = User.objects.get(username="sunjl")
    assert user.password.startswith("md5$") or user.check_password("Keqiao-registration-2026")
    assert org.memberships.get().user == user and org.memberships.get().role == "admin"
    assert OrganizationEvent.objects.filter(organization=org, action="registered").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"credit_code": "91350100M000100Y44"}, "credit_code"),
        ({"credit_code": "123"}, "credit_code"),
        ({"password2": "different-password-1"}, "password2"),
        ({"password1": "123", "password2": "123"}, "password1"),
        ({"username": "a b"}, "username"),
        ({"name": "长" * 101}, "name"),
    ],
)
def test_registration_refuses_bad_input_and_keeps_it(client, region_id, overrides, field):
    response = client.post(reverse("accounts:register"), registration(region=region_id, **overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Organization.objects.filter(kind="enterprise").exists()
    assert "孙经理" in response.content.decode()  # nothing typed is lost


def test_duplicate_credit_code_refused(client, region_id, holder_org):
    response = client.post(
        reverse("accounts:register"),
        registration(region=region_id, credit_code=holder_org.credit_code.lower()),
    )
    assert response.status_code == 400 and "credit_code" in response.context["form"].errors


def test_bureau_verifies_and_admin_is_told(client, bureau, region_id, django_capture_on_commit_callbacks):
    client.post(reverse("accounts:register"), registration(region=region_id))
    org = Organization.objects.get(name="眉山新注册科技有限公司")
    client.force_login(bureau)
    assert org.name in client.get(reverse("accounts:pending")).content.decode()
    # verifying is told to the members at once: an unconfirmed POST is asked again and changes nothing
    asked = client.post(reverse("accounts:decide", args=[org.pk, "verify"]), {"note": "材料齐全"})
    org.refresh_from_db()
    assert asked.status_code == 200 and org.status == "pending"
    assert "材料齐全" in asked.content.decode()  # the note typed is carried into the confirmation
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:decide", args=[org.pk, "verify"]), {"note": "材料齐全", "confirmed": "1"}
        )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.status == "verified" and org.verified_at
    assert mail.outbox[0].to == ["sun@example.com"]


def test_reject_needs_a_reason(bureau, other_org):
    other_org.status = "pending"
    other_org.save()
    from keqiao.common.errors import DomainError

    with pytest.raises(DomainError):
        services.organization_reject(organization=other_org, by=bureau, note="")
    services.organization_reject(organization=other_org, by=bureau, note="营业执照不清晰")
    assert Organization.objects.get(pk=other_org.pk).status == "rejected"


@pytest.mark.parametrize("persona", ["owner", "outsider", "colleague"])
def test_only_bureau_verifies(personas, other_org, persona):
    other_org.status = "pending"
    other_org.save()
    with pytest.raises(NotPermitted):
        services.organization_verify(organization=other_org, by=personas[persona])


def test_verified_org_cannot_be_verified_again(bureau, holder_org):
    with pytest.raises(TransitionNotAllowed):
        services.organization_verify(organization=holder_org, by=bureau)


@pytest.mark.parametrize(("persona", "status"), [("owner", 404), ("outsider", 404), ("bureau", 200)])
def test_pending_page_matrix(client, personas, persona, status):
    client.force_login(personas[persona])
    assert client.get(reverse("accounts:pending")).status_code == status


def test_decide_is_404_for_non_bureau(client, owner, other_org):
    other_org.status = "pending"
    other_org.save()
    client.force_login(owner)
    assert client.post(reverse("accounts:decide", args=[other_org.pk, "verify"])).status_code == 404
    assert Organization.objects.get(pk=other_org.pk).status == "pending"


def test_login_and_dashboard(client, owner):
    response = client.post(
        reverse("accounts:login"), {"username": "owner", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.get(reverse("portal:workbench")).status_code == 200


def test_dashboard_requires_login(client):
    response = client.get(reverse("portal:workbench"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_login_is_rate_limited(client, owner):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "owner", "password": "wrong"})
    response = client.post(
        reverse("accounts:login"), {"username": "owner", "password": "correct-horse-battery"}
    )
    assert response.status_code == 429
    assert not response.wsgi_request.user.is_authenticated


def test_passwords_are_hashed_with_argon2_in_production_settings():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
