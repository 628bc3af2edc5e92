"""Find Chinese text in a page rendered in English, outside what users entered.

Templates mark user data (titles, names, descriptions: shown as entered, in whatever language it was
written) with an element carrying ``data-user`` or ``lang="zh…"``; everything else on an English page
comes from the catalogue and must be English. Used by a test over the main pages and by
``manage.py compile_translations --check``.
"""

import re
from html.parser import HTMLParser

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df]")
# <title> repeats the page's heading (checked where it is marked); it can hold no marked element
SKIPPED = {"script", "style", "template", "textarea", "option", "title"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")


def _user_data(attrs: dict) -> bool:
    return "data-user" in attrs or (attrs.get("lang") or "").lower().startswith("zh")


class _Finder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.hits: list[str] = []

    @property
    def skipping(self) -> bool:
        return any(skipped for _tag, skipped in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skipped = tag in SKIPPED or _user_data(attrs)
        if not self.skipping and not skipped:
            for name in ATTRIBUTES:
                value = attrs.get(name) or ""
                if HAN.search(value):
                    self.hits.append(f"<{tag} {name}={value!r}>")
        if tag not in VOID:
            self.stack.append((tag, skipped))

    def handle_startendtag(self, tag, attrs):
        attrs = dict(attrs)
        if not self.skipping and not _user_data(attrs):
            for name in ATTRIBUTES:
                value = attrs.get(name) or ""
                if HAN.search(value):
                    self.hits.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if not self.skipping and HAN.search(data):
            self.hits.append(data.strip())


def chinese_outside_user_data(html: str) -> list[str]:
    """The pieces of text (or attributes) with Han characters that no user-data element encloses."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return finder.hits
