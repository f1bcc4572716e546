"""The seed's flows a second time, in Spanish: a Spanish-speaking sales agent switches the
language and walks the source page's steps, clicking the words the page tells them to click
(its labels verbatim); every page is audited (axe, with lang="es") and screenshotted.

Labels the source page does not name are looked up in the Spanish catalog (``es``), so this
walk also fails on a page left in English."""

import re

import polib
import pytest
from django.utils import translation
from playwright.sync_api import expect

from orders.models import OrderStatus
from partners.models import Role
from validation.models import RequestState

from ..factories import PASSWORD, PartnerFactory, UserFactory
from .browser import ARTIFACTS, WORKER_TIMEOUT_MS, exactly, fill
from .data import CUSTOMER_VALIDATION, G3, NEW_CUSTOMER, STATE_OR_LOCAL, seller
from .test_reseller_relationship import springfield_managed_elsewhere

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SPANISH_CATALOG = ARTIFACTS.parents[1] / "locale" / "es" / "LC_MESSAGES" / "django.po"


def es(english: str) -> str:
    """The Spanish the portal shows for ``english`` (which must have one); a form label may
    come from a model field's lower-case verbose name, which Django capitalizes."""
    with translation.override("es"):
        said = translation.gettext(english)
        if said == english:
            lower = translation.gettext(english[:1].lower() + english[1:])
            said = (
                lower[:1].upper() + lower[1:]
                if lower != english[:1].lower() + english[1:]
                else said
            )
    assert said != english, f"no Spanish for {english!r}"
    return said


def es_starting(english: str) -> str:
    """The Spanish of the one catalog message that starts with ``english`` (a long label)."""
    catalog = polib.pofile(str(SPANISH_CATALOG))
    [entry] = [e for e in catalog if e.msgid.startswith(english) and not e.msgctxt]
    return entry.msgstr


def label(choice) -> str:
    with translation.override("es"):
        return str(choice.label)


def test_the_seed_walk_in_spanish(person, celery_worker):
    partner = seller()
    springfield_managed_elsewhere()
    sam = person()
    page = sam.goto("/accounts/login/", "sign-in")
    page.get_by_role("button", name="Español").click()
    sam.check("iniciar-sesion")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.get_by_label(es("Username")).fill("sam@tailspin.test")
    page.get_by_label(es("Password")).fill(PASSWORD)
    page.get_by_role("button", name=es("Sign in")).click()
    sam.check("inicio")

    # "seleccione la página Clientes y, a continuación, seleccione Agregar cliente"
    sam.menu("Clientes", es("All customers"))
    sam.check("clientes")
    page.get_by_role("link", name="Agregar cliente").click()
    sam.check("agregar-cliente")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Nueva información de la cuenta de cliente"
    )
    # "En el menú Calificaciones especiales, seleccione Government Community Cloud (GCC)."
    expect(page.get_by_text("Calificaciones especiales").first).to_be_visible()
    page.get_by_label("Government Community Cloud (GCC)").check()
    # "Aparece el menú Código de validación de GCC ... seleccione el vínculo ¿Qué es esto?"
    expect(page.get_by_role("combobox", name="Código de validación de GCC")).to_be_disabled()
    page.get_by_role("button", name="¿Qué es esto?").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    sam.check("que-es-esto", same_page=True)
    # "Seleccione Enviar una nueva solicitud en el texto del diálogo."
    dialog.get_by_role("button", name="Enviar una nueva solicitud").click()

    sam.check("validacion-de-clientes")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Office 365 Administración Pública GCC para la validación de clientes de CSP"
    )
    tenant = page.get_by_label(es("Transacting partner's commercial tenant ID"))
    expect(tenant).to_have_value(str(partner.tenant_id))
    fill(page, {es(name): value for name, value in CUSTOMER_VALIDATION.items()})
    page.get_by_label(exactly(es("State or territory"))).select_option(label="Nebraska")
    page.get_by_label(es(STATE_OR_LOCAL)).check()
    expect(page.get_by_label(es("Language of the emails to the contact"))).to_have_value("es")
    page.get_by_label(es_starting("I confirm that I submit this on the customer's behalf")).check()
    page.get_by_role("button", name=es("Submit for review")).click()

    sam.check("solicitud-enviada")
    status = page.locator("#request-status")
    expect(status.locator("#status-heading")).to_contain_text(
        label(RequestState.APPROVED), timeout=WORKER_TIMEOUT_MS
    )
    issued = status.get_by_role("status").filter(has_text=re.compile("5 .* 5"))
    validation_id = issued.locator("strong").inner_text()
    sam.check("solicitud-aprobada", same_page=True)

    # "Cliente nuevo": the code in the drop-down, then "Siguiente: Suscripciones".
    sam.menu("Clientes", es("All customers"))
    sam.check("clientes-antes")
    page.get_by_role("link", name="Agregar cliente").click()
    sam.check("agregar-cliente-de-nuevo")
    fill(page, {es(name): value for name, value in NEW_CUSTOMER.items()})
    page.get_by_label(exactly(es("State or territory"))).select_option(label="Nebraska")
    page.get_by_label(es_starting("The customer has accepted the Microsoft Customer")).check()
    page.get_by_label("Government Community Cloud (GCC)").check()
    code = page.get_by_role("combobox", name="Código de validación de GCC")
    expect(code).to_be_enabled()
    code.select_option(index=1)
    expect(code).to_contain_text(validation_id)
    sam.check("agregar-cliente-con-codigo", same_page=True)
    page.get_by_role("button", name="Siguiente: Suscripciones").click()

    sam.check("suscripciones")
    page.get_by_label(exactly(G3)).fill("25")
    page.get_by_role("button", name=es("Next: Review")).click()
    sam.check("revision")
    expect(page.get_by_text("US$500.00").first).to_be_visible()
    page.get_by_role("button", name="Enviar", exact=True).click()

    sam.check("pedido-enviado")
    order = page.locator("#order-status")
    expect(order.locator("#order-status-heading")).to_contain_text(
        label(OrderStatus.COMPLETED), timeout=WORKER_TIMEOUT_MS
    )
    sam.check("pedido-completado", same_page=True)
    # "seleccione el cliente y, a continuación, seleccione Cuenta" ... "Calificaciones especiales"
    page.get_by_role("link", name="Cuenta", exact=True).click()
    sam.check("cuenta")
    expect(page.get_by_role("region", name="Calificaciones especiales")).to_contain_text(
        "Government Community Cloud"
    )

    # "seleccione Clientes>Solicitar una relación de revendedor" ... "seleccione Listo"
    sam.menu("Clientes", "Solicitar una relación de revendedor")
    sam.check("solicitar-relacion")
    page.get_by_role("button", name=es("Create request and email draft")).click()
    sam.check("borrador-del-correo")
    page.get_by_role("link", name="Listo").click()
    sam.check("clientes-despues")

    # "Cliente existente": "Agregar suscripciones", the offer, then "Enviar".
    page.get_by_role("link", name="County of Lincoln").click()
    sam.check("cliente")
    page.get_by_role("link", name="Agregar suscripciones").click()
    sam.check("agregar-suscripciones")
    page.get_by_label(exactly("Office 365 G5 GCC")).fill("5")
    page.get_by_role("button", name="Enviar", exact=True).click()
    sam.check("pedido-existente")
    expect(page.locator("#order-status-heading")).to_contain_text(
        label(OrderStatus.COMPLETED), timeout=WORKER_TIMEOUT_MS
    )
    sam.check("pedido-existente-completado", same_page=True)


def test_a_partner_finds_its_microsoft_id_and_the_partner_form_in_spanish(person):
    partner = PartnerFactory(name="Contoso Gov Partners")
    UserFactory(partner=partner, role=Role.ADMIN_AGENT, username="ana@contoso.test", language="es")
    ana = person()
    page = ana.sign_in("ana@contoso.test", PASSWORD)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    ana.menu(es("Settings"), es("Organization profile"))
    ana.check("perfil")
    expect(page.get_by_text("Id. de Microsoft").first).to_be_visible()
    expect(page.get_by_text(str(partner.tenant_id)).first).to_be_visible()
    ana.goto("/validation/partner/new/", "validacion-de-partners")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Office 365 Administración Pública GCC for CSP partner validation"
    )
