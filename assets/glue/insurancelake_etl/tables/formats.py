"""The ``--table_format`` values."""

from __future__ import annotations

from ..errors import ConfigError

TABLE_FORMATS: tuple[str, ...] = ("ICEBERG", "PARQUET")


def table_format(value: str | None) -> str:
    """The ``--table_format`` value normalised (ICEBERG when absent), or a ConfigError."""
    fmt = (value or "ICEBERG").upper()
    if fmt not in TABLE_FORMATS:
        raise ConfigError(f"--table_format {value!r} is not supported; expected {' or '.join(TABLE_FORMATS)}")
    return fmt
