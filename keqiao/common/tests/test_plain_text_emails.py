"""Plain-text e-mails carry user text as typed: no HTML escaping."""

from types import SimpleNamespace

import pytest
from django.core import mail

from keqiao.accounts.models import User
from keqiao.common.emails import send_to_users

pytestmark = pytest.mark.django_db

TITLE = '竹材"防霉" & <处理>工艺'


def test_user_text_arrives_unescaped_in_subject_and_body():
    user = User.objects.create_user("reader", email="reader@example.com", password="x" * 12)
    demand = SimpleNamespace(title=TITLE, get_absolute_url=lambda: "/demands/1/")
    assert send_to_users([user], "demands/email/published", {"demand": demand}) == 1
    message = mail.outbox[0]
    assert TITLE in message.body
    assert "&quot;" not in message.body and "&amp;" not in message.body and "&lt;" not in message.body
    assert TITLE in message.subject
