"""Runtime adapters: how the engine reaches Spark, the catalog and AWS on Glue and locally."""
