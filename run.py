#!/usr/bin/env python3
"""The portal's two commands, on nothing but Python 3.11+.

    python3 run.py            set up and run the portal (web + Celery worker + beat, demo data)
    python3 run.py test [...] set up and run the test suite (extra arguments go to pytest)

Setup creates ``.venv``, installs the project into it (again only when pyproject.toml
changed), migrates and loads the demo data. Without DATABASE_URL / REDIS_URL everything
runs on the embedded defaults: SQLite and kombu's filesystem broker under ``var/``.
"""

import argparse
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
DEMO_ENV = {
    "DEBUG": "true",
    "GCC_REVIEW_BUSINESS_DAY_SECONDS": "30",
    "GCC_SWEEP_INTERVAL_SECONDS": "5",
}


def sh(*args, env=None) -> None:
    subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=True)


def ensure_venv(extras: str) -> None:
    """Create .venv and install the project with ``extras``, unless already done."""
    if not PYTHON.exists():
        print("Creating .venv ...", flush=True)
        venv.create(VENV, with_pip=True)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / ".installed"
    if stamp.exists() and stamp.read_text() == wanted:
        return
    print(f"Installing the project into .venv ({extras or 'runtime'}) ...", flush=True)
    sh(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    sh(PYTHON, "-m", "pip", "install", "--quiet", "-e", f".[{extras}]" if extras else ".")
    stamp.write_text(wanted)


def serve(args) -> int:
    ensure_venv("")
    env = {**DEMO_ENV, **os.environ}
    manage = [PYTHON, "manage.py"]
    sh(*manage, "migrate", "--no-input", "-v", "1", env=env)
    sh(*manage, "seed_demo", env=env)

    url = f"http://{args.host}:{args.port}/"
    env.setdefault("GCC_SITE_URL", url.rstrip("/"))
    processes = [
        subprocess.Popen(
            [str(PYTHON), "manage.py", "runserver", f"{args.host}:{args.port}", "--noreload"],
            cwd=ROOT,
            env=env,
        ),
        subprocess.Popen(
            [
                str(BIN / "celery"),
                "-A",
                "gccportal",
                "worker",
                "--beat",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
            ],
            cwd=ROOT,
            env=env,
        ),
    ]
    print(
        f"\nGCC Partner Portal: {url}  (reviewers: {url}admin/)\n"
        f"Review clock: one business day = {env['GCC_REVIEW_BUSINESS_DAY_SECONDS']} s. "
        "Emails are written to var/mail/. Stop with Ctrl+C.\n",
        flush=True,
    )

    def stop(*_):
        for process in processes:
            if process.poll() is None:
                process.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
    return max((p.returncode or 0) for p in processes)


def test(pytest_args: list[str]) -> int:
    ensure_venv("dev")
    return subprocess.run([str(PYTHON), "-m", "pytest", *pytest_args], cwd=ROOT).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", nargs="?", default="serve", choices=["serve", "test"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args, rest = parser.parse_known_args()
    if args.command == "test":
        return test(rest)
    if rest:
        parser.error(f"unknown arguments: {' '.join(rest)}")
    return serve(args)


if __name__ == "__main__":
    sys.exit(main())
