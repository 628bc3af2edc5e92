"""The environment file (/etc/keqiao/keqiao.env): lines that mean the same to systemd and to a shell.

systemd's ``EnvironmentFile=`` and a shell's ``set -a && . FILE`` (the cron lines of the operator guide)
read the same file differently: a shell runs it as code (``科桥 Keqiao <noreply@…>`` unquoted is a
redirection, ``$`` expands, `` # …`` after a space is a comment) while systemd takes everything after
``=`` literally, a trailing ``# comment`` included. `problems()` accepts only lines both read alike:

- empty lines and lines starting with ``#``;
- ``NAME=value`` with no space around ``=``, where the value is either unquoted and made of letters,
  digits and ``_ @ % + = : , . / -`` only, or in single quotes (no ``'`` inside), or in double quotes
  without ``$``, `````, ``\\`` or ``"`` inside; nothing after the closing quote.

`parse()` gives the values of such a file. `manage.py check_env_file FILE` prints one line per problem.
"""

import re

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BARE = re.compile(r"[\w@%+=:,./-]*")  # \w includes CJK letters: both readers keep them as they are
_SINGLE = re.compile(r"'[^']*'")
_DOUBLE = re.compile(r'"[^"$`\\]*"')


def _check(line: str) -> str | None:
    """Why this (non-comment) line is read differently by systemd and a shell, or None."""
    if "=" not in line:
        return "not NAME=value"
    name, value = line.split("=", 1)
    if name.startswith("export "):
        return "remove 'export ' (systemd does not accept it)"
    if not _NAME.fullmatch(name):
        return f"{name!r} is not a variable name (no spaces around '=')"
    if _BARE.fullmatch(value) or _SINGLE.fullmatch(value) or _DOUBLE.fullmatch(value):
        return None
    if re.search(r"\s#", value):
        return f"{name}: a comment after the value becomes part of it under systemd; put it on its own line"
    if value.startswith(("'", '"')):
        return f"{name}: the value must be one quoted string with nothing after it, and no $ ` \\ inside"
    return f"{name}: quote the value in single quotes (it has spaces or characters a shell interprets)"


def problems(text: str) -> list[str]:
    """One message per line that systemd and a shell would not read alike, as ``line N: why``."""
    found = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.startswith("#"):
            continue
        if line != line.strip():
            found.append(f"line {number}: leading or trailing spaces")
            continue
        why = _check(line)
        if why:
            found.append(f"line {number}: {why}")
    return found


def parse(text: str) -> dict[str, str]:
    """The variables of a file without problems (quotes removed)."""
    values = {}
    for raw in text.splitlines():
        line = raw.rstrip("\r")
        if not line.strip() or line.startswith("#"):
            continue
        name, value = line.split("=", 1)
        if value[:1] in ("'", '"') and len(value) >= 2:
            value = value[1:-1]
        values[name] = value
    return values
