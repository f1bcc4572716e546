"""Domain names are ASCII by rule: dot-separated LDH labels (letters a-z, digits, hyphens).

One domain must never pass for another. Python's ``re`` with IGNORECASE (and Unicode, its
default) matches ``ſ`` (U+017F), ``ı`` (U+0131), ``İ`` (U+0130) and the Kelvin sign (U+212A)
against ``[a-z]``, and ``str.lower()`` turns the Kelvin sign into a plain ``k``. So ``(?i)
[a-z0-9]`` let ``ſpringfield.onmicrosoft.com`` in beside ``springfield.onmicrosoft.com``.
Here every class is spelled in ASCII, the check runs on the text as typed, and only a domain
that passed is lower-cased (``normalized``), before anything compares or stores it.

A name in another script is refused, with a message asking for its IDNA form (``xn--…``, an
A-label, which is plain LDH and passes). It is not converted for the person: UTS 46 maps
``ſ`` to ``s``, so converting would silently turn a look-alike into someone else's domain.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
# A domain: labels, then a top-level domain of letters (or an IDNA one, xn--…).
DOMAIN = re.compile(rf"(?:{_LABEL}\.)+(?:[A-Za-z]{{2,63}}|xn--[A-Za-z0-9-]{{1,59}})", re.ASCII)
DOMAIN_LENGTH = (4, 100)  # Customer.domain and ValidationRequest.domain hold 100
# A new customer's initial domain is PREFIX.onmicrosoft.com: the page asks the prefix, the
# API the whole domain. The prefix: 3 to 42 letters, digits or hyphens, no hyphen at an end.
INITIAL_DOMAIN_PREFIX = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{1,40}[A-Za-z0-9]", re.ASCII)
INITIAL_DOMAIN_SUFFIX = ".onmicrosoft.com"

NOT_ASCII = gettext_noop(
    "Write the domain in ASCII letters (a-z), digits and hyphens. For a name in another "
    "script, enter its IDNA form (xn--…)."
)
INVALID_DOMAIN = gettext_noop("Enter a domain name such as springfield.gov.")
INVALID_PREFIX = gettext_noop(
    "Use 3 to 42 letters, digits or hyphens (not at the start or the end)."
)
INVALID_INITIAL_DOMAIN = gettext_noop(
    "Use prefix.onmicrosoft.com, the prefix 3 to 42 letters, digits or hyphens (not at the "
    "start or the end)."
)


def _require_ascii(value: str) -> None:
    if not value.isascii():
        raise ValidationError(_(NOT_ASCII), code="not_ascii")


def validate_domain(value: str) -> None:
    """A domain such as ``springfield.gov`` (any case: ``normalized`` lower-cases it)."""
    _require_ascii(value)
    low, high = DOMAIN_LENGTH
    if not (low <= len(value) <= high and DOMAIN.fullmatch(value)):
        raise ValidationError(_(INVALID_DOMAIN), code="invalid")


def validate_initial_domain_prefix(value: str) -> None:
    """The PREFIX of PREFIX.onmicrosoft.com."""
    _require_ascii(value)
    if not INITIAL_DOMAIN_PREFIX.fullmatch(value):
        raise ValidationError(_(INVALID_PREFIX), code="invalid")


def validate_initial_domain(value: str) -> None:
    """A whole initial domain, PREFIX.onmicrosoft.com."""
    _require_ascii(value)
    prefix, suffix = value[: -len(INITIAL_DOMAIN_SUFFIX)], value[-len(INITIAL_DOMAIN_SUFFIX) :]
    if suffix.lower() != INITIAL_DOMAIN_SUFFIX or not INITIAL_DOMAIN_PREFIX.fullmatch(prefix):
        raise ValidationError(_(INVALID_INITIAL_DOMAIN), code="invalid")


def normalized(domain: str) -> str:
    """A domain that passed its validator, as it is stored and compared: lower-case ASCII.
    (On anything else ``lower()`` could make a look-alike equal to a real domain.)"""
    _require_ascii(domain)
    return domain.strip().lower()
