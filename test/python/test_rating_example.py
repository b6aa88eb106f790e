"""The worked example of docs/authoring-transforms.md: ``examples/transforms/rating.py`` enriches
policies from a rating HTTP API, run through the real Collect→Cleanse job on local Spark with the
module loaded the way Glue loads it (``--transform_modules``, the folder as
``--transform_modules_path``), against a fake rating server on loopback that each test starts and
stops."""

from __future__ import annotations

import json
import shutil
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from insurancelake_etl.job_args import CollectArgs
from insurancelake_etl.jobs import collect_to_cleanse
from insurancelake_etl.transform_modules import UserTransformError, unload
from insurancelake_local.runtime import build_local_runtime

ROOT = Path(__file__).resolve().parents[2]
MODULES = ROOT / "examples" / "transforms"
CONFIG = ROOT / "examples" / "config-transforms"
SAMPLE = CONFIG / "sample" / "RatingDemo" / "Policies" / "policies.csv"
FACTORS = {"NY": 1.25, "CA": 1.1, "TX": 0.9, "FL": 1.5}


class RatingServer:
    """A fake rating API on a free loopback port: ``POST /rate`` answers one factor per policy from
    its state. ``slow_first`` requests sleep past the client's timeout, ``fail_first`` answer 503."""

    def __init__(self, *, slow_first: int = 0, fail_first: int = 0, delay: float = 3.0) -> None:
        self.batches: list[int] = []
        self.requests = 0
        self.slow_first, self.fail_first, self.delay = slow_first, fail_first, delay
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with lock:
                    server.requests += 1
                    number = server.requests
                if number <= server.slow_first:
                    time.sleep(server.delay)
                if number <= server.fail_first:
                    self.send_response(503)
                    self.end_headers()
                    return
                policies = body["policies"]
                with lock:
                    server.batches.append(len(policies))
                payload = json.dumps({"factors": [FACTORS[p["statecode"]] for p in policies]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                return None

        lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/rate"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Stop serving and close the port (again: nothing)."""
        if not self.thread.is_alive():
            return
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@pytest.fixture
def rating() -> Iterator[RatingServer]:
    """The running fake server, stopped after the test."""
    server = RatingServer()
    yield server
    server.stop()


@pytest.fixture
def unload_rating() -> Iterator[None]:
    """Forget the example module after the test (other tests see only the built-in transforms)."""
    yield
    unload("rating")


class RatingLake:
    """Local buckets with the example configuration (endpoint pointed at ``url``) and sample file."""

    def __init__(self, root: Path, url: str) -> None:
        self.root = root
        self.db = "RatingDemo" + uuid.uuid4().hex[:6]
        for name in ("collect", "cleanse", "temp", "warehouse"):
            (root / name).mkdir()
        specs = root / "etl" / "etl" / "transformation-spec"
        specs.mkdir(parents=True)
        for suffix in (".json", ".csv"):
            text = (CONFIG / "etl" / "transformation-spec" / f"RatingDemo-Policies{suffix}").read_text()
            (specs / f"{self.db}-Policies{suffix}").write_text(text.replace("http://127.0.0.1:8765/rate", url))
        (root / "collect" / self.db / "Policies").mkdir(parents=True)
        shutil.copy(SAMPLE, root / "collect" / self.db / "Policies" / "policies.csv")
        self.catalog = "r" + uuid.uuid4().hex[:10]

    def run(self, spark):
        uri = lambda name: (self.root / name).as_uri()  # noqa: E731
        args = CollectArgs.parse_mapping({
            "JOB_NAME": "collect", "environment": "unittest", "TempDir": uri("temp") + "/etl/collect_to_cleanse/",
            "txn_bucket": uri("etl"), "txn_spec_prefix_path": "/etl/transformation-spec/",
            "source_bucket": uri("collect"), "target_bucket": uri("cleanse"), "hash_value_table": "hash",
            "value_lookup_table": "lookup", "multi_lookup_table": "multilookup", "dq_results_table": "dq",
            "state_machine_name": "sm", "execution_id": "exec-1", "source_key": f"{self.db}/Policies",
            "source_path": f"{self.db}/Policies", "target_database_name": self.db, "table_name": "Policies",
            "base_file_name": "policies.csv", "p_year": "2024", "p_month": "3", "p_day": "1",
            "iceberg_catalog": self.catalog, "warehouse": uri("warehouse"),
            # What the construct sets (--transform_modules) and what the local runner adds instead of
            # Glue's --extra-py-files zip (--transform_modules_path).
            "transform_modules": "rating", "transform_modules_path": str(MODULES),
        })
        result = collect_to_cleanse.run(args, build_local_runtime(args.job, spark))
        return result, spark.table(result.table)


def _rows(table) -> dict[str, tuple[float, Decimal]]:
    return {r.policynumber: (r.ratingfactor, r.ratedpremium) for r in table.collect()}


def test_rate_policies_adds_the_api_factor_in_batches(spark, tmp_path: Path, rating: RatingServer, unload_rating) -> None:
    result, table = RatingLake(tmp_path, rating.url).run(spark)

    rows = _rows(table)
    assert result.rows_written == 5
    assert rows["P-1001"] == (1.25, Decimal("1500.0000"))
    assert rows["P-1003"][0] == 0.9 and rows["P-1005"][0] == 1.5
    assert max(rating.batches) <= 2 and sum(rating.batches) == 5, "batch_size 2 in the spec"
    assert "rating" in sys.modules and sys.modules["rating"].__file__ == str(MODULES / "rating.py")


def test_a_timed_out_batch_is_retried(unload_rating) -> None:
    sys.path.insert(0, str(MODULES))
    try:
        from rating import rate_batch
    finally:
        sys.path.remove(str(MODULES))
    server = RatingServer(slow_first=1, delay=1.5)
    try:
        factors = rate_batch(server.url, [{"statecode": "NY"}, {"statecode": "TX"}], timeout=0.5, retries=2, backoff=0.05)
    finally:
        server.stop()
    assert factors == [1.25, 0.9]
    assert server.requests == 2, "the first request timed out, the retry answered"


def test_a_server_error_is_retried_then_reported(unload_rating) -> None:
    sys.path.insert(0, str(MODULES))
    try:
        from rating import RatingApiError, rate_batch
    finally:
        sys.path.remove(str(MODULES))
    server = RatingServer(fail_first=10)
    try:
        with pytest.raises(RatingApiError, match=r"answered HTTP 503 after 3 attempt\(s\)"):
            rate_batch(server.url, [{"statecode": "NY"}], timeout=1, retries=2, backoff=0.01)
    finally:
        server.stop()
    assert server.requests == 3


def test_rating_api_down_fails_the_job_naming_the_transform_and_the_table_keeps_its_data(
    spark, tmp_path: Path, rating: RatingServer, unload_rating
) -> None:
    lake = RatingLake(tmp_path, rating.url)
    _, table = lake.run(spark)
    before = _rows(table)
    # The same endpoint, its port now closed: every try is refused.
    rating.stop()

    with pytest.raises(UserTransformError) as error:
        lake.run(spark)

    message = str(error.value)
    assert message.startswith(f"$.transform_spec.rate_policies: transform 'rate_policies' (module rating, {MODULES / 'rating.py'}) failed: ")
    assert f"RatingApiError: rating API {rating.url} did not answer after 3 attempt(s)" in message
    assert _rows(spark.table(f"{lake.catalog}.{lake.db.lower()}.policies")) == before

