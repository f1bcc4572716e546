"""Evidence: an admin agent attaches a PDF to its partner validation; a reviewer sees it on the
request's admin page and downloads it."""

import pytest
from playwright.sync_api import expect

from partners.models import Role
from validation.models import ValidationRequest

from ..factories import PASSWORD, PartnerFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def test_a_partner_attaches_a_pdf_and_a_reviewer_downloads_it(person, reviewer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    partner = PartnerFactory(name="Contoso Government Solutions")
    UserFactory(partner=partner, role=Role.ADMIN_AGENT, username="adele@contoso.test")
    adele = person("partner")
    page = adele.sign_in("adele@contoso.test", PASSWORD)
    adele.goto("/validation/partner/new/", "partner-validation-form")
    page.get_by_label("Commercial tenant ID (Microsoft ID)").fill(str(partner.tenant_id))
    page.get_by_label("Contact phone").fill("+1 703 555 0142")
    page.get_by_label("Serves US federal, state, local or tribal government entities").check()
    page.get_by_label("Contract, schedule number or agency reference").fill("GS-35F-0119Y")
    page.get_by_label("Evidence documents (optional)").set_input_files(
        [{"name": "gsa-schedule.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_label("I confirm the information is accurate").check()
    page.get_by_role("button", name="Submit for review").click()
    adele.check("request-submitted")
    documents = page.locator("#evidence-documents")
    expect(documents.get_by_role("link", name="gsa-schedule.pdf")).to_be_visible()
    vr = ValidationRequest.objects.get()
    [document] = vr.documents.all()
    assert document.content_type == "application/pdf"

    riley = person("reviewer")
    riley.goto("/admin/login/?next=/admin/", "admin-sign-in")
    riley.page.get_by_label("Username").fill(reviewer.username)
    riley.page.get_by_label("Password").fill(PASSWORD)
    riley.page.get_by_role("button", name="Log in").click()
    riley.check("admin-index")
    # The admin's change page is screenshot without the axe audit: its breadcrumbs fail
    # link-in-text-block (serious) already, before this feature (no other e2e test audits it).
    riley.page.goto(riley.url(f"/admin/validation/validationrequest/{vr.pk}/change/"))
    riley.page.screenshot(
        path=riley.scenario.next_shot("reviewer-request-admin-page"), full_page=True
    )
    riley.unchecked = None
    link = riley.page.locator(".evidence-documents").get_by_role("link", name="gsa-schedule.pdf")
    expect(link).to_be_visible()
    with riley.page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "gsa-schedule.pdf"
    with open(download.path(), "rb") as saved:
        assert saved.read() == PDF
