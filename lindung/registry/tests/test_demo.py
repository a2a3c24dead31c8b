"""The synthetic register generator (registry/demo.py). No database."""
import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lindung.regions
from lindung.registry.demo import SCHEMA, SEGMENTS, generate_register

TODAY = date(2025, 7, 1)
MIN_AGE, MAX_AGE = 18, 64
WILAYAH = Path(lindung.regions.__file__).parent / "data" / "wilayah.csv"
RURAL_RICE = ("32.16.03", "32.16.04", "32.16.13", "32.16.14", "32.16.16")  # Sukawangi .. Cabangbungin
TAMBUN_SELATAN = "32.16.06"
COAST = ("32.16.01", "32.16.02", "32.16.17")  # Tarumajaya, Babelan, Muaragembong
SMALL_VILLAGES = [("91.01.01.2001", "Alpha"), ("91.01.01.2002", "Beta"), ("91.01.02.1001", "Gamma")]


@pytest.fixture(scope="module")
def regions():
    table = pl.read_csv(WILAYAH, infer_schema=False)
    villages = table.filter(pl.col("code").str.contains(r"^32\.16\.\d\d\.\d{4}$"))
    # Districts of Jakarta, Karawang, Indramayu, Brebes and Tegal: where migrants' NIKs come from.
    others = table.filter(pl.col("code").str.contains(r"^(31\.7\d|32\.15|32\.12|33\.29|33\.28)\.\d\d$"))
    return list(villages.iter_rows()), others["code"].to_list()


@pytest.fixture(scope="module")
def register(regions):
    villages, others = regions
    return generate_register(villages=villages, other_districts=others, today=TODAY)


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def decode_nik(nik: str) -> tuple[str, tuple[int, int, int], str, int]:
    """(district digits, (day, month, two-digit year) of birth, sex, serial)."""
    day = int(nik[6:8])
    sex = "P" if day > 40 else "L"
    return nik[:6], (day - 40 if sex == "P" else day, int(nik[8:10]), int(nik[10:12])), sex, int(nik[12:])


def kk_issue_date(kk: str, today: date) -> date:
    """A KK is never older than its holder (< 100 years), so the century is the latest not after today."""
    year = today.year - (today.year - int(kk[10:12])) % 100
    return date(year, int(kk[8:10]), int(kk[6:8]))


def assert_valid_register(df: pl.DataFrame, villages, other_districts, workers: int, farmers: int, today=TODAY):
    """Everything a register must satisfy, whatever its size or seed."""
    assert df.schema == pl.Schema(SCHEMA)
    assert df.height == workers
    assert (df["segment"] == "farmer").sum() == farmers
    assert set(df["segment"]) <= set(SEGMENTS)
    assert set(df["village_code"]) <= {code for code, _ in villages}
    assert df["nik"].n_unique() == workers
    kks = df["kk"].drop_nulls()
    assert kks.n_unique() == kks.len()
    assert not set(kks) & set(df["nik"])
    issuers = {code.replace(".", "") for code in other_districts}
    for row in df.iter_rows(named=True):
        born, residence = row["birth_date"], row["village_code"][:8].replace(".", "")
        assert MIN_AGE <= age_on(born, today) <= MAX_AGE
        assert re.fullmatch(r"\d{16}", row["nik"])
        district, (day, month, yy), sex, serial = decode_nik(row["nik"])
        assert (day, month, yy, sex) == (born.day, born.month, born.year % 100, row["sex"])
        assert 1 <= serial <= 9999
        assert district == residence or district in issuers
        if row["kk"] is not None:
            assert re.fullmatch(r"\d{16}", row["kk"])
            assert row["kk"][:6] == residence
            issued = kk_issue_date(row["kk"], today)
            assert age_on(born, issued) >= 17 and issued <= today
            assert 1 <= int(row["kk"][12:]) <= 9999
        if row["phone"] is not None:
            assert re.fullmatch(r"08\d{8,11}", row["phone"])
        assert row["income"] > 0 and row["income"] % 1000 == 0
        assert row["welfare_decile"] is None or 1 <= row["welfare_decile"] <= 10
        assert row["sex"] in ("L", "P")
        assert 1 <= len(row["full_name"].split()) <= 3
        assert row["full_name"] == " ".join(w[:1].upper() + w[1:] for w in row["full_name"].split())
        assert row["address"] and row["occupation"] and row["birth_place"]


def test_default_run_is_the_bekasi_programme(register, regions):
    assert register.height == 75_903
    assert (register["segment"] == "farmer").sum() == 28_800
    assert_valid_register(register, *regions, workers=75_903, farmers=28_800)


def test_every_segment_is_present_with_fitting_occupations(register):
    assert set(register["segment"]) == set(SEGMENTS)
    occupations = register.group_by("segment").agg(pl.col("occupation").unique())
    by_segment = dict(occupations.iter_rows())
    assert "Petani padi" in by_segment["farmer"]
    assert "Nelayan" in by_segment["fisher"]
    assert "Kader posyandu" in by_segment["posyandu_cadre"]
    assert {"Ketua RT", "Ketua RW"} <= set(by_segment["rt_rw"])


def test_rice_farmers_live_in_the_rural_north_and_east(register):
    farmers = register.with_columns(
        district=pl.col("village_code").str.slice(0, 8), farmer=pl.col("segment") == "farmer"
    )
    rural = farmers.filter(pl.col("district").is_in(RURAL_RICE))["farmer"].mean()
    urban = farmers.filter(pl.col("district") == TAMBUN_SELATAN)["farmer"].mean()
    assert rural > 0.5
    assert urban < 0.02


def test_fishers_live_mostly_on_the_coast(register):
    fishers = register.filter(pl.col("segment") == "fisher")
    assert fishers["village_code"].str.slice(0, 8).is_in(COAST).mean() > 0.8


def test_sex_and_age_fit_the_segment(register):
    by_segment = {
        row["segment"]: row
        for row in register.group_by("segment")
        .agg(
            female=(pl.col("sex") == "P").mean(),
            born=pl.col("birth_date").dt.year().mean(),
        )
        .iter_rows(named=True)
    }
    assert 0.05 < by_segment["farmer"]["female"] < 0.35  # mostly men, with women too
    for segment in ("household_worker", "posyandu_cadre"):
        assert by_segment[segment]["female"] > 0.85
    for segment in ("religious_teacher", "mosque_keeper", "rt_rw"):
        assert by_segment[segment]["female"] < 0.3
    assert by_segment["farmer"]["born"] < by_segment["driver"]["born"] - 5  # farmers are older


def test_shares_of_known_kk_phone_decile_and_migrants(register, regions):
    _, others = regions
    issued_elsewhere = register["nik"].str.slice(0, 6).is_in([c.replace(".", "") for c in others])
    assert 0.66 < register["kk"].is_not_null().mean() < 0.74
    assert 0.70 < register["phone"].is_not_null().mean() < 0.80
    assert 0.08 < register["welfare_decile"].is_null().mean() < 0.12
    assert 0.08 < issued_elsewhere.mean() < 0.16
    assert 0.65 < (register["birth_place"] == "Bekasi").mean() < 0.85
    assert {"Karawang", "Brebes", "Indramayu", "Jakarta", "Cirebon"} <= set(register["birth_place"])


def test_incomes_are_plausible_and_deciles_follow_them(register):
    farmers = register.filter(pl.col("segment") == "farmer")["income"]
    assert 1_000_000 <= farmers.median() <= 3_000_000
    assert farmers.is_between(1_000_000, 3_000_000).mean() > 0.75
    deciles = register["welfare_decile"].drop_nulls()
    assert (deciles <= 3).mean() > (deciles >= 8).mean() * 2  # skewed to the poor
    income_of = lambda low, high: register.filter(
        pl.col("welfare_decile").is_between(low, high)
    )["income"].median()
    assert income_of(1, 3) < income_of(8, 10)


def test_names_look_like_bekasi(register):
    first_words = register["full_name"].str.split(" ").list.first()
    assert first_words.n_unique() >= 300
    names = set(register["full_name"])
    assert {"Siti Aminah", "Asep Saepudin"} & names
    assert register["full_name"].n_unique() < register.height  # names repeat, as they do
    women = register.filter(pl.col("sex") == "P")["full_name"]
    men = register.filter(pl.col("sex") == "L")["full_name"]
    assert not women.str.starts_with("Muhammad").any()
    assert not men.str.starts_with("Siti ").any()


def test_same_seed_gives_the_same_register_and_another_seed_another(regions):
    villages, others = regions
    make = lambda seed: generate_register(
        workers=1_500, seed=seed, villages=villages, other_districts=others, today=TODAY
    )
    assert make(7).equals(make(7))
    assert not make(7).equals(make(8))
    assert not make(1).equals(make(-1))


def test_a_small_synthetic_village_list_works():
    df = generate_register(workers=300, seed=3, villages=SMALL_VILLAGES, other_districts=[], today=TODAY)
    assert_valid_register(df, SMALL_VILLAGES, [], workers=300, farmers=round(300 * 28_800 / 75_903))
    # Without other districts every NIK is issued where the person lives.
    residence = df["village_code"].str.slice(0, 8).str.replace_all(".", "", literal=True)
    assert (df["nik"].str.slice(0, 6) == residence).all()
    assert df["village_code"].n_unique() == 3


def test_empty_register_keeps_the_columns():
    df = generate_register(workers=0, villages=SMALL_VILLAGES, other_districts=[], today=TODAY)
    assert df.height == 0 and df.schema == pl.Schema(SCHEMA)


@pytest.mark.parametrize(
    "arguments",
    [
        {"workers": 10, "farmers": 11},
        {"workers": 10, "farmers": -1},
        {"workers": -1},
        {"villages": []},
        {"villages": [("32.16.04", "Tambelang")]},
        {"other_districts": ["3175"]},
    ],
)
def test_bad_arguments_are_refused(arguments):
    call = {"workers": 10, "villages": SMALL_VILLAGES, "other_districts": [], "today": TODAY} | arguments
    with pytest.raises(ValueError):
        generate_register(**call)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(min_value=-(2**63), max_value=2**63),
    workers=st.integers(min_value=0, max_value=250),
    farmer_share=st.none() | st.floats(min_value=0, max_value=1),
    migrants=st.booleans(),
    today=st.sampled_from([TODAY, date(2024, 2, 29), date(2031, 12, 31)])
    | st.dates(date(2000, 1, 1), date(2060, 12, 31)),
)
def test_any_seed_size_and_day_gives_a_valid_register(seed, workers, farmer_share, migrants, today):
    others = ["31.75.01", "33.29.05"] if migrants else []
    farmers = None if farmer_share is None else round(workers * farmer_share)
    df = generate_register(
        workers=workers, seed=seed, villages=SMALL_VILLAGES, other_districts=others, today=today,
        farmers=farmers,
    )
    expected_farmers = round(workers * 28_800 / 75_903) if farmers is None else farmers
    assert_valid_register(df, SMALL_VILLAGES, others, workers=workers, farmers=expected_farmers, today=today)
