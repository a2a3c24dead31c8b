"""The rules an intake file must pass, checked over the whole file at once. Pure: no Django, no database.

`check(frame, context)` takes the file as text columns named by their canonical names (plus "_row", the
spreadsheet row number) and gives back one normalised row per input row and one issue per problem.
Every rule is a Polars expression over whole columns; the only per-item work outside Polars is
rapidfuzz (C++) comparing candidate pairs of names. Columns a file repeats (dates, amounts, occupations,
villages) are worked out once per distinct value; parts that do not depend on each other run side by
side in threads (Polars and rapidfuzz release the GIL). 1 M rows against a registry of 1 M: about 1.9 s
on 2 cores (bench/intake_check.py).

Decisions (each also said where it is made):
- Severity: every code is an error (the row is rejected) except duplicate.possible, which sends the row
  to review.
- NIK: the rules of lindung.registry.nik (via nik_frame), against the row's own birth date and sex.
- Sex: L/P, Laki-laki/Perempuan, LK/PR, M/F, Pria/Wanita, Male/Female in any case. Left empty, it is taken
  from the NIK (which tells it without doubt); a row whose NIK cannot tell it is rejected for its NIK.
- Birth date: required (birth_date.missing); unreadable or after today is birth_date.invalid. It is not
  taken from the NIK: the NIK holds only two digits of the year, and the date is the check on the NIK.
- Village: required (village.missing); found by code ("32.16.04.2001" or "3216042001") or by name, see
  resolve_villages. A name shared by villages of several districts with no district given is
  village.ambiguous, a code of its own, so that the message can ask for the district.
- Segment: the segment column wins; else the occupation is mapped (whole text, then its first two words,
  then its first word: "Pedagang sayur" is a street vendor); else, with both empty, "other". Text
  present in either but not understood is segment.unknown.
- Income: a whole, non-negative number of Rupiah: 1500000, 1.500.000, 1,500,000, Rp 1.500.000,-,
  1.500.000,00, 1500000.0, and 1,5 jt / 1.5 juta / 750 rb / 750 ribu / 750k. "1,5" alone is ambiguous
  and refused.
- Phone: Indonesian mobile numbers: 08..., +62 8..., 62 8..., 0062 8..., and 8... (a number cell that
  lost its 0); 10 to 13 digits once written as 08...; spaces, dots, dashes and brackets ignored.
- Welfare decile 1..10 ("3" or "3.0"); KK: the NIK's cleaning rules, then exactly 16 digits.
- Free text longer than the registry keeps (TEXT_LIMITS: name, birth place, address, occupation) is
  text.too_long, never cut short: a name cut at 200 characters is no longer the person's name.
- duplicate.in_file: the first row with a NIK stands; later rows with it are errors pointing at it.
- duplicate.possible (review): a different NIK (or none readable) but the same birth date AND village,
  and alike names: equal person_names keys, or a rapidfuzz ratio >= NAME_SIMILARITY (88) of the keys
  with sorted words (token_sort_ratio) or as written, or keys of 4+ letters one typing error apart
  (Damerau/OSA distance 1). Against earlier rows of the file (possible_duplicate_rows) and the registry
  (possible_duplicate_people). Tuned on bench/intake_check.py: recall 0.99, precision 0.98-0.999. Twins
  with near names (Rizki, Rizka) will be flagged: review is the right place for them.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from lindung.intake import nik_frame
from lindung.intake.dates import parse_dates
from lindung.intake.person_names import name_key_expr, sorted_words
from lindung.regions.names import LEVEL_PREFIXES, name_key_expr as place_key_expr
from lindung.registry import nik as nik_rules

COLUMNS = (
    "nik", "full_name", "birth_place", "birth_date", "sex", "village", "district", "segment", "occupation",
    "income", "phone", "welfare_decile", "kk", "address",
)

NAME_MISSING = "name.missing"
BIRTH_DATE_MISSING = "birth_date.missing"
BIRTH_DATE_INVALID = "birth_date.invalid"
SEX_INVALID = "sex.invalid"
AGE_OUT_OF_RANGE = "age.out_of_range"
VILLAGE_MISSING = "village.missing"
VILLAGE_UNKNOWN = "village.unknown"
VILLAGE_AMBIGUOUS = "village.ambiguous"
VILLAGE_OUTSIDE_REGENCY = "village.outside_regency"
SEGMENT_UNKNOWN = "segment.unknown"
INCOME_INVALID = "income.invalid"
PHONE_INVALID = "phone.invalid"
DECILE_INVALID = "decile.invalid"
KK_INVALID = "kk.invalid"
TEXT_TOO_LONG = "text.too_long"
DUPLICATE_IN_FILE = "duplicate.in_file"
DUPLICATE_POSSIBLE = "duplicate.possible"

ERROR, REVIEW = "error", "review"

# The longest text each column may hold, in characters: the registry's own columns (a test holds them equal).
TEXT_LIMITS = {"full_name": 200, "birth_place": 100, "address": 255, "occupation": 100}

MESSAGES: dict[str, tuple[str, str]] = {
    **nik_rules.MESSAGES,
    NAME_MISSING: (
        "Nama lengkap belum diisi. Isi nama sesuai KTP.",
        "The full name is empty. Enter the name as written on the ID card (KTP).",
    ),
    BIRTH_DATE_MISSING: (
        "Tanggal lahir belum diisi. Isi tanggal lahir sesuai KTP, misalnya 17/08/1985.",
        "The birth date is empty. Enter the birth date shown on the ID card, e.g. 17/08/1985.",
    ),
    BIRTH_DATE_INVALID: (
        "Tanggal lahir tidak dapat dibaca atau berada di masa depan. Tulis sebagai tanggal/bulan/tahun, "
        "misalnya 17/08/1985.",
        "The birth date cannot be read or is in the future. Write it as day/month/year, e.g. 17/08/1985.",
    ),
    SEX_INVALID: (
        "Jenis kelamin tidak dikenal. Isi L (laki-laki) atau P (perempuan).",
        "The sex is not recognised. Enter L (male, laki-laki) or P (female, perempuan).",
    ),
    AGE_OUT_OF_RANGE: (
        "Usia pekerja (dihitung dari tanggal lahir sampai hari ini) di luar batas usia peserta program. "
        "Periksa tanggal lahir.",
        "The worker's age (from the birth date to today) is outside the age limits of the programme. "
        "Check the birth date.",
    ),
    VILLAGE_MISSING: (
        "Desa/kelurahan tempat tinggal belum diisi.",
        "The village of residence (desa/kelurahan) is empty.",
    ),
    VILLAGE_UNKNOWN: (
        "Desa/kelurahan tidak ditemukan di kabupaten ini (atau tidak ada di kecamatan yang disebut). "
        "Periksa ejaannya, atau tulis kodenya, misalnya 32.16.04.2001.",
        "The village was not found in this regency (or not in the district given). "
        "Check its spelling, or write its code, e.g. 32.16.04.2001.",
    ),
    VILLAGE_AMBIGUOUS: (
        "Ada beberapa desa/kelurahan dengan nama ini di kabupaten ini. Isi juga kecamatannya, "
        "misalnya \"Sukamaju, Cibitung\", atau tulis kode desanya.",
        "Several villages of this regency have this name. Also give the district, "
        "e.g. \"Sukamaju, Cibitung\", or write the village code.",
    ),
    VILLAGE_OUTSIDE_REGENCY: (
        "Desa/kelurahan ini berada di luar kabupaten ini. Hanya warga yang tinggal di kabupaten ini "
        "yang dapat didaftarkan.",
        "This village is outside this regency. Only people living in the regency can be registered.",
    ),
    SEGMENT_UNKNOWN: (
        "Segmen atau pekerjaan tidak dikenal. Gunakan salah satu segmen yang tersedia, "
        "misalnya Petani, Nelayan, Pedagang kecil, Ojek, Buruh bangunan.",
        "The segment or occupation is not recognised. Use one of the segments, "
        "e.g. farmer (petani), fisher (nelayan), street vendor (pedagang), driver (ojek).",
    ),
    INCOME_INVALID: (
        "Penghasilan harus berupa angka rupiah bulat dan tidak negatif, misalnya 1500000 atau 1.500.000.",
        "The income must be a whole, non-negative amount of Rupiah, e.g. 1500000 or 1.500.000.",
    ),
    PHONE_INVALID: (
        "Nomor HP tidak sah. Tulis satu nomor HP yang diawali 08 atau +62 8, 10 sampai 13 digit.",
        "The phone number is not valid. Write one mobile number starting 08 or +62 8, 10 to 13 digits.",
    ),
    DECILE_INVALID: (
        "Desil kesejahteraan harus angka 1 sampai 10, atau dikosongkan.",
        "The welfare decile must be a number from 1 to 10, or left empty.",
    ),
    KK_INVALID: (
        "Nomor KK harus tepat 16 digit. Format kolom sebagai Teks dan ketik ulang dari Kartu Keluarga.",
        "The family card number (KK) must have exactly 16 digits. Format the column as Text and type it "
        "again from the family card.",
    ),
    TEXT_TOO_LONG: (
        "Isian ini terlalu panjang untuk disimpan. Persingkat: nama paling banyak {full_name} karakter, tempat lahir "
        "{birth_place}, alamat {address}, pekerjaan {occupation}.".format(**TEXT_LIMITS),
        "This entry is too long to be kept. Shorten it: a name may have at most {full_name} characters, a birth "
        "place {birth_place}, an address {address}, an occupation {occupation}.".format(**TEXT_LIMITS),
    ),
    DUPLICATE_IN_FILE: (
        "NIK ini sudah ada di baris sebelumnya dalam berkas ini. Hanya baris pertama yang diproses.",
        "This NIK already appears in an earlier row of this file. Only the first row is processed.",
    ),
    DUPLICATE_POSSIBLE: (
        "Mungkin orang yang sama dengan orang lain yang sudah terdaftar atau ada di baris sebelumnya "
        "(nama mirip, tanggal lahir dan desa sama, NIK berbeda). Periksa sebelum diterima.",
        "Possibly the same person as someone already registered or in an earlier row (similar name, same "
        "birth date and village, different NIK). Check before accepting.",
    ),
}

_LANGUAGE_INDEX = {"id": 0, "en": 1}


def message_table(language: str = "id") -> dict[str, str]:
    """code -> message in "id" or "en" (a region suffix like "en-us" is ignored)."""
    index = _LANGUAGE_INDEX.get(language[:2].lower())
    if index is None:
        raise ValueError(f"messages exist in 'id' and 'en', not {language!r}")
    return {code: texts[index] for code, texts in MESSAGES.items()}


@dataclass(frozen=True)
class Context:
    regency: str                       # "32.16"
    known_districts: frozenset[str]    # dotted district codes of the whole country
    villages: pl.DataFrame             # code, name_key, district_code, district_name_key (the whole country)
    segment_synonyms: dict[str, str]   # lower-cased text -> segment code
    today: date
    age_min: int = 15
    age_max: int = 65
    registry: pl.DataFrame | None = None   # person_id, nik (16 digits or null), full_name, birth_date, village_code


@dataclass(frozen=True)
class Checked:
    rows: pl.DataFrame
    issues: pl.DataFrame


ROW_SCHEMA = {
    "_row": pl.Int64, "nik": pl.String, "kk": pl.String, "full_name": pl.String, "birth_place": pl.String,
    "birth_date": pl.Date, "sex": pl.String, "village_code": pl.String, "segment": pl.String,
    "occupation": pl.String, "income": pl.Int64, "phone": pl.String, "welfare_decile": pl.Int8,
    "address": pl.String, "duplicate_of_row": pl.Int64, "possible_duplicate_rows": pl.List(pl.Int64),
    "possible_duplicate_people": pl.List(pl.Int64), "registered_person_id": pl.Int64,
}
ISSUE_SCHEMA = {"_row": pl.Int64, "column": pl.String, "code": pl.String, "severity": pl.String}

# Names at least this similar (rapidfuzz ratio of the sorted words of their name keys, 0-100) are
# probably the same person when birth date and village are the same. Tuned on bench/intake_check.py.
NAME_SIMILARITY = 88
# A block (birth date x village) whose pairs would exceed this is compared on equal name keys only:
# a file that gives everyone 01/01/1970 must not make the check quadratic.
MAX_PAIRS_PER_BLOCK = 50_000

_NULL_TEXT = pl.lit(None, dtype=pl.String)


def check(frame: pl.DataFrame, context: Context) -> Checked:
    """Normalised rows and issues for an intake file; see the module's doc for the rules."""
    if "_row" not in frame.columns:
        raise ValueError("the frame needs a _row column with the spreadsheet row numbers")
    rows = _inputs(frame)
    # These depend on the input alone, so they run side by side: much of Polars' work on a column of
    # text keeps to one core, and both it and rapidfuzz release the GIL.
    with ThreadPoolExecutor(max_workers=4) as pool:
        people = pool.submit(_registry_people, context.registry)
        parts = [pool.submit(part, rows, context) for part in (_person_part, _number_part, _place_part)]
        rows = rows.hstack([column for part in parts for column in part.result().get_columns()])
        people, people_blocks = people.result()
        # Alike names need no NIK: they are found while the NIKs are checked.
        alike = pool.submit(alike_pairs, rows, people, people_blocks)
        rows = _with_duplicates_in_file(_with_registered_person(_with_nik(rows, context), context.registry))
        rows = _with_possible_duplicates(rows, alike.result())
    issues = _issues(rows, context)
    return Checked(rows=rows.select(list(ROW_SCHEMA)).cast(ROW_SCHEMA), issues=issues)


def _new_columns(before: pl.DataFrame, after: pl.DataFrame) -> pl.DataFrame:
    return after.select(after.columns[before.width:])


def _person_part(rows: pl.DataFrame, context: Context) -> pl.DataFrame:
    return _new_columns(rows, _with_sex(_with_birth_date(_with_free_text(rows), context)))


def _number_part(rows: pl.DataFrame, context: Context) -> pl.DataFrame:
    return _new_columns(rows, _with_numbers(rows))


def _place_part(rows: pl.DataFrame, context: Context) -> pl.DataFrame:
    return _new_columns(rows, _with_segment(_with_village(rows, context), context.segment_synonyms))


# --- reading the columns ---------------------------------------------------------------------------

def _inputs(frame: pl.DataFrame) -> pl.DataFrame:
    """Every canonical column as text (null when absent), in file order, with its position."""
    present = set(frame.columns)
    # One chunk per column: a frame read in pieces would make every later join and hstack copy them.
    return frame.select(
        pl.col("_row").cast(pl.Int64),
        *[
            (pl.col(c).cast(pl.String) if c in present else _NULL_TEXT).alias(f"_in_{c}")
            for c in COLUMNS
        ],
    ).rechunk().with_row_index("_pos")


def _per_distinct(rows: pl.DataFrame, columns: list[str], outputs: list[pl.Expr]) -> pl.DataFrame:
    """`outputs` computed once for each distinct value of `columns` and joined back to the rows: a file
    repeats its dates, amounts, occupations and villages many times over."""
    return _attach(rows, columns, rows.select(columns).unique().with_columns(outputs))


def _attach(rows: pl.DataFrame, on: list[str], table: pl.DataFrame) -> pl.DataFrame:
    """The columns of `table` for each row, matched on `on` (null where none). Only the key columns go
    through the join: joining the whole of a wide frame would copy every column."""
    found = rows.select(on).join(table, on=on, how="left", nulls_equal=True, maintain_order="left")
    return rows.hstack(found.drop(on))


def tidy(text: pl.Expr) -> pl.Expr:
    """Spaces collapsed and trimmed; empty text is null."""
    text = text.str.replace_all(r"\s+", " ").str.strip_chars()
    return pl.when(text != "").then(text)


def _with_two_paths(rows: pl.DataFrame, column: str, out: str, *, plain: pl.Expr, slow: pl.Expr) -> pl.DataFrame:
    """Column `out`: the text of `column` itself where `plain`, else `slow`, which is run on those rows
    only (Polars runs an expression on every value, even on those a when() masks as null)."""
    plain = plain.fill_null(True)
    result = rows.select(pl.when(plain).then(pl.col(column)).alias(out)).to_series()
    rest = rows.select("_pos", column).filter(~plain)
    if rest.height:
        result = result.scatter(rest["_pos"], rest.select(slow.alias(out))[out])
    return rows.with_columns(result)


def _with_tidy(rows: pl.DataFrame, column: str, out: str) -> pl.DataFrame:
    """tidy() for a column with many distinct values: only empty texts and texts with white space to
    trim or collapse go through the regular expression."""
    text = pl.col(column)
    return _with_two_paths(rows, column, out, plain=~text.str.contains(r"^\s|\s$|\s\s|[^\S ]|^$"), slow=tidy(text))


def _with_free_text(rows: pl.DataFrame) -> pl.DataFrame:
    for c in ("full_name", "address"):
        rows = _with_tidy(rows, f"_in_{c}", c)
    # Birth places are few: Bekasi, Jakarta, Brebes, ...
    return _per_distinct(rows, ["_in_birth_place"], [tidy(pl.col("_in_birth_place")).alias("birth_place")])


def _with_birth_date(rows: pl.DataFrame, context: Context) -> pl.DataFrame:
    today = context.today
    dates = rows.select("_in_birth_date").unique()
    dates = dates.with_columns(
        parse_dates(pl.col("_in_birth_date"), today=today).alias("_parsed"),
        tidy(pl.col("_in_birth_date")).is_not_null().alias("_birth_date_given"),
    ).with_columns(
        pl.when(pl.col("_parsed") <= pl.lit(today)).then(pl.col("_parsed")).alias("birth_date"),
        ((pl.col("_birth_date_given") & pl.col("_parsed").is_null()) | (pl.col("_parsed") > pl.lit(today)))
        .alias("_birth_date_bad"),
    ).with_columns(age_on(pl.col("birth_date"), today).alias("_age")).drop("_parsed")
    return _attach(rows, ["_in_birth_date"], dates)


def age_on(birth_date: pl.Expr, today: date) -> pl.Expr:
    """Whole years from `birth_date` to `today` (someone born on 29 February is a year older on 1 March)."""
    not_yet = (birth_date.dt.month() > today.month) | (
        (birth_date.dt.month() == today.month) & (birth_date.dt.day() > today.day)
    )
    return pl.lit(today.year) - birth_date.dt.year() - not_yet.cast(pl.Int32)


# nik.py's spellings, and the abbreviations forms use: LK (laki-laki), PR (perempuan).
SEX_ALIASES = {**nik_frame.SEX_ALIASES, "lk": "L", "lelaki": "L", "pr": "P"}


def _with_sex(rows: pl.DataFrame) -> pl.DataFrame:
    declared = pl.col("_in_sex").str.strip_chars().str.to_lowercase()
    return _per_distinct(rows, ["_in_sex"], [
        declared.replace_strict(SEX_ALIASES, default=None, return_dtype=pl.String).alias("_declared_sex"),
        tidy(pl.col("_in_sex")).is_not_null().alias("_sex_given"),
    ])


def _with_nik(rows: pl.DataFrame, context: Context) -> pl.DataFrame:
    checked = nik_frame.with_nik_checks(
        rows.select("_in_nik", "birth_date", "_sex_given", "_declared_sex").lazy(), "_in_nik",
        known_districts=context.known_districts, today=context.today,
        declared_birth_date="birth_date", declared_sex="_declared_sex", sex_is_normalised=True,
        prefix="_nik_", with_district=False,
    ).select(
        "_nik_error_bits",
        pl.col("_nik_nik").alias("nik"),
        # Left empty, the sex is the NIK's; a NIK that cannot tell it is an error of its own.
        pl.when(pl.col("_sex_given")).then(pl.col("_declared_sex")).otherwise(pl.col("_nik_sex")).alias("sex"),
        pl.col("_nik_nik").cast(pl.Int64).alias("_nik_number"),
    )
    # The streaming engine returns many chunks; one each keeps later joins from copying.
    return rows.hstack(checked.collect().rechunk())


# --- segment, numbers ------------------------------------------------------------------------------

def _synonym_text(text: pl.Expr) -> pl.Expr:
    """As segments.segment_code compares: lower case, "_" as a space, spaces collapsed."""
    return text.str.to_lowercase().str.replace_all("_", " ", literal=True).str.replace_all(r"\s+", " ").str.strip_chars()


def _with_segment(rows: pl.DataFrame, synonyms: dict[str, str]) -> pl.DataFrame:
    def code(text: pl.Expr) -> pl.Expr:
        return text.replace_strict(synonyms, default=None, return_dtype=pl.String)

    segment_text = tidy(pl.col("_in_segment"))
    occupation = tidy(pl.col("_in_occupation"))
    occupation_text = _synonym_text(occupation)
    words = occupation_text.str.split(" ")
    from_occupation = pl.coalesce(
        code(occupation_text), code(words.list.slice(0, 2).list.join(" ")), code(words.list.first())
    )
    segment = (
        pl.when(segment_text.is_not_null()).then(code(_synonym_text(segment_text)))
        .when(occupation_text.is_not_null()).then(from_occupation)
        .otherwise(pl.lit("other"))
    )
    unknown_in = (
        pl.when(segment_text.is_not_null()).then(pl.lit("segment"))
        .when(occupation_text.is_not_null()).then(pl.lit("occupation"))
    )
    return _per_distinct(rows, ["_in_segment", "_in_occupation"], [
        segment.alias("segment"), unknown_in.alias("_segment_from"), occupation.alias("occupation"),
    ])


_MULTIPLIERS = {"jt": 1_000_000, "juta": 1_000_000, "rb": 1_000, "ribu": 1_000, "k": 1_000}


def income_value(text: pl.Expr) -> pl.Expr:
    """Rupiah as people write them (see the module's doc) -> Int64; null when not a whole amount."""
    compact = (
        text.str.to_lowercase()
        .str.replace_all(r"\s+", "")
        .str.replace(r"^(?:rp|idr)\.?", "")
        .str.replace(r"[.,]-$|-$", "")
    )
    # "1,5 jt": a decimal number of millions or thousands; exact in integers, never via floats.
    scaled = compact.str.extract_groups(r"^(\d{1,9})(?:[.,](\d{1,6}))?(jt|juta|rb|ribu|k)$")
    whole = scaled.struct.field("1").cast(pl.Int64)
    fraction_text = scaled.struct.field("2").fill_null("")
    multiplier = scaled.struct.field("3").replace_strict(_MULTIPLIERS, default=None, return_dtype=pl.Int64)
    fraction = pl.when(fraction_text != "").then(fraction_text.cast(pl.Int64, strict=False)).otherwise(0)
    scale = pl.lit(10, dtype=pl.Int64).pow(fraction_text.str.len_chars())
    scaled_value = pl.when((fraction * multiplier) % scale == 0).then(whole * multiplier + fraction * multiplier // scale)
    plain = (
        pl.when(compact.str.contains(r"^\d{1,3}(?:\.\d{3})+(?:,0{1,2})?$"))
        .then(compact.str.replace(r",0+$", "").str.replace_all(".", "", literal=True))
        .when(compact.str.contains(r"^\d{1,3}(?:,\d{3})+(?:\.0{1,2})?$"))
        .then(compact.str.replace(r"\.0+$", "").str.replace_all(",", "", literal=True))
        .when(compact.str.contains(r"^\d+(?:[.,]0+)?$"))
        .then(compact.str.replace(r"[.,]0+$", ""))
    )
    return pl.coalesce(scaled_value, plain.cast(pl.Int64, strict=False))


def phone_value(text: pl.Expr) -> pl.Expr:
    """An Indonesian mobile number as 08..., or null: 08..., +62 8..., 62 8..., 0062 8..., or 8... (a
    number cell, which drops the 0; "8123456789.0" when read as text); spaces, dots, dashes and brackets
    are ignored."""
    written = text.str.contains(r"^'?[0-9+ .\-()]+$")
    digits = text.str.replace(r"^'?(\d+)\.0$", "${1}").str.replace_all(r"[\s'.\-()]", "")
    mobile = digits.str.extract(r"^(?:\+62|0062|62|0)?(8\d{8,11})$", 1)
    return pl.when(written).then("0" + mobile)


def decile_value(text: pl.Expr) -> pl.Expr:
    number = text.str.extract(r"^\s*(\d{1,2})(?:[.,]0+)?\s*$", 1).cast(pl.Int8)
    return pl.when(number.is_between(1, 10)).then(number)


def _with_numbers(rows: pl.DataFrame) -> pl.DataFrame:
    """Income and welfare decile (few distinct values in a file), phone, KK."""
    for name, value in (("income", income_value), ("welfare_decile", decile_value)):
        text = tidy(pl.col(f"_in_{name}"))
        rows = _per_distinct(rows, [f"_in_{name}"], [value(text).alias(name), text.is_not_null().alias(f"_{name}_given")])
    text = pl.col("_in_phone")
    rows = _with_two_paths(rows, "_in_phone", "phone", plain=text.str.contains(r"^08\d{8,11}$"), slow=phone_value(text.str.strip_chars()))
    rows = rows.with_columns((text.str.strip_chars() != "").fill_null(False).alias("_phone_given"))
    return nik_frame.with_clean_nik(rows, "_in_kk", nik="kk", error="_kk_error", tmp="_kk")


# --- villages --------------------------------------------------------------------------------------

_VILLAGE_CODE = r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"
_PREFIX = r"^(?:%s) " % "|".join(LEVEL_PREFIXES)


def _with_village(rows: pl.DataFrame, context: Context) -> pl.DataFrame:
    """village_code and _village_problem, resolved once per distinct (village, district) text."""
    texts = rows.select("_in_village", "_in_district").unique()
    resolved = resolve_villages(texts.with_columns(_village_text_columns()), context)
    table = texts.hstack(resolved.select("village_code", "_village_problem")).with_columns(
        village_number(pl.col("village_code")).alias("_village_number")
    )
    return _attach(rows, ["_in_village", "_in_district"], table)


def _village_text_columns() -> list[pl.Expr]:
    """The village as written, and the district: after the first comma of the village, else its column."""
    village = tidy(pl.col("_in_village"))
    after_comma = tidy(village.str.split_exact(",", 2).struct.field("field_1"))
    return [
        tidy(village.str.split(",").list.first()).alias("_village_text"),
        pl.coalesce(after_comma, tidy(pl.col("_in_district"))).alias("_district_text"),
    ]


def resolve_villages(texts: pl.DataFrame, context: Context) -> pl.DataFrame:
    """village_code and _village_problem for each row of `texts` (columns _village_text, _district_text),
    in the same order.

    - A code: the village with that code; outside the regency is village.outside_regency.
    - With a district that is one of the regency's: the village of that name in that district.
    - With a district that is not: a village of that name in a district of that name elsewhere in the
      country is village.outside_regency; otherwise the district is taken for a typing error and the
      name is looked up alone.
    - A name alone: the regency's one village of that name; several is village.ambiguous. A name found
      only outside the regency is village.unknown: with no district, there is no telling where it is.
    Each name is tried as written first, then without a prefix (Desa, Ds, Kel, Kelurahan, ...), since
    "Desa Baru" may be a real name. Done on the distinct texts, a few hundred even in a big file.
    """
    villages = context.villages.select("code", "name_key", "district_code", "district_name_key")
    in_regency = villages.filter(pl.col("code").str.starts_with(context.regency + "."))
    outside = villages.filter(~pl.col("code").str.starts_with(context.regency + "."))
    t = texts.with_columns(
        place_key_expr("_village_text").alias("_vkey"),
        place_key_expr("_district_text").alias("_dkey"),
        pl.col("_village_text").str.replace_all(r"\s+", "").alias("_compact"),
    ).with_columns(
        pl.col("_vkey").str.replace(_PREFIX, "").alias("_vbare"),
        pl.col("_dkey").str.replace(_PREFIX, "").alias("_dbare"),
        pl.when(pl.col("_compact").str.contains(_VILLAGE_CODE)).then(pl.col("_compact"))
        .when(pl.col("_compact").str.contains(r"^\d{10}$"))
        .then(pl.concat_str(*(pl.col("_compact").str.slice(a, n) for a, n in ((0, 2), (2, 2), (4, 2), (6, 4))), separator="."))
        .alias("_code"),
    )
    districts = in_regency.select("district_code", "district_name_key").unique("district_code")
    t = (
        t.pipe(_first_match, districts, [("_dkey", "district_name_key")], [("_dbare", "district_name_key")],
               "_d", value="district_code")
        .with_columns(
            pl.coalesce(
                pl.col("_d_value"),
                pl.when(pl.col("_district_text").is_in(districts["district_code"].implode())).then(pl.col("_district_text")),
            ).alias("_district_code")
        )
        .pipe(_first_match, in_regency, [("_district_code", "district_code"), ("_vkey", "name_key")],
              [("_district_code", "district_code"), ("_vbare", "name_key")], "_in_district")
        .pipe(_first_match, in_regency, [("_vkey", "name_key")], [("_vbare", "name_key")], "_by_name")
        .pipe(_any_match, outside, [
            [("_dkey", "district_name_key"), ("_vkey", "name_key")],
            [("_dkey", "district_name_key"), ("_vbare", "name_key")],
            [("_dbare", "district_name_key"), ("_vkey", "name_key")],
            [("_dbare", "district_name_key"), ("_vbare", "name_key")],
        ], "_elsewhere")
        .join(villages.select(pl.col("code").alias("_code"), pl.lit(True).alias("_code_known")), on="_code", how="left",
              maintain_order="left")
    )
    code_given = pl.col("_code").is_not_null()
    code_in_regency = pl.col("_code").str.starts_with(context.regency + ".")
    district_given = pl.col("_district_text").is_not_null()
    in_district, by_name = pl.col("_in_district_n"), pl.col("_by_name_n")
    found = (
        pl.when(code_given).then(pl.when(pl.col("_code_known") & code_in_regency).then(pl.col("_code")))
        .when(pl.col("_district_code").is_not_null()).then(pl.when(in_district == 1).then(pl.col("_in_district_value")))
        .when(district_given & pl.col("_elsewhere")).then(_NULL_TEXT)
        .when(by_name == 1).then(pl.col("_by_name_value"))
    )
    problem = (
        pl.when(pl.col("_village_text").is_null()).then(pl.lit(VILLAGE_MISSING))
        .when(code_given).then(
            pl.when(pl.col("_code_known").is_null()).then(pl.lit(VILLAGE_UNKNOWN))
            .when(~code_in_regency).then(pl.lit(VILLAGE_OUTSIDE_REGENCY))
        )
        .when(pl.col("_district_code").is_not_null()).then(
            pl.when(in_district == 0).then(pl.lit(VILLAGE_UNKNOWN))
            .when(in_district > 1).then(pl.lit(VILLAGE_AMBIGUOUS))
        )
        .when(district_given & pl.col("_elsewhere")).then(pl.lit(VILLAGE_OUTSIDE_REGENCY))
        .when(by_name == 0).then(pl.lit(VILLAGE_UNKNOWN))
        .when(by_name > 1).then(pl.lit(VILLAGE_AMBIGUOUS))
    )
    return t.select("_village_text", "_district_text", found.alias("village_code"), problem.alias("_village_problem"))


def _first_match(texts: pl.DataFrame, table: pl.DataFrame, first: list, then: list, prefix: str, value: str = "code"):
    """Columns {prefix}_n (how many rows of `table` match) and {prefix}_value (the match when one): the
    matches on the `first` keys (pairs of text column, table column), or, when none, on the `then` keys."""
    def matches(keys, suffix):
        right = [r for _, r in keys]
        counted = table.group_by(right).agg(pl.len().alias(f"{prefix}_n{suffix}"), pl.col(value).first().alias(f"{prefix}_v{suffix}"))
        return texts.join(counted, left_on=[left for left, _ in keys], right_on=right, how="left", maintain_order="left")

    texts = matches(first, "1")
    texts = texts.hstack(matches(then, "2").select(f"{prefix}_n2", f"{prefix}_v2"))
    n1 = pl.col(f"{prefix}_n1").fill_null(0)
    return texts.with_columns(
        pl.when(n1 > 0).then(n1).otherwise(pl.col(f"{prefix}_n2").fill_null(0)).alias(f"{prefix}_n"),
        pl.when(n1 > 0).then(pl.col(f"{prefix}_v1")).otherwise(pl.col(f"{prefix}_v2")).alias(f"{prefix}_value"),
    ).drop(f"{prefix}_n1", f"{prefix}_v1", f"{prefix}_n2", f"{prefix}_v2")


def _any_match(texts: pl.DataFrame, table: pl.DataFrame, alternatives: list, name: str) -> pl.DataFrame:
    """Column `name`: whether any of the `alternatives` (lists of (text column, table column)) matches."""
    found = pl.lit(False)
    for i, keys in enumerate(alternatives):
        right = [r for _, r in keys]
        hits = table.select(right).unique().with_columns(pl.lit(True).alias(f"{name}_{i}"))
        texts = texts.join(hits, left_on=[left for left, _ in keys], right_on=right, how="left", maintain_order="left")
        found = found | pl.col(f"{name}_{i}").fill_null(False)
    return texts.with_columns(found.alias(name)).drop([f"{name}_{i}" for i in range(len(alternatives))])


# --- duplicates ------------------------------------------------------------------------------------

def _with_registered_person(rows: pl.DataFrame, registry: pl.DataFrame | None) -> pl.DataFrame:
    if registry is None:
        return rows.with_columns(pl.lit(None, dtype=pl.Int64).alias("registered_person_id"))
    known = registry.select(
        pl.col("nik").cast(pl.Int64, strict=False).alias("_nik_number"),
        pl.col("person_id").cast(pl.Int64).alias("registered_person_id"),
    ).drop_nulls("_nik_number")
    found = rows.select("_nik_number").join(known, on="_nik_number", how="left", maintain_order="left")
    if found.height != rows.height:
        # One active person per NIK is the registry's rule; should it not hold, the first one counts.
        found = rows.select("_nik_number").join(
            known.unique("_nik_number", keep="first", maintain_order=True), on="_nik_number", how="left",
            maintain_order="left",
        )
    return rows.hstack(found.drop("_nik_number"))


def _with_duplicates_in_file(rows: pl.DataFrame) -> pl.DataFrame:
    """duplicate_of_row: for the second and later rows with a NIK, the row number of the first."""
    first = pl.col("_row").first().over("_nik_number")
    first_pos = pl.col("_pos").first().over("_nik_number")
    return rows.with_columns(
        pl.when(pl.col("_nik_number").is_not_null() & (first_pos != pl.col("_pos"))).then(first).alias("duplicate_of_row")
    )


def village_number(code: pl.Expr) -> pl.Expr:
    """"32.16.04.2001" -> 3216042001."""
    return code.str.replace_all(".", "", literal=True).cast(pl.Int64, strict=False)


def block_key(birth_date: pl.Expr, village: pl.Expr) -> pl.Expr:
    """(birth date, village number) as one integer: days since 1970, then the village code's 10 digits."""
    return birth_date.cast(pl.Int32).cast(pl.Int64) * 10_000_000_000 + village


def _with_possible_duplicates(rows: pl.DataFrame, alike: pl.DataFrame) -> pl.DataFrame:
    in_file, registered = possible_duplicates(rows, alike)
    return (
        _attach(_attach(rows, ["_pos"], in_file), ["_pos"], registered)
        .with_columns(
            pl.col("possible_duplicate_rows").fill_null(pl.lit([], dtype=pl.List(pl.Int64))),
            pl.col("possible_duplicate_people").fill_null(pl.lit([], dtype=pl.List(pl.Int64))),
        )
    )


def possible_duplicates(rows: pl.DataFrame, alike: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Probably the same person under another NIK: (_pos, possible_duplicate_rows) for earlier rows of
    the file, and (_pos, possible_duplicate_people) for registered people.

    The pairs come from alike_pairs (same birth date and village, similar names), which needs no NIK and
    so runs while the NIKs are checked. Here the NIK has its say: two rows with the same valid NIK are
    duplicate.in_file, not a possible duplicate, and a row with a registered person's own NIK is that
    person (registered_person_id); a later row repeating an earlier NIK (duplicate.in_file) takes no
    part. A row whose NIK is missing or unreadable is compared with everyone.
    """
    nik, repeated = rows["_nik_number"], rows["duplicate_of_row"].is_not_null()
    in_file = alike.filter(pl.col("_other_pos").is_not_null())
    pos, other = in_file["_pos"], in_file["_other_pos"]
    in_file = in_file.filter(
        ~(nik.gather(pos) == nik.gather(other)).fill_null(False) & ~repeated.gather(pos) & ~repeated.gather(other)
    )
    in_file = in_file.select("_pos", rows["_row"].gather(in_file["_other_pos"]).alias("_other_row"))
    registered = alike.filter(pl.col("_person").is_not_null())
    pos = registered["_pos"]
    registered = registered.filter(~(nik.gather(pos) == registered["_other_nik"]).fill_null(False) & ~repeated.gather(pos))
    return (
        in_file.group_by("_pos").agg(pl.col("_other_row").unique().sort().alias("possible_duplicate_rows")),
        registered.group_by("_pos").agg(pl.col("_person").unique().sort().alias("possible_duplicate_people")),
    )


def alike_pairs(rows: pl.DataFrame, people: pl.DataFrame, people_blocks: pl.DataFrame) -> pl.DataFrame:
    """Pairs (_pos with an earlier _other_pos of the file, or with a registered _person) of the same birth
    date AND the same village (the block) whose names are alike (see _similar). Only pairs within a
    block are ever made, so the work grows with the file, not with its square. `people` and
    `people_blocks` (_block, _registered: how many) come from _registry_people."""
    candidates = rows.filter(pl.col("full_name").is_not_null()).select(
        "_pos", "full_name", block_key(pl.col("birth_date"), pl.col("_village_number")).alias("_block"),
    ).drop_nulls("_block")
    crowded = _crowded_blocks(candidates, people_blocks)
    roomy = candidates.join(crowded, on="_block", how="anti") if crowded.height else candidates
    pairs = [_pairs_in_file(roomy), _pairs_with_registry(roomy, people)]
    if crowded.height:
        pairs += [_crowded_pairs_in_file(candidates, crowded), _crowded_pairs_with_registry(candidates, people, crowded)]
    return _similar(pl.concat(pairs))


def _registry_people(registry: pl.DataFrame | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The registry as _person, full_name, _nik_number, _block; and how many people each block has."""
    people = _people_of(registry)
    return people, people.group_by("_block").len("_registered")


def _people_of(registry: pl.DataFrame | None) -> pl.DataFrame:
    schema = {"_person": pl.Int64, "full_name": pl.String, "_nik_number": pl.Int64, "_block": pl.Int64}
    if registry is None:
        return pl.DataFrame(schema=schema)
    villages = registry.select(pl.col("village_code").unique())
    numbers = villages.with_columns(village_number(pl.col("village_code")).alias("_village_number"))
    return registry.select(
        pl.col("person_id").cast(pl.Int64).alias("_person"),
        pl.col("full_name"),
        pl.col("nik").cast(pl.Int64, strict=False).alias("_nik_number"),
        block_key(
            pl.col("birth_date").cast(pl.Date),
            pl.col("village_code").replace_strict(numbers["village_code"], numbers["_village_number"], default=None),
        ).alias("_block"),
    ).drop_nulls(["_block", "full_name"]).cast(schema)


def _crowded_blocks(candidates: pl.DataFrame, people_blocks: pl.DataFrame) -> pl.DataFrame:
    """Blocks with too many pairs to compare every one: (_block)."""
    in_file = candidates.group_by("_block").len("_in_file")
    most_in_file, most_registered = in_file["_in_file"].max() or 0, people_blocks["_registered"].max() or 0
    if most_in_file * (most_in_file + most_registered) <= MAX_PAIRS_PER_BLOCK:
        return in_file.clear().select("_block")
    sizes = in_file.join(people_blocks, on="_block", how="left").with_columns(pl.col("_registered").fill_null(0))
    pairs = pl.col("_in_file") * (pl.col("_in_file") - 1) // 2 + pl.col("_in_file") * pl.col("_registered")
    return sizes.filter(pairs > MAX_PAIRS_PER_BLOCK).select("_block")


def _pairs_in_file(candidates: pl.DataFrame) -> pl.DataFrame:
    """Each row with every earlier row of its block."""
    pairs = candidates.join(candidates, on="_block", suffix="_other").filter(pl.col("_pos_other") < pl.col("_pos"))
    return _as_pairs_in_file(pairs)


def _pairs_with_registry(candidates: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    """Each row with every registered person of its block."""
    return _as_pairs_with_registry(candidates.join(people, on="_block", suffix="_other"))


def _crowded_pairs_in_file(candidates: pl.DataFrame, crowded: pl.DataFrame) -> pl.DataFrame:
    pairs = _crowded_pairs(candidates, candidates, crowded).filter(pl.col("_pos_other") < pl.col("_pos"))
    return _as_pairs_in_file(pairs)


def _crowded_pairs_with_registry(candidates: pl.DataFrame, people: pl.DataFrame, crowded: pl.DataFrame) -> pl.DataFrame:
    return _as_pairs_with_registry(_crowded_pairs(candidates, people, crowded))


def _crowded_pairs(left: pl.DataFrame, right: pl.DataFrame, crowded: pl.DataFrame) -> pl.DataFrame:
    """Pairs in crowded blocks with equal name keys: there, only exact twins are looked for."""
    def keyed(frame):
        frame = frame.join(crowded, on="_block", how="semi")
        return frame.with_columns(sorted_words(name_key_expr(pl.col("full_name"))).alias("_key")).filter(pl.col("_key") != "")

    return keyed(left).join(keyed(right), on=["_block", "_key"], suffix="_other").drop("_key")


_PAIR_SCHEMA = {
    "_pos": pl.UInt32, "full_name": pl.String, "_other_pos": pl.UInt32, "_person": pl.Int64, "_other_nik": pl.Int64,
    "_other_name": pl.String,
}


def _as_pairs_in_file(pairs: pl.DataFrame) -> pl.DataFrame:
    return pairs.select(
        "_pos", "full_name", pl.col("_pos_other").alias("_other_pos"), pl.lit(None, dtype=pl.Int64).alias("_person"),
        pl.lit(None, dtype=pl.Int64).alias("_other_nik"), pl.col("full_name_other").alias("_other_name"),
    ).cast(_PAIR_SCHEMA)


def _as_pairs_with_registry(pairs: pl.DataFrame) -> pl.DataFrame:
    return pairs.select(
        "_pos", "full_name", pl.lit(None, dtype=pl.UInt32).alias("_other_pos"), "_person",
        pl.col("_nik_number").alias("_other_nik"), pl.col("full_name_other").alias("_other_name"),
    ).cast(_PAIR_SCHEMA)


def _similar(pairs: pl.DataFrame) -> pl.DataFrame:
    """The pairs whose names are alike: equal name keys, or a rapidfuzz ratio of at least NAME_SIMILARITY
    between the keys with their words sorted (token_sort_ratio: "Aminah Siti") or as written (a typing
    error can change the order of the sorted words), or keys of at least 4 letters one typing error apart
    (a letter added, dropped, changed or two swapped: short names, where one letter weighs too much for
    the ratio)."""
    keys = _name_keys(pl.concat([pairs.select("full_name"), pairs.select(pl.col("_other_name").alias("full_name"))]).unique())
    other_keys = keys.rename({c: f"_other{c}" if c != "full_name" else "_other_name" for c in keys.columns})
    pairs = (
        pairs.join(keys, on="full_name", how="inner")
        .join(other_keys, on="_other_name", how="inner")
        .filter(_may_be_alike())
    )
    equal = pl.col("_key") == pl.col("_other_key")
    found, rest = [pairs.filter(equal)], pairs.filter(~equal)
    for scored in (_sorted_alike, _written_alike, _one_typing_error_apart):
        hits = scored(rest)
        found.append(rest.filter(hits))
        rest = rest.filter(~hits)
    return pl.concat(found).select("_pos", "_other_pos", "_person", "_other_nik")


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _name_keys(names: pl.DataFrame) -> pl.DataFrame:
    """For each name: its key, the key with its words sorted, its length, and which letters it has (a bit
    each); empty keys (a name of titles only) are left out."""
    key = pl.col("_key")
    letters = pl.sum_horizontal(
        key.str.contains(letter, literal=True).cast(pl.UInt32) * (1 << i) for i, letter in enumerate(_LETTERS)
    )
    return (
        names.lazy()
        .with_columns(name_key_expr(pl.col("full_name")).alias("_key"))
        .filter(key != "")
        .with_columns(
            sorted_words(key).alias("_sorted"),
            key.str.len_chars().cast(pl.Int32).alias("_length"),
            letters.alias("_letters"),
        )
        .collect()
    )


def _may_be_alike() -> pl.Expr:
    """A cheap test that no pair it rejects could pass the real ones. Turning one key into the other takes
    at least as many insertions and deletions as their lengths differ, and as many as there are letters
    found in only one of them; a single typing error changes the length by at most one and the set of
    letters by at most two."""
    a, b = pl.col("_length"), pl.col("_other_length")
    gap = (a - b).abs()
    letters_apart = (pl.col("_letters") ^ pl.col("_other_letters")).bitwise_count_ones().cast(pl.Int32)
    # The ratio is 100 * (1 - distance / total length).
    ratio_possible = 100 * pl.max_horizontal(gap, letters_apart) <= (100 - NAME_SIMILARITY) * (a + b)
    one_error_possible = (gap <= 1) & (letters_apart <= 2) & (a >= 4) & (b >= 4)
    return ratio_possible | one_error_possible


def _worth_scoring(pairs: pl.DataFrame, scorer, one: str, other: str, where: pl.Expr) -> pl.Series:
    """`scorer` on the pairs where `where` holds, False elsewhere."""
    hits = pl.Series([False]).extend_constant(False, pairs.height - 1) if pairs.height else pl.Series([], dtype=pl.Boolean)
    some = pairs.with_row_index("_i").filter(where)
    if some.height:
        hits = hits.scatter(some["_i"], scorer(some[one], some[other]))
    return hits


def _ratio_possible() -> pl.Expr:
    """Whether the ratio can reach NAME_SIMILARITY (see _may_be_alike)."""
    a, b = pl.col("_length"), pl.col("_other_length")
    return 100 * (a - b).abs() <= (100 - NAME_SIMILARITY) * (a + b)


def _sorted_alike(pairs: pl.DataFrame) -> pl.Series:
    return _worth_scoring(pairs, _ratio_at_least, "_sorted", "_other_sorted", _ratio_possible())


def _written_alike(pairs: pl.DataFrame) -> pl.Series:
    """The ratio as written, only where sorting changed a key (elsewhere it is the sorted ratio)."""
    reordered = (pl.col("_key") != pl.col("_sorted")) | (pl.col("_other_key") != pl.col("_other_sorted"))
    return _worth_scoring(pairs, _ratio_at_least, "_key", "_other_key", reordered & _ratio_possible())


def _one_typing_error_apart(pairs: pl.DataFrame) -> pl.Series:
    a, b = pl.col("_length"), pl.col("_other_length")
    return _worth_scoring(pairs, _at_most_one_edit, "_key", "_other_key", (a >= 4) & (b >= 4) & ((a - b).abs() <= 1))


def _at_most_one_edit(one: pl.Series, other: pl.Series) -> pl.Series:
    distances = process.cpdist(one.to_list(), other.to_list(), scorer=OSA.distance, score_cutoff=1, workers=-1)
    return pl.Series(distances) <= 1


def _ratio_at_least(one: pl.Series, other: pl.Series) -> pl.Series:
    scores = process.cpdist(
        one.to_list(), other.to_list(), scorer=fuzz.ratio, score_cutoff=NAME_SIMILARITY, workers=-1, dtype=np.uint8
    )
    return pl.Series(scores, dtype=pl.UInt8) >= NAME_SIMILARITY


# --- issues ----------------------------------------------------------------------------------------

def _rules(context: Context) -> list[tuple[str, str | pl.Expr, pl.Expr]]:
    """(code, column, condition) in the order issues of one row are listed."""
    nik_bits = pl.col("_nik_error_bits")
    nik = [(code, "nik", (nik_bits & nik_frame.BIT[code]) != 0) for code in nik_frame.ERROR_CODES]
    given = lambda name: pl.col(f"_{name}_given")  # noqa: E731
    village_problem = pl.col("_village_problem")
    return nik + [
        (NAME_MISSING, "full_name", pl.col("full_name").is_null()),
        (BIRTH_DATE_MISSING, "birth_date", ~pl.col("_birth_date_given")),
        (BIRTH_DATE_INVALID, "birth_date", pl.col("_birth_date_bad")),
        (AGE_OUT_OF_RANGE, "birth_date", ~pl.col("_age").is_between(context.age_min, context.age_max)),
        (SEX_INVALID, "sex", given("sex") & pl.col("_declared_sex").is_null()),
        *((code, "village", village_problem == code) for code in (
            VILLAGE_MISSING, VILLAGE_UNKNOWN, VILLAGE_AMBIGUOUS, VILLAGE_OUTSIDE_REGENCY)),
        (SEGMENT_UNKNOWN, pl.col("_segment_from"), pl.col("segment").is_null()),
        (INCOME_INVALID, "income", given("income") & pl.col("income").is_null()),
        (PHONE_INVALID, "phone", given("phone") & pl.col("phone").is_null()),
        (DECILE_INVALID, "welfare_decile", given("welfare_decile") & pl.col("welfare_decile").is_null()),
        (KK_INVALID, "kk", pl.col("_kk_error").is_not_null() & (pl.col("_kk_error") != nik_rules.EMPTY)),
        *((TEXT_TOO_LONG, column, pl.col(column).str.len_chars() > limit) for column, limit in TEXT_LIMITS.items()),
        (DUPLICATE_IN_FILE, "nik", pl.col("duplicate_of_row").is_not_null()),
        (DUPLICATE_POSSIBLE, "",
         (pl.col("possible_duplicate_rows").list.len() > 0) | (pl.col("possible_duplicate_people").list.len() > 0)),
    ]


SEVERITY = {DUPLICATE_POSSIBLE: REVIEW}


def _issues(rows: pl.DataFrame, context: Context) -> pl.DataFrame:
    rules = _rules(context)
    found = [
        rows.lazy().filter(condition.fill_null(False)).select(
            "_pos", "_row",
            (column if isinstance(column, pl.Expr) else pl.lit(column)).alias("column"),
            pl.lit(code).alias("code"),
            pl.lit(SEVERITY.get(code, ERROR)).alias("severity"),
            pl.lit(order, dtype=pl.Int32).alias("_order"),
        )
        for order, (code, column, condition) in enumerate(rules)
    ]
    return pl.concat(pl.collect_all(found)).sort("_pos", "_order").select(list(ISSUE_SCHEMA)).cast(ISSUE_SCHEMA)
