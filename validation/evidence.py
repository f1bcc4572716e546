"""Evidence documents attached to validation requests: checked, then stored.

Every file is checked before any is saved (nothing half-saved): the request's total count, each
file's size, and its type, read from its first bytes (the name is ignored for the type). Files go
through Django's default storage under an unguessable path; they are never served by a public
URL, only by the views that check who asks (validation.views, validation.admin).
"""

import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lib.refusals import Refusal, RefusalCode

from .models import EvidenceDocument, EvidenceVia, ValidationRequest

FIELD = "documents"
ACCEPTED = gettext_noop("PDF, PNG or JPEG")
# The signatures the accepted types start with.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
SNIFF_BYTES = 16
NAME_MAX = 200


def sniffed_type(head: bytes) -> str | None:
    """The accepted content type these first bytes start, or None."""
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def _read_head(upload: UploadedFile) -> bytes:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return head


def sanitized_name(name: str | None) -> str:
    """The name to show: its last path part, printable characters only, at most 200."""
    name = re.split(r"[\\/]", name or "")[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(c for c in name if unicodedata.category(c)[0] not in ("C", "Z") or c == " ")
    name = " ".join(name.split()).strip(". ")
    if len(name) > NAME_MAX:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: NAME_MAX - len(ext) - 1] + "." + ext
        else:
            name = name[:NAME_MAX]
    return name or "document"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


@dataclass(frozen=True)
class _Checked:
    upload: UploadedFile
    name: str
    content_type: str


def evidence_check(*, validation_request: ValidationRequest | None, files) -> list[_Checked]:
    """Check every file (raises the first Refusal); what to save. ``validation_request`` None:
    a request not made yet, with no documents."""
    files = list(files or [])
    max_files = settings.GCC_EVIDENCE_MAX_FILES
    max_bytes = settings.GCC_EVIDENCE_MAX_BYTES
    existing = (
        validation_request.documents.count() if validation_request and validation_request.pk else 0
    )
    if existing + len(files) > max_files:
        left = max(max_files - existing, 0)
        if existing:
            message = _(
                "A request takes at most %(max)s documents; it has %(existing)s, so attach at "
                "most %(left)s more."
            ) % {"max": max_files, "existing": existing, "left": left}
        else:
            message = _("A request takes at most %(max)s documents.") % {"max": max_files}
        raise Refusal(RefusalCode.EVIDENCE_TOO_MANY, message, field=FIELD)
    checked = []
    for upload in files:
        name = sanitized_name(getattr(upload, "name", ""))
        if upload.size > max_bytes:
            raise Refusal(
                RefusalCode.EVIDENCE_TOO_LARGE,
                _("%(name)s is larger than %(size)s: attach a smaller file.")
                % {"name": name, "size": _megabytes(max_bytes)},
                field=FIELD,
            )
        content_type = sniffed_type(_read_head(upload))
        if content_type is None:
            raise Refusal(
                RefusalCode.EVIDENCE_TYPE,
                _("%(name)s is not a %(accepted)s file: attach the document as %(accepted)s.")
                % {"name": name, "accepted": _(ACCEPTED)},
                field=FIELD,
            )
        checked.append(_Checked(upload, name, content_type))
    return checked


def evidence_attach(
    *, validation_request: ValidationRequest, files, uploaded_by=None, via: str
) -> list[EvidenceDocument]:
    """Attach ``files`` (uploads) to the request, all of them or none: a failure part-way
    removes the files already stored, with the rows the transaction rolls back."""
    via = EvidenceVia(via)
    checked = evidence_check(validation_request=validation_request, files=files)
    documents = []
    with _stored_files_removed_on_error(documents), transaction.atomic():
        for item in checked:
            document = EvidenceDocument(
                request=validation_request,
                original_name=item.name,
                content_type=item.content_type,
                size=item.upload.size,
                uploaded_by=uploaded_by,
                uploaded_via=via,
            )
            item.upload.seek(0)
            document.file.save(item.name, item.upload, save=False)
            documents.append(document)
            document.save()
    return documents


def done_with_evidence(
    action, *, files, via: str, uploaded_by=None, validation_request=None
) -> ValidationRequest:
    """A door's action (a submit or answer service, called with no arguments) and its documents
    as one step: the documents are checked first, then the action and their attachment run in
    one transaction, so a refused document leaves no request or answer behind, and a failed
    transaction leaves no stored file. Attached to ``validation_request``, or to the request the
    action returns (a submission). Answers that request."""
    evidence_check(validation_request=validation_request, files=files)
    documents = []
    with _stored_files_removed_on_error(documents), transaction.atomic():
        created = action()
        target = validation_request or created
        documents += evidence_attach(
            validation_request=target, files=files, uploaded_by=uploaded_by, via=via
        )
    return target


@contextmanager
def _stored_files_removed_on_error(documents: list[EvidenceDocument]):
    """Storage is not transactional: when the block fails, delete what it stored."""
    try:
        yield
    except BaseException:
        for document in documents:
            document.file.storage.delete(document.file.name)
        raise


def evidence_file_response(document) -> FileResponse:
    """The document as a download: its sniffed type, never rendered inline or re-sniffed."""
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def evidence_counts(requests: list[ValidationRequest]) -> dict[int, int]:
    """How many documents each request has, with one query."""
    rows = (
        EvidenceDocument.objects.filter(request__in=[r.pk for r in requests])
        .values("request")
        .annotate(n=Count("pk"))
    )
    return {row["request"]: row["n"] for row in rows}
