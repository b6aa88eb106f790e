"""The matching steps of the entity-match job (reference §19.3), as distributed Spark operations.

The reference converts both tables to pandas and runs recordlinkage on the driver. Here the same
comparisons run where the data is:

- **Candidate pairs** are Spark equi-joins on each level's blocking key, so the work grows with the
  number of candidate pairs, not with the product of the table sizes, and nothing is collected to
  the driver. As in the reference, candidate pairs **accumulate** over levels (one
  ``recordlinkage.Index`` with one ``block()`` per level): level *k* scores the pairs of the blocking
  keys of levels 1..k. A pair is produced once, by the first level whose key it shares; later levels'
  joins drop pairs an earlier key already produced, so no de-duplication shuffle is needed.
- **Scoring** runs recordlinkage itself (``Compare.string/exact/numeric/date`` with the spec's keyword
  arguments and ``np.average`` of the features by the weights) inside ``mapInPandas`` on batches of
  pairs. A pair matches a level when its score is at least the level's threshold.
- **Assignment.** The reference assigns the primary id of every matched pair in pair order, so the
  last assignment wins and later levels overwrite earlier ones. Pair order is not defined there (it
  follows pandas row order); here an incoming row takes the id of its match at the **highest** level,
  and within that level the **highest score**, ties going to the smallest global id. That is
  deterministic and keeps "later levels overwrite earlier ones".

Block slices follow Python slice semantics (Decision D8): ``name[a:b]`` is characters a..b-1.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import pandas as pd
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from .spec import Block, EntityMatchSpec, Level

logger = logging.getLogger(__name__)

ROW_ID = "_em_row"
PRIMARY_ID = "_em_pgid"
FIRST_LEVEL = "_em_first"
MATCH_LEVEL = "_em_level"
MATCH_SCORE = "_em_score"
MAX_SUBSTRING = 2147483647


def _quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def block_expression(block: Block) -> Column:
    """The Spark expression of one block: the column as a string, or its Python slice (Decision D8)."""
    column = F.col(_quote(block.column)).cast("string")
    if not block.sliced:
        return column
    start = block.start or 0
    if block.stop is None:
        return F.expr(f"substring(CAST({_quote(block.column)} AS STRING), {start + 1}, {MAX_SUBSTRING})")
    length = max(block.stop - start, 0)
    return F.substring(column, start + 1, length)


def blocking_key(level: Level) -> Column:
    """The level's blocking key: ``concat`` of its block expressions (null when any part is null)."""
    return F.concat(*[block_expression(b) for b in level.blocks])


def move_first(df: DataFrame, name: str) -> DataFrame:
    """``df`` with column ``name`` first and the other columns in their order."""
    return df.select(_quote(name), *[_quote(c) for c in df.columns if c != name])


def fill_global_id(df: DataFrame, gid: str) -> DataFrame:
    """Null global ids become a new ``uuid()``; the global id column goes first (reference §19.3 step 3)."""
    return move_first(df.withColumn(gid, F.coalesce(F.col(_quote(gid)).cast("string"), F.expr("uuid()"))), gid)


def split_by_id(df: DataFrame, gid: str) -> tuple[DataFrame, DataFrame]:
    """``(rows with a global id, rows without)`` (the reference's ``split_dataframe``)."""
    column = F.col(_quote(gid))
    return df.where(column.isNotNull()), df.where(column.isNull())


def exact_match(to_match: DataFrame, primary: DataFrame, spec: EntityMatchSpec) -> tuple[DataFrame, DataFrame]:
    """Match on the source primary and system keys (reference §19.3 step 6): ``(matched, unmatched)``.

    A left join of the incoming rows with the primary table on both keys; the global id is
    ``coalesce(incoming, primary)`` and comes first. Duplicate keys in the primary table duplicate
    the incoming row (kept as the reference).
    """
    gid, pk, sk = spec.global_id_field, spec.source_primary_key, spec.source_system_key
    assert pk is not None and sk is not None
    keys = primary.select(
        F.col(_quote(gid)).cast("string").alias(PRIMARY_ID),
        F.col(_quote(pk)).alias("_em_pk"),
        F.col(_quote(sk)).alias("_em_sk"),
    )
    joined = to_match.join(
        keys,
        (to_match[_quote(pk)] == keys["_em_pk"]) & (to_match[_quote(sk)] == keys["_em_sk"]),
        "left",
    )
    others = [_quote(c) for c in to_match.columns if c != gid]
    out = joined.select(F.coalesce(to_match[_quote(gid)].cast("string"), F.col(PRIMARY_ID)).alias(gid), *others)
    return split_by_id(out, gid)


def _level_plan(level: Level) -> dict[str, Any]:
    """A picklable description of a level for the scoring function."""
    return {
        "id": level.id,
        "threshold": level.threshold,
        "fields": [
            {"fieldname": f.fieldname, "kind": f.kind, "weight": f.weight, "options": copy.deepcopy(f.options)}
            for f in level.fields
        ],
    }


def _prepare(values: pd.Series, kinds: set[str]) -> pd.Series:
    """Field values as recordlinkage expects them: datetime64 for ``date``, numbers for ``numeric``."""
    if "date" in kinds:
        return pd.to_datetime(values, errors="coerce")
    if "numeric" in kinds:
        return pd.to_numeric(values, errors="coerce")
    return values


def score_pairs(batches: Iterable[pd.DataFrame], levels: list[dict[str, Any]], fields: list[str]) -> Iterator[pd.DataFrame]:
    """For each batch of candidate pairs, the best matching level and its score per pair.

    Each pair row holds the primary values ``_p<i>`` and the incoming values ``_i<i>`` of every
    compared field and ``_em_first``, the first level whose blocking produced the pair. Level *k*
    scores the pairs with ``_em_first <= k``. Pairs that match no level are dropped.
    """
    import recordlinkage

    kinds: dict[str, set[str]] = {}
    for level in levels:
        for f in level["fields"]:
            kinds.setdefault(f["fieldname"], set()).add(f["kind"])
    for pdf in batches:
        n = len(pdf)
        if n == 0:
            continue
        names = {f: f"f{i}" for i, f in enumerate(fields)}
        left = pd.DataFrame({names[f]: _prepare(pdf[f"_p{i}"], kinds[f]) for i, f in enumerate(fields)})
        right = pd.DataFrame({names[f]: _prepare(pdf[f"_i{i}"], kinds[f]) for i, f in enumerate(fields)})
        first = pdf[FIRST_LEVEL].to_numpy()
        best_level = np.full(n, -1, dtype=np.int32)
        best_score = np.zeros(n, dtype=np.float64)
        for k, level in enumerate(levels):
            active = np.flatnonzero(first <= k)
            if active.size == 0:
                continue
            compare = recordlinkage.Compare()
            weights = []
            for j, f in enumerate(level["fields"]):
                method = getattr(compare, f["kind"])
                column = names[f["fieldname"]]
                method(column, column, label=f"c{j}", **copy.deepcopy(f["options"]))
                weights.append(f["weight"])
            pairs = pd.MultiIndex.from_arrays([active, active])
            features = compare.compute(pairs, left, right)
            score = np.average(features.to_numpy(dtype=np.float64), weights=weights, axis=1)
            matched = score >= level["threshold"]
            rows = active[matched]
            best_level[rows] = k
            best_score[rows] = score[matched]
        keep = best_level >= 0
        if keep.any():
            yield pd.DataFrame(
                {
                    ROW_ID: pdf[ROW_ID].to_numpy()[keep],
                    PRIMARY_ID: pdf[PRIMARY_ID].to_numpy()[keep],
                    MATCH_LEVEL: best_level[keep],
                    MATCH_SCORE: best_score[keep],
                }
            )


SCORE_SCHEMA = T.StructType(
    [
        T.StructField(ROW_ID, T.LongType()),
        T.StructField(PRIMARY_ID, T.StringType()),
        T.StructField(MATCH_LEVEL, T.IntegerType()),
        T.StructField(MATCH_SCORE, T.DoubleType()),
    ]
)


def candidate_pairs(to_match: DataFrame, primary: DataFrame, spec: EntityMatchSpec, fields: list[str]) -> DataFrame:
    """Candidate pairs with the compared values of both sides and the first level that produced them.

    ``to_match`` carries :data:`ROW_ID`. One equi-join per level on its blocking key; a pair whose
    keys of an earlier level are equal too was produced by that level's join and is left out here.
    """
    gid = spec.global_id_field
    levels = spec.levels
    incoming = to_match.select(
        F.col(ROW_ID),
        *[blocking_key(level).alias(f"_ik{k}") for k, level in enumerate(levels)],
        *[F.col(_quote(f)).alias(f"_i{i}") for i, f in enumerate(fields)],
    )
    stored = primary.select(
        F.col(_quote(gid)).cast("string").alias(PRIMARY_ID),
        *[blocking_key(level).alias(f"_pk{k}") for k, level in enumerate(levels)],
        *[F.col(_quote(f)).alias(f"_p{i}") for i, f in enumerate(fields)],
    )
    value_columns = [ROW_ID, PRIMARY_ID, *[f"_p{i}" for i in range(len(fields))], *[f"_i{i}" for i in range(len(fields))]]
    result: DataFrame | None = None
    for k in range(len(levels)):
        left = incoming.where(F.col(f"_ik{k}").isNotNull())
        right = stored.where(F.col(f"_pk{k}").isNotNull())
        pairs = left.join(right, left[f"_ik{k}"] == right[f"_pk{k}"], "inner")
        for earlier in range(k):
            pairs = pairs.where(~F.coalesce(F.col(f"_ik{earlier}") == F.col(f"_pk{earlier}"), F.lit(False)))
        pairs = pairs.select(*value_columns, F.lit(k).alias(FIRST_LEVEL))
        result = pairs if result is None else result.unionByName(pairs)
    assert result is not None
    return result


def probabilistic_match(to_match: DataFrame, primary: DataFrame, spec: EntityMatchSpec) -> DataFrame:
    """The best match per incoming row: ``(_em_row, _em_pgid, _em_level, _em_score)``.

    ``to_match`` carries :data:`ROW_ID`. See the module docstring for the pair and assignment rules.
    """
    fields = list(dict.fromkeys(f.fieldname for level in spec.levels for f in level.fields))
    levels = [_level_plan(level) for level in spec.levels]
    pairs = candidate_pairs(to_match, primary, spec, fields)
    scored = pairs.mapInPandas(lambda batches: score_pairs(batches, levels, fields), SCORE_SCHEMA)
    best = scored.groupBy(ROW_ID).agg(
        F.min(F.struct((-F.col(MATCH_LEVEL)).alias("l"), (-F.col(MATCH_SCORE)).alias("s"), F.col(PRIMARY_ID).alias("g"))).alias("b")
    )
    return best.select(
        ROW_ID,
        F.col("b.g").alias(PRIMARY_ID),
        (-F.col("b.l")).alias(MATCH_LEVEL),
        (-F.col("b.s")).alias(MATCH_SCORE),
    )


def apply_matches(to_match: DataFrame, best: DataFrame, spec: EntityMatchSpec) -> tuple[DataFrame, DataFrame]:
    """Give the incoming rows (with :data:`ROW_ID`) their matched ids: ``(matched, unmatched)``, without ROW_ID."""
    gid = spec.global_id_field
    joined = to_match.join(best.select(ROW_ID, PRIMARY_ID), ROW_ID, "left")
    others = [_quote(c) for c in to_match.columns if c not in (gid, ROW_ID)]
    out = joined.select(F.coalesce(F.col(_quote(gid)).cast("string"), F.col(PRIMARY_ID)).alias(gid), *others)
    return split_by_id(out, gid)
