"""Every intake code, produced from real spreadsheet files as villages send them."""
from pathlib import Path

import openpyxl
import pytest

from lindung.intake.services import run_intake

pytestmark = pytest.mark.django_db

HEADER = ["No. KTP", "Nama", "Tempat Lahir", "Tanggal Lahir", "L/P", "Desa", "Kecamatan", "Segmen", "Penghasilan",
          "No HP", "Desil", "No KK"]
BASE = {"nik": "3216040506900001", "name": "Asep Saepudin", "place": "Bekasi", "born": "05/06/1990", "sex": "L",
        "village": "Sukawijaya", "district": "Tambelang", "segment": "Petani", "income": "1500000",
        "phone": "081234567890", "decile": "2", "kk": "3216040101100007"}
# code -> what differs from the base row (each row gets its own NIK serial unless the case sets the NIK)
CASES = {
    "nik.empty": {"nik": ""},
    "nik.excel_number": {"nik": 3216040506900000},  # a number cell: Excel kept 15 digits
    "nik.not_digits": {"nik": "32160405069000O1"},
    "nik.length": {"nik": "321604050690001"},
    "nik.region_unknown": {"nik": "3299040506900001"},
    "nik.date_invalid": {"nik": "3216043206900001"},
    "nik.serial_invalid": {"nik": "3216040506900000"},
    "nik.birth_date_mismatch": {"born": "06/05/1990"},
    "nik.sex_mismatch": {"sex": "P"},
    "name.missing": {"name": ""},
    "birth_date.missing": {"born": ""},
    "birth_date.invalid": {"born": "31/02/1990"},
    "sex.invalid": {"sex": "X"},
    "age.out_of_range": {"nik": "3216040506150001", "born": "05/06/2015"},
    "village.missing": {"village": "", "district": ""},
    "village.unknown": {"village": "Kampung Entah Berantah"},
    "village.outside_regency": {"village": "31.71.01.1001", "district": ""},
    "segment.unknown": {"segment": "Astronot"},
    "income.invalid": {"income": "banyak"},
    "phone.invalid": {"phone": "12345"},
    "decile.invalid": {"decile": "11"},
    "kk.invalid": {"kk": "12345"},
    "text.too_long": {"name": "Asep " * 41},
    "duplicate.in_file": {"nik": "3216040506900001"},
    "duplicate.possible": {"name": "Asep Saefudin"},
}


def write_cases(path: Path) -> dict[int, str]:
    """An XLSX made by openpyxl: title row, header on row 3, the valid base row on 4, one case per row after."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Daftar pekerja rentan — Desa Sukawijaya"])
    sheet.append([])
    sheet.append(HEADER)
    sheet.append(list(BASE.values()))
    expected = {}
    for serial, (code, change) in enumerate(CASES.items(), start=2):
        row = dict(BASE, nik=f"32160405069{serial:05d}") | change
        sheet.append(list(row.values()))
        expected[sheet.max_row] = code
    workbook.save(path)
    return expected


def test_every_code_comes_from_a_real_file(tmp_path):
    expected = write_cases(tmp_path / "kasus.xlsx")
    report = run_intake(tmp_path / "kasus.xlsx", source="test", dry_run=True)
    found = {(issue["row"], issue["code"]) for issue in report.issues}
    for row, code in expected.items():
        assert (row, code) in found, f"row {row}: {code} not reported; got {[c for r, c in found if r == row]}"
    assert not [code for row, code in found if row == 4], "the base row is valid"
    statuses = {o["row"]: o["status"] for o in report.outcomes}
    assert statuses[4] == "accepted"
    assert statuses[max(expected)] == "review"  # duplicate.possible
    assert all(statuses[row] == "rejected" for row, code in expected.items() if code != "duplicate.possible")
    assert report.rows == len(expected) + 1


def test_a_name_shared_by_two_districts_is_ambiguous(tmp_path, settings):
    settings.LINDUNG_REGENCY = "32.01"  # Kabupaten Bogor: a Nagrak in Gunungputri and one in Sukaraja
    path = tmp_path / "bogor.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(list(dict(BASE, nik="3201020506900001", village="Nagrak", district="").values()))
    sheet.append(list(dict(BASE, nik="3201020506900002", village="Nagrak", district="Sukaraja").values()))
    workbook.save(path)
    report = run_intake(path, source="test", dry_run=True)
    codes = {(issue["row"], issue["code"]) for issue in report.issues}
    assert (2, "village.ambiguous") in codes
    assert not [c for r, c in codes if r == 3]


def test_a_file_saved_by_libreoffice_is_read_and_checked():
    path = Path(__file__).parent / "files" / "libreoffice.ods"
    report = run_intake(path, source="test", dry_run=True)
    assert report.rows > 0
    assert report.rows == report.accepted + report.unchanged + report.review + report.rejected


def test_text_limits_are_the_registrys_own():
    from lindung.intake.validate import TEXT_LIMITS
    from lindung.registry.models import Person

    assert TEXT_LIMITS == {name: Person._meta.get_field(name).max_length for name in TEXT_LIMITS}


def test_text_longer_than_the_registry_keeps_is_refused_not_cut(tmp_path):
    """On PostgreSQL such a row would otherwise fail the whole import; on SQLite it would be stored too long."""
    path = tmp_path / "panjang.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([*HEADER, "Alamat"])
    sheet.append([*BASE.values(), "Kp. Babakan RT 01/02"])
    sheet.append([*dict(BASE, nik="3216040506900002", name="Budi Santoso", place="B" * 101).values(), "Jl. " + "x" * 252])
    workbook.save(path)
    report = run_intake(path, source="test")
    assert {(i["row"], i["column"], i["code"]) for i in report.issues} == {
        (3, "birth_place", "text.too_long"), (3, "address", "text.too_long")}
    assert (report.accepted, report.rejected) == (1, 1)
