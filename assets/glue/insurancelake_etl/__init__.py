"""InsuranceLake ETL engine: the PySpark code behind the Collect→Cleanse, Cleanse→Consume and
entity-match Glue jobs. Runs unchanged on AWS Glue and on a local SparkSession.

Nothing in this package imports ``awsglue``; the Glue entry scripts in ``assets/glue/`` choose the
runtime and hand the package a SparkSession plus small adapters (catalog, DQ evaluator, stores).
"""

__version__ = "0.1.0"
