"""Glue job Collect → Cleanse (reference §5). Runs on AWS Glue and locally with the same arguments:

    python assets/glue/etl_collect_to_cleanse.py --JOB_NAME=… --source_bucket=file:///… …

Locally the tables go to the warehouse of ``--warehouse`` / ``INSURANCELAKE_WAREHOUSE`` (default
``<Cleanse bucket>/warehouse``); see ``insurancelake_local.runtime``.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from glue_runtime import run_job  # noqa: E402

if __name__ == "__main__":
    run_job("collect_to_cleanse", sys.argv)
