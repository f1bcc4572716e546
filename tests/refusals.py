"""Asserting a refusal by its code, not by its text (the text is for people and may change)."""

from contextlib import contextmanager

import pytest

from lib.refusals import Refusal, RefusalCode


@contextmanager
def refused(code: RefusalCode):
    """``with refused(RefusalCode.X) as caught:`` the block raises a Refusal with that code."""
    with pytest.raises(Refusal) as caught:
        yield caught
    assert caught.value.code == code, caught.value
