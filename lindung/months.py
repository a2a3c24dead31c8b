"""Months as the house writes them: 'YYYY-MM' strings, which also sort in time order."""
import re
from datetime import date

MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


def month_start(month: str) -> date:
    """'2026-03' -> date(2026, 3, 1); ValueError for anything else."""
    if not isinstance(month, str) or not MONTH.fullmatch(month) or month < "0001-01":
        raise ValueError(f"{month!r} is not a month written YYYY-MM")
    return date(int(month[:4]), int(month[5:]), 1)


# The months a person may ask about (a form, a command): the programmes, budgets and claims of these decades.
# Outside them, the arithmetic of a report (the month after, a year ahead) would leave the calendar.
FIRST_ENTERED_MONTH, LAST_ENTERED_MONTH = "1990-01", "2099-12"


def entered_month(month: str) -> str:
    """A month someone typed: YYYY-MM from FIRST_ENTERED_MONTH to LAST_ENTERED_MONTH. ValueError otherwise."""
    month_start(month)
    if not FIRST_ENTERED_MONTH <= month <= LAST_ENTERED_MONTH:
        raise ValueError(f"{month} is not between {FIRST_ENTERED_MONTH} and {LAST_ENTERED_MONTH}")
    return month


def add_months(month: str, n: int) -> str:
    first = month_start(month)
    index = first.year * 12 + first.month - 1 + n
    if not 12 <= index < 120_000:
        raise ValueError(f"{month} + {n} months is outside the years 1 to 9999")
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_between(first: str, last: str) -> list[str]:
    """Every month from first to last inclusive; empty when last is before first."""
    start, end = month_start(first), month_start(last)
    count = (end.year - start.year) * 12 + end.month - start.month + 1
    return [add_months(first, i) for i in range(max(count, 0))]


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"
