"""The ops commands: each one's success and failure paths, --help, and a non-zero exit."""

import csv
import io
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from ops.heartbeats import REVIEW_SWEEP, WORKER, heartbeat_record
from partners.models import User
from relationships.models import RelationshipRequest
from validation import services
from validation.calendar import BUSINESS_TZ, business_days_between
from validation.models import RequestState, ValidationRequest
from validation.reviewers import REVIEWERS_GROUP

from ..celery_worker import ROOT, database_url
from ..factories import PASSWORD, PartnerRequestFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize(
    "command",
    [
        "seed_demo",
        "sweep_reviews",
        "review",
        "validation_report",
        "expire_relationship_requests",
        "gcc_status",
        "create_agent",
        "create_reviewer",
        "queue_probe",
        "stuck_orders",
    ],
)
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command(command, "--help")
    assert exit_.value.code == 0
    help_text = capsys.readouterr().out
    assert "usage:" in help_text and len(help_text) > 200


class TestSweepReviews:
    def test_reports_what_it_screened_and_decided(self):
        due = PartnerRequestFactory(submitted_at=timezone.now() - timedelta(days=10))
        services.validation_request_screen(request_id=due.pk)
        ValidationRequest.objects.filter(pk=due.pk).update(due_at=timezone.now())
        fresh = PartnerRequestFactory()
        output = run("sweep_reviews")
        assert "Screened: 1" in output and f"{fresh.reference}  in review" in output
        assert "Decided: 1" in output and f"{due.reference}  approved" in output

    def test_nothing_to_do(self):
        assert "Nothing to do" in run("sweep_reviews")

    def test_a_bad_batch_size_is_refused(self):
        with pytest.raises(CommandError, match="at least 1"):
            run("sweep_reviews", "--batch-size", "0")


class TestReview:
    def test_approve_by_reference(self):
        request = PartnerRequestFactory()
        output = run("review", request.reference, "--approve")
        assert f"{request.reference}" in output and "approved" in output
        request.refresh_from_db()
        assert request.status == RequestState.APPROVED
        assert request.events.last().actor_name == "Ops (manage.py review)"

    def test_reject_with_a_reason_by_a_named_reviewer(self, reviewer):
        request = PartnerRequestFactory()
        run("review", str(request.pk), "--reject", "Not CSP enrolled.", "--by", reviewer.username)
        request.refresh_from_db()
        assert (request.status, request.decision_reason, request.decided_by) == (
            RequestState.REJECTED,
            "Not CSP enrolled.",
            reviewer,
        )
        assert request.history.latest("history_date").history_user == reviewer

    def test_request_information_by_uuid(self):
        request = PartnerRequestFactory()
        run("review", str(request.uuid), "--request-info", "Which agency?")
        request.refresh_from_db()
        assert (request.status, request.info_request_message) == (
            RequestState.INFO_REQUESTED,
            "Which agency?",
        )

    def test_an_unknown_request(self):
        with pytest.raises(CommandError, match="No validation request 'GCC-999999'"):
            run("review", "GCC-999999", "--approve")
        with pytest.raises(CommandError, match="No validation request 'nonsense'"):
            run("review", "nonsense", "--approve")

    def test_a_decided_request_is_not_decided_again(self):
        request = PartnerRequestFactory()
        run("review", request.reference, "--approve")
        with pytest.raises(CommandError, match="already approved; nothing was changed"):
            run("review", request.reference, "--reject", "Changed my mind.")
        request.refresh_from_db()
        assert request.status == RequestState.APPROVED

    def test_a_blank_reason_is_refused(self):
        request = PartnerRequestFactory()
        with pytest.raises(CommandError, match="needs a reason"):
            run("review", request.reference, "--reject", "  ")

    def test_the_by_user_must_exist_and_be_a_reviewer(self, admin_agent):
        request = PartnerRequestFactory()
        with pytest.raises(CommandError, match="No user 'ghost'"):
            run("review", request.reference, "--approve", "--by", "ghost")
        with pytest.raises(CommandError, match="Only a Microsoft reviewer"):
            run("review", request.reference, "--approve", "--by", admin_agent.username)
        request.refresh_from_db()
        assert request.status == RequestState.SUBMITTED

    def test_exactly_one_decision(self):
        request = PartnerRequestFactory()
        with pytest.raises(CommandError, match="one of the arguments"):
            run("review", request.reference)
        with pytest.raises(CommandError, match="not allowed with argument"):
            run("review", request.reference, "--approve", "--reject", "x")


class TestValidationReport:
    @pytest.fixture
    def requests(self):
        wednesday = datetime(2026, 11, 25, 10, 0, tzinfo=BUSINESS_TZ)  # before Thanksgiving
        approved = PartnerRequestFactory(submitted_at=wednesday, organization_name="Contoso, Inc.")
        services.validation_request_approve(
            request_id=approved.pk, now=wednesday + timedelta(days=5)
        )
        open_one = PartnerRequestFactory(submitted_at=wednesday + timedelta(days=1))
        PartnerRequestFactory(submitted_at=wednesday + timedelta(days=30))  # outside
        return approved, open_one

    def test_csv(self, requests):
        approved, open_one = requests
        output = run("validation_report", "--since", "2026-11-25", "--until", "2026-11-30")
        rows = list(csv.DictReader(io.StringIO(output)))
        assert [r["reference"] for r in rows] == [approved.reference, open_one.reference]
        first = rows[0]
        assert first["organization"] == "Contoso, Inc." and first["kind"] == "partner"
        assert first["outcome"] == "approved"
        assert first["submitted"] == "2026-11-25T10:00:00-05:00"
        assert first["decided"] == "2026-11-30T10:00:00-05:00"
        assert first["business_days_taken"] == "2"  # Thanksgiving and the weekend skipped
        assert (rows[1]["outcome"], rows[1]["decided"], rows[1]["business_days_taken"]) == (
            "submitted",
            "",
            "",
        )

    def test_json_to_a_file(self, requests, tmp_path):
        target = tmp_path / "report.json"
        run(
            "validation_report",
            "--since",
            "2026-11-01",
            "--until",
            "2026-12-31",
            "--format",
            "json",
            "-o",
            str(target),
        )
        rows = json.loads(target.read_text())
        assert len(rows) == 3 and rows[0]["business_days_taken"] == 2
        assert rows[1]["business_days_taken"] is None

    @pytest.mark.parametrize(
        "since,until,message",
        [
            ("2026-13-01", "2026-12-31", "is not a date"),
            ("yesterday", "2026-12-31", "is not a date"),
            ("2026-12-31", "2026-01-01", "on or before"),
        ],
    )
    def test_bad_dates(self, since, until, message):
        with pytest.raises(CommandError, match=message):
            run("validation_report", "--since", since, "--until", until)

    def test_a_bad_format(self):
        with pytest.raises(CommandError, match="invalid choice"):
            run("validation_report", "--since", "2026-01-01", "--until", "2026-01-02",
                "--format", "xml")  # fmt: skip

    def test_an_unwritable_output(self, tmp_path):
        with pytest.raises(CommandError, match="Cannot write"):
            run("validation_report", "--since", "2026-01-01", "--until", "2026-01-02",
                "-o", str(tmp_path / "missing" / "r.csv"))  # fmt: skip


def test_business_days_between():
    wednesday = datetime(2026, 11, 25, 10, 0, tzinfo=BUSINESS_TZ)
    assert business_days_between(wednesday, wednesday + timedelta(hours=3)) == 0
    assert business_days_between(wednesday, wednesday + timedelta(days=1)) == 0  # Thanksgiving
    assert business_days_between(wednesday, wednesday + timedelta(days=5)) == 2


class TestExpireRelationshipRequests:
    def test_expires_past_ones(self, admin_agent):
        from relationships.services import relationship_request_create

        old = relationship_request_create(
            actor=admin_agent, now=timezone.now() - timedelta(days=30)
        )
        relationship_request_create(actor=admin_agent)
        assert run("expire_relationship_requests").strip() == "1 relationship request expired."
        assert RelationshipRequest.objects.get(pk=old.pk).status == "expired"
        assert "0 relationship requests expired." in run("expire_relationship_requests")


class TestGccStatus:
    def test_text(self):
        PartnerRequestFactory()
        heartbeat_record(name=WORKER)
        output = run("gcc_status")
        assert "Submitted" in output and "Overdue" in output
        assert "Worker heartbeat" in output and "s ago" in output
        assert "Last review sweep       never seen" in output

    def test_json(self):
        PartnerRequestFactory()
        status = json.loads(run("gcc_status", "--json"))
        assert status["requests"]["submitted"] == 1 and status["open"] == 1
        assert status["emails"] == {"pending": 0, "sending": 0, "sent": 0, "failed": 0}
        assert set(status["heartbeats"]) == {WORKER, REVIEW_SWEEP}

    def test_fails_on_a_stale_heartbeat(self):
        heartbeat_record(name=WORKER)
        heartbeat_record(name=REVIEW_SWEEP, now=timezone.now() - timedelta(minutes=10))
        with pytest.raises(CommandError, match="Stale .*: review_sweep"):
            run("gcc_status", "--max-heartbeat-age", "120")
        heartbeat_record(name=REVIEW_SWEEP)
        run("gcc_status", "--max-heartbeat-age", "120")

    def test_a_bad_age(self):
        with pytest.raises(CommandError, match="positive"):
            run("gcc_status", "--max-heartbeat-age", "-5")


class TestCreateReviewer:
    def test_creates_a_reviewer_in_the_group_only(self):
        output = run("create_reviewer", "rev@microsoft.test", "--password", PASSWORD,
                     "--first-name", "Rae")  # fmt: skip
        assert "Reviewer rev@microsoft.test created." in output
        user = User.objects.get(username="rev@microsoft.test")
        assert user.is_staff and not user.is_superuser and user.partner is None
        assert list(user.groups.values_list("name", flat=True)) == [REVIEWERS_GROUP]
        assert user.check_password(PASSWORD)

    def test_reads_the_password_from_standard_input(self, monkeypatch):
        monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
        run("create_reviewer", "piped@microsoft.test")
        assert User.objects.get(username="piped@microsoft.test").check_password(PASSWORD)

    def test_refusals(self, reviewer, monkeypatch):
        with pytest.raises(CommandError, match="already exists"):
            run("create_reviewer", reviewer.username, "--password", PASSWORD)
        with pytest.raises(CommandError, match="valid email"):
            run("create_reviewer", "not-an-email", "--password", PASSWORD)
        with pytest.raises(CommandError, match="too common|too short"):
            run("create_reviewer", "weak@microsoft.test", "--password", "password")
        monkeypatch.setattr(sys, "stdin", io.StringIO(""))
        with pytest.raises(CommandError, match="Give a password"):
            run("create_reviewer", "nopass@microsoft.test")
        assert (
            not User.objects.filter(username__endswith="@microsoft.test")
            .exclude(pk=reviewer.pk)
            .exists()
        )


@pytest.mark.django_db(transaction=True)
def test_a_failing_command_exits_non_zero_with_a_clear_message():
    """Run as ops do, in a process of its own against the test database."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(connection.settings_dict),
        "DEBUG": "true",
    }
    manage = [sys.executable, "manage.py"]
    missing = subprocess.run(
        [*manage, "review", "GCC-999999", "--approve"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert missing.returncode == 1
    assert "CommandError: No validation request 'GCC-999999'." in missing.stderr
    usage = subprocess.run(
        [*manage, "review", "GCC-000001"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert usage.returncode == 2 and "one of the arguments" in usage.stderr
    ok = subprocess.run(
        [*manage, "gcc_status"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert ok.returncode == 0, ok.stderr
