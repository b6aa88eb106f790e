"""Typed construction of the vectorised (pandas) UDFs some transforms need."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from pyspark.sql import Column
from pyspark.sql import types as T
from pyspark.sql.pandas.functions import pandas_udf


def series_udf(func: Callable[..., pd.Series], return_type: T.DataType) -> Callable[..., Column]:
    """A Series-to-Series pandas UDF of ``func`` (the type-hinted form of ``pandas_udf``)."""
    # PySpark's stubs type only the deprecated PandasUDFType form, not the type-hinted one.
    udf: Callable[..., Column] = pandas_udf(func, return_type)  # type: ignore[call-overload]
    return udf
