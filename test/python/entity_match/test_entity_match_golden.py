"""Golden test: the generated customer example (A01, C25, F15 over two days) through Collect →
Cleanse → Consume → entity match with ``examples/config``; the global-id groups are exact."""

from __future__ import annotations

import uuid

import pytest
from em_pipeline import CustomerLake, harness

from insurancelake_local.datagen import customers


def single(system: str, record: str) -> frozenset[tuple[str, str]]:
    return frozenset({(system, record)})


def pair(a: tuple[str, str], b: tuple[str, str]) -> frozenset[tuple[str, str]]:
    return frozenset({a, b})


A = [("A01", f"A{n:07d}") for n in range(16)]
C = [("C25", f"C{n:07d}") for n in range(8)]
F = [("F15", f"F{n:07d}") for n in range(5)]

DAY_ONE = {
    pair(A[0], C[1]),  # identical record under C25
    pair(A[1], C[2]),  # abbreviated first name, new e-mail (level 1)
    pair(A[2], C[3]),  # moved (level 2)
    pair(A[3], C[4]),  # new phone and e-mail (level 1)
    pair(A[4], F[1]),  # new last name (level 2)
    pair(A[5], F[2]),  # abbreviated first name, new phone (level 1)
    *(single(*A[n]) for n in range(6, 12)),
    pair(C[5], F[3]),  # a person first seen in C25, then in F15
    single(*C[6]),
    single(*F[4]),
}
DAY_TWO = DAY_ONE | {single(*A[15]), single(*C[7])}


@pytest.fixture(scope="module")
def loaded(spark, moto_endpoint, tmp_path_factory):
    """The example loaded day by day; returns the lake and what it looked like after day 1."""
    ws = harness.prepare_workspace(tmp_path_factory.mktemp("customers"))
    lake = CustomerLake(spark, ws, harness.create_tables(f"em-{uuid.uuid4().hex[:8]}"))
    after: dict[int, dict] = {}
    for system, day in customers.example_loads():
        if day == 2 and 1 not in after:
            after[1] = {"groups": lake.groups(), "ids": dict(_ids(lake))}
        lake.load(system, day)
    return lake, after[1]


def _ids(lake: CustomerLake) -> dict[tuple[str, str], str]:
    return {(system, record): gid for gid, system, record in lake.seen}


def test_day_one_groups_records_of_one_person_under_one_global_id(loaded):
    _, day_one = loaded
    assert day_one["groups"] == DAY_ONE == customers.expected_groups(1)


def test_day_two_groups_are_day_one_plus_the_new_persons(loaded):
    lake, _ = loaded
    assert lake.groups() == DAY_TWO == customers.expected_groups(2)


def test_the_primary_table_has_one_row_per_person(spark, loaded):
    lake, _ = loaded
    table = spark.table(lake.primary)
    assert table.count() == table.select("globalid").distinct().count() == len(DAY_TWO)


def test_day_two_updates_of_a01_records_keep_their_ids_by_exact_match(spark, loaded):
    lake, day_one = loaded
    rows = {r.customerno: r for r in spark.table(lake.primary).where("srcsystemid = 'A01'").collect()}
    for n in (6, 7, 8, 9):
        assert rows[A[n][1]].globalid == day_one["ids"][A[n]]
    assert rows["A0000008"].lastname != "Scott"  # the day-2 values replaced the stored ones
    assert (rows["A0000006"].year, rows["A0000006"].month, rows["A0000006"].day) == ("2024", "03", "02")


def test_new_persons_on_day_two_get_new_ids(loaded):
    lake, day_one = loaded
    ids = _ids(lake)
    assert ids[A[15]] not in day_one["ids"].values()
    assert ids[C[7]] not in day_one["ids"].values()


def test_running_the_same_input_again_leaves_the_same_table(loaded):
    lake, _ = loaded
    before = lake.table_rows()
    lake.match("C25", ("2024", "03", "02"))
    lake.match("A01", ("2024", "03", "02"))
    assert lake.table_rows() == before
