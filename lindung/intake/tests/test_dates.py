"""Date parsing (lindung.intake.dates): one vectorised expression, no database."""
from datetime import date, timedelta

import polars as pl
import pytest
import python_calamine
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from lindung.intake.dates import MONTHS, parse_dates

TODAY = date(2026, 11, 25)


def parsed(*texts, today=TODAY):
    frame = pl.DataFrame({"text": list(texts)}, schema={"text": pl.String})
    return frame.select(parse_dates("text", today=today)).to_series().to_list()


def one(text, today=TODAY):
    return parsed(text, today=today)[0]


AUGUST_17 = date(1985, 8, 17)


@pytest.mark.parametrize(
    "text",
    [
        "17/08/1985", "17-08-1985", "17.08.1985", "17 / 08 / 1985", " 17/08/1985 ", "17/8/1985",
        "1985-08-17", "1985/08/17", "1985.08.17", "1985-8-17", "1985-08-17 00:00:00", "1985-08-17T10:30:00",
        "1985-08-17 10:30", "1985-08-17T00:00:00Z", "1985-08-17 00:00:00.000", "17/08/1985 00:00:00",
        "31276", "31276.0", "31276.75",
        "17 Agustus 1985", "17 AGUSTUS 1985", "17 agustus 1985", "17 Agt 1985", "17 Agt. 1985", "17-Agu-85",
        "17-Agu-1985", "17 Ags 1985", "17-Aug-1985", "17 August 1985", "17-aug-85", "17 Aug, 1985",
        "August 17, 1985", "Aug 17 1985", "Aug. 17th, 1985", "17/08/85", "17-08-85",
    ],
)
def test_17_august_1985_written_every_way(text):
    assert one(text) == AUGUST_17


@pytest.mark.parametrize(
    "text, expected",
    [
        ("5 Januari 1990", date(1990, 1, 5)), ("5 Jan 1990", date(1990, 1, 5)),
        ("5 Februari 1990", date(1990, 2, 5)), ("5 Pebruari 1990", date(1990, 2, 5)),
        ("5 Peb 1990", date(1990, 2, 5)), ("5 Maret 1990", date(1990, 3, 5)), ("5 March 1990", date(1990, 3, 5)),
        ("5 April 1990", date(1990, 4, 5)), ("5 Mei 1990", date(1990, 5, 5)), ("5 May 1990", date(1990, 5, 5)),
        ("5 Juni 1990", date(1990, 6, 5)), ("5 Juli 1990", date(1990, 7, 5)), ("5 Sept 1990", date(1990, 9, 5)),
        ("5 Oktober 1990", date(1990, 10, 5)), ("5 Okt 1990", date(1990, 10, 5)),
        ("5 Nopember 1990", date(1990, 11, 5)), ("5 Nop 1990", date(1990, 11, 5)),
        ("5 Desember 1990", date(1990, 12, 5)), ("5 Des 1990", date(1990, 12, 5)), ("5 Dec 1990", date(1990, 12, 5)),
        ("29/02/2000", date(2000, 2, 29)), ("29/02/1988", date(1988, 2, 29)), ("31/12/1999", date(1999, 12, 31)),
    ],
)
def test_month_names_in_indonesian_and_english(text, expected):
    assert one(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        None, "", "   ", "abc", "-", "30/02/1985", "29/02/1985", "31/04/1990", "00/08/1985", "17/00/1985",
        "17/13/1985", "32/01/1985",
        # Month first is not how Indonesia writes dates, so it is not guessed.
        "08/17/1985",
        # A year alone is not a date, as text or as a number cell's text.
        "1985", "1985.0", "0", "0.0", "60", "2958466", "-31276", "31276abc",
        "17 Foo 1985", "17 Agustus", "Agustus 1985", "85-08-17", "1985-13-01", "17/08/198", "117/08/1985",
        "0985-08-17", "17/08/01985",
        # Only our own rewritten form would parse these; input is lower-cased first.
        "D1985-08-17", "#1985-08-17",
    ],
)
def test_not_dates(text):
    assert one(text) is None


def test_excel_serials_count_the_29_february_1900_that_never_was():
    assert parsed("1", "59", "60", "61", "31276", "45658", "2958465") == [
        date(1900, 1, 1), date(1900, 2, 28), None, date(1900, 3, 1), AUGUST_17, date(2025, 1, 1), date(9999, 12, 31),
    ]


def test_serials_agree_with_a_real_spreadsheet_reader(tmp_path):
    serials = [61, 1000 * 10 + 7, 25569, 31276, 36526, 44197, 45658, 73050]
    path = tmp_path / "serials.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for row, serial in enumerate(serials):
        sheet.write_number(row, 0, serial, date_format)
    workbook.close()
    with open(path, "rb") as file:
        cells = python_calamine.CalamineWorkbook.from_filelike(file).get_sheet_by_index(0).to_python()
    assert parsed(*map(str, serials)) == [row[0] for row in cells]


def test_two_digit_years_take_the_latest_century_not_after_today():
    assert parsed("17/08/85", "17/08/05", "25/11/26", "26/11/26", "17-Agu-00", today=TODAY) == [
        date(1985, 8, 17), date(2005, 8, 17), date(2026, 11, 25), date(1926, 11, 26), date(2000, 8, 17),
    ]
    assert one("17/08/05", today=date(2005, 8, 16)) == date(1905, 8, 17)


def test_today_defaults_to_the_current_date():
    yy = date.today().year % 100
    assert parsed(f"01/01/{yy:02d}", today=None) == [date(date.today().year, 1, 1)]


def test_an_expression_or_a_column_name_and_the_name_is_kept():
    frame = pl.DataFrame({"birth_date": ["17/08/1985", None, "x"]})
    by_name = frame.select(parse_dates("birth_date"))
    by_expression = frame.select(parse_dates(pl.col("birth_date")))
    assert by_name.columns == by_expression.columns == ["birth_date"]
    assert by_name.schema["birth_date"] == pl.Date
    assert by_name.to_series().to_list() == [AUGUST_17, None, None]
    assert by_expression.equals(by_name)


def test_works_in_a_lazy_query_and_with_other_columns():
    frame = pl.LazyFrame({"_row": [4, 5, 6], "tgl": ["17/08/1985", "1985-08-17", "31276"]})
    result = frame.with_columns(parse_dates("tgl").alias("born")).collect()
    assert result["born"].to_list() == [AUGUST_17] * 3
    assert result.columns == ["_row", "tgl", "born"]


def test_an_empty_column_and_an_all_null_column():
    assert pl.DataFrame({"d": []}, schema={"d": pl.String}).select(parse_dates("d")).height == 0
    frame = pl.DataFrame({"d": [None, None]}, schema={"d": pl.String})
    assert frame.select(parse_dates("d")).to_series().to_list() == [None, None]


def test_many_repeated_values_parse_like_one():
    frame = pl.DataFrame({"d": ["17/08/1985", "1985-08-17", "bukan tanggal", None] * 25_000})
    result = frame.select(parse_dates("d")).to_series()
    assert result.len() == 100_000
    assert result.null_count() == 50_000
    assert result.drop_nulls().unique().to_list() == [AUGUST_17]


def test_every_month_name_is_lower_case_and_maps_to_a_month():
    assert all(name == name.lower() and 1 <= number <= 12 for name, number in MONTHS.items())
    assert {number for number in MONTHS.values()} == set(range(1, 13))


INDONESIAN_MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
                     "Oktober", "November", "Desember"]
SHORT_INDONESIAN = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agt", "Sep", "Okt", "Nov", "Des"]


def _excel_serial(day: date) -> int:
    return (day - date(1899, 12, 30)).days


def _formats(day: date) -> list[str]:
    """`day` written in every way the parser promises to read, four-digit years."""
    d, m, y = day.day, day.month, day.year
    return [
        f"{d:02d}/{m:02d}/{y}", f"{d}/{m}/{y}", f"{d:02d}-{m:02d}-{y}", f"{d:02d}.{m:02d}.{y}",
        day.isoformat(), f"{day.isoformat()} 00:00:00", f"{day.isoformat()}T12:34:56",
        f"{d} {INDONESIAN_MONTHS[m - 1]} {y}", f"{d} {INDONESIAN_MONTHS[m - 1].upper()} {y}",
        f"{d} {SHORT_INDONESIAN[m - 1]} {y}", f"{d:02d}-{SHORT_INDONESIAN[m - 1]}-{y}",
        day.strftime("%d %B %Y"), day.strftime("%d-%b-%Y"), day.strftime("%B %d, %Y"),
        str(_excel_serial(day)), f"{_excel_serial(day)}.0",
    ]


@settings(max_examples=300)
@given(st.dates(min_value=date(1927, 5, 18), max_value=date(2199, 12, 31)))
def test_any_date_written_any_supported_way_parses_back_to_itself(day):
    texts = _formats(day)
    assert parsed(*texts) == [day] * len(texts)


@settings(max_examples=300)
@given(st.dates(min_value=TODAY - timedelta(days=365 * 100 - 30), max_value=TODAY))
def test_any_date_of_the_last_century_with_a_two_digit_year_parses_back(day):
    yy = day.year % 100
    texts = [
        f"{day.day:02d}/{day.month:02d}/{yy:02d}", f"{day.day}-{day.month}-{yy:02d}",
        f"{day.day:02d}-{SHORT_INDONESIAN[day.month - 1]}-{yy:02d}", day.strftime("%d-%b-%y"),
    ]
    assert parsed(*texts, today=TODAY) == [day] * len(texts)


@given(st.lists(st.one_of(st.none(), st.text(max_size=30)), max_size=50))
def test_any_text_gives_a_date_or_null_and_never_fails(texts):
    result = parsed(*texts)
    assert len(result) == len(texts)
    assert all(value is None or isinstance(value, date) for value in result)
