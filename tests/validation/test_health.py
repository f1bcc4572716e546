"""/healthz (database, broker, heartbeat ages) and the structured logs with their ids."""

import json
import logging
import sys
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from health_check.checks import Database
from health_check.exceptions import ServiceUnavailable

from gccportal import celery as celery_module
from lib import logging as structured
from ops.heartbeats import REVIEW_SWEEP, WORKER, heartbeat_record
from ops.models import Heartbeat
from ops.tasks import worker_heartbeat_task
from validation.models import ValidationRequest
from validation.tasks import sweep_reviews_task

from ..factories import PartnerRequestFactory

pytestmark = pytest.mark.django_db
HEALTHZ = reverse("healthz")
CLOSED_PORT = "redis://127.0.0.1:6390/0"  # nothing listens here


@contextmanager
def unreachable_database():
    """Point the default database's settings where nothing answers until the block ends:
    PostgreSQL at 127.0.0.1 port 1, SQLite at a file in a folder that does not exist. Every
    new connection, in any thread, reads these settings; the open one is closed first.

    Yields what the database says to whoever connects, and the details the body must not name.
    """
    settings_dict = connection.settings_dict
    saved = dict(settings_dict)
    if connection.vendor == "postgresql":
        settings_dict.update(HOST="127.0.0.1", PORT="1")
        secrets = ["127.0.0.1", "port 1", saved["NAME"]]
    else:
        settings_dict["NAME"] = "/nonexistent-gcc-folder/gccportal.sqlite3"
        secrets = ["nonexistent-gcc-folder", "gccportal.sqlite3"]
    connection.close()
    try:
        with pytest.raises(OperationalError) as refused:
            connection.ensure_connection()
        yield refused.value, secrets
    finally:
        connection.close()
        settings_dict.update(saved)


class TestHealthz:
    def test_ok_with_the_ages_of_the_heartbeats(self, client):
        heartbeat_record(name=WORKER, now=timezone.now() - timedelta(seconds=12))
        response = client.get(HEALTHZ)
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "ok" and body["failing"] == []
        assert body["checks"] == {"database": "ok", "broker": "ok"}
        assert 11 <= body["heartbeats"]["worker"]["age_seconds"] < 60
        assert body["heartbeats"]["review_sweep"] == {"last_seen": None, "age_seconds": None}
        assert body["stuck"] == {"validation_requests": 0, "orders": 0}
        assert "no-cache" in response["Cache-Control"]

    def test_broker_down_answers_503_within_seconds(self, client, settings):
        settings.CELERY_BROKER_URL = CLOSED_PORT
        settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
        settings.GCC_HEALTH_BROKER_TIMEOUT_SECONDS = 2
        started = time.monotonic()
        response = client.get(HEALTHZ)
        assert time.monotonic() - started < 5
        assert response.status_code == 503
        body = response.json()
        assert body["failing"] == ["broker"]
        assert body["checks"]["database"] == "ok"
        assert body["checks"]["broker"].startswith("Unavailable: broker unreachable")
        assert "heartbeats" in body  # still reported: the database is fine

    def test_database_down_answers_503_naming_it(self, client, monkeypatch):
        def fail(self):
            raise ServiceUnavailable("connection refused")

        monkeypatch.setattr(Database, "run", fail)
        response = client.get(HEALTHZ)
        assert response.status_code == 503
        assert response.json()["failing"] == ["database"]
        assert response.json()["heartbeats"] == {}

    @pytest.mark.django_db(transaction=True)  # the test's own connection is closed and reopened
    @pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "session-cookie"])
    def test_an_unreachable_database_answers_503_json_without_its_details(
        self, client, admin_agent, signed_in, caplog
    ):
        if signed_in:  # the session lives in the database: reading it after the view would fail
            client.force_login(admin_agent)
            assert client.cookies["sessionid"].value
        client.raise_request_exception = False  # a 500 must show as one, not as a test error
        with unreachable_database() as (refused, secrets), caplog.at_level(logging.WARNING):
            response = client.get(HEALTHZ)
        assert response.status_code == 503
        assert response["Content-Type"] == "application/json"
        body = response.json()
        assert body["status"] == "unavailable" and body["failing"] == ["database"]
        assert body["checks"]["database"] == "Unavailable: database unreachable"
        assert body["heartbeats"] == {} and body["stuck"] == {}
        text = response.content.decode()
        error = str(refused).strip()
        for hidden in [*secrets, error, error.splitlines()[0], error.rsplit(":")[0]]:
            assert hidden not in text
        # The details are in the log, for ops.
        logged = [r for r in caplog.records if r.getMessage() == "health check failing"]
        assert [r.check for r in logged] == ["database"]
        assert error.splitlines()[0] in logged[0].cause

    def test_a_missing_embedded_broker_folder_fails(self, client, settings, tmp_path):
        settings.CELERY_BROKER_URL = "filesystem://"
        settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
            "data_folder_in": str(tmp_path / "gone"),
            "data_folder_out": str(tmp_path / "gone"),
        }
        response = client.get(HEALTHZ)
        assert response.status_code == 503 and response.json()["failing"] == ["broker"]

    def test_the_embedded_broker_passes(self, client, settings, tmp_path):
        settings.CELERY_BROKER_URL = "filesystem://"
        settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
            "data_folder_in": str(tmp_path),
            "data_folder_out": str(tmp_path),
        }
        assert client.get(HEALTHZ).status_code == 200

    def test_needs_no_sign_in_and_sets_no_cookie(self, client):
        response = client.get(HEALTHZ)
        assert response.status_code == 200 and not response.cookies

    def test_reports_stuck_requests_and_orders_without_failing(self, client):
        request = PartnerRequestFactory()
        ValidationRequest.objects.filter(pk=request.pk).update(
            stuck_at=timezone.now(), sweep_attempts=3, sweep_error="ValueError: boom"
        )
        response = client.get(HEALTHZ)
        assert response.status_code == 200
        assert response.json()["stuck"] == {"validation_requests": 1, "orders": 0}


class TestHeartbeats:
    def test_the_sweep_task_records_its_run(self):
        sweep_reviews_task()
        beat = Heartbeat.objects.get(name=REVIEW_SWEEP)
        assert (timezone.now() - beat.at).total_seconds() < 60
        assert beat.detail == {"screened": [], "decided": {}, "failed": {}}

    def test_the_worker_heartbeat_task(self):
        worker_heartbeat_task()
        worker_heartbeat_task()
        assert Heartbeat.objects.filter(name=WORKER).count() == 1


class TestRequestIds:
    def test_generated_and_echoed(self, client):
        response = client.get(reverse("login"))
        assert len(response["X-Request-ID"]) == 36  # a GUID, as Partner Center's ids
        assert len(response["MS-CorrelationId"]) == 36

    def test_incoming_ids_are_kept(self, client):
        response = client.get(
            reverse("login"),
            HTTP_X_REQUEST_ID="req-123",
            HTTP_MS_CORRELATIONID="0f8fad5b-d9cb-469f-a165-70867728950e",
        )
        assert response["X-Request-ID"] == "req-123"
        assert response["MS-CorrelationId"] == "0f8fad5b-d9cb-469f-a165-70867728950e"

    def test_an_unsafe_incoming_id_is_replaced(self, client):
        response = client.get(reverse("login"), HTTP_X_REQUEST_ID='x" injected=1')
        assert response["X-Request-ID"] != 'x" injected=1'

    def test_the_log_line_names_the_user_the_view_loaded_and_never_loads_it(
        self, client, admin_agent, caplog
    ):
        client.force_login(admin_agent)
        with caplog.at_level(logging.DEBUG, logger="gccportal.requests"):
            client.get(reverse("home"))
            with CaptureQueriesContext(connection) as queries:
                client.get(HEALTHZ)
        assert queries.captured_queries  # the heartbeats and the stuck counts
        assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]
        home, health = [r for r in caplog.records if r.name == "gccportal.requests"]
        assert (home.path, home.user_id) == ("/", admin_agent.pk)
        assert (health.path, health.user_id) == ("/healthz", None)

    def test_one_log_line_per_request_with_its_ids(self, client, caplog):
        with caplog.at_level(logging.INFO, logger="gccportal.requests"):
            client.get(reverse("login"), HTTP_X_REQUEST_ID="req-42")
        (record,) = [r for r in caplog.records if r.name == "gccportal.requests"]
        assert (record.method, record.path, record.status) == ("GET", "/accounts/login/", 200)
        structured.ContextFilter().filter(record)
        line = structured.StructuredFormatter().format(record)
        assert "msg=http_request" in line and "status=200" in line


class TestFormatter:
    def make_record(self, message="validation request 7 approved", **extra):
        record = logging.LogRecord(
            "validation.services", logging.INFO, __file__, 1, message, (), None
        )
        for key, value in extra.items():
            setattr(record, key, value)
        return record

    def test_logfmt_line_with_context_ids(self):
        tokens = (
            structured.request_id_var.set("req-1"),
            structured.correlation_id_var.set("corr-1"),
        )
        try:
            record = self.make_record(path="/a b")
            structured.ContextFilter().filter(record)
            line = structured.StructuredFormatter("logfmt").format(record)
        finally:
            structured.request_id_var.reset(tokens[0])
            structured.correlation_id_var.reset(tokens[1])
        assert line.startswith("ts=")
        assert 'msg="validation request 7 approved"' in line
        assert "request_id=req-1 correlation_id=corr-1" in line
        assert 'path="/a b"' in line and "\n" not in line

    def test_json_line(self):
        record = self.make_record(status=503)
        structured.ContextFilter().filter(record)
        fields = json.loads(structured.StructuredFormatter("json").format(record))
        assert fields["msg"] == "validation request 7 approved" and fields["status"] == 503
        assert fields["level"] == "INFO" and fields["logger"] == "validation.services"

    def test_an_exception_stays_on_one_line(self):
        try:
            raise ValueError("boom\nsecond line")
        except ValueError:
            record = self.make_record()
            record.exc_info = sys.exc_info()
        line = structured.StructuredFormatter().format(record)
        assert "\n" not in line and "ValueError: boom" in line

    def test_celerys_data_copy_is_left_out_and_other_extras_kept(self):
        record = logging.LogRecord(
            "celery.app.trace", logging.INFO, __file__, 1, "Task t[1] succeeded", (), None
        )
        record.data = {"id": "1", "return_value": "[]"}
        line = structured.StructuredFormatter().format(record)
        assert 'msg="Task t[1] succeeded"' in line and "data=" not in line
        assert "data=" in structured.StructuredFormatter().format(self.make_record(data="kept"))

    def test_a_bad_format_name_is_refused(self):
        with pytest.raises(ValueError, match="logfmt or json"):
            structured.StructuredFormatter("xml")


class TestCeleryContext:
    def test_the_correlation_id_rides_with_the_task_and_comes_back_in_the_worker(self):
        headers = {}
        token = structured.correlation_id_var.set("corr-from-web")
        try:
            celery_module.carry_correlation_id(headers=headers)
        finally:
            structured.correlation_id_var.reset(token)
        assert headers == {celery_module.CORRELATION_HEADER: "corr-from-web"}

        class FakeTask:
            request = {celery_module.CORRELATION_HEADER: "corr-from-web"}

        celery_module.enter_task_context(task_id="task-9", task=FakeTask())
        record = logging.LogRecord("x", logging.INFO, __file__, 1, "in a task", (), None)
        structured.ContextFilter().filter(record)
        celery_module.leave_task_context()
        assert (record.task_id, record.correlation_id) == ("task-9", "corr-from-web")
        assert structured.task_id_var.get() == ""
