"""The NIK rules of lindung.registry.nik as Polars expressions, for a whole column of text at once.

Same error codes, in the same order, and the same decoded values as `check_nik` for every string (the
tests compare both on generated inputs). Only text and nulls: the intake reader gives every cell as text,
numeric cells arriving as "3216010506900001.0".

The work is done in stages, each stored in a temporary column, so that no expression is evaluated twice;
text that is already 16 digits (nearly all of a good file) skips the regular expressions.
"""
from datetime import date

import polars as pl

from lindung.registry import nik as rules

# What Python's str.strip() and str.split() take for whitespace: \s in Polars' regex engine leaves out
# \x1c-\x1f, so the class is spelled out to give check_nik's results exactly.
PYTHON_WHITESPACE = "".join(c for c in map(chr, range(0x110000)) if c.isspace())


def _char_class(codepoints) -> str:
    return "[" + "".join(f"\\x{{{c:x}}}" for c in codepoints) + "]"


_WHITESPACE = _char_class(map(ord, PYTHON_WHITESPACE))
_APOSTROPHE = _char_class(map(ord, rules._LEADING_APOSTROPHES))
_SEPARATOR = _char_class(rules._SEPARATORS)  # the characters nik.py removes inside a NIK
_SCIENTIFIC = r"^[+-]?[0-9]+(?:[.,][0-9]*)?[eE][+-]?[0-9]+$"
_NUMBER_TEXT = r"^([0-9]+)[.,]0+$"
_NULL_TEXT = pl.lit(None, dtype=pl.String)

SEX_ALIASES = rules._SEX_ALIASES

# Parts added by with_nik_checks, each after the prefix.
PARTS = ("nik", "error_bits", "district", "birth_date", "sex", "serial")
# check_nik's codes in the order it reports them (at most one of the first four, which come alone),
# and the bit of each in the error_bits column.
ERROR_CODES = (
    rules.EMPTY, rules.EXCEL_NUMBER, rules.NOT_DIGITS, rules.LENGTH, rules.REGION_UNKNOWN, rules.DATE_INVALID,
    rules.SERIAL_INVALID, rules.BIRTH_DATE_MISMATCH, rules.SEX_MISMATCH,
)
BIT = {code: 1 << i for i, code in enumerate(ERROR_CODES)}


def stripped(text: pl.Expr) -> pl.Expr:
    """str.strip() with Python's idea of whitespace."""
    return text.str.strip_chars(PYTHON_WHITESPACE)


def normalised_sex(text: pl.Expr) -> pl.Expr:
    """nik.normalise_sex for a column: "L", "P" or null."""
    return stripped(text).str.to_lowercase().replace_strict(SEX_ALIASES, default=None, return_dtype=pl.String)


def with_clean_nik(frame, column: str, *, nik: str, error: str, tmp: str = "_nik"):
    """`frame` with columns `nik` (16 digits or null) and `error` (null, or why the text is not a NIK), as
    nik.clean_nik gives them for each text of `column`.

    Text that is already 16 digits (nearly all of a good file) is taken as it is; the regular expressions
    run only on the rest, picked out and put back by position (Polars would run them on every value,
    even on values masked as null).
    """
    if isinstance(frame, pl.LazyFrame):
        return with_clean_nik(frame.collect(), column, nik=nik, error=error, tmp=tmp).lazy()
    text = frame.get_column(column)
    ready = text.str.contains(r"^[0-9]{16}$")
    cleaned = pl.select(pl.when(ready).then(text)).to_series()
    errors = pl.select(pl.when(text.is_null()).then(pl.lit(rules.EMPTY))).to_series()
    rest = pl.DataFrame({"_position": pl.int_range(frame.height, dtype=pl.UInt32, eager=True), "_text": text}).filter(~ready)
    if rest.height:
        rest = _cleaned(rest, "_text", tmp)
        cleaned = cleaned.scatter(rest["_position"], rest[f"{tmp}_nik"])
        errors = errors.scatter(rest["_position"], rest[f"{tmp}_error"])
    return frame.with_columns(cleaned.alias(nik), errors.alias(error))


def _cleaned(frame: pl.DataFrame, column: str, tmp: str) -> pl.DataFrame:
    """Columns {tmp}_nik and {tmp}_error for each text of `column`, in stages, each a column, so that no
    expression is evaluated twice."""
    t = lambda part: f"{tmp}_{part}"  # noqa: E731
    text = stripped(stripped(pl.col(column)).str.replace(f"^{_APOSTROPHE}", ""))
    frame = frame.with_columns(text.alias(t("text")))
    text = pl.col(t("text"))
    frame = frame.with_columns(
        text.str.extract(_NUMBER_TEXT, 1).str.strip_chars_start("0").alias(t("number")),
        text.str.replace_all(_WHITESPACE, "").alias(t("compact")),
    )
    number, compact = pl.col(t("number")), pl.col(t("compact"))
    frame = frame.with_columns(compact.str.replace_all(_SEPARATOR, "").alias(t("digits")))
    digits = pl.col(t("digits"))
    found = (
        pl.when(text.is_null() | (text == "")).then(pl.lit(rules.EMPTY))
        .when(number.is_not_null()).then(_number_error(number))
        .when(compact.str.contains(_SCIENTIFIC)).then(pl.lit(rules.EXCEL_NUMBER))
        .when(digits == "").then(pl.lit(rules.EMPTY))
        .when(~digits.str.contains(r"^[0-9]+$")).then(pl.lit(rules.NOT_DIGITS))
        .when(digits.str.len_chars() != 16).then(pl.lit(rules.LENGTH))
        .otherwise(_NULL_TEXT)
    )
    frame = frame.with_columns(found.alias(t("error")))
    cleaned = pl.when(pl.col(t("error")).is_null()).then(pl.when(number.is_not_null()).then(number).otherwise(digits))
    return frame.with_columns(cleaned.alias(t("nik")))


def _number_error(digits: pl.Expr) -> pl.Expr:
    """A spreadsheet number keeps 15 significant digits: a 16-digit one ending in 0 may have lost it."""
    return (
        pl.when(digits.str.len_chars() != 16).then(pl.lit(rules.LENGTH))
        .when(digits.str.ends_with("0")).then(pl.lit(rules.EXCEL_NUMBER))
        .otherwise(_NULL_TEXT)
    )


def _is_real_date(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    days_in_month = (
        pl.when(month == 2).then(pl.when(leap).then(29).otherwise(28))
        .when(month.is_in([4, 6, 9, 11])).then(30)
        .otherwise(31)
    )
    return month.is_between(1, 12) & day.is_between(1, days_in_month)


def _is_past_date(year: pl.Expr, month: pl.Expr, day: pl.Expr, today: date) -> pl.Expr:
    today_number = today.year * 10_000 + today.month * 100 + today.day
    return _is_real_date(year, month, day) & (year * 10_000 + month * 100 + day <= today_number)


def with_decoded_nik(
    frame, nik: str, *, district: str | None, sex: str, birth_date: str, serial: str, today: date, tmp="_nik"
):
    """District (dotted, as "32.16.04"; left out when `district` is None), sex, birth date (the century:
    the latest not after `today`) and serial of 16-digit NIKs."""
    t = lambda part: f"{tmp}_{part}"  # noqa: E731
    digits = pl.col(nik)
    dotted = pl.concat_str(digits.str.slice(0, 2), digits.str.slice(2, 2), digits.str.slice(4, 2), separator=".")
    frame = frame.with_columns(
        *([dotted.alias(district)] if district else []),
        digits.str.slice(12, 4).alias(serial),
        digits.str.slice(6, 6).cast(pl.Int32).alias(t("ddmmyy")),
    )
    ddmmyy = pl.col(t("ddmmyy"))
    coded_day, month, yy = ddmmyy // 10_000, ddmmyy // 100 % 100, ddmmyy % 100
    # Women have 40 added to the day of birth; a day outside 1-31 and 41-71 decodes to nothing.
    frame = frame.with_columns(
        pl.when(coded_day.is_between(1, 31)).then(pl.lit("L"))
        .when(coded_day.is_between(41, 71)).then(pl.lit("P"))
        .otherwise(_NULL_TEXT)
        .alias(sex),
        pl.when(coded_day > 40).then(coded_day - 40).otherwise(coded_day).alias(t("day")),
        month.alias(t("month")),
        yy.alias(t("yy")),
    )
    day, month, yy = pl.col(t("day")), pl.col(t("month")), pl.col(t("yy"))
    frame = frame.with_columns(
        (pl.col(sex).is_not_null() & _is_past_date(yy + 2000, month, day, today)).alias(t("recent")),
        (pl.col(sex).is_not_null() & _is_past_date(yy + 1900, month, day, today)).alias(t("older")),
    )
    recent, older = pl.col(t("recent")), pl.col(t("older"))
    ok = recent | older
    # Parts replaced where there is no date, so that pl.date never sees 31 February.
    year = pl.when(recent).then(yy + 2000).when(older).then(yy + 1900).otherwise(2000)
    decoded = pl.when(ok).then(pl.date(year, pl.when(ok).then(month).otherwise(1), pl.when(ok).then(day).otherwise(1)))
    return frame.with_columns(decoded.alias(birth_date)).drop(
        t("ddmmyy"), t("month"), t("yy"), t("day"), t("recent"), t("older")
    )


def with_nik_checks(
    frame: pl.LazyFrame | pl.DataFrame,
    column: str,
    *,
    known_districts,
    today: date,
    declared_birth_date: str | None = None,
    declared_sex: str | None = None,
    prefix: str = "nik_",
    sex_is_normalised: bool = False,
    with_district: bool = True,
) -> pl.LazyFrame | pl.DataFrame:
    """`frame` with check_nik's result for each text of `column`, in columns `prefix` + nik (16 digits or
    null), error_bits (see ERROR_CODES; 0 when valid), district, birth_date, sex and serial.

    `declared_birth_date` names a Date column, `declared_sex` a text column (any spelling normalise_sex
    knows, or only "L", "P" and null with `sex_is_normalised`, which saves normalising it again); either
    may be None. Without `with_district` the district column is left out (it costs a string per row).
    """
    name = {part: f"{prefix}{part}" for part in PARTS}
    tmp = f"_{prefix}tmp"
    cleaning_error, decoded = f"{tmp}_cleaning_error", f"{tmp}_decoded"
    frame = with_clean_nik(frame, column, nik=name["nik"], error=cleaning_error, tmp=tmp)
    frame = with_decoded_nik(
        frame, name["nik"], district=name["district"] if with_district else None, sex=name["sex"], birth_date=decoded,
        serial=name["serial"], today=today, tmp=tmp,
    )
    declared = pl.col(declared_birth_date) if declared_birth_date else pl.lit(None, dtype=pl.Date)
    if declared_sex is None:
        declared_sex_value = _NULL_TEXT
    else:
        declared_sex_value = pl.col(declared_sex) if sex_is_normalised else normalised_sex(pl.col(declared_sex))
    frame = frame.with_columns(
        (
            (pl.col(decoded).dt.day() == declared.dt.day())
            & (pl.col(decoded).dt.month() == declared.dt.month())
            & (pl.col(decoded).dt.year() % 100 == declared.dt.year() % 100)
        ).alias(f"{tmp}_same_date"),
        declared_sex_value.alias(f"{tmp}_declared_sex"),
    )
    same_date, declared_sex_value = pl.col(f"{tmp}_same_date"), pl.col(f"{tmp}_declared_sex")
    valid = pl.col(name["nik"]).is_not_null()
    known = [code.replace(".", "") for code in known_districts]

    def bit_if(condition: pl.Expr, code: str) -> pl.Expr:
        return pl.when(valid & condition.fill_null(False)).then(pl.lit(BIT[code], dtype=pl.UInt16)).otherwise(0)

    bits = (
        pl.col(cleaning_error).replace_strict(BIT, default=0, return_dtype=pl.UInt16)
        | bit_if(~pl.col(name["nik"]).str.slice(0, 6).is_in(known), rules.REGION_UNKNOWN)
        | bit_if(pl.col(decoded).is_null(), rules.DATE_INVALID)
        | bit_if(pl.col(name["serial"]) == "0000", rules.SERIAL_INVALID)
        | bit_if(~same_date, rules.BIRTH_DATE_MISMATCH)
        | bit_if(declared_sex_value != pl.col(name["sex"]), rules.SEX_MISMATCH)
    )
    # The NIK holds two digits of the year; a declared date with the same day, month and year digits
    # knows the century.
    birth_date = (
        pl.when(same_date.fill_null(False) & (declared <= pl.lit(today))).then(declared).otherwise(pl.col(decoded))
    )
    return frame.with_columns(bits.alias(name["error_bits"]), birth_date.alias(name["birth_date"])).drop(
        cleaning_error, decoded, f"{tmp}_same_date", f"{tmp}_declared_sex"
    )


def error_codes(bits: pl.Expr) -> pl.Expr:
    """The codes of an error_bits column as a list, in check_nik's order. For small frames: building a
    list per row is slow on a million; filter on `bits & BIT[code]` instead."""
    return pl.concat_list(
        pl.when(bits & BIT[code] != 0).then(pl.lit(code)) for code in ERROR_CODES
    ).list.drop_nulls()
