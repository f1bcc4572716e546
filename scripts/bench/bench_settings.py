"""The production settings plus the benchmark's URLs (a minimal view); see book.py.

Static files are collected under the benchmark's var dir (GCC_VAR_DIR), not the project's
staticfiles/, so a run leaves the tree as it found it.
"""

from gccportal.settings import *  # noqa: F403
from gccportal.settings import VAR_DIR

ROOT_URLCONF = "bench_urls"
STATIC_ROOT = VAR_DIR / "staticfiles"
