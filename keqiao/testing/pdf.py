"""Reading the PDFs the site makes (reportlab output) in tests, without a PDF library: the text of the
pages (through each font's ToUnicode map) and the fonts that are embedded."""

import base64
import re
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n")
_TOKEN = re.compile(rb"/(\S+)\s+[\d.]+\s+Tf|\(((?:\\.|[^\\)])*)\)|<([0-9A-Fa-f]*)>\s*Tj", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def objects(content: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """{number: (dictionary, decoded stream or None)}."""
    out = {}
    for match in _OBJECT.finditer(content):
        body = match.group(2)
        stream = _STREAM.search(body)
        data = None
        if stream:
            head = body[: stream.start()]
            length = re.search(rb"/Length\s+(\d+)", head)
            data = body[stream.end() : stream.end() + int(length.group(1))] if length else b""
            if b"/ASCII85Decode" in head:
                data = base64.a85decode(data.strip().removesuffix(b"~>").removeprefix(b"<~"))
            if b"/FlateDecode" in head:
                data = zlib.decompress(data)
            body = head
        out[int(match.group(1))] = (body, data)
    return out


def _ref(dictionary: bytes, key: bytes) -> int | None:
    match = re.search(rb"/" + re.escape(key) + rb"\s+(\d+)\s+0\s+R", dictionary)
    return int(match.group(1)) if match else None


def _unescape(literal: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(literal):
        ch = literal[i : i + 1]
        if ch == b"\\":
            nxt = literal[i + 1 : i + 2]
            octal = re.match(rb"[0-7]{1,3}", literal[i + 1 : i + 4])
            if octal:
                out.append(int(octal.group(0), 8) & 0xFF)
                i += 1 + len(octal.group(0))
                continue
            out += _ESCAPES.get(nxt, nxt)
            i += 2
            continue
        out += ch
        i += 1
    return bytes(out)


def _to_unicode(cmap: bytes) -> dict[int, str]:
    table = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            table[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start = int(dst, 16)
            for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                table[code] = chr(start + offset)
    return table


def fonts(content: bytes) -> dict[str, dict]:
    """Fonts by resource name: {"/F2+0": {"base": …, "embedded": bool, "map": {code: char} or None}}."""
    objs = objects(content)
    out = {}
    for body, _data in objs.values():
        for name, number in re.findall(rb"/(F[\w+]+)\s+(\d+)\s+0\s+R", body):
            font = objs.get(int(number))
            if font is None or not re.search(rb"/Type\s*/Font\b", font[0]):
                continue
            dictionary = font[0]
            descriptor = objs.get(_ref(dictionary, b"FontDescriptor") or -1, (b"", None))[0]
            cmap_ref = _ref(dictionary, b"ToUnicode")
            base = re.search(rb"/BaseFont\s*/(\S+)", dictionary)
            out[name.decode()] = {
                "base": base.group(1).decode() if base else "",
                "embedded": any(k in descriptor for k in (b"/FontFile2", b"/FontFile3", b"/FontFile ")),
                "map": _to_unicode(objs[cmap_ref][1] or b"") if cmap_ref else None,
            }
    return out


def _page_streams(objs) -> list[bytes]:
    pages = []
    for body, _data in objs.values():
        if re.search(rb"/Type\s*/Page\b", body):
            ref = _ref(body, b"Contents")
            if ref is not None and objs[ref][1] is not None:
                pages.append(objs[ref][1])
    return pages


def used_fonts(content: bytes) -> set[str]:
    """The resource names of the fonts that set some text on the pages."""
    used, current = set(), None
    for stream in _page_streams(objects(content)):
        for match in _TOKEN.finditer(stream):
            if match.group(1) is not None:
                current = match.group(1).decode()
            elif current is not None:
                used.add(current)
    return used


def text(content: bytes) -> str:
    """The text shown on the pages, in order (fonts without a ToUnicode map read as Latin-1)."""
    objs = objects(content)
    known = fonts(content)
    out = []
    for stream in _page_streams(objs):
        mapping = None
        for match in _TOKEN.finditer(stream):
            if match.group(1) is not None:
                mapping = (known.get(match.group(1).decode()) or {}).get("map")
                continue
            raw = (
                _unescape(match.group(2))
                if match.group(2) is not None
                else bytes.fromhex(match.group(3).decode())
            )
            if mapping:
                out.append("".join(mapping.get(b, "") for b in raw))
            else:
                out.append(raw.decode("latin-1"))
        out.append("\n")
    return "".join(out)
