"""The deployment's front for real: gunicorn alone, or gunicorn behind nginx with the repo's
proxy config (tests/deploy/stack.py). These tests are marked ``proxy`` and run only with
``-m proxy``: they need Debian's nginx (apt-get install nginx-light) and openssl."""

import shutil

import pytest

from .stack import nginx_binary, start_stack


def _started(with_proxy: bool):
    from django.db import connection

    if with_proxy:
        assert nginx_binary(), "nginx is not installed: apt-get install nginx-light"
        assert shutil.which("openssl"), "openssl is not installed: apt-get install openssl"
    stack = start_stack(connection.settings_dict, with_proxy=with_proxy)
    return stack


@pytest.fixture
def proxied(transactional_db):
    """gunicorn (2 sync workers, production settings) behind nginx; stopped before the test
    database is flushed."""
    stack = _started(with_proxy=True)
    yield stack
    stack.stop()


@pytest.fixture
def gunicorn_alone(transactional_db):
    """The same gunicorn with nothing in front (as docker-compose.yml published it before)."""
    stack = _started(with_proxy=False)
    yield stack
    stack.stop()
