"""General-insurance datasets: commercial policies (CSV), their claims (CSV) and the nested JSON
policy variant, shaped like the reference's ``SyntheticGeneralData`` samples."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import numpy as np

from . import vocab
from ._core import (
    BASE_DATE,
    add_months,
    chunk_rng,
    fmt_dates,
    fmt_eur,
    fmt_money,
    fmt_phone,
    fmt_usd,
    mix,
    month_bounds,
    pick,
)

# Policy columns: the 35 source names of the reference's PolicyData mapping, in that order, then
# the extra columns the example configuration exercises more transforms with.
POLICY_COLUMNS: tuple[str, ...] = (
    "StartDate", "EndDate", "PolicyNumber", "PhoneNumber", "TIN", "CustomerNo", "CompanyCode",
    "EffDate", "ExpirationDate", "InsuredCompanyName", "LineOfBusiness", "LineOfBusinessCode",
    "NewOrRenewal", "InsuredIndustry", "InsuredSector", "DistributionChannel", "InsuredCity",
    "InsuredStateCode", "InsuredContactCellPhone", "InsuredContactEmail", "InsuredNumberOfEmployees",
    "InsuredEmployeeTier", "InsuredAnnualRevenue", "ProducerProfitCenterID", "Territory",
    "ProducerCode", "AgentName", "AccidentYearTotalIncurredAmount", "PolicyInForce", "ExpiringPolicy",
    "ExpiringPremiumAmount", "WrittenPremiumAmount", "WrittenPolicy", "EarnedPremium",
    "GenerationDate",
    # extras
    "InsuredContactName", "DeductibleAmount", "CommissionRate", "CededPremiumEUR",
)  # fmt: skip

CLAIM_COLUMNS: tuple[str, ...] = (
    "StartDate",
    "EndDate",
    "PolicyNumber",
    "AccidentYearTotalIncurredAmount",
    "GenerationDate",
)

POLICY_SALT, CLAIM_SALT, NESTED_SALT = 11, 12, 13

# Policies take effect between 2021-01-01 and 2023-12-31; "today" for the generated book.
_EFFECTIVE_FROM = (dt.date(2021, 1, 1) - BASE_DATE).days
_EFFECTIVE_DAYS = 365 * 3
AS_OF = dt.date(2024, 6, 30)
_AS_OF = (AS_OF - BASE_DATE).days
_GENERATED = "2024-07-01"

_POLICY_RANGE = 90_000_000
_POLICY_STRIDE = 7_919_423  # coprime with _POLICY_RANGE: index → number is a bijection


def policy_numbers(seed: int, index: np.ndarray) -> np.ndarray:
    """The 8-digit policy number of each policy row index (unique for every index below 90M)."""
    shift = int(
        mix(seed, np.zeros(1, dtype=np.int64), 99)[0] % np.uint64(_POLICY_RANGE)
    )
    return 10_000_000 + (index * _POLICY_STRIDE + shift) % _POLICY_RANGE


def policy_terms(
    seed: int, index: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(effective, expiration, term months)`` of each policy row index; dates as day offsets."""
    effective = _EFFECTIVE_FROM + (
        mix(seed, index, 1) % np.uint64(_EFFECTIVE_DAYS)
    ).astype(np.int64)
    term = np.where(mix(seed, index, 2) % np.uint64(100) < np.uint64(15), 6, 12).astype(
        np.int64
    )
    return effective, add_months(effective, term), term


def _names(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    female = rng.random(n) < 0.5
    first = np.where(
        female, pick(rng, vocab.FIRST_NAMES_F, n), pick(rng, vocab.FIRST_NAMES_M, n)
    )
    return first, pick(rng, vocab.LAST_NAMES, n)


def _emails(rng: np.random.Generator, first: np.ndarray, last: np.ndarray) -> list[str]:
    n = len(first)
    style = rng.integers(0, 3, n).tolist()
    num = rng.integers(1, 99, n).tolist()
    domain = pick(rng, vocab.EMAIL_DOMAINS, n).tolist()
    out = []
    for f, la, s, k, d in zip(first.tolist(), last.tolist(), style, num, domain):
        la = la.lower().replace("'", "")
        local = (
            f"{f[0].lower()}{la}"
            if s == 0
            else f"{f.lower()}.{la}"
            if s == 1
            else f"{f.lower()}{k:02d}"
        )
        out.append(f"{local}@{d}")
    return out


def _cased(rng: np.random.Generator, first: np.ndarray, last: np.ndarray) -> list[str]:
    """Contact names as a system of record types them: upper, lower or mixed case."""
    style = rng.integers(0, 3, len(first)).tolist()
    out = []
    for f, la, s in zip(first.tolist(), last.tolist(), style):
        name = f"{f} {la}"
        out.append(name.upper() if s == 0 else name.lower() if s == 1 else name)
    return out


def _timestamps(rng: np.random.Generator, n: int) -> list[str]:
    seconds = rng.integers(0, 86_400, n).tolist()
    millis = rng.integers(0, 1000, n).tolist()
    return [
        f"{_GENERATED} {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.{ms:03d}+0000"
        for s, ms in zip(seconds, millis)
    ]


def policy_chunk(
    seed: int, chunk: int, index: np.ndarray, bad: np.ndarray
) -> list[tuple[Any, ...]]:
    """Rows (tuples in :data:`POLICY_COLUMNS` order) of general-insurance policies ``index``.

    ``bad`` holds, per row, the ordinal of the bad row to spoil for data-quality demonstrations
    (``-1``: a good row); the five kinds of damage rotate: missing policy number, unparseable effective date, negative written premium,
    expiration before effective date, unknown state code with an invalid e-mail address.
    """
    rng = chunk_rng(seed, POLICY_SALT, chunk)
    n = len(index)
    number = policy_numbers(seed, index)
    eff, exp, _term = policy_terms(seed, index)

    lob_i = rng.choice(len(vocab.LINES_OF_BUSINESS), n, p=[0.6, 0.4])
    lob = np.array([x[0] for x in vocab.LINES_OF_BUSINESS], dtype=object)[lob_i]
    lob_code = np.array([x[1] for x in vocab.LINES_OF_BUSINESS], dtype=object)[lob_i]
    renewal = rng.random(n) < 0.55
    ind_i = rng.integers(0, len(vocab.INDUSTRIES), n)
    industry = np.array([x[0] for x in vocab.INDUSTRIES], dtype=object)[ind_i]
    sector = np.array([x[1] for x in vocab.INDUSTRIES], dtype=object)[ind_i]
    city_i = rng.integers(0, len(vocab.CITIES), n)
    city = np.array([x[0] for x in vocab.CITIES], dtype=object)[city_i]
    state = np.array([x[1] for x in vocab.CITIES], dtype=object)[city_i]
    territory = np.array([vocab.territory(x[1]) for x in vocab.CITIES], dtype=object)[
        city_i
    ]
    prod_i = rng.integers(0, len(vocab.PRODUCERS), n)
    profit_center = np.array([x[0] for x in vocab.PRODUCERS])[prod_i]
    producer_code = np.array([x[1] for x in vocab.PRODUCERS])[prod_i]
    agent = np.array([x[2] for x in vocab.PRODUCERS], dtype=object)[prod_i]

    employees = np.clip(np.rint(rng.lognormal(4.8, 1.1, n)), 1, 5000).astype(np.int64)
    tier = np.where(employees < 100, 1, np.where(employees < 500, 2, 3))
    revenue = employees * rng.integers(150_000, 1_200_000, n)
    rate = (
        np.where(lob_code == "AUTO", rng.integers(20, 100, n), rng.integers(10, 60, n))
        * 10
    )
    written = (employees * rate).astype(np.float64)
    expiring = np.where(
        renewal, np.round(written * rng.uniform(0.85, 1.05, n), -1), 0.0
    )
    in_force = (eff <= _AS_OF) & (_AS_OF < exp)
    earned_share = np.clip((_AS_OF - eff) / np.maximum(exp - eff, 1), 0.0, 1.0)
    earned = np.round(written * earned_share, 2)
    incurred = np.where(
        rng.random(n) < 0.3, np.round(rng.gamma(1.5, 9000.0, n), 2), 0.0
    )
    first, last = _names(rng, n)

    company = [
        f"{v} {a} {o}"
        for v, a, o in zip(
            pick(rng, vocab.COMPANY_VERBS, n).tolist(),
            pick(rng, vocab.COMPANY_ADJECTIVES, n).tolist(),
            pick(rng, vocab.COMPANY_NOUNS, n).tolist(),
        )
    ]
    tin = [
        f"{a}-{b:07d}"
        for a, b in zip(
            rng.integers(90, 100, n).tolist(), rng.integers(0, 10**7, n).tolist()
        )
    ]
    deductible = [
        str(v) for v in (rng.choice([500, 1000, 2500, 5000, 10000], n) * 100).tolist()
    ]
    commission = np.round(rng.choice([0.075, 0.1, 0.125, 0.15], n), 3)
    ceded = np.round(written * 0.2 * 0.92, 2)

    cols: dict[str, Any] = {
        "StartDate": fmt_dates(eff, "M/d/yy"),
        "EndDate": fmt_dates(exp, "yy-MM-dd"),
        "PolicyNumber": number.astype(object),
        "PhoneNumber": fmt_phone(rng.integers(2_000_000_000, 9_999_999_999, n), "us"),
        "TIN": tin,
        "CustomerNo": rng.integers(1_000_000, 9_999_999, n).tolist(),
        "CompanyCode": [f"ILC{v}" for v in rng.integers(1, 6, n).tolist()],
        "EffDate": fmt_dates(eff, "yyyy-MM-dd"),
        "ExpirationDate": fmt_dates(exp, "yyyy-MM-dd"),
        "InsuredCompanyName": company,
        "LineOfBusiness": lob,
        "LineOfBusinessCode": lob_code,
        "NewOrRenewal": np.where(renewal, "Renewal", "New").astype(object),
        "InsuredIndustry": industry,
        "InsuredSector": sector,
        "DistributionChannel": pick(rng, vocab.DISTRIBUTION_CHANNELS, n),
        "InsuredCity": city,
        "InsuredStateCode": state,
        "InsuredContactCellPhone": fmt_phone(
            rng.integers(1_000_000_000, 9_999_999_999, n)
        ),
        "InsuredContactEmail": _emails(rng, first, last),
        "InsuredNumberOfEmployees": employees.tolist(),
        "InsuredEmployeeTier": tier.tolist(),
        "InsuredAnnualRevenue": revenue.tolist(),
        "ProducerProfitCenterID": profit_center.tolist(),
        "Territory": territory,
        "ProducerCode": producer_code.tolist(),
        "AgentName": agent,
        "AccidentYearTotalIncurredAmount": fmt_usd(incurred),
        "PolicyInForce": in_force.astype(np.int64).tolist(),
        "ExpiringPolicy": (rng.random(n) < 0.1).astype(np.int64).tolist(),
        "ExpiringPremiumAmount": fmt_money(expiring),
        "WrittenPremiumAmount": fmt_money(written),
        "WrittenPolicy": [1] * n,
        "EarnedPremium": fmt_money(earned),
        "GenerationDate": _timestamps(rng, n),
        "InsuredContactName": _cased(rng, first, last),
        "DeductibleAmount": deductible,
        "CommissionRate": commission.tolist(),
        "CededPremiumEUR": fmt_eur(ceded),
    }
    cols = {k: list(v) if isinstance(v, np.ndarray) else v for k, v in cols.items()}
    if (bad >= 0).any():
        _spoil_policies(cols, bad, eff)
    return list(zip(*(cols[c] for c in POLICY_COLUMNS)))


def _spoil_policies(cols: dict[str, list[Any]], bad: np.ndarray, eff: np.ndarray) -> None:
    for pos in np.flatnonzero(bad >= 0).tolist():
        kind = int(bad[pos]) % 5
        if kind == 0:
            cols["PolicyNumber"][pos] = ""
        elif kind == 1:
            cols["EffDate"][pos] = "unknown"
            cols["StartDate"][pos] = "unknown"
        elif kind == 2:
            cols["WrittenPremiumAmount"][pos] = "-" + cols["WrittenPremiumAmount"][pos]
        elif kind == 3:
            cols["ExpirationDate"][pos] = fmt_dates(
                np.array([eff[pos] - 30]), "yyyy-MM-dd"
            )[0]
        else:
            cols["InsuredStateCode"][pos] = "ZZ"
            cols["InsuredContactEmail"][pos] = "not-an-email"


def claim_chunk(
    seed: int, chunk: int, index: np.ndarray, bad: np.ndarray, policy_rows: int
) -> list[tuple[Any, ...]]:
    """Rows (tuples in :data:`CLAIM_COLUMNS` order) of monthly claim figures for random policies
    among the first ``policy_rows`` policies of the same seed: every claim's policy number and
    month exist in the policy file generated with that seed and row count.

    Bad rows have a policy number that matches no policy and a negative incurred amount."""
    rng = chunk_rng(seed, CLAIM_SALT, chunk)
    n = len(index)
    policy = rng.integers(0, policy_rows, n)
    eff, exp, _term = policy_terms(seed, policy)
    occurred = eff + (rng.random(n) * np.maximum(exp - eff, 1)).astype(np.int64)
    start, end = month_bounds(occurred)
    amount = np.round(rng.gamma(1.2, 6000.0, n), 2)
    number = policy_numbers(seed, policy).astype(object)
    spoiled = bad >= 0
    number[spoiled] = 999
    amount[spoiled] = -amount[spoiled]
    return list(
        zip(
            fmt_dates(start, "yyyy-MM-dd").tolist(),
            fmt_dates(end, "yyyy-MM-dd").tolist(),
            number.tolist(),
            fmt_money(amount),
            _timestamps(rng, n),
        )
    )


def nested_policy_chunk(
    seed: int, chunk: int, index: np.ndarray, bad: np.ndarray
) -> list[str]:
    """JSON lines of nested policies (insured with two addresses and a list of e-mails, producer
    with a list of channels), shaped like the reference's nested-policy sample.

    Bad rows have no ``PolicyNumber`` and an ``EffectiveDate`` that is not a date."""
    rng = chunk_rng(seed, NESTED_SALT, chunk)
    n = len(index)
    number = policy_numbers(seed, index).tolist()
    eff, exp, term = policy_terms(seed, index)
    eff_s, exp_s = (
        fmt_dates(eff, "yyyy-MM-dd").tolist(),
        fmt_dates(exp, "yyyy-MM-dd").tolist(),
    )
    first, last = _names(rng, n)
    emails, emails2 = _emails(rng, first, last), _emails(rng, last, first)
    n_emails = rng.integers(0, 3, n).tolist()
    city_i = rng.integers(0, len(vocab.CITIES), (n, 2)).tolist()
    zips = rng.integers(0, 100, (n, 2)).tolist()
    lob_i = rng.integers(0, 2, n).tolist()
    ind_i = rng.integers(0, len(vocab.INDUSTRIES), n).tolist()
    prod_i = rng.integers(0, len(vocab.PRODUCERS), n).tolist()
    employees = (
        np.clip(np.rint(rng.lognormal(4.5, 1.0, n)), 1, 5000).astype(np.int64).tolist()
    )
    premium = (rng.integers(10, 5000, n) * 100).tolist()
    weight = np.round(rng.uniform(0, 1, n), 2).tolist()
    channel = pick(rng, vocab.DISTRIBUTION_CHANNELS, n).tolist()
    renewal = (rng.random(n) < 0.5).tolist()
    lines = []
    for i in range(n):
        addresses = {}
        for kind, (ci, z) in zip(("Primary", "Billing"), zip(city_i[i], zips[i])):
            c, st, zp = vocab.CITIES[ci]
            addresses[kind] = {
                "city": c, "state": st, "zip": f"{zp}{z:02d}", "territory": vocab.territory(st),
                "country": "USA",
            }  # fmt: skip
        mail = [emails[i], emails2[i]][: n_emails[i]]
        lob_name, lob_code = vocab.LINES_OF_BUSINESS[lob_i[i]]
        industry, sector = vocab.INDUSTRIES[ind_i[i]]
        pc, _code, agency = vocab.PRODUCERS[prod_i[i]]
        emp = employees[i]
        record: dict[str, Any] = {
            "PolicyNumber": number[i],
            "EffectiveDate": eff_s[i],
            "ExpirationDate": exp_s[i],
            "Term": int(term[i]),
            "annual_premium": f"{premium[i]}.00",
            "LineOfBusiness": lob_name,
            "LineOfBusinessCode": lob_code,
            "NewOrRenewal": "Renewal" if renewal[i] else "New",
            "DistributionChannel": channel[i],
            "Insured": {
                "InsuredCustomerNumber": 1_000_000 + int(index[i]),
                "InsuredCompanyName": f"{last[i]} {industry}",
                "InsuredEIN": f"9{i % 10}-{(number[i] * 7) % 10**7:07d}",
                "InsuredIndustry": industry,
                "InsuredSector": sector,
                "InsuredAddress": addresses,
                "InsuredContactCellPhone": f"{555 + i % 400:03d}-{(number[i] // 7) % 1000:03d}-{number[i] % 10000:04d}",
                "InsuredContactEmail": mail,
                "InsuredNumberOfEmployees": emp,
                "InsuredEmployeeTier": 1 if emp < 100 else 2 if emp < 500 else 3,
                "number_of_employee_range": "1-99"
                if emp < 100
                else "100-499"
                if emp < 500
                else "500+",
                "InsuredAnnualRevenue": emp * 250_000,
            },
            "Producer": {
                "producer_name": agency,
                "weight": weight[i],
                "channels": [channel[i], "Agent Portal"]
                if weight[i] > 0.5
                else [channel[i]],
                "location": vocab.CITIES[city_i[i][0]][1],
                "profit_center_id": pc,
            },
        }
        if bad[i] >= 0:
            del record["PolicyNumber"]
            record["EffectiveDate"] = "not a date"
        lines.append(json.dumps(record, separators=(",", ":")))
    return lines
