"""Glue job Consume entity match (reference §7, §19). Parses the reference's arguments and runs
``insurancelake_etl.jobs.entity_match``."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from glue_runtime import run_job  # noqa: E402
from insurancelake_etl.args import COMMON_OPTIONAL, ENTITY_MATCH_REQUIRED  # noqa: E402
from insurancelake_etl.jobs import entity_match  # noqa: E402

if __name__ == "__main__":
    run_job(entity_match, sys.argv, ENTITY_MATCH_REQUIRED, COMMON_OPTIONAL)
