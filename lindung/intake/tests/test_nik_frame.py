"""The NIK rules over a Polars column (lindung.intake.nik_frame) give check_nik's results for every text."""
from datetime import date

import polars as pl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lindung.intake.nik_frame import BIT, ERROR_CODES, PARTS, PYTHON_WHITESPACE, error_codes, normalised_sex, with_nik_checks
from lindung.registry.nik import check_nik, normalise_sex

KNOWN = frozenset({f"32.16.{n:02d}" for n in range(1, 24)} | {"32.75.01", "31.71.01"})
TODAY = date(2025, 6, 15)


def frame_results(values, *, birth_dates=None, sexes=None, today=TODAY, known=KNOWN) -> list[tuple]:
    n = len(values)
    frame = pl.DataFrame(
        {
            "nik": pl.Series(values, dtype=pl.String),
            "birth_date": pl.Series(birth_dates or [None] * n, dtype=pl.Date),
            "sex": pl.Series(sexes or [None] * n, dtype=pl.String),
        }
    )
    out = with_nik_checks(
        frame, "nik", known_districts=known, today=today, declared_birth_date="birth_date", declared_sex="sex"
    )
    return out.select(
        "nik_nik", error_codes(pl.col("nik_error_bits")), "nik_district", "nik_birth_date", "nik_sex", "nik_serial"
    ).rows()


def python_results(values, *, birth_dates=None, sexes=None, today=TODAY, known=KNOWN) -> list[tuple]:
    n = len(values)
    results = []
    for value, birth_date, sex in zip(values, birth_dates or [None] * n, sexes or [None] * n):
        r = check_nik(value, known_districts=known, declared_birth_date=birth_date, declared_sex=sex, today=today)
        results.append((r.nik, [e.code for e in r.errors], r.district_code, r.birth_date, r.sex, r.serial))
    return results


# --- generated inputs: NIKs as they come out of spreadsheets -------------------------------------------

districts = st.sampled_from(sorted(KNOWN) + ["32.16.99", "99.99.99", "00.00.00", "32.17.01"])
two_digits = st.integers(0, 99).map(lambda n: f"{n:02d}")
coded_days = st.one_of(
    st.integers(1, 31), st.integers(41, 71), st.sampled_from([0, 32, 35, 40, 72, 99])
).map(lambda n: f"{n:02d}")
months = st.one_of(st.integers(1, 12), st.sampled_from([0, 13, 99])).map(lambda n: f"{n:02d}")
serials = st.one_of(st.just("0000"), st.integers(0, 9999).map(lambda n: f"{n:04d}"))


@st.composite
def niks(draw) -> str:
    district = draw(districts).replace(".", "")
    return district + draw(coded_days) + draw(months) + draw(two_digits) + draw(serials)


NOISE = [" ", "  ", ".", "-", "\u2013", "\u200b", "\ufeff", "\t", "\xa0", "\x1c", "\u3000"]
LETTERS = ["O", "l", "a", "x", "E", "/", "_", ",", "+"]


@st.composite
def mangled(draw, nik: str) -> str:
    """A NIK after Excel and people: numbers, scientific notation, separators, apostrophes, lost digits."""
    kind = draw(st.sampled_from([
        "plain", "float", "float_comma", "scientific", "separated", "apostrophe", "short", "long",
        "letter", "padded", "leading_zeros", "truncated_float",
    ]))
    if kind == "float":
        return nik.lstrip("0") + "." + "0" * draw(st.integers(1, 3))
    if kind == "float_comma":
        return nik + ",0"
    if kind == "scientific":
        mantissa = f"{nik[0]}.{nik[1:draw(st.integers(2, 15))]}"
        return mantissa + draw(st.sampled_from(["E+15", "e+15", "E15", "E+16", "e-3"]))
    if kind == "separated":
        positions = sorted(draw(st.lists(st.integers(1, 15), max_size=5, unique=True)), reverse=True)
        out = nik
        for p in positions:
            out = out[:p] + draw(st.sampled_from(NOISE)) + out[p:]
        return out
    if kind == "apostrophe":
        return draw(st.sampled_from(["'", "\u2018", "\u2019", "`", " '", "''"])) + draw(st.sampled_from(["", " "])) + nik
    if kind == "short":
        return nik[:15]
    if kind == "long":
        return nik + draw(st.sampled_from("0123456789"))
    if kind == "letter":
        p = draw(st.integers(0, 15))
        return nik[:p] + draw(st.sampled_from(LETTERS)) + nik[p + 1:]
    if kind == "padded":
        return draw(st.sampled_from(NOISE)) + nik + draw(st.sampled_from(NOISE))
    if kind == "leading_zeros":
        return "0" * draw(st.integers(1, 3)) + nik + draw(st.sampled_from(["", ".0"]))
    if kind == "truncated_float":
        return nik[:15] + "0.0"
    return nik


texts = st.one_of(
    niks().flatmap(mangled),
    st.text(alphabet=st.sampled_from("0123456789 .,-'eE+\u2019\x1c\xa0"), max_size=22),
    st.text(max_size=20),
    st.sampled_from(["", " ", "-", ".", "'", "\u2019 ", "3.21601E+15", "3216010506900000.0", "0.0", ".0"]),
)
declared_dates = st.one_of(st.none(), st.dates(date(1890, 1, 1), date(2040, 12, 31)))
declared_sexes = st.one_of(
    st.none(),
    st.sampled_from(["L", "P", "l ", " p", "Laki-laki", "PEREMPUAN", "Pria", "wanita", "M", "F", "Male", "x", ""]),
    st.text(max_size=6),
)


@st.composite
def rows(draw):
    value = draw(texts)
    birth_date = draw(declared_dates)
    if birth_date is None and draw(st.booleans()):
        # The date the NIK itself holds, in one century or the other: the interesting cases.
        result = check_nik(value, known_districts=KNOWN, today=TODAY)
        if result.birth_date:
            shift = draw(st.sampled_from([0, -100, 100]))
            birth_date = result.birth_date.replace(year=result.birth_date.year + shift) if (
                result.birth_date.month, result.birth_date.day) != (2, 29) else result.birth_date
    return value, birth_date, draw(declared_sexes)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows(), min_size=1, max_size=25), st.dates(date(1995, 1, 1), date(2035, 12, 31)))
@example([("3216040506900001", date(1990, 6, 5), "L")], TODAY)
@example([("3.21601E+15", None, None), ("3216010506900000.0", None, None)], TODAY)
@example([("'3216 0405.0690-0001", None, None), ("\x1c3216040506900001\x1c", None, None)], TODAY)
@example([("3216042902000001", None, None), ("3216046902000001", date(2000, 2, 29), "P")], date(2000, 2, 28))
def test_frame_gives_check_niks_results_for_every_text(batch, today):
    values, birth_dates, sexes = (list(column) for column in zip(*batch))
    kwargs = dict(birth_dates=birth_dates, sexes=sexes, today=today)
    assert frame_results(values, **kwargs) == python_results(values, **kwargs)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), declared_sexes), min_size=1, max_size=20))
def test_normalised_sex_is_normalise_sex(values):
    frame = pl.DataFrame({"sex": pl.Series(values, dtype=pl.String)})
    assert frame.select(normalised_sex(pl.col("sex")))["sex"].to_list() == [normalise_sex(v) for v in values]


# --- named cases: the rules the property test covers, spelled out ---------------------------------------

@pytest.mark.parametrize("value, codes, nik", [
    ("3216040506900001", [], "3216040506900001"),
    ("'3216 0405 0690 0001", [], "3216040506900001"),
    ("3216.0405.0690.0001", [], "3216040506900001"),
    ("3216-0405-0690-0001", [], "3216040506900001"),
    ("3216040506900001.0", [], "3216040506900001"),
    (None, ["nik.empty"], None),
    ("  ", ["nik.empty"], None),
    ("-", ["nik.empty"], None),
    ("3.21601E+15", ["nik.excel_number"], None),
    ("3216010506900000.0", ["nik.excel_number"], None),
    ("32160405069O0001", ["nik.not_digits"], None),
    ("321604050690001", ["nik.length"], None),
    ("32160405069000011", ["nik.length"], None),
    ("9916040506900001", ["nik.region_unknown"], "9916040506900001"),
    ("3216043206900001", ["nik.date_invalid"], "3216043206900001"),
    ("3216040513900001", ["nik.date_invalid"], "3216040513900001"),
    ("3216040506900000", ["nik.serial_invalid"], "3216040506900000"),
    ("9916043206900000", ["nik.region_unknown", "nik.date_invalid", "nik.serial_invalid"], "9916043206900000"),
])
def test_named_cases(value, codes, nik):
    [(found_nik, found_codes, *_)] = frame_results([value])
    assert (found_nik, found_codes) == (nik, codes)


def test_women_have_40_added_to_the_day():
    [(nik, codes, district, birth_date, sex, serial)] = frame_results(["3216044506900002"])
    assert (codes, district, birth_date, sex, serial) == ([], "32.16.04", date(1990, 6, 5), "P", "0002")


def test_declared_birth_date_and_sex_are_compared():
    results = frame_results(
        ["3216040506900001", "3216040506900001", "3216040506900001"],
        birth_dates=[date(1990, 6, 6), date(1990, 6, 5), None],
        sexes=[None, "Perempuan", "L"],
    )
    assert [codes for _, codes, *_ in results] == [["nik.birth_date_mismatch"], ["nik.sex_mismatch"], []]


def test_declared_birth_date_settles_the_century():
    [result] = frame_results(["3216040506200001"], birth_dates=[date(1920, 6, 5)])
    assert result[1] == [] and result[3] == date(1920, 6, 5)


def test_century_is_the_latest_not_after_today():
    results = frame_results(["3216040506250001", "3216040506260001"], today=TODAY)
    assert [r[3] for r in results] == [date(2025, 6, 5), date(1926, 6, 5)]


def test_python_whitespace_is_what_str_strip_removes():
    assert "\x1c" in PYTHON_WHITESPACE and "\u200b" not in PYTHON_WHITESPACE
    assert "".join(PYTHON_WHITESPACE.split()) == ""


def test_works_on_a_lazy_frame_and_keeps_other_columns():
    lazy = pl.LazyFrame({"x": [1], "nik": ["3216040506900001"]})
    out = with_nik_checks(lazy, "nik", known_districts=KNOWN, today=TODAY, prefix="n_").collect()
    assert sorted(out.columns) == sorted(["x", "nik"] + [f"n_{part}" for part in PARTS])
    assert out["n_birth_date"].to_list() == [date(1990, 6, 5)]


def test_error_bits_follow_check_niks_order():
    assert list(BIT) == list(ERROR_CODES)
    assert sorted(BIT.values()) == [1 << i for i in range(len(ERROR_CODES))]


def test_a_million_values_take_well_under_a_second():
    import time

    values = pl.Series("nik", [f"32160405069{n:05d}" for n in range(1, 100_001)] * 10)
    started = time.perf_counter()
    with_nik_checks(pl.LazyFrame({"nik": values}), "nik", known_districts=KNOWN, today=TODAY).collect()
    assert time.perf_counter() - started < 2.0  # about 0.3 s on 2 cores; room for a busy machine


def test_normalised_sex_and_no_district_give_the_same_checks():
    frame = pl.DataFrame({"nik": ["3216040506900001", "3216044506900002", "9916040506900001"], "sex": ["P", "P", None]})
    plain = with_nik_checks(frame, "nik", known_districts=KNOWN, today=TODAY, declared_sex="sex")
    lean = with_nik_checks(
        frame, "nik", known_districts=KNOWN, today=TODAY, declared_sex="sex", sex_is_normalised=True, with_district=False
    )
    assert "nik_district" not in lean.columns
    assert lean.drop("nik_district", strict=False).equals(plain.drop("nik_district"))
    assert lean.select(error_codes(pl.col("nik_error_bits")).alias("codes"))["codes"].to_list() == [
        ["nik.sex_mismatch"], [], ["nik.region_unknown"],
    ]
