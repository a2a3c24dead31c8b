"""Checking a whole intake file (lindung.intake.validate): pure, so no database in these tests."""
import subprocess
import sys
from datetime import date

import polars as pl
import pytest

from lindung.intake import validate
from lindung.intake.validate import MESSAGES, Checked, Context, check, message_table
from lindung.registry import nik as nik_rules
from lindung.registry.nik import make_nik
from lindung.registry.segments import read_segments, synonym_table

TODAY = date(2025, 6, 15)

VILLAGES = pl.DataFrame(
    [
        ("32.16.04.2001", "SUKAWIJAYA", "32.16.04", "TAMBELANG"),
        ("32.16.04.2002", "SUKAMAJU", "32.16.04", "TAMBELANG"),
        ("32.16.07.2003", "SUKAMAJU", "32.16.07", "CIBITUNG"),
        ("32.16.08.1001", "TELAGA ASIH", "32.16.08", "CIKARANG BARAT"),
        ("32.16.11.2001", "DESA BARU", "32.16.11", "CIKARANG TIMUR"),
        ("32.16.11.2002", "BARU", "32.16.11", "CIKARANG TIMUR"),
        ("32.75.01.1001", "PEKAYON JAYA", "32.75.01", "BEKASI SELATAN"),
        ("32.01.01.2001", "SUKAHATI", "32.01.01", "CIBINONG"),
    ],
    schema=["code", "name_key", "district_code", "district_name_key"],
    orient="row",
)
KNOWN = frozenset(VILLAGES["district_code"].to_list()) | {"31.71.01"}
SYNONYMS = synonym_table(read_segments())

GOOD = {
    "nik": "3216040506900001",  # 32.16.04, 5 June 1990, a man, serial 0001
    "full_name": "Asep Saepudin",
    "birth_place": "Bekasi",
    "birth_date": "05/06/1990",
    "sex": "L",
    "village": "Sukawijaya",
    "district": "Tambelang",
    "segment": "Petani",
    "occupation": "Petani padi",
    "income": "1.500.000",
    "phone": "0812-3456-7890",
    "welfare_decile": "2",
    "kk": "3216040101100007",
    "address": "Kp. Pulo RT 003/RW 002",
}


def context(**overrides) -> Context:
    fields = dict(
        regency="32.16", known_districts=KNOWN, villages=VILLAGES, segment_synonyms=SYNONYMS, today=TODAY,
    )
    fields.update(overrides)
    return Context(**fields)


def frame_of(*rows: dict) -> pl.DataFrame:
    columns = list(dict.fromkeys(c for row in rows for c in row))
    data = {"_row": list(range(2, len(rows) + 2))}
    data.update({c: [row.get(c) for row in rows] for c in columns})
    return pl.DataFrame(data, schema={"_row": pl.Int64, **{c: pl.String for c in columns}})


def run(*rows: dict, **context_fields) -> Checked:
    return check(frame_of(*rows), context(**context_fields))


def person(serial: int = 1, **overrides) -> dict:
    """A good row with its own NIK (`serial`); overrides are applied as given."""
    row = {**GOOD, "nik": make_nik("32.16.04", date(1990, 6, 5), "L", serial)}
    row.update(overrides)
    return row


def codes(checked: Checked, row: int = 2) -> list[str]:
    return checked.issues.filter(pl.col("_row") == row)["code"].to_list()


def value(checked: Checked, column: str, row: int = 2):
    [found] = checked.rows.filter(pl.col("_row") == row)[column].to_list()
    return found


def registry(*people: tuple) -> pl.DataFrame:
    """(person_id, nik, full_name, birth_date, village_code) each."""
    return pl.DataFrame(
        list(people), orient="row",
        schema={"person_id": pl.Int64, "nik": pl.String, "full_name": pl.String, "birth_date": pl.Date,
                "village_code": pl.String},
    )


# --- a good row ------------------------------------------------------------------------------------

def test_a_good_row_has_no_issue_and_comes_out_normalised():
    checked = run(GOOD)
    assert checked.issues.is_empty()
    assert checked.rows.row(0, named=True) == {
        "_row": 2, "nik": "3216040506900001", "kk": "3216040101100007", "full_name": "Asep Saepudin",
        "birth_place": "Bekasi", "birth_date": date(1990, 6, 5), "sex": "L", "village_code": "32.16.04.2001",
        "segment": "farmer", "occupation": "Petani padi", "income": 1_500_000, "phone": "081234567890",
        "welfare_decile": 2, "address": "Kp. Pulo RT 003/RW 002", "duplicate_of_row": None,
        "possible_duplicate_rows": [], "possible_duplicate_people": [], "registered_person_id": None,
    }


def test_output_schemas_and_row_order():
    checked = run(person(1), person(2, full_name="Ujang"), person(3, nik="x"))
    assert checked.rows.schema == pl.Schema(validate.ROW_SCHEMA)
    assert checked.issues.schema == pl.Schema(validate.ISSUE_SCHEMA)
    assert checked.rows["_row"].to_list() == [2, 3, 4]


def test_row_numbers_are_the_spreadsheets_not_positions():
    frame = frame_of(person(1, full_name=""), person(2)).with_columns(pl.Series("_row", [10, 7]))
    checked = check(frame, context())
    assert checked.rows["_row"].to_list() == [10, 7]
    assert checked.issues.select("_row", "code").rows() == [(10, "name.missing")]


def test_free_text_is_trimmed_and_collapsed_but_keeps_its_case():
    checked = run(person(full_name="  asep   SAEPUDIN\t", address=" Kp.  Pulo ", birth_place="  ", occupation=" Petani  padi "))
    assert value(checked, "full_name") == "asep SAEPUDIN"
    assert value(checked, "address") == "Kp. Pulo"
    assert value(checked, "birth_place") is None
    assert value(checked, "occupation") == "Petani padi"


def test_empty_optional_fields_are_null_without_issue():
    checked = run(person(income="", phone=None, welfare_decile=" ", kk="", address=None, birth_place=None))
    assert checked.issues.is_empty()
    assert [value(checked, c) for c in ("income", "phone", "welfare_decile", "kk", "address")] == [None] * 5


def test_missing_columns_are_empty_columns():
    checked = check(pl.DataFrame({"_row": [2], "nik": ["3216040506900001"]}), context())
    assert codes(checked) == ["name.missing", "birth_date.missing", "village.missing"]
    assert value(checked, "sex") == "L" and value(checked, "segment") == "other"


def test_the_row_column_is_required():
    with pytest.raises(ValueError, match="_row"):
        check(pl.DataFrame({"nik": ["3216040506900001"]}), context())


def test_check_needs_no_django():
    code = "import sys, lindung.intake.validate; sys.exit(any(m.startswith('django') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


# --- every code ------------------------------------------------------------------------------------

FEMALE_NIK = make_nik("32.16.04", date(1990, 6, 5), "P", 2)
CASES = [
    # (overrides of a good row, code, column)
    ({"nik": None}, "nik.empty", "nik"),
    ({"nik": " - "}, "nik.empty", "nik"),
    ({"nik": "3.21604E+15"}, "nik.excel_number", "nik"),
    ({"nik": "3216040506900010.0"}, "nik.excel_number", "nik"),
    ({"nik": "32160405069O0001"}, "nik.not_digits", "nik"),
    ({"nik": "321604050690001"}, "nik.length", "nik"),
    ({"nik": "99.1604.050690.0001"}, "nik.region_unknown", "nik"),
    ({"nik": "3216043206900001"}, "nik.date_invalid", "nik"),
    ({"nik": "3216040506900000"}, "nik.serial_invalid", "nik"),
    ({"birth_date": "06/06/1990"}, "nik.birth_date_mismatch", "nik"),
    ({"sex": "P"}, "nik.sex_mismatch", "nik"),
    ({"full_name": "   "}, "name.missing", "full_name"),
    ({"full_name": None}, "name.missing", "full_name"),
    ({"birth_date": ""}, "birth_date.missing", "birth_date"),
    ({"birth_date": "31/02/1990"}, "birth_date.invalid", "birth_date"),
    ({"birth_date": "kemarin"}, "birth_date.invalid", "birth_date"),
    ({"sex": "X"}, "sex.invalid", "sex"),
    ({"village": ""}, "village.missing", "village"),
    ({"village": "Antah Berantah", "district": None}, "village.unknown", "village"),
    ({"village": "32.16.04.2999"}, "village.unknown", "village"),
    ({"village": "Sukawijaya", "district": "Cibitung"}, "village.unknown", "village"),
    ({"village": "Sukamaju", "district": None}, "village.ambiguous", "village"),
    ({"village": "32.75.01.1001"}, "village.outside_regency", "village"),
    ({"village": "Pekayon Jaya, Bekasi Selatan"}, "village.outside_regency", "village"),
    ({"village": "Sukahati", "district": "Kec. Cibinong"}, "village.outside_regency", "village"),
    ({"segment": "Astronot"}, "segment.unknown", "segment"),
    ({"segment": None, "occupation": "Astronot"}, "segment.unknown", "occupation"),
    ({"income": "sekitar sejuta"}, "income.invalid", "income"),
    ({"income": "-500000"}, "income.invalid", "income"),
    ({"income": "1,5"}, "income.invalid", "income"),
    ({"income": "1.500.000,50"}, "income.invalid", "income"),
    ({"income": "1,5555 rb"}, "income.invalid", "income"),  # 1,555.5 Rupiah
    ({"phone": "021-8901234"}, "phone.invalid", "phone"),
    ({"phone": "0812 345"}, "phone.invalid", "phone"),
    ({"phone": "08123456789012"}, "phone.invalid", "phone"),
    ({"phone": "0812-3456-7890 / 0813-1111-2222"}, "phone.invalid", "phone"),
    ({"phone": "0812abc34567"}, "phone.invalid", "phone"),
    ({"welfare_decile": "0"}, "decile.invalid", "welfare_decile"),
    ({"welfare_decile": "11"}, "decile.invalid", "welfare_decile"),
    ({"welfare_decile": "tiga"}, "decile.invalid", "welfare_decile"),
    ({"kk": "3.21604E+15"}, "kk.invalid", "kk"),
    ({"kk": "321604010110007"}, "kk.invalid", "kk"),
    ({"kk": "KK-3216040101100007"}, "kk.invalid", "kk"),
    ({"full_name": "Asep " * 40 + "S"}, "text.too_long", "full_name"),           # 201 characters
    ({"birth_place": "B" * 101}, "text.too_long", "birth_place"),
    ({"address": "Kp. " + "x" * 252}, "text.too_long", "address"),
    ({"occupation": "Petani padi " + "x" * 89}, "text.too_long", "occupation"),
]


@pytest.mark.parametrize("overrides, code, column", CASES, ids=[f"{c}:{o}" for o, c, _ in CASES])
def test_each_code(overrides, code, column):
    checked = run({**GOOD, **overrides})
    assert codes(checked) == [code]
    [issue] = checked.issues.rows(named=True)
    assert issue == {"_row": 2, "column": column, "code": code, "severity": "error"}


AGE_CASES = [
    (date(2010, 6, 16), True),   # 14 on 15 June 2025, a day short of 15
    (date(2010, 6, 15), False),  # 15 today
    (date(1959, 6, 16), False),  # 65 until tomorrow
    (date(1959, 6, 15), True),   # 66 today
]


@pytest.mark.parametrize("born, out_of_range", AGE_CASES)
def test_age_limits_are_inclusive(born, out_of_range):
    row = person(nik=make_nik("32.16.04", born, "L", 1), birth_date=born.strftime("%d/%m/%Y"))
    assert codes(run(row)) == (["age.out_of_range"] if out_of_range else [])


def test_age_limits_come_from_the_context():
    assert codes(run(GOOD, age_max=30)) == ["age.out_of_range"]
    assert codes(run(GOOD, age_min=40, age_max=50)) == ["age.out_of_range"]


def test_a_future_birth_date_is_invalid():
    assert "birth_date.invalid" in codes(run(person(birth_date="01/01/2030")))


def test_duplicate_in_file_points_at_the_first_row():
    checked = run(GOOD, {**GOOD, "nik": "'3216 0405 0690 0001"}, person(2, full_name="Ujang"), {**GOOD, "nik": "3216040506900001.0"})
    assert checked.rows["duplicate_of_row"].to_list() == [None, 2, None, 2]
    assert checked.issues.select("_row", "column", "code", "severity").rows() == [
        (3, "nik", "duplicate.in_file", "error"), (5, "nik", "duplicate.in_file", "error"),
    ]


def test_a_row_may_have_several_issues_in_a_stable_order():
    checked = run({**GOOD, "nik": "9916043206900000", "full_name": "", "income": "x", "phone": "1"})
    assert codes(checked) == [
        "nik.region_unknown", "nik.date_invalid", "nik.serial_invalid", "name.missing", "income.invalid",
        "phone.invalid",
    ]


def test_every_code_is_produced_by_a_test():
    produced = {code for _, code, _ in CASES} | {"age.out_of_range", "duplicate.in_file", "duplicate.possible"}
    assert produced == set(MESSAGES)


# --- messages --------------------------------------------------------------------------------------

def test_every_code_has_an_indonesian_and_an_english_message():
    for code, (indonesian, english) in MESSAGES.items():
        assert indonesian.strip() and english.strip() and indonesian != english, code
    assert len({m for m, _ in MESSAGES.values()}) == len(MESSAGES)
    assert len({m for _, m in MESSAGES.values()}) == len(MESSAGES)


def test_nik_messages_are_nik_pys():
    for code, texts in nik_rules.MESSAGES.items():
        assert MESSAGES[code] == texts


def test_message_table():
    assert message_table("id")["name.missing"] == MESSAGES["name.missing"][0]
    assert message_table("en-us")["name.missing"] == MESSAGES["name.missing"][1]
    assert set(message_table()) == set(MESSAGES)
    with pytest.raises(ValueError):
        message_table("fr")


# --- what is accepted, and how it comes out --------------------------------------------------------

@pytest.mark.parametrize("written", ["3216040506900001", "'3216040506900001", " 3216 0405 0690 0001 ",
                                     "3216.0405.0690.0001", "3216-0405-0690-0001", "3216040506900001.0"])
def test_nik_spellings(written):
    checked = run(person(nik=written))
    assert checked.issues.is_empty() and value(checked, "nik") == "3216040506900001"


@pytest.mark.parametrize("written, sex", [
    ("L", "L"), ("l", "L"), ("Laki-laki", "L"), ("LAKI-LAKI", "L"), ("LK", "L"), ("Pria", "L"), ("M", "L"),
    ("Male", "L"), ("P", "P"), ("Perempuan", "P"), ("PR", "P"), ("wanita", "P"), ("F", "P"), ("female", "P"),
])
def test_sex_spellings(written, sex):
    nik = make_nik("32.16.04", date(1990, 6, 5), sex, 1)
    checked = run(person(nik=nik, sex=written))
    assert checked.issues.is_empty() and value(checked, "sex") == sex


@pytest.mark.parametrize("written", [None, "", "  "])
def test_an_empty_sex_is_the_niks(written):
    checked = run(person(nik=FEMALE_NIK, sex=written))
    assert checked.issues.is_empty() and value(checked, "sex") == "P"


@pytest.mark.parametrize("written", ["05/06/1990", "5/6/1990", "1990-06-05", "05-06-1990"])
def test_birth_date_spellings(written):
    checked = run(person(birth_date=written))
    assert checked.issues.is_empty() and value(checked, "birth_date") == date(1990, 6, 5)


def test_the_declared_birth_date_settles_the_niks_century():
    born = date(1962, 3, 1)
    checked = run(person(nik=make_nik("32.16.04", born, "L", 1), birth_date="01/03/1962"))
    assert checked.issues.is_empty() and value(checked, "birth_date") == born


@pytest.mark.parametrize("written, amount", [
    ("1500000", 1_500_000), ("1.500.000", 1_500_000), ("1,500,000", 1_500_000), ("Rp 1.500.000", 1_500_000),
    ("Rp. 1.500.000,-", 1_500_000), ("rp1500000", 1_500_000), ("1.500.000,00", 1_500_000),
    ("1,500,000.00", 1_500_000), ("1500000.0", 1_500_000), ("1,5 jt", 1_500_000), ("1.5 juta", 1_500_000),
    ("2jt", 2_000_000), ("750 rb", 750_000), ("750 ribu", 750_000), ("750k", 750_000), ("1.500", 1_500),
    ("0", 0), (" 900000 ", 900_000),
])
def test_income_spellings(written, amount):
    checked = run(person(income=written))
    assert checked.issues.is_empty() and value(checked, "income") == amount


@pytest.mark.parametrize("written", [
    "081234567890", "0812-3456-7890", "0812 3456 7890", "(0812) 3456.7890", "+62 812-3456-7890",
    "+6281234567890", "6281234567890", "0062 812 3456 7890", "81234567890", "81234567890.0", "'081234567890",
])
def test_phone_spellings(written):
    checked = run(person(phone=written))
    assert checked.issues.is_empty() and value(checked, "phone") == "081234567890"


@pytest.mark.parametrize("written, length", [("0812345678", 10), ("0812345678901", 13)])
def test_phone_lengths(written, length):
    checked = run(person(phone=written))
    assert checked.issues.is_empty() and len(value(checked, "phone")) == length


@pytest.mark.parametrize("written, decile", [("1", 1), ("10", 10), ("3.0", 3), (" 4 ", 4)])
def test_decile_spellings(written, decile):
    checked = run(person(welfare_decile=written))
    assert checked.issues.is_empty() and value(checked, "welfare_decile") == decile


@pytest.mark.parametrize("written", ["3216040101100007", "'3216040101100007", "3216 0401 0110 0007", "3216040101100007.0"])
def test_kk_spellings(written):
    checked = run(person(kk=written))
    assert checked.issues.is_empty() and value(checked, "kk") == "3216040101100007"


@pytest.mark.parametrize("village, district, code", [
    ("Sukawijaya", None, "32.16.04.2001"),
    ("SUKAWIJAYA", "", "32.16.04.2001"),
    ("Desa Sukawijaya", None, "32.16.04.2001"),
    ("Ds. Sukawijaya", None, "32.16.04.2001"),
    ("Kel. Telaga Asih", None, "32.16.08.1001"),
    ("Kelurahan Telaga-Asih", None, "32.16.08.1001"),
    ("32.16.04.2001", None, "32.16.04.2001"),
    ("3216042001", None, "32.16.04.2001"),
    ("Sukamaju, Tambelang", None, "32.16.04.2002"),
    ("Sukamaju, Kec. Cibitung", None, "32.16.07.2003"),
    ("Sukamaju", "Cibitung", "32.16.07.2003"),
    ("Sukamaju", "Kecamatan Tambelang", "32.16.04.2002"),
    ("Sukamaju", "32.16.07", "32.16.07.2003"),
    ("Sukamaju, Tambelang", "Cibitung", "32.16.04.2002"),  # the district after the comma wins
    ("Desa Baru", None, "32.16.11.2001"),  # the name as written first: "Desa Baru" is a real name
    ("Baru", None, "32.16.11.2002"),
    ("Sukawijaya", "Tambelangg", "32.16.04.2001"),  # a district that is nowhere is taken for a typing error
])
def test_village_spellings(village, district, code):
    checked = run(person(village=village, district=district))
    assert checked.issues.is_empty() and value(checked, "village_code") == code


def test_a_name_found_only_outside_the_regency_without_a_district_is_unknown():
    assert codes(run(person(village="Sukahati", district=None))) == ["village.unknown"]


@pytest.mark.parametrize("segment, occupation, code", [
    ("Petani", "Petani padi", "farmer"),
    ("farmer", None, "farmer"),
    ("PEDAGANG  KAKI LIMA", None, "street_vendor"),
    ("non_asn", None, "non_asn"),
    ("Ketua RT/RW", None, "rt_rw"),
    ("Nelayan", "Petani padi", "fisher"),  # the segment column wins
    (None, "Ojek online", "driver"),
    (None, "Pedagang sayur keliling", "street_vendor"),  # the first word
    (None, "Buruh tani harian", "farm_labourer"),  # the first two words
    (None, "Ketua RT 03", "rt_rw"),
    (None, None, "other"),
    ("", " ", "other"),
])
def test_segments(segment, occupation, code):
    checked = run(person(segment=segment, occupation=occupation))
    assert checked.issues.is_empty() and value(checked, "segment") == code


# --- registered people and near-duplicates ---------------------------------------------------------

BORN = date(1990, 6, 5)
TAMBELANG_1 = "32.16.04.2001"


def test_a_registered_nik_gives_the_person():
    people = registry((7, "3216040506900001", "Asep Saepudin", BORN, TAMBELANG_1))
    checked = run(GOOD, person(2, full_name="Ujang"), registry=people)
    assert checked.rows["registered_person_id"].to_list() == [7, None]
    # The same NIK is the same person, not a possible duplicate of them.
    assert checked.rows["possible_duplicate_people"].to_list() == [[], []]
    assert checked.issues.is_empty()


def test_without_a_registry_nothing_is_registered():
    checked = run(GOOD, registry=None)
    assert value(checked, "registered_person_id") is None and value(checked, "possible_duplicate_people") == []


def possible(checked: Checked, row: int) -> tuple[list, list]:
    return value(checked, "possible_duplicate_rows", row), value(checked, "possible_duplicate_people", row)


def test_spelling_variants_with_the_same_birth_date_and_village_go_to_review():
    checked = run(person(1, full_name="Muhammad Rizki"), person(2, full_name="Muhamad Rizky"))
    assert possible(checked, 2) == ([], []) and possible(checked, 3) == ([2], [])
    assert checked.issues.rows() == [(3, "", "duplicate.possible", "review")]


def test_the_same_name_born_another_day_is_someone_else():
    other_day = date(1990, 6, 6)
    row = person(full_name="Muhammad Rizki", nik=make_nik("32.16.04", other_day, "L", 2), birth_date="06/06/1990")
    checked = run(person(1, full_name="Muhammad Rizki"), row)
    assert checked.issues.is_empty()


def test_the_same_name_in_another_village_is_someone_else():
    checked = run(person(1, full_name="Siti Aminah"), person(2, full_name="Siti Aminah", village="Telaga Asih", district=None))
    assert checked.issues.is_empty()


def test_titles_do_not_hide_a_duplicate():
    checked = run(person(1, full_name="Hj. Siti Aminah, S.Pd."), person(2, full_name="SITI AMINAH"))
    assert codes(checked, 3) == ["duplicate.possible"] and possible(checked, 3) == ([2], [])


def test_different_names_in_one_block_are_different_people():
    checked = run(person(1, full_name="Asep Saepudin"), person(2, full_name="Ujang Rohman"), person(3, full_name="Siti Aminah"))
    assert checked.issues.is_empty()


@pytest.mark.parametrize("one, other, alike", [
    ("Muhammad Rizki", "Muhamad Rizky", True),
    ("Siti Aminah", "Siti Aminha", True),  # a typing error in a long name: the ratio
    ("Idris", "Idrsi", True),  # a typing error in a short name: one edit apart
    ("Rudi", "Rudy", True),
    ("Muhammad Mursid", "Muhammad Mrusid", True),  # the error reorders the sorted words; as written it is close
    ("Aminah Siti", "Siti Aminah", True),  # word order
    ("Eri", "Eki", False),  # three letters: too short to tell
    ("Asep", "Ujang", False),
    ("Dewi Lestari", "Dewi Sartika", False),
    ("Ibu", "Bu", False),  # titles only: no name to compare
])
def test_which_names_are_alike(one, other, alike):
    checked = run(person(1, full_name=one), person(2, full_name=other))
    assert (codes(checked, 3) == ["duplicate.possible"]) is alike


def test_against_the_registry():
    people = registry(
        (7, "3216040506900099", "Hj. Siti Aminah", BORN, TAMBELANG_1),
        (8, None, "Siti Aminah", BORN, TAMBELANG_1),  # a caller may not decrypt NIKs: then the name decides
        (9, "3216040506900098", "Siti Aminah", date(1990, 6, 6), TAMBELANG_1),  # born another day
        (10, "3216040506900097", "Siti Aminah", BORN, "32.16.08.1001"),  # another village
        (11, "3216040506900096", "Ujang Rohman", BORN, TAMBELANG_1),
    )
    checked = run(person(1, full_name="Siti Aminah"), registry=people)
    assert possible(checked, 2) == ([], [7, 8])
    assert checked.issues.rows() == [(2, "", "duplicate.possible", "review")]


def test_a_row_both_in_the_file_and_the_registry():
    people = registry((7, "3216040506900099", "Siti Aminah", BORN, TAMBELANG_1))
    checked = run(person(1, full_name="Siti Aminah"), person(2, full_name="Siti Aminah"), registry=people)
    assert possible(checked, 2) == ([], [7]) and possible(checked, 3) == ([2], [7])
    assert codes(checked, 3) == ["duplicate.possible"]


def test_a_row_without_a_readable_nik_is_compared_with_everyone():
    checked = run(person(1, full_name="Siti Aminah"), person(full_name="Siti Aminah", nik="3.21604E+15"))
    assert codes(checked, 3) == ["nik.excel_number", "duplicate.possible"]


def test_a_repeated_nik_is_duplicate_in_file_only():
    checked = run(person(1, full_name="Siti Aminah"), person(1, full_name="Siti Aminah"), person(2, full_name="Siti Aminah"))
    assert codes(checked, 3) == ["duplicate.in_file"] and possible(checked, 3) == ([], [])
    # The repeated row takes no part: the third row points at the first only.
    assert possible(checked, 4) == ([2], [])


def test_crowded_blocks_compare_equal_name_keys_only(monkeypatch):
    monkeypatch.setattr(validate, "MAX_PAIRS_PER_BLOCK", 1)
    people = registry((7, "3216040506900099", "Siti Aminah", BORN, TAMBELANG_1))
    checked = run(
        person(1, full_name="Hj. Siti Aminah"), person(2, full_name="Siti Aminha"), person(3, full_name="SITI AMINAH"),
        registry=people,
    )
    assert possible(checked, 2) == ([], [7])
    assert possible(checked, 3) == ([], [])  # a typing error is not looked for in a crowded block
    assert possible(checked, 4) == ([2], [7])


def test_many_rows_in_one_block_are_not_compared_pair_by_pair():
    # 1,000 people born the same day in one village (a placeholder date) would be 500,000 pairs.
    syllables = [c + v for c in "BDGLMNRT" for v in "AIU"]
    names = [f"Nama {syllables[i // 576]}{syllables[i // 24 % 24]}{syllables[i % 24]}to" for i in range(1000)]
    rows = [person(i + 1, full_name=name) for i, name in enumerate(names)]
    rows.append(person(1001, full_name=names[0].upper()))
    checked = run(*rows)
    assert possible(checked, 1002) == ([2], [])
    assert checked.issues.height == 1


def test_an_empty_file():
    empty = pl.DataFrame(schema={"_row": pl.Int64, **{c: pl.String for c in GOOD}})
    people = registry((7, "3216040506900099", "Siti Aminah", BORN, TAMBELANG_1))
    checked = check(empty, context(registry=people))
    assert checked.rows.is_empty() and checked.issues.is_empty()
    assert checked.rows.schema == pl.Schema(validate.ROW_SCHEMA)


def test_an_empty_registry():
    checked = run(GOOD, registry=registry())
    assert checked.issues.is_empty()
