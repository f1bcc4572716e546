"""Evidence documents in an S3-compatible bucket (django-storages' S3 backend, what
docker-compose's MinIO gives the portal), against a real S3 API server on 127.0.0.1 (moto's)."""

import os
import subprocess
import sys
import uuid

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto.server import ThreadedMotoServer

from partners.models import Role
from validation.models import EvidenceDocument

from ..factories import UserFactory, customer_validation_form_data, gcc_partner
from .test_evidence import PNG, body

pytestmark = pytest.mark.django_db
KEYS = {"aws_access_key_id": "portal", "aws_secret_access_key": "portal-secret"}


@pytest.fixture
def seller():
    return UserFactory(partner=gcc_partner(name="Tailspin Federal"), role=Role.SALES_AGENT)


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, tmp_path):
    """A fresh bucket, configured as the portal's settings.py does for AWS_STORAGE_BUCKET_NAME."""
    name = f"evidence-{uuid.uuid4().hex[:12]}"
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **KEYS)
    s3.create_bucket(Bucket=name)
    settings.MEDIA_ROOT = tmp_path  # must stay empty
    settings.AWS_STORAGE_BUCKET_NAME = name
    settings.AWS_S3_ENDPOINT_URL = s3_endpoint
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.AWS_ACCESS_KEY_ID = KEYS["aws_access_key_id"]
    settings.AWS_SECRET_ACCESS_KEY = KEYS["aws_secret_access_key"]
    settings.AWS_S3_ADDRESSING_STYLE = "path"
    settings.AWS_DEFAULT_ACL = "private"
    settings.AWS_S3_FILE_OVERWRITE = False
    settings.STORAGES = settings.STORAGES | {
        "default": {"BACKEND": "storages.backends.s3.S3Storage"}
    }
    return s3, name


def test_a_document_goes_to_the_bucket_private_and_comes_back_through_the_portal(
    client_for, seller, reviewer, bucket, tmp_path
):
    s3, name = bucket
    data = customer_validation_form_data(seller.partner)
    data["documents"] = [SimpleUploadedFile("charter.png", PNG, "image/png")]
    assert client_for(seller).post(reverse("customers:validation_new"), data).status_code == 302
    document = EvidenceDocument.objects.get()
    vr = document.request

    # Stored in the bucket under the unguessable key, readable by its owner only.
    [stored] = s3.list_objects_v2(Bucket=name)["Contents"]
    assert stored["Key"] == document.file.name and stored["Key"].startswith(f"evidence/{vr.uuid}/")
    assert s3.get_object(Bucket=name, Key=stored["Key"])["Body"].read() == PNG
    grants = s3.get_object_acl(Bucket=name, Key=stored["Key"])["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert all(g["Grantee"].get("URI") is None for g in grants)  # no AllUsers grant
    assert not any(tmp_path.rglob("*"))

    # Both doors stream it from the bucket; neither page links to the bucket.
    partner_url = reverse("validation:document", args=[vr.uuid, document.pk])
    admin_page = reverse("admin:validation_validationrequest_change", args=[vr.pk])
    admin_url = reverse("admin:validation_validationrequest_document", args=[vr.pk, document.pk])
    assert body(client_for(seller).get(partner_url)) == PNG
    assert name not in client_for(reviewer).get(admin_page).content.decode()
    assert body(client_for(reviewer).get(admin_url)) == PNG


def test_the_bucket_is_chosen_by_the_environment(s3_endpoint):
    """settings.py picks the S3 backend when AWS_STORAGE_BUCKET_NAME is set, and not before."""
    script = (
        "import django; django.setup();"
        "from django.core.files.storage import storages; s = storages['default'];"
        "print(type(s).__name__, getattr(s, 'bucket_name', '-'), getattr(s, 'endpoint_url', '-'))"
    )
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "gccportal.settings"}
    bare = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert bare.stdout.split()[0] == "FileSystemStorage", bare.stderr
    env |= {"AWS_STORAGE_BUCKET_NAME": "evidence", "AWS_S3_ENDPOINT_URL": s3_endpoint}
    s3 = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert s3.stdout.split() == ["S3Storage", "evidence", s3_endpoint], s3.stderr
