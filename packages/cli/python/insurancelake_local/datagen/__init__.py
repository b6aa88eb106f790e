"""Deterministic synthetic insurance data, written streaming.

``python -m insurancelake_local.datagen --kind general-policy --rows 100000 --seed 7 --out p.csv``
writes one file; ``--all --out-dir DIR`` writes every dataset in the Collect layout
``DIR/<Database>/<Table>/<file>`` that the example configuration (``examples/config``) expects.

The same kind, row count, seed and options always give byte-identical files. Rows are produced and
written in chunks of :data:`CHUNK_ROWS`, so memory stays flat from 10 rows to 10 million.
"""

from __future__ import annotations

import csv
import functools
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np

from ._core import (
    CHUNK_ROWS,
    MAX_ROWS,
    MIN_ROWS,
    bad_row_ordinals,
    check_rows,
    chunk_bounds,
    open_output,
)
from .general import (
    CLAIM_COLUMNS,
    POLICY_COLUMNS,
    claim_chunk,
    nested_policy_chunk,
    policy_chunk,
)
from .life import LIFE_POLICY_COLUMNS, life_policy_chunk

log = logging.getLogger("insurancelake_local.datagen")

ChunkFunc = Callable[[int, int, np.ndarray, np.ndarray], list[Any]]

MALFORMED_MODES: dict[str, str] = {
    "header-only": "the header (or, for JSON, nothing) and no data rows: the Collect job aborts "
    "with 'No rows of data in source file; aborting'",
    "truncated": "the file ends in the middle of a record, inside an open quote (an interrupted upload)",
    "ragged": "every 7th record has missing or extra fields (CSV) or is not JSON (JSON Lines)",
}


@dataclass(frozen=True)
class Dataset:
    """One kind of generated file: where it goes in the Collect layout and how rows are made."""

    kind: str
    database: str
    table: str
    file_name: str
    columns: tuple[str, ...] | None  # None: JSON Lines
    chunk: ChunkFunc
    description: str

    @property
    def collect_key(self) -> str:
        """The Collect object key of the file: ``<Database>/<Table>/<file>``."""
        return f"{self.database}/{self.table}/{self.file_name}"


DATASETS: dict[str, Dataset] = {
    d.kind: d
    for d in (
        Dataset("general-policy", "SyntheticGeneralData", "PolicyData", "syntheticgeneral-policy-data.csv",
                POLICY_COLUMNS, policy_chunk, "commercial auto and workers' comp policies"),
        Dataset("claims", "SyntheticGeneralData", "ClaimData", "syntheticgeneral-claim-data.csv",
                CLAIM_COLUMNS, None, "monthly claim figures for the general policies"),  # type: ignore[arg-type]
        Dataset("life-policy", "SyntheticLifeData", "PolicyData", "syntheticlife-policy-data.csv",
                LIFE_POLICY_COLUMNS, life_policy_chunk, "life policies"),
        Dataset("nested-policy", "SyntheticGeneralData", "NestedPolicyData",
                "syntheticgeneral-nested-policies.json", None, nested_policy_chunk,
                "general policies as nested JSON Lines"),
    )
}  # fmt: skip
KINDS: tuple[str, ...] = tuple(DATASETS)


@dataclass(frozen=True)
class Written:
    """What :func:`write_dataset` wrote."""

    path: Path
    kind: str
    rows: int
    bad_rows: int
    malformed: str | None


def iter_chunks(
    kind: str,
    rows: int,
    seed: int,
    *,
    bad_rows: int = 0,
    policy_rows: int | None = None,
) -> Iterator[list[Any]]:
    """The rows of a dataset, chunk by chunk (tuples for CSV kinds, JSON text for JSON kinds)."""
    dataset = _dataset(kind)
    check_rows(rows)
    if bad_rows < 0 or bad_rows > rows:
        raise ValueError(
            f"--bad-rows must be between 0 and the row count {rows}, got {bad_rows}"
        )
    chunk = dataset.chunk
    if kind == "claims":
        chunk = functools.partial(
            claim_chunk, policy_rows=check_rows(policy_rows or rows)
        )
    for number, index in chunk_bounds(rows):
        yield chunk(seed, number, index, bad_row_ordinals(index, rows, bad_rows))


def write_dataset(
    kind: str,
    out: str | Path,
    *,
    rows: int,
    seed: int = 0,
    bad_rows: int = 0,
    malformed: str | None = None,
    policy_rows: int | None = None,
) -> Written:
    """Write ``rows`` rows of ``kind`` to ``out`` (``.gz`` compresses), chunk by chunk.

    ``bad_rows`` rows spread evenly over the file are spoiled for data-quality demonstrations (see
    each kind's chunk function for the damage); ``malformed`` (one of :data:`MALFORMED_MODES`)
    makes the file itself broken. ``policy_rows`` (claims only) is the row count of the policy file
    the claims refer to (default: ``rows``).
    """
    dataset = _dataset(kind)
    if malformed is not None and malformed not in MALFORMED_MODES:
        raise ValueError(
            f"--malformed must be one of {', '.join(MALFORMED_MODES)}, got {malformed!r}"
        )
    chunks = iter_chunks(kind, rows, seed, bad_rows=bad_rows, policy_rows=policy_rows)
    path = Path(out)
    with open_output(path) as stream:
        if dataset.columns is None:
            _write_json_lines(stream, chunks, malformed)
        else:
            _write_csv(stream, dataset.columns, chunks, malformed)
    # The demo writes the general policies a second time with spoiled rows: the line says so.
    spoiled = f", {bad_rows:,} spoiled" if bad_rows else ""
    shape = f", {malformed}" if malformed else ""
    log.info("wrote %s: %s rows of %s (seed %s%s%s)", path, f"{rows:,}", kind, seed, spoiled, shape)
    return Written(
        path, kind, 0 if malformed == "header-only" else rows, bad_rows, malformed
    )


def write_all(out_dir: str | Path, *, rows: int, seed: int = 0) -> list[Written]:
    """Every dataset in the Collect layout under ``out_dir``: ``rows`` general policies, half as
    many claims on them, ``rows`` nested policies and ``rows`` life policies."""
    out_dir = Path(out_dir)
    claims = max(MIN_ROWS, rows // 2)
    written = []
    for kind, dataset in DATASETS.items():
        count = claims if kind == "claims" else rows
        written.append(
            write_dataset(
                kind,
                out_dir / dataset.collect_key,
                rows=count,
                seed=seed,
                policy_rows=rows,
            )
        )
    return written


def _dataset(kind: str) -> Dataset:
    try:
        return DATASETS[kind]
    except KeyError:
        raise ValueError(
            f"--kind must be one of {', '.join(KINDS)}, got {kind!r}"
        ) from None


def _write_csv(
    stream: IO[str],
    columns: tuple[str, ...],
    chunks: Iterator[list[Any]],
    malformed: str | None,
) -> None:
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(columns)
    if malformed == "header-only":
        return
    last: tuple[Any, ...] = ()
    for rows in chunks:
        if malformed == "ragged":
            rows = [row[:-3] if i % 14 == 6 else row + ("extra", "cells") if i % 14 == 13 else row
                    for i, row in enumerate(rows)]  # fmt: skip
        writer.writerows(rows)
        last = rows[-1]
    if malformed == "truncated" and last:
        text = ",".join(str(v) for v in last)
        stream.write(f'{text[: len(text) // 2]},"{text[len(text) // 2 :]}')


def _write_json_lines(
    stream: IO[str], chunks: Iterator[list[Any]], malformed: str | None
) -> None:
    if malformed == "header-only":
        return
    last = ""
    for lines in chunks:
        if malformed == "ragged":
            lines = [
                line[: len(line) // 3] if i % 7 == 6 else line
                for i, line in enumerate(lines)
            ]
        stream.write("\n".join(lines))
        stream.write("\n")
        last = lines[-1]
    if malformed == "truncated" and last:
        stream.write(last[: len(last) // 2])


__all__ = [
    "CHUNK_ROWS",
    "DATASETS",
    "KINDS",
    "MALFORMED_MODES",
    "MAX_ROWS",
    "MIN_ROWS",
    "Dataset",
    "Written",
    "iter_chunks",
    "write_all",
    "write_dataset",
]
