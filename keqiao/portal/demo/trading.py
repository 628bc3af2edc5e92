"""Demo auctions (技术交易): one live auction of a university's licence with three bidders, and one ended
auction of the bamboo institute's technology won above its reserve, which became an agreed deal.

Everything goes through the trading services; bids are placed at times in the past of the auction.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from keqiao.accounts.models import Organization, User
from keqiao.achievements.models import Achievement
from keqiao.negotiations.models import Deal
from keqiao.trading import services
from keqiao.trading.models import Auction

_USERNAMES = ["univ", "bamboo", "zhubian", "paocai", "pharma", "maker"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _org(user: User) -> Organization:
    return user.memberships.select_related("organization").first().organization


def _published(org: Organization, *, exclude=()) -> Achievement | None:
    return (
        Achievement.objects.filter(organization=org, status="published")
        .exclude(pk__in=[a.pk for a in exclude if a])
        .order_by("pk")
        .first()
    )


def _terms(now, **overrides) -> dict:
    data = {
        "mode": "licence_ordinary",
        "payment_method": "lump_sum",
        "conditions": (
            "竞买人须为在眉山市内依法设立的企业，具备相应生产条件；报名时提交营业执照和保证金缴纳凭证，"
            "经组织方审核后取得竞买号。价高者得，最高报价低于保留价的不成交。"
        ),
        "reserve_price": "150000.00",
        "reserve_visible": False,
        "starting_price": "100000.00",
        "increment": "5000.00",
        "deposit": "10000.00",
        "starts_at": now - datetime.timedelta(days=1),
        "ends_at": now + datetime.timedelta(days=3),
        "extension_minutes": 5,
    }
    data.update(overrides)
    return data


@transaction.atomic
def load_trading() -> dict:
    if Auction.objects.exists():
        return {}
    u = {x.username: x for x in User.objects.filter(username__in=_USERNAMES)}
    if len(u) < len(_USERNAMES):
        return {}
    orgs = {name: _org(user) for name, user in u.items()}
    now = timezone.now()

    def admit(auction, name: str, note: str, *, accept: bool = True, holder: str = "univ"):
        bidder = services.bidder_register(
            auction=auction,
            by=u[name],
            organization=orgs[name],
            statement="具备生产条件，保证金已通过银行转账缴纳。",
        )
        if accept:
            services.bidder_decide(bidder=bidder, by=u[holder], accept=True, note=note)
        return bidder

    counts = {"auctions": 0, "bids": 0}
    # 1. Live: the university licenses a technology; two bidders admitted, one awaiting the organiser.
    live_achievement = _published(orgs["univ"])
    if live_achievement is not None:
        live = services.auction_create(
            by=u["univ"], organization=orgs["univ"], achievement=live_achievement, data=_terms(now)
        )
        admit(live, "zhubian", "保证金1万元已于开拍前到账（眉山农商行转账）")
        admit(live, "paocai", "保证金1万元已到账")
        admit(live, "pharma", "", accept=False)
        for hours, name, amount in (
            (20, "zhubian", "100000"),
            (12, "paocai", "110000"),
            (3, "zhubian", "120000"),
        ):
            services.bid_place(
                auction=live, by=u[name], amount=amount, now=now - datetime.timedelta(hours=hours)
            )
            counts["bids"] += 1
        counts["auctions"] += 1

    # 2. Ended and sold: the bamboo institute's technology, won above its shown reserve after an extension.
    sold_achievement = _published(orgs["bamboo"], exclude=[live_achievement])
    if sold_achievement is not None:
        end = now + datetime.timedelta(seconds=30)
        sold = services.auction_create(
            by=u["bamboo"],
            organization=orgs["bamboo"],
            achievement=sold_achievement,
            data=_terms(
                now,
                mode="transfer",
                starting_price="200000.00",
                reserve_price="220000.00",
                reserve_visible=True,
                increment="10000.00",
                deposit="20000.00",
                starts_at=now - datetime.timedelta(days=7),
                ends_at=end,
            ),
        )
        admit(sold, "zhubian", "保证金2万元已到账", holder="bamboo")
        admit(sold, "paocai", "保证金2万元已到账", holder="bamboo")
        bids = [
            (end - datetime.timedelta(days=5), "paocai", "200000"),
            (end - datetime.timedelta(days=2), "zhubian", "230000"),
            (end - datetime.timedelta(minutes=3), "paocai", "240000"),
            (end - datetime.timedelta(minutes=1), "zhubian", "260000"),
        ]
        for when, name, amount in bids:
            services.bid_place(auction=sold, by=u[name], amount=amount, now=when)
            counts["bids"] += 1
        sold.refresh_from_db()
        services.auction_close(auction=sold, now=sold.ends_at)
        counts["auctions"] += 1

    # 3. Under public notice: the price the university agreed with the Danling manufacturer, with one
    #    objection (and its attachment) answered by the university.
    agreed = Deal.objects.filter(
        counterpart=orgs["univ"], initiator=orgs["maker"], status="agreed", achievement__isnull=False
    ).first()
    if agreed is not None:
        notice = services.notice_publish(
            deal=agreed,
            by=u["univ"],
            pricing_basis=(
                "依据眉山某资产评估有限公司出具的无形资产评估报告（收益法，评估值42万元），"
                "经校技术转移中心集体决策，按评估值上浮约7%协议定价。"
            ),
        )
        objection = services.objection_file(
            notice=notice,
            by=u["paocai"],
            reasons="同类技术在四川科创通上的成交价约为60万元，公示价格是否偏低？",
            files=[SimpleUploadedFile("同类成交价格摘录.pdf", PDF, content_type="application/pdf")],
        )
        services.objection_answer(
            objection=objection,
            by=u["univ"],
            answer="所述交易包含设备与技术服务，可比部分约为40万元；本次定价高于评估值，依据见评估报告。",
        )
        counts["price_notices"] = 1
    return counts
