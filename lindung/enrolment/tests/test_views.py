"""The enrolment screens: batches, targeting under a budget, one batch with its files for BPJS, the budget,
eligibility policies, the yearly renewal and ending a membership on a person's page, for each role."""
import io
import re
from datetime import date

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from lindung.accounts.models import AuditEvent
from lindung.billing.models import Membership
from lindung.billing.services import enrol
from lindung.enrolment.models import BatchMember, BpjsFileJob, EligibilityPolicy, EnrolmentBatch
from lindung.months import month_of
from lindung.programmes.models import BudgetLine, Payer
from lindung.registry.models import Person
from lindung.registry.services import create_person
from lindung.tests.pages import text, flashes, field_error

pytestmark = pytest.mark.django_db

THIS_MONTH = month_of(timezone.localdate())
NEXT_YEAR = timezone.localdate().year + 1
START = f"{NEXT_YEAR}-01"  # twelve months from here fall in one fiscal year
PER_PERSON = 12 * 16_800  # JKK + JKM on the minimum basis, paid from APBD, for twelve months
ROLES = ["admin", "officer", "village_operator", "bpjs_officer", "leader"]
BUDI_NIK = "3216040107850002"
SITI_NIK = "3216084506900003"
ASEP_NIK = "3216040506900001"


@pytest.fixture(autouse=True)
def immediate_jobs(settings):
    """The files for BPJS are background jobs: here they run at once, inside the request."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def people(two_villages):
    """Budi (fisher, decile 1), Siti (farmer, decile 2), Asep (farmer, no decile): ranked in that order."""
    asep, siti = two_villages
    budi = create_person(source="test", nik=BUDI_NIK, kk=None, phone=None, full_name="Budi Santoso",
                         birth_date=date(1985, 7, 1), sex="L", village_id="32.16.04.2001", segment_id="fisher",
                         income=2_500_000, welfare_decile=1)
    Person.objects.filter(pk=siti.pk).update(welfare_decile=2)
    return budi, siti, asep


@pytest.fixture
def apbd():
    return Payer.objects.get(kind="apbd")


@pytest.fixture
def allocated(apbd):
    """Enough APBD budget in the targeted year for everyone."""
    return BudgetLine.objects.create(payer=apbd, fiscal_year=NEXT_YEAR, programme_id="JKK", amount=10_000_000)


def choices(**changes) -> dict:
    return {"budget": "Rp 10.000.000.000", "months": "12", "start_month": START,
            "payer": Payer.objects.get(kind="apbd").pk, "programmes": ["JKK", "JKM"], **changes}


def previewed(client, data) -> tuple[str, object]:
    """Preview `data`; returns the fingerprint to commit with, and the response."""
    response = client.post(reverse("enrolment:target"), {**data, "action": "preview"})
    found = re.search(r'name="checked" value="([0-9a-f]+)"', response.content.decode())
    return (found.group(1) if found else ""), response


def committed(client, data, **extra):
    checked, _ = previewed(client, data)
    return client.post(reverse("enrolment:target"), {**data, "action": "commit", "checked": checked, **extra}, follow=True)


@pytest.fixture
def batch(client, login, people, allocated):
    """Everyone committed in one batch by an officer (who stays logged in)."""
    login("officer")
    committed(client, choices())
    return EnrolmentBatch.objects.get()


# Who reaches what -----------------------------------------------------------------------------------

# role -> (batches, targeting, one batch, budget, policy, renewal)
ALLOWED = {
    "admin": (200, 200, 200, 200, 200, 200),
    "officer": (200, 200, 200, 200, 200, 200),
    "village_operator": (403, 403, 403, 403, 403, 403),
    "bpjs_officer": (200, 403, 200, 403, 403, 403),
    "leader": (200, 403, 200, 200, 403, 403),
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_its_enrolment_pages(client, login, apbd, role):
    batch = EnrolmentBatch.objects.create(payer=apbd, programmes=["JKK", "JKM"], start_month=START, months=12)
    login(role)
    got = (
        client.get(reverse("enrolment:index")).status_code,
        client.get(reverse("enrolment:target")).status_code,
        client.get(reverse("enrolment:batch", args=[batch.pk])).status_code,
        client.get(reverse("enrolment:budget")).status_code,
        client.get(reverse("enrolment:policy")).status_code,
        client.get(reverse("enrolment:renew")).status_code,
    )
    assert got == ALLOWED[role]


def test_the_enrolment_pages_need_a_login(client):
    response = client.get(reverse("enrolment:target"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role, shown", [("officer", True), ("leader", True), ("bpjs_officer", True),
                                         ("village_operator", False)])
def test_the_menu_offers_enrolment_to_those_who_see_batches(client, login, role, shown):
    login(role)
    page = client.get(reverse("account")).content.decode()
    nav = re.search(r'<nav aria-label="Menu utama">(.*?)</nav>', page, re.S).group(1)
    assert (">Kepesertaan</a>" in nav) is shown


# The list of batches --------------------------------------------------------------------------------


def test_the_list_shows_batches_and_this_years_budget(client, login, batch, apbd):
    BudgetLine.objects.create(payer=apbd, fiscal_year=timezone.localdate().year, programme_id="JKM", amount=5_000_000)
    page = text(client.get(reverse("enrolment:index")))
    assert f"#{batch.pk}" in page and "APBD Pemerintah Daerah" in page
    assert "penargetan dengan anggaran" in page and "disimpan" in page and "user_officer" in page
    assert "604.800" in page  # three people, twelve months
    assert f"Anggaran {timezone.localdate().year}" in page and "5.000.000" in page
    assert "Sasar dengan anggaran" in page and "Perpanjangan tahunan" in page


def test_a_leader_sees_batches_and_the_budget_but_cannot_target(client, login, batch):
    login("leader")
    page = text(client.get(reverse("enrolment:index")))
    assert f"#{batch.pk}" in page and "Anggaran" in page
    assert "Sasar dengan anggaran" not in page


def test_a_bpjs_officer_sees_batches_but_no_budget(client, login, batch):
    login("bpjs_officer")
    page = text(client.get(reverse("enrolment:index")))
    assert f"#{batch.pk}" in page and "Dialokasikan" not in page and "Alokasi (Rp)" not in page


# Targeting ------------------------------------------------------------------------------------------


def test_the_targeting_form_starts_with_jkk_and_jkm_for_twelve_months_on_apbd(client, login, apbd):
    login("officer")
    html = client.get(reverse("enrolment:target")).content.decode()
    assert re.search(r'value="JKK"[^>]*checked', html) and re.search(r'value="JKM"[^>]*checked', html)
    assert not re.search(r'value="JHT"[^>]*checked', html)
    assert 'name="months" value="12"' in html and f'value="{THIS_MONTH}"' in html
    assert re.search(rf'<option value="{apbd.pk}" selected>', html)
    assert "Simpan:" not in html


def test_the_preview_shows_who_the_budget_covers_and_who_is_next(client, login, people, allocated):
    budi, siti, asep = people
    login("officer")
    checked, response = previewed(client, choices(budget="403.200"))
    assert checked
    page = text(response)
    html = response.content.decode()
    assert re.search(r'id="covered">2<', html) and re.search(r'id="eligible">3<', html)
    assert 'id="cost">Rp 403.200<' in html and 'id="cost-per-person">Rp 201.600<' in html
    by_kecamatan = html.split('id="by-kecamatan"')[1].split("</tbody>")[0]
    assert "Tambelang" in by_kecamatan and "Cikarang Barat" in by_kecamatan
    by_segment = html.split('id="by-segment"')[1].split("</tbody>")[0]
    assert "Petani" in by_segment and "Nelayan" in by_segment
    outside = html.split('id="outside"')[1].split("</tbody>")[0]
    assert "Asep Saepudin" in outside and "Sukawijaya, Tambelang" in outside and "Budi" not in outside
    assert reverse("registry:person-detail", args=[asep.pk]) in outside
    assert "Simpan: 2 orang" in page
    assert 'id="budget-warning"' not in html
    assert not EnrolmentBatch.objects.exists() and not Membership.objects.exists()


def test_committing_writes_the_batch_and_goes_to_its_page(client, login, people, allocated, apbd):
    user = login("officer")
    response = committed(client, choices(budget="10.000.000.000"), note="SK Bupati 1/2027")
    batch = EnrolmentBatch.objects.get()
    assert response.redirect_chain[-1][0] == reverse("enrolment:batch", args=[batch.pk])
    [flash] = flashes(response)
    assert f"Batch {batch.pk}" in flash and "3 orang" in flash and "Rp 604.800" in flash
    assert (batch.people, batch.cost, batch.budget, batch.note, batch.created_by) == (
        3, 3 * PER_PERSON, 10_000_000_000, "SK Bupati 1/2027", user)
    assert list(BatchMember.objects.order_by("rank").values_list("person__full_name", flat=True)) == [
        "Budi Santoso", "Siti Aminah", "Asep Saepudin"]
    assert Membership.objects.filter(status="candidate", payer=apbd, start_month=START).count() == 6


def test_a_budget_over_the_allocation_needs_the_officers_consent(client, login, people):
    login("officer")  # no budget line for the year: every batch goes over it
    data = choices(budget="403.200")
    checked, response = previewed(client, data)
    warning = re.search(r'id="budget-warning">(.*?)</p>', response.content.decode(), re.S).group(1)
    assert "belum ada pagu" in warning
    assert "Saya menerima melebihi alokasi" in text(response)
    refused = client.post(reverse("enrolment:target"), {**data, "action": "commit", "checked": checked})
    assert refused.status_code == 200 and "Centang" in field_error(refused, "allow_over_budget")
    assert not EnrolmentBatch.objects.exists()
    accepted = client.post(reverse("enrolment:target"), {**data, "action": "commit", "checked": checked,
                                                         "allow_over_budget": "on"})
    assert accepted.status_code == 302
    assert EnrolmentBatch.objects.get().people == 2
    assert AuditEvent.objects.get(action="enrolment.commit").after["over_budget_allowed"] is True


def test_the_preview_in_english(client, login, people):
    user = login("officer")
    user.language = "en"
    user.save()
    _, response = previewed(client, choices(budget="403.200"))
    warning = re.search(r'id="budget-warning">(.*?)</p>', response.content.decode(), re.S).group(1)
    assert "no budget allocation recorded" in warning and "belum ada pagu" not in warning
    assert "Commit: 2 people" in text(response) and "Rp 403,200" in text(response)


def test_committing_other_choices_than_previewed_shows_a_new_preview(client, login, people, allocated):
    login("officer")
    checked, _ = previewed(client, choices(budget="403.200"))
    response = client.post(reverse("enrolment:target"), {**choices(budget="201.600"), "action": "commit",
                                                         "checked": checked})
    assert response.status_code == 200 and "berubah" in text(response)
    assert re.search(r'id="covered">1<', response.content.decode())
    assert not EnrolmentBatch.objects.exists()


def test_someone_enrolled_since_the_preview_means_a_new_preview(client, login, people, allocated, apbd):
    budi, _, _ = people
    login("officer")
    checked, _ = previewed(client, choices())
    enrol(Person.objects.filter(pk=budi.pk), ["JKK"], apbd, START)
    response = client.post(reverse("enrolment:target"), {**choices(), "action": "commit", "checked": checked})
    assert response.status_code == 200 and "berubah" in text(response)
    assert re.search(r'id="eligible">2<', response.content.decode())
    assert not EnrolmentBatch.objects.exists()


@pytest.mark.parametrize("field, value, error", [
    ("budget", "sepuluh miliar", "rupiah"),
    ("budget", "0", "paling sedikit"),
    ("months", "61", "60"),
    ("start_month", "2027-13", "YYYY-MM"),
    ("start_month", "9999-12", "antara 1990-01 dan 2099-12"),   # a server error before: a year on leaves the calendar
    ("budget", "9" * 27, "rupiah"),                               # a server error before: too large for the database
    ("start_month", "2001-01", "kebijakan"),  # no eligibility policy in force then: the service says so
    ("programmes", [], "tidak boleh kosong"),
])
def test_wrong_choices_are_refused_beside_their_field(client, login, people, field, value, error):
    login("officer")
    response = client.post(reverse("enrolment:target"), {**choices(**{field: value}), "action": "preview"})
    assert response.status_code == 200
    message = field_error(response, field)
    assert message and error in message
    assert 'id="covered"' not in response.content.decode()


def test_a_budget_too_small_for_anyone_offers_nothing_to_commit(client, login, people):
    login("officer")
    _, response = previewed(client, choices(budget="100.000"))
    assert "tidak mencakup siapa pun" in text(response)
    assert 'value="commit"' not in response.content.decode()


@pytest.mark.parametrize("role", ["leader", "bpjs_officer", "village_operator"])
def test_only_officers_target(client, login, people, role):
    login(role)
    response = client.post(reverse("enrolment:target"), {**choices(), "action": "commit", "checked": "x"})
    assert response.status_code == 403 and not EnrolmentBatch.objects.exists()


# One batch and its files for BPJS -------------------------------------------------------------------


def response_csv(*rows) -> SimpleUploadedFile:
    lines = ["NIK,No KPJ,Status,Keterangan", *(",".join(row) for row in rows)]
    return SimpleUploadedFile("jawaban-bpjs.csv", ("\n".join(lines) + "\n").encode(), content_type="text/csv")


def test_the_batch_page_lists_members_with_masked_nik(client, batch):
    response = client.get(reverse("enrolment:batch", args=[batch.pk]))
    page = text(response)
    assert "Batch " + str(batch.pk) in page and "Rp 604.800" in page and "JKK, JKM" in page
    members = response.content.decode().split('id="members"')[1].split("</tbody>")[0]
    assert members.index("Budi Santoso") < members.index("Siti Aminah") < members.index("Asep Saepudin")
    assert "3216********0002" in members and BUDI_NIK not in members
    assert "Sukawijaya, Tambelang" in members and "Nelayan" in members and "calon" in members
    assert "Unduh berkas untuk BPJS" in page and "Unggah jawaban BPJS" in page


def exported(client, batch):
    """Make the file for BPJS (a job, run at once here) and download it from the batch page."""
    page = client.post(reverse("enrolment:batch_export", args=[batch.pk]), follow=True)
    found = re.search(r'<p class="actions" id="export-ready"><a class="button" href="([^"]+)"', page.content.decode())
    assert found, text(page)
    return client.get(found.group(1))


def test_the_full_round_trip_with_bpjs(client, batch):
    import openpyxl

    url = reverse("enrolment:batch", args=[batch.pk])
    download = exported(client, batch)
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="pendaftaran-bpjs-batch-{batch.pk}.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert sheet.max_row == 1 + 3 and sheet.cell(2, 1).value == BUDI_NIK  # full NIK, rank order
    export = AuditEvent.objects.get(action="enrolment.export")
    assert export.user.username == "user_officer" and export.target_id == str(batch.pk)
    downloaded = AuditEvent.objects.get(action="export_personal_data")
    assert downloaded.user.username == "user_officer" and downloaded.target_id == str(batch.pk)
    job = BpjsFileJob.objects.get(kind="export")
    assert job.state == "done" and job.result == {"rows": 3} and (Path(job.stored_as).stat().st_mode & 0o777) == 0o600
    batch.refresh_from_db()
    assert batch.status == "submitted" and batch.exported_at
    sent = client.get(url).content.decode()  # before any answer, everyone waits: the members list says it all
    assert re.search(r'id="rec-sent">3<', sent) and 'id="missing"' not in sent

    upload = response_csv(
        (BUDI_NIK, "12345678901", "Diterima", ""),
        (SITI_NIK, "", "Ditolak", "Data tidak sesuai Dukcapil"),
        ("3216040101900009", "12345678902", "Diterima", ""),  # nobody of this batch
    )
    response = client.post(reverse("enrolment:batch_response", args=[batch.pk]), {"file": upload}, follow=True)
    assert response.redirect_chain[-1][0] == url + "#response"
    [flash] = flashes(response)
    assert "jawaban-bpjs.csv" in flash and "3 baris" in flash and "1 diterima" in flash and "1 ditolak" in flash
    html = response.content.decode()
    assert re.search(r'id="report-accepted">1<', html) and re.search(r'id="report-unknown">1<', html)
    issues = html.split('id="report-issues"')[1].split("</tbody>")[0]
    assert "bukan peserta batch ini" in issues
    # The reconciliation: two sent answered, Asep still waiting, one answer for somebody not sent.
    assert re.search(r'id="rec-sent">3<', html) and re.search(r'id="rec-returned">2<', html)
    assert re.search(r'id="rec-accepted">1<', html) and re.search(r'id="rec-rejected">1<', html)
    assert re.search(r'id="rec-missing">1<', html) and re.search(r'id="rec-unknown">1<', html)
    missing = html.split('id="missing"')[1].split("</tbody>")[0]
    assert "Asep Saepudin" in missing and "3216********0001" in missing
    members = html.split('id="members"')[1].split("</tbody>")[0]
    assert "12345678901" in members and "Data tidak sesuai Dukcapil" in members
    assert Membership.objects.filter(person__nik_index=Person.objects.get(full_name="Budi Santoso").nik_index,
                                     status="active", kpj="12345678901").count() == 2
    # The message is shown once; the report of the latest response and the reconciliation stay.
    again = client.get(url).content.decode()
    assert "jawaban-bpjs.csv terbaca" not in again
    assert 'id="report-rows"' in again and 'id="rec-accepted">1<' in again


def test_the_members_filter_by_status(client, batch):
    client.post(reverse("enrolment:batch_export", args=[batch.pk]))
    client.post(reverse("enrolment:batch_response", args=[batch.pk]),
                {"file": response_csv((BUDI_NIK, "12345678901", "Diterima", ""))})
    html = client.get(reverse("enrolment:batch", args=[batch.pk]), {"status": "submitted"}).content.decode()
    members = html.split('id="members"')[1].split("</tbody>")[0]
    assert "Siti Aminah" in members and "Asep Saepudin" in members and "Budi Santoso" not in members


def test_the_same_answer_file_twice_changes_nothing_and_says_so(client, batch):
    client.post(reverse("enrolment:batch_export", args=[batch.pk]))
    url = reverse("enrolment:batch_response", args=[batch.pk])
    client.post(url, {"file": response_csv((BUDI_NIK, "12345678901", "Diterima", ""))})
    again = client.post(url, {"file": response_csv((BUDI_NIK, "12345678901", "Diterima", ""))}, follow=True)
    assert "sudah pernah dibaca" in text(again)


def test_a_file_of_the_wrong_kind_is_refused_beside_the_field(client, batch):
    client.post(reverse("enrolment:batch_export", args=[batch.pk]))
    response = client.post(reverse("enrolment:batch_response", args=[batch.pk]),
                           {"file": SimpleUploadedFile("jawaban.pdf", b"%PDF-1.4")})
    assert response.status_code == 200 and "CSV, XLSX, XLS" in field_error(response, "file")
    assert not BpjsFileJob.objects.filter(kind="import").exists()


def test_an_answer_file_without_its_columns_fails_clearly_and_changes_nothing(client, batch):
    client.post(reverse("enrolment:batch_export", args=[batch.pk]))
    response = client.post(reverse("enrolment:batch_response", args=[batch.pk]),
                           {"file": SimpleUploadedFile("jawaban.csv", b"Nama,Alamat\nAsep,Bekasi\n")}, follow=True)
    job = BpjsFileJob.objects.get(kind="import")
    assert job.state == "failed" and " / " in job.error  # Indonesian / English
    alert = re.findall(r'<p class="flash error" role="alert">(.*?)</p>', response.content.decode(), re.S)
    assert alert and "judul kolom" in alert[0] and " / " not in alert[0]
    assert not BatchMember.objects.filter(status="accepted").exists()
    assert "judul kolom" not in text(client.get(reverse("enrolment:batch", args=[batch.pk])))  # said once


def test_the_page_shows_the_progress_of_a_running_job_and_refreshes(client, batch):
    url = reverse("enrolment:batch", args=[batch.pk])
    BpjsFileJob.objects.create(batch=batch, kind="export", state="queued")
    BpjsFileJob.objects.create(batch=batch, kind="import", state="running", progress=40,
                               progress_text="checking and writing", filename="jawaban.csv")
    response = client.get(url)
    html = response.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert re.search(r'<progress id="progress-\d+" max="100" value="0">', html)
    assert re.search(r'<progress id="progress-\d+" max="100" value="40">', html)
    assert "Membuat berkas untuk BPJS" in text(response) and "Membaca jawaban BPJS" in text(response)
    assert 'id="export-ready"' not in html
    BpjsFileJob.objects.update(state="done", progress=100)
    assert '<meta http-equiv="refresh"' not in client.get(url).content.decode()


def test_the_page_keeps_the_report_of_the_latest_response_for_everyone(client, batch, login):
    client.post(reverse("enrolment:batch_export", args=[batch.pk]))
    url = reverse("enrolment:batch", args=[batch.pk])
    client.post(reverse("enrolment:batch_response", args=[batch.pk]),
                {"file": response_csv((BUDI_NIK, "12345678901", "Diterima", ""))})
    job = BpjsFileJob.objects.get(kind="import")
    assert job.state == "done" and job.result["accepted"] == 1 and "outcomes" not in job.result
    assert (Path(job.stored_as).stat().st_mode & 0o777) == 0o600
    html = client.get(url).content.decode()
    assert re.search(r'id="report-accepted">1<', html) and re.search(r'id="rec-accepted">1<', html)
    assert html.count("terbaca: 1 baris") == 1   # the message, once
    html = client.get(url).content.decode()
    assert re.search(r'id="report-accepted">1<', html) and "terbaca: 1 baris" not in html
    # For the BPJS officer too, the report (with its per-row problems) is there, and who read the file when.
    login("bpjs_officer")
    html = client.get(url).content.decode()
    assert re.search(r'id="report-accepted">1<', html) and "Dibaca oleh user_officer pada" in html


def test_a_new_file_for_bpjs_replaces_the_earlier_one(client, batch):
    client.post(reverse("enrolment:batch_export", args=[batch.pk]))
    first = BpjsFileJob.objects.get(kind="export")
    first_file = Path(first.stored_as)
    client.post(reverse("enrolment:batch_export", args=[batch.pk]))
    first.refresh_from_db()
    second = BpjsFileJob.objects.filter(kind="export").latest("id")
    assert first.stored_as == "" and not first_file.exists() and Path(second.stored_as).is_file()
    html = client.get(reverse("enrolment:batch", args=[batch.pk])).content.decode()
    assert reverse("enrolment:batch_export_file", args=[batch.pk, second.pk]) in html
    assert client.get(reverse("enrolment:batch_export_file", args=[batch.pk, first.pk])).status_code == 404


def test_only_file_exchangers_download_the_finished_file(client, batch, login):
    client.post(reverse("enrolment:batch_export", args=[batch.pk]))
    job = BpjsFileJob.objects.get(kind="export")
    file_url = reverse("enrolment:batch_export_file", args=[batch.pk, job.pk])
    login("leader")
    assert client.get(file_url).status_code == 403
    assert not AuditEvent.objects.filter(action="export_personal_data").exists()
    login("bpjs_officer")
    assert file_url in client.get(reverse("enrolment:batch", args=[batch.pk])).content.decode()
    assert client.get(file_url).status_code == 200
    assert AuditEvent.objects.filter(action="export_personal_data", target_id=str(batch.pk)).count() == 1


def test_an_answer_file_too_large_is_refused(client, batch, settings):
    settings.LINDUNG_UPLOAD_MAX_MB = 0
    response = client.post(reverse("enrolment:batch_response", args=[batch.pk]),
                           {"file": response_csv((BUDI_NIK, "12345678901", "Diterima", ""))})
    assert "lebih besar dari 0 MB" in field_error(response, "file")


def test_exporting_a_batch_nobody_waits_in_says_so(client, batch):
    client.post(reverse("enrolment:batch_export", args=[batch.pk]))
    client.post(reverse("enrolment:batch_response", args=[batch.pk]), {"file": response_csv(
        (BUDI_NIK, "12345678901", "Diterima", ""), (SITI_NIK, "12345678902", "Diterima", ""),
        (ASEP_NIK, "12345678903", "Diterima", ""))})
    response = client.post(reverse("enrolment:batch_export", args=[batch.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("enrolment:batch", args=[batch.pk]) + "#bpjs-files"
    assert "tidak ada peserta" in text(response).lower()
    assert BpjsFileJob.objects.filter(kind="export").latest("id").state == "failed"


def test_a_bpjs_officer_exchanges_files_and_sees_masked_members(client, batch, login):
    login("bpjs_officer")
    response = client.get(reverse("enrolment:batch", args=[batch.pk]))
    members = response.content.decode().split('id="members"')[1].split("</tbody>")[0]
    assert "Budi Santoso" in members and "3216********0002" in members
    assert reverse("registry:person-detail", args=[batch.members.first().person_id]) not in members
    assert exported(client, batch).status_code == 200


def test_a_leader_sees_the_figures_but_no_names_and_no_files(client, batch, login):
    login("leader")
    response = client.get(reverse("enrolment:batch", args=[batch.pk]))
    page = text(response)
    assert "Rp 604.800" in page
    assert "Budi Santoso" not in page and "3216********" not in page and "Unduh berkas" not in page
    assert client.post(reverse("enrolment:batch_export", args=[batch.pk])).status_code == 403
    response = client.post(reverse("enrolment:batch_response", args=[batch.pk]),
                           {"file": response_csv((BUDI_NIK, "12345678901", "Diterima", ""))})
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="enrolment.export").exists()


def test_the_export_is_a_post(client, batch):
    assert client.get(reverse("enrolment:batch_export", args=[batch.pk])).status_code == 405


def test_the_members_are_paginated(client, login, people, allocated):
    for serial in range(1, 27):
        create_person(source="test", nik=f"32160405069{serial + 10:05d}", full_name=f"Orang {serial:02d}",
                      birth_date=date(1990, 6, 5), sex="L", village_id="32.16.04.2001", segment_id="farmer",
                      welfare_decile=5)
    login("officer")
    committed(client, choices())
    batch = EnrolmentBatch.objects.get()
    first = text(client.get(reverse("enrolment:batch", args=[batch.pk])))  # Budi, Siti, then decile 5
    assert "Halaman 1 dari 2" in first and "Orang 23" in first and "Orang 24" not in first
    second = text(client.get(reverse("enrolment:batch", args=[batch.pk]), {"page": 2}))
    assert "Orang 24" in second and "Asep Saepudin" in second and "Orang 23" not in second


# Budget ---------------------------------------------------------------------------------------------


def test_an_officer_adds_then_changes_a_budget_line(client, login, apbd, people):
    user = login("officer")
    url = reverse("enrolment:budget")
    year = timezone.localdate().year
    enrol(Person.objects.all(), ["JKK", "JKM"], apbd, f"{year}-01")
    data = {"payer": apbd.pk, "fiscal_year": year, "programme": "JKK", "amount": "10.000.000.000",
            "reference": "DPA Disnaker"}
    response = client.post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == f"{url}?year={year}"
    [flash] = flashes(response)
    assert "ditambahkan" in flash and "Rp 10.000.000.000" in flash
    line = BudgetLine.objects.get()
    assert (line.amount, line.reference) == (10_000_000_000, "DPA Disnaker")
    page = text(response)
    assert "10.000.000.000" in page and "DPA Disnaker" in page
    assert f"{3 * 12 * 16_800:,}".replace(",", ".") in page  # committed: three members all year
    changed = client.post(url, {**data, "amount": "Rp 12.000.000.000", "reference": "DPA Perubahan"}, follow=True)
    [flash] = flashes(changed)
    assert "diubah" in flash and "Rp 12.000.000.000" in flash
    line.refresh_from_db()
    assert (line.amount, line.reference, BudgetLine.objects.count()) == (12_000_000_000, "DPA Perubahan", 1)
    events = AuditEvent.objects.filter(target_type="programmes.budgetline", user=user).order_by("id")
    assert [e.action for e in events] == ["create", "update"]
    assert events[1].before["amount"] == 10_000_000_000 and events[1].after["amount"] == 12_000_000_000


def test_the_budget_page_shows_another_year(client, login, apbd):
    BudgetLine.objects.create(payer=apbd, fiscal_year=2024, programme_id="JKM", amount=777_000)
    login("leader")
    page = text(client.get(reverse("enrolment:budget"), {"year": "2024"}))
    assert "Anggaran 2024" in page and "777.000" in page
    assert "Tambah atau ubah pos anggaran" not in page


@pytest.mark.parametrize("fields, field, error", [
    ({"amount": "sejuta"}, "amount", "rupiah"),
    ({"fiscal_year": "1999"}, "fiscal_year", "2000"),
])
def test_a_wrong_budget_line_is_refused_beside_its_field(client, login, apbd, fields, field, error):
    login("officer")
    data = {"payer": apbd.pk, "fiscal_year": NEXT_YEAR, "programme": "JKK", "amount": "1.000", **fields}
    response = client.post(reverse("enrolment:budget"), data)
    assert response.status_code == 200 and error in field_error(response, field)
    assert not BudgetLine.objects.exists()


def test_a_leader_cannot_change_the_budget(client, login, apbd):
    login("leader")
    response = client.post(reverse("enrolment:budget"), {"payer": apbd.pk, "fiscal_year": NEXT_YEAR,
                                                         "programme": "JKK", "amount": "1.000"})
    assert response.status_code == 403 and not BudgetLine.objects.exists()


# Eligibility policy ---------------------------------------------------------------------------------


def test_the_policies_in_force_and_a_new_one(client, login):
    user = login("officer")
    url = reverse("enrolment:policy")
    page = text(client.get(url))
    assert "01-01-2023" in page and "berlaku" in page and "15–65" in page and "semua segmen" in page
    data = {"effective_from": f"{NEXT_YEAR}-01-01", "age_min": "18", "age_max": "60",
            "segments": ["farmer", "fisher"], "segment_priority": "fisher, farmer", "source": "Perbup 12/2026"}
    response = client.post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == url
    [flash] = flashes(response)
    assert f"01-01-{NEXT_YEAR}" in flash
    policy = EligibilityPolicy.objects.get(source="Perbup 12/2026")
    assert (policy.age_min, policy.age_max, policy.segments, policy.segment_priority, policy.created_by) == (
        18, 60, ["farmer", "fisher"], ["fisher", "farmer"], user)
    rows = response.content.decode().split('id="policies"')[1].split("</tbody>")[0]
    assert "akan berlaku" in rows and "Nelayan, Petani" in rows
    assert AuditEvent.objects.filter(action="create", target_type="enrolment.eligibilitypolicy").exists()


@pytest.mark.parametrize("fields, field, error", [
    ({"effective_from": "2023-01-01"}, "effective_from", "sudah"),
    ({"age_min": "40", "age_max": "30"}, "age_max", "tidak boleh"),
    ({"segment_priority": "farmer, astronaut"}, "segment_priority", "astronaut"),
    ({"segment_priority": "farmer, farmer"}, "segment_priority", "satu kali"),
    ({"segments": ["farmer"], "segment_priority": "fisher"}, "segment_priority", "fisher"),
    ({"source": ""}, "source", "tidak boleh kosong"),
])
def test_a_wrong_policy_is_refused_beside_its_field(client, login, fields, field, error):
    login("officer")
    data = {"effective_from": f"{NEXT_YEAR}-01-01", "age_min": "18", "age_max": "60", "segment_priority": "",
            "source": "Perbup", **fields}
    response = client.post(reverse("enrolment:policy"), data)
    assert response.status_code == 200 and error in field_error(response, field).lower()
    assert EligibilityPolicy.objects.count() == 1


def test_the_admin_adds_a_policy_and_the_leader_may_not_look(client, login):
    login("admin")
    assert "Kebijakan baru" in text(client.get(reverse("enrolment:policy")))
    login("leader")
    assert client.post(reverse("enrolment:policy"), {"effective_from": "2030-01-01", "age_min": "1", "age_max": "2",
                                                     "source": "x"}).status_code == 403
    assert EligibilityPolicy.objects.count() == 1


# Renewal --------------------------------------------------------------------------------------------


@pytest.fixture
def ending_this_year(people, apbd):
    """Everyone on APBD (JKK + JKM) until December of the year before NEXT_YEAR; Siti has died since."""
    budi, siti, asep = people
    enrol(Person.objects.all(), ["JKK", "JKM"], apbd, f"{NEXT_YEAR - 1}-01")
    Membership.objects.update(end_month=f"{NEXT_YEAR - 1}-12")
    Person.objects.filter(pk=siti.pk).update(died_on=date(NEXT_YEAR - 1, 11, 3))
    return people


def test_renewal_previews_then_carries_over_and_drops_the_dead(client, login, ending_this_year, apbd):
    login("officer")
    url = reverse("enrolment:renew")
    data = {"payer": apbd.pk, "year": NEXT_YEAR}
    preview = client.post(url, {**data, "action": "preview"})
    html = preview.content.decode()
    assert re.search(r'id="carried">2<', html) and re.search(r'id="dropped">1<', html)
    assert "meninggal dunia" in html and "Siti Aminah" in html.split('id="dropped-people"')[1]
    assert not Membership.objects.filter(end_month=f"{NEXT_YEAR}-12").exists()  # a preview writes nothing
    assert not AuditEvent.objects.filter(action="enrolment.renew").exists()
    checked = re.search(r'name="checked" value="([0-9a-f]+)"', html).group(1)
    done = client.post(url, {**data, "action": "confirm", "checked": checked})
    [flash] = flashes(done)
    assert "2 orang dilanjutkan" in flash and "1 dihentikan" in flash
    assert "Siti Aminah" in done.content.decode().split('id="dropped-people"')[1]
    assert Membership.objects.filter(end_month=f"{NEXT_YEAR}-12").count() == 4
    assert set(Membership.objects.filter(status="ended").values_list("person__full_name", flat=True)) == {"Siti Aminah"}
    again = client.post(url, {**data, "action": "preview"})
    assert "Tidak ada yang perlu diperpanjang" in text(again) and 'value="confirm"' not in again.content.decode()


def test_confirming_another_year_than_previewed_shows_a_new_preview(client, login, ending_this_year, apbd):
    login("officer")
    url = reverse("enrolment:renew")
    preview = client.post(url, {"payer": apbd.pk, "year": NEXT_YEAR, "action": "preview"})
    checked = re.search(r'name="checked" value="([0-9a-f]+)"', preview.content.decode()).group(1)
    response = client.post(url, {"payer": apbd.pk, "year": NEXT_YEAR + 1, "action": "confirm", "checked": checked})
    assert "berubah" in text(response)
    assert not Membership.objects.filter(end_month=f"{NEXT_YEAR}-12").exists()


# Ending a membership on the person page -------------------------------------------------------------


def test_an_officer_ends_a_membership_on_the_person_page(client, login, people, apbd):
    budi, _, _ = people
    enrol(Person.objects.filter(pk=budi.pk), ["JKK", "JKM"], apbd, "2025-01")
    user = login("officer")
    page = client.get(reverse("registry:person-detail", args=[budi.pk])).content.decode()
    assert "Akhiri kepesertaan" in page and "meninggal dunia" in page
    response = client.post(reverse("enrolment:end_membership", args=[budi.pk]),
                           {"programme": "", "reason": "death", "last_month": "2025-06", "note": "laporan desa"},
                           follow=True)
    assert response.redirect_chain[-1][0] == reverse("registry:person-detail", args=[budi.pk])
    [flash] = flashes(response)
    assert "2 kepesertaan berakhir" in flash and "Juni 2025" in flash
    assert set(Membership.objects.values_list("status", "end_month")) == {("ended", "2025-06")}
    assert AuditEvent.objects.filter(action="enrolment.end", user=user).exists()
    assert "Akhiri kepesertaan" not in text(response)  # nothing left to end


def test_ending_one_programme_keeps_the_other(client, login, people, apbd):
    budi, _, _ = people
    enrol(Person.objects.filter(pk=budi.pk), ["JKK", "JKM"], apbd, "2025-01")
    login("officer")
    client.post(reverse("enrolment:end_membership", args=[budi.pk]),
                {"programme": "JKM", "reason": "withdrawn", "last_month": "2025-03"})
    assert dict(Membership.objects.values_list("programme_id", "status")) == {"JKK": "active", "JKM": "ended"}


def test_ending_needs_a_reason_and_a_month(client, login, people, apbd):
    budi, _, _ = people
    enrol(Person.objects.filter(pk=budi.pk), ["JKK"], apbd, "2025-01")
    login("officer")
    response = client.post(reverse("enrolment:end_membership", args=[budi.pk]),
                           {"reason": "bosan", "last_month": "Juni"})
    assert response.status_code == 200
    assert field_error(response, "reason") and "YYYY-MM" in field_error(response, "last_month")
    assert Membership.objects.get().status == "active"


def test_a_village_operator_cannot_end_memberships(client, login, people, apbd):
    budi, _, _ = people
    enrol(Person.objects.filter(pk=budi.pk), ["JKK"], apbd, "2025-01")
    login("village_operator")
    assert "Akhiri kepesertaan" not in text(client.get(reverse("registry:person-detail", args=[budi.pk])))
    response = client.post(reverse("enrolment:end_membership", args=[budi.pk]),
                           {"reason": "death", "last_month": "2025-06"})
    assert response.status_code == 403 and Membership.objects.get().status == "active"
