#!/usr/bin/env python3
"""The portal's two commands, on nothing but Python 3.11+.

    python3 run.py            set up and run the portal (web + Celery worker + beat, demo data)
    python3 run.py test [...] set up and run the test suite (extra arguments go to pytest)
    python3 run.py bench      set up and run the benchmarks in scripts/bench/ (PostgreSQL)
    python3 run.py code       the demo authenticator app's current code (see the demo logins)
    python3 run.py messages   the translation catalogs: extract, `compile` or `check`
                              (scripts/messages.py)

Setup creates ``.venv``, installs the project into it (again only when pyproject.toml
changed), migrates and loads the demo data. Without DATABASE_URL / REDIS_URL everything
runs on the embedded defaults: SQLite and a filesystem broker under ``var/``. The web
server, the Celery worker and beat are supervised: one that exits is restarted.
"""

import argparse
import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"

# Demo defaults for `run`: a business day lasts 30 s, so a review finishes in about a minute.
# The second factor is optional in the demo (one demo user has one; see the printed logins).
DEMO_ENV = {
    "DEBUG": "true",
    "GCC_REVIEW_BUSINESS_DAY_SECONDS": "30",
    "GCC_SWEEP_INTERVAL_SECONDS": "5",
    "GCC_MFA_REQUIRED": "false",
}


def sh(*args, env=None) -> None:
    subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=True)


def ensure_venv(extras: str) -> None:
    """Create .venv and install the project with ``extras``, unless already done.

    An install with the dev extras also serves ``run``, so CI and developers install once.
    """
    if not PYTHON.exists():
        print("Creating .venv ...", flush=True)
        venv.create(VENV, with_pip=True)
    project = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    stamp = VENV / ".installed"
    installed = stamp.read_text().split() if stamp.exists() else []
    if installed[:1] == [project] and (not extras or extras in installed[1:]):
        return
    print(f"Installing the project into .venv ({extras or 'runtime'}) ...", flush=True)
    sh(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    sh(PYTHON, "-m", "pip", "install", "--quiet", "-e", f".[{extras}]" if extras else ".")
    stamp.write_text(" ".join([project, extras] if extras else [project]))


def _die_with_parent() -> None:
    """In the child: start a session of its own (Ctrl+C reaches run.py only, which stops the
    children in order) and, on Linux, be sent SIGTERM if run.py itself is killed."""
    os.setsid()
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Supervised:
    """One child process, restarted with backoff whenever it exits."""

    BACKOFF_FIRST, BACKOFF_MAX, HEALTHY_AFTER = 1.0, 30.0, 60.0

    def __init__(self, name: str, command: list, env: dict):
        self.name, self.command, self.env = name, [str(c) for c in command], env
        self.process: subprocess.Popen | None = None
        self.backoff = self.BACKOFF_FIRST
        self.restart_at = 0.0
        self.started_at = 0.0

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, preexec_fn=_die_with_parent
        )
        self.started_at = time.monotonic()

    def check(self) -> None:
        """Restart the process if it has exited and its backoff has elapsed."""
        now = time.monotonic()
        if self.process is None:
            if now >= self.restart_at:
                self.start()
            return
        code = self.process.poll()
        if code is None:
            return
        if now - self.started_at > self.HEALTHY_AFTER:
            self.backoff = self.BACKOFF_FIRST  # it had been running fine: a fresh failure
        why = f"killed by signal {-code}" if code < 0 else f"exited with code {code}"
        print(
            f"run.py: {self.name} {why}; restarting it in {self.backoff:.0f} s",
            file=sys.stderr,
            flush=True,
        )
        self.process, self.restart_at = None, now + self.backoff
        self.backoff = min(self.backoff * 2, self.BACKOFF_MAX)

    def terminate(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # Celery stops its own pool children (warm shutdown)

    def wait(self, timeout: float) -> None:
        """Wait for the process to stop; then kill whatever is left of its session."""
        if self.process is None:
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=timeout)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


def portal_processes(env: dict, *, host: str, port: int) -> list[Supervised]:
    """What `run` keeps running: the web server, one Celery worker, Celery beat.

    On the embedded broker, broadcasts stay off (see lib/broker.py): no mingle, gossip
    or worker heartbeats, which ride on them; the settings turn remote control off.
    """
    celery = [BIN / "celery", "-A", "gccportal"]
    return [
        Supervised("web", [PYTHON, "manage.py", "runserver", f"{host}:{port}", "--noreload"], env),
        Supervised(
            "worker",
            [
                *celery,
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
            ],
            env,
        ),  # fmt: skip
        Supervised("beat", [*celery, "beat", "--loglevel", "INFO"], env),
    ]


def serve(args) -> int:
    ensure_venv("")
    env = {**DEMO_ENV, **os.environ}
    manage = [PYTHON, "manage.py"]
    sh(*manage, "migrate", "--no-input", "-v", "1", env=env)
    sh(*manage, "seed_demo", env=env)

    # Passkeys need a domain name, never an IP address: the demo's own address is localhost.
    host = "localhost" if args.host in ("127.0.0.1", "::1") else args.host
    url = f"http://{host}:{args.port}/"
    env.setdefault("GCC_SITE_URL", url.rstrip("/"))
    processes = portal_processes(env, host=args.host, port=args.port)
    for process in processes:
        process.start()
    print(
        f"\nGCC Partner Portal: {url}  (reviewers: {url}admin/)\n"
        f"Review clock: one business day = {env['GCC_REVIEW_BUSINESS_DAY_SECONDS']} s. "
        "Emails are written to var/mail/. Stop with Ctrl+C.\n"
        f"Second factor: {'required' if env['GCC_MFA_REQUIRED'] == 'true' else 'optional'} "
        "(GCC_MFA_REQUIRED). The current code of the demo authenticator: python3 run.py code\n",
        flush=True,
    )

    stopping = []
    for signum in (signal.SIGINT, signal.SIGTERM):  # Ctrl+C, or a service manager's stop
        signal.signal(signum, lambda *_: stopping.append(True))
    while not stopping:
        for process in processes:
            process.check()
        time.sleep(0.5)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)  # a second Ctrl+C must not leave orphans
    print("run.py: stopping the web server, the worker and beat ...", flush=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=20)
    print("run.py: stopped.", flush=True)
    return 0


def test(pytest_args: list[str]) -> int:
    """pytest, spread over up to four processes (pytest-xdist; tests/parallel.py gives each its
    own database, broker and folder); in one process when paths, ``-n`` or the soak or proxy
    suites (measured load on one process set) are asked for."""
    ensure_venv("dev")
    workers = min(os.cpu_count() or 1, 4)
    marker = pytest_args[pytest_args.index("-m") + 1] if "-m" in pytest_args[:-1] else ""
    chosen = any(a.startswith(("-n", "--numprocesses", "tests")) for a in pytest_args)
    serial = chosen or "soak" in marker or "proxy" in marker or "--collect-only" in pytest_args
    if workers > 1 and not serial:
        pytest_args = ["-n", str(workers), *pytest_args]
    return subprocess.run([str(PYTHON), "-m", "pytest", *pytest_args], cwd=ROOT).returncode


def demo_code() -> int:
    """The demo authenticator's current six-digit code (what an app given its secret shows)."""
    ensure_venv("")
    env = {**DEMO_ENV, **os.environ}
    return subprocess.run([str(PYTHON), "manage.py", "demo_code"], cwd=ROOT, env=env).returncode


def bench(bench_args: list[str]) -> int:
    """scripts/bench/book.py (extra arguments go to it), then scripts/bench/sweep.py if there."""
    ensure_venv("dev")
    code = 0
    for name, extra in (("book.py", bench_args), ("sweep.py", [])):
        script = ROOT / "scripts" / "bench" / name
        if script.exists():
            returned = subprocess.run([str(PYTHON), str(script), *extra], cwd=ROOT).returncode
            code = code or returned
    return code


def messages(messages_args: list[str]) -> int:
    ensure_venv("dev")
    script = ROOT / "scripts" / "messages.py"
    return subprocess.run([str(PYTHON), str(script), *messages_args], cwd=ROOT).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "command",
        nargs="?",
        default="serve",
        choices=["serve", "test", "bench", "code", "messages"],
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args, rest = parser.parse_known_args()
    if args.command == "test":
        return test(rest)
    if args.command == "bench":
        return bench(rest)
    if args.command == "code":
        return demo_code()
    if args.command == "messages":
        return messages(rest)
    if rest:
        parser.error(f"unknown arguments: {' '.join(rest)}")
    return serve(args)


if __name__ == "__main__":
    sys.exit(main())
