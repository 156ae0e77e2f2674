"""Evidence in an S3-compatible bucket: the storage several app servers share, against a real server.

The server is moto's (server mode, started here on a free port): the app talks
to it over HTTP through django-storages and boto3, as it would to the agency's
bucket. Nothing of the library is mocked.
"""

from __future__ import annotations

import datetime
import hashlib

import boto3
import pytest
from django.urls import reverse

from assessment import models
from assessment.services.evidence import evidence_prune, evidence_remove, evidence_storage
from tests import evidence_files as files
from tests.helpers import client_for, free_port

BUCKET = "mlready-evidence-test"
QUESTION = "streaming-data"


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )
    client.create_bucket(Bucket=BUCKET)
    yield {"endpoint": endpoint, "client": client}
    server.stop()


@pytest.fixture
def s3_storage(settings, s3_server):
    """The evidence storage as config/settings.py makes it when EVIDENCE_S3_BUCKET is set."""
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_server["endpoint"],
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
                "location": "tests",
                "default_acl": None,
                "file_overwrite": False,
                "querystring_auth": True,
            },
        },
    }
    return s3_server["client"]


def bucket_keys(client) -> list[str]:
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


@pytest.mark.django_db
def test_it_stores_serves_and_prunes_evidence_in_the_bucket(s3_storage, assessment, member, executive):
    assert type(evidence_storage()).__name__ == "S3Storage"
    content = files.PDF + b"%" + b"x" * (3 * 1024 * 1024)  # past FILE_UPLOAD_MAX_MEMORY_SIZE: a temporary file
    url = reverse("evidence-add", kwargs={"assessment_id": assessment.pk, "question_key": QUESTION})
    response = client_for(member).post(
        url, {f"evidence-{QUESTION}-title": "Policy", f"evidence-{QUESTION}-file": files.upload("policy.pdf", content)}
    )
    assert response.status_code == 302
    evidence = models.Evidence.objects.get()
    sha = hashlib.sha256(content).hexdigest()
    assert evidence.sha256 == sha
    assert bucket_keys(s3_storage) == [f"tests/{evidence.stored_name}"]
    stored = s3_storage.get_object(Bucket=BUCKET, Key=f"tests/{evidence.stored_name}")["Body"].read()
    assert hashlib.sha256(stored).hexdigest() == sha

    download = client_for(executive).get(reverse("evidence-download", args=[assessment.pk, evidence.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == sha

    evidence_remove(evidence=evidence, user=member)
    assert evidence_prune(older_than=datetime.timedelta(0)) == [evidence.stored_name]
    assert bucket_keys(s3_storage) == []


@pytest.mark.django_db
def test_it_stores_nothing_in_the_bucket_for_a_refused_file(s3_storage, assessment, member):
    url = reverse("evidence-add", kwargs={"assessment_id": assessment.pk, "question_key": QUESTION})
    response = client_for(member).post(
        url, {f"evidence-{QUESTION}-title": "Policy", f"evidence-{QUESTION}-file": files.upload("x.pdf", files.HTML)}
    )
    assert response.status_code == 400
    assert bucket_keys(s3_storage) == [] and not models.Evidence.objects.exists()
