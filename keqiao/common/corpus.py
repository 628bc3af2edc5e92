"""The bundled corpus of real Chinese research records (CSL; see keqiao/common/data/README.md).

Runtime code reads it here: the discipline classifier and the matcher's semantic model train on it.
The demo data and the evaluation commands read the same file.
"""

import json
from pathlib import Path

CSL_FILE = Path(__file__).resolve().parent / "data" / "csl_dev.jsonl"


def read_records(path: Path | str = CSL_FILE, limit: int | None = None) -> list[dict]:
    """Records of a csl_dev.jsonl-format file: title, abstract, keywords, discipline, category."""
    with open(path, encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    return records[:limit] if limit else records
