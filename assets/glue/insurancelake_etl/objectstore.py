"""Read and write small objects (configuration files, recommendations) at ``file://`` and ``s3://`` URIs.

Configuration is small, so it is read whole into memory. ``s3://`` goes through boto3, which honours
``AWS_ENDPOINT_URL`` (the local runtime points it at a moto server); ``file://`` URIs and plain paths
go to the local file system. An absent object reads as ``None``: the callers decide what absent means.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

logger = logging.getLogger(__name__)

_MISSING_CODES = {"NoSuchKey", "404", "NotFound", "NoSuchBucket"}


def join(base: str, *parts: str) -> str:
    """Join URI parts with exactly one ``/`` between them (``s3://b`` + ``etl/x.json``)."""
    out = base
    for part in parts:
        if not part:
            continue
        out = out.rstrip("/") + "/" + part.lstrip("/")
    return out


def _split_s3(uri: str) -> tuple[str, str]:
    parsed = urlparse(uri)
    return parsed.netloc, parsed.path.lstrip("/")


def _local_path(uri: str) -> Path:
    if uri.startswith("file:"):
        parsed = urlparse(uri)
        return Path(unquote(parsed.path))
    return Path(uri)


def is_s3(uri: str) -> bool:
    """True for ``s3://`` (and ``s3a://``/``s3n://``) URIs."""
    return uri.split("://", 1)[0].lower() in ("s3", "s3a", "s3n") and "://" in uri


def s3_client() -> Any:
    """A boto3 S3 client; boto3 itself picks up ``AWS_ENDPOINT_URL``/``AWS_ENDPOINT_URL_S3``."""
    import boto3

    return boto3.client("s3")


def read_bytes(uri: str) -> bytes | None:
    """The object's bytes, or ``None`` when it does not exist."""
    if is_s3(uri):
        from botocore.exceptions import ClientError

        bucket, key = _split_s3(uri)
        try:
            response = s3_client().get_object(Bucket=bucket, Key=key)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code in _MISSING_CODES:
                return None
            raise
        body: bytes = response["Body"].read()
        return body
    path = _local_path(uri)
    if not path.is_file():
        return None
    return path.read_bytes()


def read_text(uri: str, encoding: str = "utf-8") -> str | None:
    """The object decoded as text (a UTF-8 byte-order mark is dropped), or ``None`` when absent."""
    data = read_bytes(uri)
    if data is None:
        return None
    text = data.decode(encoding)
    return text[1:] if text.startswith("\ufeff") else text


def write_bytes(uri: str, data: bytes) -> None:
    """Write ``data`` to ``uri``, creating local parent folders as needed."""
    if is_s3(uri):
        bucket, key = _split_s3(uri)
        s3_client().put_object(Bucket=bucket, Key=key, Body=data)
        return
    path = _local_path(uri)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_text(uri: str, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``uri``."""
    logger.info("writing %s", uri)
    write_bytes(uri, text.encode(encoding))


def exists(uri: str) -> bool:
    """True when an object exists at ``uri``."""
    if is_s3(uri):
        from botocore.exceptions import ClientError

        bucket, key = _split_s3(uri)
        try:
            s3_client().head_object(Bucket=bucket, Key=key)
        except ClientError as error:
            if str(error.response.get("Error", {}).get("Code", "")) in _MISSING_CODES:
                return False
            raise
        return True
    return _local_path(uri).is_file()
