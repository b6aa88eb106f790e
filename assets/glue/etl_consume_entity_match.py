"""Glue job Consume entity match (reference §7, §19). Parses the reference's arguments and runs
``insurancelake_etl.jobs.consume_entity_match``."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from glue_runtime import run_job  # noqa: E402

if __name__ == "__main__":
    run_job("consume_entity_match", sys.argv)
