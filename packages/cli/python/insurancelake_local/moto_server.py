"""The local AWS endpoint: moto's server, with Step Functions timestamps as epoch seconds.

The real Step Functions JSON API returns `creationDate`, `startDate`, `stopDate` as epoch numbers;
moto 5.1 returns ISO strings, which AWS SDK for JavaScript v3 rejects ("Expected real number").
This wrapper patches moto's formatter for the stepfunctions module only and then runs the normal
`moto.server` command line: `python -m insurancelake_local.moto_server -H 127.0.0.1 -p <port>`. Used by the local runner and the tests;
moto is a local/test requirement only, so nothing on Glue imports this module.
"""

import contextlib
import os
import sys
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Optional

import moto.stepfunctions.models as sfn_models
import moto.stepfunctions.responses as sfn_responses
from moto.server import main

from insurancelake_local.parent_watch import watch_parent


def _epoch(value: Optional[datetime] = None) -> float:
    """Epoch seconds (with milliseconds) of a datetime; naive values are UTC, as moto creates them."""
    value = value or datetime.now(timezone.utc)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return round(value.timestamp(), 3)


# A patch of moto's module-level formatter (a str-returning function replaced by a float one).
setattr(sfn_models, "iso_8601_datetime_with_milliseconds", _epoch)
setattr(sfn_responses, "iso_8601_datetime_with_milliseconds", _epoch)


@contextlib.contextmanager
def threaded_endpoint(region: str = "us-east-1") -> Iterator[str]:
    """A moto server in this process on a free loopback port, with boto3 pointed at it through
    ``AWS_ENDPOINT_URL`` and dummy credentials for the duration; yields the endpoint URL.
    (Spark's Python workers inherit the environment, so UDFs reach it too.)"""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    env = {
        "AWS_ENDPOINT_URL": url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": region,
    }
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        yield url
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


if __name__ == "__main__":
    watch_parent()
    main(sys.argv[1:])
