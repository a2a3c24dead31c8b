"""Months as the house writes them: 'YYYY-MM' strings, which also sort in time order."""
from datetime import date


def month_start(month: str) -> date:
    """'2026-03' -> date(2026, 3, 1); ValueError for anything else."""
    try:
        year, number = month.split("-")
        if len(year) != 4 or len(number) != 2:
            raise ValueError
        return date(int(year), int(number), 1)
    except ValueError:
        raise ValueError(f"{month!r} is not a month written YYYY-MM") from None


def add_months(month: str, n: int) -> str:
    first = month_start(month)
    index = first.year * 12 + first.month - 1 + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_between(first: str, last: str) -> list[str]:
    """Every month from first to last inclusive; empty when last is before first."""
    start, end = month_start(first), month_start(last)
    count = (end.year - start.year) * 12 + end.month - start.month + 1
    return [add_months(first, i) for i in range(max(count, 0))]


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"
