"""NIK (Nomor Induk Kependudukan) rules: clean, validate and decode. Pure functions, no ORM.

Layout (DOMAIN.md): PP KK CC DDMMYY SSSS — province, regency/city, district of the issuing office;
birth date with 40 added to the day for women; serial 0001-9999. No checksum.
"""
import math
import numbers
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

EMPTY = "nik.empty"
EXCEL_NUMBER = "nik.excel_number"
NOT_DIGITS = "nik.not_digits"
LENGTH = "nik.length"
REGION_UNKNOWN = "nik.region_unknown"
DATE_INVALID = "nik.date_invalid"
SERIAL_INVALID = "nik.serial_invalid"
BIRTH_DATE_MISMATCH = "nik.birth_date_mismatch"
SEX_MISMATCH = "nik.sex_mismatch"

MESSAGES: dict[str, tuple[str, str]] = {
    EMPTY: (
        "NIK belum diisi. Isi 16 digit NIK sesuai KTP atau Kartu Keluarga.",
        "The NIK is empty. Enter the 16-digit NIK shown on the ID card (KTP) or family card (KK).",
    ),
    EXCEL_NUMBER: (
        "NIK rusak oleh Excel (ditulis sebagai angka, sehingga digit terakhirnya hilang). "
        "Format kolom NIK sebagai Teks, lalu ketik ulang NIK dari KTP.",
        "The NIK was damaged by Excel (stored as a number, so its last digits were lost). "
        "Format the NIK column as Text, then type the NIK again from the ID card.",
    ),
    NOT_DIGITS: (
        "NIK hanya boleh berisi angka. Hapus huruf dan tanda lain (spasi, titik, dan tanda hubung boleh).",
        "The NIK may contain only digits. Remove letters and other characters "
        "(spaces, dots and dashes are allowed).",
    ),
    LENGTH: (
        "NIK harus tepat 16 digit. Periksa apakah ada digit yang hilang atau berlebih.",
        "The NIK must have exactly 16 digits. Check for missing or extra digits.",
    ),
    REGION_UNKNOWN: (
        "Kode wilayah pada NIK (6 digit pertama) tidak dikenal. Periksa kembali 6 digit pertama dengan KTP.",
        "The region code in the NIK (first 6 digits) is not a known district. "
        "Check the first 6 digits against the ID card.",
    ),
    DATE_INVALID: (
        "Tanggal lahir pada NIK (digit ke-7 sampai ke-12, format TTBBTT) bukan tanggal yang benar "
        "atau berada di masa depan. Untuk perempuan, tanggalnya ditambah 40. Periksa kembali dengan KTP.",
        "The birth date in the NIK (digits 7 to 12, as DDMMYY) is not a real date or is in the future. "
        "For women, 40 is added to the day. Check it against the ID card.",
    ),
    SERIAL_INVALID: (
        "Nomor urut pada NIK (4 digit terakhir) tidak boleh 0000. Periksa kembali dengan KTP.",
        "The serial number in the NIK (last 4 digits) cannot be 0000. Check it against the ID card.",
    ),
    BIRTH_DATE_MISMATCH: (
        "Tanggal lahir pada NIK tidak sama dengan tanggal lahir yang diisi. Periksa keduanya dengan KTP.",
        "The birth date in the NIK does not match the birth date entered. Check both against the ID card.",
    ),
    SEX_MISMATCH: (
        "Jenis kelamin pada NIK tidak sama dengan jenis kelamin yang diisi "
        "(pada NIK perempuan, tanggal lahir ditambah 40). Periksa keduanya dengan KTP.",
        "The sex in the NIK does not match the sex entered "
        "(in a woman's NIK, 40 is added to the birth day). Check both against the ID card.",
    ),
}

_LANGUAGE_INDEX = {"id": 0, "en": 1}


@dataclass(frozen=True, slots=True)
class NikError:
    code: str

    def message(self, language: str = "id") -> str:
        """The user-facing message; `language` is "id" or "en" (a region suffix like "en-us" is ignored)."""
        index = _LANGUAGE_INDEX.get(language[:2].lower())
        if index is None:
            raise ValueError(f"NIK messages exist in 'id' and 'en', not {language!r}")
        return MESSAGES[self.code][index]


@dataclass(frozen=True, slots=True)
class NikResult:
    input: object
    nik: str | None
    errors: tuple[NikError, ...]
    district_code: str | None = None
    birth_date: date | None = None
    sex: str | None = None
    serial: str | None = None

    @property
    def valid(self) -> bool:
        return not self.errors


# One shared instance per code: check_nik runs per row on large imports.
_ERRORS = {code: NikError(code) for code in MESSAGES}
_NO_ERRORS: tuple[NikError, ...] = ()
_EMPTY = (_ERRORS[EMPTY],)
_EXCEL_NUMBER = (_ERRORS[EXCEL_NUMBER],)
_NOT_DIGITS = (_ERRORS[NOT_DIGITS],)
_LENGTH = (_ERRORS[LENGTH],)

_SIXTEEN_DIGITS = re.compile(r"[0-9]{16}")
_DIGITS = re.compile(r"[0-9]+")
_SCIENTIFIC = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]*)?[eE][+-]?[0-9]+")
# str() of a float, or a spreadsheet number read as text: "3216010506900001.0" (comma: Indonesian locale).
_NUMBER_TEXT = re.compile(r"([0-9]+)[.,]0+")
_LEADING_APOSTROPHES = "'\u2018\u2019`"
# Separators people type inside a NIK, plus invisible characters that come with copy-paste.
_SEPARATORS = str.maketrans("", "", ".-\u2010\u2011\u2012\u2013\u2014\u200b\u200c\u200d\ufeff")
# Floats are exact integers only up to 2**53; above it a 16-digit value may already be rounded.
_FLOAT_EXACT_LIMIT = 2**53


def clean_nik(value) -> tuple[str | None, tuple[NikError, ...]]:
    """Normalise `value` to 16 digits, or say why it cannot be: (nik, ()) or (None, (error,))."""
    if type(value) is str:
        if _SIXTEEN_DIGITS.fullmatch(value):
            return value, _NO_ERRORS
        return _clean_text(value)
    if value is None:
        return None, _EMPTY
    if isinstance(value, bool):
        return None, _NOT_DIGITS
    if isinstance(value, numbers.Integral):
        return _clean_number_digits(str(int(value)))
    if isinstance(value, float):
        return _clean_float(value)
    if isinstance(value, Decimal):
        return _clean_decimal(value)
    if isinstance(value, numbers.Real):
        return _clean_float(float(value))
    if isinstance(value, str):
        return _clean_text(str(value))
    return None, _NOT_DIGITS


def _clean_text(text: str) -> tuple[str | None, tuple[NikError, ...]]:
    text = text.strip()
    if text and text[0] in _LEADING_APOSTROPHES:
        text = text[1:].strip()
    if not text:
        return None, _EMPTY
    number = _NUMBER_TEXT.fullmatch(text)
    if number:
        return _clean_number_digits(number.group(1).lstrip("0") or "0")
    compact = "".join(text.split())
    if _SCIENTIFIC.fullmatch(compact):
        return None, _EXCEL_NUMBER
    digits = compact.translate(_SEPARATORS)
    if not digits:
        # A cell holding only "-" or "." is a spreadsheet way of saying "nothing here".
        return None, _EMPTY
    if not _DIGITS.fullmatch(digits):
        return None, _NOT_DIGITS
    if len(digits) != 16:
        return None, _LENGTH
    return digits, _NO_ERRORS


def _clean_float(value: float) -> tuple[str | None, tuple[NikError, ...]]:
    if not math.isfinite(value) or not value.is_integer() or value < 0:
        return None, _NOT_DIGITS
    if value >= 1e16:
        return None, _LENGTH
    if value >= _FLOAT_EXACT_LIMIT:
        return None, _EXCEL_NUMBER
    return _clean_number_digits(str(int(value)))


def _clean_decimal(value: Decimal) -> tuple[str | None, tuple[NikError, ...]]:
    if not value.is_finite() or value != value.to_integral_value() or value < 0:
        return None, _NOT_DIGITS
    return _clean_number_digits(str(int(value)))


def _clean_number_digits(digits: str) -> tuple[str | None, tuple[NikError, ...]]:
    """Digits of a number (not text): Excel keeps 15 significant digits, so a 16th digit of 0 is lost."""
    if digits.startswith("-"):
        return None, _NOT_DIGITS
    if len(digits) != 16:
        return None, _LENGTH
    if digits[15] == "0":
        return None, _EXCEL_NUMBER
    return digits, _NO_ERRORS


_SEX_ALIASES = {
    "l": "L", "laki-laki": "L", "laki laki": "L", "lakilaki": "L", "laki": "L", "pria": "L",
    "m": "L", "male": "L",
    "p": "P", "perempuan": "P", "wanita": "P", "f": "P", "female": "P",
}


def normalise_sex(value) -> str | None:
    """Sex as "L" or "P" from the usual spellings (L/P, M/F, Laki-laki/Perempuan), else None."""
    if not isinstance(value, str):
        return None
    return _SEX_ALIASES.get(value.strip().lower())


def check_nik(
    value,
    *,
    known_districts,
    declared_birth_date: date | None = None,
    declared_sex: str | None = None,
    today: date | None = None,
) -> NikResult:
    """Clean, validate and decode `value`; every applicable error is reported, in a stable order."""
    nik, errors = clean_nik(value)
    if nik is None:
        return NikResult(value, None, errors)
    if today is None:
        today = date.today()
    if isinstance(declared_birth_date, datetime):
        declared_birth_date = declared_birth_date.date()

    district_code = f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}"
    coded_day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex, day = _decode_sex_and_day(coded_day)
    birth_date = _resolve_birth_date(day, month, yy, today) if sex else None
    serial = nik[12:16]

    found = []
    if district_code not in known_districts:
        found.append(_ERRORS[REGION_UNKNOWN])
    if birth_date is None:
        found.append(_ERRORS[DATE_INVALID])
    if serial == "0000":
        found.append(_ERRORS[SERIAL_INVALID])
    if birth_date is not None and declared_birth_date is not None:
        if _same_ddmmyy(birth_date, declared_birth_date):
            # The NIK only holds two year digits; the declared date knows the century.
            if declared_birth_date <= today:
                birth_date = declared_birth_date
        else:
            found.append(_ERRORS[BIRTH_DATE_MISMATCH])
    if sex is not None and declared_sex is not None:
        declared = normalise_sex(declared_sex)
        if declared is not None and declared != sex:
            found.append(_ERRORS[SEX_MISMATCH])

    return NikResult(value, nik, tuple(found), district_code, birth_date, sex, serial)


def _decode_sex_and_day(coded_day: int) -> tuple[str | None, int]:
    """Women have 40 added to the day of birth; a day outside 1-31 and 41-71 decodes to nothing."""
    if 1 <= coded_day <= 31:
        return "L", coded_day
    if 41 <= coded_day <= 71:
        return "P", coded_day - 40
    return None, coded_day


def _resolve_birth_date(day: int, month: int, yy: int, today: date) -> date | None:
    """20YY unless that is not a date or is after `today`, then 19YY; None if neither is a past date."""
    for century in (2000, 1900):
        try:
            candidate = date(century + yy, month, day)
        except ValueError:
            continue
        if candidate <= today:
            return candidate
    return None


def _same_ddmmyy(decoded: date, declared: date) -> bool:
    return (
        decoded.day == declared.day
        and decoded.month == declared.month
        and decoded.year % 100 == declared.year % 100
    )


def make_nik(district_code: str, birth_date: date, sex: str, serial: int) -> str:
    """The NIK a civil registry office in `district_code` ("32.16.04") would issue."""
    day = birth_date.day + (40 if sex == "P" else 0)
    return f"{district_code.replace('.', '')}{day:02d}{birth_date:%m%y}{serial:04d}"
