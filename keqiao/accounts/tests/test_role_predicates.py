"""Every role predicate lives in accounts.selectors: department membership and supervision included."""

import pytest
from django.contrib.auth.models import AnonymousUser

from keqiao.accounts.selectors import (
    user_department_ids,
    user_is_department_member,
    user_is_supervisor,
)
from keqiao.governance.models import Department
from keqiao.governance.selectors import user_departments

pytestmark = pytest.mark.django_db


def _fresh(user):
    """The same user without the per-request caches."""
    return type(user).objects.get(pk=user.pk)


def test_department_member_and_supervisor(owner, outsider, bureau, holder_org):
    assert not user_is_department_member(owner) and not user_is_supervisor(owner)
    dept = Department.objects.create(name="市经信局", organization=holder_org)
    owner = _fresh(owner)
    assert user_department_ids(owner) == {dept.pk}
    assert user_is_department_member(owner) and user_is_supervisor(owner)
    assert user_departments(owner) == [dept]
    assert not user_is_department_member(outsider) and not user_is_supervisor(outsider)
    # the bureau supervises every task without being a department itself
    assert user_is_supervisor(bureau) and not user_is_department_member(bureau)


def test_anonymous_has_no_role():
    anon = AnonymousUser()
    assert user_department_ids(anon) == set()
    assert not user_is_department_member(anon) and not user_is_supervisor(anon)


def test_the_department_ids_are_read_once_per_request(owner, holder_org, django_assert_num_queries):
    Department.objects.create(name="市经信局", organization=holder_org)
    owner = _fresh(owner)
    user_is_supervisor(owner)  # memberships and departments read once
    with django_assert_num_queries(0):
        assert user_is_supervisor(owner) and user_is_department_member(owner)
