"""A claim from reported to paid or rejected: documents, status steps, BPJS's status file, reminders, totals."""
import json
import os
import stat
from datetime import date, timedelta
from io import StringIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from lindung.claims import services
from lindung.claims.models import ClaimStatus, Incident, StatusImport
from lindung.claims.services import ClaimError, change_status, claims_totals, report_incident, stalled_claims, store_document
from lindung.claims.status_file import StatusFileError, import_status_file
from lindung.registry.services import create_person

pytestmark = pytest.mark.django_db

DEATH = date(2025, 6, 10)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def claim(asep, history):
    history(asep, "2022-05", paid=["2025-06"])
    return report_incident(asep, kind="death", occurred_on=DEATH, place="Rumah", contact_name="Ujang Suryana")


def scan(name="ktp.pdf", content=PDF):
    return SimpleUploadedFile(name, content)


def complete_documents(claim):
    for code, content in [("id_card", PDF), ("family_card", JPEG), ("death_certificate", PNG), ("heir_statement", PDF)]:
        store_document(claim, code, scan(f"{code}.bin", content))


# Documents -------------------------------------------------------------------------------------------------


def test_a_scan_is_kept_outside_the_web_root_readable_only_by_lindung(claim, settings):
    document = store_document(claim, "id_card", scan())
    path = services.documents_folder() / os.path.basename(document.stored_as)
    assert path.read_bytes() == PDF
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert str(settings.VAR_DIR) in document.stored_as and "static" not in document.stored_as
    assert (document.content_type, document.size) == ("application/pdf", len(PDF))


def test_the_type_is_judged_by_content_not_by_name(claim):
    with pytest.raises(ClaimError, match="PDF, JPEG or PNG"):
        store_document(claim, "id_card", scan("ktp.pdf", b"MZ\x90\x00 not a scan"))
    assert store_document(claim, "id_card", scan("photo.pdf", JPEG)).content_type == "image/jpeg"


def test_a_file_over_the_policy_limit_is_refused(claim, tmp_path, monkeypatch):
    policy = tmp_path / "policy.csv"
    policy.write_text("name,effective_from,value,source\nclaim_document_max_kb,2019-12-02,1,test\n")
    monkeypatch.setattr(services, "POLICY_CSV", policy)
    with pytest.raises(ClaimError, match="too large: 2 KB, at most 1 KB"):
        store_document(claim, "id_card", scan(content=PDF + b"\x00" * 2048))
    assert not claim.documents.exists()


def test_a_document_not_on_the_checklist_is_refused(claim):
    with pytest.raises(ClaimError, match="not on this claim's checklist"):
        store_document(claim, "accident_report", scan())  # a natural death needs no accident report


def test_the_last_document_of_the_checklist_completes_the_claim(claim):
    complete_documents(claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DOCUMENTS_COMPLETE
    assert [s.status for s in claim.steps.all()] == ["reported", "documents_complete"]


# Status ------------------------------------------------------------------------------------------------


def test_documents_complete_needs_every_document(claim):
    store_document(claim, "id_card", scan())
    with pytest.raises(ClaimError, match="documents missing: Family card"):
        change_status(claim, ClaimStatus.DOCUMENTS_COMPLETE, on=date(2025, 6, 20))


def test_from_reported_to_paid_with_each_step_dated(claim, make_user):
    officer = make_user("bpjs", "bpjs_officer")
    complete_documents(claim)
    assert change_status(claim, ClaimStatus.SUBMITTED, on=date(2025, 6, 25), user=officer)
    assert change_status(claim, ClaimStatus.PAID, on=date(2025, 7, 15), amount=42_000_000, user=officer)
    claim.refresh_from_db()
    assert (claim.status, claim.submitted_on, claim.paid_on, claim.paid_amount) == (
        "paid", date(2025, 6, 25), date(2025, 7, 15), 42_000_000)
    steps = [(s.status, s.on, s.amount, s.user) for s in claim.steps.all()][-2:]
    assert steps == [("submitted", date(2025, 6, 25), None, officer), ("paid", date(2025, 7, 15), 42_000_000, officer)]


def test_a_claim_does_not_go_back_and_a_closed_claim_stays_closed(claim):
    change_status(claim, ClaimStatus.SUBMITTED, on=date(2025, 6, 25))
    with pytest.raises(ClaimError, match="Klaim tidak dapat kembali dari diajukan ke BPJS ke berkas lengkap / "
                                         "a claim cannot go back from submitted to documents_complete"):
        change_status(claim, ClaimStatus.DOCUMENTS_COMPLETE, on=date(2025, 6, 26))
    change_status(claim, ClaimStatus.REJECTED, on=date(2025, 7, 1), reason="ahli waris tidak sesuai KK")
    with pytest.raises(ClaimError, match="Klaim sudah ditolak dan ditutup.* / the claim is already rejected and closed"):
        change_status(claim, ClaimStatus.PAID, on=date(2025, 7, 2), amount=1)
    assert Incident.objects.get(pk=claim.pk).rejection_reason == "ahli waris tidak sesuai KK"


@pytest.mark.parametrize("status, values, message", [
    ("paid", {}, "the amount paid is needed"),
    ("rejected", {}, "the reason is needed"),
    ("submitted", {"on": date(2025, 6, 1)}, "before the incident"),
    ("submitted", {"on": date(2099, 1, 1)}, "in the future"),
])
def test_a_step_without_what_it_needs_is_refused(claim, status, values, message):
    with pytest.raises(ClaimError, match=message):
        change_status(claim, status, **{"on": date(2025, 7, 1), **values})
    assert Incident.objects.get(pk=claim.pk).status == "reported"


def test_the_same_step_twice_changes_nothing(claim):
    assert change_status(claim, "submitted", on=date(2025, 6, 25))
    assert not change_status(claim, "submitted", on=date(2025, 6, 25))
    assert claim.steps.count() == 2


# BPJS's status file ------------------------------------------------------------------------------------


@pytest.fixture
def two_claims(claim, siti, history):
    history(siti, "2024-01", paid=["2025-06"], income=1_000_000)
    other = report_incident(siti, kind="work_death", occurred_on=DEATH, place="Pabrik", contact_name="Rina")
    return claim, other


def write_csv(tmp_path, text, name="status.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_status_file_moves_claims_and_explains_every_bad_row(two_claims, tmp_path):
    claim, other = two_claims
    path = write_csv(tmp_path, (
        "Nomor Klaim;NIK;Status;Jumlah Dibayar;Tanggal;Keterangan\n"
        f"{claim.number};;Dibayar;Rp 42.000.000;15/07/2025;\n"
        f";3216084506900003;ditolak;;2025-07-16;laporan polisi tidak ada\n"
        "KLM-999999;;dibayar;1000;2025-07-15;\n"
        f"{claim.number};;entah;;;\n"
        ";;dibayar;;;\n"
        ";3216040506900001;dibayar;sejuta;2025-07-15;\n"
    ))
    result = import_status_file(path, "status.csv", today=date(2025, 8, 1))
    assert result.rows == 6 and result.changed == 2
    outcomes = [(o["row"], o["claim"], o["outcome"]) for o in result.outcomes]
    assert outcomes == [(2, claim.number, "changed"), (3, other.number, "changed"), (4, "", "error"),
                        (5, claim.number, "error"), (6, "", "error"), (7, claim.number, "error")]
    messages = {o["row"]: (o["message_id"], o["message_en"]) for o in result.outcomes}
    assert messages[4] == ("Klaim tidak ditemukan untuk nomor atau NIK ini", "no claim was found for this number or NIK")
    assert messages[5][1].startswith("unknown status: 'entah'") and messages[5][0].startswith("Status tidak dikenal")
    assert messages[6][1] == "the claim number and NIK are empty"
    assert messages[7] == ("Jumlah bukan angka Rupiah: 'sejuta'", "the amount is not a Rupiah number: 'sejuta'")
    claim.refresh_from_db()
    other.refresh_from_db()
    assert (claim.status, claim.paid_amount, claim.paid_on) == ("paid", 42_000_000, date(2025, 7, 15))
    assert (other.status, other.rejection_reason) == ("rejected", "laporan polisi tidak ada")


def test_the_same_file_twice_changes_nothing(two_claims, tmp_path):
    claim, _other = two_claims
    path = write_csv(tmp_path, f"Claim number,Status,Amount paid,Date\n{claim.number},paid,42000000,2025-07-15\n")
    assert import_status_file(path, "status.csv", today=date(2025, 8, 1)).changed == 1
    steps = claim.steps.count()
    again = import_status_file(path, "status.csv", today=date(2025, 8, 2))
    assert again.changed == 0 and [o["outcome"] for o in again.outcomes] == ["unchanged"]
    assert claim.steps.count() == steps and StatusImport.objects.count() == 2


def test_a_status_file_in_xlsx(two_claims, tmp_path):
    claim, other = two_claims
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Status klaim BPJS Ketenagakerjaan Cabang Bekasi"])
    sheet.append(["No Klaim", "Status", "Nominal Dibayar", "Tanggal Bayar"])
    sheet.append([other.number, "Dibayar", 70_000_000, date(2025, 7, 20)])
    path = tmp_path / "status.xlsx"
    workbook.save(path)
    result = import_status_file(path, "status.xlsx", today=date(2025, 8, 1))
    assert [o["outcome"] for o in result.outcomes] == ["changed"]
    other.refresh_from_db()
    assert (other.paid_amount, other.paid_on) == (70_000_000, date(2025, 7, 20))


def test_a_file_without_the_columns_is_refused_as_a_whole(two_claims, tmp_path):
    with pytest.raises(StatusFileError, match="no header row found"):
        import_status_file(write_csv(tmp_path, "Nama,Alamat\nAsep,Pulo\n"), "x.csv")
    with pytest.raises(StatusFileError, match="cannot be read|not supported"):
        path = tmp_path / "x.pdf"
        path.write_bytes(PDF + b"\x00\x01\x02")
        import_status_file(path, "x.pdf")


# Reminders and totals ----------------------------------------------------------------------------------


def test_claims_stalled_longer_than_the_policy_are_listed_for_a_reminder(two_claims):
    claim, other = two_claims
    days = services.claims_policy("claim_stalled_after_days")
    Incident.objects.filter(pk=claim.pk).update(status_since=timezone.now() - timedelta(days=days + 1))
    Incident.objects.filter(pk=other.pk).update(status_since=timezone.now() - timedelta(days=days - 1))
    assert list(stalled_claims()) == [claim]
    out = StringIO()
    call_command("claims", "remind", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["stalled_after_days"] == days
    assert [(c["claim"], c["status"], c["days"]) for c in result["claims"]] == [(claim.number, "reported", days + 1)]
    change_status(claim, "rejected", on=date(2025, 7, 1), reason="x")
    assert not stalled_claims().exists()  # a closed claim needs no reminder


def test_totals_by_programme_month_and_kecamatan(two_claims, history):
    claim, other = two_claims
    budi = create_person(source="test", nik="3216040107850002", full_name="Budi Santoso", birth_date=date(1985, 7, 1),
                         sex="L", village_id="32.16.04.2001", segment_id="fisher", income=2_500_000)
    history(budi, "2022-01", paid=["2025-07"])
    third = report_incident(budi, kind="death", occurred_on=date(2025, 7, 2), place="Rumah", contact_name="Ani")
    change_status(claim, "paid", on=date(2025, 7, 15), amount=42_000_000)
    change_status(other, "paid", on=date(2025, 7, 20), amount=70_000_000)
    change_status(third, "paid", on=date(2025, 8, 5), amount=42_000_000)
    assert claims_totals("2025-07", "2025-08") == [
        {"programme": "JKK", "month": "2025-07", "kecamatan": "32.16.08", "claims": 1, "paid": 70_000_000},
        {"programme": "JKM", "month": "2025-07", "kecamatan": "32.16.04", "claims": 1, "paid": 42_000_000},
        {"programme": "JKM", "month": "2025-08", "kecamatan": "32.16.04", "claims": 1, "paid": 42_000_000},
    ]
    assert claims_totals("2025-08", "2025-08") == [
        {"programme": "JKM", "month": "2025-08", "kecamatan": "32.16.04", "claims": 1, "paid": 42_000_000}]
    assert claims_totals("2025-01", "2025-06") == []
    out = StringIO()
    call_command("claims", "totals", "--from", "2025-08", "--until", "2025-08", "--json", stdout=out)
    assert json.loads(out.getvalue())["rows"] == claims_totals("2025-08", "2025-08")
    with pytest.raises(CommandError, match="the first month .2025-08. is after the last .2025-07."):
        call_command("claims", "totals", "--from", "2025-08", "--until", "2025-07", stdout=StringIO())


# How a status file writes amounts and dates ---------------------------------------------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from lindung.claims.status_file import _amount, _date  # noqa: E402


@given(st.integers(min_value=0, max_value=10**12))
def test_an_amount_reads_back_however_it_is_grouped(amount):
    dotted = f"{amount:,}".replace(",", ".")
    for written in (str(amount), f"{amount:,}", dotted, f"Rp {dotted}", f"Rp. {dotted}", f"{float(amount)!r}"):
        assert _amount(written) == amount


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_a_date_reads_back_in_each_written_form(day):
    for written in (day.isoformat(), day.strftime("%d/%m/%Y"), day.strftime("%d-%m-%Y"), f"{day.isoformat()} 00:00:00"):
        assert _date(written, date(2000, 1, 1)) == day


@pytest.mark.parametrize("written", ["sejuta", "42 juta", "-5", "1e6", "Rp"])
def test_an_amount_that_is_not_rupiah_is_explained(written):
    with pytest.raises(ClaimError, match="Jumlah bukan angka Rupiah.*/ the amount is not a Rupiah number"):
        _amount(written)


def test_lindung_claims_import_status_as_a_script_calls_it(two_claims, tmp_path):
    claim, _other = two_claims
    path = write_csv(tmp_path, "NIK,Status,Keterangan\n3216040506900001,ditolak,KK tidak sesuai\n")
    out = StringIO()
    call_command("claims", "import-status", str(path), "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert (report["rows"], report["changed"]) == (1, 1)
    assert report["outcomes"][0]["claim"] == claim.number and report["outcomes"][0]["outcome"] == "changed"
    with pytest.raises(Exception, match="no such file"):
        call_command("claims", "import-status", str(tmp_path / "missing.csv"))
