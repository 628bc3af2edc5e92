"""An import inside a function says why it is there (on its own line or the line just above).

Imports belong at the top of a module. The few that stay inside a function do so for a reason a reader
cannot guess — the app registry is not ready yet, a heavy library loaded only when it is used, a
development-only dependency, an import cycle — and the comment names it. Tests and migrations are
exempt.
"""

import ast
import io
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("keqiao", "config")

# (path, statement) of imports known to lack a comment, to be fixed where they are being reworked. An
# entry that no longer matches fails the test, so the list only shrinks.
KNOWN: set[tuple[str, str]] = set()  # (path, statement) pairs excused; keep it empty


def product_modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts:
                continue
            yield path


def comment_lines(source: str) -> set[int]:
    """Line numbers that carry a comment (a real `#` token, not one inside a string)."""
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return {tok.start[0] for tok in tokens if tok.type == tokenize.COMMENT}


def function_level_imports(tree: ast.AST):
    """Import statements inside a function (or method, or a class nested in one)."""

    def walk(node, in_function: bool):
        for child in ast.iter_child_nodes(node):
            if in_function and isinstance(child, ast.Import | ast.ImportFrom):
                yield child
            yield from walk(child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef))

    yield from walk(tree, False)


def uncommented_imports(path: Path) -> list[tuple[int, str]]:
    source = path.read_text(encoding="utf-8")
    comments = comment_lines(source)
    lines = source.splitlines()
    found = []
    for node in function_level_imports(ast.parse(source, filename=str(path))):
        own_lines = range(node.lineno, node.end_lineno + 1)
        line_above = node.lineno - 1
        line_above_is_comment = line_above in comments and lines[line_above - 1].lstrip().startswith("#")
        if not (comments.intersection(own_lines) or line_above_is_comment):
            found.append((node.lineno, lines[node.lineno - 1].strip()))
    return found


def test_every_function_level_import_says_why():
    offenders, known_seen = [], set()
    for path in product_modules():
        relative = path.relative_to(ROOT).as_posix()
        for line, statement in uncommented_imports(path):
            if (relative, statement) in KNOWN:
                known_seen.add((relative, statement))
            else:
                offenders.append(f"{relative}:{line}: {statement}")
    assert not offenders, (
        "Imports inside functions without a comment saying why (move them to the top of the module, "
        "or add the reason on the line or just above):\n" + "\n".join(offenders)
    )
    assert known_seen == KNOWN, f"no longer found, remove from KNOWN: {sorted(KNOWN - known_seen)}"


def test_the_check_sees_an_uncommented_import(tmp_path):
    module = tmp_path / "example.py"
    module.write_text(
        "import os\n"
        "\n"
        "\n"
        "def commented_above():\n"
        "    # heavy: loaded only when used\n"
        "    import json\n"
        "\n"
        "\n"
        "def commented_on_the_line():\n"
        "    import csv  # heavy: loaded only when used\n"
        "\n"
        "\n"
        "def not_commented():\n"
        '    """# a docstring is not a comment"""\n'
        "    import decimal\n"
        "\n"
        "    class Local:\n"
        "        def method(self):\n"
        "            from pathlib import Path\n"
        "\n"
        "            return Path\n"
        "\n"
        "    return decimal, Local\n",
        encoding="utf-8",
    )
    assert uncommented_imports(module) == [(15, "import decimal"), (19, "from pathlib import Path")]
