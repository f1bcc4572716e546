"""What was typed on Add customer, kept while the agent takes a detour through the customer
validation form ("What is this?" > "Submit a new request") and given back on return; the
validation form starts from it, so the organization is typed once."""

DRAFT = "add_customer_draft"  # session key
# Add customer's fields that the customer validation form asks for too: its name for each.
SHARED_FIELDS = {
    "company_name": "organization_name",
    "address_line": "address_line",
    "city": "city",
    "state": "state",
    "postal_code": "postal_code",
    "contact_name": "contact_name",
    "contact_email": "contact_email",
    "contact_phone": "contact_phone",
}
KEPT_MAX = 500  # characters per field: a draft is what a person typed, not a payload


def draft_save(session, data, fields) -> None:
    """Keep the typed values of ``fields`` (raw, unvalidated: a detour mid-form)."""
    session[DRAFT] = {name: str(data.get(name, ""))[:KEPT_MAX] for name in fields}


def draft_get(session) -> dict | None:
    draft = session.get(DRAFT)
    return draft if isinstance(draft, dict) else None


def draft_drop(session) -> None:
    session.pop(DRAFT, None)


def validation_initial(session) -> dict:
    """The customer validation form's starting values from the draft (empty if none)."""
    draft = draft_get(session) or {}
    return {ours: draft[theirs] for theirs, ours in SHARED_FIELDS.items() if draft.get(theirs)}
