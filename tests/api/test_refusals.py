"""The API answers a refusal by its code: rewording a service's message changes no status."""

import pickle

from api.errors import REFUSAL_ERRORS, refusal_error
from lib.refusals import Refusal, RefusalCode


def test_the_status_and_partner_center_code_come_from_the_refusal_code():
    error = refusal_error(Refusal(RefusalCode.QUANTITY_OUT_OF_BOUNDS, "Any words at all."))
    assert (error.status_code, error.code, error.description) == (400, 2002, "Any words at all.")


def test_a_refusal_not_in_the_table_is_its_own_status_with_the_generic_code():
    assert RefusalCode.FRIENDLY_NAME_INVALID not in REFUSAL_ERRORS
    error = refusal_error(Refusal(RefusalCode.FRIENDLY_NAME_INVALID, "Name it."))
    assert (error.status_code, error.code) == (400, 3000)


def test_a_role_refusal_is_a_403_everywhere():
    error = refusal_error(Refusal(RefusalCode.ROLE_NOT_ALLOWED, "No."))
    assert (error.status_code, error.code) == (403, 900150)
    assert Refusal(RefusalCode.ROLE_NOT_ALLOWED, "No.").status == 403


def test_a_refusal_survives_pickling_with_its_code_and_field():
    refusal = Refusal(RefusalCode.DOMAIN_TAKEN, "Taken.", field="domain_prefix")
    copy = pickle.loads(pickle.dumps(refusal))
    assert (copy.code, copy.message, copy.field, copy.status) == (
        RefusalCode.DOMAIN_TAKEN,
        "Taken.",
        "domain_prefix",
        409,
    )
