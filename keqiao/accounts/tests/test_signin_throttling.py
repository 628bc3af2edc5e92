"""Sign-in throttling: per address (password spraying), per account from one address, per account from
many addresses with a back-off that expires and never exceeds the cap, the locked-out page, and the
client's address taken from X-Forwarded-For only behind a configured proxy."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.utils import timezone

from keqiao.accounts import throttling
from keqiao.accounts.models import Membership
from keqiao.common.network import client_ip
from keqiao.testing.factories import member

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
GOOD = "correct-horse-battery"
OFFICE = "198.51.100.20"  # the official's usual address
STRANGER = "203.0.113.66"


def attempt(client, username, password="wrong-password", ip=STRANGER, **extra):  # noqa: S107
    client.cookies.clear()
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def signed_in(response) -> bool:
    return response.status_code == 302 and LOGIN not in response["Location"]


@pytest.fixture
def travel():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def test_spraying_many_accounts_from_one_address_is_throttled(client, holder_org, travel):
    users = [member(holder_org, Membership.Role.STAFF, username=f"staff{i:02d}") for i in range(14)]
    answers = [attempt(client, u.username).status_code for u in users]
    # One wrong password for each of 14 accounts: the address is paused at the 10th failure.
    assert answers[:9] == [200] * 9 and answers[9] == 429
    assert set(answers[10:]) == {429}
    # Refused while paused, even with a right password, and the refusals are not counted.
    assert attempt(client, users[0].username, GOOD).status_code == 429
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == 10
    # Another address is not affected (users[12]'s refused attempt was not counted against it).
    assert signed_in(attempt(client, users[12].username, GOOD, ip=OFFICE))
    # The pause lasts one minute after the 10th failure; the next failure doubles it.
    travel.shift(timedelta(seconds=61))
    assert attempt(client, users[1].username).status_code == 429
    response = attempt(client, users[2].username)
    assert response.status_code == 429 and int(response["Retry-After"]) == 120


def test_one_account_from_one_address_is_paused_after_five_failures(client, owner, travel):
    for _ in range(4):
        assert attempt(client, "owner").status_code == 200
    assert attempt(client, "owner").status_code == 429
    assert attempt(client, "owner", GOOD).status_code == 429
    assert signed_in(attempt(client, "owner", GOOD, ip=OFFICE))  # not from the owner's own address


def test_one_account_from_many_addresses_backs_off_and_expires(client, bureau, travel):
    # Twelve addresses, one guess each, at the bureau account.
    codes = [attempt(client, "bureau", ip=f"192.0.2.{i}").status_code for i in range(1, 13)]
    assert codes[:9] == [200] * 9 and set(codes[9:]) == {429}
    lock = throttling.lock_for("bureau", "192.0.2.99")
    assert lock.rule == throttling.ACCOUNT
    assert lock.until - timezone.now() == timedelta(minutes=1)

    # Each failure after a pause doubles it: 1, 2, 4, 8, then the cap of 15 minutes.
    waits = []
    for i in range(6):
        travel.shift(
            throttling.lock_for("bureau", "192.0.2.99").until - timezone.now() + timedelta(seconds=1)
        )
        assert attempt(client, "bureau", ip=f"192.0.2.{50 + i}").status_code == 429
        waits.append(throttling.lock_for("bureau", "192.0.2.99").until - timezone.now())
    assert waits == [timedelta(minutes=m) for m in (2, 4, 8, 15, 15, 15)]

    # Once the pause is over, the right password signs in, and the account's failures are forgotten.
    travel.shift(timedelta(minutes=15, seconds=1))
    assert signed_in(attempt(client, "bureau", GOOD, ip="192.0.2.200"))
    assert not AccessAttempt.objects.filter(username="bureau").exists()


def test_a_stranger_cannot_keep_an_official_locked_beyond_the_cap(client, bureau, travel):
    # The official signed in from the office before.
    assert signed_in(attempt(client, "bureau", GOOD, ip=OFFICE))
    start = timezone.now()
    # A stranger guesses from many addresses for an hour, without stopping, also while paused.
    for i in range(120):
        attempt(client, "bureau", ip=f"192.0.2.{i + 1}")
        travel.shift(timedelta(seconds=30))
        # From the office, the right password works throughout.
        if i % 30 == 15:
            assert signed_in(attempt(client, "bureau", GOOD, ip=OFFICE))
    assert timezone.now() - start == timedelta(hours=1)
    # From a new address the account is paused after the stranger's latest guesses, but never for
    # longer than the cap, and guesses while paused do not stretch the pause.
    new_address = "198.51.100.99"
    for i in range(30):
        if throttling.lock_for("bureau", new_address):
            break
        attempt(client, "bureau", ip=f"192.0.2.{i + 1}")
    lock = throttling.lock_for("bureau", new_address)
    assert lock is not None and lock.until - timezone.now() <= timedelta(minutes=15)
    for i in range(20):
        assert attempt(client, "bureau", ip=f"192.0.2.{i + 1}").status_code == 429
        travel.shift((lock.until - timezone.now()) / 25)
    assert throttling.lock_for("bureau", new_address).until == lock.until
    travel.shift(lock.until - timezone.now() + timedelta(seconds=1))
    assert signed_in(attempt(client, "bureau", GOOD, ip=new_address))


def test_a_success_clears_the_account_but_not_the_address(client, holder_org, owner, travel):
    others = [member(holder_org, Membership.Role.STAFF, username=f"other{i}") for i in range(6)]
    for user in others:
        attempt(client, user.username)
    for _ in range(3):
        attempt(client, "owner")
    assert signed_in(attempt(client, "owner", GOOD))
    assert not AccessAttempt.objects.filter(username="owner").exists()
    # The address keeps the six failures at other accounts: four more pause it.
    codes = [attempt(client, others[0].username).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_the_locked_out_page_says_how_long_to_wait_in_chinese_and_english(client, owner, travel):
    for _ in range(5):
        response = attempt(client, "owner")
    page = response.content.decode()
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert "请等待 1 分钟后再试" in page and "北京时间" in page
    travel.shift(timedelta(seconds=61))
    client.cookies["django_language"] = "en"
    response = client.post(LOGIN, {"username": "owner", "password": "wrong"}, REMOTE_ADDR=STRANGER)
    page = response.content.decode()
    assert response.status_code == 429 and "Please wait 2 minutes and try again." in page
    assert "Beijing time" in page and "up to 15 minutes" in page


def test_resetting_the_password_by_e_mail_lifts_the_pause(client, owner, travel):
    for _ in range(5):
        attempt(client, "owner")
    assert attempt(client, "owner", GOOD).status_code == 429
    throttling.clear_account("owner")
    assert signed_in(attempt(client, "owner", GOOD))


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        ([], "203.0.113.9", "198.51.100.1", "203.0.113.9"),  # no proxy configured: header ignored
        (["10.0.0.0/8"], "203.0.113.9", "198.51.100.1", "203.0.113.9"),  # not from the proxy
        (["10.0.0.0/8"], "10.0.0.2", "198.51.100.1", "198.51.100.1"),
        (["10.0.0.0/8"], "10.0.0.2", "1.2.3.4, 198.51.100.1", "198.51.100.1"),  # a forged hop on the left
        (["10.0.0.0/8"], "10.0.0.2", "198.51.100.1, 10.0.0.7", "198.51.100.1"),  # two proxies
        (["10.0.0.0/8"], "10.0.0.2", "rubbish", "10.0.0.2"),
        (["10.0.0.0/8"], "10.0.0.2", "", "10.0.0.2"),
        (["2001:db8::/32"], "2001:db8::1", "[2001:db8:1::5]:443, 2001:db8::3", "2001:db8:1::5"),
    ],
)
def test_x_forwarded_for_is_trusted_only_from_a_configured_proxy(
    rf, settings, proxies, remote, forwarded, expected
):
    settings.KEQIAO = {**settings.KEQIAO, "TRUSTED_PROXIES": proxies}
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_behind_a_proxy_each_client_is_throttled_on_its_own(client, owner, settings, travel):
    settings.KEQIAO = {**settings.KEQIAO, "TRUSTED_PROXIES": ["10.0.0.1"]}
    for _ in range(5):
        response = attempt(client, "owner", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert response.status_code == 429
    # The owner, behind the same proxy, is not locked out by the stranger's pair.
    assert signed_in(attempt(client, "owner", GOOD, ip="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7"))
    # Without the proxy configured, the header is ignored and everyone shares the proxy's address.
    settings.KEQIAO = {**settings.KEQIAO, "TRUSTED_PROXIES": []}
    for _ in range(5):
        attempt(client, "colleague-x", ip="10.0.0.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{_}")
    assert AccessAttempt.objects.filter(ip_address="10.0.0.1").count() == 1


def test_a_bad_trusted_proxy_setting_stops_start_up(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from config.env import env_networks

    monkeypatch.setenv("KEQIAO_TRUSTED_PROXIES", "10.0.0.0/8, proxy.example")
    with pytest.raises(ImproperlyConfigured, match="proxy.example"):
        env_networks("KEQIAO_TRUSTED_PROXIES")
