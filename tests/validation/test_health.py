"""/healthz (database, broker, heartbeat ages) and the structured logs with their ids."""

import json
import logging
import sys
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from health_check.checks import Database
from health_check.exceptions import ServiceUnavailable

from gccportal import celery as celery_module
from gccportal.ops import logging as structured
from gccportal.ops.heartbeats import REVIEW_SWEEP, WORKER, heartbeat_record
from gccportal.ops.models import Heartbeat
from gccportal.ops.tasks import worker_heartbeat_task
from validation.tasks import sweep_reviews_task

pytestmark = pytest.mark.django_db
HEALTHZ = reverse("healthz")
CLOSED_PORT = "redis://127.0.0.1:6390/0"  # nothing listens here


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


class TestHeartbeats:
    def test_the_sweep_task_records_its_run(self):
        sweep_reviews_task()
        beat = Heartbeat.objects.get(name=REVIEW_SWEEP)
        assert (timezone.now() - beat.at).total_seconds() < 60
        assert beat.detail == {"screened": [], "decided": {}}

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
