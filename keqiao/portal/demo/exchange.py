"""Demo imports (数据导入) and patents: the university imports its patents from a patent-search export;
the bureau imports achievements of the materials institute and the bamboo institute from the provincial
platform's export (one row is a retyped copy of a record the institute already has, so the report shows
a skipped duplicate), and patents for both; one more bureau upload waits in its preview with two row
errors. Every import goes through the wizard's services, so every record keeps its provenance.

Patent numbers are fictional, with valid check digits (computed, see patents.services).
"""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import translation
from openpyxl import Workbook

from keqiao.accounts.models import Organization, User
from keqiao.achievements.models import Achievement
from keqiao.exchange import services
from keqiao.exchange.models import ImportBatch
from keqiao.patents import services as patent_services
from keqiao.patents.models import Patent

PATENT_HEADERS = [
    "申请号",
    "公开（公告）号",
    "名称",
    "申请（专利权）人",
    "发明人",
    "IPC分类号",
    "法律状态",
    "申请日",
    "公开（公告）日",
    "授权日",
    "摘要",
]

# (first 12 digits, publication serial, title, inventors, IPC, status, applied, published, granted, abstract)
UNIV_PATENTS = [
    (
        "202110233579",
        "113045678B",
        "一种高镍三元正极材料前驱体的连续共沉淀制备方法",
        "李明；王芳；陈刚",
        "H01M 4/505；C01G 53/00",
        "授权",
        "2021-03-05",
        "2021-06-29",
        "2023-01-17",
        "以锂辉石提锂副产物为镍钴原料，采用多釜串联连续共沉淀，前驱体粒径分布窄，振实密度高。",
    ),
    (
        "202210456701",
        "114789012A",
        "一种低盐泡菜复合发酵剂及其制备方法",
        "张丽；刘洋",
        "A23B 7/10；C12N 1/20",
        "实质审查",
        "2022-04-20",
        "2022-07-29",
        "",
        "由植物乳杆菌和肠膜明串珠菌复配，在4%食盐条件下缩短发酵周期至5天，亚硝酸盐峰值降低。",
    ),
    (
        "202320987654",
        "219876543U",
        "一种晶硅切片冷却液在线过滤装置",
        "赵强；孙伟",
        "B28D 7/02；B01D 29/00",
        "授权",
        "2023-04-11",
        "2023-12-05",
        "2023-12-05",
        "多级过滤与磁分离组合，在线回收金刚线切片冷却液中的硅粉，延长冷却液更换周期。",
    ),
    (
        "202010876503",
        "111987654B",
        "一种眉山晚熟柑橘采后保鲜涂膜剂",
        "周敏；吴涛",
        "A23B 7/16",
        "未缴年费终止",
        "2020-09-01",
        "2020-12-18",
        "2022-05-10",
        "以壳聚糖和茶多酚为主要成分的可食性涂膜，常温贮藏45天好果率提高12个百分点。",
    ),
]
INSTITUTE_PATENTS = [
    (
        "202410550155",
        "118234567A",
        "一种竹纤维增强聚乳酸复合板材及其制备方法",
        "bamboo",
        "陈竹；刘林",
        "B27N 3/04；C08L 67/04",
        "实质审查",
        "2024-05-08",
        "2024-08-20",
        "",
    ),
    (
        "202230100277",
        "307654321S",
        "竹编茶具（青神竹编）",
        "bamboo",
        "王艺",
        "",
        "授权",
        "2022-02-15",
        "2022-06-07",
        "2022-06-07",
    ),
    (
        "201910567802",
        "110345678B",
        "一种锂辉石硫酸法提锂浸出渣的综合利用方法",
        "materials",
        "陈工；杨帆",
        "C22B 26/12；C04B 18/04",
        "有效",
        "2019-06-28",
        "2019-10-11",
        "2021-03-30",
    ),
]
ACHIEVEMENT_HEADERS = [
    "外部编号",
    "成果名称",
    "第一完成单位",
    "技术领域",
    "成果简介",
    "关键词",
    "完成人",
    "所处阶段",
]


def _xlsx(headers: list[str], rows: list[list], name: str) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def _run(by: User, file, kind: str, source: str, organization=None) -> ImportBatch:
    batch = services.batch_upload(
        by=by, uploaded=file, kind=kind, source_name=source, organization=organization
    )
    batch = services.batch_set_mapping(batch=batch, by=by, mapping=batch.mapping)
    return services.batch_commit(batch=batch, by=by)


def _number(first12: str) -> str:
    return patent_services.application_number_with_check(first12)


@transaction.atomic
def load_exchange() -> dict:
    if ImportBatch.objects.exists():
        return {}
    users = {
        u.username: u for u in User.objects.filter(username__in=["bureau", "univ", "materials", "bamboo"])
    }
    orgs = {
        name: Organization.objects.filter(memberships__user=users[name]).order_by("pk").first()
        for name in ("univ", "materials", "bamboo")
    }
    univ_rows = [
        [
            _number(n),
            f"CN{pub}",
            title,
            orgs["univ"].name,
            inventors,
            ipc,
            status,
            applied,
            published,
            granted,
            abstract,
        ]
        for n, pub, title, inventors, ipc, status, applied, published, granted, abstract in UNIV_PATENTS
    ]
    _run(
        users["univ"],
        _xlsx(PATENT_HEADERS, univ_rows, "专利检索导出-2026-11.xlsx"),
        "patents",
        "国家知识产权局专利检索",
    )
    # Link the university's patents to its published achievements of the same field, as its TTO would.
    published = list(
        Achievement.objects.filter(organization=orgs["univ"], status="published").order_by("pk")[:3]
    )
    for patent, achievement in zip(
        Patent.objects.filter(holder=orgs["univ"]).order_by("pk"), published, strict=False
    ):
        patent_services.patent_link_achievements(patent=patent, achievement_ids=[achievement.pk])

    headers = [*PATENT_HEADERS[:-1], "平台持有单位"]
    institute_rows = [
        [
            _number(n),
            f"CN{pub}",
            title,
            orgs[owner].name,
            inventors,
            ipc,
            status,
            applied,
            published_on,
            granted,
            orgs[owner].name,
        ]
        for n, pub, title, owner, inventors, ipc, status, applied, published_on, granted in INSTITUTE_PATENTS
    ]
    _run(
        users["bureau"],
        _xlsx(headers, institute_rows, "科研院所专利清单.xlsx"),
        "patents",
        "天府科技云专利库",
    )

    existing = (
        Achievement.objects.filter(organization=orgs["materials"], status="published").order_by("pk").first()
    )
    rows = [
        [
            "SC-2025-000311",
            "锂电池正极材料回收中镍钴锰的短流程湿法冶金技术",
            orgs["materials"].name,
            "新能源与高效节能",
            "废旧三元电池黑粉经还原酸浸、萃取分离得到电池级硫酸盐，镍钴锰回收率98%以上，已在仁寿完成千吨级中试。",
            "电池回收；湿法冶金；镍钴锰",
            "陈工；杨帆",
            "中试",
        ],
        [
            "SC-2025-000327",
            "慈竹定向刨花板低醛胶黏剂体系",
            orgs["bamboo"].name,
            "新材料及其应用",
            "以改性大豆蛋白替代部分脲醛树脂，板材甲醛释放量达到E0级，静曲强度满足家具用板要求。",
            "竹材；刨花板；低醛",
            "周老师；王艺",
            "小规模生产",
        ],
        [
            "SC-2025-000342",
            "洪雅藤椒油低温冷榨与风味保持工艺",
            orgs["materials"].name,
            "农业",
            "低温冷榨结合氮气保护灌装，藤椒油麻味物质保留率提高20%，货架期延长至18个月。",
            "藤椒；冷榨；风味",
            "杨帆",
            "大规模应用",
        ],
    ]
    if existing is not None:  # the same record as the provincial platform retyped it: reported as a duplicate
        rows.append(
            [
                "SC-2024-000876",
                f" {existing.title} ",
                orgs["materials"].name,
                existing.get_tech_field_display(),
                existing.summary[:500],
                "；".join(existing.keywords),
                "",
                "",
            ]
        )
    _run(
        users["bureau"],
        _xlsx(ACHIEVEMENT_HEADERS, rows, "四川科创通成果导出-2026Q3.xlsx"),
        "achievements",
        "四川科创通",
    )

    # An upload waiting in its preview: one row's field is not a technology field, one holder is unknown.
    pending = [
        [
            "SC-2025-000401",
            "东坡区泡菜盐水循环利用技术",
            orgs["materials"].name,
            "食品",
            "泡菜盐水经膜过滤与杀菌后循环使用，节水30%。",
            "泡菜；盐水",
            "",
            "",
        ],
        [
            "SC-2025-000402",
            "青神竹编数字化图案设计系统",
            "青神县某竹编合作社",
            "电子信息",
            "竹编纹样参数化设计与打样系统。",
            "竹编；设计",
            "",
            "",
        ],
        [
            "SC-2025-000403",
            "彭山葡萄避雨栽培水肥一体化",
            orgs["univ"].name,
            "农业",
            "避雨棚内滴灌施肥，节肥25%，裂果率下降。",
            "葡萄；水肥",
            "",
            "",
        ],
    ]
    batch = services.batch_upload(
        by=users["bureau"],
        uploaded=_xlsx(ACHIEVEMENT_HEADERS, pending, "县区报送成果汇总.xlsx"),
        kind="achievements",
        source_name="县区报送",
    )
    with translation.override("zh-hans"):  # the preview's messages are kept in the language of the check
        services.batch_set_mapping(batch=batch, by=users["bureau"], mapping=batch.mapping)
    return {"import batches": ImportBatch.objects.count(), "patents": Patent.objects.count()}
