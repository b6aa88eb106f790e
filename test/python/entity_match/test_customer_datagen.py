"""The customer generator of the entity-match example (``datagen.customers``)."""

from __future__ import annotations

import csv

import numpy as np

from insurancelake_local.datagen import customers
from insurancelake_local.datagen._core import mix
from insurancelake_local.datagen.__main__ import main


def _read(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_the_cli_writes_three_systems_over_two_days_in_the_collect_layout(tmp_path):
    assert main(["--customers", "--out-dir", str(tmp_path)]) == 0
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.csv"))
    assert files == [
        "Customer/A01/2024/03/01/customer_A01_entitymatch_day1.csv",
        "Customer/A01/2024/03/02/customer_A01_entitymatch_day2.csv",
        "Customer/C25/2024/03/01/customer_C25_entitymatch_day1.csv",
        "Customer/C25/2024/03/02/customer_C25_entitymatch_day2.csv",
        "Customer/F15/2024/03/01/customer_F15_entitymatch_day1.csv",
    ]
    rows = _read(tmp_path / files[0])
    assert tuple(rows[0]) == customers.CUSTOMER_COLUMNS
    assert len(rows) == 13 and {r[-1] for r in rows[1:]} == {"A01"}


def test_the_same_seed_gives_the_same_bytes_and_another_seed_other_people(tmp_path):
    main(["--customers", "--out-dir", str(tmp_path / "a")])
    main(["--customers", "--out-dir", str(tmp_path / "b")])
    main(["--customers", "--out-dir", str(tmp_path / "c"), "--seed", "5"])
    key = customers.example_key("C25", 1)
    assert (tmp_path / "a" / key).read_bytes() == (tmp_path / "b" / key).read_bytes()
    assert (tmp_path / "a" / key).read_bytes() != (tmp_path / "c" / key).read_bytes()


def test_variants_change_only_what_they_name():
    a01 = {r[0]: r for r in customers.example_rows("A01", 1)}
    c25 = {r[0]: r for r in customers.example_rows("C25", 1)}
    f15 = {r[0]: r for r in customers.example_rows("F15", 1)}
    col = {name: i for i, name in enumerate(customers.CUSTOMER_COLUMNS)}
    same, abbrev, moved, contact = c25["C0000001"], c25["C0000002"], c25["C0000003"], c25["C0000004"]
    assert same[1:-2] == a01["A0000000"][1:-2]  # only the id, time stamp and system differ
    assert abbrev[col["firstname"]] != a01["A0000001"][col["firstname"]]
    assert abbrev[col["firstname"]][0] == a01["A0000001"][col["firstname"]][0]
    assert abbrev[col["email"]] != a01["A0000001"][col["email"]]
    assert abbrev[col["phonenumber"]] == a01["A0000001"][col["phonenumber"]]
    assert moved[col["zip"]] != a01["A0000002"][col["zip"]] and moved[col["phonenumber"]] == a01["A0000002"][col["phonenumber"]]
    assert contact[col["phonenumber"]] != a01["A0000003"][col["phonenumber"]]
    assert contact[col["addressstreet"]] == a01["A0000003"][col["addressstreet"]]
    renamed = f15["F0000001"]
    assert renamed[col["lastname"]] != a01["A0000004"][col["lastname"]]
    assert renamed[col["email"]] == a01["A0000004"][col["email"]]


def test_expected_groups_name_each_person_once():
    day1, day2 = customers.expected_groups(1), customers.expected_groups(2)
    assert len(day1) == 15 and len(day2) == 17
    assert sum(len(g) for g in day1) == 22  # 12 + 6 + 4 records
    assert frozenset({("A01", "A0000000"), ("C25", "C0000001")}) in day1


def test_bench_rows_stream_chunks_of_known_persons_and_new_ones():
    primary = [r for chunk in customers.bench_rows(0, 10_000, "A01", population=10_000) for r in chunk]
    rows = [r for chunk in customers.bench_rows(0, 25_000, "C25", population=10_000, offset=5_001) for r in chunk]
    assert len(rows) == 25_000 and len({r[0] for r in rows}) == 25_000
    kind = mix(0, np.arange(25_000, dtype=np.int64), 211) % np.uint64(5)
    # Only new persons (kind 4) and changed contacts (kind 3) have a phone the primary load lacks.
    known = {r[11] for r in primary}
    assert sum(r[11] not in known for r in rows) == int((kind >= 3).sum())
    assert 0.18 < float((kind == 4).mean()) < 0.22
