"""One pytest-xdist worker's own broker, queue and folders (``python3 run.py test -n 2``).

Loaded with ``-p tests.parallel`` (pyproject.toml). The settings read these variables when
pytest-django imports them, so this runs first, as a wrapper around the plugins that do.
pytest-django gives each worker its own test database (``test_<name>_gw0``, ``…_gw1``).
"""

import os
import re

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(early_config, parser, args):
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1", …: set by xdist
    if worker:
        number = int(worker.removeprefix("gw"))
        os.environ["GCC_VAR_DIR"] = f"{os.environ.get('GCC_VAR_DIR', 'var/test')}-{worker}"
        queue = os.environ.get("GCC_CELERY_QUEUE", "gccportal-test")
        os.environ["GCC_CELERY_QUEUE"] = f"{queue}-{worker}"
        if redis_url := os.environ.get("REDIS_URL"):
            # Each worker its own Redis database: a test's cache.clear() flushes only its own.
            match = re.fullmatch(r"(redis://[^/]+)(?:/(\d+))?", redis_url)
            if match:
                base = int(match.group(2) or 0)
                os.environ["REDIS_URL"] = f"{match.group(1)}/{base + number}"
    return (yield)
