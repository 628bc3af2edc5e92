"""Locust clients of the load benchmark (run by bench/load_bench.py, which sets the environment below).

BENCH_PHASE picks what every client does, as fast as the server answers (no think time):
- hello: the hello-world view only (the baseline);
- search: the achievement search page only, with varied queries;
- mixed: search, achievement and demand pages, the JSON API (list and detail), and messages posted in a
  negotiation room by signed-in parties (CSRF token from the sign-in page, as a browser sends it).
Requests are named by group; load_bench.py reads locust's CSV statistics per name.
BENCH_ACHIEVEMENTS, BENCH_DEMANDS: comma-separated ids of published listings; BENCH_DEAL: the room;
BENCH_PARTIES: comma-separated usernames of its parties; BENCH_PASSWORD: their password;
BENCH_SIGNED_IN: how many of the clients sign in as a party (the others browse anonymously; only signed-in
clients post messages).
"""

import itertools
import os
import random
from urllib.parse import urlencode

from locust import FastHttpUser, constant, task

PHASE = os.environ.get("BENCH_PHASE", "mixed")
ACHIEVEMENTS = [int(x) for x in os.environ.get("BENCH_ACHIEVEMENTS", "").split(",") if x]
DEMANDS = [int(x) for x in os.environ.get("BENCH_DEMANDS", "").split(",") if x]
DEAL = os.environ.get("BENCH_DEAL", "")
PARTIES = itertools.cycle([u for u in os.environ.get("BENCH_PARTIES", "").split(",") if u])
PASSWORD = os.environ.get("BENCH_PASSWORD", "")
SIGNED_IN = itertools.count()
SIGNED_IN_CLIENTS = int(os.environ.get("BENCH_SIGNED_IN", "10"))

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
QUERIES = [
    "泡菜",
    "竹编",
    "锂电池",
    "中药材",
    "川芎",
    "焊接机器人",
    "数控机床",
    "电感",
    "茶叶",
    "发酵",
    "微卫星标记",
    "遗传多样性",
    "复合材料",
    "图像识别",
    "土壤重金属",
    "水产养殖",
    "传感器",
    "神经网络",
    "污水处理",
    "纳米材料",
    "有限元",
    "基因表达",
    "节能",
    "无人机",
]


def _search_path() -> str:
    query = random.choice(QUERIES)
    page = random.choice(("", "", "", "&page=2"))
    return f"/achievements/?q={query}{page}"


class Visitor(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.csrf = ""
        if PHASE == "mixed" and DEAL and next(SIGNED_IN) < SIGNED_IN_CLIENTS:
            self._sign_in(next(PARTIES))

    def _sign_in(self, username: str) -> None:
        self.client.get("/accounts/login/", name="sign_in")
        self.csrf = self._cookie("csrftoken")
        with self.client.post(
            "/accounts/login/",
            data=urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf}),
            headers=FORM,
            name="sign_in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in as {username}: HTTP {response.status_code}")
        # Django rotates the token at sign-in.
        self.csrf = self._cookie("csrftoken") or self.csrf

    def _cookie(self, name: str) -> str:
        return next((c.value for c in self.client.cookiejar if c.name == name), "")

    @task
    def work(self):
        if PHASE == "hello":
            self.client.get("/bench/hello/", name="hello")
        elif PHASE == "search":
            self.client.get(_search_path(), name="search")
        else:
            self._mixed()

    def _mixed(self):
        """Search 35 %, achievement pages 20 %, demand pages 15 %, API list and detail 10 % each; the last
        10 %: a message in the room for signed-in parties, a search for anonymous visitors."""
        roll = random.random()
        if roll < 0.35 or (roll >= 0.90 and not self.csrf):
            self.client.get(_search_path(), name="search")
        elif roll < 0.55:
            self.client.get(f"/achievements/{random.choice(ACHIEVEMENTS)}/", name="achievement_detail")
        elif roll < 0.70:
            self.client.get(f"/demands/{random.choice(DEMANDS)}/", name="demand_detail")
        elif roll < 0.80:
            self.client.get(f"/api/v1/achievements?q={random.choice(QUERIES)}", name="api_list")
        elif roll < 0.90:
            self.client.get(f"/api/v1/achievements/{random.choice(ACHIEVEMENTS)}", name="api_detail")
        else:
            with self.client.post(
                f"/api/v1/deals/{DEAL}/messages",
                data=urlencode({"body": f"压测留言 {random.randrange(10**6)}"}),
                headers={**FORM, "X-CSRFToken": self.csrf, "Referer": self.host + "/"},
                name="message_post",
                catch_response=True,
            ) as response:
                if response.status_code != 201:
                    response.failure(f"HTTP {response.status_code}: {response.text[:200]}")
