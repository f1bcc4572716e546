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
