"""The synthetic data generator: determinism, formats, row counts, bad rows, broken files and
constant memory."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
import tracemalloc
from pathlib import Path

import pytest

from insurancelake_local.datagen import CHUNK_ROWS, DATASETS, write_all, write_dataset
from insurancelake_local.datagen.__main__ import main
from insurancelake_local.datagen.general import POLICY_COLUMNS
from insurancelake_local.datagen.vocab import STATES


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("kind", sorted(DATASETS))
def test_same_seed_and_rows_give_identical_bytes(tmp_path: Path, kind: str) -> None:
    a = write_dataset(kind, tmp_path / "a", rows=CHUNK_ROWS + 37, seed=5).path
    b = write_dataset(kind, tmp_path / "b", rows=CHUNK_ROWS + 37, seed=5).path
    assert _digest(a) == _digest(b)


def test_another_seed_gives_other_data(tmp_path: Path) -> None:
    a = write_dataset("general-policy", tmp_path / "a.csv", rows=50, seed=1).path
    b = write_dataset("general-policy", tmp_path / "b.csv", rows=50, seed=2).path
    assert _digest(a) != _digest(b)


@pytest.mark.parametrize("rows", [10, CHUNK_ROWS, CHUNK_ROWS + 1])
@pytest.mark.parametrize("kind", ["general-policy", "claims", "life-policy"])
def test_csv_files_have_the_requested_data_rows_and_header(
    tmp_path: Path, kind: str, rows: int
) -> None:
    path = write_dataset(kind, tmp_path / "f.csv", rows=rows, seed=0).path
    with open(path, encoding="utf-8", newline="") as f:
        records = list(csv.reader(f))
    assert tuple(records[0]) == DATASETS[kind].columns
    assert len(records) - 1 == rows
    assert {len(r) for r in records} == {len(DATASETS[kind].columns)}


def test_nested_policies_are_json_lines_with_nested_insured_and_producer(
    tmp_path: Path,
) -> None:
    path = write_dataset("nested-policy", tmp_path / "n.json", rows=40, seed=0).path
    records = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
    ]
    assert len(records) == 40
    first = records[0]
    assert isinstance(first["PolicyNumber"], int)
    assert set(first["Insured"]["InsuredAddress"]) == {"Primary", "Billing"}
    assert first["Insured"]["InsuredAddress"]["Primary"]["state"] in STATES
    assert isinstance(first["Insured"]["InsuredContactEmail"], list)
    assert isinstance(first["Producer"]["weight"], float)
    assert isinstance(first["Producer"]["channels"], list)


def test_rows_outside_10_to_10_million_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="between 10 and 10,000,000"):
        write_dataset("claims", tmp_path / "c.csv", rows=9)
    with pytest.raises(ValueError, match="between 10 and 10,000,000"):
        write_dataset("claims", tmp_path / "c.csv", rows=10_000_001)


def test_general_policy_dates_come_in_the_reference_formats(tmp_path: Path) -> None:
    rows = _rows(
        write_dataset("general-policy", tmp_path / "p.csv", rows=300, seed=9).path
    )
    for row in rows:
        effective = dt.date.fromisoformat(row["EffDate"])
        expiration = dt.date.fromisoformat(row["ExpirationDate"])
        assert dt.datetime.strptime(row["StartDate"], "%m/%d/%y").date() == effective
        assert re.fullmatch(r"\d{1,2}/\d{1,2}/\d\d", row["StartDate"])
        assert dt.datetime.strptime(row["EndDate"], "%y-%m-%d").date() == expiration
        assert expiration > effective
        assert re.fullmatch(
            r"2024-07-01 \d\d:\d\d:\d\d\.\d{3}\+0000", row["GenerationDate"]
        )


def test_general_policy_amounts_are_plain_us_and_euro_currency_strings(
    tmp_path: Path,
) -> None:
    rows = _rows(
        write_dataset("general-policy", tmp_path / "p.csv", rows=300, seed=9).path
    )
    for row in rows:
        assert re.fullmatch(r"\d+\.\d\d", row["WrittenPremiumAmount"])
        assert re.fullmatch(
            r"\$\d{1,3}(,\d{3})*\.\d\d", row["AccidentYearTotalIncurredAmount"]
        )
        assert re.fullmatch(r"€\d{1,3}(\.\d{3})*,\d\d", row["CededPremiumEUR"])
        assert re.fullmatch(r"\d+", row["DeductibleAmount"])
    assert any(r["AccidentYearTotalIncurredAmount"] != "$0.00" for r in rows)
    assert any("," in r["AccidentYearTotalIncurredAmount"] for r in rows)


def test_general_policy_codes_and_contacts_are_consistent(tmp_path: Path) -> None:
    rows = _rows(
        write_dataset("general-policy", tmp_path / "p.csv", rows=500, seed=4).path
    )
    assert {r["InsuredStateCode"] for r in rows} <= set(STATES)
    assert {r["LineOfBusinessCode"] for r in rows} == {"AUTO", "WC"}
    assert len({r["PolicyNumber"] for r in rows}) == 500
    for row in rows:
        assert re.fullmatch(r"\d{8}", row["PolicyNumber"])
        assert re.fullmatch(r"9\d-\d{7}", row["TIN"])
        assert re.fullmatch(r"\d{3}-\d{3}-\d{4}", row["InsuredContactCellPhone"])
        assert re.fullmatch(r"\(\d{3}\) \d{3}-\d{4}", row["PhoneNumber"])
        assert re.fullmatch(r"[a-z0-9.]+@[a-z.-]+", row["InsuredContactEmail"])
    assert {r["LineOfBusiness"] for r in rows if r["LineOfBusinessCode"] == "WC"} == {
        "Worker's Comp"
    }


def test_claims_refer_to_months_of_generated_policies(tmp_path: Path) -> None:
    policies = _rows(
        write_dataset("general-policy", tmp_path / "p.csv", rows=200, seed=6).path
    )
    claims = _rows(
        write_dataset(
            "claims", tmp_path / "c.csv", rows=400, seed=6, policy_rows=200
        ).path
    )
    terms = {p["PolicyNumber"]: (p["EffDate"], p["ExpirationDate"]) for p in policies}
    for claim in claims:
        effective, expiration = terms[claim["PolicyNumber"]]
        start, end = (
            dt.date.fromisoformat(claim["StartDate"]),
            dt.date.fromisoformat(claim["EndDate"]),
        )
        assert (
            start.day == 1
            and (end + dt.timedelta(days=1)).day == 1
            and start.month == end.month
        )
        assert start <= dt.date.fromisoformat(
            expiration
        ) and end >= dt.date.fromisoformat(effective)
        assert re.fullmatch(r"\d+\.\d\d", claim["AccidentYearTotalIncurredAmount"])


def test_life_policies_use_the_reference_formats(tmp_path: Path) -> None:
    rows = _rows(
        write_dataset("life-policy", tmp_path / "l.csv", rows=200, seed=2).path
    )
    for row in rows:
        dt.date.fromisoformat(row["policyquotationdate"])
        effective = dt.datetime.strptime(row["policyeffectivedate"], "%Y/%m/%d").date()
        born = dt.datetime.strptime(row["customerdob"], "%Y/%m/%d").date()
        assert 17 <= (effective - born).days // 365 <= 72
        dt.datetime.strptime(row["lastupdated"], "%d/%m/%Y %H:%M:%S")
        assert re.fullmatch(r"P\d{7}", row["producer"])
        assert row["smokingclass"] in {"S", "N"}
        assert row["issuestate"] in STATES
        assert (row["policystatus"] == "Active") == (row["policyterminationdate"] == "")


def test_bad_rows_spoil_exactly_that_many_rows_and_leave_the_rest(
    tmp_path: Path,
) -> None:
    clean = _rows(
        write_dataset("general-policy", tmp_path / "c.csv", rows=1000, seed=8).path
    )
    bad = _rows(
        write_dataset(
            "general-policy", tmp_path / "b.csv", rows=1000, seed=8, bad_rows=25
        ).path
    )
    changed = [i for i, (a, b) in enumerate(zip(clean, bad)) if a != b]
    assert len(changed) == 25
    assert sum(1 for r in bad if r["PolicyNumber"] == "") == 5
    assert sum(1 for r in bad if r["WrittenPremiumAmount"].startswith("-")) == 5
    assert sum(1 for r in bad if r["InsuredStateCode"] == "ZZ") == 5


def test_the_written_line_names_the_spoiled_rows_and_the_malformation(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="insurancelake_local.datagen")
    write_dataset("general-policy", tmp_path / "c.csv", rows=20, seed=1)
    write_dataset("general-policy", tmp_path / "b.csv", rows=20, seed=1, bad_rows=3)
    write_dataset("life-policy", tmp_path / "h.csv", rows=20, malformed="header-only")
    assert [r.getMessage() for r in caplog.records] == [
        f"wrote {tmp_path / 'c.csv'}: 20 rows of general-policy (seed 1)",
        f"wrote {tmp_path / 'b.csv'}: 20 rows of general-policy (seed 1, 3 spoiled)",
        f"wrote {tmp_path / 'h.csv'}: 20 rows of life-policy (seed 0, header-only)",
    ]


def test_header_only_file_has_no_data_rows(tmp_path: Path) -> None:
    written = write_dataset(
        "claims", tmp_path / "c.csv", rows=50, malformed="header-only"
    )
    assert (
        written.path.read_bytes()
        == (",".join(DATASETS["claims"].columns) + "\r\n").encode()
    )
    assert written.rows == 0


def test_truncated_file_ends_inside_an_open_quote(tmp_path: Path) -> None:
    path = write_dataset(
        "claims", tmp_path / "c.csv", rows=50, malformed="truncated"
    ).path
    last = path.read_text(encoding="utf-8").split("\r\n")[-1]
    assert last.count('"') == 1
    assert not path.read_bytes().endswith(b"\n")


def test_ragged_file_has_records_with_missing_and_extra_fields(tmp_path: Path) -> None:
    path = write_dataset(
        "general-policy", tmp_path / "p.csv", rows=100, malformed="ragged"
    ).path
    with open(path, encoding="utf-8", newline="") as f:
        widths = {len(r) for r in csv.reader(f)}
    assert widths == {
        len(POLICY_COLUMNS) - 3,
        len(POLICY_COLUMNS),
        len(POLICY_COLUMNS) + 2,
    }


def test_gz_output_is_compressed_and_holds_the_same_rows(tmp_path: Path) -> None:
    import gzip

    plain = write_dataset("claims", tmp_path / "c.csv", rows=300, seed=1).path
    packed = write_dataset("claims", tmp_path / "c.csv.gz", rows=300, seed=1).path
    assert gzip.decompress(packed.read_bytes()) == plain.read_bytes()


def test_memory_stays_flat_when_the_row_count_grows(tmp_path: Path) -> None:
    write_dataset("claims", tmp_path / "warm.csv", rows=100, seed=0)  # fill the date tables

    def peak(rows: int) -> int:
        tracemalloc.start()
        write_dataset("claims", tmp_path / f"{rows}.csv", rows=rows, seed=0)
        _current, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    small, large = peak(2 * CHUNK_ROWS), peak(12 * CHUNK_ROWS)
    assert (tmp_path / f"{12 * CHUNK_ROWS}.csv").stat().st_size > 7_000_000
    assert large < small * 1.2
    assert large < 32 * 1024 * 1024


def test_all_writes_every_dataset_in_the_collect_layout(tmp_path: Path) -> None:
    written = write_all(tmp_path, rows=40, seed=1)
    keys = sorted(str(w.path.relative_to(tmp_path)) for w in written)
    assert keys == [
        "SyntheticGeneralData/ClaimData/syntheticgeneral-claim-data.csv",
        "SyntheticGeneralData/NestedPolicyData/syntheticgeneral-nested-policies.json",
        "SyntheticGeneralData/PolicyData/syntheticgeneral-policy-data.csv",
        "SyntheticLifeData/PolicyData/syntheticlife-policy-data.csv",
    ]
    assert (
        len(
            _rows(
                tmp_path
                / "SyntheticGeneralData/ClaimData/syntheticgeneral-claim-data.csv"
            )
        )
        == 20
    )


def test_cli_writes_one_file_and_rejects_bad_arguments(tmp_path: Path) -> None:
    out = tmp_path / "life.csv"
    assert (
        main(
            ["--kind", "life-policy", "--rows", "12", "--seed", "3", "--out", str(out)]
        )
        == 0
    )
    assert len(_rows(out)) == 12
    with pytest.raises(SystemExit) as error:
        main(["--kind", "life-policy", "--rows", "5", "--out", str(out)])
    assert error.value.code == 2
    with pytest.raises(SystemExit):
        main(["--all", "--rows", "20"])


def test_spark_infers_the_types_the_example_spec_expects(spark, tmp_path: Path) -> None:
    path = write_dataset("general-policy", tmp_path / "p.csv", rows=200, seed=0).path
    df = spark.read.csv(str(path), header=True, inferSchema=True, multiLine=True)
    types = dict(df.dtypes)
    assert df.count() == 200
    assert types["PolicyNumber"] == "int"
    assert types["EffDate"] == "date"
    assert types["StartDate"] == "string"
    assert types["WrittenPremiumAmount"] == "double"
    assert types["AccidentYearTotalIncurredAmount"] == "string"
    assert types["CommissionRate"] == "double"
