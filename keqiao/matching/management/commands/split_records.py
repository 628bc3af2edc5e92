"""Split a csl_dev.jsonl-format file into two disjoint halves, stratified by discipline (deterministic)."""

import json
import random

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Write FILE's records into TRAIN and TEST halves, stratified by discipline, for evaluate_matching."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("train")
        parser.add_argument("test")
        parser.add_argument("--seed", type=int, default=13)

    def handle(self, *args, file, train, test, seed, **options):
        with open(file, encoding="utf-8") as fh:
            records = [json.loads(line) for line in fh if line.strip()]
        by_discipline: dict[str, list[dict]] = {}
        for r in records:
            by_discipline.setdefault(r["discipline"], []).append(r)
        rng = random.Random(seed)
        halves: tuple[list, list] = ([], [])
        for group in by_discipline.values():
            rng.shuffle(group)
            half = len(group) // 2
            halves[0].extend(group[:half])
            halves[1].extend(group[half:])
        for path, rows in zip((train, test), halves, strict=True):
            with open(path, "w", encoding="utf-8") as fh:
                fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        self.stdout.write(f"train={len(halves[0])} test={len(halves[1])}")
