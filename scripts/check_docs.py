"""Check that the documentation keeps up with the code.

    python3 scripts/check_docs.py          (or .venv/bin/python; the standard library only)

Exits 1, listing each problem, when:

1. a setting the code reads from the environment is not in docs/configuration.md. The names
   are found by parsing every Python file of the repository (not a list kept by hand): calls
   on django-environ's ``env`` (``env.str("NAME", ...)``, ``env.int``, ``env.db``, ...,
   ``env("NAME")``) and reads of ``os.environ`` (``os.environ["NAME"]``,
   ``os.environ.get("NAME")``, ``os.environ.setdefault("NAME", ...)``, ``os.getenv("NAME")``).
   A name counts as documented when it appears in backticks in the page (`` `NAME` ``).
2. a relative link in README.md, CONTRIBUTING.md, SECURITY.md, CHANGELOG.md or docs/**/*.md
   does not resolve to a file or folder of the repository, or its ``#anchor`` names no heading
   of the target page (GitHub's heading ids). Links to other sites are not followed.

tests/docs/test_docs.py runs the same functions as part of the test suite.
"""

from __future__ import annotations

import ast
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIGURATION_DOC = Path("docs/configuration.md")
LINKED_DOCS = ["README.md", "CONTRIBUTING.md", "SECURITY.md", "CHANGELOG.md", "docs/**/*.md"]
# Not the project's code: installed packages, generated or scratch folders.
SKIPPED_DIRS = {
    ".git",
    ".venv",
    "venv",
    "node_modules",
    "var",
    "artifacts",
    "build",
    "dist",
    "staticfiles",
    "__pycache__",
}
# django-environ's readers: env.str("NAME", default=...), env.db("DATABASE_URL"), ...
ENV_READERS = {
    "str",
    "bool",
    "int",
    "float",
    "list",
    "tuple",
    "dict",
    "json",
    "url",
    "path",
    "db",
    "db_url",
    "cache",
    "cache_url",
    "email",
    "email_url",
    "search_url",
    "bytes",
    "get_value",
}
OS_ENVIRON_READERS = {"get", "setdefault"}


# --- 1. Settings read from the environment -----------------------------------------------------


def python_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if any(part in SKIPPED_DIRS or part.endswith(".egg-info") for part in parts[:-1]):
            continue
        yield path


def _first_string(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def _is_os_environ(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def env_reads_in_source(source: str) -> set[str]:
    """The environment variable names one Python module reads (see the module docstring)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func, name = node.func, _first_string(node)
            if name is None:
                continue
            if isinstance(func, ast.Name) and func.id == "env":  # env("NAME")
                names.add(name)
            elif isinstance(func, ast.Attribute):
                owner = func.value
                if isinstance(owner, ast.Name) and owner.id == "env" and func.attr in ENV_READERS:
                    names.add(name)
                elif _is_os_environ(owner) and func.attr in OS_ENVIRON_READERS:
                    # os.environ.get(NAME), os.environ.setdefault(NAME, ...)
                    names.add(name)
                elif (
                    isinstance(owner, ast.Name) and owner.id == "os" and func.attr == "getenv"
                ):  # os.getenv("NAME")
                    names.add(name)
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Load)
            and _is_os_environ(node.value)
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):  # os.environ["NAME"]
            names.add(node.slice.value)
    return names


def env_reads(root: Path = ROOT) -> dict[str, list[str]]:
    """Every environment variable the repository's Python code reads: name -> files."""
    found: dict[str, list[str]] = {}
    for path in python_files(root):
        try:
            names = env_reads_in_source(path.read_text(encoding="utf-8"))
        except SyntaxError:
            continue
        for name in names:
            found.setdefault(name, []).append(path.relative_to(root).as_posix())
    return found


def documented_names(text: str) -> set[str]:
    """The NAME-like words inside backticks in a Markdown page."""
    names = set()
    for span in re.findall(r"`([^`\n]+)`", text):
        names.update(re.findall(r"\b[A-Z][A-Z0-9_]*[A-Z0-9]\b", span))
    return names


def undocumented_settings(root: Path = ROOT, doc: Path = CONFIGURATION_DOC) -> list[str]:
    """One line per setting read by the code but missing from ``doc``."""
    page = root / doc
    if not page.exists():
        return [f"{doc}: missing (it must list every setting the code reads)"]
    documented = documented_names(page.read_text(encoding="utf-8"))
    return [
        f"{name} (read in {', '.join(files)}) is not in {doc}"
        for name, files in sorted(env_reads(root).items())
        if name not in documented
    ]


# --- 2. Relative links ---------------------------------------------------------------------------

FENCE = re.compile(r"^\s*(```|~~~)")
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
# [text](target "title") and ![alt](target); the target may be wrapped in <...>.
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
HTML_LINK = re.compile(r"""<(?:a|img)\b[^>]*?\b(?:href|src)\s*=\s*["']([^"']+)["']""", re.I)
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)  # http:, https:, mailto:, ...


def _prose_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) outside fenced code blocks, inline code removed."""
    fenced = None
    for number, line in enumerate(text.splitlines(), start=1):
        marker = FENCE.match(line)
        if marker:
            fenced = None if fenced == marker.group(1) else fenced or marker.group(1)
            continue
        if fenced is None:
            yield number, INLINE_CODE.sub("", line)


def links(text: str) -> Iterator[tuple[int, str]]:
    """(line number, target) of every link and image in a Markdown page."""
    for number, line in _prose_lines(text):
        for pattern in (LINK, HTML_LINK):
            for match in pattern.finditer(line):
                yield number, match.group(1)
        definition = REFERENCE_DEFINITION.match(line)
        if definition:
            yield number, definition.group(1)


def slug(heading: str) -> str:
    """GitHub's id for a heading: lower case, markup and punctuation dropped, spaces to '-'."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link: its text
    text = re.sub(r"<[^>]+>", "", text).replace("`", "").strip().lower()
    kept = (
        char
        for char in text
        if char in " -_" or unicodedata.category(char)[0] in "LNM"  # letters, numbers, marks
    )
    return "".join(kept).replace(" ", "-")


def anchors(text: str) -> set[str]:
    """The heading ids of a Markdown page (a repeated heading gets -1, -2, ... as on GitHub)."""
    seen: dict[str, int] = {}
    found = set()
    for _, line in _prose_lines(text):
        match = HEADING.match(line)
        if not match:
            continue
        base = slug(match.group(2))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    for name in re.findall(r"""<a\s+(?:name|id)=["']([^"']+)["']""", text):
        found.add(name)
    return found


def doc_files(root: Path = ROOT, patterns: Iterable[str] = LINKED_DOCS) -> list[Path]:
    files: list[Path] = []
    for pattern in patterns:
        files.extend(sorted(root.glob(pattern)))
    return [path for path in dict.fromkeys(files) if path.is_file()]


def broken_links(root: Path = ROOT, patterns: Iterable[str] = LINKED_DOCS) -> list[str]:
    """One line per relative link that does not resolve (file, or #anchor in a .md file)."""
    root = root.resolve()
    problems = []
    for page in doc_files(root, patterns):
        text = page.read_text(encoding="utf-8")
        where = page.relative_to(root).as_posix()
        for number, target in links(text):
            if EXTERNAL.match(target):
                continue
            path_part, _, anchor = target.partition("#")
            path_part = path_part.split("?", 1)[0]
            resolved = (page.parent / path_part).resolve() if path_part else page
            if not resolved.is_relative_to(root):
                problems.append(f"{where}:{number}: {target} points outside the repository")
                continue
            if not resolved.exists():
                problems.append(f"{where}:{number}: {target} does not exist")
                continue
            if (
                anchor
                and resolved.suffix == ".md"
                and resolved.is_file()
                and anchor.lower() not in anchors(resolved.read_text(encoding="utf-8"))
            ):
                problems.append(f"{where}:{number}: {target}: no heading #{anchor} there")
    return problems


def main() -> int:
    settings, link_problems = undocumented_settings(), broken_links()
    for title, problems in (
        ("Settings the code reads that docs/configuration.md does not list:", settings),
        ("Relative links that do not resolve:", link_problems),
    ):
        if problems:
            print(title)
            for problem in problems:
                print(f"  {problem}")
    if settings or link_problems:
        return 1
    count = len(env_reads())
    print(f"docs: ok ({count} settings documented, links in {len(doc_files())} pages resolve)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
