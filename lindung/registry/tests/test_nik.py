"""NIK rules (lindung.registry.nik): pure functions, so no database in these tests."""
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lindung.registry.nik import (
    BIRTH_DATE_MISMATCH,
    DATE_INVALID,
    EMPTY,
    EXCEL_NUMBER,
    LENGTH,
    MESSAGES,
    NOT_DIGITS,
    REGION_UNKNOWN,
    SERIAL_INVALID,
    SEX_MISMATCH,
    NikError,
    NikResult,
    check_nik,
    clean_nik,
    make_nik,
    normalise_sex,
)

KNOWN = frozenset({f"32.16.{n:02d}" for n in range(1, 24)} | {"32.75.01", "31.71.01"})
TODAY = date(2025, 6, 15)

MALE = "3216040506900001"  # 32.16.04, 5 June 1990, serial 0001
FEMALE = "3216044506900002"  # 32.16.04, 5 June 1990 (+40), serial 0002


def check(value, **kwargs) -> NikResult:
    kwargs.setdefault("known_districts", KNOWN)
    kwargs.setdefault("today", TODAY)
    return check_nik(value, **kwargs)


def codes(result_or_errors) -> list[str]:
    errors = getattr(result_or_errors, "errors", result_or_errors)
    return [error.code for error in errors]


def nik_with(district="321604", ddmmyy="050690", serial="0001") -> str:
    return f"{district}{ddmmyy}{serial}"


# --- messages ---------------------------------------------------------------------------------

ALL_CODES = [
    EMPTY, EXCEL_NUMBER, NOT_DIGITS, LENGTH, REGION_UNKNOWN, DATE_INVALID, SERIAL_INVALID,
    BIRTH_DATE_MISMATCH, SEX_MISMATCH,
]


def test_codes_are_the_stable_strings():
    assert ALL_CODES == [
        "nik.empty", "nik.excel_number", "nik.not_digits", "nik.length", "nik.region_unknown",
        "nik.date_invalid", "nik.serial_invalid", "nik.birth_date_mismatch", "nik.sex_mismatch",
    ]
    assert set(MESSAGES) == set(ALL_CODES)


@pytest.mark.parametrize("code", ALL_CODES)
def test_every_code_has_an_indonesian_and_an_english_message(code):
    indonesian, english = MESSAGES[code]
    assert indonesian.strip() and english.strip() and indonesian != english
    assert NikError(code).message() == indonesian
    assert NikError(code).message("id") == indonesian
    assert NikError(code).message("en") == english
    assert NikError(code).message("en-us") == english


def test_messages_are_all_different():
    assert len({indonesian for indonesian, _ in MESSAGES.values()}) == len(MESSAGES)
    assert len({english for _, english in MESSAGES.values()}) == len(MESSAGES)


def test_excel_message_tells_the_user_what_to_do():
    indonesian, english = MESSAGES[EXCEL_NUMBER]
    assert "Excel" in indonesian and "Teks" in indonesian
    assert "Excel" in english and "Text" in english


def test_unknown_language_is_refused():
    with pytest.raises(ValueError):
        NikError(EMPTY).message("fr")


# --- valid NIKs and decoding -------------------------------------------------------------------

def test_valid_male():
    result = check(MALE)
    assert result.valid and result.errors == ()
    assert result.nik == MALE
    assert result.district_code == "32.16.04"
    assert result.birth_date == date(1990, 6, 5)
    assert result.sex == "L"
    assert result.serial == "0001"


def test_valid_female_has_40_added_to_the_day():
    result = check(FEMALE)
    assert result.valid
    assert result.birth_date == date(1990, 6, 5)
    assert result.sex == "P"
    assert result.serial == "0002"


@pytest.mark.parametrize("coded_day, day, sex", [("01", 1, "L"), ("31", 31, "L"), ("41", 1, "P"), ("71", 31, "P")])
def test_day_range_edges(coded_day, day, sex):
    result = check(nik_with(ddmmyy=f"{coded_day}0190"))
    assert result.valid
    assert (result.birth_date, result.sex) == (date(1990, 1, day), sex)


def test_make_nik_matches_the_examples():
    assert make_nik("32.16.04", date(1990, 6, 5), "L", 1) == MALE
    assert make_nik("32.16.04", date(1990, 6, 5), "P", 2) == FEMALE


def test_input_is_kept_unchanged():
    value = " '3216.0405.0690.0001 "
    assert check(value).input is value
    number = 3216040506900001.0
    assert check(number).input is number
    assert check(None).input is None


def test_text_of_digits_ending_in_zero_is_fine():
    result = check(nik_with(serial="0010"))
    assert result.valid and result.serial == "0010"


def test_known_districts_may_be_any_container():
    assert check(MALE, known_districts={"32.16.04": "Kec. X"}).valid
    assert check(MALE, known_districts=["32.16.04"]).valid
    assert codes(check(MALE, known_districts=set())) == [REGION_UNKNOWN]


def test_today_defaults_to_the_real_today():
    assert check_nik(MALE, known_districts=KNOWN).valid


# --- cleaning ----------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [None, "", "   ", "\t\n", "'", " ’ ", "-", " . "])
def test_empty(value):
    assert clean_nik(value) == (None, (NikError(EMPTY),))
    result = check(value)
    assert codes(result) == [EMPTY]
    assert result.nik is result.district_code is result.birth_date is result.sex is result.serial is None


@pytest.mark.parametrize("value", [
    "'3216040506900001",
    "\u20193216040506900001",
    "\u20183216040506900001",
    " '3216040506900001 ",
    "3216 0405 0690 0001",
    "32.16.04.050690.0001",
    "3216-0405-0690-0001",
    "32 16 04 - 05 06 90 - 0001",
    "\t3216040506900001\n",
    "3216\u00a00405\u00a00690\u00a00001",
    "3216\u200b040506900001",
    "3216\u2013040506900001",
])
def test_apostrophe_whitespace_dots_and_dashes_are_removed(value):
    assert clean_nik(value) == (MALE, ())
    assert check(value).valid


@pytest.mark.parametrize("value", [
    "3.21601E+15",
    "3,21601E+15",
    "3.21604E+15",
    "3.216040506900001e15",
    "3216040506900001E0",
    " '3.21604E+15 ",
    "3,21604E15",
])
def test_scientific_notation_is_an_excel_number(value):
    assert codes(clean_nik(value)[1]) == [EXCEL_NUMBER]
    result = check(value)
    assert codes(result) == [EXCEL_NUMBER] and result.nik is None


@pytest.mark.parametrize("value", [
    3216040506900001,
    3216040506900001.0,
    Decimal("3216040506900001"),
    Decimal("3216040506900001.00"),
    "3216040506900001.0",
    "3216040506900001.00",
    "3216040506900001,0",
    " '3216040506900001.0 ",
])
def test_numeric_cell_with_all_16_digits_is_fine(value):
    assert clean_nik(value) == (MALE, ())
    assert check(value).valid


@pytest.mark.parametrize("value", [
    3216040506900010,
    3216040506900010.0,
    3216040506900000.0,
    Decimal("3216040506900010"),
    Decimal("3.21604050690001E+15"),
    "3216040506900010.0",
    "3216040506900000.0",
    "3216040506900010,00",
])
def test_numeric_cell_whose_16th_digit_is_zero_has_lost_its_last_digit(value):
    assert codes(clean_nik(value)[1]) == [EXCEL_NUMBER]


def test_float_above_exact_integer_range_may_already_be_rounded():
    # Papua NIKs (province 91-96) exceed 2**53, where floats cannot hold every odd integer.
    assert codes(clean_nik(9101010506900002.0)[1]) == [EXCEL_NUMBER]
    assert clean_nik(9101010506900001) == ("9101010506900001", ())
    assert clean_nik(Decimal("9101010506900001")) == ("9101010506900001", ())
    assert clean_nik("9101010506900001.0") == ("9101010506900001", ())


@pytest.mark.parametrize("value", [
    3216040506900001.5,
    -3216040506900001.0,
    -3216040506900001,
    Decimal("3216040506900001.5"),
    Decimal("-3216040506900001"),
    float("nan"),
    float("inf"),
    Decimal("NaN"),
    Decimal("Infinity"),
    True,
    "3216O40506900001",
    "NIK 3216040506900001",
    "3216/0405/0690/0001",
    "3216040506900001x",
    "3216'040506900001",
    "3216,0405,0690,0001",
    "\u0663216040506900001",  # Arabic-Indic digit three
    b"3216040506900001",
    ["3216040506900001"],
])
def test_not_digits(value):
    assert codes(clean_nik(value)[1]) == [NOT_DIGITS]


@pytest.mark.parametrize("value", [
    "321604050690001",  # 15 digits: a digit was dropped
    "32160405069000011",
    "3216",
    "0",
    321604050690001,
    32160405069000011,
    321604050690001.0,
    1e16,
    3.3e16,
    "321604050690001.0",
    "32160405069000011.0",
    "3216 0405 0690 001",
    "3216040506900001.5",  # as text the dot may be a separator: 17 digits
    Decimal("321604050690001"),
])
def test_length(value):
    assert codes(clean_nik(value)[1]) == [LENGTH]
    result = check(value)
    assert codes(result) == [LENGTH] and result.nik is None


def test_a_lone_dot_before_trailing_zeros_is_read_as_a_number():
    # "…001.0" is how a float prints; nobody groups a NIK's last digit on its own.
    assert codes(clean_nik("321604050690001.0")[1]) == [LENGTH]


# --- region, date and serial -------------------------------------------------------------------

def test_unknown_district_still_decodes():
    result = check(nik_with(district="329904"))
    assert codes(result) == [REGION_UNKNOWN]
    assert result.nik == "3299040506900001"
    assert result.district_code == "32.99.04"
    assert result.birth_date == date(1990, 6, 5) and result.sex == "L" and result.serial == "0001"


@pytest.mark.parametrize("ddmmyy", [
    "310290",  # 31 February
    "710290",  # 31 February, female
    "300290",
    "290201",  # 2001 and 1901 are not leap years
    "310490",  # 31 April
    "001090",  # day 00
    "350690",  # day 35
    "400690",  # day 40
    "720690",  # day 72
    "990690",
    "051390",  # month 13
    "050090",  # month 00
    "459990",
])
def test_date_invalid(ddmmyy):
    result = check(nik_with(ddmmyy=ddmmyy))
    assert codes(result) == [DATE_INVALID]
    assert result.nik is not None and result.birth_date is None
    assert result.district_code == "32.16.04" and result.serial == "0001"


@pytest.mark.parametrize("ddmmyy", ["350690", "400690", "720690", "000690"])
def test_day_outside_both_ranges_has_no_sex(ddmmyy):
    assert check(nik_with(ddmmyy=ddmmyy)).sex is None


def test_sex_is_still_read_when_only_the_month_is_wrong():
    assert check(nik_with(ddmmyy="451390")).sex == "P"


def test_serial_0000():
    result = check(nik_with(serial="0000"))
    assert codes(result) == [SERIAL_INVALID]
    assert result.serial == "0000" and result.nik == "3216040506900000"


def test_all_errors_among_region_date_and_serial_are_reported():
    result = check(nik_with(district="329904", ddmmyy="310290", serial="0000"))
    assert codes(result) == [REGION_UNKNOWN, DATE_INVALID, SERIAL_INVALID]
    assert not result.valid


# --- century and the future --------------------------------------------------------------------

@pytest.mark.parametrize("ddmmyy, expected", [
    ("150625", date(2025, 6, 15)),  # today itself
    ("160625", date(1925, 6, 16)),  # tomorrow in 2025 cannot be: 1925
    ("010124", date(2024, 1, 1)),
    ("311224", date(2024, 12, 31)),
    ("010126", date(1926, 1, 1)),
    ("010199", date(1999, 1, 1)),
    ("010100", date(2000, 1, 1)),
    ("550625", date(2025, 6, 15)),  # female, today
])
def test_century_is_the_latest_one_not_after_today(ddmmyy, expected):
    assert check(nik_with(ddmmyy=ddmmyy)).birth_date == expected


def test_century_follows_today():
    nik = nik_with(ddmmyy="010110")
    assert check(nik, today=date(2010, 1, 1)).birth_date == date(2010, 1, 1)
    assert check(nik, today=date(2009, 12, 31)).birth_date == date(1910, 1, 1)


def test_future_date_in_both_centuries_is_invalid():
    result = check(nik_with(ddmmyy="010696"), today=date(1995, 1, 1))
    assert codes(result) == [DATE_INVALID] and result.birth_date is None


def test_leap_day_29_02_00_is_2000():
    result = check(nik_with(ddmmyy="290200"))
    assert result.valid and result.birth_date == date(2000, 2, 29)
    assert check(nik_with(ddmmyy="690200")).birth_date == date(2000, 2, 29)


def test_leap_day_29_02_00_before_it_happened_is_invalid():
    # 2000-02-29 is still in the future and 1900 was not a leap year.
    assert codes(check(nik_with(ddmmyy="290200"), today=date(2000, 2, 28))) == [DATE_INVALID]


def test_leap_day_in_other_leap_years():
    assert check(nik_with(ddmmyy="290224")).birth_date == date(2024, 2, 29)
    assert check(nik_with(ddmmyy="290296")).birth_date == date(1996, 2, 29)


# --- declared birth date and sex ---------------------------------------------------------------

def test_declared_birth_date_that_matches():
    result = check(MALE, declared_birth_date=date(1990, 6, 5))
    assert result.valid and result.birth_date == date(1990, 6, 5)


def test_declared_birth_date_that_differs():
    result = check(MALE, declared_birth_date=date(1990, 6, 6))
    assert codes(result) == [BIRTH_DATE_MISMATCH]
    assert result.birth_date == date(1990, 6, 5)


@pytest.mark.parametrize("declared", [date(1991, 6, 5), date(1990, 5, 6), date(1990, 7, 5)])
def test_any_part_of_ddmmyy_differing_is_a_mismatch(declared):
    assert codes(check(MALE, declared_birth_date=declared)) == [BIRTH_DATE_MISMATCH]


def test_declared_birth_date_settles_the_century():
    nik = nik_with(ddmmyy="010124")
    assert check(nik).birth_date == date(2024, 1, 1)
    result = check(nik, declared_birth_date=date(1924, 1, 1))
    assert result.valid and result.birth_date == date(1924, 1, 1)


def test_declared_birth_date_in_the_future_does_not_override_the_century():
    result = check(nik_with(ddmmyy="010725"), declared_birth_date=date(2025, 7, 1))
    assert result.valid and result.birth_date == date(1925, 7, 1)


def test_declared_birth_date_may_be_a_datetime():
    assert check(MALE, declared_birth_date=datetime(1990, 6, 5, 8, 30)).valid


def test_invalid_date_is_not_also_a_birth_date_mismatch():
    result = check(nik_with(ddmmyy="310290"), declared_birth_date=date(1990, 2, 28))
    assert codes(result) == [DATE_INVALID]


def test_declared_sex_that_differs():
    assert codes(check(MALE, declared_sex="P")) == [SEX_MISMATCH]
    assert codes(check(FEMALE, declared_sex="L")) == [SEX_MISMATCH]


@pytest.mark.parametrize("declared, sex", [
    ("L", "L"), ("l", "L"), ("M", "L"), ("m", "L"), ("Laki-laki", "L"), ("LAKI-LAKI", "L"), (" laki-laki ", "L"),
    ("P", "P"), ("p", "P"), ("F", "P"), ("f", "P"), ("Perempuan", "P"), ("PEREMPUAN", "P"),
])
def test_declared_sex_is_normalised(declared, sex):
    assert normalise_sex(declared) == sex
    matching, other = (MALE, FEMALE) if sex == "L" else (FEMALE, MALE)
    assert check(matching, declared_sex=declared).valid
    assert codes(check(other, declared_sex=declared)) == [SEX_MISMATCH]


@pytest.mark.parametrize("declared", ["", "X", "?", None, 1])
def test_unrecognised_declared_sex_is_left_to_the_sex_field_check(declared):
    assert normalise_sex(declared) is None
    assert check(MALE, declared_sex=declared).valid


def test_both_declared_mismatches_with_other_errors():
    result = check(
        nik_with(district="329904", serial="0000"),
        declared_birth_date=date(1991, 6, 5),
        declared_sex="Perempuan",
    )
    assert codes(result) == [REGION_UNKNOWN, SERIAL_INVALID, BIRTH_DATE_MISMATCH, SEX_MISMATCH]


def test_declared_values_are_not_checked_when_the_nik_cannot_be_read():
    result = check("3.21604E+15", declared_birth_date=date(1991, 6, 5), declared_sex="P")
    assert codes(result) == [EXCEL_NUMBER]


# --- properties --------------------------------------------------------------------------------

districts = st.sampled_from(sorted(KNOWN))
birth_dates = st.dates(min_value=date(1930, 1, 1), max_value=TODAY)
sexes = st.sampled_from(["L", "P"])
serials = st.integers(min_value=1, max_value=9999)


@given(districts, birth_dates, sexes, serials)
def test_make_then_check_round_trips(district, birth_date, sex, serial):
    result = check(make_nik(district, birth_date, sex, serial), declared_birth_date=birth_date, declared_sex=sex)
    assert result.valid, codes(result)
    assert result.district_code == district
    assert result.birth_date == birth_date
    assert result.sex == sex
    assert result.serial == f"{serial:04d}"


@given(districts, birth_dates, sexes, serials)
def test_without_a_declared_date_the_century_is_the_latest_not_after_today(district, birth_date, sex, serial):
    decoded = check(make_nik(district, birth_date, sex, serial)).birth_date
    assert decoded is not None and decoded <= TODAY
    assert (decoded.day, decoded.month, decoded.year % 100) == (birth_date.day, birth_date.month, birth_date.year % 100)
    assert decoded.year - birth_date.year in (0, 100)
    assert decoded.year == birth_date.year or date(birth_date.year + 100, birth_date.month, birth_date.day) > TODAY


separators = st.sampled_from(["", "", "", " ", ".", "-", "  ", " - ", ". ", "\u00a0", "\u2013"])
edges = st.sampled_from(["", " ", "\t", "\n", "  "])
apostrophes = st.sampled_from(["", "'", "\u2019"])


@given(districts, birth_dates, sexes, serials, st.lists(separators, min_size=15, max_size=15),
       edges, apostrophes, edges)
def test_separators_apostrophe_and_whitespace_do_not_change_the_result(
    district, birth_date, sex, serial, gaps, before, apostrophe, after
):
    nik = make_nik(district, birth_date, sex, serial)
    core = nik[0] + "".join(gap + digit for gap, digit in zip(gaps, nik[1:]))
    # A single dot before trailing zeros is how a float prints, so it is read as a number.
    assume(not re.fullmatch(r"[0-9]+[.,]0+", core))
    decorated = f"{before}{apostrophe}{core}{after}"
    expected, actual = check(nik), check(decorated)
    assert actual.input == decorated
    assert (actual.nik, actual.errors, actual.district_code, actual.birth_date, actual.sex, actual.serial) == (
        expected.nik, expected.errors, expected.district_code, expected.birth_date, expected.sex, expected.serial
    )


nik_like_text = st.text(alphabet="0123456789 .,-'\u2019eE+x\t", max_size=25)
anything = st.one_of(
    st.none(),
    st.text(),
    nik_like_text,
    st.integers(),
    st.integers(min_value=10**15, max_value=10**16),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=1e15, max_value=1e16),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.booleans(),
)


@given(anything)
def test_clean_nik_never_raises_and_gives_16_digits_or_an_error(value):
    nik, errors = clean_nik(value)
    if nik is None:
        assert len(errors) >= 1 and all(error.code in MESSAGES for error in errors)
    else:
        assert errors == () and re.fullmatch(r"[0-9]{16}", nik)


@given(anything, st.one_of(st.none(), birth_dates), st.sampled_from([None, "L", "P", "x"]))
def test_check_nik_never_raises_and_valid_means_fully_decoded(value, declared_birth_date, declared_sex):
    result = check(value, declared_birth_date=declared_birth_date, declared_sex=declared_sex)
    assert result.valid == (result.errors == ())
    if result.valid:
        assert result.birth_date <= TODAY
        assert make_nik(result.district_code, result.birth_date, result.sex, int(result.serial)) == result.nik


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_any_16_digits_with_serial_0000_is_invalid(first_twelve):
    result = check(first_twelve + "0000")
    assert not result.valid
    assert SERIAL_INVALID in codes(result)


@given(st.integers(min_value=10**15, max_value=10**16 - 1))
def test_a_16_digit_number_is_kept_unless_its_last_digit_is_zero(number):
    nik, errors = clean_nik(number)
    if number % 10 == 0:
        assert (nik, codes(errors)) == (None, [EXCEL_NUMBER])
    else:
        assert (nik, errors) == (str(number), ())
