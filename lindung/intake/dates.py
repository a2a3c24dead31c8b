"""Dates as people write them in worker lists, parsed as one vectorised Polars expression.

Understood (case-insensitive, surrounding spaces ignored):
- day first with numbers: 17/08/1985, 17-08-1985, 17.08.1985, 7/8/1985, 17/08/85 (never month first:
  Indonesia writes the day first, and 08/17/1985 is not read as 17 August);
- ISO: 1985-08-17, 1985/08/17, 1985-08-17 00:00:00, 1985-08-17T10:30:00 (the time is ignored);
- month names and abbreviations in Indonesian and English: 17 Agustus 1985, 17 Agt 1985, 17-Agu-85,
  17-Aug-1985, 17 Aug. 1985, August 17, 1985;
- Excel serial numbers written as text (31276, 31276.0, 31276.5), in the 1900 date system with its
  serial-60 bug: serial 60 is the 29 February 1900 that never was (null), serials below it are one day
  later than the usual formula gives. A bare four-digit number (1985, 1985.0) is a year, not a date,
  and is not read as a serial: it gives null.

Two-digit years take the latest century that does not put the date after today (the rule NIK birth
dates follow): in 2026, 17/08/85 is 1985 and 17/08/05 is 2005.
Anything else, including impossible dates such as 30/02/1985, gives null.
"""
from datetime import date

import polars as pl

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("januari", "january", "jan"),
        ("februari", "pebruari", "february", "feb", "peb"),
        ("maret", "march", "mar"),
        ("april", "apr"),
        ("mei", "may"),
        ("juni", "june", "jun"),
        ("juli", "july", "jul"),
        ("agustus", "august", "agu", "agt", "ags", "agus", "aug"),
        ("september", "sept", "sep"),
        ("oktober", "october", "okt", "oct"),
        ("november", "nopember", "nov", "nop"),
        ("desember", "december", "des", "dec"),
    ),
    start=1,
):
    for _name in _names:
        MONTHS[_name] = _number

_TIME = r"(?:[ t]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?"
_YEAR = r"(\d{2}|[1-9]\d{3})"
_ISO = rf"^([1-9]\d{{3}})[/.\-](\d{{1,2}})[/.\-](\d{{1,2}}){_TIME}$"
_NUMERIC_DMY = rf"^(\d{{1,2}})\s*[/.\-]\s*(\d{{1,2}})\s*[/.\-]\s*{_YEAR}{_TIME}$"
_DAY_MONTH_NAME = rf"^(\d{{1,2}})[\s/.\-]*([a-z]+)\.?[\s/.,\-]*{_YEAR}$"
_MONTH_NAME_DAY = r"^([a-z]+)\.?\s*(\d{1,2})(?:st|nd|rd|th)?,?\s+([1-9]\d{3})$"
_SERIAL = r"^(\d{1,3}|\d{5,7})(?:\.\d+)?$"

# Every written form is first rewritten to "DYEAR-MONTH-DAY" and then parsed once. Input is lower-cased,
# so an upper-case "D" only starts a rewritten value and "D%Y-%m-%d" never parses text that matched no form.
_REWRITES = (
    (_ISO, "D${1}-${2}-${3}"),
    (_NUMERIC_DMY, "D${3}-${2}-${1}"),
    (_DAY_MONTH_NAME, "D${3}-${2}-${1}"),
    (_MONTH_NAME_DAY, "D${3}-${1}-${2}"),
)
_MONTH_WORDS = {f"-{name}-": f"-{number}-" for name, number in MONTHS.items()}
_TWO_DIGIT_YEAR = r"^D(\d{2})-"

_LAST_SERIAL = 2_958_465  # 9999-12-31
_DAYS_1899_12_30_TO_1970 = 25_569  # serials from 61 on count days from 1899-12-30
_SERIAL_LEAP_BUG = 60  # Excel's 29 February 1900


def parse_dates(column: pl.Expr | str, *, today: date | None = None) -> pl.Expr:
    """Text -> pl.Date, null where the text is not a date written in a way listed in this module's doc.
    `today` settles the century of two-digit years (default: the current date)."""
    text = (pl.col(column) if isinstance(column, str) else column).cast(pl.String)
    today = today or date.today()
    return text.map_batches(
        lambda values: _parse_distinct(values, today), return_dtype=pl.Date, is_elementwise=True
    )


def _parse_distinct(values: pl.Series, today: date) -> pl.Series:
    """Parse each distinct text once: a list of a million people has a few thousand distinct birth dates,
    and the patterns cost far more per value than looking a value up."""
    distinct = values.unique().drop_nulls()
    parsed = pl.DataFrame({"text": distinct}).select(_parse_each("text", today=today)).to_series()
    return values.replace_strict(distinct, parsed, default=None, return_dtype=pl.Date)


def _parse_each(column: pl.Expr | str, *, today: date | None = None) -> pl.Expr:
    """The same as parse_dates, value by value, with no look-up of distinct values (for small frames)."""
    text = (pl.col(column) if isinstance(column, str) else column).cast(pl.String)
    clean = text.str.strip_chars().str.to_lowercase()
    return pl.coalesce(_written_date(clean, today or date.today()), _excel_serial(clean)).name.keep()


def _written_date(clean: pl.Expr, today: date) -> pl.Expr:
    rewritten = clean
    for pattern, replacement in _REWRITES:
        rewritten = rewritten.str.replace(pattern, replacement)
    rewritten = rewritten.str.replace_many(_MONTH_WORDS)
    two_digit_year = rewritten.str.contains(_TWO_DIGIT_YEAR)
    century = today.year // 100
    parsed = rewritten.str.replace(_TWO_DIGIT_YEAR, f"D{century}${{1}}-").str.to_date("D%Y-%m-%d", strict=False)
    # A two-digit year takes the latest century that does not put the date after today.
    return pl.when(two_digit_year & (parsed > pl.lit(today))).then(parsed.dt.offset_by("-100y")).otherwise(parsed)


def _excel_serial(clean: pl.Expr) -> pl.Expr:
    serial = clean.str.extract(_SERIAL, 1).cast(pl.Int64)
    days_since_1970 = (
        pl.when((serial > _SERIAL_LEAP_BUG) & (serial <= _LAST_SERIAL))
        .then(serial - _DAYS_1899_12_30_TO_1970)
        .when((serial >= 1) & (serial < _SERIAL_LEAP_BUG))
        # Excel counts a 29 February 1900 that never was: serials before it are one day later.
        .then(serial - _DAYS_1899_12_30_TO_1970 + 1)
    )
    return days_since_1970.cast(pl.Int32).cast(pl.Date)
