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
