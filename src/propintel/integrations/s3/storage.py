"""Files in an S3 bucket (``PROPINTEL_STORAGE_BUCKET``; ``PROPINTEL_STORAGE_ENDPOINT_URL`` for an
S3-compatible service such as MinIO or R2, ``PROPINTEL_STORAGE_REGION``; credentials come from
boto3's usual chain: ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, a profile, an instance
role). Objects stay private: the app serves public keys itself (``/media/...``), so the bucket
needs no public policy. ``PROPINTEL_STORAGE_PREFIX`` puts every key under a folder of a shared
bucket."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from propintel.integrations.storage import StorageError, StoredFile, check_key

MISSING = frozenset({"NoSuchKey", "404", "NotFound"})


def s3_client(endpoint_url: str | None = None, region: str | None = None) -> Any:
    return boto3.client("s3", endpoint_url=endpoint_url or None, region_name=region or None)


class S3FileStorage:
    name = "s3"

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    def _object_key(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put(self, key: str, data: bytes, content_type: str) -> str:
        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=self._object_key(key),
                Body=data,
                ContentType=content_type,
            )
        except (BotoCoreError, ClientError) as error:
            raise StorageError(f"S3 refused the upload: {error}") from error
        return key

    def get(self, key: str) -> StoredFile | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._object_key(key))
            data = answer["Body"].read()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in MISSING:
                return None
            raise StorageError(f"S3 refused the download: {error}") from error
        except BotoCoreError as error:
            raise StorageError(f"S3 could not be reached: {error}") from error
        return StoredFile(data, answer.get("ContentType") or "application/octet-stream")

    def delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._object_key(key))
        except (BotoCoreError, ClientError) as error:
            raise StorageError(f"S3 refused the deletion: {error}") from error
