"""A page's error summary: the errors of its forms (and of controls a page renders by hand),
in order, each field's linked to its control. ``{% error_summary %}`` and ``{% error_prefix %}``
(lib/templatetags/portal.py) show them; views name hand-rendered controls with ControlError."""

from typing import NamedTuple

from django.core.exceptions import NON_FIELD_ERRORS
from django.forms import BaseForm
from django.forms.formsets import BaseFormSet
from django.utils.functional import Promise
from django.utils.translation import pgettext


class ControlError(NamedTuple):
    """An error on a control a page renders by hand, not from a Django form: the control's
    id (the summary links to it), its label and the message."""

    control_id: str
    label: str
    message: str


class SummaryItem(NamedTuple):
    text: str
    control_id: str = ""  # empty: listed as text (a non-field error, a hidden control's)


def _control_id(bound) -> str:
    """The id of the control a field error links to: the field's own, or for a group of
    radios or checkboxes its first input's. Empty when no control can take the focus."""
    widget = bound.field.widget
    if bound.is_hidden or bound.field.disabled or widget.attrs.get("disabled"):
        return ""
    control_id = bound.id_for_label
    if not control_id and bound.subwidgets:
        control_id = bound.subwidgets[0].id_for_label
    return control_id or ""


def _field_text(label, message) -> str:
    """An entry's text, "Label: message". A label that is a sentence or a question of its
    own (a checkbox's "I confirm ...", "How does ...?") is followed by the message; a
    message that already starts with the label (an offer's name) is said alone."""
    label, message = str(label or "").rstrip(":").strip(), str(message)
    if not label or message.startswith(label):
        return message
    if label[-1] in ".?!":
        return f"{label} {message}"
    # Translators: an entry of a page's error summary: the field's label, then its error.
    return pgettext("error summary", "%(label)s: %(message)s") % {
        "label": label,
        "message": message,
    }


def _form_items(form) -> list[SummaryItem]:
    if not form.is_bound or not form.errors:
        return []
    items = [SummaryItem(str(error)) for error in form.non_field_errors()]
    for bound in form:
        control_id = _control_id(bound)
        for error in bound.errors:
            if bound.is_hidden:
                items.append(SummaryItem(str(error)))
            else:
                items.append(SummaryItem(_field_text(bound.label, error), control_id))
    # Errors added for a name that is no field of the form (kept, as text).
    for name, errors in form.errors.items():
        if name != NON_FIELD_ERRORS and name not in form.fields:
            items.extend(SummaryItem(str(error)) for error in errors)
    return items


def error_summary_items(*sources) -> list[SummaryItem]:
    """The errors of ``sources``, in order and each once: forms and formsets (their
    non-field errors as text, each field error linked to its control), ``ControlError``s,
    and plain messages (text). ``None`` and empty values are skipped."""
    items: list[SummaryItem] = []
    for source in sources:
        if not source:
            continue
        if isinstance(source, BaseFormSet):
            if source.is_bound:
                found = [SummaryItem(str(error)) for error in source.non_form_errors()]
                for form in source.forms:
                    found.extend(_form_items(form))
            else:
                found = []
        elif isinstance(source, BaseForm):
            found = _form_items(source)
        elif isinstance(source, ControlError):
            found = [SummaryItem(_field_text(source.label, source.message), source.control_id)]
        elif isinstance(source, str | Promise):
            found = [SummaryItem(str(source))]
        elif isinstance(source, list | tuple):
            found = error_summary_items(*source)
        else:
            raise TypeError(f"error_summary: can't list the errors of {source!r}")
        items.extend(item for item in found if item not in items)
    return items
