"""A production configuration passes ``check --deploy``; one without SECRET_KEY won't boot."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def production_env(**overrides) -> dict:
    env = dict(os.environ)  # DATABASE_URL / REDIS_URL stay as the environment has them
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # a test-only switch (the browser suite's)
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="portal.example.gov",
    )
    env.update(overrides)
    return env


def test_production_settings_pass_the_deploy_check_without_warnings():
    env = production_env()
    assert len(env["SECRET_KEY"]) >= 50
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "System check identified no issues" in output


def test_production_without_a_secret_key_refuses_to_start():
    env = production_env()
    del env["SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_deploy_check_does_fail_on_a_weak_secret_key():
    """Guards the test above: the same command does report a deploy warning."""
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env(SECRET_KEY="short")
    )
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


# Runs inside a production-configured process: fetch the sign-in page over HTTPS as a browser
# would and print what the browser gets. Static files are served from the finders here, as no
# collectstatic manifest exists in a test checkout; nothing else is changed.
PRODUCTION_RESPONSE_SCRIPT = """
import json
from django.test import Client, override_settings
storages = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
with override_settings(STORAGES=storages):
    client = Client(HTTP_HOST="portal.example.gov")
    plain = client.get("/accounts/login/")
    page = client.get("/accounts/login/", secure=True)
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location", ""),
    "status": page.status_code,
    "csp": page.headers.get("Content-Security-Policy", ""),
    "hsts": page.headers.get("Strict-Transport-Security", ""),
    "csrf_cookie_secure": bool(page.cookies["csrftoken"]["secure"]),
    "frame": page.headers.get("X-Frame-Options", ""),
}))
"""


def test_production_responses_carry_csp_hsts_and_secure_cookies(tmp_path):
    import json

    # The page opens a transaction (ATOMIC_REQUESTS) but reads no table: an empty database
    # of its own keeps the test independent of which databases exist here.
    database = f"sqlite:///{tmp_path / 'production.sqlite3'}"
    env = production_env(DATABASE_URL=database)
    result = manage("shell", "-c", PRODUCTION_RESPONSE_SCRIPT, env=env)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["plain_status"] == 301
    assert seen["plain_location"] == "https://portal.example.gov/accounts/login/"
    assert seen["status"] == 200
    directives = dict(d.strip().split(" ", 1) for d in seen["csp"].split(";") if d.strip())
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe-inline" not in seen["csp"] and "unsafe-eval" not in seen["csp"]
    assert directives["frame-ancestors"] == "'none'"
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert seen["csrf_cookie_secure"] is True
    assert seen["frame"] == "DENY"
