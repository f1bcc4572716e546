"""Start a real Celery worker (with embedded beat) against the test database and broker."""

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

from gccportal.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL that points a subprocess at the database this test process uses."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = quote(settings_dict.get("USER") or "")
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password)}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{settings_dict['NAME']}"


def purge_queue() -> int:
    """Drop messages an earlier run left in the test queue."""
    with celery_app.connection_for_write() as connection:
        return celery_app.control.purge(connection=connection)


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path
    mail_dir: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def emails(self) -> list[str]:
        if not self.mail_dir.exists():
            return []
        return [p.read_text(errors="replace") for p in sorted(self.mail_dir.iterdir())]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_worker(*, db_settings: dict, workdir: Path, extra_env: dict | None = None) -> Worker:
    log = workdir / "worker.log"
    mail_dir = workdir / "mail"
    env = {
        **{k: v for k, v in os.environ.items() if k != "EMAIL_URL"},
        "DATABASE_URL": database_url(db_settings),
        "GCC_VAR_DIR": str(settings.VAR_DIR),  # the same filesystem broker folder
        "EMAIL_FILE_PATH": str(mail_dir),
        "GCC_REVIEW_BUSINESS_DAY_SECONDS": "1",
        "GCC_SWEEP_INTERVAL_SECONDS": "1",
        "GCC_HEARTBEAT_INTERVAL_SECONDS": "1",
        **(extra_env or {}),
    }
    command = [
        sys.executable, "-m", "celery", "-A", "gccportal", "worker",
        "--beat", "--schedule", str(workdir / "beat-schedule"),
        "--concurrency", "1", "--loglevel", "INFO",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    worker = Worker(process, log, mail_dir)
    deadline = time.monotonic() + 60
    while "ready." not in worker.log_text():
        if process.poll() is not None or time.monotonic() > deadline:
            worker.stop()
            raise RuntimeError(f"Celery worker did not start:\n{worker.log_text()}")
        time.sleep(0.2)
    return worker


def wait_for(predicate, *, timeout: float = 60, interval: float = 0.25):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")
