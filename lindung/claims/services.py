"""Claims: reporting an incident (with its coverage check and expected benefit), its scanned documents,
the claim's status from reported to paid or rejected, reminders for stalled claims, and the totals."""
import hashlib
import uuid
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction
from django.db.models import CharField, Count, Sum
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from lindung.accounts import audit
from lindung.accounts.models import AuditEvent
from lindung.claims import checklist
from lindung.claims.benefits import estimate
from lindung.claims.models import CLOSED, STATUS_ORDER, ClaimDocument, ClaimStatus, ClaimStep, Incident, IncidentKind
from lindung.claims.protection import Protection, check_protection
from lindung.keys import var_dir
from lindung.months import month_of
from lindung.programmes.policy import policy_value

POLICY_CSV = Path(__file__).resolve().parent / "data" / "policy.csv"

# The first bytes of the scans accepted, and what they are.
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


# A status in the Indonesian half of a ClaimError ('Indonesian / English', whatever the reader's language).
STATUS_ID = {"reported": "dilaporkan", "documents_complete": "berkas lengkap", "submitted": "diajukan ke BPJS",
             "paid": "dibayar", "rejected": "ditolak"}


class ClaimError(ValueError):
    """Bad input for a claim, with a message 'Indonesian / English'."""


def claims_policy(name: str, on: date | None = None) -> int:
    return policy_value(name, on, path=POLICY_CSV)


# The coverage check and the expected benefit --------------------------------------------------------------


def minimum_basis(person, month: str) -> int:
    """The JKK minimum income basis of the rate schedule for the person's payer (Rp 1,000,000): the wage of
    a member whose declared income is empty, as regency-paid schemes report their members."""
    from lindung.programmes.rates import rate_for
    from lindung.programmes.services import rate_schedule

    kinds = set(person.memberships.filter(programme_id="JKK").values_list("payer__kind", flat=True))
    rates = rate_schedule()
    bases = [rate.min_income for kind in kinds if (rate := rate_for("JKK", month, kind, rates)) is not None]
    return max(bases, default=0)


def expected_benefit(person, kind: str, occurred_on: date, protection: Protection, *, children=(),
                     incapacity_months=None, disability_percent=None):
    """The benefits.estimate for a protected incident, from the membership's start and declared income;
    None when not protected."""
    if not protection.protected:
        return None
    income = protection.declared_income
    if kind != IncidentKind.DEATH and income is None:
        income = minimum_basis(person, protection.month)
    children = [tuple(c) for c in children] if kind != IncidentKind.WORK_ACCIDENT else ()
    if kind == IncidentKind.DEATH:
        return estimate("death", None, protection.member_since, occurred_on, children=children)
    if kind == IncidentKind.WORK_DEATH:
        return estimate("work_death", income, protection.member_since, occurred_on, children=children)
    if disability_percent is not None:
        return estimate("partial_disability", income, protection.member_since, occurred_on, percent=disability_percent)
    return estimate("temporary", income, protection.member_since, occurred_on, months=incapacity_months or 0)


# Reporting -----------------------------------------------------------------------------------------------


def report_incident(person, *, kind: str, occurred_on: date, place: str, contact_name: str, user=None,
                    circumstances: str = "", contact_relation: str = "", contact_phone: str | None = None,
                    children=(), incapacity_months: int | None = None, disability_percent=None,
                    end_memberships: bool = True, today: date | None = None) -> Incident:
    """Record a death or a work accident: the coverage check on its date, the benefit the rules promise,
    the claim at 'reported'. A death also records the person's date of death and, unless told not to,
    ends their memberships with the month of death (reason: death), so they are no longer billed."""
    today = today or timezone.localdate()
    if occurred_on > today:
        raise ClaimError(f"Tanggal kejadian {occurred_on} belum terjadi / the incident date {occurred_on} is in the future")
    if kind != IncidentKind.WORK_ACCIDENT:
        earlier = Incident.objects.filter(person=person).exclude(kind=IncidentKind.WORK_ACCIDENT) \
            .exclude(status=ClaimStatus.REJECTED).first()
        if earlier is not None:
            raise ClaimError(f"Kematian orang ini sudah dilaporkan sebagai {earlier.number} / "
                             f"this person's death was already reported as {earlier.number}")
    else:
        # The same accident sent twice (a second click, a second officer) would be claimed twice.
        earlier = Incident.objects.filter(person=person, kind=kind, occurred_on=occurred_on) \
            .exclude(status=ClaimStatus.REJECTED).first()
        if earlier is not None:
            raise ClaimError(f"Kecelakaan kerja orang ini pada {occurred_on:%d-%m-%Y} sudah dilaporkan sebagai "
                             f"{earlier.number} / this person's work accident on {occurred_on} was already "
                             f"reported as {earlier.number}")
    protection = check_protection(person, kind, occurred_on)
    result = expected_benefit(person, kind, occurred_on, protection, children=children,
                              incapacity_months=incapacity_months, disability_percent=disability_percent)
    with transaction.atomic():
        incident = Incident.objects.create(
            person=person, village_id=person.village_id, kind=kind, occurred_on=occurred_on, place=place,
            circumstances=circumstances, contact_name=contact_name, contact_relation=contact_relation,
            contact_phone=contact_phone or None, children=[list(c) for c in children],
            incapacity_months=incapacity_months, disability_percent=disability_percent,
            programme_id=protection.programme, protected=protection.protected, coverage=protection.as_json(),
            expected_amount=result.total if result else 0,
            expected_parts=result.as_json()["parts"] if result else [], reported_by=user,
        )
        ClaimStep.objects.create(incident=incident, status=ClaimStatus.REPORTED, on=today, user=user,
                                 amount=incident.expected_amount, source="screen")
        audit.record(AuditEvent.Action.CREATE, target=incident, user=user,
                     summary=f"{incident.number}: {kind} of {person.full_name} on {occurred_on}",
                     after={"kind": kind, "protected": protection.protected, "reason": protection.reason,
                            "expected": incident.expected_amount})
        if kind != IncidentKind.WORK_ACCIDENT:
            record_death(person, occurred_on, user=user, end_memberships=end_memberships)
    return incident


def check_again(incident: Incident, *, user=None) -> bool:
    """The coverage check and the expected benefit once more, e.g. after the month was billed or a late
    payment recorded; only for an open claim. True when anything changed (written to the history)."""
    if incident.closed:
        raise ClaimError(f"Klaim {incident.number} sudah ditutup / claim {incident.number} is closed")
    protection = check_protection(incident.person, incident.kind, incident.occurred_on)
    result = expected_benefit(incident.person, incident.kind, incident.occurred_on, protection,
                              children=incident.children, incapacity_months=incident.incapacity_months,
                              disability_percent=incident.disability_percent)
    fields = {"protected": protection.protected, "coverage": protection.as_json(),
              "expected_amount": result.total if result else 0,
              "expected_parts": result.as_json()["parts"] if result else []}
    before = {name: getattr(incident, name) for name in fields}
    if before == fields:
        return False
    with transaction.atomic():
        for name, value in fields.items():
            setattr(incident, name, value)
        incident.save(update_fields=list(fields))
        ClaimStep.objects.create(incident=incident, status=incident.status, on=timezone.localdate(), user=user,
                                 amount=incident.expected_amount, source="screen",
                                 note=f"pemeriksaan ulang / checked again: {protection.reason}")
        audit.record(AuditEvent.Action.UPDATE, target=incident, user=user,
                     summary=f"{incident.number}: coverage checked again ({protection.reason})",
                     before={"protected": before["protected"], "expected": before["expected_amount"]},
                     after={"protected": protection.protected, "expected": incident.expected_amount})
    return True


def record_death(person, died_on: date, *, user=None, end_memberships: bool = True) -> None:
    from lindung.enrolment.lifecycle import end_memberships as end
    from lindung.registry.services import update_person

    if person.died_on is None:
        update_person(person, source="claims: death reported", user=user, died_on=died_on)
    if end_memberships:
        end(person.memberships.all(), "death", month_of(died_on), user=user, note="claims")


# Documents -----------------------------------------------------------------------------------------------


def documents_folder() -> Path:
    folder = var_dir() / "claims" / "documents"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def scan_type(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a PDF, JPEG or PNG by its first bytes; None for anything else."""
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


def received_codes(incident: Incident) -> set[str]:
    return set(incident.documents.values_list("code", flat=True))


def missing_documents(incident: Incident) -> list:
    return checklist.missing_documents(incident.kind, incident.occurred_on, received_codes(incident))


def store_document(incident: Incident, code: str, upload, *, user=None) -> ClaimDocument:
    """Keep a scan of one checklist document (PDF, JPEG or PNG by content, at most the policy's size),
    readable only by lindung; once the checklist is complete a reported claim moves to documents complete."""
    from lindung.enrolment.tasks import write_private

    codes = {d.code for d in checklist.required_documents(incident.kind, incident.occurred_on)}
    if code not in codes:
        raise ClaimError(f"Dokumen {code!r} tidak ada dalam daftar untuk klaim ini / "
                         f"document {code!r} is not on this claim's checklist")
    limit_kb = claims_policy("claim_document_max_kb")
    if upload.size > limit_kb * 1024:
        raise ClaimError(f"Berkas terlalu besar: {upload.size // 1024} KB, paling besar {limit_kb} KB / "
                         f"the file is too large: {upload.size // 1024} KB, at most {limit_kb} KB")
    content = b"".join(upload.chunks())
    found = scan_type(content[:16])
    if found is None:
        raise ClaimError("Berkas harus berupa PDF, JPEG atau PNG (hasil pindai atau foto) / "
                         "the file must be a PDF, JPEG or PNG (a scan or a photo)")
    content_type, extension = found
    stored = documents_folder() / f"{uuid.uuid4().hex}.{extension}"
    write_private(stored, content)
    with transaction.atomic():
        document = ClaimDocument.objects.create(
            incident=incident, code=code, filename=Path(upload.name).name[:255], content_type=content_type,
            size=len(content), sha256=hashlib.sha256(content).hexdigest(), stored_as=str(stored), uploaded_by=user,
        )
        audit.record(AuditEvent.Action.CREATE, target=incident, user=user,
                     summary=f"{incident.number}: document {code} ({document.filename}, {len(content)} bytes)")
        if incident.status == ClaimStatus.REPORTED and not missing_documents(incident):
            change_status(incident, ClaimStatus.DOCUMENTS_COMPLETE, on=timezone.localdate(), user=user,
                          source="screen", note="semua dokumen diterima / all documents received")
    return document


# Status --------------------------------------------------------------------------------------------------


def change_status(incident: Incident, status: str, *, on: date, amount: int | None = None, reason: str = "",
                  user=None, source: str = "screen", note: str = "", today: date | None = None) -> bool:
    """Move the claim to `status` on date `on`; False when it is already there with the same values.

    Forward only (reported → documents complete → submitted → paid), rejected from any open step; paid
    and rejected close the claim. Paid needs the amount, rejected the reason. Raises ClaimError."""
    today = today or timezone.localdate()
    if status not in ClaimStatus.values:
        raise ClaimError(f"Status tidak dikenal: {status!r} / unknown status: {status!r}")
    if on > today:
        raise ClaimError(f"Tanggal {on} belum terjadi / the date {on} is in the future")
    if on < incident.occurred_on:
        raise ClaimError(f"Tanggal {on} sebelum kejadian ({incident.occurred_on}) / "
                         f"the date {on} is before the incident ({incident.occurred_on})")
    if status == ClaimStatus.PAID and (amount is None or amount <= 0):
        raise ClaimError("Klaim dibayar: jumlah yang dibayar wajib diisi / paid: the amount paid is needed")
    if status == ClaimStatus.REJECTED and not reason.strip():
        raise ClaimError("Klaim ditolak: alasan penolakan wajib diisi / rejected: the reason is needed")
    if status == incident.status:
        same = (
            (status != ClaimStatus.PAID or (amount == incident.paid_amount and on == incident.paid_on))
            and (status != ClaimStatus.REJECTED or reason.strip() == incident.rejection_reason)
        )
        if same:
            return False
    if incident.closed:
        raise ClaimError(
            f"Klaim sudah {STATUS_ID[incident.status]} dan ditutup; tidak dapat diubah menjadi {STATUS_ID[status]} / "
            f"the claim is already {incident.status} and closed; it cannot become {status}"
        )
    if status != ClaimStatus.REJECTED and STATUS_ORDER.index(status) < STATUS_ORDER.index(incident.status):
        raise ClaimError(f"Klaim tidak dapat kembali dari {STATUS_ID[incident.status]} ke {STATUS_ID[status]} / "
                         f"a claim cannot go back from {incident.status} to {status}")
    if status == ClaimStatus.DOCUMENTS_COMPLETE and (missing := missing_documents(incident)):
        raise ClaimError("Dokumen belum lengkap: " + ", ".join(d.label_id for d in missing) + " / "
                         "documents missing: " + ", ".join(d.label_en for d in missing))
    before = {"status": incident.status, "paid_amount": incident.paid_amount}
    incident.status = status
    incident.status_since = timezone.now()
    if status == ClaimStatus.SUBMITTED:
        incident.submitted_on = on
    if status == ClaimStatus.PAID:
        incident.paid_amount, incident.paid_on = amount, on
    if status == ClaimStatus.REJECTED:
        incident.rejection_reason = reason.strip()[:300]
    with transaction.atomic():
        incident.save(update_fields=["status", "status_since", "submitted_on", "paid_amount", "paid_on",
                                     "rejection_reason"])
        ClaimStep.objects.create(incident=incident, status=status, on=on, user=user, source=source[:200],
                                 amount=amount if status == ClaimStatus.PAID else None,
                                 note=(reason.strip() or note)[:300])
        audit.record(AuditEvent.Action.UPDATE, target=incident, user=user,
                     summary=f"{incident.number}: {status} on {on} ({source})", before=before,
                     after={"status": status, "paid_amount": incident.paid_amount})
    return True


# Reminders and totals -----------------------------------------------------------------------------------


def stalled_claims(now=None):
    """Open claims whose status has not moved for longer than the policy's claim_stalled_after_days,
    longest waiting first (a queryset)."""
    now = now or timezone.now()
    days = claims_policy("claim_stalled_after_days", now.date())
    open_statuses = [s for s in ClaimStatus.values if s not in CLOSED]  # IN, not NOT IN: the index serves it
    return (Incident.objects.filter(status__in=open_statuses, status_since__lt=now - timedelta(days=days))
            .order_by("status_since", "id"))


def claims_totals(first_month: str, last_month: str, segment: str | None = None) -> list[dict]:
    """Claims paid from first_month to last_month (by the month they were paid): count and amount paid
    by programme, month and kecamatan, in one aggregate query. Rows: programme, month, kecamatan, claims, paid.
    `segment` (a segment code) keeps the claims of the people registered under it."""
    from lindung.months import month_start, add_months

    paid = Incident.objects.filter(status=ClaimStatus.PAID, paid_on__gte=month_start(first_month),
                                   paid_on__lt=month_start(add_months(last_month, 1)))
    if segment is not None:
        paid = paid.filter(person__segment_id=segment)
    rows = (
        paid.order_by()
        # The month as text, 'YYYY-MM' of the ISO date: cheaper than TruncMonth, a Python function on SQLite.
        .annotate(paid_month=Substr(Cast("paid_on", CharField()), 1, 7), kecamatan=Substr("village_id", 1, 8))
        .values("programme_id", "paid_month", "kecamatan")
        .annotate(claims=Count("id"), paid=Sum("paid_amount"))
    )
    return sorted(
        ({"programme": r["programme_id"], "month": r["paid_month"], "kecamatan": r["kecamatan"],
          "claims": r["claims"], "paid": r["paid"]} for r in rows),
        key=lambda r: (r["month"], r["programme"], r["kecamatan"]),
    )


def claims_summary(first_month: str, last_month: str, segment: str | None = None) -> dict:
    """claims_totals summed for a screen or a report: {"first_month", "last_month", "claims", "paid",
    "by_programme": [{"programme", "claims", "paid"}] (by code), "by_kecamatan": {code: {"claims", "paid"}}}."""
    rows = claims_totals(first_month, last_month, segment)
    by_programme: dict[str, dict] = {}
    by_kecamatan: dict[str, dict] = {}
    for row in rows:
        for key, table in ((row["programme"], by_programme), (row["kecamatan"], by_kecamatan)):
            entry = table.setdefault(key, {"claims": 0, "paid": 0})
            entry["claims"] += row["claims"]
            entry["paid"] += row["paid"]
    return {
        "first_month": first_month,
        "last_month": last_month,
        "claims": sum(row["claims"] for row in rows),
        "paid": sum(row["paid"] for row in rows),
        "by_programme": [{"programme": code, **by_programme[code]} for code in sorted(by_programme)],
        "by_kecamatan": by_kecamatan,
        "rows": rows,
    }
