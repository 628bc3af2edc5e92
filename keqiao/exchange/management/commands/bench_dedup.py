"""Benchmark duplicate detection: `--n` synthetic achievement records (100,000) of Meishan-like titles,
holders and summaries, with `--planted` near-duplicates (2,000) made the way the same record comes back
from another source: a retyped title (a character changed, spaces or full-width punctuation), holders in
another order, an edited summary (a sentence rewritten, figures changed) — one to three of these each.
Runs `exchange.dedup.find_pairs` over all of them and reports precision and recall against the planted
pairs, the time and the peak memory. Prints one JSON line. A benchmark, not a test: no time limits.
"""

import json
import random
import resource
import time

from django.core.management.base import BaseCommand

from keqiao.exchange.dedup import Record, find_pairs

PLACES = [
    "东坡区",
    "彭山区",
    "仁寿县",
    "洪雅县",
    "丹棱县",
    "青神县",
    "天府新区眉山片区",
    "眉山",
    "川西南",
    "岷江流域",
    "成眉",
    "眉山经开区",
]
OBJECTS = [
    "高镍三元正极材料",
    "磷酸铁锂",
    "锂辉石提锂",
    "电池黑粉",
    "六氟磷酸锂",
    "硅碳负极",
    "单晶硅片",
    "光伏组件",
    "晶硅切割液",
    "低盐泡菜",
    "泡菜盐水",
    "藤椒油",
    "晚熟柑橘",
    "眉山春橘",
    "洪雅绿茶",
    "雅安藏茶",
    "竹浆纤维",
    "慈竹刨花板",
    "竹编工艺品",
    "竹笋",
    "中药材川芎",
    "黄连",
    "生物医药中间体",
    "数控机床主轴",
    "工业机器人减速器",
    "农机传动箱",
    "有机肥",
    "葡萄避雨棚",
    "水产养殖尾水",
    "食用菌",
    "生猪粪污",
    "电解液",
    "隔膜涂层",
    "储能电站",
    "铝型材",
    "硅藻土",
    "玻纤复合材料",
    "冷链物流",
    "茶多酚",
    "竹醋液",
]
METHODS = [
    "连续化制备",
    "低成本回收",
    "智能检测",
    "绿色加工",
    "高效发酵",
    "精准施肥",
    "在线监测",
    "短流程冶炼",
    "低温冷榨",
    "数字化设计",
    "清洁生产",
    "质量追溯",
    "快速分级",
    "自动化分拣",
    "节能干燥",
    "膜分离纯化",
    "微生物降解",
    "表面改性",
    "高通量筛选",
    "无损检测",
    "柔性装配",
    "远程运维",
    "标准化栽培",
    "保鲜贮运",
    "废水循环利用",
    "固废资源化",
    "低醛胶合",
    "纳米涂覆",
    "梯次利用",
    "工艺优化",
]
SUFFIXES = [
    "技术",
    "关键技术",
    "方法",
    "工艺",
    "装置",
    "系统",
    "集成技术",
    "成套装备",
    "示范应用",
    "研究与应用",
    "及其应用",
    "技术体系",
]
SENTENCES = [
    "针对{o}在{p}生产中存在的能耗高、收率低问题，研发了{m}工艺。",
    "采用{m}路线，关键指标较传统工艺提高{a}%，单位成本下降{b}%。",
    "已在{p}完成{c}吨级中试，连续运行{d}小时，产品质量稳定。",
    "形成发明专利{e}项，制定企业标准{f}项，可在{p}相关企业推广。",
    "项目解决了{o}加工过程中{m}的技术瓶颈，具有较好的经济和环境效益。",
    "经第三方检测，{o}主要性能指标达到国内先进水平，能耗降低{a}%。",
    "适用于{o}生产企业的技术改造，投资回收期约{g}年。",
    "通过{m}与信息化手段结合，实现了全过程数据采集与追溯。",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段漕钱汤尹黎易常武乔贺赖龚文"
ORG_KINDS = ["有限公司", "研究院", "研究所", "科技有限公司", "大学", "职业技术学院", "合作社", "材料有限公司"]
SIMILAR = {
    "锂": "理",
    "材": "财",
    "技": "计",
    "料": "科",
    "制": "治",
    "备": "被",
    "茶": "查",
    "竹": "筑",
    "泡": "炮",
    "菜": "采",
    "统": "通",
    "工": "公",
    "艺": "义",
}


def _holders(rng: random.Random, pool: list[str]) -> list[str]:
    return rng.sample(pool, rng.choice((1, 1, 2, 3)))


def _summary(rng: random.Random, o: str, m: str, p: str) -> str:
    values = {k: rng.randint(5, 95) for k in "abcdefg"}
    return "".join(s.format(o=o, m=m, p=p, **values) for s in rng.sample(SENTENCES, 4))


def _retype(rng: random.Random, title: str) -> str:
    choice = rng.random()
    if choice < 0.4:
        positions = [i for i, ch in enumerate(title) if ch in SIMILAR]
        if positions:
            i = rng.choice(positions)
            return title[:i] + SIMILAR[title[i]] + title[i + 1 :]
    if choice < 0.7:
        i = rng.randrange(1, len(title))
        return title[:i] + " " + title[i:]
    return f"{title}（{rng.choice(['眉山', '2025', '中试'])}）"


def _edit(rng: random.Random, summary: str, o: str, m: str, p: str) -> str:
    sentences = [s + "。" for s in summary.split("。") if s]
    i = rng.randrange(len(sentences))
    sentences[i] = rng.choice(SENTENCES).format(o=o, m=m, p=p, **{k: rng.randint(5, 95) for k in "abcdefg"})
    return "".join(sentences)


def synthetic(n: int, planted: int, seed: int = 17) -> tuple[list[Record], set[frozenset]]:
    rng = random.Random(seed)
    pool = [
        f"{rng.choice(PLACES)}{rng.choice(SURNAMES)}{rng.choice(SURNAMES)}{rng.choice(ORG_KINDS)}"
        for _ in range(3000)
    ]
    pool = list(dict.fromkeys(pool))
    records: list[Record] = []
    parts: list[tuple[str, str, str]] = []
    titles: set[str] = set()
    while len(records) < n - planted:
        p, o, m, s = rng.choice(PLACES), rng.choice(OBJECTS), rng.choice(METHODS), rng.choice(SUFFIXES)
        title = f"{p}{o}{m}{s}" if rng.random() < 0.5 else f"{o}{m}{s}"
        if title in titles:
            continue
        titles.add(title)
        records.append(Record(len(records), title, _holders(rng, pool), _summary(rng, o, m, p)))
        parts.append((o, m, p))
    truth: set[frozenset] = set()
    for original in rng.sample(range(len(records)), planted):
        r, (o, m, p) = records[original], parts[original]
        title, holders, text = r.title, list(r.holders), r.text
        edits = rng.sample(["title", "holders", "text"], rng.choice((1, 2, 3)))
        if "title" in edits:
            title = _retype(rng, title)
        if "holders" in edits and len(holders) > 1:
            holders.reverse()
        if "text" in edits:
            text = _edit(rng, text, o, m, p)
        key = len(records)
        records.append(Record(key, title, holders, text))
        truth.add(frozenset((original, key)))
    rng.shuffle(records)
    return records, truth


class Command(BaseCommand):
    help = "Precision, recall, time and memory of near-duplicate detection on synthetic records."

    def add_arguments(self, parser):
        parser.add_argument("--n", type=int, default=100_000)
        parser.add_argument("--planted", type=int, default=2_000)

    def handle(self, *args, n: int, planted: int, **options):
        started = time.perf_counter()
        records, truth = synthetic(n, planted)
        generated = time.perf_counter()
        pairs = find_pairs(records)
        found = {frozenset((p.left, p.right)) for p in pairs}
        elapsed = time.perf_counter() - generated
        hits = len(found & truth)
        result = {
            "records": len(records),
            "planted": len(truth),
            "pairs_found": len(found),
            "precision": round(hits / len(found), 4) if found else None,
            "recall": round(hits / len(truth), 4) if truth else None,
            "detection_seconds": round(elapsed, 1),
            "generation_seconds": round(generated - started, 1),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
        self.stdout.write(json.dumps(result, ensure_ascii=False))
