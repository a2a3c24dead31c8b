"""Periods and limits of the programme rules as versioned data (data/policy.csv), read as plain values."""
import csv
from datetime import date
from functools import cache
from pathlib import Path

POLICY_CSV = Path(__file__).resolve().parent / "data" / "policy.csv"


@cache
def _rows(path: Path = POLICY_CSV) -> tuple[tuple[str, date, int, str], ...]:
    with open(path, newline="", encoding="utf-8") as f:
        return tuple(
            (row["name"], date.fromisoformat(row["effective_from"]), int(row["value"]), row["source"])
            for row in csv.DictReader(f)
        )


def policy_value(name: str, on: date | None = None, path: Path = POLICY_CSV) -> int:
    """The value of rule `name` in force on `on` (default: today); KeyError when none is.
    `path`: another app's policy file of the same layout (e.g. claims/data/policy.csv)."""
    on = on or date.today()
    rows = [r for r in _rows(path) if r[0] == name and r[1] <= on]
    if not rows:
        raise KeyError(f"no {name} in force on {on}")
    return max(rows, key=lambda r: r[1])[2]
