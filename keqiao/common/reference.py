"""Loading the bundled reference data (regions, GB/T 4754 industries, GB/T 13745 disciplines)."""

import csv
from pathlib import Path

from django.conf import settings

DATA_DIR = Path(__file__).resolve().parent / "data"


def city_code_prefix() -> str:
    """The first four digits of the city's GB/T 2260 code: areas whose code starts with them are the
    city's own (KEQIAO["CONTRACT_REGION_CODE"], 511400 for Meishan)."""
    return settings.KEQIAO["CONTRACT_REGION_CODE"][:4]


# Meishan's districts/counties (GB/T 2260 codes) and parks (local codes under their area).
REGIONS = [
    # code, name, English name, kind, parent code
    ("511400", "眉山市", "Meishan City", "city", None),
    ("511402", "东坡区", "Dongpo District", "county", "511400"),
    ("511403", "彭山区", "Pengshan District", "county", "511400"),
    ("511421", "仁寿县", "Renshou County", "county", "511400"),
    ("511423", "洪雅县", "Hongya County", "county", "511400"),
    ("511424", "丹棱县", "Danling County", "county", "511400"),
    ("511425", "青神县", "Qingshen County", "county", "511400"),
    (
        "511400P01",
        "眉山经济技术开发区",
        "Meishan Economic and Technological Development Zone",
        "park",
        "511400",
    ),
    ("511421P01", "天府新区仁寿视高区域", "Tianfu New Area Renshou Shigao Zone", "park", "511421"),
    ("511403P01", "彭山经济开发区", "Pengshan Economic Development Zone", "park", "511403"),
]


def load_regions(Region) -> int:  # noqa: N803 - the model class is passed in (migrations use historical models)
    by_code = {}
    for order, (code, name, name_en, kind, parent) in enumerate(REGIONS):
        obj, _ = Region.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "kind": kind,
                "parent": by_code.get(parent),
                "sort_order": order,
            },
        )
        by_code[code] = obj
    return len(by_code)


def read_classification(filename: str) -> list[dict[str, str]]:
    with open(DATA_DIR / filename, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load_classifications(Classification) -> int:  # noqa: N803
    existing = set(Classification.objects.values_list("scheme", "code"))
    rows = []
    for scheme, filename in (
        ("gbt4754", "gbt4754-2017-industries.csv"),
        ("gbt13745", "gbt13745-2009-disciplines.csv"),
    ):
        for row in read_classification(filename):
            if (scheme, row["code"]) in existing:
                continue
            rows.append(
                Classification(
                    scheme=scheme,
                    code=row["code"],
                    level=row["level"],
                    name=row["name"],
                    parent_code=row["parent"] or "",
                )
            )
    Classification.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
