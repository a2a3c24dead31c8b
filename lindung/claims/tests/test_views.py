"""The claims screens for each role: reporting an incident and seeing the coverage check, the claim page
(masked contact, documents with audited downloads, status), BPJS's status file, the totals."""
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lindung.accounts.models import AuditEvent
from lindung.claims.models import ClaimStatus, Incident
from lindung.claims.services import change_status, report_incident
from lindung.tests.pages import field_error, flashes, text

pytestmark = pytest.mark.django_db

DEATH = "2025-06-10"
PDF = b"%PDF-1.4\n%%EOF\n"
ROLES = ["admin", "officer", "village_operator", "bpjs_officer", "leader"]


def death_form(person, **extra):
    return {"person": person.pk, "kind": "death", "occurred_on": DEATH, "place": "Rumah, Kp. Pulo",
            "circumstances": "Sakit jantung", "contact_name": "Ujang Suryana", "contact_relation": "anak",
            "contact_phone": "0812-9999-8888", "end_memberships": "on", **extra}


@pytest.fixture
def claim(asep, history):
    history(asep, "2022-05", paid=["2025-06"])
    return report_incident(asep, kind="death", occurred_on=date(2025, 6, 10), place="Rumah",
                           contact_name="Ujang Suryana", contact_phone="081299998888")


# Who reaches what -------------------------------------------------------------------------------------

# role -> (list, report, import, totals)
ALLOWED = {
    "admin": (200, 200, 200, 200),
    "officer": (200, 200, 200, 200),
    "village_operator": (200, 200, 403, 403),
    "bpjs_officer": (200, 403, 200, 200),
    "leader": (403, 403, 403, 200),
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_its_claims_pages(client, login, role):
    login(role)
    got = tuple(client.get(reverse(f"claims:{name}")).status_code for name in ("index", "report", "import", "totals"))
    assert got == ALLOWED[role]
    nav = re.search(r'<nav aria-label="Menu utama">(.*?)</nav>', client.get(reverse("account")).content.decode(), re.S)
    assert ">Klaim</a>" in nav.group(1)


def test_the_claims_pages_need_a_login(client):
    response = client.get(reverse("claims:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# Reporting --------------------------------------------------------------------------------------------


def test_a_village_operator_finds_the_worker_and_reports_a_death_with_its_coverage_check(client, login, asep, history):
    history(asep, "2022-05", paid=["2025-06"])
    login("village_operator")
    found = client.get(reverse("claims:report"), {"q": "asep"})
    assert f'href="{reverse("claims:report")}?person={asep.pk}"' in found.content.decode()
    assert "3216********0001" in text(found)
    response = client.post(reverse("claims:report"), death_form(asep), follow=True)
    incident = Incident.objects.get()
    assert response.redirect_chain[-1][0] == reverse("claims:detail", args=[incident.pk])
    assert flashes(response) == [f"Dilaporkan sebagai {incident.number}."]
    page = text(response)
    assert "Terlindungi pada tanggal kejadian: iuran JKM untuk Juni 2025 sudah dibayar" in page
    assert "Rp 42.000.000" in page
    assert "Surat keterangan ahli waris" in page  # the checklist for a death
    assert incident.contact_phone == "081299998888"


def test_a_village_operator_is_refused_a_person_of_another_village(client, login, siti):
    login("village_operator")
    assert client.get(reverse("claims:report"), {"q": "siti"}).content.decode().count("?person=") == 0
    assert client.get(reverse("claims:report"), {"person": siti.pk}).status_code == 404
    assert client.post(reverse("claims:report"), death_form(siti)).status_code == 404
    assert not Incident.objects.exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, target_id=str(siti.pk)).count() == 2


def test_a_village_operator_sees_only_the_claims_of_their_villages(client, login, claim, siti):
    other = report_incident(siti, kind="work_accident", occurred_on=date(2025, 6, 1), place="Pabrik",
                            contact_name="Rina")
    login("village_operator")
    listed = text(client.get(reverse("claims:index")))
    assert claim.number in listed and other.number not in listed
    assert client.get(reverse("claims:detail", args=[other.pk])).status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, target_id=str(other.pk)).exists()


def test_bad_input_is_explained_beside_the_field(client, login, asep):
    login("village_operator")
    response = client.post(reverse("claims:report"), death_form(
        asep, occurred_on="2099-01-01", contact_phone="12", incapacity_months="3"))
    assert response.status_code == 200
    assert field_error(response, "occurred_on") == "Tanggal kejadian tidak boleh di masa depan."
    assert field_error(response, "contact_phone") == "Nomor telepon terdiri dari 8 sampai 15 angka."
    assert field_error(response, "incapacity_months") == "Hanya untuk kecelakaan kerja."
    assert not Incident.objects.exists()
    # Letters are refused, not dropped (the claim would have been filed with no way to call the family).
    response = client.post(reverse("claims:report"), death_form(asep, contact_phone="abc"))
    assert field_error(response, "contact_phone") == "Nomor telepon terdiri dari 8 sampai 15 angka."
    assert not Incident.objects.exists()


def test_an_inactive_member_is_shown_why_there_is_no_benefit(client, login, asep, history):
    history(asep, "2025-01", unpaid=["2025-04", "2025-05", "2025-06"])
    login("officer")
    page = text(client.post(reverse("claims:report"), death_form(asep), follow=True))
    assert "Tidak terlindungi: kepesertaan tidak aktif pada Juni 2025" in page
    assert "Tidak ada manfaat: pekerja tidak terlindungi pada tanggal kejadian." in page


def test_a_scholarship_case_reported_on_screen(client, login, asep, history):
    history(asep, "2022-05", paid=["2025-06"])
    login("village_operator")
    client.post(reverse("claims:report"), death_form(asep, child_1="primary", child_1_years="4", child_2="junior_high"))
    incident = Incident.objects.get()
    assert incident.children == [["primary", 4], ["junior_high", None]]
    assert incident.expected_amount == 42_000_000 + 81_000_000 + 75_000_000
    assert "Rp 198.000.000" in text(client.get(reverse("claims:detail", args=[incident.pk])))


def test_the_english_page_speaks_english(client, login, claim):
    user = login("officer")
    user.language = "en"
    user.save()
    page = text(client.get(reverse("claims:detail", args=[claim.pk])))
    assert "Protected on the incident date: the JKM contribution for June 2025 is paid" in page
    assert "Rp 42,000,000" in page and "Heir statement" in page


# The claim page ---------------------------------------------------------------------------------------


def test_the_contact_is_masked_for_bpjs_and_revealed_with_an_audit_for_an_officer(client, login, claim):
    login("bpjs_officer")
    page = text(client.get(reverse("claims:detail", args=[claim.pk])))
    assert "U**** S******" in page and "0812*****888" in page and "Ujang" not in page
    assert client.post(reverse("claims:reveal", args=[claim.pk])).status_code == 403
    login("officer")
    page = text(client.post(reverse("claims:reveal", args=[claim.pk])))
    assert "Ujang Suryana" in page and "081299998888" in page
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW_PERSONAL_DATA, target_id=str(claim.pk)).count() == 1


def test_documents_are_uploaded_and_each_download_is_audited(client, login, claim):
    login("village_operator")
    response = client.post(reverse("claims:upload", args=[claim.pk]),
                           {"code": "id_card", "file": SimpleUploadedFile("ktp.pdf", PDF)}, follow=True)
    assert flashes(response) == ["Dokumen disimpan."]
    document = claim.documents.get()
    bad = client.post(reverse("claims:upload", args=[claim.pk]),
                      {"code": "family_card", "file": SimpleUploadedFile("kk.pdf", b"<html>not a scan</html>")})
    assert bad.status_code == 400
    assert field_error(bad, "file") == "Berkas harus berupa PDF, JPEG atau PNG (hasil pindai atau foto)"
    download = client.get(reverse("claims:document", args=[claim.pk, document.pk]))
    assert b"".join(download.streaming_content) == PDF
    assert 'filename="ktp.pdf"' in download["Content-Disposition"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT_PERSONAL_DATA, target_id=str(claim.pk)).count() == 1
    login("leader")
    assert client.get(reverse("claims:document", args=[claim.pk, document.pk])).status_code == 403


def test_the_bpjs_officer_updates_the_status_on_screen(client, login, claim):
    login("village_operator")
    assert client.post(reverse("claims:status", args=[claim.pk]), {"status": "submitted", "on": "2025-06-20"}).status_code == 403
    login("bpjs_officer")
    response = client.post(reverse("claims:status", args=[claim.pk]), {"status": "paid", "on": "2025-07-15"})
    assert response.status_code == 400
    assert field_error(response, "status") == "Klaim dibayar: jumlah yang dibayar wajib diisi"
    response = client.post(reverse("claims:status", args=[claim.pk]),
                           {"status": "paid", "on": "2025-07-15", "amount": "42000000"}, follow=True)
    assert flashes(response) == ["Status diubah."]
    claim.refresh_from_db()
    assert (claim.status, claim.paid_amount) == (ClaimStatus.PAID, 42_000_000)
    assert "Dibayar: Rp 42.000.000 (15-07-2025)" in text(response)
    # A paid claim is closed: a change is refused with a message on the page (it has no status form any more).
    response = client.post(reverse("claims:status", args=[claim.pk]),
                           {"status": "rejected", "on": "2025-07-20", "reason": "salah"}, follow=True)
    assert flashes(response) == ["Klaim sudah dibayar dan ditutup; tidak dapat diubah menjadi ditolak"]
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID


def test_a_status_file_is_imported_on_screen_with_every_rows_outcome(client, login, claim):
    login("bpjs_officer")
    csv = (f"Nomor Klaim,Status,Jumlah Dibayar,Tanggal,Keterangan\n{claim.number},dibayar,42000000,2025-07-15,\n"
           "KLM-000999,dibayar,1,2025-07-15,\n").encode()
    response = client.post(reverse("claims:import"), {"file": SimpleUploadedFile("status.csv", csv)})
    assert flashes(response) == ["2 baris: 1 berubah, 0 tetap, 1 bermasalah."]
    page = text(response)
    assert "Klaim tidak ditemukan untuk nomor atau NIK ini" in page
    again = client.post(reverse("claims:import"), {"file": SimpleUploadedFile("status.csv", csv)})
    assert flashes(again) == ["2 baris: 0 berubah, 1 tetap, 1 bermasalah."]
    assert Incident.objects.get(pk=claim.pk).steps.filter(status="paid").count() == 1


def test_the_stalled_list_and_the_totals(client, login, claim):
    Incident.objects.filter(pk=claim.pk).update(status_since=claim.status_since.replace(year=2025))
    login("officer")
    page = text(client.get(reverse("claims:index")))
    assert "Klaim yang tertahan: kirim pengingat" in page and claim.number in page
    change_status(claim, "paid", on=date(2025, 7, 15), amount=42_000_000)
    login("leader")
    totals = text(client.get(reverse("claims:totals"), {"from": "2025-07", "until": "2025-07"}))
    assert "1 klaim dibayar, seluruhnya Rp 42.000.000." in totals
    assert "Juli 2025 JKM Tambelang 1 Rp 42.000.000" in totals
    # A month out of range is refused as a badly written one is, not a server error.
    response = client.get(reverse("claims:totals"), {"until": "9999-12"})
    assert response.status_code == 200 and "Bulan harus antara 1990-01 dan 2099-12." in text(response)


def test_an_officer_checks_the_coverage_again(client, login, asep, history):
    history(asep, "2025-01", paid=["2025-05"])
    incident = report_incident(asep, kind="death", occurred_on=date(2025, 6, 10), place="Rumah", contact_name="Ujang",
                               end_memberships=False)
    login("bpjs_officer")
    assert client.post(reverse("claims:recheck", args=[incident.pk])).status_code == 403
    login("officer")
    page = client.get(reverse("claims:detail", args=[incident.pk]))
    assert "Belum dapat dipastikan: tagihan Juni 2025 belum dibuat." in text(page)
    response = client.post(reverse("claims:recheck", args=[incident.pk]), follow=True)
    assert flashes(response) == ["Perlindungan diperiksa ulang: tidak ada perubahan."]


@pytest.mark.parametrize("role", ["village_operator", "officer"])
def test_the_person_page_leads_to_reporting_an_incident_for_that_person(client, login, asep, role):
    login(role)
    link = f'href="{reverse("claims:report")}?person={asep.pk}"'
    assert link in client.get(reverse("registry:person-detail", args=[asep.pk])).content.decode()
    assert "Asep Saepudin" in text(client.get(f'{reverse("claims:report")}?person={asep.pk}'))


def test_no_incident_is_offered_for_someone_removed_from_the_register(client, login, asep):
    from lindung.registry.services import delete_person

    login("officer")
    delete_person(asep, source="test")
    response = client.get(reverse("registry:person-detail", args=[asep.pk]))
    assert response.status_code == 200 and "Asep Saepudin" in text(response)
    assert reverse("claims:report") not in response.content.decode()
