"""Demo fixed-price listings (挂牌): one open listing of a university's patent with one buyer qualified
and one awaiting the holder, and one of the bamboo institute's technology that nobody took in its first
round, was relisted lower and was taken at the second round's price (a deal).

Everything goes through the listing services; the ended rounds are moved into the past before they
are settled, as the periodic maintenance would have settled them.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from keqiao.accounts.models import Organization, User
from keqiao.achievements.models import Achievement
from keqiao.trading import listings
from keqiao.trading.models import Auction, Listing

_USERNAMES = ["univ", "bamboo", "zhubian", "paocai", "pharma"]


def _org(user: User) -> Organization:
    return user.memberships.select_related("organization").first().organization


def _free(org: Organization) -> Achievement | None:
    """A published achievement of `org` that is not up for auction or listed."""
    busy = set(Auction.objects.values_list("achievement_id", flat=True)) | set(
        Listing.objects.values_list("achievement_id", flat=True)
    )
    return (
        Achievement.objects.filter(organization=org, status="published")
        .exclude(pk__in=busy)
        .order_by("pk")
        .first()
    )


def _back(listing: Listing, *, published: datetime.timedelta, ended: datetime.timedelta) -> None:
    """Move a round's period into the past (demo only), as if published and ended that long ago."""
    now = timezone.now()
    Listing.objects.filter(pk=listing.pk).update(published_at=now - published, ends_at=now - ended)


@transaction.atomic
def load_listings() -> dict:
    if Listing.objects.exists():
        return {}
    u = {x.username: x for x in User.objects.filter(username__in=_USERNAMES)}
    if len(u) < len(_USERNAMES):
        return {}
    orgs = {name: _org(user) for name, user in u.items()}
    counts = {"listings": 0}

    # 1. Open: the university lists a patent for 20 working days; one buyer qualified, one awaiting.
    achievement = _free(orgs["univ"])
    if achievement is not None:
        listing = listings.listing_create(
            by=u["univ"],
            organization=orgs["univ"],
            achievement=achievement,
            data={
                "mode": "transfer",
                "payment_method": "instalments",
                "price": "380000.00",
                "conditions": (
                    "受让方须为在眉山市注册的企业（优先天府新区眉山片区、东坡区），具备中试或量产条件；"
                    "报名时提交营业执照、近一年财务报表和保证金缴纳凭证。价款分两期支付。"
                ),
                "deposit": "30000.00",
                "period_days": 20,
                "auction_increment": "10000.00",
                "auction_hours": 48,
                "relist_price": "320000.00",
            },
        )
        first = listings.intention_register(
            listing=listing,
            by=u["zhubian"],
            organization=orgs["zhubian"],
            qualification="青神县竹编产业园企业，拥有两条中试线；保证金3万元已于银行转账。",
        )
        listings.intention_decide(
            intention=first, by=u["univ"], accept=True, note="保证金3万元已到账（眉山农商行）"
        )
        listings.intention_register(
            listing=listing,
            by=u["paocai"],
            organization=orgs["paocai"],
            qualification="东坡区泡菜食品企业，年产能5万吨，拟用于发酵工艺升级；保证金将于本周内缴纳。",
        )
        counts["listings"] += 1

    # 2. Two rounds: nobody qualified at 260,000 yuan, relisted at 220,000 and taken by the pharma company.
    achievement = _free(orgs["bamboo"]) or _free(orgs["univ"])
    if achievement is not None:
        holder = achievement.organization
        by = u["bamboo"] if holder == orgs["bamboo"] else u["univ"]
        first_round = listings.listing_create(
            by=by,
            organization=holder,
            achievement=achievement,
            data={
                "mode": "licence_ordinary",
                "payment_method": "lump_sum",
                "price": "260000.00",
                "conditions": "受让方须具备GMP或食品生产许可，在眉山市内实施；普通许可，期限五年。",
                "deposit": "0",
                "period_days": 15,
                "auction_increment": "5000.00",
                "auction_hours": 24,
                "relist_price": "220000.00",
            },
        )
        _back(first_round, published=datetime.timedelta(days=60), ended=datetime.timedelta(days=36))
        listings.listing_close(listing=first_round)
        second = Listing.objects.get(previous=first_round)
        intention = listings.intention_register(
            listing=second,
            by=u["pharma"],
            organization=orgs["pharma"],
            qualification="彭山区医药企业，持有药品生产许可证和GMP证书，拟在现有生产线实施。",
        )
        listings.intention_decide(intention=intention, by=by, accept=True, note="无需保证金，资质审核通过")
        _back(second, published=datetime.timedelta(days=36), ended=datetime.timedelta(hours=2))
        listings.listing_close(listing=second)
        counts["listings"] += 2
    return counts
