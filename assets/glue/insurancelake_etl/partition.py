"""The partition a job run works on: ``--p_year``, ``--p_month``, ``--p_day`` parsed once.

Every table of the lake is partitioned by ``year``/``month``/``day`` string columns. The values are
``year`` unpadded and ``month``/``day`` with two digits (reference §5.2 step 3), so ``--p_month 3``
and ``--p_month 03`` name the same partition. The partition produces its own folder path, Spark SQL
filter and Column filter, so no caller formats them.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from functools import reduce

from pyspark.sql import Column
from pyspark.sql import functions as F

from .errors import ArgumentValueError

PARTITION_KEYS: tuple[str, ...] = ("year", "month", "day")

# (argument, key, what it is, lowest, highest) for each key, in key order.
_RANGES: tuple[tuple[str, str, str, int, int], ...] = (
    ("p_year", "year", "a year", 1, 9999),
    ("p_month", "month", "a month", 1, 12),
    ("p_day", "day", "a day", 1, 31),
)


def _number(raw: str, argument: str, key: str, what: str, low: int, high: int) -> int:
    """``int(raw)`` within ``low``–``high``; an ArgumentValueError naming the argument otherwise."""
    try:
        value = int(raw) if raw.strip().isdigit() else low - 1
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise ArgumentValueError(f'--{argument} "{raw}" (the {key} folder of the Collect key): expected {what} {low}-{high}')
    return value


@dataclass(frozen=True)
class Partition:
    """One ``year``/``month``/``day`` partition, as the strings the tables store."""

    year: str
    month: str
    day: str

    @classmethod
    def parse(cls, p_year: str, p_month: str, p_day: str) -> Partition:
        """The partition of the three job arguments; a value that is not a number in range (a month
        1-12, a day 1-31, a year 1-9999) raises :class:`ArgumentValueError` naming the argument."""
        year, month, day = (_number(raw, *spec) for raw, spec in zip((p_year, p_month, p_day), _RANGES, strict=True))
        if day > calendar.monthrange(year, month)[1]:
            raise ArgumentValueError(
                f'--p_day "{p_day}" (the day folder of the Collect key): {year}-{month:02} has '
                f"{calendar.monthrange(year, month)[1]} days"
            )
        return cls(str(year), f"{month:02}", f"{day:02}")

    @property
    def values(self) -> tuple[str, str, str]:
        """``(year, month, day)`` in key order."""
        return self.year, self.month, self.day

    @property
    def path(self) -> str:
        """The Hive-style folder ``year=2024/month=01/day=05``."""
        return "/".join(f"{key}={value}" for key, value in zip(PARTITION_KEYS, self.values, strict=True))

    def sql_filter(self) -> str:
        """The Spark SQL condition selecting this partition: ``\\`year\\` = '2024' AND …``."""
        return " AND ".join(f"`{key}` = '{value}'" for key, value in zip(PARTITION_KEYS, self.values, strict=True))

    def column_filter(self) -> Column:
        """The same condition as a Column, for ``DataFrame.where``."""
        conditions = [F.col(key) == value for key, value in zip(PARTITION_KEYS, self.values, strict=True)]
        return reduce(lambda a, b: a & b, conditions)

    def columns(self) -> dict[str, str]:
        """``{"year": …, "month": …, "day": …}``: the partition columns' values."""
        return dict(zip(PARTITION_KEYS, self.values, strict=True))
