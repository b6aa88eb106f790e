"""Customer records from several source systems, for the entity-match example and benchmark.

Every person ``i`` of a population has fixed attributes (a pure function of ``(seed, i)``), so two
source systems can describe the same person, each with its own record id and possibly a *variant*:

- ``same``: identical attributes under another system;
- ``abbrev``: abbreviated first name (``Wm``, ``Jas``, or the initial) and a changed e-mail;
- ``abbrev_phone``: abbreviated first name and a changed phone number;
- ``moved``: a new street, city, state and zip code;
- ``contact``: a changed phone number and e-mail;
- ``renamed``: a changed last name (same phone, e-mail and date of birth);
- ``updated``: a changed last name and state (a source updating its own record).

:data:`EXAMPLE` lays out the example set: three source systems (A01, C25, F15) over two days, in the
columns of the reference's ``customer_*_entitymatch_*.csv`` files. :func:`expected_groups` gives the
persons behind it (the truth the entity-match tests compare with), and :func:`bench_rows` streams
large files for the benchmark (a mix of variants and new persons).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._core import CHUNK_ROWS, mix, open_output
from .vocab import CITIES, EMAIL_DOMAINS, FIRST_NAMES_F, FIRST_NAMES_M, LAST_NAMES, MARITAL_STATUSES

CUSTOMER_COLUMNS: tuple[str, ...] = (
    "partyid", "partytype", "firstname", "lastname", "sex", "dob", "nationalid", "maritalstatus",
    "annualincome", "occupation", "companyname", "phonenumber", "email", "addressstreet", "city",
    "state", "zip", "country", "lastupdated", "srcsystemid",
)  # fmt: skip
DATABASE = "Customer"
SYSTEMS: tuple[str, ...] = ("A01", "C25", "F15")
DAYS: dict[int, dt.date] = {1: dt.date(2024, 3, 1), 2: dt.date(2024, 3, 2)}
VARIANTS: tuple[str, ...] = ("same", "abbrev", "abbrev_phone", "moved", "contact", "renamed", "updated")

ABBREVIATIONS: dict[str, str] = {
    "William": "Wm", "James": "Jas", "Charles": "Chas", "Thomas": "Thos", "Joseph": "Jos",
    "Robert": "Robt", "Jonathan": "Jon", "Christopher": "Chris", "Michael": "Mike", "Daniel": "Dan",
    "Elizabeth": "Eliz", "Patricia": "Pat", "Jennifer": "Jen", "Kimberly": "Kim", "Stephanie": "Steph",
}  # fmt: skip
STREETS: tuple[str, ...] = (
    "Oak", "Maple", "Cedar", "Pine", "Elm", "Washington", "Lake", "Hill", "Park", "Main", "Sunset",
    "Lincoln", "Jackson", "Church", "Willow", "Highland", "Meadow", "River", "Forest", "Spring",
)  # fmt: skip
STREET_TYPES: tuple[str, ...] = ("St", "Ave", "Rd", "Ln", "Dr", "Ct", "Blvd", "Way")
OCCUPATIONS: tuple[str, ...] = ("Engineer", "Teacher", "Nurse", "Accountant", "Sales", "Farmer", "Retired", "Designer")

# Salts of the attribute hashes (any distinct numbers).
_S_SEX, _S_FIRST, _S_LAST, _S_DOB, _S_CITY, _S_STREET, _S_NUM, _S_DOMAIN, _S_MISC = range(101, 110)


@dataclass(frozen=True)
class Record:
    """One example row: person ``person`` as source ``system`` on ``day``, as ``variant``."""

    system: str
    day: int
    person: int
    variant: str
    record: int  # the number in the source system's record id


# The example set. Comments say which matching path each row is meant to take.
EXAMPLE: tuple[Record, ...] = (
    # Day 1, A01: the first load creates the primary table (12 persons).
    *(Record("A01", 1, p, "same", p) for p in range(12)),
    # Day 1, C25: the same people under a second system, and two new persons.
    Record("C25", 1, 0, "same", 1),  # identical: levels 1 and 2
    Record("C25", 1, 1, "abbrev", 2),  # abbreviated name, new e-mail: level 1
    Record("C25", 1, 2, "moved", 3),  # moved: level 2 (phone block, e-mail and dob)
    Record("C25", 1, 3, "contact", 4),  # new phone and e-mail: level 1
    Record("C25", 1, 12, "same", 5),  # new person
    Record("C25", 1, 13, "same", 6),  # new person
    # Day 1, F15: a third system.
    Record("F15", 1, 4, "renamed", 1),  # new last name, same phone/e-mail/dob: level 2
    Record("F15", 1, 5, "abbrev_phone", 2),  # abbreviated name, new phone: level 1
    Record("F15", 1, 12, "same", 3),  # the C25-only person again: levels 1 and 2
    Record("F15", 1, 14, "same", 4),  # new person
    # Day 2, A01: updates of its own records (exact match), one record whose stored keys were
    # replaced by C25's on day 1 (found again by level 1), and a new person.
    Record("A01", 2, 6, "same", 6),  # unchanged: exact
    Record("A01", 2, 7, "same", 7),  # unchanged: exact
    Record("A01", 2, 8, "updated", 8),  # new last name and state: exact
    Record("A01", 2, 9, "moved", 9),  # moved: exact
    Record("A01", 2, 1, "same", 1),  # primary row now holds C25's keys: level 1
    Record("A01", 2, 15, "same", 15),  # new person
    # Day 2, C25: an update of a record C25 wrote on day 1 (exact), and a new person.
    Record("C25", 2, 2, "contact", 3),  # exact on C25's key
    Record("C25", 2, 16, "same", 7),  # new person
)


def record_id(system: str, number: int) -> str:
    """The source system's record id: system letter and 7 digits (``A0000003``)."""
    return f"{system[0]}{number:07d}"


def _pick(values: tuple[str, ...], h: np.ndarray) -> np.ndarray:
    arr = np.empty(len(values), dtype=object)
    arr[:] = list(values)
    return arr[(h % np.uint64(len(values))).astype(np.int64)]


def persons(seed: int, index: np.ndarray) -> dict[str, np.ndarray]:
    """The base attributes of persons ``index`` (a pure function of the seed and the index).

    Phone numbers and national ids are distinct below 10**9 persons; the pair (date of birth, zip
    suffix) is distinct below 2,000,000 persons."""
    female = (mix(seed, index, _S_SEX) & np.uint64(1)).astype(bool)
    first_f = _pick(FIRST_NAMES_F, mix(seed, index, _S_FIRST))
    first_m = _pick(FIRST_NAMES_M, mix(seed, index, _S_FIRST))
    first = np.where(female, first_f, first_m)
    last = _pick(LAST_NAMES, mix(seed, index, _S_LAST))
    # Birth date (days after 1940-01-01) and zip suffix from one bijection of the index below
    # 2,000,000: two persons never share both, so distinct persons never agree on the date of birth
    # and the zip code (the example spec's level 1 needs both to match).
    slot = (index * 1_234_567 + seed * 7_919) % 2_000_000
    dob = slot % 20_000
    zip_suffix = slot // 20_000
    city = (mix(seed, index, _S_CITY) % np.uint64(len(CITIES))).astype(np.int64)
    street_h = mix(seed, index, _S_STREET)
    number = (mix(seed, index, _S_NUM) % np.uint64(9899) + np.uint64(100)).astype(np.int64)
    # Bijective in the index below 10**9: distinct persons never share a phone or national id.
    phone = 2_000_000_000 + (index * 2_654_435_761 + seed * 97) % 1_000_000_000
    ssn = 100_000_000 + (index * 40_503 + seed * 31) % 800_000_000
    misc = mix(seed, index, _S_MISC)
    return {
        "female": female,
        "first": first,
        "last": last,
        "dob": dob,
        "zip_suffix": zip_suffix,
        "city": city,
        "street": street_h,
        "number": number,
        "phone": phone,
        "ssn": ssn,
        "domain": mix(seed, index, _S_DOMAIN),
        "misc": misc,
        "index": index,
    }


def _street(h: int, number: int) -> str:
    return f"{number} {STREETS[h % len(STREETS)]} {STREET_TYPES[(h >> 8) % len(STREET_TYPES)]}"


def _email(first: str, last: str, index: int, domain: int, changed: bool) -> str:
    user = f"{first[0]}{last}{index}" if changed else f"{first}.{last}{index}"
    domain_name = EMAIL_DOMAINS[(domain + (5 if changed else 0)) % len(EMAIL_DOMAINS)]
    return f"{user}@{domain_name}".lower().replace("'", "")


def _phone(value: int) -> str:
    s = f"{value:010d}"
    return f"{s[:3]}-{s[3:6]}-{s[6:]}"


def _abbreviate(first: str) -> str:
    return ABBREVIATIONS.get(first, first[0] + ".")


def customer_rows(
    seed: int, system: str, day: int, index: np.ndarray, variants: np.ndarray, numbers: np.ndarray
) -> list[tuple[str, ...]]:
    """The rows of persons ``index`` as ``system`` on ``day``, each as its variant, with record
    numbers ``numbers``."""
    base = persons(seed, index)
    when = DAYS.get(day, DAYS[1] + dt.timedelta(days=day - 1))
    rows: list[tuple[str, ...]] = []
    born = dt.date(1940, 1, 1)
    for k in range(len(index)):
        i = int(index[k])
        variant = str(variants[k])
        first, last = str(base["first"][k]), str(base["last"][k])
        city_n = int(base["city"][k])
        street_h, number = int(base["street"][k]), int(base["number"][k])
        phone = int(base["phone"][k])
        misc = int(base["misc"][k])
        domain = int(base["domain"][k])
        email = _email(first, last, i, domain, False)
        if variant in ("abbrev", "abbrev_phone"):
            first = _abbreviate(first)
        if variant in ("abbrev", "contact"):
            email = _email(str(base["first"][k]), str(base["last"][k]), i, domain, True)
        if variant in ("abbrev_phone", "contact"):
            phone = 2_000_000_000 + (phone - 2_000_000_000 + 500_000_000) % 1_000_000_000 + 1_000_000_000
        if variant in ("renamed", "updated"):
            last = LAST_NAMES[(LAST_NAMES.index(last) + 7) % len(LAST_NAMES)]
        if variant in ("moved", "updated"):
            city_n = (city_n + 11) % len(CITIES)
        if variant == "moved":
            street_h, number = street_h + 3, number + 17
        city, state, zip_prefix = CITIES[city_n]
        zip_code = f"{zip_prefix}{int(base['zip_suffix'][k]):02d}"
        stamp = dt.datetime.combine(when, dt.time(8 + misc % 10, misc % 60, (misc >> 6) % 60))
        rows.append(
            (
                record_id(system, int(numbers[k])),
                "Individual",
                first,
                last,
                "F" if base["female"][k] else "M",
                (born + dt.timedelta(days=int(base["dob"][k]))).isoformat(),
                str(int(base["ssn"][k])),
                MARITAL_STATUSES[misc % len(MARITAL_STATUSES)],
                str(30_000 + (misc >> 8) % 170_000),
                OCCUPATIONS[(misc >> 4) % len(OCCUPATIONS)],
                "",
                _phone(phone),
                email,
                _street(street_h, number),
                city,
                state,
                zip_code,
                "US",
                stamp.strftime("%m/%d/%Y %H:%M:%S"),
                system,
            )
        )
    return rows


def example_file(system: str, day: int) -> str:
    """The file name of one example file: ``customer_<system>_entitymatch_day<day>.csv``."""
    return f"customer_{system}_entitymatch_day{day}.csv"


def example_key(system: str, day: int) -> str:
    """The Collect key of one example file: ``Customer/<system>/<yyyy>/<mm>/<dd>/<file>``."""
    when = DAYS[day]
    return f"{DATABASE}/{system}/{when:%Y/%m/%d}/{example_file(system, day)}"


def example_rows(system: str, day: int, seed: int = 0) -> list[tuple[str, ...]]:
    """The rows of one example file."""
    records = [r for r in EXAMPLE if r.system == system and r.day == day]
    return customer_rows(
        seed,
        system,
        day,
        np.array([r.person for r in records], dtype=np.int64),
        np.array([r.variant for r in records], dtype=object),
        np.array([r.record for r in records], dtype=np.int64),
    )


def example_loads() -> list[tuple[str, int]]:
    """The ``(system, day)`` files of the example, in load order."""
    return list(dict.fromkeys((r.system, r.day) for r in sorted(EXAMPLE, key=lambda r: r.day)))


def write_csv(path: str | Path, rows: list[tuple[str, ...]] | Iterator[list[tuple[str, ...]]]) -> Path:
    """Write customer rows (a list, or an iterator of chunks) as CSV with the reference's header."""
    path = Path(path)
    with open_output(path) as stream:
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(CUSTOMER_COLUMNS)
        if isinstance(rows, list):
            writer.writerows(rows)
        else:
            for chunk in rows:
                writer.writerows(chunk)
    return path


def write_example(out_dir: str | Path, seed: int = 0) -> list[Path]:
    """Every example file under ``out_dir`` in the Collect layout (see :func:`example_key`)."""
    return [write_csv(Path(out_dir) / example_key(s, d), example_rows(s, d, seed)) for s, d in example_loads()]


def expected_groups(until_day: int) -> set[frozenset[tuple[str, str]]]:
    """The persons behind the example records loaded up to ``until_day``: one set of
    ``(srcsystemid, partyid)`` per person."""
    groups: dict[int, set[tuple[str, str]]] = {}
    for r in EXAMPLE:
        if r.day <= until_day:
            groups.setdefault(r.person, set()).add((r.system, record_id(r.system, r.record)))
    return {frozenset(g) for g in groups.values()}


def bench_rows(seed: int, rows: int, system: str, *, population: int, offset: int = 0) -> Iterator[list[tuple[str, ...]]]:
    """``rows`` rows of ``system`` in chunks, for the benchmark.

    With ``offset`` 0 the rows are persons ``0..rows-1`` unchanged (a primary load). Otherwise row
    ``j`` is person ``(j + offset) % population`` as one of the variants (a fifth of the rows are
    persons beyond ``population``, i.e. new persons).
    """
    for start in range(0, rows, CHUNK_ROWS):
        j = np.arange(start, min(start + CHUNK_ROWS, rows), dtype=np.int64)
        if offset == 0:
            index, variants = j, np.full(len(j), "same", dtype=object)
        else:
            kind = (mix(seed, j, 211) % np.uint64(5)).astype(np.int64)
            index = np.where(kind == 4, population + j, (j + offset) % population)
            choices = np.array(["same", "abbrev", "moved", "contact", "same"], dtype=object)
            variants = choices[kind]
        yield customer_rows(seed, system, 1, index, variants, j)
