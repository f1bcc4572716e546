"""The Spanish catalog: complete, not fuzzy, its placeholders intact, compiled, and holding the
source page's labels word for word (locale/GLOSSARY.md lists them too)."""

import re
import sys
from pathlib import Path

import polib
import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from messages import catalogs, compiled  # noqa: E402 (scripts/ is not a package)

SPANISH = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[sd]|\{[a-z_0-9]*\}")

# Every label the source page (../shared/seed/, Microsoft's Spanish page) names, the English
# this portal shows for it, and where: the Spanish UI must say the page's words verbatim.
SOURCE_PAGE_LABELS = [
    ("Customers", "Clientes", "the top menu; the customer list's heading"),
    ("Add customer", "Agregar cliente", "the customer list's button; the wizard's title"),
    (
        "Add customer: account info",
        "Nueva información de la cuenta de cliente",
        "the new-customer wizard's account step (heading)",
    ),
    ("Special qualifications", "Calificaciones especiales", "the wizard's menu; Account"),
    (
        "Government Community Cloud (GCC)",
        "Government Community Cloud (GCC)",
        "the special-qualifications choice; Account",
    ),
    ("GCC validation code", "Código de validación de GCC", "the wizard's code menu"),
    ("What is this?", "¿Qué es esto?", "the link beside the code menu"),
    ("Submit a new request", "Enviar una nueva solicitud", "the help dialog's link"),
    ("Next: Subscriptions", "Siguiente: Suscripciones", "the wizard's account step button"),
    (
        "Request a reseller relationship",
        "Solicitar una relación de revendedor",
        "Customers menu; the relationship page",
    ),
    ("Done", "Listo", "the relationship request's email page"),
    ("Account", "Cuenta", "a customer's tabs"),
    ("Add subscriptions", "Agregar suscripciones", "a customer's page button"),
    ("Submit", "Enviar", "the order's and the validation forms' button"),
    ("Microsoft ID", "Id. de Microsoft", "Organization profile; the forms' hints"),
    ("reseller qualifications", "calificaciones de revendedor", "the GCC status texts"),
    ("Questions", "Preguntas", "the help page and its links"),
    (
        "Office 365 Government GCC for CSP partner validation",
        "Office 365 Administración Pública GCC for CSP partner validation",
        "the partner validation form's title",
    ),
    (
        "Office 365 Government GCC for CSP customer validation",
        "Office 365 Administración Pública GCC para la validación de clientes de CSP",
        "the customer validation form's title",
    ),
]


@pytest.fixture(scope="module")
def spanish():
    return polib.pofile(str(SPANISH))


def test_every_message_is_translated_and_none_is_fuzzy(spanish):
    untranslated = [e.msgid for e in spanish.untranslated_entries()]
    fuzzy = [e.msgid for e in spanish.fuzzy_entries()]
    assert (untranslated, fuzzy) == ([], [])
    assert len(spanish.translated_entries()) > 500  # the whole portal, not a sample


def test_translations_keep_the_placeholders(spanish):
    broken = []
    for entry in spanish.translated_entries():
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        if entry.msgid_plural:
            got = [sorted(PLACEHOLDER.findall(text)) for text in entry.msgstr_plural.values()]
            if any(set(g) - set(wanted + PLACEHOLDER.findall(entry.msgid_plural)) for g in got):
                broken.append(entry.msgid)
        elif sorted(PLACEHOLDER.findall(entry.msgstr)) != wanted:
            broken.append(entry.msgid)
    assert broken == []


def test_the_compiled_catalogs_are_the_committed_ones():
    for po_path in catalogs():
        assert po_path.with_suffix(".mo").read_bytes() == compiled(po_path), (
            f"{po_path}: run `python3 run.py messages compile` and commit the .mo"
        )


@pytest.mark.parametrize("english,spanish_label,where", SOURCE_PAGE_LABELS)
def test_the_source_pages_labels_are_its_own_words(spanish, english, spanish_label, where):
    """The label on its own translates to the page's words; a label only met inside sentences
    ("reseller qualifications") is the page's words in each of them."""
    with translation.override("es"):
        alone = translation.gettext(english)
    if alone != english or english == spanish_label:
        assert alone == spanish_label, where
        return
    sentences = [e for e in spanish.translated_entries() if english in e.msgid]
    assert sentences, f"{english!r} is nowhere in the catalog ({where})"
    assert [e.msgid for e in sentences if spanish_label not in e.msgstr] == [], where
