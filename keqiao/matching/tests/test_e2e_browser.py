"""End-to-end in headless Chromium: an enterprise's short, plain-language demand finds the right
achievement first, nothing from another area of science is listed, the grade is shown in words, and a
demand with no answer says so.

Run with: KEQIAO_BROWSER_TESTS=required pytest keqiao/matching/tests/test_e2e_browser.py
"""

import re

import pytest

try:  # Without Playwright the module must still import, so that the test is skipped (or failed) cleanly.
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    expect = None

from keqiao.testing.browser import chromium_browser, screenshot, sign_in, skip_reason

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(skip_reason() is not None, reason=str(skip_reason())),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


NO_MATCH = re.compile("暂无合适匹配|No good match yet")


@pytest.fixture
def browser(live_server, transactional_db):
    with chromium_browser() as b:
        yield b


def test_short_plain_demand_finds_the_right_achievement_first(
    browser, live_server, make_achievement, make_demand
):
    crisp = make_achievement(
        "published",
        title="低盐泡菜热杀菌后软化的控制与护脆工艺",
        summary="研究泡菜小包装巴氏杀菌后质地软化的原因，以钙盐护脆和低温杀菌工艺保持泡菜脆度。",
        keywords=["泡菜", "杀菌", "脆度", "护脆"],
        tech_field="agriculture",
    )
    make_achievement(
        "published",
        title="泡菜活性直投式乳酸菌发酵剂的研究",
        summary="筛选泡菜发酵乳酸菌，制备直投式发酵剂，缩短发酵周期，降低亚硝酸盐。",
        keywords=["泡菜", "乳酸菌", "发酵剂"],
        tech_field="agriculture",
    )
    unrelated = [
        make_achievement(
            "published",
            title="锂离子电池正极材料的高温固相合成",
            summary="采用高温固相烧结法合成锂离子电池正极材料，研究烧结温度对电化学性能的影响。",
            keywords=["锂离子电池", "正极材料"],
            tech_field="new_energy",
        ),
        make_achievement(
            "published",
            title="清代诗人蒋士铨行事考述",
            summary="考证清代诗人蒋士铨的生平行事与交游。",
            keywords=["蒋士铨", "清代文学"],
            tech_field="urban_social",
        ),
    ]
    short = make_demand(
        "published",
        title="泡菜杀菌后变软不脆怎么办",
        problem="泡菜杀菌后变软不脆怎么办",
        indicators="",
        keywords=["泡菜"],
    )
    none = make_demand(
        "published",
        title="外墙瓷砖空鼓掉砖怎么修",
        problem="小区外墙瓷砖空鼓，下雨后掉砖，想找修补加固的办法。",
        indicators="",
        keywords=["外墙瓷砖"],
    )

    page = sign_in(browser, live_server.url, "outsider", short.get_absolute_url())
    matches = page.locator("#matches .result.match")
    expect(matches.first).to_be_visible()
    ids = [int(x) for x in matches.evaluate_all("els => els.map(e => e.dataset.matchId)")]
    assert crisp.pk in ids[:2]
    assert not {a.pk for a in unrelated} & set(ids)
    # one grade per match, in words, not a bare percentage
    expect(matches.first.locator(".tag.grade")).to_have_text(re.compile("高度相关|较为相关|可能相关|match"))
    screenshot(page, "matching-short-demand.png")
    page.set_viewport_size({"width": 390, "height": 844})
    expect(matches.first).to_be_visible()
    screenshot(page, "matching-short-demand-390.png")

    # A demand nothing published is about says so, with what to do next, instead of filling the list.
    page.goto(none.get_absolute_url())
    expect(page.locator("#matches .no-match")).to_contain_text(NO_MATCH)
    expect(page.locator("#matches .result.match")).to_have_count(0)
    screenshot(page, "matching-no-answer-390.png")
