"""The admin shows deals and contracts with their audit trail, and changes nothing."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("root-admin", "root@example.cn", "pw-admin-123456")
    client.force_login(user)
    return client


def test_deal_and_contract_pages_are_read_only(admin_client, make_deal, make_contract):
    deal = make_deal("negotiating")
    contract = make_contract("approved")
    for url in ("/admin/negotiations/deal/", f"/admin/negotiations/deal/{deal.pk}/change/"):
        response = admin_client.get(url)
        assert response.status_code == 200, url
    response = admin_client.get(f"/admin/contracts/contract/{contract.pk}/change/")
    assert response.status_code == 200
    assert contract.registration_number in response.content.decode()
    assert "approve" in response.content.decode()  # the audit rows are shown
    assert admin_client.get("/admin/contracts/contract/add/").status_code == 403
    response = admin_client.post(f"/admin/contracts/contract/{contract.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    contract.refresh_from_db()
    assert contract.status == "approved"


def test_audit_rows_cannot_be_deleted_or_changed_in_the_admin(admin_client, make_achievement, holder_org):
    from keqiao.accounts.models import OrganizationEvent
    from keqiao.achievements.models import AchievementEvent

    achievement = make_achievement("published")
    event = AchievementEvent.objects.filter(achievement=achievement).first()
    org_event = OrganizationEvent.objects.create(organization=holder_org, action="verified")
    for url in (
        f"/admin/achievements/achievementevent/{event.pk}/delete/",
        f"/admin/accounts/organizationevent/{org_event.pk}/delete/",
    ):
        assert admin_client.post(url, {"post": "yes"}).status_code == 403, url
    assert AchievementEvent.objects.filter(pk=event.pk).exists()
    assert OrganizationEvent.objects.filter(pk=org_event.pk).exists()
    page = admin_client.get(f"/admin/achievements/achievementevent/{event.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
