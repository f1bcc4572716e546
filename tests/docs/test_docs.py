"""The documentation keeps up with the code (scripts/check_docs.py, also run alone in CI):
every setting the code reads is in docs/configuration.md, and every relative link resolves.
"""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_checker():
    spec = importlib.util.spec_from_file_location("check_docs", ROOT / "scripts" / "check_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_docs = _load_checker()


def test_every_setting_the_code_reads_is_documented():
    assert check_docs.undocumented_settings() == []


def test_every_relative_link_in_the_docs_resolves():
    assert check_docs.broken_links() == []


def test_the_settings_are_found_by_parsing_the_code():
    found = check_docs.env_reads()
    # A few the settings read in different ways: env.str, env.db, env.int inside an if.
    assert {"SECRET_KEY", "DATABASE_URL", "CONN_MAX_AGE", "SECURE_HSTS_SECONDS"} <= found.keys()
    assert "gccportal/settings.py" in found["GCC_REVIEW_BUSINESS_DAY_SECONDS"]


def test_the_env_reads_it_recognises():
    source = """
import os
import environ
env = environ.Env()
A = env.str("GCC_A", default="x")
B = env("GCC_B")
C = env.db("GCC_C")
D = os.environ["GCC_D"]
E = os.environ.get("GCC_E", "1")
F = os.getenv("GCC_F")
os.environ.setdefault("GCC_G", "y")
os.environ["NOT_READ"] = "written, not read"
wsgi_environ = {}
wsgi_environ.get("CONTENT_TYPE")
"""
    assert check_docs.env_reads_in_source(source) == {f"GCC_{x}" for x in "ABCDEFG"}


@pytest.fixture
def tiny_repo(tmp_path):
    """A repository with one setting, documented, and pages whose links all resolve."""
    (tmp_path / "gccportal").mkdir()
    (tmp_path / "gccportal" / "settings.py").write_text(
        'import environ\nenv = environ.Env()\nX = env.int("GCC_DOCUMENTED", default=1)\n'
    )
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "configuration.md").write_text(
        "# Configuration\n\n## The one setting\n\n| `GCC_DOCUMENTED` | `1` | something |\n"
    )
    (tmp_path / "README.md").write_text(
        "# Title\n\nSee [the settings](docs/configuration.md#the-one-setting)"
        " and [above](#title).\n\n```sh\n[not a link](nowhere.md)\n```\n"
    )
    return tmp_path


def test_a_clean_tiny_repo_passes(tiny_repo):
    assert check_docs.undocumented_settings(tiny_repo) == []
    assert check_docs.broken_links(tiny_repo) == []


def test_it_catches_a_setting_missing_from_the_docs(tiny_repo):
    (tiny_repo / "ops.py").write_text('import os\nLEVEL = os.environ.get("GCC_NEW_KNOB", "3")\n')
    problems = check_docs.undocumented_settings(tiny_repo)
    assert len(problems) == 1
    assert "GCC_NEW_KNOB" in problems[0] and "ops.py" in problems[0]


def test_it_catches_broken_links_and_anchors(tiny_repo):
    (tiny_repo / "docs" / "api.md").write_text(
        "# API\n\n[gone](missing.md), [no such heading](configuration.md#nowhere),"
        " [outside](../../shared/reference/x.md), [fine](configuration.md),"
        " [web](https://learn.microsoft.com/en-us/partner-center/developer/)\n"
    )
    problems = check_docs.broken_links(tiny_repo)
    assert len(problems) == 3, problems
    assert "missing.md does not exist" in problems[0]
    assert "no heading #nowhere" in problems[1]
    assert "outside the repository" in problems[2]


def test_heading_ids_follow_github():
    text = "# The /v1/ API\n## Ops: commands, health and logs\n## Notes\n## Notes\n"
    assert check_docs.anchors(text) == {
        "the-v1-api",
        "ops-commands-health-and-logs",
        "notes",
        "notes-1",
    }
