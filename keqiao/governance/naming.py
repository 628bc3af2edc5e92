"""Task names as people read them: the numbering a published task table carries ("11. ", "四、", "3.",
"（二）") is the table's layout, not part of the name, and is dropped on import."""

import re

# One leading number in any of the forms of a Chinese government document: "11. ", "11、", "3.", "3．",
# "四、", "（二）", "(2)", "第三，". Applied repeatedly, so "11. 四、协同推进" loses both.
_NUMBERING = re.compile(
    r"^\s*(?:"
    r"\d{1,3}\s*[.．、)）](?!\d)"  # 11.  3．  2、  1)   — but not a decimal such as 3.5
    r"|[一二三四五六七八九十百]{1,4}\s*[、.．]"  # 四、  十二．
    r"|[（(]\s*(?:\d{1,3}|[一二三四五六七八九十]{1,4})\s*[)）]"  # （二）  (2)
    r"|第[一二三四五六七八九十\d]{1,4}[，,、]"  # 第三，
    r")\s*"
)


def clean_task_name(text: str) -> str:
    """`text` without its leading numbering, surrounding blanks and a final full stop.

    >>> clean_task_name("11. 四、协同推进科技创新创业载体建设。")
    '协同推进科技创新创业载体建设'
    """
    name = " ".join(str(text or "").split())
    while True:
        stripped = _NUMBERING.sub("", name, count=1)
        if stripped == name or not stripped:
            break
        name = stripped
    return name.rstrip("。.． ")
