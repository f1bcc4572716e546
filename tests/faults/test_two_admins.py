"""Two global admins demoting (or deactivating) each other at the same moment, each on its own
connection: the partner keeps one global admin. Before the partner row was locked for the
check, 10 of 10 trials left it with none (each saw the other still in place)."""

import pytest

from lib.refusals import Refusal
from partners import services
from partners.models import Role, User

from ..concurrency import run_together
from ..factories import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

TRIALS = 5


def _global_admins(partner) -> int:
    return User.objects.filter(partner=partner, role=Role.GLOBAL_ADMIN, is_active=True).count()


def _two_admins():
    partner = PartnerFactory()
    return partner, [UserFactory(partner=partner, role=Role.GLOBAL_ADMIN) for _ in range(2)]


def _each_on_the_other_at_once(change) -> None:
    """``change(actor, user)`` by each admin on the other, at the same moment."""
    partner, (first, second) = _two_admins()
    outcomes = run_together(lambda: change(first, second), lambda: change(second, first))
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["error", "ok"], outcomes
    refusal = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(refusal, Refusal), refusal  # a refusal with its code, not a crash
    assert _global_admins(partner) == 1


def _demote(actor, user):
    return services.agent_change_role(actor=actor, user=user, role=Role.ADMIN_AGENT)


def _deactivate(actor, user):
    return services.agent_set_active(actor=actor, user=user, active=False)


def test_two_global_admins_demoting_each_other_leave_one():
    for _ in range(TRIALS):
        _each_on_the_other_at_once(_demote)


def test_two_global_admins_deactivating_each_other_leave_one():
    for _ in range(TRIALS):
        _each_on_the_other_at_once(_deactivate)
