"""Intake end to end: real files in, every row accounted for, the registry changed once or not at all."""
import csv
import json
from io import StringIO
from pathlib import Path

import pytest
import xlsxwriter
from django.core.management import CommandError, call_command
from django.urls import reverse

from lindung.accounts.models import AuditEvent
from lindung.intake import review
from lindung.intake.models import ImportBatch, ImportRow
from lindung.intake.reader import read_table
from lindung.intake.services import outcome_frame, run_intake
from lindung.intake.writer import write_template
from lindung.registry.models import Person
from lindung.registry.services import find_by_nik

pytestmark = pytest.mark.django_db

HEADER = ["NIK", "Nama Lengkap", "Tempat Lahir", "Tgl Lahir", "JK", "Desa/Kel", "Kecamatan", "Pekerjaan",
          "Penghasilan", "No HP"]
ROWS = [
    ["3216040506900001", "Asep Saepudin", "Bekasi", "05/06/1990", "L", "Sukawijaya", "Tambelang", "Petani padi", "1.500.000", "081234567890"],
    ["3.21601E+15", "Ujang", "Bekasi", "01-02-1985", "L", "Sukawijaya", "Tambelang", "Petani", "1500000", ""],
    ["3216044506900002", "Hj. Siti Aminah", "Bekasi", "1990-06-05", "P", "Sukawijaya", "Tambelang", "PKL", "2 jt", "0812-3456-7891"],
    ["3216044506900003", "Siti Aminah", "Bekasi", "05/06/1990", "P", "Sukawijaya", "Tambelang", "PKL", "2000000", ""],
    ["3216040506900001", "Asep Lagi", "Bekasi", "05/06/1990", "L", "Sukawijaya", "Tambelang", "Petani", "1500000", ""],
]
# Spreadsheet rows: title on 1, blank 2, header 3, data 4..8.
EXPECTED = {4: "accepted", 5: "rejected", 6: "accepted", 7: "review", 8: "rejected"}


def write_csv(path: Path, rows=ROWS, delimiter=";", encoding="utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(["DAFTAR PEKERJA RENTAN DESA SUKAWIJAYA 2026"])
        writer.writerow([])
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows=ROWS) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Daftar")
    sheet.write_row(0, 0, ["DAFTAR PEKERJA RENTAN DESA SUKAWIJAYA 2026"])
    sheet.write_row(2, 0, HEADER)
    for i, row in enumerate(rows, start=3):
        sheet.write_row(i, 0, row)
    workbook.close()
    return path


# The annotated file's Status column, in Indonesian (the default language).
STATUS_WORDS = {"accepted": "diterima", "unchanged": "tidak berubah", "review": "perlu diperiksa", "rejected": "ditolak"}


def in_words(statuses: dict) -> dict:
    return {row: STATUS_WORDS[status] for row, status in statuses.items()}


def outcomes(report) -> dict:
    return {o["row"]: o["status"] for o in report.outcomes}


@pytest.mark.parametrize("writer", [write_csv, write_xlsx])
def test_every_row_ends_in_exactly_one_outcome(tmp_path, writer):
    path = writer(tmp_path / f"daftar.{'csv' if writer is write_csv else 'xlsx'}")
    report = run_intake(path, source="Desa Sukawijaya")
    assert outcomes(report) == EXPECTED
    assert report.rows == 5 == report.accepted + report.unchanged + report.review + report.rejected
    codes = {(i["row"], i["code"]) for i in report.issues}
    assert {(5, "nik.excel_number"), (7, "duplicate.possible"), (8, "duplicate.in_file")} <= codes
    assert all(i["message"] for i in report.issues)
    assert find_by_nik("3216040506900001").full_name == "Asep Saepudin"
    assert find_by_nik("3216044506900003") is None  # held for review
    held = ImportRow.objects.get(batch_id=report.batch, row=7)
    assert held.status == "review" and json.loads(held.values)["nik"] == "3216044506900003"



@pytest.mark.parametrize("registered_before", [False, True])
def test_each_row_points_at_the_person_it_registered(tmp_path, registered_before):
    # Into an empty registry the NIKs are hashed only for the people written; with people registered, all of them.
    if registered_before:
        run_intake(write_csv(tmp_path / "one.csv", rows=ROWS[2:3]), source="x")
    report = run_intake(write_csv(tmp_path / "daftar.csv"), source="x")
    asep, siti = find_by_nik("3216040506900001"), find_by_nik("3216044506900002")
    assert (asep.intake_batch_id, asep.intake_row) == (report.batch, 4)
    assert not ImportRow.objects.filter(batch_id=report.batch, row=4).exists()
    if registered_before:
        assert ImportRow.objects.get(batch_id=report.batch, row=6).person == siti
        assert siti.intake_batch_id != report.batch
    else:
        assert (siti.intake_batch_id, siti.intake_row) == (report.batch, 6)
    assert report.accepted + report.unchanged == 2 and report.unchanged == int(registered_before)
    assert ImportRow.objects.get(batch_id=report.batch, row=7).person is None
    recorded = outcome_frame(ImportBatch.objects.get(pk=report.batch))
    assert dict(recorded.select("_row", "status").iter_rows()) == outcomes(report)

def test_a_nik_registered_by_someone_else_during_the_import_is_found_not_doubled(tmp_path, monkeypatch):
    # The file is checked against an empty register; before its people are written, another import registers
    # Asep (row 4). The import checks again, holding the register, and ends instead of failing on his NIK.
    from lindung.intake import services

    keep_original, other = services.keep_original, []

    def meanwhile(*args):
        if not other:
            other.append(None)  # once: the other import keeps its own file too
            other[0] = run_intake(write_csv(tmp_path / "other.csv", rows=ROWS[:1]), source="another office")
        return keep_original(*args)

    monkeypatch.setattr(services, "keep_original", meanwhile)
    report = run_intake(write_csv(tmp_path / "daftar.csv"), source="x")
    assert outcomes(report) == EXPECTED | {4: "unchanged"}
    asep = Person.objects.get(intake_batch_id=other[0].batch)
    assert find_by_nik("3216040506900001") == asep and Person.objects.filter(full_name="Asep Saepudin").count() == 1
    assert find_by_nik("3216044506900002").intake_batch_id == report.batch
    assert ImportBatch.objects.get(pk=report.batch).unchanged == 1


def test_a_dry_run_writes_nothing(tmp_path):
    before = (Person.objects.count(), ImportBatch.objects.count())
    report = run_intake(write_csv(tmp_path / "daftar.csv"), source="x", dry_run=True)
    assert outcomes(report) == EXPECTED
    assert (Person.objects.count(), ImportBatch.objects.count()) == before


def test_the_same_file_twice_changes_nothing_and_says_so(tmp_path):
    path = write_csv(tmp_path / "daftar.csv")
    first = run_intake(path, source="x")
    people = Person.objects.count()
    again = run_intake(path, source="x")
    assert again.repeat_of == first.batch
    assert Person.objects.count() == people
    assert ImportRow.objects.filter(batch_id=again.batch).count() == 0
    # Its report is what the first import did with the rows, whoever sends the file again.
    assert (again.rows, again.accepted, again.review, again.rejected) == (5, 2, 1, 2)
    assert again.outcomes == first.outcomes and outcomes(again) == EXPECTED
    assert {(i["row"], i["code"]) for i in again.issues} == {(i["row"], i["code"]) for i in first.issues}
    third = run_intake(path, source="x")
    assert third.repeat_of == first.batch and outcomes(third) == EXPECTED


def test_a_file_imported_by_a_village_operator_and_sent_again_by_an_officer_shows_what_happened(
        officer_client, tmp_path, settings, make_user):
    """The operator's rows outside their villages were refused; the officer's upload of the same file changes
    nothing, and the page and the annotated file say so, row by row, instead of showing those rows accepted."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    rows = [list(r) for r in ROWS]
    rows[0][5], rows[0][6] = "Telaga Asih", "Cikarang Barat"   # Asep lives outside the operator's village
    path = write_xlsx(tmp_path / "daftar.xlsx", rows)
    operator = make_user("operator", "village_operator", villages=["32.16.04.2001"])
    first = run_intake(path, source="desa", user=operator)
    assert outcomes(first)[4] == "rejected" and find_by_nik("3216040506900001") is None
    with open(path, "rb") as f:
        response = officer_client.post(reverse("intake:upload"), {"file": f, "source": "dinas"})
    again = ImportBatch.objects.exclude(pk=first.batch).get()
    assert again.repeat_of_id == first.batch
    assert (again.accepted, again.rejected) == (first.accepted, first.rejected)
    page = officer_client.get(response["Location"]).content.decode()
    assert "sudah diimpor" in page and "village.outside_scope" not in page and "Desa ini bukan desa" in page
    download = officer_client.get(reverse("intake:annotated", args=[again.pk]))
    annotated = tmp_path / "back.xlsx"
    annotated.write_bytes(b"".join(download.streaming_content))
    statuses = dict(read_table(annotated).frame.select("_row", "Status").iter_rows())
    assert {row: status for row, status in statuses.items() if status} == in_words(outcomes(first))
    assert find_by_nik("3216040506900001") is None


def test_a_changed_file_updates_what_changed_and_reviews_identity_changes(tmp_path):
    run_intake(write_csv(tmp_path / "first.csv"), source="x")
    rows = [list(r) for r in ROWS]
    rows[0][9] = "081298765432"                      # Asep: a new phone number
    rows[2][1] = "Siti Aminah Hasanah"              # Siti (…002): another name
    report = run_intake(write_csv(tmp_path / "second.csv", rows), source="y")
    result = outcomes(report)
    assert result[4] == "accepted" and result[6] == "review"
    assert find_by_nik("3216040506900001").phone == "081298765432"
    assert find_by_nik("3216044506900002").full_name == "Hj. Siti Aminah"
    assert (6, "update.identity") in {(i["row"], i["code"]) for i in report.issues}


@pytest.mark.parametrize("rebuild_from", [10_000, 1], ids=["indexes kept", "indexes built after the insert"])
def test_a_failed_import_leaves_the_registry_as_it_was(tmp_path, monkeypatch, rebuild_from):
    from django.db import connection

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    def indexes():
        return sorted(connection.introspection.get_constraints(connection.cursor(), Person._meta.db_table))

    monkeypatch.setattr("lindung.bulk.REBUILD_FROM", rebuild_from)
    monkeypatch.setattr("lindung.intake.services.record_rows", broken)
    people, before = Person.objects.count(), indexes()
    with pytest.raises(RuntimeError):
        run_intake(write_csv(tmp_path / "daftar.csv"), source="x")
    assert Person.objects.count() == people and indexes() == before
    assert not ImportBatch.objects.filter(state="done").exists()


def test_the_cli_prints_the_report_as_json(tmp_path):
    path = write_csv(tmp_path / "daftar.csv")
    out = StringIO()
    call_command("intake", "check", str(path), "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert {"file", "rows", "accepted", "unchanged", "review", "rejected", "issues", "outcomes"} <= set(report)
    assert report["rows"] == 5 and {o["row"]: o["status"] for o in report["outcomes"]} == EXPECTED
    assert set(report["issues"][0]) == {"row", "column", "code", "message"}
    assert Person.objects.filter(source="daftar.csv").count() == 0
    out = StringIO()
    call_command("intake", "import", str(path), "--json", "--source", "Poktan Sri Rejeki", stdout=out)
    assert json.loads(out.getvalue())["accepted"] == 2
    assert Person.objects.filter(source="Poktan Sri Rejeki").count() == 2


def test_the_cli_speaks_the_operators_language(tmp_path):
    path = write_csv(tmp_path / "daftar.csv")
    out = StringIO()
    call_command("intake", "check", str(path), stdout=out)
    assert "daftar.csv: 5 baris — 2 diterima, 0 tidak berubah, 1 perlu diperiksa, 2 ditolak" in out.getvalue()
    assert "baris 8 nik: duplicate.in_file" in out.getvalue()
    out = StringIO()
    call_command("intake", "check", str(path), "--json", "--language", "en", stdout=out)
    messages = {issue["code"]: issue["message"] for issue in json.loads(out.getvalue())["issues"]}
    assert messages["duplicate.in_file"].startswith("This NIK")
    out = StringIO()
    call_command("intake", "check", str(path), "--language", "en", stdout=out)
    assert "daftar.csv: 5 rows — 2 accepted, 0 unchanged, 1 to review, 2 rejected" in out.getvalue()


def without_regions():
    from django.db import connection

    from lindung.regions.models import Region

    with connection.cursor() as cursor:  # all at once: deleting 91,599 regions one by one takes minutes
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(Region._meta.db_table)}")


def test_an_intake_before_the_regions_are_loaded_says_what_to_do(tmp_path, officer_client, settings):
    without_regions()
    path = write_csv(tmp_path / "daftar.csv")
    with pytest.raises(CommandError, match="lindung regions load.* / The region table is not loaded"):
        call_command("intake", "check", str(path), "--json", stdout=StringIO())
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with open(path, "rb") as f:
        officer_client.post(reverse("intake:upload"), {"file": f})
    batch = ImportBatch.objects.get()
    assert batch.state == "failed" and batch.error.startswith("Tabel wilayah belum dimuat")
    assert Person.objects.count() == 0


def test_the_template_checks_clean(tmp_path):
    report = run_intake(write_template(tmp_path / "template.xlsx"), source="template", dry_run=True)
    assert report.rows == 1 and report.issues == [] and report.accepted == 1


@pytest.fixture
def officer_client(client, make_user):
    client.force_login(make_user("petugas", "officer"))
    return client


def test_upload_on_screen_runs_as_a_job_and_gives_the_file_back_annotated(officer_client, tmp_path, settings, make_user):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    path = write_xlsx(tmp_path / "daftar.xlsx")
    with open(path, "rb") as f:
        response = officer_client.post(reverse("intake:upload"), {"file": f, "source": "Desa Sukawijaya"})
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("intake:batch", args=[batch.pk])
    assert (batch.state, batch.rows, batch.accepted, batch.review, batch.rejected) == ("done", 5, 2, 1, 2)
    page = officer_client.get(response["Location"]).content.decode()
    assert 'id="rejected">2<' in page and "Excel" in page
    download = officer_client.get(reverse("intake:annotated", args=[batch.pk]))
    annotated = tmp_path / "back.xlsx"
    annotated.write_bytes(b"".join(download.streaming_content))
    table = read_table(annotated)
    assert table.header_row == 3
    statuses = dict(table.frame.select("_row", "Status").iter_rows())
    assert {row: status for row, status in statuses.items() if status} == in_words(EXPECTED)
    # Reasons name the columns as the file does ("Tgl Lahir", not birth_date).
    reasons = dict(table.frame.select("_row", "Keterangan").iter_rows())
    assert reasons[5].startswith("NIK: ") and "birth_date" not in "".join(r or "" for r in reasons.values())
    assert AuditEvent.objects.filter(action="export_personal_data", target_id=str(batch.pk)).exists()
    asep = officer_client.get(reverse("registry:person-detail", args=[find_by_nik("3216040506900001").pk]))
    source = asep.content.decode().split('id="source">')[1].split("</dd>")[0]
    assert "berkas daftar.xlsx, baris 4" in source and reverse("intake:batch", args=[batch.pk]) in source
    # A village operator sees only the imports they uploaded: the file and row, without a link that would 404.
    officer_client.force_login(make_user("operator", "village_operator", villages=["32.16.04.2001"]))
    asep = officer_client.get(reverse("registry:person-detail", args=[find_by_nik("3216040506900001").pk]))
    source = asep.content.decode().split('id="source">')[1].split("</dd>")[0]
    assert "berkas daftar.xlsx, baris 4" in source and reverse("intake:batch", args=[batch.pk]) not in source


def test_an_unreadable_upload_fails_clearly(officer_client, tmp_path, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    bogus = tmp_path / "daftar.xlsx"
    bogus.write_bytes(b"this is not a spreadsheet")
    with open(bogus, "rb") as f:
        officer_client.post(reverse("intake:upload"), {"file": f})
    batch = ImportBatch.objects.get()
    assert batch.state == "failed" and "/" in batch.error
    assert Person.objects.count() == 0


def test_the_review_queue_resolves_held_rows(officer_client, tmp_path, make_user):
    report = run_intake(write_csv(tmp_path / "daftar.csv"), source="x")
    held = ImportRow.objects.get(batch_id=report.batch, row=7)
    assert list(review.pending()) == [held]
    page = officer_client.get(reverse("intake:review-row", args=[held.pk])).content.decode()
    assert "3216044506900003" in page
    page = officer_client.post(reverse("intake:review-row", args=[held.pk]), {"decision": ""}).content.decode()
    assert "Pilih salah satu keputusan." in page
    officer_client.post(reverse("intake:review-row", args=[held.pk]), {"decision": "accept"})
    held.refresh_from_db()
    assert held.decision == "accept" and held.person.full_name == "Siti Aminah"
    assert find_by_nik("3216044506900003") == held.person
    assert AuditEvent.objects.filter(action="update", target_type="intake.importrow", target_id=str(held.pk)).exists()
    assert list(review.pending()) == []
    # The import's page and its annotated file show the decision.
    page = officer_client.get(reverse("intake:batch", args=[report.batch])).content.decode()
    assert "orang berbeda: daftarkan sebagai baru" in page
    download = officer_client.get(reverse("intake:annotated", args=[report.batch]))
    annotated = tmp_path / "back.csv"
    annotated.write_bytes(b"".join(download.streaming_content))
    reasons = dict(read_table(annotated).frame.select("_row", "Keterangan").iter_rows())
    assert reasons[7].endswith("Keputusan petugas: orang berbeda: daftarkan sebagai baru")


def test_a_village_operator_cannot_review(client, make_user):
    client.force_login(make_user("op", "village_operator", villages=["32.16.04.2001"]))
    assert client.get(reverse("intake:review")).status_code == 403
    assert client.get(reverse("intake:upload")).status_code == 200


def test_a_village_operator_imports_only_people_of_their_villages(tmp_path, make_user):
    operator = make_user("op", "village_operator", villages=["32.16.08.1008"])  # Telaga Asih, not Sukawijaya
    rows = [ROWS[0], ["3216084506900009", "Euis", "Bekasi", "05/06/1990", "P", "Telaga Asih", "Cikarang Barat",
                      "PRT", "900000", ""]]
    report = run_intake(write_csv(tmp_path / "daftar.csv", rows), source="x", user=operator)
    assert outcomes(report) == {4: "rejected", 5: "accepted"}
    assert (4, "village.outside_scope") in {(i["row"], i["code"]) for i in report.issues}
    assert find_by_nik("3216040506900001") is None


def test_a_near_duplicate_of_a_registered_person_is_held_with_that_person(tmp_path, officer_client):
    run_intake(write_csv(tmp_path / "first.csv", ROWS[:1]), source="x")
    asep = find_by_nik("3216040506900001")
    twin = ["3216040506900077", "Asep Saefudin", "Bekasi", "05/06/1990", "L", "Sukawijaya", "Tambelang", "Petani",
            "1500000", ""]
    report = run_intake(write_csv(tmp_path / "second.csv", [twin]), source="y")
    assert outcomes(report) == {4: "review"}
    held = ImportRow.objects.get(batch_id=report.batch, row=4)
    assert held.candidates == {"people": [asep.pk], "rows": []}
    assert review.candidates(held) == [asep]
    # Shown unmasked beside the row, Asep has that look on his own record (his page lists who looked).
    assert "3216040506900001" in officer_client.get(reverse("intake:review-row", args=[held.pk])).content.decode()
    assert AuditEvent.objects.filter(action="view_personal_data", target_type="registry.person",
                                     target_id=str(asep.pk)).exists()
