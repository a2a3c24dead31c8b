"""The invoice as the finance office signs it: XLSX (summary and every member) and PDF (summary).

Headings are looked up with documents.text(), so that lindung/locale may word them; the wording the
form must have (sheet names, month, signature block, footer) is spelled out.
"""
import io
import re
import socket
import zipfile
from datetime import date

import openpyxl
import pytest
from pypdf import PdfReader

from lindung.billing.documents import invoice_pdf, invoice_xlsx, month_label, text
from lindung.billing.models import Invoice
from lindung.billing.services import enrol, record_payment, run_billing
from lindung.programmes.models import Payer
from lindung.regions.models import Region
from lindung.registry.models import Person
from lindung.registry.services import load_demo_register

NIKS = ("3216040506900001", "3216084506900003")
PRINTED = date(2026, 1, 21)


@pytest.fixture
def invoice(two_villages):
    """January 2026 for Asep and Siti (JKK + JKM, Rp 16,800 each); Asep, registered first, is paid."""
    enrol(Person.objects.all(), ["JKK", "JKM"], Payer.objects.get(kind="apbd"), "2026-01")
    run_billing("2026-01")
    invoice = Invoice.objects.get(month="2026-01")
    record_payment(invoice, 16_800, date(2026, 1, 20), reference="SP2D 0001/2026")
    invoice.refresh_from_db()
    return invoice


def sheet_rows(sheet) -> list[tuple]:
    return [row for row in sheet.iter_rows(values_only=True) if any(v is not None for v in row)]


def table_after(rows: list[tuple], title: str) -> list[tuple]:
    """The rows of the table under heading `title`, up to and including its total row."""
    start = next(i for i, row in enumerate(rows) if row[0] == title) + 2
    end = next(i for i in range(start, len(rows)) if rows[i][1] == text("sum"))
    return [row[:6] for row in rows[start : end + 1]]


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_month_label_in_indonesian_and_english():
    assert month_label("2026-01") == "Januari 2026"
    assert month_label("2026-08", "id") == "Agustus 2026"
    assert month_label("2026-01", language="en") == "January 2026"
    with pytest.raises(ValueError):
        month_label("2026-13")


def test_the_xlsx_summary_sheet_has_the_invoice_its_breakdowns_and_the_signatures(invoice):
    workbook = openpyxl.load_workbook(io.BytesIO(invoice_xlsx(invoice, printed_on=PRINTED)))
    assert workbook.sheetnames == ["Tagihan", "Peserta"]
    sheet = workbook["Tagihan"]
    rows = sheet_rows(sheet)
    assert rows[0][0] == text("government", regency="Kabupaten Bekasi").upper()
    assert rows[1][0] == text("title")
    assert rows[2][0] == "Dicetak oleh lindung pada 21 Januari 2026"
    facts = [row[:2] for row in rows[3:10]]
    assert facts == [
        (text("payer"), "APBD Pemerintah Daerah"),
        (text("number"), "INV/202601/001"),
        (text("month"), "Januari 2026"),
        (text("members"), 2),
        (text("total"), 33_600),
        (text("paid"), 16_800),
        (text("outstanding"), 16_800),
    ]
    assert invoice.number == "INV/202601/001"

    assert table_after(rows, text("by_programme")) == [
        ("JKK", "Jaminan Kecelakaan Kerja", 2, 20_000, 10_000, 10_000),
        ("JKM", "Jaminan Kematian", 2, 13_600, 6_800, 6_800),
        (None, text("sum"), 2, 33_600, 16_800, 16_800),
    ]
    assert table_after(rows, text("by_kecamatan")) == [
        ("32.16.04", "Tambelang", 1, 16_800, 16_800, 0),
        ("32.16.08", "Cikarang Barat", 1, 16_800, 0, 16_800),
        (None, text("sum"), 2, 33_600, 16_800, 16_800),
    ]
    assert table_after(rows, text("by_village")) == [
        ("Tambelang", "Sukawijaya", 1, 16_800, 16_800, 0),
        ("Cikarang Barat", "Telaga Asih", 1, 16_800, 0, 16_800),
        (None, text("sum"), 2, 33_600, 16_800, 16_800),
    ]
    assert table_after(rows, text("by_segment")) == [
        (1, "Petani", 2, 33_600, 16_800, 16_800),
        (None, text("sum"), 2, 33_600, 16_800, 16_800),
    ]
    payments = rows[[row[0] for row in rows].index(text("payments")) + 2]
    assert payments[1:4] == ("SP2D 0001/2026", 16_800, 16_800)

    # Money is a number shown with thousands separators, not text.
    total = next(row for row in sheet.iter_rows() if row[0].value == text("total"))[1]
    assert total.data_type == "n" and total.number_format == "#,##0"

    lines = [(row[0], row[3]) for row in rows[-5:]]
    assert lines == [
        ("Mengetahui,", "Bekasi, " + "_" * 28),
        ("Kepala Dinas Tenaga Kerja", "Bendahara Pengeluaran"),
        ("Kabupaten Bekasi", None),
        ("Nama: " + "_" * 28, "Nama: " + "_" * 28),
        ("NIP: " + "_" * 28, "NIP: " + "_" * 28),
    ]


def test_the_xlsx_lists_every_member_with_a_masked_nik_and_whether_paid(invoice):
    workbook = openpyxl.load_workbook(io.BytesIO(invoice_xlsx(invoice)))
    rows = sheet_rows(workbook["Peserta"])
    assert rows[0][0] == "INV/202601/001 · APBD Pemerintah Daerah · Januari 2026"
    assert rows[1] == tuple(
        text(key) for key in ("nik", "name", "village", "kecamatan", "segment", "programmes", "contribution", "status")
    )
    paid, unpaid = text("status_paid"), text("status_unpaid")
    assert rows[2:] == [
        ("3216********0001", "Asep Saepudin", "Sukawijaya", "Tambelang", "Petani", "JKK, JKM", 16_800, paid),
        ("3216********0003", "Siti Aminah", "Telaga Asih", "Cikarang Barat", "Petani", "JKK, JKM", 16_800, unpaid),
    ]
    assert paid != unpaid
    assert workbook["Peserta"].freeze_panes == "A3"


def test_no_full_nik_or_kk_appears_anywhere_in_the_workbook(invoice):
    data = invoice_xlsx(invoice)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    values = [str(v) for sheet in workbook for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert not [v for v in values if re.search(r"\d{16}", v)]
    # Nor in any part of the file: properties, styles, anything.
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        raw = b"".join(package.read(name) for name in package.namelist())
    for secret in (*NIKS, "3216040101100007", "081234567890"):
        assert secret.encode() not in raw


def test_a_member_paid_for_some_programmes_only_is_partly_paid(invoice):
    asep = Person.objects.get(full_name="Asep Saepudin")
    enrol(Person.objects.filter(pk=asep.pk), ["JHT"], Payer.objects.get(kind="apbd"), "2026-01")
    run_billing("2026-01")
    rows = sheet_rows(openpyxl.load_workbook(io.BytesIO(invoice_xlsx(invoice)))["Peserta"])
    assert rows[2][5:] == ("JHT, JKK, JKM", 36_800, text("status_partial"))
    assert rows[3][5:] == ("JKK, JKM", 16_800, text("status_unpaid"))


def test_the_xlsx_in_english(invoice):
    workbook = openpyxl.load_workbook(io.BytesIO(invoice_xlsx(invoice, language="en")))
    assert workbook.sheetnames == ["Invoice", "Members"]
    rows = sheet_rows(workbook["Invoice"])
    assert ("Contribution month", "January 2026") in [row[:2] for row in rows]
    assert ("Acknowledged,", "Head of the Manpower Office", "Expenditure Treasurer") == (
        rows[-5][0], rows[-4][0], rows[-4][3]
    )
    assert sheet_rows(workbook["Members"])[2][7] == "paid"


def test_the_pdf_is_the_summary_to_sign_without_the_member_list(invoice):
    data = invoice_pdf(invoice, printed_on=PRINTED)
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox  # A4: 210 x 297 mm
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    shown = pdf_text(data)
    for expected in (
        text("government", regency="Kabupaten Bekasi").upper(),
        text("title"),
        "INV/202601/001",
        "APBD Pemerintah Daerah",
        "Januari 2026",
        "33.600",
        "16.800",
        "Jaminan Kecelakaan Kerja",
        "Tambelang",
        "Cikarang Barat",
        text("villages_note", count=2),
        "Petani",
        "SP2D 0001/2026",
        "Mengetahui,",
        "Kepala Dinas Tenaga Kerja",
        "Bendahara Pengeluaran",
        "NIP: ___",
        "Dicetak oleh lindung pada 21 Januari 2026",
        "Halaman 1 dari 1",
    ):
        assert expected in shown, expected
    # Villages are counted, not listed; members are in the workbook only.
    assert "Sukawijaya" not in shown
    for secret in ("Asep", "Siti", "3216********", *NIKS):
        assert secret not in shown
    fonts = reader.pages[0]["/Resources"]["/Font"].get_object()
    assert all("DejaVu-Sans" in str(font.get_object()["/BaseFont"]) for font in fonts.values())


def test_the_pdf_in_english(invoice):
    shown = pdf_text(invoice_pdf(invoice, language="en", printed_on=PRINTED))
    for expected in ("January 2026", "33,600", "Acknowledged,", "Expenditure Treasurer", "Page 1 of 1",
                     "Printed by lindung on 21 January 2026"):
        assert expected in shown, expected


def test_making_the_pdf_opens_no_network_connection(invoice, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the PDF tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    assert pdf_text(invoice_pdf(invoice)).count("INV/202601/001") >= 1


def test_the_documents_of_the_demo_register_take_a_fixed_number_of_queries(
    invoice, django_assert_max_num_queries
):
    """Every kecamatan of the regency in the PDF; one member sheet row per member, made set-based."""
    load_demo_register(workers=1_500, seed=1, today=date(2026, 1, 1))
    enrol(Person.objects.all(), ["JKK", "JKM"], Payer.objects.get(kind="apbd"), "2026-01")
    run_billing("2026-01")
    invoice.refresh_from_db()
    assert invoice.members == 1_502
    with django_assert_max_num_queries(16):
        data = invoice_xlsx(invoice)
    rows = sheet_rows(openpyxl.load_workbook(io.BytesIO(data), read_only=True)["Peserta"])[2:]
    assert len(rows) == 1_502
    assert sum(row[6] for row in rows) == invoice.total == 1_502 * 16_800
    assert sum(row[7] == text("status_paid") for row in rows) == 1
    assert all(re.fullmatch(r"\d{4}\*{8}\d{4}", row[0]) for row in rows)

    with django_assert_max_num_queries(16):
        shown = pdf_text(invoice_pdf(invoice))
    kecamatan = list(Region.objects.filter(parent_id="32.16").values_list("name", flat=True))
    assert len(kecamatan) == 23
    assert [name for name in kecamatan if name not in shown] == []
    assert "1.502" in shown and f"{1_502 * 16_800:,}".replace(",", ".") in shown
