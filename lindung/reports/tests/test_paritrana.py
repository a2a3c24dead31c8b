"""The Paritrana pack and the village report as real files: the PDF read back with pypdf, the XLSX with openpyxl."""
import io
import json
import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from lindung.coverage.tests.test_indicators import march  # noqa: F401 (the fixture: March 2026 partly paid)
from lindung.regions.models import Region
from lindung.regions.services import districts_of
from lindung.reports.models import Innovation, Regulation
from lindung.reports.paritrana import ReportError, paritrana_pdf, paritrana_xlsx, village_pdf

pytestmark = pytest.mark.django_db


def coverage_json(month: str) -> dict:
    out = StringIO()
    call_command("coverage", "--month", month, "--json", stdout=out)
    return json.loads(out.getvalue())


def pdf_lines(content: bytes) -> list[str]:
    return [line.strip() for page in PdfReader(io.BytesIO(content)).pages for line in page.extract_text().splitlines()]


@pytest.fixture
def recorded(march):
    Regulation.objects.create(title="Perlindungan jaminan sosial pekerja rentan", number="12 Tahun 2025",
                              issued_on=date(2025, 6, 2), kind="perbup")
    Regulation.objects.create(title="Aturan tahun depan", number="1 Tahun 2027", issued_on=date(2027, 1, 5), kind="perda")
    Innovation.objects.create(title="Jemput bola di sawah", description="Petugas desa mendaftar petani di sawah.",
                              year=2026)
    return march


def test_the_pdf_has_the_map_and_its_totals_match_lindung_coverage_json(recorded):
    expected = coverage_json("2026-03")  # March is the latest month of 2026 with anything paid
    lines = pdf_lines(paritrana_pdf(2026))
    text = "\n".join(lines)
    assert "Penilaian mandiri Paritrana 2026" in text
    assert "Maret 2026" in text
    flowing = " ".join(lines)  # the headline wraps inside its boxes
    assert "dari 1.500.000 penduduk usia kerja" in flowing and "dari target 75.903 pekerja" in flowing
    # The map: every kecamatan named on the drawing, its legend and the attribution of the boundaries.
    names = dict(districts_of().values_list("code", "name"))
    assert len(names) == 23 and all(name in lines for name in names.values())
    assert "Boundaries: cahyadsn/wilayah_boundaries (MIT)" in text
    assert "tidak ada data" in lines
    # The table beside it: each kecamatan's figure, and the total, as the command prints them.
    for code, name in names.items():
        assert f"{name} {expected['by_kecamatan'].get(code, 0)}" in lines
    assert f"Total {expected['protected']}" in lines
    assert expected["protected"] == 5
    assert "Petani 3" in lines and "Nelayan 1" in lines
    # What the officer recorded, up to the year of the report.
    assert "12 Tahun 2025" in text and "Jemput bola di sawah (2026)" in text
    assert "1 Tahun 2027" not in text


def test_the_workbook_has_the_same_figures(recorded):
    expected = coverage_json("2026-03")
    book = load_workbook(io.BytesIO(paritrana_xlsx(2026)))
    assert book.sheetnames == ["Ringkasan", "Kecamatan", "Segmen", "Jenis kelamin", "Kelompok umur", "Tren",
                               "Anggaran", "Klaim dibayar", "Regulasi", "Inovasi"]
    summary = {row[0]: row[1] for row in book["Ringkasan"].iter_rows(min_row=5, values_only=True)}
    assert summary["Orang terlindungi"] == expected["protected"]
    assert summary["Bulan acuan"] == "Maret 2026"
    kecamatan = list(book["Kecamatan"].iter_rows(min_row=2, values_only=True))
    assert len(kecamatan) == 24  # 23 and the total
    assert {row[0]: row[2] for row in kecamatan[:-1] if row[2]} == expected["by_kecamatan"]
    assert kecamatan[-1][2] == expected["protected"]
    sexes = {row[0]: row[2] for row in book["Jenis kelamin"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert sexes == expected["by_sex"]
    trend = list(book["Tren"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in trend] == ["2026-01", "2026-02", "2026-03"]
    assert [row[2] for row in trend] == [0, 0, 5]
    assert [row[1] for row in book["Regulasi"].iter_rows(min_row=2, values_only=True)] == ["12 Tahun 2025"]
    assert [row[1] for row in book["Inovasi"].iter_rows(min_row=2, values_only=True)] == ["Jemput bola di sawah"]


def test_the_command_writes_pdf_or_xlsx_by_extension_and_refuses_anything_else(recorded, tmp_path):
    out = StringIO()
    call_command("report", "paritrana", "--year", "2026", "--out", str(tmp_path / "pack.pdf"), stdout=out)
    assert (tmp_path / "pack.pdf").read_bytes().startswith(b"%PDF")
    call_command("report", "paritrana", "--year", "2026", "--out", str(tmp_path / "pack.xlsx"), stdout=out)
    assert load_workbook(tmp_path / "pack.xlsx").sheetnames[0] == "Ringkasan"
    with pytest.raises(CommandError, match=r"\.pdf atau \.xlsx.*must be \.pdf or \.xlsx, not \.docx"):
        call_command("report", "paritrana", "--year", "2026", "--out", str(tmp_path / "pack.docx"))
    with pytest.raises(CommandError, match="nothing has been paid for 2025"):
        call_command("report", "paritrana", "--year", "2025", "--out", str(tmp_path / "old.pdf"))
    assert not (tmp_path / "pack.docx").exists() and not (tmp_path / "old.pdf").exists()


def test_the_village_report_gives_one_village_among_its_neighbours(recorded):
    lines = pdf_lines(village_pdf("32.16.04.2001", "2026-03"))
    text = "\n".join(lines)
    assert "Laporan cakupan Sukawijaya" in text
    assert "Total 1" in lines  # Aditya, the one person of Sukawijaya paid for in March
    assert "Bunga" not in text and "Aditya" not in text  # figures only, no names
    # Its neighbours in Tambelang: Bunga's and Euis's villages also have one each, the others none.
    neighbours = dict(Region.objects.filter(parent_id="32.16.04").values_list("code", "name"))
    for code, name in neighbours.items():
        assert f"{name} {1 if code in ('32.16.04.2001', '32.16.04.2002', '32.16.04.2003') else 0}" in lines
    with pytest.raises(ReportError):
        paritrana_pdf(2025)
