import pytest
from django.urls import reverse

from keqiao.accounts import services
from keqiao.accounts.models import Membership, OrganizationEvent, User
from keqiao.common.errors import DomainError, NotPermitted

pytestmark = pytest.mark.django_db

NEW_MEMBER = {
    "full_name": "新同事",
    "username": "newcolleague",
    "email": "new@example.com",
    "role": "staff",
    "password": "Keqiao-colleague-2026",
    "add_member": "1",
}


@pytest.mark.parametrize(
    ("persona", "status"), [("owner", 200), ("colleague", 404), ("outsider", 404), ("bureau", 404)]
)
def test_members_page_matrix(client, personas, holder_org, persona, status):
    client.force_login(personas[persona])
    assert client.get(reverse("accounts:members", args=[holder_org.pk])).status_code == status


def test_admin_adds_a_colleague_who_can_sign_in(client, owner, holder_org):
    client.force_login(owner)
    response = client.post(reverse("accounts:members", args=[holder_org.pk]), NEW_MEMBER)
    assert response.status_code == 302
    user = User.objects.get(username="newcolleague")
    assert Membership.objects.get(user=user).organization == holder_org
    assert OrganizationEvent.objects.filter(organization=holder_org, action="member_added").exists()
    client.logout()
    response = client.post(
        reverse("accounts:login"), {"username": "newcolleague", "password": "Keqiao-colleague-2026"}
    )
    assert response.status_code == 302 and response.wsgi_request.user.username == "newcolleague"


def test_bad_member_input_is_kept(client, owner, holder_org):
    client.force_login(owner)
    response = client.post(
        reverse("accounts:members", args=[holder_org.pk]), {**NEW_MEMBER, "password": "123"}
    )
    assert response.status_code == 400
    assert "新同事" in response.content.decode()
    assert not User.objects.filter(username="newcolleague").exists()


def test_staff_cannot_manage_members(colleague, holder_org):
    with pytest.raises(NotPermitted):
        services.member_create(
            organization=holder_org,
            by=colleague,
            username="x1",
            full_name="x",
            email="x@example.com",
            password="Keqiao-colleague-2026",
        )


def test_the_last_admin_stays(owner, colleague, holder_org):
    admin_membership = Membership.objects.get(user=owner)
    with pytest.raises(DomainError):
        services.member_set_role(membership=admin_membership, by=owner, role="staff")
    with pytest.raises(DomainError):
        services.member_remove(membership=admin_membership, by=owner)
    services.member_set_role(membership=Membership.objects.get(user=colleague), by=owner, role="admin")
    services.member_set_role(membership=admin_membership, by=owner, role="staff")
    assert Membership.objects.get(user=owner).role == "staff"


def test_profile_edit_keeps_identity_fields(client, owner, holder_org):
    client.force_login(owner)
    response = client.post(
        reverse("accounts:members", args=[holder_org.pk]),
        {
            "save_profile": "1",
            "description": "新的简介",
            "website": "https://example.edu.cn",
            "name": "改名企图",
            "credit_code": "X",
        },
    )
    assert response.status_code == 302
    holder_org.refresh_from_db()
    assert holder_org.description == "新的简介" and holder_org.name == "眉山测试大学"


def test_password_change(client, owner):
    client.force_login(owner)
    assert client.get(reverse("accounts:password_change")).status_code == 200
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": "Another-Keqiao-2026",
            "new_password2": "Another-Keqiao-2026",
        },
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("Another-Keqiao-2026")
