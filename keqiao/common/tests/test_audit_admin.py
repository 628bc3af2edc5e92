"""The admin cannot delete an audit row, nor what one points to: the delete pages of the audit tables
answer 403 (registered) or 404 (shown only under their record), and deleting an audited record or a
person who acted is refused."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model

from keqiao.accounts.models import OrganizationEvent
from keqiao.achievements.models import Achievement, AchievementEvent
from keqiao.common import audit

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("root-admin", "root@example.cn", "pw-admin-123456")
    client.force_login(user)
    return client


def test_no_audit_row_can_be_deleted_in_the_admin(admin_client, make_achievement, make_demand, holder_org):
    make_achievement("published")
    make_demand("draft")  # its events are shown under the demand only
    OrganizationEvent.objects.create(organization=holder_org, action="verified")
    checked = 0
    for model in audit.audit_models():
        meta = model._meta
        pk = model.objects.values_list("pk", flat=True).first()
        if pk is None:
            continue  # (no row of this kind in these fixtures)
        url = f"/admin/{meta.app_label}/{meta.model_name}/{pk}/delete/"
        expected = 403 if admin.site.is_registered(model) else 404
        assert admin_client.get(url).status_code == expected, url
        assert admin_client.post(url, {"post": "yes"}).status_code == expected, url
        if admin.site.is_registered(model):
            changelist = f"/admin/{meta.app_label}/{meta.model_name}/"
            response = admin_client.post(changelist, {"action": "delete_selected", "_selected_action": [pk]})
            assert model.objects.filter(pk=pk).exists(), changelist
            assert "delete_selected" not in admin_client.get(changelist).content.decode()
            assert response.status_code in (200, 302)
        checked += 1
    assert checked >= 3
    assert audit.verify_table(AchievementEvent).ok and audit.verify_table(OrganizationEvent).ok


def test_an_audited_record_or_someone_who_acted_cannot_be_deleted_in_the_admin(
    admin_client, make_achievement, owner
):
    achievement = make_achievement("draft")
    page = admin_client.get(f"/admin/achievements/achievement/{achievement.pk}/delete/")
    assert page.status_code == 200 and page.context["protected"]  # its audit rows are listed as protecting it
    admin_client.post(f"/admin/achievements/achievement/{achievement.pk}/delete/", {"post": "yes"})
    assert Achievement.objects.filter(pk=achievement.pk).exists()
    admin_client.post(f"/admin/accounts/user/{owner.pk}/delete/", {"post": "yes"})
    assert get_user_model().objects.filter(pk=owner.pk).exists()
