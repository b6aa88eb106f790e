"""The local side of InsuranceLake: what runs on a laptop and never on Glue.

- :mod:`.runtime`, :mod:`.spark`, :mod:`.maven`, :mod:`.local_catalog`: the local runtime (a plain
  SparkSession with the Glue 5.1 extensions, a warehouse folder, a file registry for Parquet tables);
- :mod:`.worker`: the long-lived Spark worker the ``insurancelake`` CLI drives;
- :mod:`.moto_server`: the local AWS endpoint;
- :mod:`.parent_watch`: ends the CLI's children (and their process groups) when the CLI is gone;
- :mod:`.state_views`: a working folder's kept audit, DQ results and lineage as query views;
- :mod:`.validate`: ``insurancelake validate`` over a configuration folder;
- :mod:`.lookup_loader`: loads lookup files into the lookup tables;
- :mod:`.datagen`: the synthetic insurance data of the demo and the tests.

It imports the engine (``insurancelake_etl``, in ``assets/glue``), so both folders go on the path. The
construct zips only ``assets/glue`` for Glue; this package is not in it.
"""

__version__ = "0.1.0"
