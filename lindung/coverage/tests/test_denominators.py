"""Denominators: the working population per kecamatan imported from a BPS-like table, and the regency figure.

The tables are written as BPS publishes them: a title over the header, Laki-laki / Perempuan / Jumlah columns,
BPS's column numbers under the header, a regency total row and a source note at the bottom.
"""
import json
from io import StringIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from lindung.accounts.models import AuditEvent
from lindung.coverage.dashboard import dashboard, kecamatan_detail
from lindung.coverage.denominators import import_denominators, parse_count, regency_figure
from lindung.coverage.models import WorkingPopulation
from lindung.regions.services import districts_of

SOURCE = "BPS Kabupaten Bekasi, Kecamatan dalam Angka (test table)"


def kecamatan():
    return list(districts_of().values_list("code", "name"))


def bps_rows(counts: dict[str, int], name_of: dict[str, str]):
    yield ["Tabel 3.2 Penduduk Berumur 15 Tahun ke Atas yang Bekerja Menurut Kecamatan dan Jenis Kelamin"]
    yield ["di Kabupaten Bekasi, 2024"]
    yield []
    yield ["Kecamatan", "Laki-laki", "Perempuan", "Jumlah"]
    yield ["(1)", "(2)", "(3)", "(4)"]
    for code, n in counts.items():
        yield [name_of[code].upper(), n // 2, n - n // 2, n]
    yield ["Kabupaten Bekasi", None, None, sum(counts.values())]
    yield ["Sumber: Survei Angkatan Kerja Nasional (test)"]


def write_xlsx(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def full_table(db, tmp_path):
    names = dict(kecamatan())
    counts = {code: 40_000 + 1_000 * i for i, code in enumerate(names)}
    return write_xlsx(tmp_path / "bps.xlsx", bps_rows(counts, names)), counts


def test_a_bps_spreadsheet_with_title_rows_and_a_total_is_imported(full_table, make_user):
    path, counts = full_table
    officer = make_user("budi")
    result = import_denominators(path, 2024, SOURCE, officer)
    assert result.ok, result.errors
    assert (result.rows, result.saved, result.replaced, result.total) == (23, 23, 0, sum(counts.values()))
    assert dict(WorkingPopulation.objects.filter(year=2024).values_list("area_id", "count")) == counts
    assert set(WorkingPopulation.objects.values_list("source", flat=True)) == {SOURCE}
    event = AuditEvent.objects.get(action="coverage.denominators")
    assert event.user == officer and "23 areas" in event.summary


def test_the_dashboard_uses_the_imported_table(full_table):
    path, counts = full_table
    import_denominators(path, 2024, SOURCE)
    result = dashboard("2026-03")
    assert result["headline"]["denominator"] == sum(counts.values())
    assert (result["headline"]["denominator_year"], result["headline"]["denominator_source"]) == (2024, SOURCE)
    rows = {row["code"]: row for row in result["by_kecamatan"]}
    assert all(rows[code]["denominator"] == n for code, n in counts.items())
    assert rows["32.16.04"]["rate"] == 0.0
    assert kecamatan_detail("2026-03", "32.16.04")["kecamatan"]["denominator"] == counts["32.16.04"]
    # Before the table's year there is nothing earlier: the earliest year serves.
    assert dashboard("2020-01")["headline"]["denominator_year"] == 2024


def test_a_table_that_misses_kecamatan_leaves_the_regency_figure_as_the_total(db, tmp_path):
    path = tmp_path / "two.csv"
    path.write_text("Kode;Jumlah penduduk bekerja\n32.16.04;12.345\n321608;67 890\n", encoding="utf-8")
    result = import_denominators(path, 2025, SOURCE)
    assert result.ok and result.saved == 2
    figures = dashboard("2026-01")
    assert figures["headline"]["denominator"] == regency_figure(2026).count == 1_500_000
    rows = {row["code"]: row["denominator"] for row in figures["by_kecamatan"]}
    assert rows["32.16.04"] == 12_345 and rows["32.16.08"] == 67_890 and rows["32.16.01"] is None


def test_village_figures_by_code_feed_the_drill_down(db, tmp_path):
    path = tmp_path / "desa.csv"
    path.write_text("Kode wilayah,Bekerja\n32.16.04.2001,1500\n32.16.04.2002,2000\n", encoding="utf-8")
    assert import_denominators(path, 2025, SOURCE).saved == 2
    villages = {v["code"]: v["denominator"] for v in kecamatan_detail("2026-01", "32.16.04")["by_village"]}
    assert villages["32.16.04.2001"] == 1500 and villages["32.16.04.2003"] is None


def test_errors_name_their_rows_in_both_languages_and_nothing_is_saved(full_table, tmp_path):
    path, counts = full_table
    import_denominators(path, 2024, SOURCE)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Judul tabel\n\nKecamatan,Jumlah\nTambelang,1.234\nAtlantis,500\nCibitung,\"12,5\"\nCibitung,abc\nTambelang,10\n",
        encoding="utf-8",
    )
    result = import_denominators(bad, 2024, SOURCE)
    assert not result.ok and result.saved == 0
    assert [(e.row, e.code) for e in result.errors] == [
        (5, "area.unknown"), (6, "count.invalid"), (7, "count.invalid"), (8, "area.duplicate")
    ]
    assert result.errors[0].message == (
        "Kecamatan atau desa tidak dikenal di kabupaten ini: 'Atlantis' / "
        "Unknown kecamatan or village in this regency: 'Atlantis'"
    )
    assert dict(WorkingPopulation.objects.filter(year=2024).values_list("area_id", "count")) == counts


def test_a_file_without_a_header_or_a_source_is_refused(db, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    result = import_denominators(path, 2024, " ")
    assert [e.code for e in result.errors] == ["source.missing", "file.no_header"]
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    assert [e.code for e in import_denominators(broken, 2024, SOURCE).errors] == ["file.unreadable"]
    assert [e.code for e in import_denominators(path, 1200, SOURCE).errors][0] == "year.invalid"
    assert not WorkingPopulation.objects.exists()


def test_a_new_table_for_the_same_year_replaces_the_old_one(full_table, tmp_path):
    path, counts = full_table
    import_denominators(path, 2024, SOURCE)
    again = tmp_path / "again.csv"
    again.write_text("Kecamatan,Jumlah\nKecamatan Tambelang,99\n", encoding="utf-8")
    result = import_denominators(again, 2024, "BPS revised")
    assert (result.saved, result.replaced) == (1, 23)
    assert list(WorkingPopulation.objects.values_list("area_id", "count", "source")) == [("32.16.04", 99, "BPS revised")]


def test_an_uploaded_file_is_read_like_a_path(full_table):
    path, counts = full_table
    upload = SimpleUploadedFile("tabel-bps.xlsx", path.read_bytes())
    result = import_denominators(upload, 2024, SOURCE)
    assert result.ok and result.saved == 23 and result.file == "tabel-bps.xlsx"


@pytest.mark.parametrize("text, count", [
    ("12345", 12345), ("12.345", 12345), ("12,345", 12345), ("1 234 567", 1234567), ("12345.0", 12345), ("0", 0),
    ("12,5", None), ("-5", None), ("", None), ("1.2.3", None), ("abc", None), ("12.3456", None),
])
def test_counts_as_people_write_them(text, count):
    assert parse_count(text) == count


def test_the_shipped_regency_figures_carry_their_source():
    assert regency_figure(2026).count == 1_500_000 and regency_figure(2026).year == 2025
    assert "DOMAIN.md" in regency_figure(2026).source
    assert regency_figure(2026, "programme_target").count == 75_903


# The command ----------------------------------------------------------------------------------------


def lindung(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_command_imports_and_prints_json(full_table):
    path, counts = full_table
    printed = json.loads(lindung("coverage", "denominators", str(path), "--year", "2024", "--source", SOURCE, "--json"))
    assert printed["ok"] is True and printed["saved"] == 23 and printed["total"] == sum(counts.values())
    text = lindung("coverage", "denominators", str(path), "--year", "2024", "--source", SOURCE)
    assert "23 areas" in text and "23 figures of that year replaced" in text


def test_the_command_refuses_a_bad_table(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Kecamatan,Jumlah\nAtlantis,5\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was saved(.|\n)*row 2: .*Unknown kecamatan"):
        lindung("coverage", "denominators", str(bad), "--year", "2024", "--source", SOURCE)
    assert not WorkingPopulation.objects.exists()


def test_the_shipped_example_table_imports_and_says_it_is_an_example(db):
    from lindung.coverage.denominators import REGENCY_DATA

    example = REGENCY_DATA.parent / "example-bps-working-population.csv"
    assert "NOT official BPS figures" in example.read_text(encoding="utf-8").splitlines()[0]
    result = import_denominators(example, 2024, "example, not BPS data")
    assert result.ok and result.saved == 23
    assert dashboard("2026-01")["headline"]["denominator"] == result.total
