"""Life-insurance policies (CSV), shaped like the reference's ``SyntheticLifeData`` policy sample:
lower-case column names, dates as ``yyyy-MM-dd`` and ``yyyy/MM/dd``, the last update as
``dd/MM/yyyy HH:mm:ss``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from . import vocab
from ._core import (
    BASE_DATE,
    add_months,
    chunk_rng,
    fmt_dates,
    fmt_money,
    fmt_phone,
    pick,
)

LIFE_POLICY_COLUMNS: tuple[str, ...] = (
    "policyid", "customerno", "policyquotationdate", "policyeffectivedate", "sex", "firstname",
    "lastname", "customerdob", "issuestate", "city", "country", "issueage", "smokingclass",
    "uwclass", "coverageunit", "prodcode", "yearlypremium", "policystatus", "sumassured",
    "nationalid", "maritalstatus", "emailid", "phoneno", "policyterm", "newrenew", "producer",
    "policyterminationdate", "policyterminationreason", "monthlypremium", "agentcommision",
    "premiumpaidtilldate", "commisionpaidtilldate", "beneficiaryname", "beneficiaryrelationship",
    "beneficiarypct", "lastupdated",
)  # fmt: skip

LIFE_SALT = 21
_DOB_BASE = dt.date(1940, 1, 1)
_DOB_SPAN = 366 * 70
_EFFECTIVE_FROM = (dt.date(2019, 1, 1) - BASE_DATE).days
_AS_OF = (dt.date(2024, 6, 30) - BASE_DATE).days


def life_policy_chunk(
    seed: int, chunk: int, index: np.ndarray, bad: np.ndarray
) -> list[tuple[Any, ...]]:
    """Rows (tuples in :data:`LIFE_POLICY_COLUMNS` order) of life policies ``index``.

    Bad rows have no ``policyid``, a smoking class outside ``S``/``N`` and a negative premium."""
    rng = chunk_rng(seed, LIFE_SALT, chunk)
    n = len(index)
    female = rng.random(n) < 0.5
    first = np.where(
        female, pick(rng, vocab.FIRST_NAMES_F, n), pick(rng, vocab.FIRST_NAMES_M, n)
    )
    last = pick(rng, vocab.LAST_NAMES, n)
    eff = _EFFECTIVE_FROM + rng.integers(0, 365 * 5, n)
    quoted = eff - rng.integers(5, 60, n)
    age = rng.integers(18, 71, n)
    dob_days = (BASE_DATE - _DOB_BASE).days + eff - age * 365 - rng.integers(0, 365, n)
    city_i = rng.integers(0, len(vocab.CITIES), n)
    prod_i = rng.integers(0, len(vocab.LIFE_PRODUCTS), n)
    term = np.array([p[1] for p in vocab.LIFE_PRODUCTS])[prod_i]
    smoker = rng.random(n) < 0.15
    sum_assured = rng.choice(
        [100_000, 250_000, 500_000, 750_000, 1_000_000, 2_000_000], n
    )
    yearly = np.round(
        sum_assured / 1000 * (0.4 + age * 0.04) * np.where(smoker, 2.2, 1.0), 2
    )
    monthly = np.round(yearly / 12 * 1.03, 2)
    status = pick(rng, vocab.POLICY_STATUSES, n)
    terminated = status != "Active"
    term_date = np.minimum(eff + rng.integers(180, 1500, n), _AS_OF)
    paid_till = np.where(
        terminated,
        term_date,
        add_months(np.minimum(_AS_OF, eff + 3000), np.ones(n, dtype=np.int64)),
    )
    bene_first = pick(rng, vocab.FIRST_NAMES_F + vocab.FIRST_NAMES_M, n)
    emails = [
        f"{f.lower()}.{la.lower().replace(chr(39), '')}{k}@{d}"
        for f, la, k, d in zip(first.tolist(), last.tolist(), rng.integers(1, 999, n).tolist(),
                               pick(rng, vocab.EMAIL_DOMAINS, n).tolist())
    ]  # fmt: skip
    secs = rng.integers(0, 86_400, n).tolist()
    updated_day = fmt_dates(
        np.minimum(_AS_OF, eff + rng.integers(0, 400, n)), "dd/MM/yyyy"
    ).tolist()
    lastupdated = [
        f"{d} {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"
        for d, s in zip(updated_day, secs)
    ]
    policyid: list[Any] = (500_000_000 + index).tolist()
    smoking = np.where(smoker, "S", "N").astype(object)
    yearly_s = fmt_money(yearly)
    if (bad >= 0).any():
        for pos in np.flatnonzero(bad >= 0).tolist():
            policyid[pos] = ""
            smoking[pos] = "X"
            yearly_s[pos] = "-" + yearly_s[pos]
    dob = fmt_dates(dob_days, "yyyy/MM/dd", _DOB_BASE, _DOB_SPAN)
    cols: dict[str, Any] = {
        "policyid": policyid,
        "customerno": (2_000_000 + index * 3 + rng.integers(0, 3, n)).tolist(),
        "policyquotationdate": fmt_dates(quoted, "yyyy-MM-dd"),
        "policyeffectivedate": fmt_dates(eff, "yyyy/MM/dd"),
        "sex": np.where(female, "F", "M").astype(object),
        "firstname": first,
        "lastname": last,
        "customerdob": dob,
        "issuestate": np.array([c[1] for c in vocab.CITIES], dtype=object)[city_i],
        "city": np.array([c[0] for c in vocab.CITIES], dtype=object)[city_i],
        "country": ["USA"] * n,
        "issueage": age.tolist(),
        "smokingclass": smoking,
        "uwclass": pick(rng, vocab.UW_CLASSES, n),
        "coverageunit": [1000] * n,
        "prodcode": np.array([p[0] for p in vocab.LIFE_PRODUCTS], dtype=object)[prod_i],
        "yearlypremium": yearly_s,
        "policystatus": status,
        "sumassured": sum_assured.tolist(),
        "nationalid": [
            f"{a:03d}-{b:02d}-{c:04d}"
            for a, b, c in zip(
                rng.integers(100, 900, n).tolist(),
                rng.integers(10, 100, n).tolist(),
                rng.integers(0, 10_000, n).tolist(),
            )
        ],
        "maritalstatus": pick(rng, vocab.MARITAL_STATUSES, n),
        "emailid": emails,
        "phoneno": fmt_phone(rng.integers(2_000_000_000, 9_999_999_999, n)),
        "policyterm": term.tolist(),
        "newrenew": np.where(rng.random(n) < 0.8, "New", "Renew").astype(object),
        "producer": [f"P{v}" for v in rng.integers(1_000_000, 1_010_000, n).tolist()],
        "policyterminationdate": np.where(
            terminated, fmt_dates(term_date, "yyyy-MM-dd"), ""
        ),
        "policyterminationreason": np.where(
            terminated, pick(rng, vocab.TERMINATION_REASONS, n), ""
        ),
        "monthlypremium": fmt_money(monthly),
        "agentcommision": fmt_money(np.round(yearly * 0.3, 2)),
        "premiumpaidtilldate": fmt_dates(paid_till, "yyyy-MM-dd"),
        "commisionpaidtilldate": fmt_dates(paid_till, "yyyy-MM-dd"),
        "beneficiaryname": [
            f"{b} {la}" for b, la in zip(bene_first.tolist(), last.tolist())
        ],
        "beneficiaryrelationship": pick(rng, vocab.RELATIONSHIPS, n),
        "beneficiarypct": [100] * n,
        "lastupdated": lastupdated,
    }
    cols = {k: v.tolist() if isinstance(v, np.ndarray) else v for k, v in cols.items()}
    return list(zip(*(cols[c] for c in LIFE_POLICY_COLUMNS)))
