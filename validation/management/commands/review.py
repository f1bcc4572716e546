from django.core.management.base import BaseCommand, CommandError

from lib.refusals import Refusal
from partners.models import User
from validation.models import ValidationRequest
from validation.selectors import validation_request_find
from validation.services import (
    validation_request_approve,
    validation_request_reject,
    validation_request_request_info,
)

OPS_LABEL = "Ops (manage.py review)"


class Command(BaseCommand):
    help = (
        "Decide one validation request from the command line, through the same service as the "
        "reviewers' admin: approve it, reject it with a reason, or ask for information."
    )

    def add_arguments(self, parser):
        parser.add_argument("request", help="The request: GCC-000012, 12, or its UUID.")
        decision = parser.add_mutually_exclusive_group(required=True)
        decision.add_argument("--approve", action="store_true", help="Approve it.")
        decision.add_argument(
            "--reject", metavar="REASON", help="Reject it; the partner sees REASON."
        )
        decision.add_argument(
            "--request-info",
            metavar="MESSAGE",
            help="Ask for information; MESSAGE is emailed to the contact with a link to answer.",
        )
        parser.add_argument(
            "--by",
            metavar="REVIEWER",
            help="Sign-in name of the reviewer deciding (recorded on the timeline and in the "
            f'history). Without it the timeline says "{OPS_LABEL}".',
        )

    def handle(self, *args, request, approve, reject, request_info, by, **options):
        try:
            found = validation_request_find(request)
        except ValidationRequest.DoesNotExist as exc:
            raise CommandError(f"No validation request {request!r}.") from exc
        actor = None
        if by:
            try:
                actor = User.objects.get(username=by)
            except User.DoesNotExist as exc:
                raise CommandError(f"No user {by!r}.") from exc
        decider = {"request_id": found.pk, "actor": actor, "actor_label": OPS_LABEL}
        try:
            if approve:
                decided = validation_request_approve(**decider)
            elif reject is not None:
                decided = validation_request_reject(reason=reject, **decider)
            else:
                decided = validation_request_request_info(question=request_info, **decider)
        except Refusal as exc:
            raise CommandError(f"{found.reference}: {exc.message}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{decided.reference} ({decided.organization_name}): "
                f"{decided.get_status_display().lower()}."
            )
        )
