"""File storage: the local-disk adapter on a real directory, the S3 adapter on botocore's Stubber
(the real client library, no network), and key checks that keep every key inside the storage."""

from __future__ import annotations

import io
from pathlib import Path

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber

from propintel.config import Settings
from propintel.integrations.local.storage import LocalFileStorage
from propintel.integrations.providers import file_storage
from propintel.integrations.s3.storage import S3FileStorage
from propintel.integrations.storage import (
    InvalidKey,
    StorageError,
    StoredFile,
    check_key,
    key_of_public_url,
    public_url,
)

BAD_KEYS = [
    "",
    "../etc/passwd",
    "public/../../secret",
    "/absolute",
    "public//double",
    "public/UPPER.png",
    "public/a b.png",
    "public/.hidden",
    "public/x\x00.png",
    "public/..",
    "public\\windows",
]


@pytest.mark.parametrize("key", BAD_KEYS)
def test_a_key_we_could_not_have_made_is_refused(key: str, tmp_path: Path) -> None:
    with pytest.raises(InvalidKey):
        check_key(key)
    storage = LocalFileStorage(tmp_path / "media")
    with pytest.raises(InvalidKey):
        storage.put(key, b"x", "text/plain")
    with pytest.raises(InvalidKey):
        storage.get(key)


def test_public_urls_round_trip_and_foreign_urls_name_no_key() -> None:
    assert public_url("public/logos/ab12.png") == "/media/public/logos/ab12.png"
    assert key_of_public_url("/media/public/logos/ab12.png") == "public/logos/ab12.png"
    assert key_of_public_url("https://cdn.example.com/logo.png") is None
    assert key_of_public_url("/media/public/../x") is None
    assert key_of_public_url(None) is None
    with pytest.raises(InvalidKey):
        public_url("private/doc.pdf")


def test_local_storage_puts_reads_replaces_and_deletes(tmp_path: Path) -> None:
    root = tmp_path / "media"
    storage = LocalFileStorage(root)  # the directory is created on demand
    assert storage.get("public/logos/a.png") is None
    assert storage.put("public/logos/a.png", b"first", "image/png") == "public/logos/a.png"
    assert storage.get("public/logos/a.png") == StoredFile(b"first", "image/png")
    storage.put("public/logos/a.png", b"second", "image/webp")
    assert storage.get("public/logos/a.png") == StoredFile(b"second", "image/webp")
    storage.delete("public/logos/a.png")
    storage.delete("public/logos/a.png")  # gone already: nothing happens
    assert storage.get("public/logos/a.png") is None
    assert list(root.iterdir()) == []  # its empty folders went with it, the root stays


def test_the_sidecar_holding_a_content_type_is_not_a_key(tmp_path: Path) -> None:
    storage = LocalFileStorage(tmp_path)
    storage.put("public/a.png", b"x", "image/png")
    with pytest.raises(InvalidKey):
        storage.get("public/a.png.type")


def _stubbed(prefix: str = "") -> tuple[S3FileStorage, Stubber]:
    client = boto3.client(
        "s3",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # a fake credential for the stub
    )
    return S3FileStorage(client, "propintel-uploads", prefix), Stubber(client)


def test_s3_put_sends_the_bytes_and_type_under_the_prefix() -> None:
    storage, stub = _stubbed(prefix="/staging/")
    stub.add_response(
        "put_object",
        {"ETag": '"abc"'},
        {
            "Bucket": "propintel-uploads",
            "Key": "staging/public/logos/a.png",
            "Body": b"png-bytes",
            "ContentType": "image/png",
        },
    )
    with stub:
        assert storage.put("public/logos/a.png", b"png-bytes", "image/png") == "public/logos/a.png"
    stub.assert_no_pending_responses()


def test_s3_get_returns_the_object_and_none_when_missing() -> None:
    storage, stub = _stubbed()
    stub.add_response(
        "get_object",
        {"Body": StreamingBody(io.BytesIO(b"webp"), 4), "ContentType": "image/webp"},
        {"Bucket": "propintel-uploads", "Key": "public/logos/a.webp"},
    )
    stub.add_client_error("get_object", service_error_code="NoSuchKey", http_status_code=404)
    stub.add_client_error("get_object", service_error_code="AccessDenied", http_status_code=403)
    with stub:
        assert storage.get("public/logos/a.webp") == StoredFile(b"webp", "image/webp")
        assert storage.get("public/logos/gone.png") is None
        with pytest.raises(StorageError):
            storage.get("public/logos/forbidden.png")


def test_s3_delete_and_its_failure() -> None:
    storage, stub = _stubbed()
    stub.add_response(
        "delete_object", {}, {"Bucket": "propintel-uploads", "Key": "public/logos/a.png"}
    )
    stub.add_client_error("delete_object", service_error_code="InternalError", http_status_code=500)
    with stub:
        storage.delete("public/logos/a.png")
        with pytest.raises(StorageError):
            storage.delete("public/logos/b.png")
    with pytest.raises(InvalidKey):  # refused before any request
        storage.delete("../b.png")


def test_settings_choose_the_adapter(tmp_path: Path) -> None:
    local = file_storage(Settings(data_dir=tmp_path))
    assert isinstance(local, LocalFileStorage) and local.root == tmp_path / "media"
    s3 = file_storage(
        Settings(
            data_dir=tmp_path,
            storage_bucket="bucket",
            storage_endpoint_url="http://127.0.0.1:9000",
            storage_region="us-east-1",
        )
    )
    assert isinstance(s3, S3FileStorage) and s3.bucket == "bucket"
    assert s3.client.meta.endpoint_url == "http://127.0.0.1:9000"
