"""Soak: the process set `python3 run.py` starts, on the embedded default, under steady load.

Several producer processes at once push work through the real web server, worker and beat for
GCC_SOAK_SECONDS (at least 3 minutes in CI): queue probes enqueued as a page enqueues work,
outbox emails, and beat's own ticks every second, while a client keeps reading pages. Then:
no process exited, no decode error was logged, every probe ran exactly once and every email
was sent once, and Ctrl+C stops everything with nothing left running.
"""

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.soak

ROOT = Path(__file__).resolve().parents[2]
SECONDS = float(os.environ.get("GCC_SOAK_SECONDS", "190"))
PROBE_PRODUCERS = 3
PROBE_RATE = 9.0  # per producer, per second
EMAIL_RATE = 2.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {timeout:.0f} s")
        time.sleep(0.5)


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0  # refused, reset, timed out


def _processes_with(marker: str) -> list[str]:
    """Processes whose environment holds ``marker`` (this soak's own var folder)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except OSError:
            continue
    return found


class PageReader(threading.Thread):
    """Reads the sign-in page and /healthz twice a second; counts what did not answer 200."""

    def __init__(self, base: str):
        super().__init__(daemon=True)
        self.base, self.stop, self.reads, self.failures = base, threading.Event(), 0, []

    def run(self):
        while not self.stop.is_set():
            for path in ("accounts/login/", "healthz"):
                status = _get(self.base + path)
                self.reads += 1
                if status != 200:
                    self.failures.append((path, status))
            self.stop.wait(0.5)


def test_the_run_command_stays_up_and_runs_every_task_once(tmp_path):
    var = tmp_path / "var"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "PYTEST_CURRENT_TEST")
    }
    env |= {
        "GCC_VAR_DIR": str(var),
        "GCC_REVIEW_BUSINESS_DAY_SECONDS": "3",
        "GCC_SWEEP_INTERVAL_SECONDS": "1",
        "GCC_HEARTBEAT_INTERVAL_SECONDS": "1",
    }
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        run = subprocess.Popen(
            [sys.executable, "run.py", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for(
            lambda: "ready." in log.read_text() and _get(base + "accounts/login/") == 200,
            120,
            "the portal did not come up",
        )
        reader = PageReader(base)
        reader.start()
        manage = [sys.executable, "manage.py"]
        producers = [
            subprocess.Popen(
                [
                    *manage,
                    "queue_probe",
                    "--label",
                    f"soak-{n}",
                    "--keep",
                    "--timeout",
                    "120",
                    "--count",
                    str(int(SECONDS * PROBE_RATE)),
                    "--rate",
                    str(PROBE_RATE),
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )  # fmt: skip
            for n in range(PROBE_PRODUCERS)
        ]
        producers.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.soak.emails",
                    "soak-email",
                    str(SECONDS),
                    str(EMAIL_RATE),
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )  # fmt: skip
        )
        outputs = [p.communicate(timeout=SECONDS + 180)[0] for p in producers]
        database = sqlite3.connect(var / "gccportal.sqlite3", timeout=30)
        emails = database.execute(
            "SELECT status, count(*) FROM ops_emailnotification WHERE key LIKE 'soak-email:%' "
            "GROUP BY status"
        ).fetchall()
        _wait_for(
            lambda: (
                database.execute(
                    "SELECT count(*) FROM ops_emailnotification "
                    "WHERE key LIKE 'soak-email:%' AND status != 'sent'"
                ).fetchone()[0]
                == 0
            ),
            60,
            "emails were not all sent",
        )
        reader.stop.set()
        reader.join()
    finally:
        run.send_signal(signal.SIGINT)  # Ctrl+C
        try:
            exit_code = run.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(run.pid, signal.SIGKILL)
            raise
    leftovers = _processes_with(f"GCC_VAR_DIR={var}")
    text = log.read_text(errors="replace")

    probes = database.execute(
        "SELECT count(*), count(DISTINCT label || ':' || seq) FROM ops_queueprobe "
        "WHERE label LIKE 'soak-%'"
    ).fetchone()
    sent_emails = database.execute(
        "SELECT count(*) FROM ops_emailnotification WHERE key LIKE 'soak-email:%' "
        "AND status = 'sent'"
    ).fetchone()[0]
    recorded_emails = int(re.search(r"(\d+) emails recorded", outputs[-1]).group(1))
    mail_messages = sum(  # messages written; the file backend may append two to one file
        path.read_text(errors="replace").count("Subject: Order completed for soak-email")
        for path in (var / "mail").iterdir()
    )
    executed = len(re.findall(r"Task \S+\[[0-9a-f-]+\] succeeded", text))
    exits = re.findall(r"run\.py: \w+ (?:exited|killed).*", text)
    decode_errors = text.count("JSONDecodeError") + text.count("Unrecoverable error")
    print(
        f"\nsoak: {SECONDS:.0f} s, {len(producers)} producers + beat; {executed} tasks executed "
        f"({probes[0]} probe rows for {probes[1]} probes, {sent_emails} emails sent); "
        f"{len(exits)} process exits, {decode_errors} decode errors; {reader.reads} page reads, "
        f"{len(reader.failures)} not 200; emails by status at producers' end {emails}"
    )
    assert exits == []
    assert decode_errors == 0
    assert all(p.returncode == 0 for p in producers), outputs
    expected_probes = PROBE_PRODUCERS * int(SECONDS * PROBE_RATE)
    assert probes == (expected_probes, expected_probes)  # each probe ran, and ran once
    assert sent_emails == recorded_emails == mail_messages
    assert executed >= expected_probes + recorded_emails
    if SECONDS >= 180:  # CI's soak (a shorter GCC_SOAK_SECONDS is for trying it out)
        assert executed >= 5000
    assert reader.failures == []
    assert exit_code == 0 and "run.py: stopped." in text
    assert leftovers == []
