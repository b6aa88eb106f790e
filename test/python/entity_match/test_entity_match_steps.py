"""The matching steps of entity match (reference §19.3) on small inline DataFrames."""

from __future__ import annotations

import datetime as dt

import pytest
from pyspark.sql import functions as F

from insurancelake_etl.entity_match import matching
from insurancelake_etl.entity_match.spec import Block, validate

COLUMNS = ["globalid", "customerno", "srcsystemid", "firstname", "lastname", "zip", "street", "dob", "phone", "email"]
DOB = dt.date(1970, 5, 17)
OTHER_DOB = dt.date(1981, 2, 3)

SPEC = {
    "primary_entity_table": "customer_primary",
    "global_id_field": "globalid",
    "exact_match_fields": {"source_primary_key": "customerno", "source_system_key": "srcsystemid"},
    "levels": [
        {
            "id": 1,
            "blocks": ["firstname[:1]", "lastname[1:]", "zip"],
            "fields": [
                {"fieldname": "firstname", "type": "string", "method": "jarowinkler", "threshold": 0.85, "weight": 0.075},
                {"fieldname": "lastname", "type": "string", "method": "jarowinkler", "threshold": 0.85, "weight": 0.075},
                {"fieldname": "street", "type": "string", "method": "jarowinkler", "threshold": 0.85, "weight": 0.15},
                {"fieldname": "dob", "type": "exact", "weight": 0.7},
            ],
            "threshold": 0.85,
        },
        {
            "id": 2,
            "blocks": ["phone"],
            "fields": [{"fieldname": "email", "type": "exact", "weight": 0.5}, {"fieldname": "dob", "type": "exact", "weight": 0.5}],
            "threshold": 1.0,
        },
    ],
}


def person(gid, no, system, first="William", last="Jones", zip_="10001", street="12 Oak St", dob=DOB,
           phone="555-0100", email="wjones@example.com"):  # fmt: skip
    return (gid, no, system, first, last, zip_, street, dob, phone, email)


def frame(spark, rows):
    return spark.createDataFrame(rows, "globalid string, customerno string, srcsystemid string, firstname string, "
                                 "lastname string, zip string, street string, dob date, phone string, email string")  # fmt: skip


def best_matches(spark, primary_rows, incoming_rows, spec=SPEC):
    parsed = validate(spec, "Test-entitymatch.json")
    incoming = frame(spark, incoming_rows).withColumn(matching.ROW_ID, F.monotonically_increasing_id()).localCheckpoint()
    best = matching.probabilistic_match(incoming, frame(spark, primary_rows), parsed)
    joined = incoming.join(best, matching.ROW_ID).select("customerno", matching.PRIMARY_ID, matching.MATCH_LEVEL, matching.MATCH_SCORE)
    return {r.customerno: (r[matching.PRIMARY_ID], r[matching.MATCH_LEVEL], round(r[matching.MATCH_SCORE], 6)) for r in joined.collect()}


@pytest.mark.parametrize(
    ("block", "value", "expected"),
    [
        ("firstname[:1]", "William", "W"),  # Decision D8: one character, the reference gave two
        ("firstname[1:]", "William", "illiam"),
        ("firstname[2:4]", "William", "ll"),
        ("firstname[4:2]", "William", ""),
        ("firstname[:20]", "William", "William"),
        ("firstname[10:]", "William", ""),
        ("firstname", "William", "William"),
    ],
)
def test_block_slices_follow_python_slice_semantics(spark, block, value, expected):
    parsed = Block.parse(block)
    df = spark.createDataFrame([(value,)], "firstname string")
    out = df.select(matching.block_expression(parsed).alias("k")).first().k
    assert out == expected
    if parsed.sliced:
        assert out == value[parsed.start : parsed.stop]


def test_blocking_key_concatenates_blocks_and_casts_numbers_to_strings(spark):
    level = validate(SPEC, "f").levels[0]
    df = spark.createDataFrame([("William", "Jones", 10001)], "firstname string, lastname string, zip int")
    assert df.select(matching.blocking_key(level).alias("k")).first().k == "Wones10001"


def test_blocking_key_is_null_when_a_block_column_is_null(spark):
    level = validate(SPEC, "f").levels[0]
    df = spark.createDataFrame([("William", None, "10001")], "firstname string, lastname string, zip string")
    assert df.select(matching.blocking_key(level).alias("k")).first().k is None


def test_fill_global_id_fills_nulls_keeps_ids_and_moves_the_column_first(spark):
    df = spark.createDataFrame([("a", None), ("b", "G1")], "name string, globalid string")
    out = matching.fill_global_id(df, "globalid")
    assert out.columns == ["globalid", "name"]
    rows = {r.name: r.globalid for r in out.collect()}
    assert rows["b"] == "G1"
    assert len(rows["a"]) == 36 and rows["a"].count("-") == 4


def test_split_by_id_separates_rows_with_and_without_an_id(spark):
    df = spark.createDataFrame([("G1", 1), (None, 2), (None, 3)], "globalid string, n int")
    with_id, without = matching.split_by_id(df, "globalid")
    assert [r.n for r in with_id.collect()] == [1]
    assert sorted(r.n for r in without.collect()) == [2, 3]


def test_exact_match_takes_the_primary_id_of_the_same_source_key_and_puts_it_first(spark):
    spec = validate(SPEC, "f")
    primary = frame(spark, [person("G1", "A1", "A01"), person("G2", "A2", "A01")])
    incoming = frame(spark, [person(None, "A2", "A01", first="Bill"), person(None, "A2", "C25"), person(None, "A9", "A01")])
    matched, unmatched = matching.exact_match(incoming, primary, spec)
    assert matched.columns[0] == "globalid"
    assert [(r.globalid, r.customerno, r.srcsystemid, r.firstname) for r in matched.collect()] == [("G2", "A2", "A01", "Bill")]
    assert sorted((r.customerno, r.srcsystemid) for r in unmatched.collect()) == [("A2", "C25"), ("A9", "A01")]


def test_exact_match_duplicates_the_row_when_the_primary_holds_the_key_twice(spark):
    spec = validate(SPEC, "f")
    primary = frame(spark, [person("G1", "A1", "A01"), person("G2", "A1", "A01")])
    matched, _ = matching.exact_match(frame(spark, [person(None, "A1", "A01")]), primary, spec)
    assert sorted(r.globalid for r in matched.collect()) == ["G1", "G2"]


def test_level_one_matches_an_abbreviated_first_name_with_the_same_street_and_birth_date(spark):
    # firstname 0 (jarowinkler below .85), lastname 1, street 1, dob 1: .075 + .15 + .7 = .925
    found = best_matches(spark, [person("G1", "A1", "A01")], [person(None, "C1", "C25", first="Wm", phone="555-0199", email="x@y.z")])
    assert found == {"C1": ("G1", 0, 0.925)}


def test_level_one_rejects_a_different_birth_date(spark):
    found = best_matches(spark, [person("G1", "A1", "A01")], [person(None, "C1", "C25", dob=OTHER_DOB, phone="555-0199")])
    assert found == {}


def test_level_two_matches_a_moved_person_by_phone_email_and_birth_date(spark):
    moved = person(None, "C1", "C25", zip_="94110", street="9 Elm Rd")
    assert best_matches(spark, [person("G1", "A1", "A01")], [moved]) == {"C1": ("G1", 1, 1.0)}


def test_level_two_needs_the_full_threshold(spark):
    moved = person(None, "C1", "C25", zip_="94110", street="9 Elm Rd", email="new@example.com")
    assert best_matches(spark, [person("G1", "A1", "A01")], [moved]) == {}


def test_candidate_pairs_accumulate_so_a_level_one_pair_is_scored_by_level_two(spark):
    # Different phone (no level-2 block), but the level-1 pair scores 1.0 at level 2 (email + dob).
    changed_phone = person(None, "C1", "C25", first="Wm", phone="555-0199")
    assert best_matches(spark, [person("G1", "A1", "A01")], [changed_phone]) == {"C1": ("G1", 1, 1.0)}


def test_a_later_level_overrides_an_earlier_level_match(spark):
    primary = [
        person("G1", "A1", "A01", phone="555-0001", email="a@example.com"),  # level 1 only
        person("G2", "A2", "A01", first="Mary", last="Smith", zip_="30301", street="1 Peach St"),  # level 2 only
    ]
    incoming = [person(None, "C1", "C25")]
    assert best_matches(spark, primary, incoming) == {"C1": ("G2", 1, 1.0)}


def test_within_a_level_the_highest_score_wins(spark):
    primary = [
        person("G1", "A1", "A01", street="77 Pine Ave"),  # street differs: .85
        person("G2", "A2", "A01"),  # all equal: 1.0
    ]
    single = {**SPEC, "levels": SPEC["levels"][:1]}
    assert best_matches(spark, primary, [person(None, "C1", "C25")], single) == {"C1": ("G2", 0, 1.0)}


def test_rows_with_a_null_blocking_key_are_not_paired(spark):
    single = {**SPEC, "levels": SPEC["levels"][1:]}
    assert best_matches(spark, [person("G1", "A1", "A01", phone=None)], [person(None, "C1", "C25", phone=None)], single) == {}


def test_numeric_and_date_comparisons_take_their_keyword_arguments(spark):
    spec = {
        "primary_entity_table": "p",
        "global_id_field": "globalid",
        "levels": [
            {
                "id": "n",
                "blocks": ["lastname"],
                "fields": [
                    {"fieldname": "dob", "type": "date", "weight": 1, "swap_month_day": 0.9},
                    {"fieldname": "zip", "type": "numeric", "method": "step", "offset": 5, "weight": 1},
                ],
                "threshold": 0.95,
            }
        ],
    }
    swapped = person(None, "C1", "C25", dob=dt.date(1970, 5, 5), zip_="10004")
    primary = [person("G1", "A1", "A01", dob=dt.date(1970, 5, 5)), person("G2", "A2", "A01", dob=dt.date(1970, 3, 1), zip_="10004")]
    found = best_matches(spark, primary, [swapped], spec)
    assert found == {"C1": ("G1", 0, 1.0)}
    swap = person(None, "C2", "C25", dob=dt.date(1970, 1, 3), zip_="10001")
    assert best_matches(spark, primary, [swap], {**spec, "levels": [{**spec["levels"][0], "threshold": 0.9}]}) == {"C2": ("G2", 0, 0.95)}
