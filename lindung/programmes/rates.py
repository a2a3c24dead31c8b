"""Contribution rates: which rule is in force for a programme, a month and a payer, and what it costs.

Plain functions over plain values. The rules themselves are versioned data (data/rates.csv), each row
with the date it takes effect, the payers it applies to and the regulation it comes from.
"""
import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from lindung.months import month_start

RATES_CSV = Path(__file__).resolve().parent / "data" / "rates.csv"
PROGRAMMES_CSV = Path(__file__).resolve().parent / "data" / "programmes.csv"

PAYER_KINDS = ("apbd", "apbn", "self", "sponsor")
BASES = ("percent", "flat")


@dataclass(frozen=True)
class Rate:
    """One row of the rate schedule.

    percent: amount = max(income, min_income) x percent_bp / 10,000, rounded down to the Rupiah.
    flat: amount = flat_amount. A discount then takes discount_percent off, rounded down.
    """

    programme: str
    effective_from: date
    basis: str
    percent_bp: int
    min_income: int
    flat_amount: int
    discount_percent: int
    payer_kinds: frozenset[str]
    source: str

    def __post_init__(self):
        if self.basis not in BASES:
            raise ValueError(f"unknown basis {self.basis!r}")
        if not self.payer_kinds <= set(PAYER_KINDS):
            raise ValueError(f"unknown payer kinds {sorted(self.payer_kinds - set(PAYER_KINDS))}")
        if not 0 <= self.discount_percent <= 100:
            raise ValueError(f"discount {self.discount_percent} % is not between 0 and 100")
        if min(self.percent_bp, self.min_income, self.flat_amount) < 0:
            raise ValueError("rates and amounts cannot be negative")

    def amount(self, income: int | None) -> int:
        """Integer Rupiah a month for a declared monthly income (None: the minimum basis)."""
        if self.basis == "flat":
            full = self.flat_amount
        else:
            full = max(income or 0, self.min_income) * self.percent_bp // 10_000
        return full * (100 - self.discount_percent) // 100


def read_rates(path: Path = RATES_CSV) -> tuple[Rate, ...]:
    with open(path, newline="", encoding="utf-8") as f:
        return tuple(
            Rate(
                programme=row["programme"],
                effective_from=date.fromisoformat(row["effective_from"]),
                basis=row["basis"],
                percent_bp=int(row["percent_bp"] or 0),
                min_income=int(row["min_income"] or 0),
                flat_amount=int(row["flat_amount"] or 0),
                discount_percent=int(row["discount_percent"] or 0),
                payer_kinds=frozenset(row["payer_kinds"].split("|")),
                source=row["source"],
            )
            for row in csv.DictReader(f)
        )


@cache
def shipped_rates() -> tuple[Rate, ...]:
    return read_rates()


def rate_for(programme: str, month: str, payer_kind: str, rates: tuple[Rate, ...] | None = None) -> Rate | None:
    """The rule in force on the first day of `month` for this programme and payer kind, or None."""
    if payer_kind not in PAYER_KINDS:
        raise ValueError(f"unknown payer kind {payer_kind!r}")
    first_day = month_start(month)
    candidates = [
        r
        for r in (shipped_rates() if rates is None else rates)
        if r.programme == programme and payer_kind in r.payer_kinds and r.effective_from <= first_day
    ]
    return max(candidates, key=lambda r: r.effective_from, default=None)


def contribution(
    income: int | None, programmes, month: str, payer_kind: str, rates: tuple[Rate, ...] | None = None
) -> dict[str, int]:
    """Integer Rupiah per programme for one member-month, e.g. {'JKK': 10000, 'JKM': 6800}.

    A programme with no rule in force for that month and payer is an error, never a silent zero.
    """
    if income is not None and income < 0:
        raise ValueError("income cannot be negative")
    if payer_kind not in PAYER_KINDS:
        raise ValueError(f"unknown payer kind {payer_kind!r}")
    amounts = {}
    for programme in programmes:
        rate = rate_for(programme, month, payer_kind, rates)
        if rate is None:
            raise LookupError(f"no {programme} rate for {payer_kind} in {month}")
        amounts[programme] = rate.amount(income)
    return amounts
