"""Glue job Cleanse → Consume (reference §6). Runs on AWS Glue and locally with the same arguments:

    python assets/glue/etl_cleanse_to_consume.py --JOB_NAME=… --source_bucket=file:///… …

Locally the tables are read from and written to the warehouse of ``--warehouse`` /
``INSURANCELAKE_WAREHOUSE`` (default ``<source_bucket>/warehouse``, the Collect job's warehouse).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from glue_runtime import run_job  # noqa: E402

if __name__ == "__main__":
    run_job("cleanse_to_consume", sys.argv)
