"""Files to and from BPJS: a batch exported, answered by the branch office (XLSX and CSV), reconciled."""
import io
import json
from datetime import date
from io import StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from lindung.accounts.models import AuditEvent
from lindung.billing.models import Membership, MembershipChange
from lindung.enrolment import bpjs_files
from lindung.enrolment.bpjs_files import (
    BpjsFileError,
    export_batch,
    import_response,
    layout_in_force,
    read_layouts,
    reconciliation,
)
from lindung.enrolment.models import BatchMember, EnrolmentBatch
from lindung.months import add_months
from lindung.programmes.models import Payer
from lindung.programmes.services import APBD_PAYER
from lindung.registry.nik import make_nik
from lindung.registry.services import create_person

HEADERS = [
    "NIK", "Nama Lengkap", "Tempat Lahir", "Tanggal Lahir", "Jenis Kelamin", "Alamat", "Desa/Kelurahan",
    "Kecamatan", "No HP", "Pekerjaan", "Penghasilan", "Program", "Tanggal Mulai",
]
NAMES = ["Asep Saepudin", "Siti Aminah", "Dedi Kurniawan", "Euis Komariah", "Ujang Suhendar", "Neneng Hasanah",
         "Cecep Hidayat", "Iis Rahmawati", "Wawan Setiawan", "Yanti Sumarni"]


# Fixtures: people, and a batch as targeting.commit() leaves it --------------------------------------------


def make_people(names, *, district="32.16.04", village="32.16.04.2001", first_serial=1, born=date(1990, 6, 5)):
    people = []
    for serial, name in enumerate(names, start=first_serial):
        sex = "P" if name.split()[0] in {"Siti", "Euis", "Neneng", "Iis", "Yanti"} else "L"
        people.append(create_person(
            source="test", nik=make_nik(district, born, sex, serial), full_name=name, birth_place="Bekasi",
            birth_date=born, sex=sex, village_id=village, address=f"Kp. Pulo RT {serial:03d}/RW 002",
            phone=f"08123456{serial:04d}", segment_id="farmer", occupation="Petani padi" if serial % 2 else "",
            income=1_500_000,
        ))
    return people


def make_batch(people, *, programmes=("JKK", "JKM"), start="2026-01", months=12, declared_income=None):
    """A committed batch: members ranked in order, one candidate membership per person and programme."""
    payer = Payer.objects.get(name=APBD_PAYER)
    batch = EnrolmentBatch.objects.create(
        payer=payer, programmes=list(programmes), start_month=start, months=months, people=len(people),
        cost=16_800 * months * len(people),
    )
    BatchMember.objects.bulk_create(
        BatchMember(batch=batch, person=person, rank=rank, cost=16_800 * months)
        for rank, person in enumerate(people, start=1)
    )
    Membership.objects.bulk_create(
        Membership(person=person, programme_id=code, payer=payer, start_month=start,
                   end_month=add_months(start, months - 1), status="candidate",
                   declared_income=(declared_income or {}).get(person.pk))
        for person in people for code in programmes
    )
    return batch


@pytest.fixture
def people(db):
    return make_people(NAMES)


@pytest.fixture
def batch(people):
    # Rank order differs from registration order: the file follows the rank.
    ranked = people[::-1]
    return make_batch(ranked, declared_income={people[1].pk: 2_500_000})


def sheet_rows(content: bytes) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [tuple(row) for row in workbook.active.iter_rows(values_only=True)]


def write_xlsx(path, rows, title_rows=()):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Hasil"
    for row in [*title_rows, *rows]:
        sheet.append(list(row))
    workbook.save(path)
    return path


def write_csv(path, rows, delimiter=";", encoding="cp1252"):
    import csv

    with open(path, "w", encoding=encoding, newline="") as file:
        csv.writer(file, delimiter=delimiter).writerows(rows)
    return path


def statuses(model, **filters):
    return sorted(set(model.objects.filter(**filters).values_list("status", flat=True)))


# Layouts ------------------------------------------------------------------------------------------------


def test_the_registration_layout_in_force_is_data_with_a_date():
    layout = layout_in_force(date(2026, 1, 1))
    assert [c.header for c in layout.columns] == HEADERS
    assert layout.meta("sheet") == "Pendaftaran Kolektif BPU"
    assert layout.column("birth_date").format == "dd-mm-yyyy"
    assert layout_in_force(date(2026, 1, 1), "response").column("kpj").format == "[0-9]{11}"
    with pytest.raises(BpjsFileError, match="no registration file layout in force on 2020-01-01") as refused:
        layout_in_force(date(2020, 1, 1))
    assert "Tidak ada tata letak" in str(refused.value)


def test_a_new_layout_version_takes_over_from_its_date(tmp_path):
    source = bpjs_files.LAYOUTS_CSV.read_text(encoding="utf-8")
    newer = [line.replace("2023-01-01", "2027-07-01").replace("No HP", "Nomor Telepon")
             for line in source.splitlines()[1:] if line.startswith("registration,")]
    path = tmp_path / "layouts.csv"
    path.write_text(source + "\n".join(newer) + "\n", encoding="utf-8")
    read_layouts.cache_clear()
    try:
        assert layout_in_force(date(2027, 6, 30), path=path).column("phone").header == "No HP"
        assert layout_in_force(date(2027, 7, 1), path=path).column("phone").header == "Nomor Telepon"
    finally:
        read_layouts.cache_clear()


# Export ------------------------------------------------------------------------------------------------


def test_export_writes_every_waiting_member_in_rank_order_and_marks_them_submitted(batch, people, make_user):
    officer = make_user("budi")
    content = export_batch(batch, user=officer)
    rows = sheet_rows(content)
    assert rows[0] == tuple(HEADERS)
    assert len(rows) == 11
    last = people[-1]  # rank 1
    assert rows[1] == (
        last.nik, "Yanti Sumarni", "Bekasi", "05-06-1990", "P", "Kp. Pulo RT 010/RW 002", "Sukawijaya",
        "Tambelang", "081234560010", "Petani", 1_000_000, "JKK, JKM", "01-01-2026",
    )
    assert [r[0] for r in rows[1:]] == [p.nik for p in people[::-1]]  # full NIKs, by rank
    assert {r[9] for r in rows[1:]} == {"Petani padi", "Petani"}  # an empty occupation: the segment
    by_nik = {r[0]: r for r in rows[1:]}
    assert by_nik[people[1].nik][10] == 2_500_000  # declared income; the others on the minimum basis
    assert {r[10] for r in rows[1:]} == {1_000_000, 2_500_000}

    batch.refresh_from_db()
    assert batch.status == "submitted" and batch.exported_at is not None
    assert statuses(BatchMember, batch=batch) == ["submitted"]
    assert statuses(Membership) == ["submitted"]
    assert MembershipChange.objects.filter(status="submitted").count() == 20
    event = AuditEvent.objects.get(action="enrolment.export")
    assert (event.user, event.after["rows"], event.target_id) == (officer, 10, str(batch.pk))


def test_exporting_again_gives_the_same_rows_and_changes_nothing_more(batch):
    first = export_batch(batch)
    batch.refresh_from_db()
    exported_at = batch.exported_at
    changes = MembershipChange.objects.count()
    second = export_batch(batch)
    assert sheet_rows(second) == sheet_rows(first)
    assert second == first
    batch.refresh_from_db()
    assert batch.exported_at == exported_at
    assert MembershipChange.objects.count() == changes
    assert AuditEvent.objects.filter(action="enrolment.export").count() == 2  # each export of NIKs is audited


def test_a_batch_nobody_is_waiting_in_is_not_exported(batch):
    BatchMember.objects.filter(batch=batch).update(status="accepted")
    with pytest.raises(BpjsFileError, match="nobody in batch") as refused:
        export_batch(batch)
    assert " / " in str(refused.value)


# The round trip ----------------------------------------------------------------------------------------


@pytest.fixture
def exported(batch):
    export_batch(batch)
    return batch


def kpj(n: int) -> str:
    return f"{12345678900 + n}"


def test_round_trip_export_answer_reconcile(exported, people, tmp_path):
    batch = exported
    p = people
    outsider = make_people(["Rudi Hartono"], first_serial=50)[0]  # registered, not in the batch
    stranger = make_nik("32.16.08", date(1985, 2, 3), "L", 77)  # not registered at all
    rows = [
        ["No", "NIK", "Nama", "No KPJ", "Status", "Keterangan"],
        [1, p[0].nik, "Asep", kpj(1), "diterima", None],
        [2, p[1].nik, "Siti", kpj(2), "Diterima", None],
        [3, p[2].nik, "Dedi", None, "DITOLAK", "Data NIK tidak sesuai Dukcapil"],
        [4, p[3].nik, "Euis", 12345678904, "accepted", None],  # a KPJ Excel keeps as a number
        [5, p[4].nik, "Ujang", None, "ditolak", "Sudah terdaftar sebagai peserta penerima upah"],
        [6, f"'{p[5].nik}", "Neneng", "1234 5678 906", "diterima", None],
        [7, p[6].nik, "Cecep", "1234567890", "diterima", None],  # 10 digits
        [8, p[7].nik, "Iis", None, "diterima", None],  # accepted without KPJ
        [9, p[7].nik, "Iis", kpj(8), "diterima", None],  # the row above does not stand: this one does
        [10, outsider.nik, "Rudi", kpj(99), "diterima", None],
        [11, stranger, "Joko", None, "ditolak", "NIK tidak ditemukan"],
        [12, p[0].nik, "Asep", kpj(11), "diterima", None],  # again: row 4 stands
        [13, 3.21604e15, "Wawan", kpj(9), "diterima", None],  # a NIK Excel rounded
        [14, p[8].nik, "Wawan", None, "menunggu", None],
        [15, p[6].nik, "Cecep", kpj(7), None, None],
    ]  # Yanti (p[9]) has no row: missing
    answer = write_xlsx(tmp_path / "jawaban.xlsx", rows,
                        title_rows=[["Hasil Pendaftaran Kolektif BPU - BPJS Ketenagakerjaan Cabang Cikarang"], []])

    report = import_response(batch, answer)

    assert report.counts() == {"rows": 15, "accepted": 5, "rejected": 2, "unknown": 2, "duplicate": 1,
                               "invalid": 5, "already": 0, "missing": 3}
    outcome = {o["row"]: o["outcome"] for o in report.outcomes}
    assert outcome == {4: "accepted", 5: "accepted", 6: "rejected", 7: "accepted", 8: "rejected", 9: "accepted",
                       10: "invalid", 11: "invalid", 12: "accepted", 13: "unknown", 14: "unknown",
                       15: "duplicate", 16: "invalid", 17: "invalid", 18: "invalid"}
    issues = {(i["row"], i["column"], i["code"]) for i in report.issues}
    assert issues == {
        (10, "No KPJ", "kpj.invalid"), (11, "No KPJ", "kpj.missing"), (13, "NIK", "nik.not_in_batch"),
        (14, "NIK", "nik.not_in_batch"), (15, "NIK", "duplicate.in_file"), (16, "NIK", "nik.excel_number"),
        (17, "Status", "status.invalid"), (18, "Status", "status.missing"),
    }
    duplicate = next(i for i in report.issues if i["code"] == "duplicate.in_file")
    assert "4" in duplicate["message"]
    bad_kpj = next(i for i in report.issues if i["code"] == "kpj.invalid")
    assert bad_kpj["message"] == "Nomor KPJ tidak sesuai format (11 angka)."   # not the layout's pattern, [0-9]{11}

    # Accepted: the member and both memberships carry the KPJ; the memberships are active.
    for person, number in [(p[0], 1), (p[1], 2), (p[3], 4), (p[5], 6), (p[7], 8)]:
        member = BatchMember.objects.get(batch=batch, person=person)
        assert (member.status, member.kpj) == ("accepted", kpj(number))
        assert member.answered_at is not None
        assert set(Membership.objects.filter(person=person).values_list("status", "kpj")) == {("active", kpj(number))}
        assert list(MembershipChange.objects.filter(membership__person=person, status="active")
                    .values_list("reason", flat=True)) == ["accepted by BPJS"] * 2
    # Rejected: explained, and the memberships closed in their first month, never billed.
    dedi = BatchMember.objects.get(batch=batch, person=p[2])
    assert (dedi.status, dedi.reason) == ("rejected", "Data NIK tidak sesuai Dukcapil")
    assert set(Membership.objects.filter(person=p[2]).values_list("status", "end_month", "kpj")) == {
        ("rejected", "2026-01", "")}
    ended = MembershipChange.objects.filter(membership__person=p[2], status="rejected")
    assert set(ended.values_list("reason", flat=True)) == {"rejected by BPJS: Data NIK tidak sesuai Dukcapil"}
    # No answer yet (missing row, invalid rows): still submitted; the outsider is untouched.
    assert statuses(BatchMember, batch=batch, person__in=[p[6], p[8], p[9]]) == ["submitted"]
    assert statuses(Membership, person__in=[p[6], p[8], p[9]]) == ["submitted"]
    assert not Membership.objects.filter(person=outsider).exists()
    batch.refresh_from_db()
    assert batch.status == "submitted"

    result = reconciliation(batch)
    assert {k: result[k] for k in ("sent", "returned", "accepted", "rejected", "unknown")} == {
        "sent": 10, "returned": 7, "accepted": 5, "rejected": 2, "unknown": 2}
    assert [(m["rank"], m["full_name"]) for m in result["missing"]] == [
        (1, "Yanti Sumarni"), (2, "Wawan Setiawan"), (4, "Cecep Hidayat")]
    assert result["missing"][0]["nik_masked"] == p[9].nik[:4] + "********" + p[9].nik[-4:]

    # The same file again (under another name too): nothing changes, and the report says so.
    changes, events = MembershipChange.objects.count(), AuditEvent.objects.filter(action="enrolment.response").count()
    answered = list(BatchMember.objects.order_by("pk").values_list("status", "kpj", "reason", "answered_at"))
    again = import_response(batch, answer, filename="jawaban (1).xlsx")
    assert again.repeat_of is not None and again.as_json()["already_imported"]["file"] == "jawaban.xlsx"
    assert again.changed is False
    assert (again.accepted, again.rejected, again.already, again.unknown, again.duplicate, again.invalid) == (
        0, 0, 7, 2, 1, 5)
    assert MembershipChange.objects.count() == changes
    assert AuditEvent.objects.filter(action="enrolment.response").count() == events
    assert list(BatchMember.objects.order_by("pk").values_list("status", "kpj", "reason", "answered_at")) == answered

    # A second answer, as CSV from Excel (semicolons, Windows-1252): the rest, an answer given before,
    # and a conflicting one.
    second = write_csv(tmp_path / "jawaban-2.csv", [
        ["NIK", "Nomor Kepesertaan", "Status", "Alasan"],
        [p[6].nik, kpj(7), "diterima", ""],
        [p[8].nik, "", "ditolak", "Usia melebihi batas"],
        [p[0].nik, kpj(1), "diterima", ""],  # answered so before: no change
        [p[2].nik, "", "ditolak", "Data NIK tidak sesuai Dukcapil"],
        [p[1].nik, "", "ditolak", "Ganda"],  # accepted before: the first answer stands
        [outsider.nik, kpj(99), "diterima", "Cécile"],
    ])
    report = import_response(batch, second)
    assert report.counts() == {"rows": 6, "accepted": 1, "rejected": 1, "unknown": 1, "duplicate": 0,
                               "invalid": 1, "already": 2, "missing": 1}
    assert [(i["row"], i["column"], i["code"]) for i in report.issues] == [
        (6, "Status", "answer.conflict"), (7, "NIK", "nik.not_in_batch")]
    assert set(Membership.objects.filter(person=p[1]).values_list("status", "kpj")) == {("active", kpj(2))}
    assert set(Membership.objects.filter(person=p[8]).values_list("status", "end_month")) == {("rejected", "2026-01")}
    assert MembershipChange.objects.filter(membership__person=p[0]).count() == 4  # submitted, accepted; no more

    result = reconciliation(batch)
    assert (result["returned"], result["unknown"]) == (9, 1)
    assert [m["full_name"] for m in result["missing"]] == ["Yanti Sumarni"]
    batch.refresh_from_db()
    assert batch.status == "submitted"

    # The last answer: every member answered, the batch is answered.
    last = write_csv(tmp_path / "jawaban-3.csv",
                     [["NIK", "KPJ", "Status", "Keterangan"], [p[9].nik, kpj(10), "diterima", ""]],
                     delimiter=",", encoding="utf-8")
    assert import_response(batch, last).missing == 0
    batch.refresh_from_db()
    assert batch.status == "answered" and batch.answered_at is not None
    assert reconciliation(batch)["missing"] == []
    assert Membership.objects.filter(status="active").count() == 14  # 7 people x 2 programmes
    assert Membership.objects.filter(status="rejected").count() == 6


def test_every_row_ends_in_exactly_one_outcome(exported, people, tmp_path):
    p = people
    rows = [["NIK", "KPJ", "Status", "Keterangan"]] + [
        [p[0].nik, kpj(1), "diterima", ""], [p[0].nik, kpj(1), "diterima", ""], ["12", "", "", ""],
        [p[1].nik, "", "ditolak", ""], ["", "", "", "catatan tanpa NIK"],
    ]
    report = import_response(exported, write_csv(tmp_path / "a.csv", rows, delimiter=","))
    counted = sum(getattr(report, name) for name in bpjs_files.OUTCOMES)
    assert counted == report.rows == len(report.outcomes) == 5
    assert BatchMember.objects.get(person=p[1]).reason == "tanpa keterangan / no reason given"
    # A row with only a note: no NIK, no status.
    assert {i["code"] for i in report.issues if i["row"] == 6} == {"nik.empty", "status.missing"}


def test_issue_messages_follow_the_language(exported, people, tmp_path):
    from django.utils import translation

    path = write_csv(tmp_path / "a.csv", [["NIK", "KPJ", "Status"], [people[0].nik, "", "diterima"]], delimiter=",")
    with translation.override("en"):
        message = import_response(exported, path).issues[0]["message"]
    assert message.startswith("Accepted, but the membership number (KPJ) is empty")


def test_an_answer_without_nik_and_status_columns_is_refused(exported, tmp_path):
    path = write_csv(tmp_path / "a.csv", [["Nama", "Alamat"], ["Asep", "Kp. Pulo"]], delimiter=",")
    with pytest.raises(BpjsFileError, match="must have at least the columns NIK and Status") as refused:
        import_response(exported, path)
    assert "Baris judul kolom" in str(refused.value)
    pdf = tmp_path / "a.xlsx"
    pdf.write_bytes(b"%PDF-1.4 not a spreadsheet")
    with pytest.raises(BpjsFileError, match=" / "):
        import_response(exported, pdf)
    assert not AuditEvent.objects.filter(action="enrolment.response").exists()


# The command -----------------------------------------------------------------------------------------------


def lindung(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_commands_export_import_reconcile(exported, people, tmp_path):
    batch = exported
    out = tmp_path / "kirim.xlsx"
    assert "10 people" in lindung("enrolment", "export", str(batch.pk), "--out", str(out))
    rows = sheet_rows(out.read_bytes())
    assert len(rows) == 11 and (out.stat().st_mode & 0o777) == 0o600

    answer = write_xlsx(tmp_path / "jawaban.xlsx", [["NIK", "KPJ", "Status"]] + [
        [person.nik, kpj(i), "diterima"] for i, person in enumerate(people[:9], start=1)])
    report = json.loads(lindung("enrolment", "import", str(batch.pk), str(answer), "--json"))
    assert (report["file"], report["rows"], report["accepted"], report["missing"]) == ("jawaban.xlsx", 9, 9, 1)
    assert "already imported" in lindung("enrolment", "import", str(batch.pk), str(answer))

    result = json.loads(lindung("enrolment", "reconcile", str(batch.pk), "--json"))
    assert (result["sent"], result["accepted"], len(result["missing"])) == (10, 9, 1)
    assert "1 missing" in lindung("enrolment", "reconcile", str(batch.pk))


@pytest.mark.parametrize(
    "args, message",
    [
        (("enrolment", "reconcile", "999"), "no such enrolment batch"),
        (("enrolment", "import", "{batch}", "/nonexistent.csv"), "no such file"),
        (("enrolment", "import", "{batch}", "{empty}"), "no header row"),
    ],
)
def test_bad_input_is_refused_in_both_languages(exported, tmp_path, args, message):
    empty = write_csv(tmp_path / "x.csv", [["a", "b"], ["1", "2"]], delimiter=",")
    args = [a.format(batch=exported.pk, empty=empty) for a in args]
    with pytest.raises(CommandError, match=message) as refused:
        call_command(*args, stdout=StringIO())
    assert " / " in str(refused.value)


def test_a_person_bpjs_rejected_is_never_billed(two_villages):
    from lindung.billing.models import ContributionLine, Membership
    from lindung.billing.services import run_billing
    from lindung.programmes.models import Payer

    asep, siti = two_villages
    apbd = Payer.objects.get(kind="apbd")
    for person, status in [(asep, "rejected"), (siti, "active")]:
        Membership.objects.create(person=person, programme_id="JKK", payer=apbd, start_month="2026-01",
                                  end_month="2026-01" if status == "rejected" else None, status=status)
    run_billing("2026-01")
    assert list(ContributionLine.objects.values_list("person_id", flat=True)) == [siti.pk]
