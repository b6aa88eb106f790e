"""Building blocks of the generator: seeded per-chunk randomness, row keys shared across files,
pre-formatted date tables and the streaming file writer.

Every file is produced in chunks of :data:`CHUNK_ROWS` rows. Chunk ``c`` of a dataset draws from
its own generator seeded with ``(seed, dataset salt, c)``, so the output depends only on the seed
and the row count, and memory stays constant whatever the row count. Values that two files must
agree on (a policy's number, effective date and term, which the claims refer to) are a pure
function of ``(seed, row index)`` instead.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import IO, Any

import numpy as np

CHUNK_ROWS = 10_000
MIN_ROWS = 10
MAX_ROWS = 10_000_000

# Dates are drawn as day offsets from BASE_DATE; the tables below cover DATE_SPAN days.
BASE_DATE = dt.date(2019, 1, 1)
DATE_SPAN = 366 * 9


def chunk_rng(seed: int, salt: int, chunk: int) -> np.random.Generator:
    """The generator for one chunk of one dataset: independent of every other chunk."""
    return np.random.default_rng([seed & 0xFFFFFFFF, salt, chunk])


def chunk_bounds(rows: int) -> Iterator[tuple[int, np.ndarray]]:
    """``(chunk number, row indexes)`` for every chunk of a ``rows``-row file."""
    for chunk, start in enumerate(range(0, rows, CHUNK_ROWS)):
        yield chunk, np.arange(start, min(start + CHUNK_ROWS, rows), dtype=np.int64)


def mix(seed: int, index: np.ndarray, salt: int) -> np.ndarray:
    """A well-mixed unsigned 64-bit hash of ``(seed, index, salt)`` (SplitMix64 finaliser)."""
    with np.errstate(over="ignore"):
        z = index.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        z ^= np.uint64(
            (seed * 0xBF58476D1CE4E5B9 + salt * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        )
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def check_rows(rows: int) -> int:
    """``rows`` when it is within the supported range, else a ValueError saying the range."""
    if not MIN_ROWS <= rows <= MAX_ROWS:
        raise ValueError(
            f"--rows must be between {MIN_ROWS} and {MAX_ROWS:,}, got {rows:,}"
        )
    return rows


def bad_row_ordinals(index: np.ndarray, rows: int, bad_rows: int) -> np.ndarray:
    """Which of ``index`` are bad rows: ``bad_rows`` rows spread evenly over the file.

    Returns, per row, the ordinal ``k`` of the bad row (``-1`` for a good row): row
    ``k * step + step - 1`` is the ``k``-th bad row (``step = rows // bad_rows``), so exactly
    ``bad_rows`` rows are bad, their positions do not depend on the seed, and the kinds of damage
    (chosen by ``k``) rotate evenly.
    """
    if bad_rows <= 0:
        return np.full(len(index), -1, dtype=np.int64)
    step = max(rows // bad_rows, 1)
    ordinal = index // step
    return np.where(((index % step) == step - 1) & (ordinal < bad_rows), ordinal, -1)


# Pre-formatted dates, one string per day offset, in the formats the reference samples use.
DATE_FORMATS: dict[str, str] = {
    "yyyy-MM-dd": "{y:04d}-{m:02d}-{d:02d}",
    "yyyy/MM/dd": "{y:04d}/{m:02d}/{d:02d}",
    "M/d/yy": "{m}/{d}/{yy:02d}",
    "yy-MM-dd": "{yy:02d}-{m:02d}-{d:02d}",
    "MM/dd/yyyy": "{m:02d}/{d:02d}/{y:04d}",
    "M/d/yyyy": "{m}/{d}/{y:04d}",
    "dd/MM/yyyy": "{d:02d}/{m:02d}/{y:04d}",
}


@cache
def date_table(
    pattern: str, base: dt.date = BASE_DATE, span: int = DATE_SPAN
) -> np.ndarray:
    """Every day from ``base`` for ``span`` days, formatted with the Spark ``pattern``."""
    template = DATE_FORMATS[pattern]
    days = (base + dt.timedelta(days=n) for n in range(span))
    return np.array(
        [template.format(y=d.year, m=d.month, d=d.day, yy=d.year % 100) for d in days],
        dtype=object,
    )


def fmt_dates(
    offsets: np.ndarray, pattern: str, base: dt.date = BASE_DATE, span: int = DATE_SPAN
) -> np.ndarray:
    """Day offsets from ``base`` (below ``span``) as date strings in ``pattern``."""
    dates: np.ndarray = date_table(pattern, base, span)[offsets]
    return dates


@cache
def _add_months_table(months: int) -> np.ndarray:
    out = np.empty(DATE_SPAN, dtype=np.int64)
    for n in range(DATE_SPAN):
        d = BASE_DATE + dt.timedelta(days=n)
        month0 = d.month - 1 + months
        year, month = d.year + month0 // 12, month0 % 12 + 1
        day = min(d.day, _days_in_month(year, month))
        out[n] = (dt.date(year, month, day) - BASE_DATE).days
    return out


def _days_in_month(year: int, month: int) -> int:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return (nxt - dt.timedelta(days=1)).day


def add_months(offsets: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Day offsets moved by whole months, clamped to the month's last day (like Spark add_months)."""
    out = np.empty_like(offsets)
    for m in np.unique(months):
        sel = months == m
        out[sel] = _add_months_table(int(m))[offsets[sel]]
    return out


@cache
def _month_start_table() -> tuple[np.ndarray, np.ndarray]:
    starts = np.empty(DATE_SPAN, dtype=np.int64)
    ends = np.empty(DATE_SPAN, dtype=np.int64)
    for n in range(DATE_SPAN):
        d = BASE_DATE + dt.timedelta(days=n)
        first = d.replace(day=1)
        starts[n] = (first - BASE_DATE).days
        ends[n] = starts[n] + _days_in_month(d.year, d.month) - 1
    return starts, ends


def month_bounds(offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last day (as offsets) of the month each offset falls in."""
    starts, ends = _month_start_table()
    return starts[offsets], ends[np.minimum(offsets, DATE_SPAN - 1)]


def fmt_money(values: np.ndarray) -> list[str]:
    """Amounts as plain decimal strings with two places: ``31700.00``."""
    return [f"{v:.2f}" for v in values.tolist()]


def fmt_usd(values: np.ndarray) -> list[str]:
    """Amounts as US currency strings: ``$1,234,567.89`` (negative: ``-$12.00``)."""
    return [f"-${-v:,.2f}" if v < 0 else f"${v:,.2f}" for v in values.tolist()]


def fmt_eur(values: np.ndarray) -> list[str]:
    """Amounts as euro-format currency strings: ``€1.234.567,89``."""
    return [
        "€" + f"{v:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
        for v in values.tolist()
    ]


def fmt_phone(values: np.ndarray, style: str = "dash") -> list[str]:
    """10-digit numbers as phone strings: ``083-940-2509`` (dash) or ``(083) 940-2509`` (us)."""
    digits = [f"{v:010d}" for v in values.tolist()]
    if style == "us":
        return [f"({s[:3]}) {s[3:6]}-{s[6:]}" for s in digits]
    return [f"{s[:3]}-{s[3:6]}-{s[6:]}" for s in digits]


def pick(
    rng: np.random.Generator,
    values: Sequence[Any],
    size: int,
    p: Sequence[float] | None = None,
) -> np.ndarray:
    """``size`` draws from ``values`` as an object array (indexable with masks)."""
    arr = np.empty(len(values), dtype=object)
    arr[:] = list(values)
    return arr[rng.choice(len(values), size=size, p=p)]


def open_output(path: str | Path) -> IO[str]:
    """A text stream for ``path`` (UTF-8, no newline translation); ``.gz`` is gzip-compressed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".gz":
        return io.TextIOWrapper(
            gzip.open(path, "wb", compresslevel=5), encoding="utf-8", newline=""
        )
    return open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - returned to the caller
