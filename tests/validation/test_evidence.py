"""Evidence documents: attached with a validation form or an answer, checked from their content,
downloaded by the request's reviewers and its own partner only."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.urls import reverse

from lib.refusals import RefusalCode
from partners.models import Role
from validation import services
from validation.eligibility import EVIDENCE_MISSING
from validation.evidence import done_with_evidence, evidence_attach, sanitized_name
from validation.models import EvidenceDocument, RequestState, ValidationRequest

from ..factories import (
    UserFactory,
    customer_request_data,
    customer_validation_form_data,
    gcc_partner,
)
from ..refusals import refused
from .test_views import form_data

pytestmark = pytest.mark.django_db

NEW = reverse("validation:partner_new")
CUSTOMER_NEW = reverse("customers:validation_new")
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(name="evidence.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type)


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.fixture
def seller():
    return UserFactory(partner=gcc_partner(name="Tailspin Federal"), role=Role.SALES_AGENT)


def customer_request(seller, **overrides) -> ValidationRequest:
    return services.customer_validation_submit(
        actor=seller,
        submission_key=uuid.uuid4(),
        intake=customer_request_data(seller.partner, **overrides),
    )


# --- The service ------------------------------------------------------------------------------


class TestAttach:
    def test_the_type_is_sniffed_from_the_content_not_the_name(self, seller, _media):
        vr = customer_request(seller)
        [doc] = evidence_attach(
            validation_request=vr, files=[upload("scan.pdf", PNG)], uploaded_by=seller, via="form"
        )
        assert doc.content_type == "image/png"
        assert doc.original_name == "scan.pdf"
        assert doc.uploaded_by == seller and doc.uploaded_via == "form"
        # An unguessable path under the request's uuid, with the sniffed type's extension.
        assert doc.file.name.startswith(f"evidence/{vr.uuid}/")
        assert doc.file.name.endswith(".png") and "scan" not in doc.file.name
        assert (_media / doc.file.name).read_bytes() == PNG

    @pytest.mark.parametrize(
        "content,content_type",
        [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")],
    )
    def test_accepts_pdf_png_and_jpeg(self, seller, content, content_type):
        [doc] = evidence_attach(
            validation_request=customer_request(seller), files=[upload("x", content)], via="form"
        )
        assert doc.content_type == content_type and doc.size == len(content)

    def test_refuses_text_named_pdf(self, seller, _media):
        vr = customer_request(seller)
        with refused(RefusalCode.EVIDENCE_TYPE) as exc:
            evidence_attach(
                validation_request=vr, files=[upload("contract.pdf", b"just some text")], via="form"
            )
        assert exc.value.field == "documents"
        assert not EvidenceDocument.objects.exists() and not stored_files(_media)

    def test_refuses_a_file_over_the_size_limit(self, seller, settings, _media):
        settings.GCC_EVIDENCE_MAX_BYTES = 64
        vr = customer_request(seller)
        with refused(RefusalCode.EVIDENCE_TOO_LARGE) as exc:
            evidence_attach(
                validation_request=vr, files=[upload(content=PDF + b"x" * 64)], via="form"
            )
        assert exc.value.status == 413
        assert not EvidenceDocument.objects.exists() and not stored_files(_media)

    def test_the_limit_is_10_mb(self, settings):
        assert settings.GCC_EVIDENCE_MAX_BYTES == 10 * 1024 * 1024
        assert settings.GCC_EVIDENCE_MAX_FILES == 5

    def test_one_bad_file_saves_none_of_them(self, seller, _media):
        vr = customer_request(seller)
        with refused(RefusalCode.EVIDENCE_TYPE):
            evidence_attach(
                validation_request=vr,
                files=[upload("a.pdf"), upload("b.png", PNG), upload("c.exe", b"MZ\x90\x00")],
                via="form",
            )
        assert not EvidenceDocument.objects.exists() and not stored_files(_media)

    def test_a_database_failure_part_way_leaves_no_stored_file(self, seller, _media, monkeypatch):
        """Storage is not transactional: rows rolled back take their stored files with them."""
        vr = customer_request(seller)
        real_save, saves = EvidenceDocument.save, []

        def second_save_fails(self, *args, **kwargs):
            saves.append(self)
            if len(saves) == 2:
                raise DatabaseError("the connection dropped")
            real_save(self, *args, **kwargs)

        monkeypatch.setattr(EvidenceDocument, "save", second_save_fails)
        with pytest.raises(DatabaseError):
            evidence_attach(validation_request=vr, files=[upload(), upload()], via="form")
        assert not EvidenceDocument.objects.exists() and not stored_files(_media)

    def test_a_refused_submission_stores_nothing(self, seller, _media):
        """The submit service refuses after the documents were checked: no file is kept."""
        data = customer_request_data(seller.partner)
        key = uuid.uuid4()
        done_with_evidence(
            lambda: services.customer_validation_submit(
                actor=seller, submission_key=key, intake=data
            ),
            files=[upload()],
            via="form",
        )
        assert len(stored_files(_media)) == 1
        with refused(RefusalCode.REQUEST_ALREADY_OPEN):
            done_with_evidence(
                lambda: services.customer_validation_submit(
                    actor=seller, submission_key=uuid.uuid4(), intake=data
                ),
                files=[upload()],
                via="form",
            )
        assert EvidenceDocument.objects.count() == 1 and len(stored_files(_media)) == 1

    def test_at_most_five_per_request_across_answers(self, seller):
        vr = customer_request(seller)
        evidence_attach(validation_request=vr, files=[upload() for _ in range(4)], via="form")
        with refused(RefusalCode.EVIDENCE_TOO_MANY):
            evidence_attach(validation_request=vr, files=[upload(), upload()], via="answer")
        assert vr.documents.count() == 4
        evidence_attach(validation_request=vr, files=[upload()], via="answer")
        with refused(RefusalCode.EVIDENCE_TOO_MANY):
            evidence_attach(validation_request=vr, files=[upload()], via="answer")
        assert vr.documents.count() == 5

    def test_names_are_sanitized(self):
        assert sanitized_name("C:\\Users\\pat\\..\\secret\\ITAR\x00 license.pdf") == (
            "ITAR license.pdf"
        )
        assert sanitized_name("../../etc/passwd") == "passwd"
        assert sanitized_name("") == "document"
        long = sanitized_name("a" * 300 + ".pdf")
        assert len(long) == 200 and long.endswith(".pdf")


# --- The forms --------------------------------------------------------------------------------


class TestPartnerForm:
    def test_the_form_is_multipart_with_a_multiple_file_input(self, client_for, admin_agent):
        page = client_for(admin_agent).get(NEW).content.decode()
        assert 'enctype="multipart/form-data"' in page
        assert "Evidence documents (optional)" in page
        assert 'type="file" name="documents"' in page and "multiple" in page

    def test_documents_are_attached_with_the_submission(self, client_for, admin_agent):
        client = client_for(admin_agent)
        data = form_data(admin_agent.partner)
        data["documents"] = [upload("gsa-schedule.pdf"), upload("award.jpg", JPEG)]
        response = client.post(NEW, data)
        assert response.status_code == 302
        vr = ValidationRequest.objects.get()
        docs = list(vr.documents.all())
        assert [(d.original_name, d.content_type) for d in docs] == [
            ("gsa-schedule.pdf", "application/pdf"),
            ("award.jpg", "image/jpeg"),
        ]
        assert all(d.uploaded_via == "form" and d.uploaded_by == admin_agent for d in docs)
        page = client.get(reverse("validation:detail", args=[vr.uuid])).content.decode()
        assert "gsa-schedule.pdf" in page
        assert reverse("validation:document", args=[vr.uuid, docs[0].pk]) in page

    def test_a_refused_document_saves_nothing(self, client_for, admin_agent, _media):
        data = form_data(admin_agent.partner)
        data["documents"] = [upload("ok.pdf"), upload("notes.pdf", b"plain text, not a PDF")]
        response = client_for(admin_agent).post(NEW, data)
        assert response.status_code == 400
        assert "notes.pdf is not a PDF, PNG or JPEG file" in response.content.decode()
        assert not ValidationRequest.objects.exists()
        assert not EvidenceDocument.objects.exists() and not stored_files(_media)

    def test_too_many_documents_saves_nothing(self, client_for, admin_agent):
        data = form_data(admin_agent.partner)
        data["documents"] = [upload(f"{i}.pdf") for i in range(6)]
        response = client_for(admin_agent).post(NEW, data)
        assert response.status_code == 400
        assert "at most 5 documents" in response.content.decode()
        assert not ValidationRequest.objects.exists()


class TestCustomerForm:
    def test_documents_are_attached_with_the_submission(self, client_for, seller):
        client = client_for(seller)
        assert 'enctype="multipart/form-data"' in client.get(CUSTOMER_NEW).content.decode()
        data = customer_validation_form_data(seller.partner)
        data["documents"] = [upload("charter.png", PNG)]
        assert client.post(CUSTOMER_NEW, data).status_code == 302
        [doc] = ValidationRequest.objects.get().documents.all()
        assert doc.content_type == "image/png"

    def test_a_refused_document_rolls_the_request_back(self, client_for, seller, _media):
        data = customer_validation_form_data(seller.partner)
        data["documents"] = [upload("charter.pdf", b"<html>not a pdf</html>")]
        response = client_for(seller).post(CUSTOMER_NEW, data)
        assert response.status_code == 400
        assert "is not a PDF, PNG or JPEG file" in response.content.decode()
        assert not ValidationRequest.objects.exists() and not stored_files(_media)


def info_requested(seller, **overrides) -> ValidationRequest:
    vr = customer_request(seller, **overrides)
    services.validation_request_request_info(request_id=vr.pk, question="Send the license.")
    vr.refresh_from_db()
    return vr


class TestAnswers:
    def test_the_contact_attaches_documents_with_the_answer(self, client, seller):
        vr = info_requested(seller)
        url = reverse("validation:contact_answer", args=[services.answer_link_token(vr)])
        assert 'enctype="multipart/form-data"' in client.get(url).content.decode()
        response = client.post(url, {"response": "Attached.", "documents": [upload("lic.pdf")]})
        assert response.status_code == 200
        [doc] = vr.documents.all()
        assert doc.uploaded_via == "answer" and doc.uploaded_by is None

    def test_a_refused_document_keeps_the_review_paused(self, client, seller, _media):
        vr = info_requested(seller)
        url = reverse("validation:contact_answer", args=[services.answer_link_token(vr)])
        response = client.post(url, {"response": "Attached.", "documents": [upload("x.pdf", b"?")]})
        assert response.status_code == 400
        vr.refresh_from_db()
        assert vr.status == RequestState.INFO_REQUESTED and vr.info_response == ""
        assert not vr.documents.exists() and not stored_files(_media)

    def test_the_count_includes_the_forms_documents(self, client_for, seller):
        vr = info_requested(seller)
        evidence_attach(validation_request=vr, files=[upload() for _ in range(5)], via="form")
        url = reverse("validation:answer", args=[vr.uuid])
        response = client_for(seller).post(url, {"response": "One more.", "documents": [upload()]})
        assert response.status_code == 400
        assert "at most 5 documents" in response.content.decode()
        vr.refresh_from_db()
        assert vr.status == RequestState.INFO_REQUESTED and vr.documents.count() == 5

    def test_the_partner_attaches_documents_with_its_answer(self, client_for, seller):
        vr = info_requested(seller)
        url = reverse("validation:answer", args=[vr.uuid])
        page = client_for(seller).get(reverse("validation:detail", args=[vr.uuid]))
        assert 'enctype="multipart/form-data"' in page.content.decode()
        response = client_for(seller).post(url, {"response": "See.", "documents": [upload()]})
        assert response.status_code == 302
        [doc] = vr.documents.all()
        assert doc.uploaded_via == "answer" and doc.uploaded_by == seller


# --- Downloads --------------------------------------------------------------------------------


@pytest.fixture
def document(seller):
    vr = customer_request(seller)
    [doc] = evidence_attach(
        validation_request=vr, files=[upload("charter.pdf", PNG)], uploaded_by=seller, via="form"
    )
    return doc


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def assert_download(response, doc):
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="charter.pdf"' in response["Content-Disposition"]
    assert body(response) == PNG


class TestDownloads:
    def test_a_reviewer_sees_and_downloads_it_from_the_admin(self, client_for, reviewer, document):
        client = client_for(reviewer)
        vr = document.request
        page = client.get(reverse("admin:validation_validationrequest_change", args=[vr.pk]))
        url = reverse("admin:validation_validationrequest_document", args=[vr.pk, document.pk])
        assert url in page.content.decode() and "charter.pdf" in page.content.decode()
        assert_download(client.get(url), document)

    def test_the_admin_url_needs_the_document_of_that_request(self, client_for, reviewer, document):
        url = reverse(
            "admin:validation_validationrequest_document",
            args=[document.request.pk + 1000, document.pk],
        )
        assert client_for(reviewer).get(url).status_code == 404

    def test_the_partner_downloads_its_own(self, client_for, seller, document):
        url = reverse("validation:document", args=[document.request.uuid, document.pk])
        assert_download(client_for(seller).get(url), document)

    def test_another_partner_gets_a_404(self, client_for, outsider, document):
        url = reverse("validation:document", args=[document.request.uuid, document.pk])
        assert client_for(outsider).get(url).status_code == 404

    def test_anonymous_is_sent_to_sign_in(self, client, document):
        url = reverse("validation:document", args=[document.request.uuid, document.pk])
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
        admin_url = reverse(
            "admin:validation_validationrequest_document", args=[document.request.pk, document.pk]
        )
        response = client.get(admin_url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))

    def test_a_partner_agent_is_not_a_reviewer(self, client_for, seller, document):
        admin_url = reverse(
            "admin:validation_validationrequest_document", args=[document.request.pk, document.pk]
        )
        assert client_for(seller).get(admin_url).status_code in (302, 403)

    def test_no_public_media_url(self, settings):
        assert not settings.MEDIA_URL or settings.MEDIA_URL == "/"


# --- The simulated reviewer's checklist -------------------------------------------------------


class TestChecklist:
    def review(self, vr):
        services.sweep_reviews(now=vr.due_at)
        vr.refresh_from_db()
        return vr

    def regulated(self, seller):
        return customer_request(
            seller,
            organization_name="Contoso Defense Manufacturing, Inc.",
            entity_type="commercial",
            jurisdiction="",
            regulated_data=["itar"],
        )

    def test_basis_b_without_a_document_is_asked_for_one(self, seller):
        vr = self.review(self.regulated(seller))
        assert vr.status == RequestState.INFO_REQUESTED
        assert vr.info_request_message == EVIDENCE_MISSING
        assert "Attach the document that makes the data government-regulated" in EVIDENCE_MISSING
        finding = next(f for f in vr.checklist if f["code"] == "evidence")
        assert finding["passed"] is False

    def test_basis_b_with_a_document_is_approved(self, seller):
        vr = self.regulated(seller)
        evidence_attach(validation_request=vr, files=[upload()], via="form")
        assert self.review(vr).status == RequestState.APPROVED

    def test_basis_a_needs_no_document(self, seller):
        vr = self.review(customer_request(seller))
        assert vr.status == RequestState.APPROVED
        assert all(f["code"] != "evidence" for f in vr.checklist)
