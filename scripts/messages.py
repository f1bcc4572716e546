"""The translation catalogs (locale/<lang>/LC_MESSAGES/django.po and the compiled .mo).

    python3 run.py messages            extract every translatable string into the catalogs
                                       (Django's makemessages: needs GNU gettext, e.g.
                                       `apt-get install gettext`), then compile them
    python3 run.py messages compile    compile the .po files to .mo with polib (Python only)
    python3 run.py messages check      fail if the committed catalogs miss a string the code
                                       has, keep one it lost, or the .mo is not the .po's

The compiled .mo files are committed, so the run and test commands need no gettext. The
catalogs' completeness (every entry translated, none fuzzy) is tests/i18n/test_catalog.py's.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "locale"
MAKEMESSAGES = [
    sys.executable,
    "manage.py",
    "makemessages",
    "--all",
    "--no-obsolete",
    "--add-location=file",
    "--ignore=.venv/*",
    "--ignore=tests/*",
    "--ignore=scripts/*",
    "--ignore=var/*",
    "--ignore=staticfiles/*",
]


def catalogs() -> list[Path]:
    return sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))


def compiled(po_path: Path) -> bytes:
    """The .mo polib writes for ``po_path`` (deterministic: the same .po, the same bytes)."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "django.mo"
        polib.pofile(str(po_path)).save_as_mofile(str(target))
        return target.read_bytes()


def compile_all() -> int:
    for po_path in catalogs():
        po_path.with_suffix(".mo").write_bytes(compiled(po_path))
        print(f"compiled {po_path.relative_to(ROOT)}")
    return 0


def extract() -> int:
    env = {"DEBUG": "true", "GCC_VAR_DIR": "var/messages", **os.environ}
    subprocess.run(MAKEMESSAGES, cwd=ROOT, env=env, check=True)
    return compile_all()


def _ids(po_path: Path) -> set[tuple[str | None, str]]:
    return {(e.msgctxt, e.msgid) for e in polib.pofile(str(po_path)) if not e.obsolete}


def check() -> int:
    problems = []
    for po_path in catalogs():
        if po_path.with_suffix(".mo").read_bytes() != compiled(po_path):
            problems.append(f"{po_path.with_suffix('.mo')} is not the compiled {po_path.name}")
    with tempfile.TemporaryDirectory() as folder:
        kept = Path(folder) / "locale"
        shutil.copytree(LOCALE, kept)
        try:
            env = {"DEBUG": "true", "GCC_VAR_DIR": "var/messages", **os.environ}
            subprocess.run(MAKEMESSAGES, cwd=ROOT, env=env, check=True, capture_output=True)
            for po_path in catalogs():
                committed = _ids(kept / po_path.relative_to(LOCALE))
                found = _ids(po_path)
                for _context, msgid in sorted(found - committed, key=str):
                    problems.append(f"{po_path.parent.parent.name}: missing {msgid!r}")
                for _context, msgid in sorted(committed - found, key=str):
                    problems.append(f"{po_path.parent.parent.name}: no longer used {msgid!r}")
        finally:
            shutil.rmtree(LOCALE)
            shutil.copytree(kept, LOCALE)
    for problem in problems:
        print(problem)
    if problems:
        print("run `python3 run.py messages`, translate, and commit locale/")
        return 1
    print(f"catalogs current: {', '.join(str(p.relative_to(ROOT)) for p in catalogs())}")
    return 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "extract"
    sys.exit({"extract": extract, "compile": compile_all, "check": check}[command]())
